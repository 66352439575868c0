// Warehouse: where exported tables come from (DESIGN.md §5). Backends: sqlite/ (embedded
// default) and, next, postgres/ (binary COPY; Redshift through a cursor).
//
// Scans are described structurally (ScanSpec), never as SQL text: each backend renders its own
// SQL with quoted, catalog-checked identifiers and bound values, so nothing from a request or a
// policy file is ever pasted into a query.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "columnar/column_vector.h"
#include "common/cancellation.h"
#include "common/status.h"

namespace de {

// A column as the warehouse declares it, mapped to a columnar type.
struct WarehouseColumn {
  std::string name;
  std::string declared_type;  // as the warehouse spells it, e.g. "NUMERIC(12,2)"
  DataType type;
  bool nullable = true;
};

struct TableSchema {
  std::string table;
  std::vector<WarehouseColumn> columns;

  // Index of the column called `name`, or -1.
  int ColumnIndex(std::string_view name) const;
  Schema ToSchema() const;
};

// Half-open time range [start, end) in microseconds since the Unix epoch (UTC), applied to one
// timestamp column.
struct TimeFilter {
  std::string column;
  int64_t start_us = 0;
  int64_t end_us = 0;
};

// Keeps rows whose `column` (a string column) is one of `values` (or, with negate, none of them).
struct InListFilter {
  std::string column;
  std::vector<std::string> values;
  bool negate = false;
};

struct ScanSpec {
  std::string table;
  // Columns to select, in this order; must exist in the table. Empty selects no column (rows are
  // still counted).
  std::vector<std::string> columns;
  std::optional<TimeFilter> time_filter;
  std::vector<InListFilter> in_filters;
  // Column to sort by (typically the time column), or empty for the warehouse's order.
  std::string order_by;
  // A batch is handed out when it holds batch_rows rows or its string arenas pass batch_bytes.
  size_t batch_rows = 65536;
  size_t batch_bytes = size_t{64} << 20;
};

// Streams the result of one scan. Not thread-safe; one consumer.
class BatchReader {
 public:
  virtual ~BatchReader() = default;
  // The schema of every batch: the selected columns, in ScanSpec order.
  virtual const Schema& schema() const = 0;
  // Refills `batch` (created with schema()) with the next rows. Returns false at the end of the
  // result. Errors: kCancelled after the token fired, kDataLoss for a value that does not fit
  // its declared type (the message names table, column and row), kUnavailable for a lost
  // connection.
  virtual Result<bool> Next(Batch* batch) = 0;
};

// --- shared by the backends ---

// `name` as a double-quoted SQL identifier, embedded quotes doubled (SQLite and PostgreSQL read
// it the same way). Backends quote only names they found in their catalog first.
std::string QuoteSqlIdentifier(std::string_view name);

// What a BatchReader checks and measures of the batches it fills for one scan.
class BatchShape {
 public:
  BatchShape(std::string table, const Schema& schema);
  // kInvalidArgument naming the table unless `batch` has the scan's number of columns.
  Status Check(const Batch& batch) const;
  // Bytes in the string arenas of `batch`, to cut batches at ScanSpec::batch_bytes.
  size_t ArenaBytes(const Batch& batch) const;

 private:
  std::string table_;
  size_t columns_;
  std::vector<size_t> variable_width_;  // indexes of string/json/binary columns
};

// Counts a backend's open scans (readers not yet destroyed) and the most open at once, so the
// concurrency limit can be checked where it matters and shown in /metrics. Thread-safe.
class ScanGauge {
 public:
  ScanGauge();
  // Wraps `reader` so that it counts as open until it is destroyed. The gauge may die first.
  std::unique_ptr<BatchReader> Track(std::unique_ptr<BatchReader> reader) const;
  size_t open() const;
  size_t peak() const;
  void ResetPeak() const;

  struct Counts;  // shared with the readers it tracks

 private:
  std::shared_ptr<Counts> counts_;
};

// Thread-safe: every method may be called from several threads; each scan uses its own
// connection or statement.
class Warehouse {
 public:
  virtual ~Warehouse() = default;

  // Tables the warehouse holds, sorted by name.
  virtual Result<std::vector<std::string>> ListTables() = 0;
  // Columns of `table` in declaration order; kNotFound if there is no such table. Columns whose
  // type cannot be mapped come back as an error naming table and column.
  virtual Result<TableSchema> DescribeTable(const std::string& table) = 0;
  // Starts a scan. kNotFound for an unknown table or column, kInvalidArgument for a filter on a
  // column of the wrong type. `cancel`, if given, must outlive the reader; firing it interrupts
  // a running query.
  virtual Result<std::unique_ptr<BatchReader>> Scan(const ScanSpec& spec,
                                                    CancellationToken* cancel) = 0;
  // Cheap reachability check for readiness probes.
  virtual Status Ping() = 0;
  // Scans open right now, and the most open at once.
  virtual const ScanGauge& scan_gauge() const = 0;
};

}  // namespace de
