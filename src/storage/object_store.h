// ObjectStore: where exported files go (DESIGN.md §5). Backends: local/ (a directory, links
// served by the API's /download route) and s3/ (any S3-compatible store: SigV4, streaming
// multipart upload, presigned GET).
//
// Keys are '/'-separated relative paths ("prefix/env/data_exporter_service/way/..."). A key is
// valid when it is non-empty, at most 1024 bytes, has no empty, "." or ".." segment, no leading
// '/', no backslash and no control character; every backend rejects other keys with
// kInvalidArgument.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/output_stream.h"
#include "common/status.h"

namespace de {

// Checks the key rules above.
Status ValidateObjectKey(std::string_view key);

struct ObjectInfo {
  std::string key;
  uint64_t size = 0;
};

struct PutOptions {
  std::string content_type = "application/octet-stream";
};

// A link that downloads one object without further credentials until `expires_at`.
struct PresignedUrl {
  std::string url;
  int64_t expires_at = 0;  // epoch seconds
};

// Thread-safe: every method may be called from several threads.
class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  // Starts a streaming upload of `key`. Nothing is visible under `key` until the stream's
  // Close() returns OK (the local store renames a temporary file; S3 completes a multipart
  // upload); Abort() or destroying the stream leaves no trace. An existing object is replaced.
  virtual Result<std::unique_ptr<OutputStream>> Put(const std::string& key,
                                                    const PutOptions& options) = 0;
  // Whole object into memory (manifests, tests). kNotFound if absent.
  virtual Result<std::string> Get(const std::string& key) = 0;
  // Objects whose key starts with `prefix`, sorted by key.
  virtual Result<std::vector<ObjectInfo>> List(const std::string& prefix) = 0;
  // Copies an object inside the store, replacing `to` atomically (a reader sees the old or the
  // new object, never a mix); kNotFound if `from` is absent. S3: CopyObject.
  virtual Status Copy(const std::string& from, const std::string& to) = 0;
  // Removes an object; OK if it was already absent.
  virtual Status Delete(const std::string& key) = 0;
  // Removes every key (batched where the backend can: S3 DeleteObjects, 1000 per request); keys
  // already absent are fine. Stops at the first failure. The default calls Delete for each.
  virtual Status DeleteMany(const std::vector<std::string>& keys);
  // A GET link for `key` valid for `expires_in_seconds` from now (1..604800).
  virtual Result<PresignedUrl> Presign(const std::string& key, int64_t expires_in_seconds) = 0;
  // Cheap reachability check for readiness probes.
  virtual Status Ping() = 0;
};

}  // namespace de
