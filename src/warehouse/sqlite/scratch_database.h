// Test support: a temporary directory removed with its contents, and a way to write a SQLite
// database from SQL text. Header-only; used by the *_test.cc files of this folder.
#pragma once

#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

#include "common/status.h"

namespace de::warehouse_sqlite {

// A fresh directory under $TMPDIR (or /tmp), removed recursively on destruction.
class ScratchDirectory {
 public:
  ScratchDirectory() {
    std::string pattern = (std::filesystem::temp_directory_path() / "de-sqlite-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data()) ? pattern : std::string();
  }
  ~ScratchDirectory() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;

  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Creates (or opens) the database at `path` and runs `sql` (any number of statements).
inline Status WriteDatabase(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc == SQLITE_OK) rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  Status status = rc == SQLITE_OK ? Status::Ok() : Internal("{}", sqlite3_errmsg(db));
  sqlite3_close(db);
  return status;
}

}  // namespace de::warehouse_sqlite
