#include "storage/s3/s3_object_store.h"

#include <algorithm>
#include <utility>

#include "storage/s3/credentials.h"
#include "storage/s3/s3_upload_stream.h"
#include "storage/s3/sigv4.h"

namespace de::s3 {
namespace {

constexpr int64_t kMinPartSize = int64_t{5} << 20;  // S3: 5 MiB (all parts but the last)
constexpr int64_t kMaxPartSize = int64_t{5} << 30;  // S3: 5 GiB
constexpr int kMaxPartsInFlight = 64;
// Credentials that expire sooner than this sign no links.
constexpr int64_t kMinCredentialLifeSeconds = 60;

Status ValidateOptions(const S3ObjectStoreOptions& options) {
  if (options.part_size < kMinPartSize || options.part_size > kMaxPartSize) {
    return InvalidArgument("S3 part size {} is outside 5 MiB..5 GiB ({}..{} bytes)",
                           options.part_size, kMinPartSize, kMaxPartSize);
  }
  if (options.parts_in_flight < 1 || options.parts_in_flight > kMaxPartsInFlight) {
    return InvalidArgument("S3 parts in flight {} is outside 1..{}", options.parts_in_flight,
                           kMaxPartsInFlight);
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<S3ObjectStore>> S3ObjectStore::Open(
    S3ObjectStoreOptions options, std::shared_ptr<CredentialsProvider> credentials, Clock* clock) {
  RETURN_IF_ERROR(ValidateOptions(options));
  if (credentials == nullptr) return InvalidArgument("S3 object store needs credentials");
  if (clock == nullptr) return InvalidArgument("S3 object store needs a clock");
  ASSIGN_OR_RETURN(std::unique_ptr<S3Client> client,
                   S3Client::Create(options.client, credentials, clock));
  return std::unique_ptr<S3ObjectStore>(
      new S3ObjectStore(std::move(options), std::move(client), std::move(credentials), clock));
}

S3ObjectStore::S3ObjectStore(S3ObjectStoreOptions options, std::unique_ptr<S3Client> client,
                             std::shared_ptr<CredentialsProvider> credentials, Clock* clock)
    : options_(std::move(options)),
      client_(std::move(client)),
      credentials_(std::move(credentials)),
      clock_(clock) {}

Result<std::unique_ptr<OutputStream>> S3ObjectStore::Put(const std::string& key,
                                                         const PutOptions& options) {
  RETURN_IF_ERROR(ValidateObjectKey(key));
  UploadStreamOptions stream_options;
  stream_options.part_size = options_.part_size;
  stream_options.parts_in_flight = options_.parts_in_flight;
  return std::unique_ptr<OutputStream>(std::make_unique<S3UploadStream>(
      MakeS3MultipartTarget(client_.get(), key, options.content_type), stream_options));
}

Result<std::string> S3ObjectStore::Get(const std::string& key) {
  RETURN_IF_ERROR(ValidateObjectKey(key));
  return client_->GetObject(key);
}

Result<std::vector<ObjectInfo>> S3ObjectStore::List(const std::string& prefix) {
  return client_->ListObjects(prefix);
}

Status S3ObjectStore::Copy(const std::string& from, const std::string& to) {
  RETURN_IF_ERROR(ValidateObjectKey(from));
  RETURN_IF_ERROR(ValidateObjectKey(to));
  return client_->CopyObject(from, to);
}

Status S3ObjectStore::Delete(const std::string& key) {
  RETURN_IF_ERROR(ValidateObjectKey(key));
  return client_->DeleteObject(key);
}

Status S3ObjectStore::DeleteMany(const std::vector<std::string>& keys) {
  for (const std::string& key : keys) RETURN_IF_ERROR(ValidateObjectKey(key));
  if (keys.empty()) return Status::Ok();
  return client_->DeleteObjects(keys);
}

Result<PresignedUrl> S3ObjectStore::Presign(const std::string& key, int64_t expires_in_seconds) {
  RETURN_IF_ERROR(ValidateObjectKey(key));
  if (expires_in_seconds < 1 || expires_in_seconds > kMaxPresignExpirySeconds) {
    return InvalidArgument("link lifetime {} s for {} is outside 1..{} s", expires_in_seconds,
                           client_->Describe(key), kMaxPresignExpirySeconds);
  }
  ASSIGN_OR_RETURN(TimedCredentials credentials, credentials_->Get());
  const int64_t now = clock_->NowSeconds();
  int64_t expires = std::min(expires_in_seconds, kMaxPresignExpirySeconds);
  if (credentials.expires_at.has_value()) {
    const int64_t remaining = *credentials.expires_at - now;
    if (remaining < kMinCredentialLifeSeconds) {
      return Unavailable(
          "cannot presign {}: the credentials from {} expire in {} s (a link needs at least {} "
          "s)",
          client_->Describe(key), credentials.source, remaining, kMinCredentialLifeSeconds);
    }
    expires = std::min(expires, remaining);
  }
  ASSIGN_OR_RETURN(std::string url, client_->PresignGet(key, credentials.keys, now, expires));
  return PresignedUrl{std::move(url), now + expires};
}

Status S3ObjectStore::Ping() { return client_->HeadBucket(); }

}  // namespace de::s3
