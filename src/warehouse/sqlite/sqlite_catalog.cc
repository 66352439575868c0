#include "warehouse/sqlite/sqlite_catalog.h"

#include <cctype>

#include "warehouse/sqlite/sqlite_connection.h"
#include "warehouse/sqlite/sqlite_types.h"

namespace de::warehouse_sqlite {
namespace {

bool IsInternalTable(std::string_view name) { return name.starts_with("sqlite_"); }

Result<bool> TableExists(sqlite3* db, const std::string& table) {
  ASSIGN_OR_RETURN(Statement statement,
                   Statement::Prepare(db,
                                      "SELECT 1 FROM sqlite_master WHERE type IN ('table', "
                                      "'view') AND name = ?1"));
  Result<bool> row = statement.BindText(1, table).Step();
  return row.ok() ? row : row.status().WithContext("reading the warehouse catalog");
}

}  // namespace

const CatalogColumn* CatalogTable::FindColumn(std::string_view column) const {
  for (const CatalogColumn& c : columns) {
    if (c.name == column) return &c;
  }
  return nullptr;
}

Result<std::vector<std::string>> ListCatalogTables(sqlite3* db) {
  ASSIGN_OR_RETURN(Statement statement,
                   Statement::Prepare(db,
                                      "SELECT name FROM sqlite_master WHERE type IN ('table', "
                                      "'view') ORDER BY name"));
  std::vector<std::string> tables;
  while (true) {
    Result<bool> row = statement.Step();
    if (!row.ok()) return row.status().WithContext("listing warehouse tables");
    if (!*row) return tables;
    std::string name = statement.Text(0);
    if (!IsInternalTable(name)) tables.push_back(std::move(name));
  }
}

Result<CatalogTable> LoadCatalogTable(sqlite3* db, const std::string& table) {
  ASSIGN_OR_RETURN(bool exists, TableExists(db, table));
  if (!exists || IsInternalTable(table)) {
    return NotFound("warehouse table '{}' does not exist", table);
  }
  // hidden: 0 ordinary, 1 hidden column of a virtual table, 2 and 3 generated columns.
  ASSIGN_OR_RETURN(Statement statement,
                   Statement::Prepare(db,
                                      "SELECT name, type, \"notnull\", pk FROM "
                                      "pragma_table_xinfo(?1, 'main') WHERE hidden <> 1 ORDER BY "
                                      "cid"));
  statement.BindText(1, table);
  CatalogTable result{table, {}};
  std::vector<size_t> key_columns;  // indexes of the primary key's columns
  while (true) {
    Result<bool> row = statement.Step();
    if (!row.ok()) {
      return row.status().WithContext(fmt::format("describing warehouse table '{}'", table));
    }
    if (!*row) break;
    CatalogColumn column;
    column.name = statement.Text(0);
    column.declared_type = statement.Text(1);
    column.type = DataTypeFromSqliteDeclaration(column.declared_type);
    column.nullable = statement.Int(2) == 0;
    if (statement.Int(3) > 0) key_columns.push_back(result.columns.size());
    result.columns.push_back(std::move(column));
  }
  // A lone INTEGER PRIMARY KEY is the rowid: never NULL, though it is not declared NOT NULL
  // (PostgreSQL's copy of the table says NOT NULL, and both warehouses give the same schema).
  if (key_columns.size() == 1) {
    CatalogColumn& key = result.columns[key_columns[0]];
    std::string upper = key.declared_type;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (upper == "INTEGER") key.nullable = false;
  }
  return result;
}

Result<TableSchema> ToTableSchema(const CatalogTable& table) {
  TableSchema schema{table.name, {}};
  schema.columns.reserve(table.columns.size());
  for (const CatalogColumn& column : table.columns) {
    if (!column.type) return UnmappedColumnError(table, column);
    schema.columns.push_back({column.name, column.declared_type, *column.type, column.nullable});
  }
  return schema;
}

Status UnmappedColumnError(const CatalogTable& table, const CatalogColumn& column) {
  return InvalidArgument(
      "warehouse table '{}', column '{}': declared type '{}' has no mapping to an export type "
      "(see the SQLite type table)",
      table.name, column.name, column.declared_type);
}

}  // namespace de::warehouse_sqlite
