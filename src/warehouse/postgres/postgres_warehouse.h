// PostgresWarehouse: the production warehouse on PostgreSQL or Amazon Redshift over libpq. Scans
// of PostgreSQL take the binary COPY fast path (`COPY (SELECT …) TO STDOUT (FORMAT binary)`,
// decoded by CopyBinaryDecoder straight into column vectors); scans of Redshift, which has no
// COPY … TO STDOUT, take the portable cursor path (DECLARE / FETCH with binary results,
// pg_cursor_reader.h), which PostgreSQL runs too.
//
// Tables are the relations of one schema (default `public`), matched exactly; column types map
// as documented in pg_catalog.h; scans render as documented in pg_select_query.h (identifiers
// quoted and checked against the catalog, every value a bound parameter).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "postgres/pg_session.h"
#include "warehouse/warehouse.h"

namespace de {

struct PostgresOptions {
  // The server's SQL dialect, which chooses the read path of Scan.
  enum class Dialect {
    kPostgres,  // binary COPY (pg_copy_query.h)
    kRedshift,  // cursor with binary FETCH results (pg_cursor_reader.h); also runs on PostgreSQL
  };

  // A libpq connection string ("host=… port=… dbname=… user=… sslmode=…") or URI; empty uses
  // libpq's environment (PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD, PGPASSFILE,
  // PGSSLMODE, …) alone, which libpq also consults for anything the string leaves out. TLS
  // settings pass through. Never logged: it may hold a password.
  std::string conninfo;
  // The schema whose tables are exported.
  std::string schema = "public";
  // statement_timeout of every session, in milliseconds; 0 = none.
  int statement_timeout_ms = 0;
  Dialect dialect = Dialect::kPostgres;
  // Rows per FETCH of the cursor path (kRedshift); >= 1. Redshift allows at most 1000 on a
  // single-node cluster.
  int fetch_rows = 10'000;
};

// Thread-safe: catalog calls and Ping share one connection under a mutex (reconnected when it
// was lost); each scan opens its own connection, so scans run in parallel and one scan's
// cancellation interrupts only that scan.
class PostgresWarehouse final : public Warehouse {
 public:
  // Connects once (client_encoding UTF8, statement_timeout). kUnavailable naming host, port and
  // database (never the password) if the server cannot be reached or refuses the login;
  // kInvalidArgument for an empty schema name, a negative timeout or fetch_rows < 1.
  static Result<std::unique_ptr<PostgresWarehouse>> Open(PostgresOptions options);

  Result<std::vector<std::string>> ListTables() override;
  // kNotFound if the schema has no relation called exactly `table`; kInvalidArgument naming
  // table, column and type for a column whose type has no mapping.
  Result<TableSchema> DescribeTable(const std::string& table) override;
  // Opens a connection, checks table and columns against the catalog in it and starts the read:
  // kPostgres binds the values (set_config) and sends the COPY; kRedshift begins a transaction
  // and sends the DECLARE with the values as parameters. The first Next waits for the first
  // rows (so a cancellation can interrupt a slow query) and reports errors the server raises
  // while running it. Only the selected columns need mappable types. Errors as PlanSelect
  // (pg_select_query.h); kCancelled if `cancel` already fired; kUnavailable if the server cannot
  // be reached.
  Result<std::unique_ptr<BatchReader>> Scan(const ScanSpec& spec,
                                            CancellationToken* cancel) override;
  // OK when `SELECT 1` runs; kUnavailable otherwise.
  Status Ping() override;
  const ScanGauge& scan_gauge() const override { return scans_; }

 private:
  PostgresWarehouse(PostgresOptions options, pg::Conn catalog);
  // The two read paths of Scan, on the scan's own connection.
  Result<std::unique_ptr<BatchReader>> StartCopy(const ScanSpec& spec, pg::Conn conn,
                                                 CancellationToken* cancel);
  Result<std::unique_ptr<BatchReader>> StartCursor(const ScanSpec& spec, pg::Conn conn,
                                                   CancellationToken* cancel);
  // The catalog connection, reconnected if it was lost. Requires mu_.
  Result<PGconn*> CatalogConn();
  // Runs `query` on the catalog connection, and once more on a new connection if the old one
  // turned out to be lost. Requires mu_.
  template <typename Fn>
  auto WithCatalog(Fn query) -> decltype(query(nullptr));

  const PostgresOptions options_;
  std::mutex mu_;
  pg::Conn catalog_;  // guarded by mu_
  ScanGauge scans_;
};

}  // namespace de
