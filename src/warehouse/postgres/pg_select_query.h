// Renders a ScanSpec as the one SELECT both read paths of the PostgreSQL warehouse run: the
// binary COPY (pg_copy_query.h) wraps it in `COPY (…) TO STDOUT`, the portable cursor path
// (pg_cursor_reader.h) in `DECLARE … CURSOR FOR …`:
//
//   SELECT "c1", pg_catalog.to_json("arr"), ... FROM "schema"."table"
//   WHERE "t" >= <start>::timestamptz AND "t" < <end>::timestamptz
//     AND "m" IN <list>
//   ORDER BY "t"
//
// Identifiers come from the catalog (CatalogTable) and are double-quoted with embedded quotes
// doubled. No value is ever part of SQL text; ValueBinding says how values reach the server.
//
// Time bounds are UTC text 'YYYY-MM-DD HH:MM:SS.ffffff' (with '+00' for timestamptz; wall clock
// for timestamp), for years 0001..9999. A NULL never matches an in-list, neither IN nor NOT IN.
// Values containing a NUL byte cannot occur in a PostgreSQL text column and are dropped from the
// list (which changes no result); an empty list renders as FALSE (IN) or IS NOT NULL (NOT IN).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "columnar/column_vector.h"
#include "common/status.h"
#include "warehouse/postgres/pg_binary_value.h"
#include "warehouse/postgres/pg_catalog.h"
#include "warehouse/warehouse.h"

namespace de::warehouse_pg {

// How the values of the filters reach the server.
enum class ValueBinding {
  // Session settings: `SELECT pg_catalog.set_config('de.scan_start', $1, false), …` runs first
  // with the values bound, and the SELECT reads them back with
  // `pg_catalog.current_setting('de.scan_start')`; an in-list is one setting holding a JSON
  // array, expanded with jsonb_array_elements_text. For statements that take no parameters
  // (COPY). PostgreSQL only: Redshift has neither jsonb nor custom setting names.
  kSessionSettings,
  // Parameters of the statement itself: `$1::timestamptz`, an in-list as `IN ($3, $4, …)`.
  // The portable form, for PostgreSQL and Redshift: it also renders an empty select list as
  // `SELECT NULL FROM …` (Redshift has no zero-column SELECT; see placeholder_column).
  kParameters,
};

// The protocol's limit on bound parameters per statement (a 16-bit count).
inline constexpr size_t kMaxBoundParameters = 65535;

struct SelectQuery {
  std::string select_sql;  // SELECT … FROM … [WHERE …] [ORDER BY …]
  // The bound values, in order ($1 is params[0]): of select_sql (kParameters) or of
  // settings_sql (kSessionSettings).
  std::vector<std::string> params;
  // kSessionSettings: the set_config statement to run first; empty when the scan has no values.
  std::string settings_sql;
  std::vector<PgColumn> columns;  // how each selected column is decoded, in ScanSpec order
  Schema schema;                  // the selected columns, in ScanSpec order
  // The result has one column more than `columns`, a NULL to be ignored (kParameters, no
  // column selected).
  bool placeholder_column = false;
};

// kNotFound naming table and column for a column that does not exist; kInvalidArgument for an
// unmapped selected column, a column selected twice, a time filter on a non-timestamp column or
// with bounds outside years 0001..9999, an in-list filter on a non-string column, an in-list
// value that is not UTF-8, more in-list values than kMaxBoundParameters (kParameters), ordering
// by a json column (no ordering operator) or a Redshift SUPER column, or a zero batch size.
Result<SelectQuery> PlanSelect(const ScanSpec& spec, const CatalogTable& table,
                               ValueBinding binding);

// 'YYYY-MM-DD HH:MM:SS.ffffff' of microseconds since the epoch. Precondition: years 0001..9999.
std::string FormatTimestampText(int64_t micros);

}  // namespace de::warehouse_pg
