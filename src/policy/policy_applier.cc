#include "policy/policy_applier.h"

#include <utility>

namespace de {
namespace {

// Appends row i of `from` to `to` (same type).
void AppendRow(const ColumnVector& from, size_t i, ColumnVector* to) {
  if (from.IsNull(i)) {
    to->AppendNull();
  } else if (from.type().is_variable_width()) {
    to->AppendBytes(from.Bytes(i));
  } else {
    const auto* values = from.values<uint8_t>();
    to->AppendFixedBytes(values + i * static_cast<size_t>(from.type().byte_width()));
  }
}

// Fills `out` (one per row) with the rule of each cell of the string column `column`: nullptr for
// NULL or an unlisted value. Values repeat (a few sources and metrics), so the previous row's
// answer is reused when the bytes are the same.
void LookUpRules(const std::map<std::string, RowRule, std::less<>>& rules,
                 const ColumnVector& column, std::vector<const RowRule*>* out) {
  size_t n = column.size();
  out->assign(n, nullptr);
  std::string_view last;
  const RowRule* last_rule = nullptr;
  bool have_last = false;
  for (size_t i = 0; i < n; ++i) {
    if (column.IsNull(i)) continue;
    std::string_view value = column.Bytes(i);
    if (!have_last || value != last) {
      auto it = rules.find(value);
      last_rule = it == rules.end() ? nullptr : &it->second;
      last = value;
      have_last = true;
    }
    (*out)[i] = last_rule;
  }
}

}  // namespace

PolicyApplier::PolicyApplier(ExportPlan plan, TreatmentContext context)
    : plan_(std::move(plan)),
      context_(std::move(context)),
      filtered_(plan_.ScanSchema()),
      scratch_(DataType::String()) {
  input_shared_.assign(plan_.scan_columns.size(), false);
  std::vector<int> uses(plan_.scan_columns.size(), 0);
  for (const OutputColumn& c : plan_.outputs) ++uses[static_cast<size_t>(c.input)];
  for (size_t i = 0; i < uses.size(); ++i) input_shared_[i] = uses[i] > 1;
}

Status PolicyApplier::CheckContext(const ExportPlan& plan, const TreatmentContext& context) {
  if (plan.uses_hash() && context.hash_key.empty()) {
    return FailedPrecondition(
        "table {}: the policy uses the hash treatment but no key is set (policy.hash_key_file, "
        "policy.hash_key or DATA_EXPORTER_POLICY_HASH_KEY)",
        plan.table);
  }
  return Status::Ok();
}

Result<std::unique_ptr<PolicyApplier>> PolicyApplier::Create(ExportPlan plan,
                                                             TreatmentContext context) {
  RETURN_IF_ERROR(CheckContext(plan, context));
  return std::unique_ptr<PolicyApplier>(new PolicyApplier(std::move(plan), std::move(context)));
}

void PolicyApplier::ClassifyRows(const Batch& in) {
  size_t n = in.num_rows();
  if (plan_.source_input >= 0) {
    LookUpRules(plan_.source_rules, in.column(static_cast<size_t>(plan_.source_input)),
                &source_rule_);
  } else {
    source_rule_.assign(n, nullptr);
  }
  if (plan_.metric_input >= 0) {
    LookUpRules(plan_.metric_rules, in.column(static_cast<size_t>(plan_.metric_input)),
                &metric_rule_);
  } else {
    metric_rule_.assign(n, nullptr);
  }
}

bool PolicyApplier::SelectRows(const Batch& in, std::vector<uint8_t>* keep) const {
  if (!plan_.is_long()) return false;
  size_t n = in.num_rows();
  keep->assign(n, 1);
  bool any_dropped = false;
  for (size_t i = 0; i < n; ++i) {
    if (metric_rule_[i] == nullptr) {
      (*keep)[i] = 0;
      any_dropped = true;
    }
  }
  return any_dropped;
}

void PolicyApplier::PlanCells(const OutputColumn& column, std::vector<uint8_t>* actions,
                              std::vector<const Treatment*>* treatments) const {
  size_t n = actions->size();
  treatments->clear();
  auto treatment_action = [&](const Treatment& t) -> uint8_t {
    if (t.kind == TreatmentKind::kNone) return kMakeNull;  // hwc without a treatment
    if (t.kind == TreatmentKind::kNull || t.kind == TreatmentKind::kDrop) return kMakeNull;
    for (size_t k = 0; k < treatments->size(); ++k) {
      if (*(*treatments)[k] == t) return static_cast<uint8_t>(kFirstTreatment + k);
    }
    treatments->push_back(&t);
    return static_cast<uint8_t>(kFirstTreatment + treatments->size() - 1);
  };
  // The source rule: nr keeps, hwc goes through the column's treatment, anything else is NULL.
  auto by_source = [&](size_t i) -> uint8_t {
    const RowRule* rule = source_rule_[i];
    if (rule == nullptr) return kMakeNull;
    if (rule->classification == Classification::kNr) return kKeep;
    if (rule->classification == Classification::kHwc) return treatment_action(column.treatment);
    return kMakeNull;
  };
  switch (column.rule) {
    case CellRule::kAsIs:
    case CellRule::kOverflow:
      std::fill(actions->begin(), actions->end(), kKeep);
      break;
    case CellRule::kTreated:
      std::fill(actions->begin(), actions->end(), treatment_action(column.treatment));
      break;
    case CellRule::kBySource:
      for (size_t i = 0; i < n; ++i) (*actions)[i] = by_source(i);
      break;
    case CellRule::kByMetric:
      for (size_t i = 0; i < n; ++i) {
        const RowRule* metric = metric_rule_[i];
        if (metric == nullptr) {
          (*actions)[i] = kMakeNull;
        } else if (metric->classification == Classification::kNr) {
          (*actions)[i] = kKeep;
        } else if (metric->classification == Classification::kHwc) {
          (*actions)[i] = treatment_action(metric->treatment);
        } else if (metric->classification == Classification::kMx) {
          (*actions)[i] = by_source(i);
        } else {
          (*actions)[i] = kMakeNull;
        }
      }
      break;
  }
}

Status PolicyApplier::ProduceColumn(size_t index, Batch* in, Batch* out) {
  const OutputColumn& column = plan_.outputs[index];
  if (column.rule == CellRule::kOverflow) return Status::Ok();  // written with its column
  ColumnVector& source = in->column(static_cast<size_t>(column.input));
  ColumnVector& target = out->column(index);
  ColumnVector* overflow = nullptr;
  if (index + 1 < plan_.outputs.size() && plan_.outputs[index + 1].rule == CellRule::kOverflow) {
    overflow = &out->column(index + 1);
  }
  size_t n = in->num_rows();
  actions_.resize(n);
  std::vector<const Treatment*>& treatments = treatments_;
  PlanCells(column, &actions_, &treatments);

  // A treatment over every row may change the type: run it straight from the input.
  bool whole_column = column.rule == CellRule::kTreated && treatments.size() == 1;
  if (whole_column) {
    RETURN_IF_ERROR(ApplyTreatment(*treatments[0], context_, source, nullptr, &target, overflow));
  } else {
    // Start from the input's values, then let each treatment rewrite its rows in turn.
    if (input_shared_[static_cast<size_t>(column.input)]) {
      target.Clear();
      target.Reserve(n, source.arena_bytes());
      for (size_t i = 0; i < n; ++i) AppendRow(source, i, &target);
    } else {
      std::swap(source, target);
    }
    bool overflow_written = false;
    for (size_t k = 0; k < treatments.size(); ++k) {
      select_.resize(n);
      bool any = false;
      for (size_t i = 0; i < n; ++i) {
        select_[i] = actions_[i] == kFirstTreatment + k;
        any = any || select_[i];
      }
      if (!any) continue;
      bool compress = treatments[k]->kind == TreatmentKind::kCompress;
      if (scratch_.type() != target.type()) scratch_ = ColumnVector(target.type());
      RETURN_IF_ERROR(ApplyTreatment(*treatments[k], context_, target, select_.data(), &scratch_,
                                     compress ? overflow : nullptr));
      std::swap(target, scratch_);
      overflow_written = overflow_written || (compress && overflow != nullptr);
    }
    if (overflow != nullptr && !overflow_written) {
      overflow->Clear();
      for (size_t i = 0; i < n; ++i) overflow->AppendNull();
    }
  }
  for (size_t i = 0; i < n; ++i) {
    if (actions_[i] == kMakeNull) {
      target.SetNull(i);
      if (overflow != nullptr) overflow->SetNull(i);
    }
  }
  return Status::Ok();
}

Status PolicyApplier::Apply(Batch* in, Batch* out, uint64_t* rows_dropped) {
  *rows_dropped = 0;
  ClassifyRows(*in);
  Batch* rows = in;
  if (SelectRows(*in, &select_)) {
    // Defence in depth: the query filters metrics already, so this path is rare.
    filtered_.Clear();
    size_t kept = 0;
    for (size_t c = 0; c < in->num_columns(); ++c) {
      for (size_t i = 0; i < in->num_rows(); ++i) {
        if (select_[i]) AppendRow(in->column(c), i, &filtered_.column(c));
      }
    }
    for (uint8_t k : select_) kept += k;
    RETURN_IF_ERROR(filtered_.FinishRows(kept));
    *rows_dropped = in->num_rows() - kept;
    rows = &filtered_;
    ClassifyRows(*rows);
  }
  out->Clear();
  for (size_t j = 0; j < plan_.outputs.size(); ++j) RETURN_IF_ERROR(ProduceColumn(j, rows, out));
  return out->FinishRows(rows->num_rows());
}

}  // namespace de
