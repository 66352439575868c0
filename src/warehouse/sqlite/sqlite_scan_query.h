// Renders a ScanSpec as one SQLite SELECT: identifiers only after they were found in the catalog,
// and then quoted; every value a bound parameter.
//
// Time filter: SQLite has no timestamp storage class, so a timestamp column holds integers (unix
// seconds) or text. The filter keeps a row when its value is
//   an integer s with start <= s * 10^6 < end (microseconds), or
//   canonical text 'YYYY-MM-DD HH:MM:SS[.f]' (space separator, 1..6 fraction digits, no zone;
//   UTC for timestamptz, wall-clock for timestamp) inside [start, end), compared as text
//   against canonical bounds, which orders such text exactly like the instants it spells.
// Any other text (a 'T' separator, a zone suffix, junk) and any other storage class is excluded
// by a filtered scan; an unfiltered scan reads every accepted form (sqlite_types.h) and rejects
// the rest as kDataLoss.
//
// In-list filters compare text with SQLite's binary collation; a NULL never matches, neither
// IN nor NOT IN, so it is excluded either way. ORDER BY sorts integers before text (SQLite's
// storage-class order).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/status.h"
#include "warehouse/sqlite/sqlite_catalog.h"
#include "warehouse/warehouse.h"

namespace de::warehouse_sqlite {

// One bound value: ?1 is params[0].
using ScanParam = std::variant<int64_t, std::string>;

struct ScanQuery {
  std::string sql;
  std::vector<ScanParam> params;
  Schema schema;  // the selected columns, in ScanSpec order
};

// The query for `spec` over `table` (spec.table must name it). kNotFound naming table and column
// for a column that does not exist; kInvalidArgument for an unmapped selected column, a column
// selected twice, a time filter on a non-timestamp column or with bounds outside years
// 0000..9999, an in-list filter on a non-string column, or a zero batch size.
Result<ScanQuery> PlanScanQuery(const ScanSpec& spec, const CatalogTable& table);

}  // namespace de::warehouse_sqlite
