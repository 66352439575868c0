#include "warehouse/postgres/pg_copy_query.h"

namespace de::warehouse_pg {

Result<CopyQuery> PlanCopyQuery(const ScanSpec& spec, const CatalogTable& table) {
  ASSIGN_OR_RETURN(SelectQuery select, PlanSelect(spec, table, ValueBinding::kSessionSettings));
  CopyQuery query;
  query.settings_sql = std::move(select.settings_sql);
  query.settings_params = std::move(select.params);
  query.copy_sql = fmt::format("COPY ({}) TO STDOUT (FORMAT binary)", select.select_sql);
  query.columns = std::move(select.columns);
  query.schema = std::move(select.schema);
  return query;
}

}  // namespace de::warehouse_pg
