// The PostgreSQL metadata store's query helpers over de::pg (postgres/pg_session.h): running a
// statement with its parameters bound and constraint violations mapped like SQLite's, a
// transaction guard, reading typed cells, and the fixed hash that turns a name into an advisory
// lock key.
//
// Not thread-safe: a PGconn is used by one thread at a time.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "postgres/pg_session.h"

namespace de::metadata_pg {

// A failed statement's constraint, when it was a constraint violation (class 23).
struct Violation {
  std::string constraint;  // PG_DIAG_CONSTRAINT_NAME, e.g. "request_table_pkey"
};

// Runs `sql` with `params` ($1 = params[0], all bound as text) and expects `expected`
// (PGRES_TUPLES_OK for statements with results, PGRES_COMMAND_OK otherwise). Errors as
// pg::CommandError, except constraint violations, mapped as the SQLite store's: unique (23505)
// kAlreadyExists, check and not-null (23514, 23502) kInvalidArgument, foreign key (23503)
// kFailedPrecondition; then `violation`, when given, receives the constraint's name.
Result<pg::PgResult> Run(PGconn* conn, std::string_view sql, const std::vector<std::string>& params,
                         ExecStatusType expected, std::string_view what,
                         Violation* violation = nullptr);
// Run for a statement without results.
Status RunCommand(PGconn* conn, std::string_view sql, const std::vector<std::string>& params,
                  std::string_view what, Violation* violation = nullptr);

// BEGIN ... COMMIT on one connection; rolls back on destruction unless committed. A connection
// whose ROLLBACK fails is left in a failed transaction, which the pool notices and discards.
class Transaction {
 public:
  // `begin` is e.g. "BEGIN" or "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY".
  static Result<std::unique_ptr<Transaction>> Begin(PGconn* conn, std::string_view begin = "BEGIN");
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Status Commit();

 private:
  explicit Transaction(PGconn* conn) : conn_(conn) {}
  PGconn* conn_;
  bool open_ = true;
};

// Typed reads of text-format cells. An empty cell (NULL) reads as 0 / false. A cell that does not
// parse is a protocol surprise: kDataLoss naming `what`.
Result<int64_t> CellInt(const PGresult* result, int row, int column, std::string_view what);
Result<double> CellDouble(const PGresult* result, int row, int column, std::string_view what);
bool CellBool(const PGresult* result, int row, int column);  // "t" is true
std::string CellText(const PGresult* result, int row, int column);

// Parameter text for a value.
std::string Param(int64_t value);
std::string Param(int value);
std::string Param(double value);  // shortest text that reads back as the same double
std::string Param(bool value);    // "true" / "false"

// FNV-1a 64 of `text`, as the signed bigint PostgreSQL's advisory lock functions take.
int64_t AdvisoryKey(std::string_view text);

}  // namespace de::metadata_pg
