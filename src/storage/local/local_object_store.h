// LocalObjectStore: objects as files under one directory; links are served by the API's
// /download route (api/download_handler.h) and signed by a LinkSigner.
//
// Layout: object `a/b/c` is the file `{root}/a/b/c`; uploads in progress are temporary files in
// `{root}/.tmp/`, renamed into place when they are closed. Every access walks the key's
// components beneath the root without following symbolic links, so a key (or a link planted in
// the tree) can never reach a file outside the root.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "storage/local/link_signer.h"
#include "storage/local/unique_fd.h"
#include "storage/object_store.h"

namespace de {

struct LocalObjectStoreOptions {
  // Directory holding the objects; created (with parents) if missing. Required.
  std::string root;
  // Scheme, host and port the /download route is reached at; links are
  // "{public_base_url}/download/{percent-encoded key}?expires={epoch}&sig={hex}".
  std::string public_base_url = "http://127.0.0.1:8080";
  // Signs and verifies links. Required.
  std::shared_ptr<const LinkSigner> signer;
  // Source of "now" for link expiry. Not owned; must outlive the store.
  Clock* clock = Clock::System();
};

// An object opened for reading: the descriptor stays valid (and its bytes unchanged) even if the
// object is replaced or deleted meanwhile.
struct LocalObjectFile {
  UniqueFd fd;
  uint64_t size = 0;
  int64_t modified_nanos = 0;  // last modification, ns since the epoch
};

// Thread-safe: every method may be called from several threads.
class LocalObjectStore final : public ObjectStore {
 public:
  // The first segment reserved for uploads in progress; keys may not start with it.
  static constexpr std::string_view kTempDirName = ".tmp";
  static constexpr int64_t kMaxLinkSeconds = 604'800;

  // Opens the store, creating the root, and removes the uploads a crashed process left in
  // `{root}/.tmp` (an upload is live while its writer holds an flock on its file; live uploads
  // of other processes sharing the root are kept). kInvalidArgument if the root, signer or base URL
  // is missing; kPermissionDenied naming the root if it cannot be created or written.
  static Result<std::unique_ptr<LocalObjectStore>> Open(LocalObjectStoreOptions options);

  // `options.content_type` is not stored: downloads derive the type from the key.
  Result<std::unique_ptr<OutputStream>> Put(const std::string& key,
                                            const PutOptions& options) override;
  Result<std::string> Get(const std::string& key) override;
  Result<std::vector<ObjectInfo>> List(const std::string& prefix) override;
  // Also removes parent directories left empty, up to (not including) the root.
  Status Copy(const std::string& from, const std::string& to) override;
  Status Delete(const std::string& key) override;
  // kInvalidArgument for an invalid key or expires_in_seconds outside 1..kMaxLinkSeconds.
  // Does not check that the object exists.
  Result<PresignedUrl> Presign(const std::string& key, int64_t expires_in_seconds) override;
  // OK while the root accepts new files.
  Status Ping() override;

  // Opens `key` for streaming (the /download route). kInvalidArgument for an invalid key,
  // kNotFound if absent, kPermissionDenied if the path crosses a symbolic link.
  Result<LocalObjectFile> OpenObject(const std::string& key) const;

  // Checks a link's `expires` and `sig` query values for `key` against the signer and clock.
  LinkVerdict VerifyLink(std::string_view key, std::string_view expires,
                         std::string_view signature) const;

  // The root's canonical absolute path.
  const std::string& root() const { return root_; }

 private:
  LocalObjectStore(LocalObjectStoreOptions options, std::string root, UniqueFd root_fd);

  LocalObjectStoreOptions options_;
  const std::string root_;
  const UniqueFd root_fd_;  // all file access is relative to this descriptor
};

// Percent-encodes an object key for a URL path: unreserved characters and '/' stay, every other
// byte becomes %XX.
std::string EncodeKeyForUrlPath(std::string_view key);

}  // namespace de
