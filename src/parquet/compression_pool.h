// CompressionPool: worker threads that compress pages while the file writer goes on encoding the
// next ones (WriterOptions::threads). Pages are independent, so the file's bytes do not depend on
// which thread compressed which page or when: the page writer keeps them in order and writes
// them out in order.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "common/status.h"
#include "parquet/byte_buffer.h"
#include "parquet/compression.h"

namespace de::parquet {

// One unit of work. The submitter keeps it alive until Wait returns for it.
class CompressionTask {
 public:
  virtual ~CompressionTask() = default;
  // Runs on a worker (or on the submitter, see TrySubmit) with that thread's compressor.
  virtual void Run(Compressor* compressor) = 0;

 private:
  friend class CompressionPool;
  bool done_ = false;  // guarded by the pool's mutex
};

// Thread-safe. Destruction waits for the running tasks and drops queued ones, so every task
// must have been waited for (or never submitted) before its owner frees it.
class CompressionPool {
 public:
  // `workers` >= 1 threads, each with its own compressor for `codec` at `level`.
  // Errors: those of Compressor::Make.
  static Result<std::unique_ptr<CompressionPool>> Make(Codec codec, int level, int workers);
  ~CompressionPool();
  CompressionPool(const CompressionPool&) = delete;
  CompressionPool& operator=(const CompressionPool&) = delete;

  // Queues `task` unless as many tasks as the pool keeps queued (twice its workers) are
  // waiting already; returns false then, and the caller runs the task itself. Bounding the
  // queue bounds the uncompressed pages held for it.
  bool TrySubmit(CompressionTask* task);
  // Blocks until the submitted `task` has run.
  void Wait(CompressionTask* task);

  // An empty buffer for a task's input: one given back earlier (its memory already touched, so
  // copying a page into it does not fault in fresh pages), or a new one.
  ByteBuffer TakeBuffer();
  // Keeps `buffer` for TakeBuffer, up to as many as can be in use at once; frees the rest.
  void GiveBack(ByteBuffer buffer);

 private:
  explicit CompressionPool(std::vector<std::unique_ptr<Compressor>> compressors);
  void Work(Compressor* compressor);

  std::vector<std::unique_ptr<Compressor>> compressors_;
  const size_t max_queued_;
  std::mutex mu_;
  std::condition_variable work_;
  std::condition_variable done_;
  std::deque<CompressionTask*> queue_;  // guarded by mu_
  bool stopping_ = false;               // guarded by mu_
  std::vector<ByteBuffer> buffers_;     // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace de::parquet
