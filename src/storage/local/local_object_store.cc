#include "storage/local/local_object_store.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <filesystem>

#include <spdlog/spdlog.h>

#include "storage/local/contained_path.h"

namespace de {
namespace {

constexpr int kPublishAttempts = 3;

Status ValidateStoreKey(std::string_view key) {
  RETURN_IF_ERROR(ValidateObjectKey(key));
  if (SplitKey(key).front() == LocalObjectStore::kTempDirName) {
    return InvalidArgument("object key '{}' uses the reserved segment '{}'", key,
                           LocalObjectStore::kTempDirName);
  }
  return Status::Ok();
}

std::vector<std::string_view> ParentSegments(const std::vector<std::string_view>& segments) {
  return {segments.begin(), segments.end() - 1};
}

void SyncDirectory(int dir_fd) { ::fsync(dir_fd); }

// An upload into `{root}/.tmp/`, renamed to its key on Close(). Not thread-safe.
class LocalUpload final : public OutputStream {
 public:
  LocalUpload(UniqueFd root_fd, std::string key, std::string tmp_path, UniqueFd file)
      : root_fd_(std::move(root_fd)),
        key_(std::move(key)),
        tmp_path_(std::move(tmp_path)),
        file_(std::move(file)) {}
  ~LocalUpload() override { Abort(); }

  Status Write(std::string_view bytes) override {
    if (!file_.valid()) return FailedPrecondition("write to finished upload of '{}'", key_);
    while (!bytes.empty()) {
      ssize_t n = ::write(file_.get(), bytes.data(), bytes.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus(errno, "write upload of '" + key_ + "'");
      }
      bytes.remove_prefix(static_cast<size_t>(n));
      position_ += static_cast<uint64_t>(n);
    }
    return Status::Ok();
  }

  Status Close() override {
    if (!file_.valid()) return FailedPrecondition("upload of '{}' already finished", key_);
    Status status = SyncAndClose();
    if (status.ok()) status = Publish();
    if (!status.ok()) ::unlink(tmp_path_.c_str());
    tmp_path_.clear();
    return status;
  }

  void Abort() override {
    file_.Reset();
    if (!tmp_path_.empty()) ::unlink(tmp_path_.c_str());
    tmp_path_.clear();
  }

  uint64_t position() const override { return position_; }

 private:
  Status SyncAndClose() {
    if (::fsync(file_.get()) != 0) return ErrnoStatus(errno, "sync upload of '" + key_ + "'");
    if (::close(file_.Release()) != 0) {
      return ErrnoStatus(errno, "close upload of '" + key_ + "'");
    }
    return Status::Ok();
  }

  // Renames the temporary file into place. A concurrent Delete may prune a parent directory
  // between its creation and the rename; then the rename fails with ENOENT and is retried.
  Status Publish() {
    std::vector<std::string_view> segments = SplitKey(key_);
    std::string name(segments.back());
    std::string what = fmt::format("object '{}'", key_);
    for (int attempt = 1;; ++attempt) {
      ASSIGN_OR_RETURN(UniqueFd dir,
                       OpenDirectoryBeneath(root_fd_.get(), ParentSegments(segments), true, what));
      if (::renameat(AT_FDCWD, tmp_path_.c_str(), dir.get(), name.c_str()) == 0) {
        SyncDirectory(dir.get());
        return Status::Ok();
      }
      if (errno != ENOENT || attempt == kPublishAttempts) {
        return ErrnoStatus(errno, "publish " + what);
      }
    }
  }

  UniqueFd root_fd_;
  std::string key_;
  std::string tmp_path_;  // empty once published or removed
  UniqueFd file_;         // invalid once closed or aborted
  uint64_t position_ = 0;
};

Result<std::string> ReadAll(int fd, uint64_t size_hint, std::string_view what) {
  std::string data;
  data.reserve(size_hint);
  char buffer[64 * 1024];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, fmt::format("read {}", what));
    }
    if (n == 0) return data;
    data.append(buffer, static_cast<size_t>(n));
  }
}

