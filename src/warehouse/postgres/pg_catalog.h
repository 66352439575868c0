// The PostgreSQL warehouse's view of its catalog: the relations of one schema and their columns
// (pg_catalog, matched exactly by bound name), and the mapping of PostgreSQL column types to
// columnar types:
//
// | PostgreSQL column type                 | DataType                | read as (PgType)
// |----------------------------------------|-------------------------|-----------------------
// | boolean                                | bool                    | bool
// | smallint / integer / bigint            | int16 / int32 / int64   | int2 / int4 / int8
// | real / double precision                | float / double          | float4 / float8
// | numeric(p,s), 1 <= p <= 38, 0 <= s <= p| decimal(p,s)            | numeric (exact)
// | numeric, unconstrained, or p > 38, or  | string                  | numeric, as PostgreSQL
// |   a negative scale                     |                         | prints it ("NaN" too)
// | text, varchar(n), char(n), name        | string                  | text (char(n) padded)
// | json / jsonb                           | json                    | json / jsonb
// | bytea                                  | binary                  | bytea
// | uuid                                   | uuid                    | uuid
// | date                                   | date                    | date
// | timestamp                              | timestamp (utc = false) | timestamp
// | timestamptz                            | timestamp (utc = true)  | timestamptz
// | time                                   | string "HH:MM:SS[.f]"   | time
// | any array (int[], text[], ...)         | json                    | json, selected as
// |                                        |                         | to_json(column)
//
// Anything else (timetz, interval, money, enums, domains, ranges, composites, ...) has no
// mapping: describing the table is an error naming table, column and type.
#pragma once

#include <libpq-fe.h>

#include <optional>
#include <string>
#include <vector>

#include "columnar/data_type.h"
#include "common/status.h"
#include "warehouse/postgres/copy_binary_decoder.h"
#include "warehouse/warehouse.h"

namespace de::warehouse_pg {

struct CatalogColumn {
  std::string name;
  std::string declared_type;  // format_type(atttypid, atttypmod), e.g. "numeric(12,2)"
  bool nullable = true;
  // How the column is read; nullopt when the type has no mapping.
  std::optional<PgType> pg_type;
  DataType type;
  bool select_as_json = false;  // an array: selected as to_json(column)
};

struct CatalogTable {
  std::string schema;
  std::string name;
  std::vector<CatalogColumn> columns;  // in declaration order

  const CatalogColumn* FindColumn(std::string_view column) const;
};

// The mapping above for a type OID and typmod; `is_array` when pg_type.typcategory is 'A'.
// Fills pg_type/type/select_as_json of `column` (pg_type stays nullopt when unmapped).
void MapColumnType(uint32_t type_oid, int32_t typmod, bool is_array, CatalogColumn* column);

// Tables, views, materialized views, partitioned and foreign tables of `schema`, sorted by name
// (bytewise).
Result<std::vector<std::string>> ListCatalogTables(PGconn* conn, const std::string& schema);

// The relation called exactly `table` in `schema`; kNotFound if there is none (also for names
// with a NUL byte or invalid UTF-8, which no relation can have).
Result<CatalogTable> LoadCatalogTable(PGconn* conn, const std::string& schema,
                                      const std::string& table);

// kInvalidArgument naming table, column and declared type.
Status UnmappedColumnError(const CatalogTable& table, const CatalogColumn& column);

// The table's schema; kInvalidArgument (UnmappedColumnError) for the first unmapped column.
Result<TableSchema> ToTableSchema(const CatalogTable& table);

}  // namespace de::warehouse_pg
