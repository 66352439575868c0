// SqliteWarehouse: the embedded-default warehouse, one SQLite database file read in place.
//
// The file is opened read-only and never created or changed; it may be written meanwhile by
// another process (WAL or rollback journal: a scan reads one consistent snapshot and waits up to
// kBusyTimeoutMillis for a writer's lock). Declared column types map to columnar types per
// sqlite_types.h, and every value is checked against its column's type while it is read. How
// scans are rendered as SQL (time and in-list filters) is described in sqlite_scan_query.h.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "warehouse/sqlite/sqlite_connection.h"
#include "warehouse/warehouse.h"

namespace de {

// Thread-safe: catalog calls share one connection under a mutex; each scan opens its own
// connection, so scans run in parallel and one scan's cancellation interrupts only that scan.
class SqliteWarehouse final : public Warehouse {
 public:
  // Opens the warehouse file at `path`. kNotFound naming the path if the file does not exist
  // (it is never created), kInvalidArgument if it is not a SQLite database or not a regular
  // file, kPermissionDenied if it cannot be read.
  static Result<std::unique_ptr<SqliteWarehouse>> Open(const std::string& path);

  // Tables and views of the main schema, without SQLite's own sqlite_* tables.
  Result<std::vector<std::string>> ListTables() override;
  // Names match exactly (case-sensitive). kInvalidArgument naming table, column and declared
  // type if a column's declared type has no mapping (see sqlite_types.h).
  Result<TableSchema> DescribeTable(const std::string& table) override;
  // Only the selected columns need mappable types. Also kInvalidArgument for a column selected
  // twice, bounds outside years 0000..9999 or a zero batch size; kCancelled if `cancel` already
  // fired.
  Result<std::unique_ptr<BatchReader>> Scan(const ScanSpec& spec,
                                            CancellationToken* cancel) override;
  // OK while the file exists and its schema can be read; kUnavailable otherwise.
  Status Ping() override;
  const ScanGauge& scan_gauge() const override { return scans_; }

  const std::string& path() const { return path_; }

 private:
  SqliteWarehouse(std::string path, warehouse_sqlite::Connection catalog);

  const std::string path_;
  std::mutex mu_;
  warehouse_sqlite::Connection catalog_;  // guarded by mu_
  ScanGauge scans_;
};

}  // namespace de
