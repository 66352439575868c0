// ExportPlan: what the policy allows out of one warehouse table (DESIGN.md §3.2). A plain value:
// built from a policy snapshot and the table's schema, printed by `policy explain`, tested alone.
//
// Fail closed everywhere: a column is written only when data_column_classification lets it out;
// a value whose row-level rule cannot be decided (unlisted source, NULL source) is NULL; a row of
// a long table whose metric is not listed (or `de`) is not exported at all.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "metadata/metadata_store.h"
#include "policy/rules.h"
#include "warehouse/warehouse.h"

namespace de {

// A warehouse column that is not exported, and why.
struct ReportedColumn {
  enum class Reason {
    kUnclassified,  // not listed in data_column_classification (treated as `de`)
    kDoNotExport,   // classified `de`
    kNoTreatment,   // classified `hwc` without a treatment
    kDropped,       // its treatment is `drop`
  };
  std::string column;
  Reason reason = Reason::kUnclassified;
  std::string classification;  // as listed; empty when unclassified
};
std::string_view ReasonName(ReportedColumn::Reason reason);

// How the value of one output column is decided on each row.
enum class CellRule {
  kAsIs,      // nr without treatment: the warehouse value
  kTreated,   // nr or hwc with a treatment: the treatment on every row
  kBySource,  // mx on a table with a source column: per row, by the source's classification
  kByMetric,  // mx on a long table: per row, by the metric's (and maybe the source's) rule
  kOverflow,  // the {column}_compressed companion of a `compress` column
};
std::string_view CellRuleName(CellRule rule);

// One column of the exported files.
struct OutputColumn {
  std::string name;  // the warehouse column's name, or {column}_compressed
  DataType type;     // the type written (a treatment may change it, e.g. hash -> string)
  bool nullable = true;
  int input = -1;  // index into ExportPlan::scan_columns of the value it comes from
  Classification classification = Classification::kNr;
  Treatment treatment;  // the column's treatment (kNone if none)
  CellRule rule = CellRule::kAsIs;
};

// The per-row rule of a source value or a long-table metric.
struct RowRule {
  Classification classification = Classification::kDe;
  Treatment treatment;  // metrics only
};

struct ExportPlan {
  std::string table;
  int64_t policy_version = 0;
  std::string time_column;  // the requested range applies to it (pushed into the query)
  // Columns read from the warehouse, in table order: every output's input, plus the source and
  // metric columns when a per-row rule needs them (read even if they are not exported).
  std::vector<WarehouseColumn> scan_columns;
  int source_input = -1;  // index into scan_columns, or -1
  int metric_input = -1;  // index into scan_columns, or -1
  // Long tables: metrics whose rows may be exported (listed and not `de`), sorted; pushed into
  // the query as `metric IN (...)` and checked again on every row.
  std::vector<std::string> allowed_metrics;
  // Looked up per row with the cell's bytes (std::less<> avoids a string per lookup).
  std::map<std::string, RowRule, std::less<>> source_rules;  // actual_data_classifications
  std::map<std::string, RowRule, std::less<>> metric_rules;  // this table's allowed metrics
  std::vector<OutputColumn> outputs;                         // in table order
  std::vector<ReportedColumn> reported;                      // left out, in table order
  // The column rules the plan was built from (this table's rows), kept for the audit.
  std::vector<ColumnClassification> rules;

  bool is_long() const { return metric_input >= 0; }
  bool uses_hash() const;
  // Names of the columns read from the warehouse, in order.
  std::vector<std::string> ScanColumnNames() const;
  // Schema of the batches read from the warehouse.
  Schema ScanSchema() const;
  // The schema of the exported files.
  Schema OutputSchema() const;
  // Columns reported as unclassified.
  std::vector<std::string> UnclassifiedColumns() const;
  // Columns classified but not exported (de, hwc without treatment, drop).
  std::vector<std::string> DroppedColumns() const;
  // Exported columns that are changed on some or all rows, as "column (why)".
  std::vector<std::string> TreatedColumns() const;
  // A human-readable description: one line per column, then the row rules.
  std::string ToString() const;
};

// Builds the plan for `table` from `policy` (its export table row must be `table`).
// Errors: kFailedPrecondition when the export_tables row names a time column the table lacks or
// that is not a timestamp/date column, a source or metric column the table lacks or that is not
// text, when a treatment does not apply to its column's type (or a metric treatment would change
// the type of an mx column), when {column}_compressed is taken, or when no column is exportable.
// Rules for columns the table does not have are ignored here (policy import checks them).
Result<ExportPlan> BuildExportPlan(const ExportTable& table, const TableSchema& schema,
                                   const PolicySnapshot& policy);

}  // namespace de
