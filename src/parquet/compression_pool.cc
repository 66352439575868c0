#include "parquet/compression_pool.h"

namespace de::parquet {

Result<std::unique_ptr<CompressionPool>> CompressionPool::Make(Codec codec, int level,
                                                               int workers) {
  if (workers < 1) return InvalidArgument("a compression pool needs at least one worker");
  std::vector<std::unique_ptr<Compressor>> compressors;
  for (int i = 0; i < workers; ++i) {
    ASSIGN_OR_RETURN(std::unique_ptr<Compressor> compressor, Compressor::Make(codec, level));
    compressors.push_back(std::move(compressor));
  }
  return std::unique_ptr<CompressionPool>(new CompressionPool(std::move(compressors)));
}

CompressionPool::CompressionPool(std::vector<std::unique_ptr<Compressor>> compressors)
    : compressors_(std::move(compressors)), max_queued_(2 * compressors_.size()) {
  threads_.reserve(compressors_.size());
  for (auto& compressor : compressors_) {
    threads_.emplace_back([this, c = compressor.get()] { Work(c); });
  }
}

CompressionPool::~CompressionPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    queue_.clear();
  }
  work_.notify_all();
  for (std::thread& t : threads_) t.join();
}

bool CompressionPool::TrySubmit(CompressionTask* task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (queue_.size() >= max_queued_) return false;
    task->done_ = false;
    queue_.push_back(task);
  }
  work_.notify_one();
  return true;
}

void CompressionPool::Wait(CompressionTask* task) {
  std::unique_lock<std::mutex> lock(mu_);
  done_.wait(lock, [&] { return task->done_; });
}

ByteBuffer CompressionPool::TakeBuffer() {
  std::lock_guard<std::mutex> lock(mu_);
  if (buffers_.empty()) return ByteBuffer();
  ByteBuffer buffer = std::move(buffers_.back());
  buffers_.pop_back();
  return buffer;
}

void CompressionPool::GiveBack(ByteBuffer buffer) {
  buffer.Clear();
  std::lock_guard<std::mutex> lock(mu_);
  if (buffers_.size() < max_queued_ + compressors_.size()) buffers_.push_back(std::move(buffer));
}

void CompressionPool::Work(Compressor* compressor) {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    work_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    CompressionTask* task = queue_.front();
    queue_.pop_front();
    lock.unlock();
    task->Run(compressor);
    lock.lock();
    task->done_ = true;
    done_.notify_all();
  }
}

}  // namespace de::parquet
