#include "storage/s3/s3_upload_stream.h"

#include <algorithm>
#include <cstdlib>
#include <utility>

#include <spdlog/spdlog.h>

namespace de::s3 {
namespace {

// MultipartTarget over S3Client for one key.
class S3MultipartTarget final : public MultipartTarget {
 public:
  S3MultipartTarget(S3Client* client, std::string key, std::string content_type)
      : client_(client), key_(std::move(key)), content_type_(std::move(content_type)) {}

  Status PutObject(std::string_view body) override {
    return client_->PutObject(key_, body, content_type_).status();
  }
  Result<std::string> CreateMultipartUpload() override {
    return client_->CreateMultipartUpload(key_, content_type_);
  }
  Result<std::string> UploadPart(const std::string& upload_id, int part_number,
                                 std::string_view body, const CancellationToken* cancel) override {
    return client_->UploadPart(key_, upload_id, part_number, body, cancel);
  }
  Status CompleteMultipartUpload(const std::string& upload_id,
                                 const std::vector<CompletedPart>& parts) override {
    return client_->CompleteMultipartUpload(key_, upload_id, parts);
  }
  Status AbortMultipartUpload(const std::string& upload_id) override {
    return client_->AbortMultipartUpload(key_, upload_id);
  }
  std::string Describe() const override { return client_->Describe(key_); }

 private:
  S3Client* const client_;
  const std::string key_;
  const std::string content_type_;
};

}  // namespace

std::unique_ptr<MultipartTarget> MakeS3MultipartTarget(S3Client* client, std::string key,
                                                       std::string content_type) {
  return std::make_unique<S3MultipartTarget>(client, std::move(key), std::move(content_type));
}

S3UploadStream::S3UploadStream(std::unique_ptr<MultipartTarget> target, UploadStreamOptions options)
    : target_(std::move(target)), options_(options) {
  if (target_ == nullptr || options_.part_size < 1 || options_.parts_in_flight < 1) std::abort();
}

S3UploadStream::~S3UploadStream() {
  Abort();
  StopWorkers();
}

int S3UploadStream::buffers_allocated() const {
  std::lock_guard<std::mutex> lock(mu_);
  return buffers_allocated_;
}

Status S3UploadStream::Write(std::string_view bytes) {
  RETURN_IF_ERROR(CheckWritable());
  const size_t part_size = static_cast<size_t>(options_.part_size);
  while (!bytes.empty()) {
    // A full part is sent only once more bytes arrive, so an object of exactly one part is
    // still a single PUT.
    if (current_.size() == part_size) RETURN_IF_ERROR(SubmitCurrentPart(/*last=*/false));
    const size_t n = std::min(bytes.size(), part_size - current_.size());
    if (current_.capacity() < current_.size() + n) {
      // Grow geometrically, but never past one part.
      current_.reserve(std::min(part_size, std::max(current_.size() + n, 2 * current_.capacity())));
    }
    current_.append(bytes.substr(0, n));
    bytes.remove_prefix(n);
    position_ += n;
  }
  return Status::Ok();
}

Status S3UploadStream::Close() {
  RETURN_IF_ERROR(CheckWritable());
  if (upload_id_.empty()) {
    Status put = target_->PutObject(current_);
    if (!put.ok()) return Fail(std::move(put));
    state_ = State::kClosed;
    current_ = std::string();
    return Status::Ok();
  }
  if (!current_.empty()) RETURN_IF_ERROR(SubmitCurrentPart(/*last=*/true));
  {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return outstanding_ == 0 || !part_error_.ok(); });
  }
  RETURN_IF_ERROR(CheckWritable());
  StopWorkers();
  RETURN_IF_ERROR(CompleteUpload());
  state_ = State::kClosed;
  return Status::Ok();
}

void S3UploadStream::Abort() {
  if (state_ != State::kOpen) return;  // closed, already aborted, or aborted when it failed
  state_ = State::kAborted;
  cancel_.Cancel();
  StopWorkers();
  AbortUpload();
  current_ = std::string();
}

