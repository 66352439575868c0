#include "warehouse/postgres/postgres_warehouse.h"

#include "warehouse/postgres/pg_catalog.h"
#include "warehouse/postgres/pg_copy_query.h"
#include "warehouse/postgres/pg_copy_reader.h"
#include "warehouse/postgres/pg_cursor_reader.h"

namespace de {

using pg::Conn;
using pg::PgResult;

PostgresWarehouse::PostgresWarehouse(PostgresOptions options, Conn catalog)
    : options_(std::move(options)), catalog_(std::move(catalog)) {}

Result<std::unique_ptr<PostgresWarehouse>> PostgresWarehouse::Open(PostgresOptions options) {
  if (options.schema.empty()) return InvalidArgument("PostgreSQL warehouse schema is empty");
  if (options.statement_timeout_ms < 0) {
    return InvalidArgument("PostgreSQL warehouse statement_timeout {} ms is negative",
                           options.statement_timeout_ms);
  }
  if (options.fetch_rows < 1) {
    return InvalidArgument("PostgreSQL warehouse fetch_rows {} is not positive",
                           options.fetch_rows);
  }
  ASSIGN_OR_RETURN(Conn catalog, pg::Connect(options.conninfo, options.statement_timeout_ms));
  return std::unique_ptr<PostgresWarehouse>(
      new PostgresWarehouse(std::move(options), std::move(catalog)));
}

Result<PGconn*> PostgresWarehouse::CatalogConn() {
  if (!catalog_ || PQstatus(catalog_.get()) != CONNECTION_OK) {
    catalog_.reset();
    ASSIGN_OR_RETURN(catalog_, pg::Connect(options_.conninfo, options_.statement_timeout_ms));
  }
  return catalog_.get();
}

template <typename Fn>
auto PostgresWarehouse::WithCatalog(Fn query) -> decltype(query(nullptr)) {
  ASSIGN_OR_RETURN(PGconn * conn, CatalogConn());
  auto result = query(conn);
  if (result.ok() || PQstatus(conn) == CONNECTION_OK) return result;
  // The server closed the idle connection (restart, idle timeout): reconnect and ask again;
  // catalog queries only read.
  ASSIGN_OR_RETURN(conn, CatalogConn());
  return query(conn);
}

Result<std::vector<std::string>> PostgresWarehouse::ListTables() {
  std::lock_guard<std::mutex> lock(mu_);
  return WithCatalog(
      [this](PGconn* conn) { return warehouse_pg::ListCatalogTables(conn, options_.schema); });
}

Result<TableSchema> PostgresWarehouse::DescribeTable(const std::string& table) {
  std::lock_guard<std::mutex> lock(mu_);
  return WithCatalog([&](PGconn* conn) -> Result<TableSchema> {
    ASSIGN_OR_RETURN(warehouse_pg::CatalogTable catalog_table,
                     warehouse_pg::LoadCatalogTable(conn, options_.schema, table));
    return warehouse_pg::ToTableSchema(catalog_table);
  });
}

Result<std::unique_ptr<BatchReader>> PostgresWarehouse::Scan(const ScanSpec& spec,
                                                             CancellationToken* cancel) {
  if (cancel && cancel->cancelled()) {
    return Cancelled("scan of warehouse table '{}' was cancelled", spec.table);
  }
  ASSIGN_OR_RETURN(Conn conn, pg::Connect(options_.conninfo, options_.statement_timeout_ms));
  if (options_.dialect == PostgresOptions::Dialect::kRedshift) {
    return StartCursor(spec, std::move(conn), cancel);
  }
  return StartCopy(spec, std::move(conn), cancel);
}

Result<std::unique_ptr<BatchReader>> PostgresWarehouse::StartCopy(const ScanSpec& spec, Conn conn,
                                                                  CancellationToken* cancel) {
  ASSIGN_OR_RETURN(warehouse_pg::CatalogTable table,
                   warehouse_pg::LoadCatalogTable(conn.get(), options_.schema, spec.table));
  ASSIGN_OR_RETURN(warehouse_pg::CopyQuery query, warehouse_pg::PlanCopyQuery(spec, table));
  std::string what = fmt::format("scan of warehouse table '{}'", spec.table);
  // A sequential scan then starts at the table's first page rather than where a concurrent scan
  // of it is, so that without ORDER BY a rerun over unchanged data reads the rows in the same
  // order and writes the same files.
  ASSIGN_OR_RETURN(PgResult ordered,
                   pg::Exec(conn.get(),
                            "SELECT pg_catalog.set_config('synchronize_seqscans', "
                            "'off', false)",
                            {}, PGRES_TUPLES_OK, what));
  if (!query.settings_sql.empty()) {
    ASSIGN_OR_RETURN(PgResult settings, pg::Exec(conn.get(), query.settings_sql,
                                                 query.settings_params, PGRES_TUPLES_OK, what));
  }
  ASSIGN_OR_RETURN(CopyBinaryDecoder decoder,
                   CopyBinaryDecoder::Create(spec.table, std::move(query.columns)));
  // Sent without waiting: the server buffers the CopyOutResponse with the first rows, so the
  // wait belongs to the reader, where a cancellation can interrupt it.
  if (PQsendQueryParams(conn.get(), query.copy_sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr,
                        /*resultFormat=*/0) == 0) {
    return pg::CommandError(conn.get(), nullptr, what, /*cancelled=*/false);
  }
  warehouse_pg::CopyReader::Options options{spec.table, std::move(query.schema), spec.batch_rows,
                                            spec.batch_bytes, cancel};
  return scans_.Track(std::make_unique<warehouse_pg::CopyReader>(
      std::move(options), std::move(conn), std::move(decoder)));
}

Result<std::unique_ptr<BatchReader>> PostgresWarehouse::StartCursor(const ScanSpec& spec, Conn conn,
                                                                    CancellationToken* cancel) {
  ASSIGN_OR_RETURN(warehouse_pg::CatalogTable table,
                   warehouse_pg::LoadCatalogTable(conn.get(), options_.schema, spec.table));
  ASSIGN_OR_RETURN(warehouse_pg::CursorQuery query, warehouse_pg::PlanCursorQuery(spec, table));
  warehouse_pg::CursorReader::Options options{spec.table, spec.batch_rows, spec.batch_bytes,
                                              options_.fetch_rows, cancel};
  ASSIGN_OR_RETURN(
      std::unique_ptr<warehouse_pg::CursorReader> reader,
      warehouse_pg::CursorReader::Start(std::move(options), std::move(conn), std::move(query)));
  return scans_.Track(std::move(reader));
}

Status PostgresWarehouse::Ping() {
  std::lock_guard<std::mutex> lock(mu_);
  Result<PgResult> result = WithCatalog([](PGconn* conn) {
    return pg::Exec(conn, "SELECT 1", {}, PGRES_TUPLES_OK, "warehouse ping");
  });
  if (!result.ok()) return Unavailable("{}", result.status().message());
  return Status::Ok();
}

}  // namespace de
