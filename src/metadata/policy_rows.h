// The rules every backend applies to the four policy tables before it writes them: each table's
// name, key and row checks, and the order LoadPolicy returns rows in (byte order of the key).
// Written once so SQLite and PostgreSQL refuse the same rows with the same messages.
//
// Thread-safe: pure functions.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "common/status.h"
#include "metadata/metadata_store.h"

namespace de::metadata {

// kInvalidArgument "<table> row <key>: classification '<code>' is not nr, mx, de or hwc".
Status CheckClassificationCode(std::string_view table, const std::string& key,
                               const std::string& code);

template <typename Row>
struct PolicyRules;

template <>
struct PolicyRules<ExportTable> {
  static constexpr std::string_view kName = "export_tables";
  static auto Key(const ExportTable& row) { return std::tie(row.table_name); }
  static std::string KeyName(const ExportTable& row) { return row.table_name; }
  // `position` is 1-based, for the message.
  static Status Validate(const ExportTable& row, size_t position);
};

template <>
struct PolicyRules<ColumnClassification> {
  static constexpr std::string_view kName = "data_column_classification";
  static auto Key(const ColumnClassification& row) {
    return std::tie(row.table_name, row.column_name);
  }
  static std::string KeyName(const ColumnClassification& row) {
    return row.table_name + "." + row.column_name;
  }
  static Status Validate(const ColumnClassification& row, size_t position);
};

template <>
struct PolicyRules<SourceClassification> {
  static constexpr std::string_view kName = "actual_data_classifications";
  static auto Key(const SourceClassification& row) { return std::tie(row.source); }
  static std::string KeyName(const SourceClassification& row) { return row.source; }
  static Status Validate(const SourceClassification& row, size_t position);
};

template <>
struct PolicyRules<MetricClassification> {
  static constexpr std::string_view kName = "long_table_data_classifications";
  static auto Key(const MetricClassification& row) {
    return std::tie(row.table_name, row.metric_name);
  }
  static std::string KeyName(const MetricClassification& row) {
    return row.table_name + "." + row.metric_name;
  }
  static Status Validate(const MetricClassification& row, size_t position);
};

// Checks every row (positions are 1-based), then sorts the rows into the order LoadPolicy
// returns (std::string's order, i.e. bytes) and refuses duplicate keys with kAlreadyExists
// "duplicate <table> row <key>".
template <typename Row>
Status ValidateAndSort(std::vector<Row>& rows) {
  using Rules = PolicyRules<Row>;
  for (size_t i = 0; i < rows.size(); ++i) RETURN_IF_ERROR(Rules::Validate(rows[i], i + 1));
  auto key = [](const Row& row) { return Rules::Key(row); };
  std::ranges::sort(rows, {}, key);
  auto duplicate = std::ranges::adjacent_find(rows, {}, key);
  if (duplicate != rows.end()) {
    return AlreadyExists("duplicate {} row {}", Rules::kName, Rules::KeyName(*duplicate));
  }
  return Status::Ok();
}

// ValidateAndSort of all four tables, in the order export_tables, columns, sources, metrics.
Status ValidateAndSortPolicy(PolicySnapshot& policy);

// Inserts `table` into (or replaces it in) `tables`, which is sorted by table_name.
void PutExportTable(std::vector<ExportTable>& tables, const ExportTable& table);

}  // namespace de::metadata
