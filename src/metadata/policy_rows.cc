#include "metadata/policy_rows.h"

namespace de::metadata {

Status CheckClassificationCode(std::string_view table, const std::string& key,
                               const std::string& code) {
  if (code == "nr" || code == "mx" || code == "de" || code == "hwc") return Status::Ok();
  return InvalidArgument("{} row {}: classification '{}' is not nr, mx, de or hwc", table, key,
                         code);
}

Status PolicyRules<ExportTable>::Validate(const ExportTable& row, size_t position) {
  if (!row.table_name.empty() && !row.time_column.empty()) return Status::Ok();
  return InvalidArgument("{} row {} ('{}') needs a table_name and a time_column", kName, position,
                         row.table_name);
}

Status PolicyRules<ColumnClassification>::Validate(const ColumnClassification& row,
                                                   size_t position) {
  if (row.table_name.empty() || row.column_name.empty()) {
    return InvalidArgument("{} row {} ({}) needs a table_name and a column_name", kName, position,
                           KeyName(row));
  }
  return CheckClassificationCode(kName, KeyName(row), row.classification);
}

Status PolicyRules<SourceClassification>::Validate(const SourceClassification& row,
                                                   size_t position) {
  if (row.source.empty()) return InvalidArgument("{} row {} needs a source", kName, position);
  return CheckClassificationCode(kName, KeyName(row), row.classification);
}

Status PolicyRules<MetricClassification>::Validate(const MetricClassification& row,
                                                   size_t position) {
  if (row.table_name.empty() || row.metric_name.empty()) {
    return InvalidArgument("{} row {} ({}) needs a table_name and a metric_name", kName, position,
                           KeyName(row));
  }
  return CheckClassificationCode(kName, KeyName(row), row.classification);
}

Status ValidateAndSortPolicy(PolicySnapshot& policy) {
  RETURN_IF_ERROR(ValidateAndSort(policy.export_tables));
  RETURN_IF_ERROR(ValidateAndSort(policy.columns));
  RETURN_IF_ERROR(ValidateAndSort(policy.sources));
  return ValidateAndSort(policy.metrics);
}

void PutExportTable(std::vector<ExportTable>& tables, const ExportTable& table) {
  auto at = std::ranges::lower_bound(tables, table.table_name, {}, &ExportTable::table_name);
  if (at != tables.end() && at->table_name == table.table_name) {
    *at = table;
  } else {
    tables.insert(at, table);
  }
}

}  // namespace de::metadata
