#include "policy/export_plan.h"

#include <algorithm>

#include <fmt/format.h>

namespace de {
namespace {

const ColumnClassification* FindRule(const std::vector<ColumnClassification>& rules,
                                     const std::string& column) {
  for (const ColumnClassification& r : rules) {
    if (r.column_name == column) return &r;
  }
  return nullptr;
}

// The classification of a stored row; an unknown code counts as `de` (the stores refuse unknown
// codes, so this only guards against a hand-edited database).
Classification ClassOf(const std::string& code) {
  return ParseClassification(code).value_or(Classification::kDe);
}

Status CheckTextColumn(const TableSchema& schema, const std::string& column,
                       std::string_view role) {
  int index = schema.ColumnIndex(column);
  if (index < 0) {
    return FailedPrecondition("export_tables: {} column '{}' of table '{}' does not exist", role,
                              column, schema.table);
  }
  const DataType& type = schema.columns[static_cast<size_t>(index)].type;
  if (type.id != TypeId::kString) {
    return FailedPrecondition("export_tables: {} column '{}' of table '{}' is {}, not text", role,
                              column, schema.table, type.ToString());
  }
  return Status::Ok();
}

// Adds `column` to the scan list once; returns its index there.
int AddScanColumn(ExportPlan* plan, const WarehouseColumn& column) {
  for (size_t i = 0; i < plan->scan_columns.size(); ++i) {
    if (plan->scan_columns[i].name == column.name) return static_cast<int>(i);
  }
  plan->scan_columns.push_back(column);
  return static_cast<int>(plan->scan_columns.size() - 1);
}

}  // namespace

std::string_view ReasonName(ReportedColumn::Reason reason) {
  switch (reason) {
    case ReportedColumn::Reason::kUnclassified:
      return "unclassified";
    case ReportedColumn::Reason::kDoNotExport:
      return "classified de";
    case ReportedColumn::Reason::kNoTreatment:
      return "hwc without a treatment";
    case ReportedColumn::Reason::kDropped:
      return "treatment drop";
  }
  return "unknown";
}

std::string_view CellRuleName(CellRule rule) {
  switch (rule) {
    case CellRule::kAsIs:
      return "as is";
    case CellRule::kTreated:
      return "treated";
    case CellRule::kBySource:
      return "by source";
    case CellRule::kByMetric:
      return "by metric";
    case CellRule::kOverflow:
      return "overflow";
  }
  return "unknown";
}

bool ExportPlan::uses_hash() const {
  for (const OutputColumn& c : outputs) {
    if (c.treatment.kind == TreatmentKind::kHash) return true;
  }
  for (const auto& [name, rule] : metric_rules) {
    if (rule.treatment.kind == TreatmentKind::kHash) return true;
  }
  return false;
}

std::vector<std::string> ExportPlan::ScanColumnNames() const {
  std::vector<std::string> names;
  names.reserve(scan_columns.size());
  for (const WarehouseColumn& c : scan_columns) names.push_back(c.name);
  return names;
}

Schema ExportPlan::ScanSchema() const {
  Schema schema;
  for (const WarehouseColumn& c : scan_columns)
    schema.fields.push_back({c.name, c.type, c.nullable});
  return schema;
}

Schema ExportPlan::OutputSchema() const {
  Schema schema;
  for (const OutputColumn& c : outputs) schema.fields.push_back({c.name, c.type, c.nullable});
  return schema;
}

std::vector<std::string> ExportPlan::UnclassifiedColumns() const {
  std::vector<std::string> names;
  for (const ReportedColumn& r : reported) {
    if (r.reason == ReportedColumn::Reason::kUnclassified) names.push_back(r.column);
  }
  return names;
}

std::vector<std::string> ExportPlan::DroppedColumns() const {
  std::vector<std::string> names;
  for (const ReportedColumn& r : reported) {
    if (r.reason != ReportedColumn::Reason::kUnclassified) names.push_back(r.column);
  }
  return names;
}

std::vector<std::string> ExportPlan::TreatedColumns() const {
  std::vector<std::string> out;
  for (const OutputColumn& c : outputs) {
    switch (c.rule) {
      case CellRule::kAsIs:
      case CellRule::kOverflow:
        break;
      case CellRule::kTreated:
        out.push_back(fmt::format("{} ({})", c.name, c.treatment.ToString()));
        break;
      case CellRule::kBySource:
        out.push_back(fmt::format("{} (mx by source)", c.name));
        break;
      case CellRule::kByMetric:
        out.push_back(fmt::format("{} (mx by metric)", c.name));
        break;
    }
  }
  return out;
}

std::string ExportPlan::ToString() const {
  std::string out = fmt::format("table {} (policy version {})\n", table, policy_version);
  out += fmt::format("  rows: {} in the requested range", time_column);
  if (is_long()) {
    out +=
        fmt::format(", and {} IN ({})", scan_columns[static_cast<size_t>(metric_input)].name,
                    allowed_metrics.empty() ? "nothing: no row is exported"
                                            : fmt::format("{}", fmt::join(allowed_metrics, ", ")));
  }
  out += "\n  columns:\n";
  for (const OutputColumn& c : outputs) {
    std::string how;
    switch (c.rule) {
      case CellRule::kAsIs:
        how = "exported as is";
        break;
      case CellRule::kTreated:
        how = fmt::format("exported through {}", c.treatment.ToString());
        break;
      case CellRule::kBySource:
        how = fmt::format("value kept on rows whose {} is nr{}; NULL elsewhere",
                          scan_columns[static_cast<size_t>(source_input)].name,
                          c.treatment.kind == TreatmentKind::kNone
                              ? ""
                              : fmt::format(", {} where it is hwc", c.treatment.ToString()));
        break;
      case CellRule::kByMetric:
        how = "per row by the metric rules below";
        break;
      case CellRule::kOverflow:
        how = fmt::format("gzip+base64 of {} values longer than max_string_bytes",
                          scan_columns[static_cast<size_t>(c.input)].name);
        break;
    }
    out += fmt::format("    {:<8} {:<28} {:<14} {}\n", "export", c.name, c.type.ToString(), how);
  }
  for (const ReportedColumn& r : reported) {
    out += fmt::format("    {:<8} {:<28} {}\n", "drop", r.column, ReasonName(r.reason));
  }
  if (source_input >= 0) {
    out += fmt::format("  sources ({}):", scan_columns[static_cast<size_t>(source_input)].name);
    for (const auto& [source, rule] : source_rules) {
      out += fmt::format(" {}={}", source, ClassificationName(rule.classification));
    }
    out += source_rules.empty() ? " none listed; every source counts as de\n"
                                : "; unlisted sources count as de\n";
  }
  if (is_long()) {
    out += "  metrics:";
    for (const auto& [metric, rule] : metric_rules) {
      out += fmt::format(
          " {}={}{}", metric, ClassificationName(rule.classification),
          rule.treatment.kind == TreatmentKind::kNone ? "" : "(" + rule.treatment.ToString() + ")");
    }
    out += metric_rules.empty() ? " none\n" : "; other metrics are not exported\n";
  }
  return out;
}

Result<ExportPlan> BuildExportPlan(const ExportTable& table, const TableSchema& schema,
                                   const PolicySnapshot& policy) {
  int time_index = schema.ColumnIndex(table.time_column);
  if (time_index < 0) {
    return FailedPrecondition("export_tables: time column '{}' of table '{}' does not exist",
                              table.time_column, table.table_name);
  }
  const DataType& time_type = schema.columns[static_cast<size_t>(time_index)].type;
  if (time_type.id != TypeId::kTimestamp && time_type.id != TypeId::kDate) {
    return FailedPrecondition(
        "export_tables: time column '{}' of table '{}' is {}, not a timestamp", table.time_column,
        table.table_name, time_type.ToString());
  }
  if (!table.source_column.empty()) {
    RETURN_IF_ERROR(CheckTextColumn(schema, table.source_column, "source"));
  }
  if (!table.metric_column.empty()) {
    RETURN_IF_ERROR(CheckTextColumn(schema, table.metric_column, "metric"));
  }

  ExportPlan plan;
  plan.table = table.table_name;
  plan.policy_version = policy.version;
  plan.time_column = table.time_column;
  for (const ColumnClassification& r : policy.columns) {
    if (r.table_name == table.table_name) plan.rules.push_back(r);
  }
  for (const SourceClassification& s : policy.sources) {
    plan.source_rules[s.source] = RowRule{ClassOf(s.classification), Treatment{}};
  }
  bool is_long = !table.metric_column.empty();
  if (is_long) {
    for (const MetricClassification& m : policy.metrics) {
      if (m.table_name != table.table_name) continue;
      Classification c = ClassOf(m.classification);
      if (c == Classification::kDe) continue;  // never read: filtered in the query
      Result<Treatment> treatment = ParseTreatment(m.treatment);
      if (!treatment.ok()) {
        return FailedPrecondition("long_table_data_classifications {}.{}: {}", m.table_name,
                                  m.metric_name, treatment.status().message());
      }
      plan.metric_rules[m.metric_name] = RowRule{c, *treatment};
      plan.allowed_metrics.push_back(m.metric_name);
    }
    std::sort(plan.allowed_metrics.begin(), plan.allowed_metrics.end());
  }

  bool needs_source = false;
  bool needs_metric = false;
  for (const WarehouseColumn& column : schema.columns) {
    const ColumnClassification* rule = FindRule(plan.rules, column.name);
    if (rule == nullptr) {
      plan.reported.push_back({column.name, ReportedColumn::Reason::kUnclassified, ""});
      continue;
    }
    Classification c = ClassOf(rule->classification);
    Result<Treatment> parsed = ParseTreatment(rule->treatment);
    if (!parsed.ok()) {
      return FailedPrecondition("data_column_classification {}.{}: {}", table.table_name,
                                column.name, parsed.status().message());
    }
    Treatment treatment = *parsed;
    ReportedColumn reported{column.name, ReportedColumn::Reason::kDoNotExport,
                            rule->classification};
    // A pii column is exported only through a treatment, whatever its classification says;
    // import refuses such a policy, this keeps a hand-edited store from leaking.
    bool pii_unprotected =
        rule->pii && (c != Classification::kHwc || treatment.kind == TreatmentKind::kNone);
    if (c == Classification::kDe || pii_unprotected) {
      plan.reported.push_back(reported);
      continue;
    }
    if (c == Classification::kHwc && treatment.kind == TreatmentKind::kNone) {
      reported.reason = ReportedColumn::Reason::kNoTreatment;
      plan.reported.push_back(reported);
      continue;
    }
    if (treatment.kind == TreatmentKind::kDrop) {
      reported.reason = ReportedColumn::Reason::kDropped;
      plan.reported.push_back(reported);
      continue;
    }
    Result<DataType> treated = TreatedType(treatment, column.type);
    if (!treated.ok()) {
      return FailedPrecondition("data_column_classification {}.{}: {}", table.table_name,
                                column.name, treated.status().message());
    }
    OutputColumn out;
    out.name = column.name;
    out.type = *treated;
    out.nullable = true;
    out.classification = c;
    out.treatment = treatment;
    if (c == Classification::kMx) {
      // Decided per row; with neither a metric nor a source to decide by, nothing is kept.
      out.rule = is_long ? CellRule::kByMetric : CellRule::kBySource;
      if (!is_long && table.source_column.empty()) {
        return FailedPrecondition(
            "data_column_classification {}.{} is mx but export_tables has no source_column for "
            "the table",
            table.table_name, column.name);
      }
      if (treatment.kind != TreatmentKind::kNone && *treated != column.type) {
        return FailedPrecondition(
            "data_column_classification {}.{}: an mx column's treatment must keep its type ({} "
            "turns {} into {})",
            table.table_name, column.name, treatment.ToString(), column.type.ToString(),
            treated->ToString());
      }
      if (is_long) {
        for (const auto& [metric, metric_rule] : plan.metric_rules) {
          Result<DataType> by_metric = TreatedType(metric_rule.treatment, column.type);
          if (!by_metric.ok() || *by_metric != column.type) {
            return FailedPrecondition(
                "long_table_data_classifications {}.{}: treatment '{}' cannot be applied to mx "
                "column {} ({})",
                table.table_name, metric, metric_rule.treatment.ToString(), column.name,
                column.type.ToString());
          }
        }
        needs_metric = true;
      }
      needs_source = needs_source || !table.source_column.empty();
    } else if (treatment.kind == TreatmentKind::kNone) {
      out.rule = CellRule::kAsIs;
      out.nullable = column.nullable;
    } else {
      out.rule = CellRule::kTreated;
    }
    out.input = AddScanColumn(&plan, column);
    plan.outputs.push_back(out);
    if (treatment.kind == TreatmentKind::kCompress) {
      std::string name = CompressedColumnName(column.name);
      if (schema.ColumnIndex(name) >= 0) {
        return FailedPrecondition(
            "data_column_classification {}.{}: compress writes {} but the table has a column "
            "of that name",
            table.table_name, column.name, name);
      }
      OutputColumn overflow;
      overflow.name = name;
      overflow.type = DataType::String();
      overflow.input = out.input;
      overflow.classification = c;
      overflow.treatment = treatment;
      overflow.rule = CellRule::kOverflow;
      plan.outputs.push_back(overflow);
    }
  }
  if (plan.outputs.empty()) {
    return FailedPrecondition(
        "no column of table '{}' is exportable under policy version {} ({} unclassified)",
        table.table_name, policy.version, plan.UnclassifiedColumns().size());
  }
  // Helper columns come after the exported ones in the scan; their position does not matter.
  if (needs_source) {
    plan.source_input = AddScanColumn(
        &plan, schema.columns[static_cast<size_t>(schema.ColumnIndex(table.source_column))]);
  }
  if (needs_metric || is_long) {
    plan.metric_input = AddScanColumn(
        &plan, schema.columns[static_cast<size_t>(schema.ColumnIndex(table.metric_column))]);
  }
  return plan;
}

}  // namespace de
