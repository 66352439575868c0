#include "warehouse/sqlite/sqlite_batch_reader.h"

#include "warehouse/sqlite/sqlite_cell.h"

namespace de::warehouse_sqlite {

SqliteBatchReader::SqliteBatchReader(Options options, Connection db, Statement statement)
    : options_(std::move(options)),
      shape_(options_.table, options_.schema),
      interrupt_target_(std::make_shared<InterruptTarget>()),
      db_(std::move(db)),
      statement_(std::move(statement)) {
  interrupt_target_->db = db_.get();
  if (options_.cancel) {
    options_.cancel->OnCancel([target = interrupt_target_] {
      std::lock_guard<std::mutex> lock(target->mu);
      if (target->db) sqlite3_interrupt(target->db);
    });
  }
}

SqliteBatchReader::~SqliteBatchReader() {
  std::lock_guard<std::mutex> lock(interrupt_target_->mu);
  interrupt_target_->db = nullptr;
}

Result<bool> SqliteBatchReader::Next(Batch* batch) {
  if (!failure_.ok()) return failure_;
  RETURN_IF_ERROR(shape_.Check(*batch));
  batch->Clear();
  if (done_) return false;
  size_t rows = 0;
  while (rows < options_.batch_rows && shape_.ArenaBytes(*batch) < options_.batch_bytes) {
    Result<bool> read = ReadRow(batch);
    if (!read.ok()) {
      batch->Clear();
      return Stop(read.status());
    }
    if (!*read) break;
    ++rows;
  }
  RETURN_IF_ERROR(batch->FinishRows(rows));
  return rows > 0;
}

Result<bool> SqliteBatchReader::ReadRow(Batch* batch) {
  if (options_.cancel && options_.cancel->cancelled()) {
    return Cancelled("scan of warehouse table '{}' was cancelled", options_.table);
  }
  int rc = sqlite3_step(statement_.get());
  if (rc == SQLITE_DONE) {
    done_ = true;
    EndReadTransaction();
    return false;
  }
  if ((rc & 0xff) == SQLITE_INTERRUPT) {
    return Cancelled("scan of warehouse table '{}' was cancelled", options_.table);
  }
  if (rc != SQLITE_ROW) {
    return SqliteError(db_.get(), rc, fmt::format("scanning warehouse table '{}'", options_.table));
  }
  ++rows_read_;
  for (size_t i = 0; i < batch->num_columns(); ++i) {
    if (!AppendCell(statement_.get(), static_cast<int>(i), &batch->column(i), &problem_)) {
      return DataLoss("warehouse table '{}', column '{}', row {} of the scan: {}", options_.table,
                      options_.schema.fields[i].name, rows_read_, problem_);
    }
  }
  return true;
}

Status SqliteBatchReader::Stop(Status status) {
  failure_ = status;
  EndReadTransaction();
  return status;
}

void SqliteBatchReader::EndReadTransaction() {
  // A read transaction left open would keep writers of a rollback-journal database waiting.
  statement_.Finalize();
  sqlite3_exec(db_.get(), "COMMIT", nullptr, nullptr, nullptr);
}

}  // namespace de::warehouse_sqlite