Status S3UploadStream::CheckWritable() {
  switch (state_) {
    case State::kOpen:
      break;
    case State::kFailed:
      return failure_;
    case State::kClosed:
      return FailedPrecondition("upload of {} is already closed", target_->Describe());
    case State::kAborted:
      return FailedPrecondition("upload of {} was aborted", target_->Describe());
  }
  Status part_error;
  {
    std::lock_guard<std::mutex> lock(mu_);
    part_error = part_error_;
  }
  if (!part_error.ok()) return Fail(std::move(part_error));
  return Status::Ok();
}

Status S3UploadStream::SubmitCurrentPart(bool last) {
  if (upload_id_.empty()) {
    Result<std::string> upload_id = target_->CreateMultipartUpload();
    if (!upload_id.ok()) return Fail(upload_id.status());
    upload_id_ = std::move(upload_id).value();
  }
  {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return outstanding_ < options_.parts_in_flight || !part_error_.ok(); });
    if (!part_error_.ok()) {
      Status error = part_error_;
      lock.unlock();
      return Fail(std::move(error));
    }
    queue_.push_back(Job{next_part_number_++, std::move(current_)});
    ++outstanding_;
    current_ = std::string();
    if (!last) current_ = TakeFreeBuffer();
  }
  cv_.notify_all();
  if (workers_.size() < static_cast<size_t>(options_.parts_in_flight)) {
    workers_.emplace_back([this] { WorkerLoop(); });
  }
  return Status::Ok();
}

std::string S3UploadStream::TakeFreeBuffer() {
  if (!free_buffers_.empty()) {
    std::string buffer = std::move(free_buffers_.back());
    free_buffers_.pop_back();
    return buffer;
  }
  ++buffers_allocated_;
  std::string buffer;
  buffer.reserve(static_cast<size_t>(options_.part_size));
  return buffer;
}

void S3UploadStream::WorkerLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, nothing left
    Job job = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    Result<std::string> etag =
        cancel_.cancelled()
            ? Result<std::string>(Cancelled("upload of {} was cancelled", target_->Describe()))
            : target_->UploadPart(upload_id_, job.part_number, job.buffer, &cancel_);
    lock.lock();
    if (!FinishJob(std::move(job), std::move(etag))) {
      // The first failure: stop the other parts early. Cancel runs callbacks, so not under mu_.
      lock.unlock();
      cancel_.Cancel();
      lock.lock();
    }
  }
}

bool S3UploadStream::FinishJob(Job job, Result<std::string> etag) {
  bool ok = etag.ok();
  if (ok) {
    if (etags_.size() < static_cast<size_t>(job.part_number)) etags_.resize(job.part_number);
    etags_[job.part_number - 1] = std::move(etag).value();
  } else if (part_error_.ok()) {
    part_error_ = etag.status().WithContext(fmt::format("part {}", job.part_number));
  }
  job.buffer.clear();  // keeps its capacity for the next part
  free_buffers_.push_back(std::move(job.buffer));
  --outstanding_;
  cv_.notify_all();
  return ok;
}

Status S3UploadStream::Fail(Status status) {
  state_ = State::kFailed;
  failure_ = status;
  cancel_.Cancel();
  StopWorkers();
  AbortUpload();
  current_ = std::string();
  return status;
}

void S3UploadStream::StopWorkers() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    outstanding_ -= static_cast<int>(queue_.size());
    queue_.clear();
    stopping_ = true;
  }
  cv_.notify_all();
  for (std::thread& worker : workers_) worker.join();
  workers_.clear();
  std::lock_guard<std::mutex> lock(mu_);
  free_buffers_.clear();
}

void S3UploadStream::AbortUpload() {
  if (upload_id_.empty() || upload_aborted_) return;
  upload_aborted_ = true;
  Status status = target_->AbortMultipartUpload(upload_id_);
  if (!status.ok()) {
    spdlog::warn(
        "aborting the multipart upload of {} failed (parts may remain until a "
        "lifecycle rule removes them): {}",
        target_->Describe(), status.ToString());
  }
}

Status S3UploadStream::CompleteUpload() {
  std::vector<CompletedPart> parts;
  parts.reserve(next_part_number_ - 1);
  for (int number = 1; number < next_part_number_; ++number) {
    parts.push_back(CompletedPart{number, etags_[number - 1]});
  }
  Status status = target_->CompleteMultipartUpload(upload_id_, parts);
  if (!status.ok()) return Fail(std::move(status));
  return Status::Ok();
}

}  // namespace de::s3
