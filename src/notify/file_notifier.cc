#include "notify/file_notifier.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

#include "notify/payload.h"

namespace de {
namespace {

// Creates the parent directories of `path` when it has any.
Status CreateParent(const std::string& path) {
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (parent.empty()) return Status::Ok();
  std::error_code ec;
  std::filesystem::create_directories(parent, ec);
  if (ec) {
    return ErrnoStatus(ec.value(), fmt::format("notification file {}: cannot create directory {}",
                                               path, parent.string()));
  }
  return Status::Ok();
}

// Writes all of `data`; a regular file takes it in one write(), the loop covers the rare short
// write (e.g. a signal or a nearly full disk).
Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus(errno, fmt::format("notification file {}: write", path));
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

}  // namespace

Status FileNotifier::Notify(const DailyRunSummary& summary) {
  return AppendLine(DailyRunPayload(summary));
}

Status FileNotifier::AppendLine(std::string_view line) {
  std::string text(line);
  text.push_back('\n');
  std::lock_guard<std::mutex> lock(mu_);
  RETURN_IF_ERROR(CreateParent(path_));
  int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus(errno, fmt::format("notification file {}: open", path_));
  Status status = WriteAll(fd, text, path_);
  if (status.ok() && ::fsync(fd) != 0) {
    status = ErrnoStatus(errno, fmt::format("notification file {}: fsync", path_));
  }
  if (::close(fd) != 0 && status.ok()) {
    status = ErrnoStatus(errno, fmt::format("notification file {}: close", path_));
  }
  return status;
}

}  // namespace de
