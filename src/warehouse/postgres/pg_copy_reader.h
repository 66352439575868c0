// The BatchReader of the PostgreSQL warehouse's COPY path: pulls the chunks of a running
// `COPY … TO STDOUT (FORMAT binary)` from the scan's own connection (PQgetCopyData, blocking)
// into a CopyBinaryDecoder, which decodes them straight into the batch's columns.
#pragma once

#include <memory>
#include <string>

#include "common/cancellation.h"
#include "postgres/pg_session.h"
#include "warehouse/postgres/copy_binary_decoder.h"
#include "warehouse/postgres/pg_query_canceller.h"
#include "warehouse/warehouse.h"

namespace de::warehouse_pg {

using pg::Conn;
using pg::PgResult;

// Not thread-safe (one consumer), except that the cancellation token may fire from any thread:
// it sends a cancel request (PQcancel) for the running COPY, even after the reader is gone
// (then it does nothing).
//
// A batch is handed out once it holds batch_rows rows or its string arenas pass batch_bytes.
// PostgreSQL sends one row per CopyData message, so batches hold exactly batch_rows rows except
// the last; a message carrying several rows would be appended whole.
class CopyReader final : public BatchReader {
 public:
  struct Options {
    std::string table;  // for error messages
    Schema schema;      // one field per decoder column
    size_t batch_rows = 0;
    size_t batch_bytes = 0;
    CancellationToken* cancel = nullptr;  // may be null; must outlive the reader
  };

  // Takes a connection on which the COPY was sent (PQsendQueryParams) and the decoder for its
  // columns. Registers the cancellation callback.
  CopyReader(Options options, Conn conn, CopyBinaryDecoder decoder);
  // Cancels a COPY that has not ended yet, then closes the connection.
  ~CopyReader() override;

  const Schema& schema() const override { return options_.schema; }
  // Errors: kCancelled after the token fired; kUnavailable when the connection is lost (a
  // transient error: the scan may be retried); kDeadlineExceeded after statement_timeout;
  // kDataLoss for a value that does not fit (names table, column and row); kInvalidArgument for
  // a batch of another width. After an error every further call returns the same error.
  Result<bool> Next(Batch* batch) override;

 private:
  // Waits for the COPY to start (the server answers with its first rows or its error).
  Status StartCopy();
  // Reads one chunk into `batch`; false at the end of the COPY.
  Result<bool> ReadChunk(Batch* batch);
  // The end of the COPY: the decoder saw the trailer and the command succeeded.
  Status FinishCopy();
  Status Stop(Status status);
  bool cancelled() const { return options_.cancel && options_.cancel->cancelled(); }

  const Options options_;
  const BatchShape shape_;
  Conn conn_;
  QueryCanceller canceller_;
  CopyBinaryDecoder decoder_;
  bool started_ = false;      // StartCopy succeeded
  bool copy_running_ = true;  // until PQgetCopyData reports the end or an error
  bool done_ = false;
  Status failure_;  // first error; repeated by every later Next
};

}  // namespace de::warehouse_pg
