#include "parquet/file_writer.h"

namespace de::parquet {

RotatingFileWriter::RotatingFileWriter(Schema schema, WriterOptions options,
                                       uint64_t max_file_bytes, SinkFactory factory)
    : schema_(std::move(schema)),
      options_(std::move(options)),
      max_file_bytes_(max_file_bytes),
      factory_(std::move(factory)) {}

RotatingFileWriter::~RotatingFileWriter() { Abort(); }

Status RotatingFileWriter::Write(const Batch& batch) {
  if (closed_) return FailedPrecondition("RotatingFileWriter is closed");
  if (writer_ == nullptr) RETURN_IF_ERROR(OpenNext());
  RETURN_IF_ERROR(writer_->Write(batch));
  const uint64_t written = writer_->bytes_written();
  if (written >= max_file_bytes_ || writer_->BufferedBytesReach(max_file_bytes_ - written)) {
    RETURN_IF_ERROR(FinishCurrent());
  }
  return Status::Ok();
}

Status RotatingFileWriter::Close() {
  if (closed_) return FailedPrecondition("RotatingFileWriter is closed");
  if (writer_ == nullptr && files_.empty()) RETURN_IF_ERROR(OpenNext());
  if (writer_ != nullptr) RETURN_IF_ERROR(FinishCurrent());
  closed_ = true;
  return Status::Ok();
}

void RotatingFileWriter::Abort() {
  writer_.reset();
  if (sink_ != nullptr) {
    sink_->Abort();
    sink_.reset();
  }
}

Status RotatingFileWriter::OpenNext() {
  const int index = static_cast<int>(files_.size());
  ASSIGN_OR_RETURN(sink_, factory_(index));
  Result<std::unique_ptr<FileWriter>> writer = FileWriter::Open(schema_, options_, sink_.get());
  if (!writer.ok()) {
    Abort();
    return writer.status();
  }
  writer_ = std::move(writer).value();
  return Status::Ok();
}

Status RotatingFileWriter::FinishCurrent() {
  RETURN_IF_ERROR(writer_->Close());
  RETURN_IF_ERROR(sink_->Close());
  files_.push_back(
      FileInfo{static_cast<int>(files_.size()), writer_->bytes_written(), writer_->rows_written()});
  writer_.reset();
  sink_.reset();
  return Status::Ok();
}

}  // namespace de::parquet
