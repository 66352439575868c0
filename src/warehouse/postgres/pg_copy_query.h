// Renders a ScanSpec as the PostgreSQL warehouse's binary COPY:
//
//   SELECT set_config('de.scan_start', $1, false), ...        -- values, bound (PQexecParams)
//   COPY (SELECT "c1", to_json("arr"), ... FROM "schema"."table"
//         WHERE "t" >= (SELECT current_setting('de.scan_start')::timestamptz)
//           AND "t" <  (SELECT current_setting('de.scan_end')::timestamptz)
//           AND "m" IN (SELECT jsonb_array_elements_text(current_setting('de.scan_in_0')::jsonb))
//         ORDER BY "t") TO STDOUT (FORMAT binary)
//
// COPY takes no bind parameters, so every value travels as a bound parameter of the set_config
// statement, run first in the same session, and the COPY reads it back with current_setting
// (ValueBinding::kSessionSettings): no value is ever part of SQL text. The SELECT is the one of
// pg_select_query.h, shared with the cursor path.
#pragma once

#include <string>
#include <vector>

#include "columnar/column_vector.h"
#include "common/status.h"
#include "warehouse/postgres/copy_binary_decoder.h"
#include "warehouse/postgres/pg_catalog.h"
#include "warehouse/postgres/pg_select_query.h"
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

// Errors as PlanSelect (pg_select_query.h).
Result<CopyQuery> PlanCopyQuery(const ScanSpec& spec, const CatalogTable& table);

}  // namespace de::warehouse_pg
