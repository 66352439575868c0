// S3ObjectStore: the ObjectStore on any S3-compatible store (AWS S3, MinIO, Ceph, R2, moto).
//
// Put streams: bytes are cut into parts of `part_size` bytes; each full part is uploaded on a
// worker thread while the writer fills the next, with at most `parts_in_flight` uploads at once
// (the writer blocks when they are all busy), so a stream holds at most
// part_size × (parts_in_flight + 1) bytes. An object that fits in one part is sent with a
// single PUT at Close(); a larger one is a multipart upload completed at Close(). Every part
// and every PUT carries Content-MD5 and its SHA-256 (x-amz-content-sha256), so S3 refuses bytes
// damaged on the way. Abort(), a failed part, a failed Close() or destroying an unclosed stream
// aborts the multipart upload, so no orphaned parts remain (and nothing is visible under the
// key).
//
// Presign clamps the expiry to the signing credentials' (credentials.h) and to S3's 7 days and
// reports the clamped expiry in PresignedUrl::expires_at.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "storage/object_store.h"
#include "storage/s3/s3_client.h"

namespace de::s3 {

struct S3ObjectStoreOptions {
  S3ClientOptions client;
  int64_t part_size = int64_t{16} << 20;  // 5 MiB..5 GiB (S3's part limits)
  int parts_in_flight = 4;                // 1..64
};

// Thread-safe.
class S3ObjectStore final : public ObjectStore {
 public:
  // kInvalidArgument for options out of range; S3Client::Create's errors. Does not touch the
  // network (Ping does).
  static Result<std::unique_ptr<S3ObjectStore>> Open(
      S3ObjectStoreOptions options, std::shared_ptr<CredentialsProvider> credentials,
      Clock* clock = Clock::System());

  Result<std::unique_ptr<OutputStream>> Put(const std::string& key,
                                            const PutOptions& options) override;
  Result<std::string> Get(const std::string& key) override;
  Result<std::vector<ObjectInfo>> List(const std::string& prefix) override;
  Status Copy(const std::string& from, const std::string& to) override;
  Status Delete(const std::string& key) override;
  Status DeleteMany(const std::vector<std::string>& keys) override;
  // expires_at = now + min(expires_in_seconds, credentials' remaining life, 7 days).
  // kInvalidArgument for expires_in_seconds outside 1..604800; kUnavailable when the
  // credentials expire within a minute (a link that dies at once is not handed out).
  Result<PresignedUrl> Presign(const std::string& key, int64_t expires_in_seconds) override;
  // HeadBucket.
  Status Ping() override;

  S3Client& client() { return *client_; }
  const S3ObjectStoreOptions& options() const { return options_; }

 private:
  S3ObjectStore(S3ObjectStoreOptions options, std::unique_ptr<S3Client> client,
                std::shared_ptr<CredentialsProvider> credentials, Clock* clock);

  const S3ObjectStoreOptions options_;
  std::unique_ptr<S3Client> client_;
  const std::shared_ptr<CredentialsProvider> credentials_;
  Clock* const clock_;
};

}  // namespace de::s3
