// Owning wrappers over libpq's connection and result handles, the one place where a libpq error
// becomes a de::Status, and the helpers the PostgreSQL warehouse and metadata store run their
// queries with.
// Every value reaches the server as a bound parameter (PQexecParams); SQL text passed here is
// built only from our own constants and catalog-checked, quoted identifiers.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace de::pg {

struct ConnCloser {
  void operator()(PGconn* conn) const { PQfinish(conn); }
};
struct ResultClearer {
  void operator()(PGresult* result) const { PQclear(result); }
};
// Not thread-safe: a connection is used by one thread at a time.
using Conn = std::unique_ptr<PGconn, ConnCloser>;
using PgResult = std::unique_ptr<PGresult, ResultClearer>;

// Opens a connection from a libpq conninfo string (libpq also reads PG* variables and
// PGPASSFILE), then sets client_encoding UTF8 and, when positive, statement_timeout.
// kUnavailable naming host, port and database (never the password) when the server cannot be
// reached or refuses the login.
Result<Conn> Connect(const std::string& conninfo, int statement_timeout_ms);

// "host H port P database D" of a connection, for messages.
std::string DescribeConn(PGconn* conn);

// The Status for a failed command: by SQLSTATE, kCancelled for 57014 when `cancelled`,
// kDeadlineExceeded for 57014 otherwise (statement_timeout), kUnavailable for a lost connection
// and classes 08/40/53/57/58, kNotFound for an undefined table or column, kPermissionDenied for
// 42501, kDataLoss for data exceptions (22), kInternal for the rest. `what` says what ran.
Status CommandError(PGconn* conn, const PGresult* result, std::string_view what, bool cancelled);

// Runs `sql` with `params` bound as text ($1 is params[0]) and text results. Any status other
// than `expected` is an error per CommandError.
Result<PgResult> Exec(PGconn* conn, const std::string& sql, const std::vector<std::string>& params,
                      ExecStatusType expected, std::string_view what);

// The text of a result cell, "" for NULL.
inline std::string_view Cell(const PGresult* result, int row, int column) {
  return {PQgetvalue(result, row, column), static_cast<size_t>(PQgetlength(result, row, column))};
}

}  // namespace de::pg
