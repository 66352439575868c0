// FileLeaderLock: the SQLite store's leader lock, an exclusive flock(2) on a file beside the
// database. Every process using the database file sees it; the kernel releases it when the file
// descriptor is closed (destruction, or the process dying).
//
// Thread-compatible.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "metadata/metadata_store.h"

namespace de::metadata_sqlite {

class FileLeaderLock final : public LeaderLock {
 public:
  // Opens (creating, mode 0644) `path` and tries flock(LOCK_EX | LOCK_NB): the lock, or nullptr
  // when another open file description holds it (another process, or another store in this
  // one). kPermissionDenied naming the path when it cannot be opened or locked.
  static Result<std::unique_ptr<LeaderLock>> TryLock(const std::string& path);

  ~FileLeaderLock() override;
  FileLeaderLock(const FileLeaderLock&) = delete;
  FileLeaderLock& operator=(const FileLeaderLock&) = delete;

  // True while this object lives: a flock cannot be taken away.
  bool Held() override { return true; }

 private:
  explicit FileLeaderLock(int fd) : fd_(fd) {}

  int fd_;  // holds the flock
};

}  // namespace de::metadata_sqlite
