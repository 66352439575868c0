// ExportPlan: what the policy allows out of one warehouse table (DESIGN.md §3.2). A plain value:
// built from the policy rows and the table's schema, printed by `policy explain`, tested alone.
//
// Fail closed: a column is selected only when data_column_classification lists it as exportable.
// This first engine exports `nr` columns only; every other column is left out of the SELECT and
// reported (unclassified, or classified but not exportable yet: mx/hwc need the per-row and
// treatment rules of the full classification engine).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "metadata/metadata_store.h"
#include "warehouse/warehouse.h"

namespace de {

// A warehouse column that is not exported, and why.
struct ReportedColumn {
  enum class Reason {
    kUnclassified,  // not listed in data_column_classification (treated as `de`)
    kDoNotExport,   // classified `de`
    kNotSupported,  // classified mx/hwc: not exportable by this engine yet
  };
  std::string column;
  Reason reason = Reason::kUnclassified;
  std::string classification;  // as listed; empty when unclassified
};
std::string_view ReasonName(ReportedColumn::Reason reason);

struct ExportPlan {
  std::string table;
  std::string time_column;               // the requested range applies to it
  std::vector<WarehouseColumn> columns;  // selected, in table order
  std::vector<ReportedColumn> reported;  // left out, in table order
  int64_t policy_version = 0;

  // Names of the selected columns, in order.
  std::vector<std::string> ColumnNames() const;
  // The schema of the exported files.
  Schema OutputSchema() const;
  // Columns reported as unclassified.
  std::vector<std::string> UnclassifiedColumns() const;
  // A human-readable description, one line per column.
  std::string ToString() const;
};

// Builds the plan for `table`. Errors: kFailedPrecondition when the export_tables row names a
// time column the table lacks or that is not a timestamp/date column; classification rows for
// columns the table does not have are ignored here (policy import checks them).
Result<ExportPlan> BuildExportPlan(const ExportTable& table, const TableSchema& schema,
                                   const std::vector<ColumnClassification>& rules,
                                   int64_t policy_version);

}  // namespace de
