#include "metadata/sqlite/file_leader_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace de::metadata_sqlite {

Result<std::unique_ptr<LeaderLock>> FileLeaderLock::TryLock(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return PermissionDenied("cannot open the leader lock file '{}': {}", path,
                            ErrnoStatus(errno, "open").message());
  }
  int rc;
  do {
    rc = ::flock(fd, LOCK_EX | LOCK_NB);
  } while (rc != 0 && errno == EINTR);
  if (rc == 0) return std::unique_ptr<LeaderLock>(new FileLeaderLock(fd));
  int err = errno;
  ::close(fd);
  if (err == EWOULDBLOCK) return std::unique_ptr<LeaderLock>();
  return PermissionDenied("cannot lock the leader lock file '{}': {}", path,
                          ErrnoStatus(err, "flock").message());
}

FileLeaderLock::~FileLeaderLock() { ::close(fd_); }

}  // namespace de::metadata_sqlite
