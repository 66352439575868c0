#include "common/secret_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include <fmt/format.h>

namespace de {
namespace {

Status WriteAll(int fd, std::string_view bytes, const std::string& what) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, what);
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

Status EnsureDirectory(const std::filesystem::path& dir, std::string_view what) {
  if (dir.empty()) return Status::Ok();
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) return Status::Ok();
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return PermissionDenied("cannot create directory {} for the {}: {}", dir.string(), what,
                            ec.message());
  }
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all, ec);
  return Status::Ok();
}

}  // namespace

Status CreateSecretFile(const std::string& path, std::string_view content, std::string_view what) {
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  RETURN_IF_ERROR(EnsureDirectory(dir, what));
  std::string tmp = path + ".tmp-XXXXXX";
  int fd = ::mkstemp(tmp.data());
  if (fd < 0) return ErrnoStatus(errno, fmt::format("create {} file {}", what, path));
  Status written = WriteAll(fd, content, fmt::format("write {} file {}", what, tmp));
  if (written.ok() && (::fchmod(fd, 0600) != 0 || ::fsync(fd) != 0)) {
    written = ErrnoStatus(errno, fmt::format("sync {} file {}", what, tmp));
  }
  ::close(fd);
  if (written.ok() && ::link(tmp.c_str(), path.c_str()) != 0 && errno != EEXIST) {
    written = ErrnoStatus(errno, fmt::format("install {} file {}", what, path));
  }
  ::unlink(tmp.c_str());
  RETURN_IF_ERROR(written);
  int dir_fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return Status::Ok();
}

}  // namespace de
