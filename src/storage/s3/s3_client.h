// S3Client: the S3 REST operations the exporter needs, on SignedHttpClient (retries, signing).
// One client per bucket. Keys are raw (unencoded) object keys; the client encodes them.
//
// Addressing: path style puts the bucket in the path (http://127.0.0.1:5000/bucket/key), as
// MinIO, Ceph and moto expect; virtual-hosted style puts it in the host
// (https://bucket.s3.eu-central-1.amazonaws.com/key), as AWS prefers. Without an endpoint the
// client talks to AWS: https://s3.<region>.amazonaws.com.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/cancellation.h"
#include "common/status.h"
#include "storage/object_store.h"
#include "storage/s3/signed_http.h"

namespace de::s3 {

enum class Addressing { kPath, kVirtualHosted };

// "path" | "virtual" (kInvalidArgument otherwise).
Result<Addressing> ParseAddressing(std::string_view text);

struct S3ClientOptions {
  std::string bucket;    // 3..63 of a-z 0-9 . - (S3's bucket naming rules)
  std::string endpoint;  // "http(s)://host[:port]", no path; empty = AWS for the region
  Addressing addressing = Addressing::kVirtualHosted;
  SignedHttpOptions http;  // region, timeouts, retries; service is set to "s3"
};

struct ObjectHead {
  uint64_t size = 0;
  std::string etag;  // as S3 gives it, quotes removed
  std::string content_type;
};

struct ListPage {
  std::vector<ObjectInfo> objects;  // in S3's order (UTF-8 binary order of keys)
  std::string next_continuation_token;  // empty on the last page
};

struct MultipartUploadInfo {
  std::string key;
  std::string upload_id;
};

struct CompletedPart {
  int part_number = 0;  // 1..10000
  std::string etag;     // as UploadPart returned it
};

// Thread-safe.
class S3Client {
 public:
  // kInvalidArgument for a bad bucket name or endpoint, or a virtual-hosted bucket name with
  // '.' over https (its certificate cannot match); plus SignedHttpClient::Create's errors.
  static Result<std::unique_ptr<S3Client>> Create(S3ClientOptions options,
                                                  std::shared_ptr<CredentialsProvider> credentials,
                                                  Clock* clock = Clock::System());

  // Every call below returns StatusOfAwsError's status for an S3 error answer (so 4xx carry
  // S3's code and message), naming the operation, bucket and key.

  // PUT of a whole object with Content-MD5 and its SHA-256 as x-amz-content-sha256. ETag.
  Result<std::string> PutObject(const std::string& key, std::string_view body,
                                const std::string& content_type,
                                const CancellationToken* cancel = nullptr);
  // The upload id.
  Result<std::string> CreateMultipartUpload(const std::string& key,
                                            const std::string& content_type);
  // One part (5 MiB..5 GiB, except the last), with Content-MD5 and x-amz-content-sha256. ETag.
  Result<std::string> UploadPart(const std::string& key, const std::string& upload_id,
                                 int part_number, std::string_view body,
                                 const CancellationToken* cancel = nullptr);
  // Also fails on S3's "200 OK with an <Error> body" (retried when the code is transient).
  Status CompleteMultipartUpload(const std::string& key, const std::string& upload_id,
                                 const std::vector<CompletedPart>& parts);
  // OK also when the upload is already gone (NoSuchUpload).
  Status AbortMultipartUpload(const std::string& key, const std::string& upload_id);
  // Uploads in progress whose key starts with `prefix` (every page).
  Result<std::vector<MultipartUploadInfo>> ListMultipartUploads(const std::string& prefix);

  // One ListObjectsV2 page (max_keys 1..1000).
  Result<ListPage> ListObjectsPage(const std::string& prefix,
                                   const std::string& continuation_token, int max_keys = 1000);
  // Every page, sorted by key.
  Result<std::vector<ObjectInfo>> ListObjects(const std::string& prefix);

  // kNotFound when absent.
  Result<ObjectHead> HeadObject(const std::string& key);
  Result<std::string> GetObject(const std::string& key);
  // Server-side copy (objects up to 5 GiB). kNotFound when `from` is absent.
  Status CopyObject(const std::string& from, const std::string& to);
  // OK when already absent.
  Status DeleteObject(const std::string& key);
  // DeleteObjects in batches of 1000 (quiet mode, Content-MD5); an error names the first key
  // S3 could not delete and how many failed.
  Status DeleteObjects(const std::vector<std::string>& keys);
  // HeadBucket: reachability, credentials and the bucket's existence.
  Status HeadBucket();
  // CreateBucket in the client's region (tests and first-time setup). OK when we own it.
  Status CreateBucket();

  // A presigned GET of `key` signed at `now_seconds` for `expires_seconds` (1..604800), for
  // `credentials` (the caller clamps the expiry to theirs). The URL's host and path follow the
  // addressing, so it works wherever this client does.
  Result<std::string> PresignGet(const std::string& key, const Credentials& credentials,
                                 int64_t now_seconds, int64_t expires_seconds) const;

  // "s3://bucket/key", for messages.
  std::string Describe(const std::string& key) const;
  const S3ClientOptions& options() const { return options_; }
  SignedHttpClient& http() { return *http_; }

 private:
  S3Client(S3ClientOptions options, std::unique_ptr<SignedHttpClient> http);
  // scheme_host and encoded path of `key` ("" for the bucket itself).
  std::pair<std::string, std::string> Locate(const std::string& key) const;

  const S3ClientOptions options_;
  std::unique_ptr<SignedHttpClient> http_;
};

}  // namespace de::s3
