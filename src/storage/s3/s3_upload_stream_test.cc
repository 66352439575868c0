#include "storage/s3/s3_upload_stream.h"

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace de::s3 {
namespace {

// An in-process MultipartTarget that records every call. UploadPart can be held at a gate
// (until OpenGate() or cancellation) and made to fail for one part number.
class RecordingTarget final : public MultipartTarget {
 public:
  struct Calls {
    std::vector<std::string> puts;
    int creates = 0;
    std::map<int, std::string> parts;  // part number → body
    std::vector<std::vector<CompletedPart>> completes;
    int aborts = 0;
    int active_uploads = 0;
    int max_active_uploads = 0;
    int cancelled_uploads = 0;
    std::set<const char*> part_buffers;  // distinct body addresses seen
  };

  explicit RecordingTarget(bool gated = false) : gate_open_(!gated) {}

  Status PutObject(std::string_view body) override {
    std::lock_guard<std::mutex> lock(mu_);
    calls_.puts.emplace_back(body);
    return Status::Ok();
  }
  Result<std::string> CreateMultipartUpload() override {
    std::lock_guard<std::mutex> lock(mu_);
    ++calls_.creates;
    return std::string("upload-1");
  }
  Result<std::string> UploadPart(const std::string& upload_id, int part_number,
                                 std::string_view body, const CancellationToken* cancel) override {
    EXPECT_EQ(upload_id, "upload-1");
    std::unique_lock<std::mutex> lock(mu_);
    ++calls_.active_uploads;
    calls_.max_active_uploads = std::max(calls_.max_active_uploads, calls_.active_uploads);
    calls_.part_buffers.insert(body.data());
    cv_.notify_all();
    // The token is const here (as libcurl's progress callback sees it), so poll it.
    while (!cv_.wait_for(lock, std::chrono::milliseconds(2),
                         [&] { return gate_open_ || cancel->cancelled(); })) {
    }
    --calls_.active_uploads;
    cv_.notify_all();
    if (cancel->cancelled()) {
      ++calls_.cancelled_uploads;
      return Cancelled("part {} cancelled", part_number);
    }
    if (part_number == fail_part_) return Unavailable("injected failure of part {}", part_number);
    calls_.parts[part_number] = std::string(body);
    return "etag-" + std::to_string(part_number);
  }
  Status CompleteMultipartUpload(const std::string& upload_id,
                                 const std::vector<CompletedPart>& parts) override {
    EXPECT_EQ(upload_id, "upload-1");
    std::lock_guard<std::mutex> lock(mu_);
    calls_.completes.push_back(parts);
    return Status::Ok();
  }
  Status AbortMultipartUpload(const std::string& upload_id) override {
    EXPECT_EQ(upload_id, "upload-1");
    std::lock_guard<std::mutex> lock(mu_);
    ++calls_.aborts;
    return Status::Ok();
  }
  std::string Describe() const override { return "s3://bucket/key"; }

  void FailPart(int part_number) {
    std::lock_guard<std::mutex> lock(mu_);
    fail_part_ = part_number;
  }
  void OpenGate() {
    std::lock_guard<std::mutex> lock(mu_);
    gate_open_ = true;
    cv_.notify_all();
  }
  // Waits until `n` uploads are held at the gate; false after 60 s (a hang, not a timing test).
  bool WaitForActiveUploads(int n) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(60), [&] { return calls_.active_uploads == n; });
  }
  Calls calls() {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool gate_open_;
  int fail_part_ = 0;
  Calls calls_;
};

// The bytes 0, 1, 2, ... (mod 251), so misplaced bytes show.
std::string Pattern(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>(i % 251);
  return s;
}

// Writes `data` in chunks of 1, 2, 3, ... bytes (cycling to 1 after 13).
Status WriteInOddChunks(OutputStream& stream, std::string_view data) {
  size_t chunk = 1;
  while (!data.empty()) {
    size_t n = std::min(chunk, data.size());
    RETURN_IF_ERROR(stream.Write(data.substr(0, n)));
    data.remove_prefix(n);
    chunk = chunk % 13 + 1;
  }
  return Status::Ok();
}

// Hands every call to a RecordingTarget that outlives the stream (the stream owns its target).
class ForwardingTarget final : public MultipartTarget {
 public:
  explicit ForwardingTarget(std::shared_ptr<RecordingTarget> target) : target_(std::move(target)) {}
  Status PutObject(std::string_view body) override { return target_->PutObject(body); }
  Result<std::string> CreateMultipartUpload() override { return target_->CreateMultipartUpload(); }
  Result<std::string> UploadPart(const std::string& upload_id, int part_number,
                                 std::string_view body, const CancellationToken* cancel) override {
    return target_->UploadPart(upload_id, part_number, body, cancel);
  }
  Status CompleteMultipartUpload(const std::string& upload_id,
                                 const std::vector<CompletedPart>& parts) override {
    return target_->CompleteMultipartUpload(upload_id, parts);
  }
  Status AbortMultipartUpload(const std::string& upload_id) override {
    return target_->AbortMultipartUpload(upload_id);
  }
  std::string Describe() const override { return target_->Describe(); }

 private:
  std::shared_ptr<RecordingTarget> target_;
};

struct Fixture {
  explicit Fixture(int64_t part_size, int parts_in_flight, bool gated = false)
      : target(std::make_shared<RecordingTarget>(gated)),
        stream(std::make_unique<S3UploadStream>(std::make_unique<ForwardingTarget>(target),
                                                UploadStreamOptions{part_size, parts_in_flight})) {}
  std::shared_ptr<RecordingTarget> target;
  std::unique_ptr<S3UploadStream> stream;
};

TEST(S3UploadStreamTest, CutsPartsAtExactBoundariesAndCompletesInOrder) {
  Fixture f(10, 2);
  const std::string data = Pattern(35);
  ASSERT_TRUE(WriteInOddChunks(*f.stream, data).ok());
  EXPECT_EQ(f.stream->position(), 35u);
  ASSERT_TRUE(f.stream->Close().ok());

  RecordingTarget::Calls calls = f.target->calls();
  EXPECT_EQ(calls.creates, 1);
  EXPECT_TRUE(calls.puts.empty());
  ASSERT_EQ(calls.parts.size(), 4u);
  EXPECT_EQ(calls.parts[1], data.substr(0, 10));
  EXPECT_EQ(calls.parts[2], data.substr(10, 10));
  EXPECT_EQ(calls.parts[3], data.substr(20, 10));
  EXPECT_EQ(calls.parts[4], data.substr(30, 5));
  ASSERT_EQ(calls.completes.size(), 1u);
  const std::vector<CompletedPart>& completed = calls.completes[0];
  ASSERT_EQ(completed.size(), 4u);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(completed[i].part_number, i + 1);
    EXPECT_EQ(completed[i].etag, "etag-" + std::to_string(i + 1));
  }
  EXPECT_EQ(calls.aborts, 0);
}

