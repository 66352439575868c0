#include "postgres/pg_session.h"

#include <string>

namespace de::pg {
namespace {

// libpq messages end with a newline (and may span lines); one line reads better in a Status.
std::string OneLine(const char* message) {
  std::string text = message ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  for (char& c : text) {
    if (c == '\n') c = ' ';
  }
  return text.empty() ? "unknown libpq error" : text;
}

const char* OrEmpty(const char* s) { return s ? s : ""; }

}  // namespace

std::string DescribeConn(PGconn* conn) {
  return fmt::format("host {} port {} database {}", OrEmpty(PQhost(conn)), OrEmpty(PQport(conn)),
                     OrEmpty(PQdb(conn)));
}

Result<Conn> Connect(const std::string& conninfo, int statement_timeout_ms) {
  Conn conn(PQconnectdb(conninfo.c_str()));
  if (!conn) return ResourceExhausted("libpq could not allocate a connection");
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    return Unavailable("cannot connect to PostgreSQL ({}): {}", DescribeConn(conn.get()),
                       OneLine(PQerrorMessage(conn.get())));
  }
  if (PQsetClientEncoding(conn.get(), "UTF8") != 0) {
    return Unavailable("PostgreSQL ({}): cannot set client_encoding UTF8: {}",
                       DescribeConn(conn.get()), OneLine(PQerrorMessage(conn.get())));
  }
  // The timeout is our own integer, bound like any value.
  ASSIGN_OR_RETURN(PgResult ignored,
                   Exec(conn.get(), "SELECT set_config('statement_timeout', $1, false)",
                        {std::to_string(statement_timeout_ms > 0 ? statement_timeout_ms : 0)},
                        PGRES_TUPLES_OK, "setting statement_timeout"));
  return conn;
}

Status CommandError(PGconn* conn, const PGresult* result, std::string_view what, bool cancelled) {
  std::string message = OneLine(result ? PQresultErrorMessage(result) : PQerrorMessage(conn));
  if (result && message == "unknown libpq error") message = OneLine(PQerrorMessage(conn));
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string_view code = state ? state : "";
  if (PQstatus(conn) == CONNECTION_BAD || code.empty()) {
    if (cancelled) return Cancelled("{} was cancelled", what);
    return Unavailable("{}: connection to PostgreSQL ({}) lost: {}", what, DescribeConn(conn),
                       message);
  }
  if (code == "57014") {
    if (cancelled) return Cancelled("{} was cancelled", what);
    return DeadlineExceeded("{}: {}", what, message);
  }
  std::string_view klass = code.substr(0, 2);
  if (klass == "08" || klass == "40" || klass == "53" || klass == "57" || klass == "58") {
    return Unavailable("{}: PostgreSQL ({}): {}", what, DescribeConn(conn), message);
  }
  if (code == "42P01" || code == "42703" || code == "3F000") {
    return NotFound("{}: {}", what, message);
  }
  if (code == "42501") return PermissionDenied("{}: {}", what, message);
  if (klass == "22") return DataLoss("{}: {}", what, message);
  return Internal("{}: PostgreSQL error {}: {}", what, code, message);
}

Result<PgResult> Exec(PGconn* conn, const std::string& sql, const std::vector<std::string>& params,
                      ExecStatusType expected, std::string_view what) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const std::string& p : params) values.push_back(p.c_str());
  PgResult result(PQexecParams(conn, sql.c_str(), static_cast<int>(values.size()), nullptr,
                               values.data(), nullptr, nullptr, /*resultFormat=*/0));
  if (!result || PQresultStatus(result.get()) != expected) {
    return CommandError(conn, result.get(), what, /*cancelled=*/false);
  }
  return result;
}

}  // namespace de::pg
