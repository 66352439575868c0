// ValidatePolicy and UncoveredColumns (declared in policy_csv.h).
#include <map>
#include <optional>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "policy/policy_csv.h"
#include "policy/policy_csv_problems.h"
#include "policy/rules.h"

namespace de {
namespace {

namespace pci = policy_csv_internal;

constexpr const char* kPiiRule = "pii columns must be de or hwc with a treatment";

// Describes each warehouse table at most once.
class SchemaCache {
 public:
  explicit SchemaCache(const DescribeTableFn& describe) : describe_(describe) {}

  // The schema of `table`, or nullptr when the warehouse has no such table. Other errors of the
  // describe function are returned.
  Result<const TableSchema*> Get(const std::string& table) {
    auto it = cache_.find(table);
    if (it == cache_.end()) {
      Result<TableSchema> schema = describe_(table);
      if (!schema.ok() && schema.status().code() != StatusCode::kNotFound) {
        return schema.status().WithContext(fmt::format("describe table '{}'", table));
      }
      std::optional<TableSchema> entry;
      if (schema.ok()) entry = std::move(schema).value();
      it = cache_.emplace(table, std::move(entry)).first;
    }
    return it->second ? &*it->second : nullptr;
  }

 private:
  const DescribeTableFn& describe_;
  std::map<std::string, std::optional<TableSchema>> cache_;
};

bool IsTimeType(const DataType& type) {
  return type.id == TypeId::kTimestamp || type.id == TypeId::kDate;
}

class Validator {
 public:
  Validator(const PolicySnapshot& policy, const DescribeTableFn& describe, const PolicyCsv* origins)
      : policy_(policy), schemas_(describe), origins_(origins) {
    for (const ExportTable& t : policy.export_tables) export_tables_.emplace(t.table_name, &t);
    for (const ColumnClassification& c : policy.columns) {
      if (c.classification == "mx") mx_columns_[c.table_name].push_back(c.column_name);
    }
  }

  Status Run() {
    for (size_t i = 0; i < policy_.export_tables.size(); ++i) {
      RETURN_IF_ERROR(CheckExportTable(i, policy_.export_tables[i]));
    }
    for (size_t i = 0; i < policy_.columns.size(); ++i) {
      RETURN_IF_ERROR(CheckColumn(i, policy_.columns[i]));
    }
    for (size_t i = 0; i < policy_.sources.size(); ++i) CheckSource(i, policy_.sources[i]);
    for (size_t i = 0; i < policy_.metrics.size(); ++i) {
      RETURN_IF_ERROR(CheckMetric(i, policy_.metrics[i]));
    }
    return problems_.ToStatus();
  }

 private:
  // Line of row `index` of `file`, or 0 when unknown.
  int Line(int file, size_t index) const {
    if (origins_ == nullptr) return 0;
    const std::vector<int>* lines[] = {&origins_->export_table_lines, &origins_->column_lines,
                                       &origins_->source_lines, &origins_->metric_lines};
    return index < lines[file]->size() ? (*lines[file])[index] : 0;
  }

  // Records a problem of row `index` of `file`: "FILE:LINE: message" with origins, else
  // "TABLE: message" (the message names the row's key).
  void Report(int file, size_t index, std::string_view message) {
    if (origins_ != nullptr) {
      int line = Line(file, index);
      problems_.Add(file, line, fmt::format("{}:{}: {}", pci::PolicyFileName(file), line, message));
    } else {
      problems_.Add(file, static_cast<int>(index),
                    fmt::format("{}: {}", pci::PolicyTableName(file), message));
    }
  }

  // True (and reports) when `key` was seen before in `file`.
  template <typename Key>
  bool Duplicate(int file, size_t index, std::map<Key, size_t>* seen, const Key& key,
                 std::string_view what) {
    auto [it, inserted] = seen->emplace(key, index);
    if (inserted) return false;
    std::string first;
    if (origins_ != nullptr) first = fmt::format(" (first on line {})", Line(file, it->second));
    Report(file, index, fmt::format("duplicate {}{}", what, first));
    return true;
  }

  // Reports an unknown classification code; nullopt then.
  std::optional<Classification> Code(int file, size_t index, std::string_view key,
                                     std::string_view code) {
    std::optional<Classification> c = ParseClassification(code);
    if (!c) {
      Report(
          file, index,
          fmt::format("{}: unknown classification '{}' (expected nr, mx, de or hwc)", key, code));
    }
    return c;
  }

  // Reports a treatment that does not parse; nullopt then.
  std::optional<Treatment> ParsedTreatment(int file, size_t index, std::string_view key,
                                           std::string_view text) {
    Result<Treatment> t = ParseTreatment(text);
    if (!t.ok()) {
      Report(file, index, fmt::format("{}: {}", key, t.status().message()));
      return std::nullopt;
    }
    return *t;
  }

