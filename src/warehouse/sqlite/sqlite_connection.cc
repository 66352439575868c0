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

Result<Statement> Prepare(sqlite3* db, std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &raw, nullptr);
  Statement statement(raw);
  if (rc != SQLITE_OK) return SqliteError(db, rc, "preparing a warehouse query");
  return statement;
}

Status SqliteError(sqlite3* db, int rc, std::string_view what) {
  std::string message = fmt::format("{}: {}", what, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_PROTOCOL:
      return Status(StatusCode::kUnavailable, std::move(message));
    case SQLITE_INTERRUPT:
      return Status(StatusCode::kCancelled, std::move(message));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Status(StatusCode::kDataLoss, std::move(message));
    case SQLITE_PERM:
    case SQLITE_AUTH:
    case SQLITE_READONLY:
      return Status(StatusCode::kPermissionDenied, std::move(message));
    case SQLITE_NOMEM:
    case SQLITE_FULL:
      return Status(StatusCode::kResourceExhausted, std::move(message));
    default:
      return Status(StatusCode::kInternal, std::move(message));
  }
}

}  // namespace de::warehouse_sqlite