TEST(S3UploadStreamTest, ExactMultipleOfPartSizeEndsWithAFullPart) {
  Fixture f(8, 3);
  const std::string data = Pattern(24);
  ASSERT_TRUE(f.stream->Write(data).ok());
  ASSERT_TRUE(f.stream->Close().ok());
  RecordingTarget::Calls calls = f.target->calls();
  ASSERT_EQ(calls.parts.size(), 3u);
  EXPECT_EQ(calls.parts[3], data.substr(16, 8));
  ASSERT_EQ(calls.completes.size(), 1u);
  EXPECT_EQ(calls.completes[0].size(), 3u);
}

TEST(S3UploadStreamTest, SmallObjectIsASinglePut) {
  Fixture f(10, 2);
  ASSERT_TRUE(f.stream->Write("hello").ok());
  ASSERT_TRUE(f.stream->Write(" you").ok());
  EXPECT_EQ(f.stream->position(), 9u);
  ASSERT_TRUE(f.stream->Close().ok());
  RecordingTarget::Calls calls = f.target->calls();
  ASSERT_EQ(calls.puts.size(), 1u);
  EXPECT_EQ(calls.puts[0], "hello you");
  EXPECT_EQ(calls.creates, 0);
  EXPECT_TRUE(calls.parts.empty());
  EXPECT_EQ(calls.aborts, 0);
}

