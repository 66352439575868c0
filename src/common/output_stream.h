// OutputStream: a byte sink that is written sequentially and then either closed (made durable
// and visible) or aborted (discarded). Implemented by object-store writers (local files, S3
// multipart uploads) and by in-memory and file sinks for tests and benchmarks.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace de {

// Not thread-safe: one writer at a time.
class OutputStream {
 public:
  virtual ~OutputStream() = default;

  // Appends bytes. After an error the stream can only be aborted.
  virtual Status Write(std::string_view bytes) = 0;
  // Finishes the stream: after OK the bytes are durable and visible to readers under the
  // stream's name. Called at most once.
  virtual Status Close() = 0;
  // Discards everything written; nothing becomes visible. Safe to call after a failed Close and
  // more than once. Destroying an unclosed stream aborts it.
  virtual void Abort() = 0;
  // Bytes accepted so far.
  virtual uint64_t position() const = 0;
};

// Collects everything in memory. Close() and Abort() only mark the state.
class StringOutputStream final : public OutputStream {
 public:
  Status Write(std::string_view bytes) override {
    data_.append(bytes);
    return Status::Ok();
  }
  Status Close() override {
    closed_ = true;
    return Status::Ok();
  }
  void Abort() override { data_.clear(); }
  uint64_t position() const override { return data_.size(); }

  const std::string& data() const { return data_; }
  bool closed() const { return closed_; }

 private:
  std::string data_;
  bool closed_ = false;
};

// Writes a file at `path` through a temporary sibling that is renamed into place on Close();
// the parent directory must exist.
Result<std::unique_ptr<OutputStream>> OpenFileOutputStream(const std::string& path);

}  // namespace de
