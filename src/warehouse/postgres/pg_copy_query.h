// Renders a ScanSpec as the PostgreSQL warehouse's binary COPY:
//
//   SELECT set_config('de.scan_start', $1, false), ...        -- values, bound (PQexecParams)
//   COPY (SELECT "c1", to_json("arr"), ... FROM "schema"."table"
//         WHERE "t" >= current_setting('de.scan_start')::timestamptz
//           AND "t" <  current_setting('de.scan_end')::timestamptz
//           AND "m" IN (SELECT jsonb_array_elements_text(current_setting('de.scan_in_0')::jsonb))
//         ORDER BY "t") TO STDOUT (FORMAT binary)
//
// COPY takes no bind parameters, so every value travels as a bound parameter of the set_config
// statement, run first in the same session, and the COPY reads it back with current_setting:
// no value is ever part of SQL text. Identifiers come from the catalog (CatalogTable) and are
// double-quoted with embedded quotes doubled.
//
// Time bounds are UTC text 'YYYY-MM-DD HH:MM:SS.ffffff' (with '+00' for timestamptz; wall clock
// for timestamp), for years 0001..9999. In-list values travel as one JSON array of strings; a
// NULL never matches, neither IN nor NOT IN. Values containing a NUL byte cannot occur in a
// PostgreSQL text column and are dropped from the list (which changes no result).
#pragma once

#include <string>
#include <vector>

#include "columnar/column_vector.h"
#include "common/status.h"
#include "warehouse/postgres/copy_binary_decoder.h"
#include "warehouse/postgres/pg_catalog.h"
#include "warehouse/warehouse.h"

namespace de::warehouse_pg {

struct CopyQuery {
  // The set_config statement and its parameters; empty sql when the scan has no values.
  std::string settings_sql;
  std::vector<std::string> settings_params;
  std::string copy_sql;
  std::vector<PgColumn> columns;  // how each selected column is decoded, in ScanSpec order
  Schema schema;                  // the selected columns, in ScanSpec order
};

// kNotFound naming table and column for a column that does not exist; kInvalidArgument for an
// unmapped selected column, a column selected twice, a time filter on a non-timestamp column or
// with bounds outside years 0001..9999, an in-list filter on a non-string column, an in-list
// value that is not UTF-8, ordering by a json column (no ordering operator), or a zero batch
// size.
Result<CopyQuery> PlanCopyQuery(const ScanSpec& spec, const CatalogTable& table);

// 'YYYY-MM-DD HH:MM:SS.ffffff' of microseconds since the epoch. Precondition: years 0001..9999.
std::string FormatTimestampText(int64_t micros);

}  // namespace de::warehouse_pg
