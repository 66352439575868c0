#include "export/policy_audit.h"

#include <algorithm>

namespace de {
namespace {

// The footer of one of our files is a few KiB per row group; a tail this large holds it with
// room to spare. A longer footer fails the audit rather than being half-read.
constexpr size_t kMaxFooterBytes = size_t{16} << 20;

const ColumnClassification* FindRule(const ExportPlan& plan, std::string_view column) {
  for (const ColumnClassification& r : plan.rules) {
    if (r.column_name == column) return &r;
  }
  return nullptr;
}

const WarehouseColumn* FindScanColumn(const ExportPlan& plan, std::string_view column) {
  for (const WarehouseColumn& c : plan.scan_columns) {
    if (c.name == column) return &c;
  }
  return nullptr;
}

std::string_view FooterValue(const parquet::FileFooter& footer, std::string_view key) {
  for (const auto& [k, v] : footer.key_value_metadata) {
    if (k == key) return v;
  }
  return {};
}

// May `field` leave under the plan's rules? Derived from the rules, independently of the
// plan's output list.
Status AuditField(const Field& field, const ExportPlan& plan) {
  std::string_view base = field.name;
  bool overflow = false;
  const ColumnClassification* rule = FindRule(plan, base);
  if (rule == nullptr && base.ends_with("_compressed")) {
    base.remove_suffix(std::string_view("_compressed").size());
    rule = FindRule(plan, base);
    overflow = true;
  }
  if (rule == nullptr) {
    return PolicyViolation("column {} is not classified", field.name);
  }
  std::optional<Classification> c = ParseClassification(rule->classification);
  Result<Treatment> treatment = ParseTreatment(rule->treatment);
  if (!c || !treatment.ok()) {
    return PolicyViolation("column {} has an invalid rule ({}, '{}')", field.name,
                           rule->classification, rule->treatment);
  }
  if (*c == Classification::kDe) return PolicyViolation("column {} is classified de", field.name);
  if (treatment->kind == TreatmentKind::kDrop) {
    return PolicyViolation("column {} has the treatment drop", field.name);
  }
  bool treated = treatment->kind != TreatmentKind::kNone;
  if (*c == Classification::kHwc && !treated) {
    return PolicyViolation("column {} is hwc without a treatment", field.name);
  }
  if (rule->pii && (*c != Classification::kHwc || !treated)) {
    return PolicyViolation("column {} is pii and not exported through a treatment", field.name);
  }
  if (overflow && treatment->kind != TreatmentKind::kCompress) {
    return PolicyViolation("column {} exists but {} is not compressed", field.name, base);
  }
  const WarehouseColumn* source = FindScanColumn(plan, base);
  if (source == nullptr) {
    return PolicyViolation("column {} does not come from a column read from the warehouse",
                           field.name);
  }
  DataType expected = DataType::String();
  if (!overflow) {
    Result<DataType> type = TreatedType(*treatment, source->type);
    if (!type.ok()) return PolicyViolation("column {}: {}", field.name, type.status().message());
    expected = *type;
  }
  if (field.type != expected) {
    return PolicyViolation("column {} is {} in the file, but its rule produces {}", field.name,
                           field.type.ToString(), expected.ToString());
  }
  return Status::Ok();
}

class AuditingOutputStream final : public OutputStream {
 public:
  AuditingOutputStream(std::unique_ptr<OutputStream> inner, const ExportPlan* plan)
      : inner_(std::move(inner)), plan_(plan) {}

  Status Write(std::string_view bytes) override {
    RETURN_IF_ERROR(inner_->Write(bytes));
    if (bytes.size() >= kMaxFooterBytes) {
      tail_.assign(bytes.substr(bytes.size() - kMaxFooterBytes));
    } else {
      tail_.append(bytes);
      // Trim only when the tail has doubled, so trimming costs O(1) per byte overall.
      if (tail_.size() > 2 * kMaxFooterBytes) tail_.erase(0, tail_.size() - kMaxFooterBytes);
    }
    return Status::Ok();
  }

  Status Close() override {
    Status audit = Audit();
    if (!audit.ok()) {
      inner_->Abort();
      return audit;
    }
    return inner_->Close();
  }

  void Abort() override { inner_->Abort(); }
  uint64_t position() const override { return inner_->position(); }

 private:
  Status Audit() const {
    Result<parquet::FileFooter> footer = parquet::ParseFooter(tail_);
    if (!footer.ok()) {
      return PolicyViolation("policy audit: the written file's footer cannot be read back: {}",
                             footer.status().message());
    }
    return AuditFileFooter(*footer, *plan_);
  }

  std::unique_ptr<OutputStream> inner_;
  const ExportPlan* plan_;
  std::string tail_;
};

}  // namespace

Status AuditFileFooter(const parquet::FileFooter& footer, const ExportPlan& plan) {
  std::string_view version = FooterValue(footer, "data_exporter.policy_version");
  if (version != std::to_string(plan.policy_version)) {
    return PolicyViolation("policy audit: file written under policy version '{}', expected {}",
                           version, plan.policy_version);
  }
  if (FooterValue(footer, "data_exporter.table") != plan.table) {
    return PolicyViolation("policy audit: file is for table '{}', expected {}",
                           FooterValue(footer, "data_exporter.table"), plan.table);
  }
  Result<Schema> schema = parquet::SchemaFromFooter(footer);
  if (!schema.ok()) {
    return PolicyViolation("policy audit: {}", schema.status().message());
  }
  for (const Field& field : schema->fields) {
    Status allowed = AuditField(field, plan);
    if (!allowed.ok()) {
      return PolicyViolation("policy audit of table {} (policy version {}): {}", plan.table,
                             plan.policy_version, allowed.message());
    }
  }
  if (*schema != plan.OutputSchema()) {
    return PolicyViolation("policy audit of table {}: the file's columns differ from the plan's",
                           plan.table);
  }
  return Status::Ok();
}

std::unique_ptr<OutputStream> AuditingStream(std::unique_ptr<OutputStream> inner,
                                             const ExportPlan* plan) {
  return std::make_unique<AuditingOutputStream>(std::move(inner), plan);
}

}  // namespace de
