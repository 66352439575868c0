#include "warehouse/warehouse.h"

namespace de {

int TableSchema::ColumnIndex(std::string_view name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

Schema TableSchema::ToSchema() const {
  Schema schema;
  schema.fields.reserve(columns.size());
  for (const WarehouseColumn& c : columns) schema.fields.push_back({c.name, c.type, c.nullable});
  return schema;
}

}  // namespace de
