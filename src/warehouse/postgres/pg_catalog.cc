#include "warehouse/postgres/pg_catalog.h"

#include <algorithm>
#include <charconv>

#include "postgres/pg_session.h"
#include "warehouse/sqlite/value_text.h"

namespace de::warehouse_pg {

using pg::Cell;
using pg::Exec;
using pg::PgResult;
namespace {

constexpr char kRelkinds[] = "('r', 'v', 'm', 'p', 'f')";
constexpr int kVarHeaderSize = 4;  // numeric typmod = ((precision << 16) | scale) + 4
constexpr int kMaxDecimalPrecision = 38;

template <typename T>
T ParseNumber(std::string_view text) {
  T value{};
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

void MapNumeric(int32_t typmod, CatalogColumn* column) {
  column->pg_type = PgType::kNumeric;
  column->type = DataType::String();
  if (typmod < kVarHeaderSize) return;  // unconstrained
  int32_t packed = typmod - kVarHeaderSize;
  int precision = (packed >> 16) & 0xffff;
  int scale = ((packed & 0x7ff) ^ 1024) - 1024;  // 11-bit signed since PostgreSQL 15
  if (precision >= 1 && precision <= kMaxDecimalPrecision && scale >= 0 && scale <= precision) {
    column->type = DataType::Decimal(precision, scale);
  }
}

}  // namespace

const CatalogColumn* CatalogTable::FindColumn(std::string_view column) const {
  for (const CatalogColumn& c : columns) {
    if (c.name == column) return &c;
  }
  return nullptr;
}

void MapColumnType(uint32_t type_oid, int32_t typmod, bool is_array, CatalogColumn* column) {
  column->pg_type.reset();
  column->select_as = SelectAs::kColumn;
  if (is_array) {
    column->pg_type = PgType::kJson;
    column->type = DataType::Json();
    column->select_as = SelectAs::kToJson;
    return;
  }
  if (type_oid == kRedshiftSuperOid) {
    column->pg_type = PgType::kText;  // json_serialize returns varchar
    column->type = DataType::Json();
    column->select_as = SelectAs::kJsonSerialize;
    return;
  }
  std::optional<PgType> pg = PgTypeFromOid(type_oid);
  if (!pg) return;
  switch (*pg) {
    case PgType::kBool:
      column->type = DataType::Bool();
      break;
    case PgType::kInt2:
      column->type = DataType::Int16();
      break;
    case PgType::kInt4:
      column->type = DataType::Int32();
      break;
    case PgType::kInt8:
      column->type = DataType::Int64();
      break;
    case PgType::kFloat4:
      column->type = DataType::Float();
      break;
    case PgType::kFloat8:
      column->type = DataType::Double();
      break;
    case PgType::kNumeric:
      MapNumeric(typmod, column);
      return;
    case PgType::kText:
      column->type = DataType::String();
      break;
    case PgType::kJson:
    case PgType::kJsonb:
      column->type = DataType::Json();
      break;
    case PgType::kBytea:
      column->type = DataType::Binary();
      break;
    case PgType::kUuid:
      column->type = DataType::Uuid();
      break;
    case PgType::kDate:
      column->type = DataType::Date();
      break;
    case PgType::kTimestamp:
      column->type = DataType::Timestamp(false);
      break;
    case PgType::kTimestamptz:
      column->type = DataType::Timestamp(true);
      break;
    case PgType::kTime:
      column->type = DataType::String();
      break;
  }
  column->pg_type = pg;
}

Result<std::vector<std::string>> ListCatalogTables(PGconn* conn, const std::string& schema) {
  const std::string sql = fmt::format(
      "SELECT c.relname FROM pg_catalog.pg_class c "
      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "WHERE n.nspname = $1 AND c.relkind IN {}",
      kRelkinds);
  ASSIGN_OR_RETURN(PgResult result,
                   Exec(conn, sql, {schema}, PGRES_TUPLES_OK, "listing warehouse tables"));
  std::vector<std::string> tables;
  for (int row = 0; row < PQntuples(result.get()); ++row) {
    tables.emplace_back(Cell(result.get(), row, 0));
  }
  std::sort(tables.begin(), tables.end());  // bytewise, as COLLATE "C" (which Redshift lacks)
  return tables;
}

Result<CatalogTable> LoadCatalogTable(PGconn* conn, const std::string& schema,
                                      const std::string& table) {
  if (table.find('\0') != std::string::npos || !IsValidUtf8(table)) {
    return NotFound("warehouse has no table '{}'", table);
  }
  // One row per column; a relation without columns gives one row of NULLs.
  const std::string sql = fmt::format(
      "SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.atttypid, "
      "a.atttypmod, a.attnotnull, t.typelem <> 0 AND t.typlen = -1 "
      "FROM pg_catalog.pg_class c "
      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "LEFT JOIN pg_catalog.pg_attribute a "
      "  ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
      "LEFT JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
      "WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN {} ORDER BY a.attnum",
      kRelkinds);
  ASSIGN_OR_RETURN(PgResult result, Exec(conn, sql, {schema, table}, PGRES_TUPLES_OK,
                                         fmt::format("describing warehouse table '{}'", table)));
  const PGresult* r = result.get();
  if (PQntuples(r) == 0) return NotFound("warehouse has no table '{}'", table);
  CatalogTable out{schema, table, {}};
  for (int row = 0; row < PQntuples(r); ++row) {
    if (PQgetisnull(r, row, 0)) continue;
    CatalogColumn column;
    column.name = std::string(Cell(r, row, 0));
    column.declared_type = std::string(Cell(r, row, 1));
    column.nullable = Cell(r, row, 4) != "t";
    MapColumnType(ParseNumber<uint32_t>(Cell(r, row, 2)), ParseNumber<int32_t>(Cell(r, row, 3)),
                  Cell(r, row, 5) == "t", &column);
    out.columns.push_back(std::move(column));
  }
  return out;
}

Status UnmappedColumnError(const CatalogTable& table, const CatalogColumn& column) {
  return InvalidArgument(
      "warehouse table '{}', column '{}': PostgreSQL type '{}' has no mapping to an export "
      "type",
      table.name, column.name, column.declared_type);
}

Result<TableSchema> ToTableSchema(const CatalogTable& table) {
  TableSchema schema;
  schema.table = table.name;
  for (const CatalogColumn& c : table.columns) {
    if (!c.pg_type) return UnmappedColumnError(table, c);
    schema.columns.push_back({c.name, c.declared_type, c.type, c.nullable});
  }
  return schema;
}

}  // namespace de::warehouse_pg
