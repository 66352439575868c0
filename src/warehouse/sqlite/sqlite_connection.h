// Owning handles and error mapping over the SQLite C API for the SQLite warehouse.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace de::warehouse_sqlite {

// How long a statement waits for a writer's lock before failing with kUnavailable.
inline constexpr int kBusyTimeoutMillis = 5000;

struct ConnectionCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StatementFinalizer {
  void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};
// A database connection, closed on destruction. Used by one thread at a time.
using Connection = std::unique_ptr<sqlite3, ConnectionCloser>;
// A prepared statement, finalized on destruction; must die before its connection.
using Statement = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

// Opens an existing database file read-only, with a busy timeout, never creating it.
// kNotFound naming `path` if there is no such file, kInvalidArgument if it is not a SQLite
// database, kPermissionDenied if it cannot be read.
Result<Connection> OpenReadOnly(const std::string& path);

// Prepares one statement; errors as SqliteError.
Result<Statement> Prepare(sqlite3* db, std::string_view sql);

// The Status for SQLite result code `rc` from an operation on `db` (may be null):
// "what: <SQLite's message>". Busy/locked/I/O errors are kUnavailable, interrupts kCancelled,
// corruption kDataLoss, permission errors kPermissionDenied, anything else kInternal.
Status SqliteError(sqlite3* db, int rc, std::string_view what);

}  // namespace de::warehouse_sqlite
