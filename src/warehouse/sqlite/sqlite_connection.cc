#include "warehouse/sqlite/sqlite_connection.h"

#include <sys/stat.h>

#include <cerrno>

namespace de::warehouse_sqlite {

Result<Connection> OpenReadOnly(const std::string& path) {
  struct stat info;
  if (::stat(path.c_str(), &info) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) {
      return NotFound("warehouse file '{}' does not exist", path);
    }
    return ErrnoStatus(errno, fmt::format("warehouse file '{}'", path));
  }
  if (!S_ISREG(info.st_mode)) {
    return InvalidArgument("warehouse path '{}' is not a regular file", path);
  }
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
  Connection db(raw);
  if (rc != SQLITE_OK) return SqliteError(db.get(), rc, fmt::format("opening '{}'", path));
  sqlite3_extended_result_codes(db.get(), 1);
  sqlite3_busy_timeout(db.get(), kBusyTimeoutMillis);
  // Reading the schema is the first access to the file: it tells a database from anything else.
  rc = sqlite3_exec(db.get(), "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr);
  if ((rc & 0xff) == SQLITE_NOTADB) {
    return InvalidArgument("warehouse file '{}' is not a SQLite database", path);
  }
  if (rc != SQLITE_OK) return SqliteError(db.get(), rc, fmt::format("reading '{}'", path));
  return db;
}

}  // namespace de::warehouse_sqlite
