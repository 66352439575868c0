#include "storage/local/contained_path.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>

namespace de {
namespace {

constexpr int kDirectoryFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;

// Errors of an O_NOFOLLOW open that mean "something other than what we asked for is there".
bool IsWrongFileType(int err) { return err == ELOOP || err == ENOTDIR || err == EMLINK; }

Status ComponentError(int err, std::string_view what) {
  if (IsWrongFileType(err)) {
    return PermissionDenied("{} passes through a symbolic link or a non-directory", what);
  }
  return ErrnoStatus(err, fmt::format("open {}", what));
}

Result<UniqueFd> OpenChildDirectory(int parent_fd, const std::string& name, bool create,
                                    std::string_view what) {
  int fd = ::openat(parent_fd, name.c_str(), kDirectoryFlags);
  if (fd < 0 && errno == ENOENT && create) {
    if (::mkdirat(parent_fd, name.c_str(), 0755) != 0 && errno != EEXIST) {
      return ErrnoStatus(errno, fmt::format("create directory for {}", what));
    }
    fd = ::openat(parent_fd, name.c_str(), kDirectoryFlags);
  }
  if (fd < 0) return ComponentError(errno, what);
  return UniqueFd(fd);
}

}  // namespace

std::vector<std::string_view> SplitKey(std::string_view key) {
  std::vector<std::string_view> segments;
  size_t start = 0;
  while (start <= key.size()) {
    size_t end = key.find('/', start);
    if (end == std::string_view::npos) end = key.size();
    segments.push_back(key.substr(start, end - start));
    start = end + 1;
  }
  return segments;
}

Result<UniqueFd> OpenDirectoryBeneath(int root_fd, const std::vector<std::string_view>& segments,
                                      bool create, std::string_view what) {
  int fd = ::openat(root_fd, ".", kDirectoryFlags);
  if (fd < 0) return ErrnoStatus(errno, fmt::format("open store root for {}", what));
  UniqueFd dir(fd);
  for (std::string_view segment : segments) {
    ASSIGN_OR_RETURN(dir, OpenChildDirectory(dir.get(), std::string(segment), create, what));
  }
  return dir;
}

Result<UniqueFd> OpenRegularFileBeneath(int root_fd, const std::vector<std::string_view>& segments,
                                        std::string_view what) {
  std::vector<std::string_view> parents(segments.begin(), segments.end() - 1);
  ASSIGN_OR_RETURN(UniqueFd dir, OpenDirectoryBeneath(root_fd, parents, false, what));
  std::string name(segments.back());
  int fd = ::openat(dir.get(), name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return ComponentError(errno, what);
  UniqueFd file(fd);
  struct stat st {};
  if (::fstat(file.get(), &st) != 0) return ErrnoStatus(errno, fmt::format("stat {}", what));
  if (!S_ISREG(st.st_mode)) return PermissionDenied("{} is not a regular file", what);
  // O_NONBLOCK only kept a FIFO from blocking the open; regular-file reads ignore it.
  return file;
}

Status ListFilesBeneath(int dir_fd, const std::string& relative_dir,
                        std::vector<FileEntry>* files) {
  int fd = ::openat(dir_fd, ".", kDirectoryFlags);
  if (fd < 0) return ErrnoStatus(errno, "open directory " + relative_dir);
  DIR* dir = ::fdopendir(fd);
  if (dir == nullptr) {
    ::close(fd);
    return ErrnoStatus(errno, "read directory " + relative_dir);
  }
  Status status;
  while (struct dirent* entry = ::readdir(dir)) {
    std::string_view name = entry->d_name;
    if (name == "." || name == "..") continue;
    std::string path =
        relative_dir.empty() ? std::string(name) : relative_dir + "/" + entry->d_name;
    struct stat st {};
    if (::fstatat(::dirfd(dir), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    if (S_ISREG(st.st_mode)) {
      files->push_back({path, static_cast<uint64_t>(st.st_size)});
    } else if (S_ISDIR(st.st_mode)) {
      int child = ::openat(::dirfd(dir), entry->d_name, kDirectoryFlags);
      if (child < 0) continue;  // removed meanwhile, or replaced by a link
      status = ListFilesBeneath(child, path, files);
      ::close(child);
      if (!status.ok()) break;
    }
  }
  ::closedir(dir);
  return status;
}

}  // namespace de
