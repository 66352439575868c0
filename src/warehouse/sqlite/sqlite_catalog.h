// The SQLite warehouse's catalog: which tables and views exist and how their columns are declared.
#pragma once

#include <sqlite3.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "warehouse/warehouse.h"

namespace de::warehouse_sqlite {

struct CatalogColumn {
  std::string name;
  std::string declared_type;     // as written in CREATE TABLE; may be empty
  std::optional<DataType> type;  // nullopt: the declared type has no mapping (sqlite_types.h)
  bool nullable = true;          // false for NOT NULL columns
};

// A table or view of the main schema, with its columns in declaration order.
struct CatalogTable {
  std::string name;
  std::vector<CatalogColumn> columns;

  // The column spelled exactly `name`, or null.
  const CatalogColumn* FindColumn(std::string_view name) const;
};

// Names of the tables and views, without SQLite's internal sqlite_* tables, sorted bytewise.
Result<std::vector<std::string>> ListCatalogTables(sqlite3* db);

// The table or view spelled exactly `table` (SQLite's internal tables excluded); kNotFound if
// there is none.
Result<CatalogTable> LoadCatalogTable(sqlite3* db, const std::string& table);

// The columns as a TableSchema; kInvalidArgument naming the table, the column and its declared
// type for the first column whose type has no mapping.
Result<TableSchema> ToTableSchema(const CatalogTable& table);

// kInvalidArgument naming table, column and declared type: the message for an unmapped column.
Status UnmappedColumnError(const CatalogTable& table, const CatalogColumn& column);

}  // namespace de::warehouse_sqlite
