#include "policy/export_plan.h"

#include <fmt/format.h>

namespace de {
namespace {

const ColumnClassification* FindRule(const std::vector<ColumnClassification>& rules,
                                     const std::string& table, const std::string& column) {
  for (const ColumnClassification& r : rules) {
    if (r.table_name == table && r.column_name == column) return &r;
  }
  return nullptr;
}

}  // namespace

std::string_view ReasonName(ReportedColumn::Reason reason) {
  switch (reason) {
    case ReportedColumn::Reason::kUnclassified:
      return "unclassified";
    case ReportedColumn::Reason::kDoNotExport:
      return "do not export";
    case ReportedColumn::Reason::kNotSupported:
      return "not exportable yet";
  }
  return "unknown";
}

std::vector<std::string> ExportPlan::ColumnNames() const {
  std::vector<std::string> names;
  names.reserve(columns.size());
  for (const WarehouseColumn& c : columns) names.push_back(c.name);
  return names;
}

Schema ExportPlan::OutputSchema() const {
  Schema schema;
  for (const WarehouseColumn& c : columns) schema.fields.push_back({c.name, c.type, c.nullable});
  return schema;
}

std::vector<std::string> ExportPlan::UnclassifiedColumns() const {
  std::vector<std::string> names;
  for (const ReportedColumn& r : reported) {
    if (r.reason == ReportedColumn::Reason::kUnclassified) names.push_back(r.column);
  }
  return names;
}

std::string ExportPlan::ToString() const {
  std::string out = fmt::format("table {} (policy version {}, time column {})\n", table,
                                policy_version, time_column);
  for (const WarehouseColumn& c : columns) {
    out += fmt::format("  export  {} {}\n", c.name, c.type.ToString());
  }
  for (const ReportedColumn& r : reported) {
    out += fmt::format("  drop    {} ({}{})\n", r.column, ReasonName(r.reason),
                       r.classification.empty() ? "" : ", classified " + r.classification);
  }
  return out;
}

Result<ExportPlan> BuildExportPlan(const ExportTable& table, const TableSchema& schema,
                                   const std::vector<ColumnClassification>& rules,
                                   int64_t policy_version) {
  int time_index = schema.ColumnIndex(table.time_column);
  if (time_index < 0) {
    return FailedPrecondition("export_tables: time column '{}' of table '{}' does not exist",
                              table.time_column, table.table_name);
  }
  TypeId time_type = schema.columns[static_cast<size_t>(time_index)].type.id;
  if (time_type != TypeId::kTimestamp && time_type != TypeId::kDate) {
    return FailedPrecondition(
        "export_tables: time column '{}' of table '{}' is {}, not a "
        "timestamp",
        table.time_column, table.table_name,
        schema.columns[static_cast<size_t>(time_index)].type.ToString());
  }
  ExportPlan plan;
  plan.table = table.table_name;
  plan.time_column = table.time_column;
  plan.policy_version = policy_version;
  for (const WarehouseColumn& column : schema.columns) {
    const ColumnClassification* rule = FindRule(rules, table.table_name, column.name);
    if (rule == nullptr) {
      plan.reported.push_back({column.name, ReportedColumn::Reason::kUnclassified, ""});
    } else if (rule->classification == "nr" && !rule->pii) {
      plan.columns.push_back(column);
    } else if (rule->classification == "de" || rule->classification == "nr") {
      // An `nr` rule on a pii column is a policy error: fail closed.
      plan.reported.push_back(
          {column.name, ReportedColumn::Reason::kDoNotExport, rule->classification});
    } else {
      plan.reported.push_back(
          {column.name, ReportedColumn::Reason::kNotSupported, rule->classification});
    }
  }
  return plan;
}

}  // namespace de