  Status CheckExportTable(size_t i, const ExportTable& t) {
    const int file = pci::kExportTablesFile;
    if (t.table_name.empty()) {
      Report(file, i, "empty table_name");
      return Status::Ok();
    }
    if (Duplicate(file, i, &seen_tables_, t.table_name, fmt::format("table '{}'", t.table_name))) {
      return Status::Ok();
    }
    ASSIGN_OR_RETURN(const TableSchema* schema, schemas_.Get(t.table_name));
    if (schema == nullptr) {
      Report(file, i, fmt::format("table '{}' is not in the warehouse", t.table_name));
      return Status::Ok();
    }
    if (t.time_column.empty()) {
      Report(file, i, fmt::format("{}: time_column is empty", t.table_name));
    } else {
      CheckSlicingColumn(i, t.table_name, *schema, "time_column", t.time_column, IsTimeType,
                         "a timestamp or date");
    }
    auto is_string = [](const DataType& type) { return type.id == TypeId::kString; };
    if (!t.source_column.empty()) {
      CheckSlicingColumn(i, t.table_name, *schema, "source_column", t.source_column, is_string,
                         "string");
    }
    if (!t.metric_column.empty()) {
      CheckSlicingColumn(i, t.table_name, *schema, "metric_column", t.metric_column, is_string,
                         "string");
    }
    return Status::Ok();
  }

  template <typename TypeCheck>
  void CheckSlicingColumn(size_t i, std::string_view table, const TableSchema& schema,
                          std::string_view role, const std::string& column, TypeCheck check,
                          std::string_view expected) {
    int index = schema.ColumnIndex(column);
    if (index < 0) {
      Report(pci::kExportTablesFile, i,
             fmt::format("{}: {} '{}' is not a column of the table", table, role, column));
    } else if (const DataType& type = schema.columns[index].type; !check(type)) {
      Report(pci::kExportTablesFile, i,
             fmt::format("{}: {} '{}' is {}; it must be {}", table, role, column, type.ToString(),
                         expected));
    }
  }

  Status CheckColumn(size_t i, const ColumnClassification& c) {
    const int file = pci::kColumnsFile;
    if (c.table_name.empty() || c.column_name.empty()) {
      Report(file, i, "empty table_name or column_name");
      return Status::Ok();
    }
    std::string key = fmt::format("{}.{}", c.table_name, c.column_name);
    if (Duplicate(file, i, &seen_columns_, std::pair(c.table_name, c.column_name),
                  "rule for " + key)) {
      return Status::Ok();
    }
    std::optional<Classification> code = Code(file, i, key, c.classification);
    std::optional<Treatment> treatment = ParsedTreatment(file, i, key, c.treatment);
    bool treated = !c.treatment.empty();
    if (code == Classification::kDe && treated) {
      Report(file, i,
             key +
                 ": de columns are never exported; remove the treatment or classify the "
                 "column hwc");
    }
    if (c.pii && code && *code != Classification::kDe &&
        !(*code == Classification::kHwc && treated)) {
      std::string how(ClassificationName(*code));
      if (*code == Classification::kHwc) how += " without a treatment";
      Report(file, i, fmt::format("{} is pii but classified {}; {}", key, how, kPiiRule));
    }
    if (code == Classification::kMx) CheckMxHasDecider(i, key, c.table_name);

    ASSIGN_OR_RETURN(const TableSchema* schema, schemas_.Get(c.table_name));
    if (schema == nullptr) {
      Report(file, i, fmt::format("{}: table '{}' is not in the warehouse", key, c.table_name));
      return Status::Ok();
    }
    int index = schema->ColumnIndex(c.column_name);
    if (index < 0) {
      Report(file, i, fmt::format("{}: no such column in table '{}'", key, c.table_name));
      return Status::Ok();
    }
    if (treatment && treated && code != Classification::kDe) {
      // On an mx column the treatment reaches only some rows (those of hwc sources), so the
      // column must keep one type.
      std::string_view keep_type =
          code == Classification::kMx ? "an mx column's treatment must keep its type" : "";
      CheckTreatmentOn(file, i, key, *treatment, *schema, schema->columns[index], keep_type);
    }
    return Status::Ok();
  }

  // An mx column of an export table needs a column to decide by.
  void CheckMxHasDecider(size_t i, std::string_view key, const std::string& table) {
    auto it = export_tables_.find(table);
    if (it == export_tables_.end()) return;  // not exported: the rule is unused
    if (it->second->source_column.empty() && it->second->metric_column.empty()) {
      Report(pci::kColumnsFile, i,
             fmt::format("{}: classified mx but export table '{}' has neither a source_column "
                         "nor a metric_column to decide by",
                         key, table));
    }
  }