// An upload file is live while its writer holds an exclusive flock(2) on it: taken right after
// the file is created, dropped by the kernel when the writer closes it or its process dies. So a
// file nobody holds was abandoned by a process that died mid-upload, however young it is, and a
// live one is kept however old it is, even when another process shares the root.
bool IsAbandonedUpload(int dir_fd, const char* name) {
  int fd = ::openat(dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return false;
  UniqueFd file(fd);
  return ::flock(fd, LOCK_EX | LOCK_NB) == 0;
}

// Removes the abandoned upload files in `{root}/.tmp`.
void RemoveAbandonedUploads(int root_fd) {
  Result<UniqueFd> tmp =
      OpenDirectoryBeneath(root_fd, {LocalObjectStore::kTempDirName}, false, "upload directory");
  if (!tmp.ok()) return;
  std::vector<FileEntry> files;
  if (!ListFilesBeneath(tmp->get(), "", &files).ok()) return;
  for (const FileEntry& file : files) {
    const char* name = file.relative_path.c_str();
    if (file.relative_path.find('/') != std::string::npos) continue;
    if (IsAbandonedUpload(tmp->get(), name) && ::unlinkat(tmp->get(), name, 0) == 0) {
      spdlog::info("removed the abandoned upload {}/{}", LocalObjectStore::kTempDirName, name);
    }
  }
}

// Creates and locks a new upload file (see IsAbandonedUpload). A concurrent RemoveAbandonedUploads
// may lock and unlink the file between its creation and our lock; then it has no link left and
// another name is tried.
Result<UniqueFd> CreateUploadFile(std::string* path_template, const std::string& key) {
  std::string pattern = *path_template;
  for (int attempt = 0; attempt < 8; ++attempt) {
    *path_template = pattern;
    int fd = ::mkostemp(path_template->data(), O_CLOEXEC);
    if (fd < 0) return ErrnoStatus(errno, fmt::format("create upload of '{}'", key));
    UniqueFd file(fd);
    struct stat st {};
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0 && ::fstat(fd, &st) == 0 && st.st_nlink > 0) {
      return file;
    }
  }
  return Unavailable("create upload of '{}': its file kept being removed as abandoned", key);
}

// Removes the now-empty directories of `parents`, deepest first; stops at the first that still
// holds something (or is gone). The root itself is never removed.
void PruneEmptyParents(int root_fd, std::vector<std::string_view> parents) {
  while (!parents.empty()) {
    std::string name(parents.back());
    parents.pop_back();
    Result<UniqueFd> dir = OpenDirectoryBeneath(root_fd, parents, false, "parent directory");
    if (!dir.ok() || ::unlinkat(dir->get(), name.c_str(), AT_REMOVEDIR) != 0) return;
  }
}

bool IsUnreservedUrlByte(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

}  // namespace

std::string EncodeKeyForUrlPath(std::string_view key) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string encoded;
  encoded.reserve(key.size());
  for (char ch : key) {
    auto c = static_cast<unsigned char>(ch);
    if (IsUnreservedUrlByte(c) || c == '/') {
      encoded.push_back(ch);
    } else {
      encoded.push_back('%');
      encoded.push_back(kHex[c >> 4]);
      encoded.push_back(kHex[c & 0xf]);
    }
  }
  return encoded;
}

