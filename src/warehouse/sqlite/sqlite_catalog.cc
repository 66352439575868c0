#include "warehouse/sqlite/sqlite_catalog.h"

#include "warehouse/sqlite/sqlite_connection.h"
#include "warehouse/sqlite/sqlite_types.h"

namespace de::warehouse_sqlite {
namespace {

bool IsInternalTable(std::string_view name) { return name.starts_with("sqlite_"); }

std::string ColumnText(sqlite3_stmt* statement, int column) {
  const unsigned char* text = sqlite3_column_text(statement, column);
  return text ? std::string(reinterpret_cast<const char*>(text),
                            static_cast<size_t>(sqlite3_column_bytes(statement, column)))
              : std::string();
}

Result<bool> TableExists(sqlite3* db, const std::string& table) {
  ASSIGN_OR_RETURN(Statement statement,
                   Prepare(db,
                           "SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') "
                           "AND name = ?1"));
  sqlite3_bind_text(statement.get(), 1, table.data(), static_cast<int>(table.size()),
                    SQLITE_TRANSIENT);
  int rc = sqlite3_step(statement.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteError(db, rc, "reading the warehouse catalog");
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
                   Prepare(db,
                           "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
                           "ORDER BY name"));
  std::vector<std::string> tables;
  int rc;
  while ((rc = sqlite3_step(statement.get())) == SQLITE_ROW) {
    std::string name = ColumnText(statement.get(), 0);
    if (!IsInternalTable(name)) tables.push_back(std::move(name));
  }
  if (rc != SQLITE_DONE) return SqliteError(db, rc, "listing warehouse tables");
  return tables;
}

Result<CatalogTable> LoadCatalogTable(sqlite3* db, const std::string& table) {
  ASSIGN_OR_RETURN(bool exists, TableExists(db, table));
  if (!exists || IsInternalTable(table)) {
    return NotFound("warehouse table '{}' does not exist", table);
  }
  // hidden: 0 ordinary, 1 hidden column of a virtual table, 2 and 3 generated columns.
  ASSIGN_OR_RETURN(Statement statement,
                   Prepare(db,
                           "SELECT name, type, \"notnull\" FROM "
                           "pragma_table_xinfo(?1, 'main') WHERE hidden <> 1 ORDER BY cid"));
  sqlite3_bind_text(statement.get(), 1, table.data(), static_cast<int>(table.size()),
                    SQLITE_TRANSIENT);
  CatalogTable result{table, {}};
  int rc;
  while ((rc = sqlite3_step(statement.get())) == SQLITE_ROW) {
    CatalogColumn column;
    column.name = ColumnText(statement.get(), 0);
    column.declared_type = ColumnText(statement.get(), 1);
    column.type = DataTypeFromSqliteDeclaration(column.declared_type);
    column.nullable = sqlite3_column_int(statement.get(), 2) == 0;
    result.columns.push_back(std::move(column));
  }
  if (rc != SQLITE_DONE) {
    return SqliteError(db, rc, fmt::format("describing warehouse table '{}'", table));
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
