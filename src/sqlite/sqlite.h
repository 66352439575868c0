// Owning wrappers over the SQLite C API, shared by the SQLite warehouse and the SQLite metadata
// store: the connection handle, a prepared statement with typed binds and reads, a write
// transaction, and the one mapping of SQLite result codes to Status.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace de::sqlite {

struct ConnectionCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
// A database connection, closed on destruction. Used by one thread at a time.
using Connection = std::unique_ptr<sqlite3, ConnectionCloser>;

// The Status for SQLite result code `rc` from an operation on `db` (may be null):
// "what: <SQLite's message>". Primary-key and unique violations are kAlreadyExists, CHECK and
// NOT NULL violations kInvalidArgument, foreign-key violations kFailedPrecondition,
// busy/locked/I/O errors kUnavailable, interrupts kCancelled, corruption kDataLoss, permission
// errors kPermissionDenied, out of memory or disk kResourceExhausted, anything else kInternal.
Status SqliteError(sqlite3* db, int rc, std::string_view what);

// Runs SQL without results (any number of statements).
Status Execute(sqlite3* db, std::string_view sql);

class StatementCache;

// A prepared statement, finalized on destruction (or, when it came from a StatementCache, reset
// and given back to it); must die before its connection and its cache. Binds are 1-based, reads
// 0-based. Not thread-safe.
class Statement {
 public:
  // Prepares the first statement of `sql`; errors as SqliteError.
  static Result<Statement> Prepare(sqlite3* db, std::string_view sql);

  // Bind errors are remembered and reported by the next Step.
  Statement& BindInt(int index, int64_t value);
  Statement& BindReal(int index, double value);
  Statement& BindText(int index, std::string_view value);
  Statement& BindNull(int index);
  // Binds NULL for an empty string.
  Statement& BindTextOrNull(int index, std::string_view value);

  // The first bind error since the last Run, as SqliteError; for callers that step through get().
  Status CheckBinds() const;

  // Steps once: true with a row to read, false when done. Errors as SqliteError.
  Result<bool> Step();
  // Steps to completion, for statements without results, then resets the statement so it can
  // run again with new bindings.
  Status Run();
  // Rows changed by the last Run of an INSERT, UPDATE or DELETE.
  int64_t Changes() const { return sqlite3_changes64(db_); }

  int64_t Int(int column) const { return sqlite3_column_int64(statement_.get(), column); }
  double Real(int column) const { return sqlite3_column_double(statement_.get(), column); }
  // The text of a column; empty for NULL.
  std::string Text(int column) const;

  // The raw handle, for hot loops that read cells straight into columnar vectors.
  sqlite3_stmt* get() const { return statement_.get(); }
  // Finalizes early (before the connection goes), e.g. when a scan ends.
  void Finalize() { statement_.reset(); }

 private:
  friend class StatementCache;
  // Finalizes a statement of its own; resets one of a cache (bindings cleared) and marks it
  // free there.
  struct Finalizer {
    bool* in_use = nullptr;  // the cache entry's flag, or null
    void operator()(sqlite3_stmt* statement) const;
  };
  Statement(sqlite3* db, sqlite3_stmt* statement, bool* in_use = nullptr)
      : db_(db), statement_(statement, Finalizer{in_use}) {}
  Statement& Remember(int rc);

  sqlite3* db_;
  std::unique_ptr<sqlite3_stmt, Finalizer> statement_;
  int bind_error_ = SQLITE_OK;  // first failed bind, reported by Step
};

// Prepared statements of one connection kept for reuse, keyed by their SQL: a hot query is parsed
// and planned once instead of on every call (SQLite re-prepares a cached statement by itself
// when the schema changes). A statement handed out is reset and its bindings cleared when the
// Statement dies; asked for again while still in use (a nested call), the same SQL gets a fresh
// statement of its own. Used under the connection's lock, like the connection; must die before
// the connection and after every Statement it handed out.
class StatementCache {
 public:
  explicit StatementCache(sqlite3* db) : db_(db) {}
  ~StatementCache();
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;

  // As Statement::Prepare, from the cache when it holds `sql` and it is free.
  Result<Statement> Prepare(std::string_view sql);

 private:
  struct Entry {
    sqlite3_stmt* statement = nullptr;
    bool in_use = false;
  };
  sqlite3* db_;
  std::vector<std::pair<std::string, std::unique_ptr<Entry>>> entries_;  // a few hot queries
};

// BEGIN IMMEDIATE ... COMMIT: takes the write lock at the start, so checks made inside hold until
// the commit. Rolls back on destruction unless committed.
class WriteTransaction {
 public:
  static Result<std::unique_ptr<WriteTransaction>> Begin(sqlite3* db);
  ~WriteTransaction();
  Status Commit();

 private:
  explicit WriteTransaction(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  bool open_ = true;
};

}  // namespace de::sqlite
