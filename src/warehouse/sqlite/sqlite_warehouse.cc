#include "warehouse/sqlite/sqlite_warehouse.h"

#include <sys/stat.h>

#include "warehouse/sqlite/sqlite_batch_reader.h"
#include "warehouse/sqlite/sqlite_catalog.h"
#include "warehouse/sqlite/sqlite_scan_query.h"

namespace de {

using warehouse_sqlite::Connection;
using warehouse_sqlite::Statement;

namespace {

Status BindParams(Statement& statement, const std::vector<warehouse_sqlite::ScanParam>& params) {
  for (size_t i = 0; i < params.size(); ++i) {
    int index = static_cast<int>(i + 1);
    if (const int64_t* number = std::get_if<int64_t>(&params[i])) {
      statement.BindInt(index, *number);
    } else {
      statement.BindText(index, std::get<std::string>(params[i]));
    }
  }
  return statement.CheckBinds();
}

}  // namespace

SqliteWarehouse::SqliteWarehouse(std::string path, Connection catalog)
    : path_(std::move(path)), catalog_(std::move(catalog)) {}

Result<std::unique_ptr<SqliteWarehouse>> SqliteWarehouse::Open(const std::string& path) {
  ASSIGN_OR_RETURN(Connection catalog, warehouse_sqlite::OpenReadOnly(path));
  return std::unique_ptr<SqliteWarehouse>(new SqliteWarehouse(path, std::move(catalog)));
}

Result<std::vector<std::string>> SqliteWarehouse::ListTables() {
  std::lock_guard<std::mutex> lock(mu_);
  return warehouse_sqlite::ListCatalogTables(catalog_.get());
}

Result<TableSchema> SqliteWarehouse::DescribeTable(const std::string& table) {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(warehouse_sqlite::CatalogTable catalog_table,
                   warehouse_sqlite::LoadCatalogTable(catalog_.get(), table));
  return warehouse_sqlite::ToTableSchema(catalog_table);
}

Result<std::unique_ptr<BatchReader>> SqliteWarehouse::Scan(const ScanSpec& spec,
                                                           CancellationToken* cancel) {
  if (cancel && cancel->cancelled()) {
    return Cancelled("scan of warehouse table '{}' was cancelled", spec.table);
  }
  ASSIGN_OR_RETURN(Connection db, warehouse_sqlite::OpenReadOnly(path_));
  // One read transaction from the catalog lookup to the last row: the columns checked are the
  // columns read.
  RETURN_IF_ERROR(sqlite::Execute(db.get(), "BEGIN"));
  ASSIGN_OR_RETURN(warehouse_sqlite::CatalogTable table,
                   warehouse_sqlite::LoadCatalogTable(db.get(), spec.table));
  ASSIGN_OR_RETURN(warehouse_sqlite::ScanQuery query, warehouse_sqlite::PlanScanQuery(spec, table));
  ASSIGN_OR_RETURN(Statement statement, Statement::Prepare(db.get(), query.sql));
  RETURN_IF_ERROR(BindParams(statement, query.params));
  warehouse_sqlite::SqliteBatchReader::Options options{spec.table, std::move(query.schema),
                                                       spec.batch_rows, spec.batch_bytes, cancel};
  return scans_.Track(std::make_unique<warehouse_sqlite::SqliteBatchReader>(
      std::move(options), std::move(db), std::move(statement)));
}

Status SqliteWarehouse::Ping() {
  struct stat info;
  if (::stat(path_.c_str(), &info) != 0) {
    return Unavailable("warehouse file '{}' is gone", path_);
  }
  std::lock_guard<std::mutex> lock(mu_);
  Status status = sqlite::Execute(catalog_.get(), "SELECT count(*) FROM sqlite_master");
  if (!status.ok()) return Unavailable("warehouse ping: {}", status.message());
  return Status::Ok();
}

}  // namespace de