Result<std::unique_ptr<LocalObjectStore>> LocalObjectStore::Open(LocalObjectStoreOptions options) {
  if (options.root.empty()) return InvalidArgument("local object store: root is not set");
  if (options.signer == nullptr) return InvalidArgument("local object store: no link signer");
  if (options.public_base_url.empty()) {
    return InvalidArgument("local object store: public_base_url is not set");
  }
  if (options.clock == nullptr) options.clock = Clock::System();
  while (options.public_base_url.size() > 1 && options.public_base_url.back() == '/') {
    options.public_base_url.pop_back();
  }
  std::error_code ec;
  std::filesystem::create_directories(options.root, ec);
  if (ec) {
    return PermissionDenied("cannot create object store root {}: {}", options.root, ec.message());
  }
  char resolved[PATH_MAX];
  int fd = -1;
  if (::realpath(options.root.c_str(), resolved) == nullptr ||
      (fd = ::open(resolved, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
    return PermissionDenied("cannot open object store root {}: {}", options.root,
                            std::strerror(errno));
  }
  UniqueFd root_fd(fd);
  if (::mkdirat(root_fd.get(), std::string(kTempDirName).c_str(), 0700) != 0 && errno != EEXIST) {
    return PermissionDenied("object store root {} is not writable: {}", resolved,
                            std::strerror(errno));
  }
  RemoveAbandonedUploads(root_fd.get());
  std::unique_ptr<LocalObjectStore> store(
      new LocalObjectStore(std::move(options), resolved, std::move(root_fd)));
  Status writable = store->Ping();
  if (!writable.ok()) return PermissionDenied("{}", writable.message());
  return store;
}

LocalObjectStore::LocalObjectStore(LocalObjectStoreOptions options, std::string root,
                                   UniqueFd root_fd)
    : options_(std::move(options)), root_(std::move(root)), root_fd_(std::move(root_fd)) {}

Result<std::unique_ptr<OutputStream>> LocalObjectStore::Put(const std::string& key,
                                                            const PutOptions& /*options*/) {
  RETURN_IF_ERROR(ValidateStoreKey(key));
  int root_copy = ::fcntl(root_fd_.get(), F_DUPFD_CLOEXEC, 0);
  if (root_copy < 0) return ErrnoStatus(errno, "duplicate object store root descriptor");
  UniqueFd root_fd(root_copy);
  std::string tmp_path = fmt::format("{}/{}/put-XXXXXX", root_, kTempDirName);
  Result<UniqueFd> fd = CreateUploadFile(&tmp_path, key);
  if (!fd.ok()) return fd.status().WithContext(root_);
  return std::unique_ptr<OutputStream>(
      new LocalUpload(std::move(root_fd), key, std::move(tmp_path), std::move(*fd)));
}

Result<std::string> LocalObjectStore::Get(const std::string& key) {
  ASSIGN_OR_RETURN(LocalObjectFile file, OpenObject(key));
  return ReadAll(file.fd.get(), file.size, fmt::format("object '{}'", key));
}

Result<std::vector<ObjectInfo>> LocalObjectStore::List(const std::string& prefix) {
  size_t slash = prefix.rfind('/');
  std::string directory = slash == std::string::npos ? "" : prefix.substr(0, slash);
  std::vector<std::string_view> segments;
  if (!directory.empty()) {
    RETURN_IF_ERROR(ValidateObjectKey(directory).WithContext("list prefix"));
    segments = SplitKey(directory);
  }
  Result<UniqueFd> dir =
      OpenDirectoryBeneath(root_fd_.get(), segments, false, fmt::format("prefix '{}'", prefix));
  if (!dir.ok() && dir.status().code() == StatusCode::kNotFound) {
    return std::vector<ObjectInfo>{};
  }
  if (!dir.ok()) return dir.status();
  std::vector<FileEntry> files;
  RETURN_IF_ERROR(ListFilesBeneath(dir->get(), directory, &files));
  std::vector<ObjectInfo> objects;
  for (FileEntry& file : files) {
    if (!file.relative_path.starts_with(prefix)) continue;
    if (SplitKey(file.relative_path).front() == kTempDirName) continue;
    objects.push_back({std::move(file.relative_path), file.size});
  }
  std::sort(objects.begin(), objects.end(),
            [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
  return objects;
}

Status LocalObjectStore::Copy(const std::string& from, const std::string& to) {
  RETURN_IF_ERROR(ValidateStoreKey(to));
  ASSIGN_OR_RETURN(LocalObjectFile source, OpenObject(from));
  // Streams through an upload, so `to` appears whole by rename, and memory stays bounded.
  ASSIGN_OR_RETURN(std::unique_ptr<OutputStream> out, Put(to, PutOptions{}));
  std::string buffer(1 << 20, '\0');
  uint64_t copied = 0;
  while (copied < source.size) {
    ssize_t n = ::pread(source.fd.get(), buffer.data(), buffer.size(), static_cast<off_t>(copied));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus(errno, fmt::format("read object '{}'", from));
    if (n == 0) return DataLoss("object '{}' shrank while it was copied", from);
    RETURN_IF_ERROR(out->Write(std::string_view(buffer.data(), static_cast<size_t>(n))));
    copied += static_cast<uint64_t>(n);
  }
  return out->Close();
}

Status LocalObjectStore::Delete(const std::string& key) {
  RETURN_IF_ERROR(ValidateStoreKey(key));
  std::vector<std::string_view> segments = SplitKey(key);
  std::vector<std::string_view> parents = ParentSegments(segments);
  std::string what = fmt::format("object '{}'", key);
  Result<UniqueFd> dir = OpenDirectoryBeneath(root_fd_.get(), parents, false, what);
  if (!dir.ok()) {
    return dir.status().code() == StatusCode::kNotFound ? Status::Ok() : dir.status();
  }
  std::string name(segments.back());
  if (::unlinkat(dir->get(), name.c_str(), 0) != 0) {
    if (errno == ENOENT) return Status::Ok();
    return ErrnoStatus(errno, "delete " + what);
  }
  SyncDirectory(dir->get());
  PruneEmptyParents(root_fd_.get(), std::move(parents));
  return Status::Ok();
}

Result<PresignedUrl> LocalObjectStore::Presign(const std::string& key, int64_t expires_in_seconds) {
  RETURN_IF_ERROR(ValidateStoreKey(key));
  if (expires_in_seconds < 1 || expires_in_seconds > kMaxLinkSeconds) {
    return InvalidArgument("link lifetime {} s is outside 1..{} s", expires_in_seconds,
                           kMaxLinkSeconds);
  }
  PresignedUrl link;
  link.expires_at = options_.clock->NowSeconds() + expires_in_seconds;
  link.url = fmt::format("{}/download/{}?expires={}&sig={}", options_.public_base_url,
                         EncodeKeyForUrlPath(key), link.expires_at,
                         options_.signer->Sign(key, link.expires_at));
  return link;
}

Status LocalObjectStore::Ping() {
  std::string probe = fmt::format("{}/{}/ping-XXXXXX", root_, kTempDirName);
  int fd = ::mkostemp(probe.data(), O_CLOEXEC);
  if (fd < 0) {
    return PermissionDenied("object store root {} is not writable: {}", root_,
                            std::strerror(errno));
  }
  ::close(fd);
  ::unlink(probe.c_str());
  return Status::Ok();
}

Result<LocalObjectFile> LocalObjectStore::OpenObject(const std::string& key) const {
  RETURN_IF_ERROR(ValidateStoreKey(key));
  std::string what = fmt::format("object '{}'", key);
  ASSIGN_OR_RETURN(UniqueFd fd, OpenRegularFileBeneath(root_fd_.get(), SplitKey(key), what));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return ErrnoStatus(errno, "stat " + what);
  LocalObjectFile file;
  file.fd = std::move(fd);
  file.size = static_cast<uint64_t>(st.st_size);
  file.modified_nanos = int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec;
  return file;
}

LinkVerdict LocalObjectStore::VerifyLink(std::string_view key, std::string_view expires,
                                         std::string_view signature) const {
  return options_.signer->Verify(key, expires, signature, options_.clock->NowSeconds());
}

}  // namespace de
