// PostgresWarehouse: the production warehouse on PostgreSQL over libpq, read through the binary
// COPY fast path (`COPY (SELECT …) TO STDOUT (FORMAT binary)`, decoded by CopyBinaryDecoder
// straight into column vectors).
//
// Tables are the relations of one schema (default `public`), matched exactly; column types map
// as documented in pg_catalog.h; scans render as documented in pg_copy_query.h (identifiers
// quoted and checked against the catalog, every value a bound parameter).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "warehouse/postgres/pg_session.h"
#include "warehouse/warehouse.h"

namespace de {

struct PostgresOptions {
  // A libpq connection string ("host=… port=… dbname=… user=… sslmode=…") or URI; empty uses
  // libpq's environment (PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD, PGPASSFILE,
  // PGSSLMODE, …) alone, which libpq also consults for anything the string leaves out. TLS
  // settings pass through. Never logged: it may hold a password.
  std::string conninfo;
  // The schema whose tables are exported.
  std::string schema = "public";
  // statement_timeout of every session, in milliseconds; 0 = none.
  int statement_timeout_ms = 0;
};

// Thread-safe: catalog calls and Ping share one connection under a mutex (reconnected when it
// was lost); each scan opens its own connection, so scans run in parallel and one scan's
// cancellation interrupts only that scan.
class PostgresWarehouse final : public Warehouse {
 public:
  // Connects once (client_encoding UTF8, statement_timeout). kUnavailable naming host, port and
  // database (never the password) if the server cannot be reached or refuses the login;
  // kInvalidArgument for an empty schema name or a negative timeout.
  static Result<std::unique_ptr<PostgresWarehouse>> Open(PostgresOptions options);

  Result<std::vector<std::string>> ListTables() override;
  // kNotFound if the schema has no relation called exactly `table`; kInvalidArgument naming
  // table, column and type for a column whose type has no mapping.
  Result<TableSchema> DescribeTable(const std::string& table) override;
  // Opens a connection, checks table and columns against the catalog in it, binds the values
  // (set_config) and sends the COPY; the first Next waits for its first rows (so a cancellation
  // can interrupt a slow query) and reports errors the server raises while running it. Only the
  // selected columns need mappable types. Errors as PlanCopyQuery (pg_copy_query.h); kCancelled
  // if `cancel` already fired; kUnavailable if the server cannot be reached.
  Result<std::unique_ptr<BatchReader>> Scan(const ScanSpec& spec,
                                            CancellationToken* cancel) override;
  // OK when `SELECT 1` runs; kUnavailable otherwise.
  Status Ping() override;
  const ScanGauge& scan_gauge() const override { return scans_; }

 private:
  PostgresWarehouse(PostgresOptions options, warehouse_pg::Conn catalog);
  // The catalog connection, reconnected if it was lost. Requires mu_.
  Result<PGconn*> CatalogConn();
  // Runs `query` on the catalog connection, and once more on a new connection if the old one
  // turned out to be lost. Requires mu_.
  template <typename Fn>
  auto WithCatalog(Fn query) -> decltype(query(nullptr));

  const PostgresOptions options_;
  std::mutex mu_;
  warehouse_pg::Conn catalog_;  // guarded by mu_
  ScanGauge scans_;
};

}  // namespace de
