// The policy as CSV files (DESIGN.md §3.1): one file per policy table, named after it, with a
// header row holding exactly that table's columns:
//
//   export_tables.csv                    table_name,enabled,time_column,source_column,metric_column
//   data_column_classification.csv       table_name,column_name,classification,treatment,pii
//   actual_data_classifications.csv      source,classification
//   long_table_data_classifications.csv  table_name,metric_name,classification,treatment
//
// RFC 4180: comma-separated, fields may be double-quoted (a quote inside is doubled, commas and
// line breaks inside quotes are data), CRLF or LF line ends, UTF-8 (a leading BOM is ignored).
// Booleans are true/false (also 1/0, yes/no, any case). An empty field is "none" for the
// nullable columns (source_column, metric_column, treatment). Blank lines are ignored.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "metadata/metadata_store.h"
#include "warehouse/warehouse.h"

namespace de {

inline constexpr const char* kExportTablesCsv = "export_tables.csv";
inline constexpr const char* kColumnClassificationCsv = "data_column_classification.csv";
inline constexpr const char* kSourceClassificationCsv = "actual_data_classifications.csv";
inline constexpr const char* kMetricClassificationCsv = "long_table_data_classifications.csv";

// A policy read from CSV, with the line (1-based, counting the header as line 1) each row came
// from, so validation errors can name file and line.
struct PolicyCsv {
  PolicySnapshot policy;                // version 0
  std::vector<int> export_table_lines;  // parallel to policy.export_tables
  std::vector<int> column_lines;        // parallel to policy.columns
  std::vector<int> source_lines;        // parallel to policy.sources
  std::vector<int> metric_lines;        // parallel to policy.metrics
};

// Parses the four files of `dir`. All four must exist. Rows keep file order. kInvalidArgument
// listing every problem found, one per line as "FILE:LINE: message" (missing file, unreadable
// file, wrong or missing header, wrong number of fields, unterminated quote, bad boolean), at
// most 50 problems then "... and N more".
Result<PolicyCsv> ReadPolicyCsv(const std::string& dir);

// Writes the four files into `dir` (created if missing), each written to a temporary file and
// renamed into place; rows in snapshot order; fields quoted only when they need it. Reading the
// files back gives the same rules.
Status WritePolicyCsv(const PolicySnapshot& policy, const std::string& dir);

// Describes a warehouse table; kNotFound when there is no such table (Warehouse::DescribeTable).
using DescribeTableFn = std::function<Result<TableSchema>(const std::string& table)>;

// Checks a policy for everything that would make it unsafe or meaningless, against the
// warehouse. kInvalidArgument listing every problem, one per line, each naming the file and line
// of the offending row when `origins` is given (else the table/key), at most 50 then
// "... and N more":
//   - a classification code other than nr, mx, de, hwc (in any of the tables);
//   - an unknown or malformed treatment (ParseTreatment), or one that does not apply to the
//     column's warehouse type (TreatedType), or a treatment on a `de` column or source;
//     on long tables a metric treatment must keep the type of the table's mx columns;
//   - a `pii = true` column that is not `de` and not `hwc` with a treatment;
//   - a duplicate key: export_tables.table_name, (table_name, column_name), source,
//     (table_name, metric_name);
//   - an export table, a classified column or a long-table metric rule naming a table the
//     warehouse does not have, or a column it does not have; an export table whose time column
//     is missing or not a timestamp/date, whose source or metric column is missing or not text;
//     a metric rule for a table that is not a long table (no metric_column);
//   - `compress` on a column whose {column}_compressed name is taken by another column.
// Tables are described once each.
Status ValidatePolicy(const PolicySnapshot& policy, const DescribeTableFn& describe,
                      const PolicyCsv* origins);

// Warehouse columns of the enabled export tables that no data_column_classification row covers,
// as "table.column", sorted. Errors of `describe` are returned.
Result<std::vector<std::string>> UncoveredColumns(const PolicySnapshot& policy,
                                                  const DescribeTableFn& describe);

}  // namespace de