TEST(S3UploadStreamTest, ObjectOfOnePartIsASinglePut) {
  Fixture f(10, 2);
  const std::string data = Pattern(10);
  ASSERT_TRUE(WriteInOddChunks(*f.stream, data).ok());
  ASSERT_TRUE(f.stream->Close().ok());
  RecordingTarget::Calls calls = f.target->calls();
  ASSERT_EQ(calls.puts.size(), 1u);
  EXPECT_EQ(calls.puts[0], data);
  EXPECT_EQ(calls.creates, 0);
  EXPECT_TRUE(calls.parts.empty());
  EXPECT_TRUE(calls.completes.empty());
  EXPECT_EQ(calls.aborts, 0);
}

TEST(S3UploadStreamTest, EmptyObjectIsASinglePutOfZeroBytes) {
  Fixture f(10, 2);
  ASSERT_TRUE(f.stream->Close().ok());
  RecordingTarget::Calls calls = f.target->calls();
  ASSERT_EQ(calls.puts.size(), 1u);
  EXPECT_EQ(calls.puts[0], "");
  EXPECT_EQ(calls.creates, 0);
  EXPECT_EQ(f.stream->position(), 0u);
}

TEST(S3UploadStreamTest, NeverMoreThanPartsInFlightUploadsAndBoundedBuffers) {
  Fixture f(16, 3, /*gated=*/true);
  const std::string data = Pattern(16 * 12 + 7);
  Status write_status;
  std::thread writer([&] {
    write_status = WriteInOddChunks(*f.stream, data);
    if (write_status.ok()) write_status = f.stream->Close();
  });
  // With every upload held, the writer fills three parts, hands them out, fills a fourth and
  // blocks: three uploads at once and four buffers.
  ASSERT_TRUE(f.target->WaitForActiveUploads(3));
  EXPECT_LE(f.stream->buffers_allocated(), 4);
  f.target->OpenGate();
  writer.join();
  ASSERT_TRUE(write_status.ok()) << write_status.ToString();

  RecordingTarget::Calls calls = f.target->calls();
  EXPECT_EQ(calls.max_active_uploads, 3);
  EXPECT_EQ(f.stream->buffers_allocated(), 4);
  EXPECT_LE(calls.part_buffers.size(), 4u);  // buffers are reused, not reallocated
  ASSERT_EQ(calls.parts.size(), 13u);
  std::string joined;
  for (const auto& [number, body] : calls.parts) joined += body;
  EXPECT_EQ(joined, data);
  ASSERT_EQ(calls.completes.size(), 1u);
  EXPECT_EQ(calls.completes[0].size(), 13u);
  EXPECT_EQ(calls.completes[0].back().part_number, 13);
}

TEST(S3UploadStreamTest, OnePartInFlightUploadsSequentially) {
  Fixture f(4, 1);
  const std::string data = Pattern(4 * 9 + 1);
  ASSERT_TRUE(WriteInOddChunks(*f.stream, data).ok());
  ASSERT_TRUE(f.stream->Close().ok());
  RecordingTarget::Calls calls = f.target->calls();
  EXPECT_EQ(calls.max_active_uploads, 1);
  EXPECT_EQ(f.stream->buffers_allocated(), 2);
  ASSERT_EQ(calls.parts.size(), 10u);
  EXPECT_EQ(calls.parts[10], data.substr(36, 1));
}

TEST(S3UploadStreamTest, FailedPartFailsCloseAndAbortsOnce) {
  Fixture f(10, 2);
  f.target->FailPart(2);
  const std::string data = Pattern(10 * 6 + 3);
  Status status = WriteInOddChunks(*f.stream, data);
  // The failure surfaces at a later Write or at Close, never as a success.
  if (status.ok()) status = f.stream->Close();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
  EXPECT_NE(status.message().find("injected failure of part 2"), std::string::npos)
      << status.message();
  EXPECT_FALSE(f.stream->Close().ok());
  f.stream->Abort();
  f.stream.reset();

  RecordingTarget::Calls calls = f.target->calls();
  EXPECT_EQ(calls.aborts, 1);
  EXPECT_TRUE(calls.completes.empty());
  EXPECT_TRUE(calls.puts.empty());
  EXPECT_EQ(calls.active_uploads, 0);
}

