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
// | super (Redshift only, type OID 4000)   | json                    | text, selected as
// |                                        |                         | json_serialize(column)
//
// Anything else (timetz, interval, money, enums, domains (also over arrays), ranges, composites,
// Redshift's varbyte, geometry and geography, ...) has no mapping: describing the table is an
// error naming table, column and type.
//
// Redshift (PostgreSQL 8.0.2 underneath): the catalog queries use only what 8.0 has (no
// typcategory, no COLLATE clause; arrays are told by typelem/typlen, names are sorted here).
// Redshift tables have no array columns, so to_json (which Redshift lacks) is never rendered
// for them; semi-structured data lives in SUPER, which Redshift serialises to JSON text with
// json_serialize (an error for a value over 64 KB, Redshift's VARCHAR limit). Late-binding views
// (WITH NO SCHEMA BINDING) have no columns in pg_attribute and describe as column-less. None of
// this was run against a Redshift cluster here; the PostgreSQL tests run the same queries.
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

// What the SELECT asks for to read a column.
enum class SelectAs : uint8_t {
  kColumn,         // the column itself
  kToJson,         // pg_catalog.to_json(column): PostgreSQL arrays
  kJsonSerialize,  // json_serialize(column): Redshift SUPER
};

struct CatalogColumn {
  std::string name;
  std::string declared_type;  // format_type(atttypid, atttypmod), e.g. "numeric(12,2)"
  bool nullable = true;
  // How the selected expression is decoded; nullopt when the type has no mapping.
  std::optional<PgType> pg_type;
  DataType type;
  SelectAs select_as = SelectAs::kColumn;
};

struct CatalogTable {
  std::string schema;
  std::string name;
  std::vector<CatalogColumn> columns;  // in declaration order

  const CatalogColumn* FindColumn(std::string_view column) const;
};

// Redshift's SUPER type (pg_type.oid; unused in PostgreSQL, whose own types are below 10000
// and listed in its catalog, and whose user-defined types are 16384 and above).
inline constexpr uint32_t kRedshiftSuperOid = 4000;

// The mapping above for a type OID and typmod; `is_array` for an array type (typelem <> 0 and
// typlen = -1). Fills pg_type/type/select_as of `column` (pg_type stays nullopt when unmapped).
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
