#include "metadata/postgres/pg_statements.h"

#include <charconv>
#include <cstring>

namespace de::metadata_pg {

namespace {

// libpq messages end with a newline; one line reads better in a Status.
std::string OneLine(const char* message) {
  std::string text = message ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  for (char& c : text) {
    if (c == '\n') c = ' ';
  }
  return text;
}

Status ViolationError(const PGresult* result, std::string_view code, std::string_view what,
                      Violation* violation) {
  if (violation) {
    const char* name = PQresultErrorField(result, PG_DIAG_CONSTRAINT_NAME);
    violation->constraint = name ? name : "";
  }
  std::string message = OneLine(PQresultErrorMessage(result));
  if (code == "23505") return AlreadyExists("{}: {}", what, message);
  if (code == "23503") return FailedPrecondition("{}: {}", what, message);
  return InvalidArgument("{}: {}", what, message);
}

}  // namespace

Result<pg::PgResult> Run(PGconn* conn, std::string_view sql, const std::vector<std::string>& params,
                         ExecStatusType expected, std::string_view what, Violation* violation) {
  std::string text(sql);
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const std::string& p : params) values.push_back(p.c_str());
  pg::PgResult result(PQexecParams(conn, text.c_str(), static_cast<int>(values.size()), nullptr,
                                   values.data(), nullptr, nullptr, /*resultFormat=*/0));
  if (result && PQresultStatus(result.get()) == expected) return result;
  const char* state = result ? PQresultErrorField(result.get(), PG_DIAG_SQLSTATE) : nullptr;
  std::string_view code = state ? state : "";
  if (code == "23505" || code == "23514" || code == "23502" || code == "23503") {
    return ViolationError(result.get(), code, what, violation);
  }
  if (result && PQresultStatus(result.get()) != PGRES_FATAL_ERROR) {
    return Internal("{}: unexpected result {} from PostgreSQL", what,
                    PQresStatus(PQresultStatus(result.get())));
  }
  return pg::CommandError(conn, result.get(), what, /*cancelled=*/false);
}

Status RunCommand(PGconn* conn, std::string_view sql, const std::vector<std::string>& params,
                  std::string_view what, Violation* violation) {
  return Run(conn, sql, params, PGRES_COMMAND_OK, what, violation).status();
}

Result<std::unique_ptr<Transaction>> Transaction::Begin(PGconn* conn, std::string_view begin) {
  RETURN_IF_ERROR(RunCommand(conn, begin, {}, "starting a transaction"));
  return std::unique_ptr<Transaction>(new Transaction(conn));
}

Transaction::~Transaction() {
  if (open_) RunCommand(conn_, "ROLLBACK", {}, "rolling back").IgnoreError();
}

Status Transaction::Commit() {
  open_ = false;  // a failed COMMIT ends the transaction too
  return RunCommand(conn_, "COMMIT", {}, "committing");
}

Result<int64_t> CellInt(const PGresult* result, int row, int column, std::string_view what) {
  std::string_view text = pg::Cell(result, row, column);
  if (text.empty()) return int64_t{0};
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return DataLoss("{}: '{}' is not an integer", what, text);
  }
  return value;
}

Result<double> CellDouble(const PGresult* result, int row, int column, std::string_view what) {
  std::string_view text = pg::Cell(result, row, column);
  if (text.empty()) return 0.0;
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return DataLoss("{}: '{}' is not a number", what, text);
  }
  return value;
}

bool CellBool(const PGresult* result, int row, int column) {
  return pg::Cell(result, row, column) == "t";
}

std::string CellText(const PGresult* result, int row, int column) {
  return std::string(pg::Cell(result, row, column));
}

std::string Param(int64_t value) { return std::to_string(value); }
std::string Param(int value) { return std::to_string(value); }
std::string Param(double value) { return fmt::format("{}", value); }
std::string Param(bool value) { return value ? "true" : "false"; }

int64_t AdvisoryKey(std::string_view text) {
  uint64_t hash = 14695981039346656037ull;  // FNV-1a 64 offset basis
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;  // FNV prime
  }
  int64_t key;
  std::memcpy(&key, &hash, sizeof key);
  return key;
}

}  // namespace de::metadata_pg