TEST(S3UploadStreamTest, WriteAfterPartFailureFails) {
  Fixture f(10, 1);
  f.target->FailPart(1);
  ASSERT_TRUE(f.stream->Write(Pattern(15)).ok());  // part 1 handed out, 5 bytes buffered
  // Part 1 fails on the worker; the second part cannot start until that is known, so this
  // Write (which completes part 2 and needs a slot) reports it.
  Status status = f.stream->Write(Pattern(10));
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
  Status again = f.stream->Write("x");
  EXPECT_EQ(again.code(), StatusCode::kUnavailable);
  EXPECT_EQ(again.message(), status.message());
  EXPECT_EQ(f.stream->Close().code(), StatusCode::kUnavailable);
  RecordingTarget::Calls calls = f.target->calls();
  EXPECT_EQ(calls.aborts, 1);
  EXPECT_TRUE(calls.completes.empty());
}

TEST(S3UploadStreamTest, AbortMidwayCancelsPartsAndAbortsUpload) {
  Fixture f(10, 2, /*gated=*/true);
  ASSERT_TRUE(f.stream->Write(Pattern(25)).ok());  // parts 1 and 2 held, 5 bytes buffered
  ASSERT_TRUE(f.target->WaitForActiveUploads(2));
  f.stream->Abort();
  RecordingTarget::Calls calls = f.target->calls();
  EXPECT_EQ(calls.active_uploads, 0);  // workers joined
  EXPECT_EQ(calls.cancelled_uploads, 2);
  EXPECT_EQ(calls.aborts, 1);
  EXPECT_TRUE(calls.completes.empty());
  EXPECT_TRUE(calls.puts.empty());

  f.stream->Abort();
  EXPECT_EQ(f.stream->Write("x").code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(f.stream->Close().code(), StatusCode::kFailedPrecondition);
  f.stream.reset();
  EXPECT_EQ(f.target->calls().aborts, 1);
}

TEST(S3UploadStreamTest, DestroyingAnUnclosedStreamAbortsIt) {
  Fixture f(10, 3, /*gated=*/true);
  ASSERT_TRUE(f.stream->Write(Pattern(31)).ok());
  ASSERT_TRUE(f.target->WaitForActiveUploads(3));
  f.stream.reset();
  RecordingTarget::Calls calls = f.target->calls();
  EXPECT_EQ(calls.active_uploads, 0);
  EXPECT_EQ(calls.cancelled_uploads, 3);
  EXPECT_EQ(calls.aborts, 1);
  EXPECT_TRUE(calls.completes.empty());
}

TEST(S3UploadStreamTest, DestroyingASmallUnclosedStreamSendsNothing) {
  Fixture f(10, 2);
  ASSERT_TRUE(f.stream->Write("abc").ok());
  f.stream.reset();
  RecordingTarget::Calls calls = f.target->calls();
  EXPECT_TRUE(calls.puts.empty());
  EXPECT_EQ(calls.creates, 0);
  EXPECT_EQ(calls.aborts, 0);
}

TEST(S3UploadStreamTest, AbortAfterCloseChangesNothing) {
  Fixture f(10, 2);
  ASSERT_TRUE(f.stream->Write(Pattern(25)).ok());
  ASSERT_TRUE(f.stream->Close().ok());
  f.stream->Abort();
  EXPECT_EQ(f.stream->Write("x").code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(f.stream->Close().code(), StatusCode::kFailedPrecondition);
  RecordingTarget::Calls calls = f.target->calls();
  EXPECT_EQ(calls.aborts, 0);
  EXPECT_EQ(calls.completes.size(), 1u);
}

}  // namespace
}  // namespace de::s3
