// S3UploadStream: the OutputStream behind S3ObjectStore::Put (s3_object_store.h). Bytes are cut
// into parts of `part_size`; full parts go to upload worker threads while the writer fills the
// next one, at most `parts_in_flight` at once, so a stream holds at most
// part_size × (parts_in_flight + 1) bytes. An object that fits in one part is one PutObject at
// Close(); a larger one is a multipart upload completed at Close(). A failed part, a failed
// Close(), Abort() and destroying an unclosed stream abort the multipart upload.
//
// The stream talks to S3 through MultipartTarget, a small interface for one key, so its
// concurrency and abort logic can be tested without a server (s3_upload_stream_test.cc);
// MakeS3MultipartTarget is the production target over S3Client.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/cancellation.h"
#include "common/output_stream.h"
#include "common/status.h"
#include "storage/s3/s3_client.h"

namespace de::s3 {

// The S3 operations one upload of one object makes. Implementations must allow UploadPart to
// run on several threads at once; the other calls come from the writer's thread.
class MultipartTarget {
 public:
  virtual ~MultipartTarget() = default;
  // The whole object in one request.
  virtual Status PutObject(std::string_view body) = 0;
  // Starts a multipart upload; its upload id.
  virtual Result<std::string> CreateMultipartUpload() = 0;
  // One part; its ETag. Should return kCancelled soon after `cancel` fires.
  virtual Result<std::string> UploadPart(const std::string& upload_id, int part_number,
                                         std::string_view body,
                                         const CancellationToken* cancel) = 0;
  // `parts` in part-number order.
  virtual Status CompleteMultipartUpload(const std::string& upload_id,
                                         const std::vector<CompletedPart>& parts) = 0;
  virtual Status AbortMultipartUpload(const std::string& upload_id) = 0;
  // "s3://bucket/key", for messages.
  virtual std::string Describe() const = 0;
};

// The target for `key` on `client`, which must outlive it.
std::unique_ptr<MultipartTarget> MakeS3MultipartTarget(S3Client* client, std::string key,
                                                       std::string content_type);

struct UploadStreamOptions {
  int64_t part_size = int64_t{16} << 20;  // >= 1 (S3ObjectStore enforces S3's 5 MiB..5 GiB)
  int parts_in_flight = 4;                // >= 1
};

// Not thread-safe (one writer, as OutputStream); the worker threads it owns report back under
// its mutex.
class S3UploadStream final : public OutputStream {
 public:
  // Preconditions: options in range (std::abort otherwise).
  S3UploadStream(std::unique_ptr<MultipartTarget> target, UploadStreamOptions options);
  // Aborts an unclosed stream.
  ~S3UploadStream() override;

  // Blocks while parts_in_flight parts are being uploaded and the current part is full. Returns
  // the first failure of a part (or of CreateMultipartUpload), after aborting the upload; every
  // later call returns it again. kFailedPrecondition after Close() or Abort().
  Status Write(std::string_view bytes) override;
  // PutObject when no multipart upload started (also for 0 bytes); else uploads the last part,
  // waits for all and completes the upload. On failure the upload is aborted.
  Status Close() override;
  // Cancels pending parts, joins the workers and aborts the multipart upload (once). No-op after
  // a successful Close().
  void Abort() override;
  uint64_t position() const override { return position_; }

  // Part buffers allocated so far (at most parts_in_flight + 1); for tests.
  int buffers_allocated() const;

 private:
  enum class State { kOpen, kClosed, kFailed, kAborted };
  struct Job {
    int part_number = 0;
    std::string buffer;
  };

  // OK while the stream accepts bytes; else why not (failing the stream on a part's error).
  Status CheckWritable();
  // Queues current_ as the next part (starting the multipart upload first if needed), waiting
  // for a free slot; then current_ is a free buffer, or empty for the `last` part.
  Status SubmitCurrentPart(bool last);
  std::string TakeFreeBuffer();  // requires mu_
  void WorkerLoop();
  // Records a part's outcome and recycles its buffer; false for a failure. Requires mu_.
  bool FinishJob(Job job, Result<std::string> etag);
  // Marks the stream failed with `status`, stops the workers, aborts the upload; `status`.
  Status Fail(Status status);
  // Drops queued parts and joins the workers (running parts finish or see cancel_).
  void StopWorkers();
  void AbortUpload();  // at most once
  Status CompleteUpload();

  const std::unique_ptr<MultipartTarget> target_;
  const UploadStreamOptions options_;

  // Writer-thread state.
  State state_ = State::kOpen;
  Status failure_;            // what later calls return once state_ is kFailed
  std::string current_;       // the part being filled
  std::string upload_id_;     // empty until the first full part
  int next_part_number_ = 1;  // of the next part submitted
  bool upload_aborted_ = false;
  uint64_t position_ = 0;
  std::vector<std::thread> workers_;
  CancellationToken cancel_;  // fired by Abort and by the first failed part

  mutable std::mutex mu_;
  std::condition_variable cv_;  // jobs queued, a job finished, stopping
  // Guarded by mu_:
  std::deque<Job> queue_;
  int outstanding_ = 0;  // parts queued or uploading
  bool stopping_ = false;
  Status part_error_;               // the first failed part
  std::vector<std::string> etags_;  // [part_number - 1]
  std::vector<std::string> free_buffers_;
  int buffers_allocated_ = 1;  // current_ is the first
};

}  // namespace de::s3