  // Reports a treatment that does not apply to `column`, that changes its type when
  // `keep_type` (the reason) is set, or whose compressed column name is taken. `key` names the
  // rule; `column_note` is appended to messages about the column.
  void CheckTreatmentOn(int file, size_t i, std::string_view key, const Treatment& treatment,
                        const TableSchema& schema, const WarehouseColumn& column,
                        std::string_view keep_type, std::string_view column_note = "") {
    Result<DataType> out = TreatedType(treatment, column.type);
    if (!out.ok()) {
      Report(file, i, fmt::format("{}: {}{}", key, out.status().message(), column_note));
      return;
    }
    if (!keep_type.empty() && !(*out == column.type)) {
      Report(file, i,
             fmt::format("{}: treatment '{}' turns {} column '{}' into {}; {}", key,
                         treatment.ToString(), column.type.ToString(), column.name, out->ToString(),
                         keep_type));
    }
    if (treatment.kind == TreatmentKind::kCompress) {
      std::string extra = CompressedColumnName(column.name);
      if (schema.ColumnIndex(extra) >= 0) {
        Report(file, i,
               fmt::format("{}: compress writes overlong values of '{}' into '{}', which is "
                           "already a column of table '{}'",
                           key, column.name, extra, schema.table));
      }
    }
  }

  void CheckSource(size_t i, const SourceClassification& s) {
    const int file = pci::kSourcesFile;
    if (s.source.empty()) {
      Report(file, i, "empty source");
      return;
    }
    std::string key = fmt::format("source '{}'", s.source);
    if (Duplicate(file, i, &seen_sources_, s.source, key)) return;
    Code(file, i, key, s.classification);
  }

  Status CheckMetric(size_t i, const MetricClassification& m) {
    const int file = pci::kMetricsFile;
    if (m.table_name.empty() || m.metric_name.empty()) {
      Report(file, i, "empty table_name or metric_name");
      return Status::Ok();
    }
    std::string key = fmt::format("{} metric '{}'", m.table_name, m.metric_name);
    if (Duplicate(file, i, &seen_metrics_, std::pair(m.table_name, m.metric_name),
                  "rule for " + key)) {
      return Status::Ok();
    }
    std::optional<Classification> code = Code(file, i, key, m.classification);
    std::optional<Treatment> treatment = ParsedTreatment(file, i, key, m.treatment);
    bool treated = !m.treatment.empty();
    if (code == Classification::kDe && treated) {
      Report(file, i,
             key +
                 ": de metrics are never exported; remove the treatment or classify the "
                 "metric hwc");
    }
    ASSIGN_OR_RETURN(const TableSchema* schema, schemas_.Get(m.table_name));
    if (schema == nullptr) {
      Report(file, i, fmt::format("{}: table '{}' is not in the warehouse", key, m.table_name));
      return Status::Ok();
    }
    auto it = export_tables_.find(m.table_name);
    if (it == export_tables_.end() || it->second->metric_column.empty()) {
      Report(file, i,
             fmt::format("{}: '{}' is not a long table (export_tables has no row for it with a "
                         "metric_column)",
                         key, m.table_name));
      return Status::Ok();
    }
    if (!treatment || !treated || code == Classification::kDe) return Status::Ok();
    // The metric's treatment is applied to the table's mx columns on that metric's rows only.
    for (const std::string& name : mx_columns_[m.table_name]) {
      int index = schema->ColumnIndex(name);
      if (index < 0) continue;  // reported with the column rule
      CheckTreatmentOn(file, i, key, *treatment, *schema, schema->columns[index],
                       "a metric treatment must keep the type of the mx columns",
                       fmt::format(" (mx column '{}')", name));
    }
    return Status::Ok();
  }

  const PolicySnapshot& policy_;
  SchemaCache schemas_;
  const PolicyCsv* origins_;
  std::map<std::string, const ExportTable*> export_tables_;     // first row of each table
  std::map<std::string, std::vector<std::string>> mx_columns_;  // table -> mx column names
  std::map<std::string, size_t> seen_tables_;
  std::map<std::pair<std::string, std::string>, size_t> seen_columns_;
  std::map<std::string, size_t> seen_sources_;
  std::map<std::pair<std::string, std::string>, size_t> seen_metrics_;
  pci::ProblemList problems_;
};

}  // namespace

Status ValidatePolicy(const PolicySnapshot& policy, const DescribeTableFn& describe,
                      const PolicyCsv* origins) {
  return Validator(policy, describe, origins).Run();
}

Result<std::vector<std::string>> UncoveredColumns(const PolicySnapshot& policy,
                                                  const DescribeTableFn& describe) {
  std::set<std::pair<std::string, std::string>> covered;
  for (const ColumnClassification& c : policy.columns) covered.emplace(c.table_name, c.column_name);
  std::set<std::string> uncovered;
  std::set<std::string> described;
  for (const ExportTable& t : policy.export_tables) {
    if (!t.enabled || !described.insert(t.table_name).second) continue;
    Result<TableSchema> schema = describe(t.table_name);
    if (!schema.ok()) return schema.status().WithContext("describe table '" + t.table_name + "'");
    for (const WarehouseColumn& column : schema->columns) {
      if (!covered.contains({t.table_name, column.name})) {
        uncovered.insert(t.table_name + "." + column.name);
      }
    }
  }
  return std::vector<std::string>(uncovered.begin(), uncovered.end());
}

}  // namespace de
