// The BatchReader of the SQLite warehouse: steps one prepared SELECT on the scan's own connection
// and converts each value straight into the batch's columns.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/cancellation.h"
#include "warehouse/sqlite/sqlite_connection.h"
#include "warehouse/warehouse.h"

namespace de::warehouse_sqlite {

// Not thread-safe (one consumer), except that the cancellation token may fire from any thread:
// it interrupts the statement through sqlite3_interrupt, even after the reader is gone.
class SqliteBatchReader final : public BatchReader {
 public:
  struct Options {
    std::string table;  // for error messages
    Schema schema;      // one field per result column of `statement`
    size_t batch_rows = 0;
    size_t batch_bytes = 0;
    CancellationToken* cancel = nullptr;  // may be null; must outlive the reader
  };

  // Takes the scan's connection, inside the read transaction the statement was planned in, and
  // its prepared, bound statement. The transaction ends at the end of the result or an error.
  SqliteBatchReader(Options options, Connection db, Statement statement);
  ~SqliteBatchReader() override;

  const Schema& schema() const override { return options_.schema; }
  // Errors: kCancelled, kDataLoss naming table, column and the row's 1-based position in the
  // scan, kUnavailable when the file cannot be read (busy, I/O), kInvalidArgument for a batch
  // of another width. After an error every further call returns the same error.
  Result<bool> Next(Batch* batch) override;

 private:
  // What the cancellation callback reaches; outlives the reader if the token does.
  struct InterruptTarget {
    std::mutex mu;
    sqlite3* db = nullptr;  // guarded by mu; null once the reader is gone
  };

  // Steps to the next row and appends it; false at the end of the result.
  Result<bool> ReadRow(Batch* batch);
  Status Stop(Status status);
  void EndReadTransaction();

  const Options options_;
  const BatchShape shape_;
  std::shared_ptr<InterruptTarget> interrupt_target_;
  Connection db_;  // declared before statement_: finalize first, then close
  Statement statement_;
  uint64_t rows_read_ = 0;  // rows stepped so far: the 1-based position of the current row
  bool done_ = false;
  Status failure_;       // first error; repeated by every later Next
  std::string problem_;  // scratch for AppendCell's failure description
};

}  // namespace de::warehouse_sqlite
