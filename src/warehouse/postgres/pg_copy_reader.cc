#include "warehouse/postgres/pg_copy_reader.h"

namespace de::warehouse_pg {

using pg::CommandError;
namespace {

struct CopyBufferFree {
  void operator()(char* buffer) const { PQfreemem(buffer); }
};

}  // namespace

CopyReader::CopyReader(Options options, Conn conn, CopyBinaryDecoder decoder)
    : options_(std::move(options)),
      shape_(options_.table, options_.schema),
      conn_(std::move(conn)),
      canceller_(conn_.get(), options_.cancel),
      decoder_(std::move(decoder)) {}

CopyReader::~CopyReader() {
  // A COPY still running would go on reading (and sorting) until the server notices the closed
  // socket; ask it to stop now.
  if (copy_running_) canceller_.CancelNow();
}

Result<bool> CopyReader::Next(Batch* batch) {
  if (!failure_.ok()) return failure_;
  RETURN_IF_ERROR(shape_.Check(*batch));
  batch->Clear();
  if (done_) return false;
  while (batch->num_rows() < options_.batch_rows &&
         shape_.ArenaBytes(*batch) < options_.batch_bytes) {
    Result<bool> read = ReadChunk(batch);
    if (!read.ok()) {
      batch->Clear();
      return Stop(read.status());
    }
    if (!*read) break;
  }
  return batch->num_rows() > 0;
}

Result<bool> CopyReader::ReadChunk(Batch* batch) {
  if (cancelled()) return Cancelled("scan of warehouse table '{}' was cancelled", options_.table);
  if (!started_) {
    RETURN_IF_ERROR(StartCopy());
    started_ = true;
    if (cancelled()) return Cancelled("scan of warehouse table '{}' was cancelled", options_.table);
  }
  char* raw = nullptr;
  int size = PQgetCopyData(conn_.get(), &raw, /*async=*/0);
  std::unique_ptr<char, CopyBufferFree> buffer(raw);
  if (size > 0) {
    Result<size_t> rows = decoder_.Feed({buffer.get(), static_cast<size_t>(size)}, batch);
    RETURN_IF_ERROR(rows.status());
    return true;
  }
  copy_running_ = false;
  if (size == -1) {
    RETURN_IF_ERROR(FinishCopy());
    done_ = true;
    return false;
  }
  // -2: the COPY failed (server error, cancel, timeout) or the connection broke.
  PgResult result(PQgetResult(conn_.get()));
  return CommandError(conn_.get(), result.get(),
                      fmt::format("scan of warehouse table '{}'", options_.table), cancelled());
}

Status CopyReader::StartCopy() {
  PgResult result(PQgetResult(conn_.get()));
  if (result && PQresultStatus(result.get()) == PGRES_COPY_OUT) return Status::Ok();
  copy_running_ = false;
  Status status =
      CommandError(conn_.get(), result.get(),
                   fmt::format("scan of warehouse table '{}'", options_.table), cancelled());
  while (PgResult(PQgetResult(conn_.get()))) {
  }
  return status;
}

Status CopyReader::FinishCopy() {
  std::string what = fmt::format("scan of warehouse table '{}'", options_.table);
  PgResult result(PQgetResult(conn_.get()));
  if (!result || PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
    return CommandError(conn_.get(), result.get(), what, cancelled());
  }
  while (PgResult(PQgetResult(conn_.get()))) {
  }
  return decoder_.Finish();
}

Status CopyReader::Stop(Status status) {
  failure_ = status;
  return status;
}

}  // namespace de::warehouse_pg
