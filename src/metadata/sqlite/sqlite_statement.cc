#include "metadata/sqlite/sqlite_statement.h"

namespace de::metadata_sqlite {

Status SqliteError(sqlite3* db, int rc, std::string_view what) {
  std::string message = fmt::format("{}: {}", what, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  StatusCode code = StatusCode::kInternal;
  switch (rc) {
    case SQLITE_CONSTRAINT_PRIMARYKEY:
    case SQLITE_CONSTRAINT_UNIQUE:
      code = StatusCode::kAlreadyExists;
      break;
    case SQLITE_CONSTRAINT_CHECK:
    case SQLITE_CONSTRAINT_NOTNULL:
      code = StatusCode::kInvalidArgument;
      break;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      code = StatusCode::kFailedPrecondition;
      break;
    default:
      switch (rc & 0xff) {
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
        case SQLITE_IOERR:
        case SQLITE_CANTOPEN:
        case SQLITE_PROTOCOL:
          code = StatusCode::kUnavailable;
          break;
        case SQLITE_CORRUPT:
        case SQLITE_NOTADB:
          code = StatusCode::kDataLoss;
          break;
        case SQLITE_PERM:
        case SQLITE_AUTH:
        case SQLITE_READONLY:
          code = StatusCode::kPermissionDenied;
          break;
        case SQLITE_NOMEM:
        case SQLITE_FULL:
          code = StatusCode::kResourceExhausted;
          break;
        default:
          break;
      }
  }
  return Status(code, std::move(message));
}

Status Execute(sqlite3* db, std::string_view sql) {
  std::string text(sql);
  int rc = sqlite3_exec(db, text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db, rc, "metadata store");
  return Status::Ok();
}

Result<Statement> Statement::Prepare(sqlite3* db, std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &raw, nullptr);
  Statement statement(db, raw);
  if (rc != SQLITE_OK) return SqliteError(db, rc, "preparing a metadata query");
  return statement;
}

Statement& Statement::BindInt(int index, int64_t value) {
  int rc = sqlite3_bind_int64(statement_.get(), index, value);
  if (bind_error_ == SQLITE_OK) bind_error_ = rc;
  return *this;
}

Statement& Statement::BindReal(int index, double value) {
  int rc = sqlite3_bind_double(statement_.get(), index, value);
  if (bind_error_ == SQLITE_OK) bind_error_ = rc;
  return *this;
}

Statement& Statement::BindText(int index, std::string_view value) {
  // A null pointer would bind NULL; an empty view must bind ''.
  int rc = sqlite3_bind_text(statement_.get(), index, value.data() ? value.data() : "",
                             static_cast<int>(value.size()), SQLITE_TRANSIENT);
  if (bind_error_ == SQLITE_OK) bind_error_ = rc;
  return *this;
}

Statement& Statement::BindTextOrNull(int index, std::string_view value) {
  if (!value.empty()) return BindText(index, value);
  int rc = sqlite3_bind_null(statement_.get(), index);
  if (bind_error_ == SQLITE_OK) bind_error_ = rc;
  return *this;
}

Result<bool> Statement::Step() {
  if (bind_error_ != SQLITE_OK) return SqliteError(db_, bind_error_, "binding a metadata value");
  int rc = sqlite3_step(statement_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteError(db_, rc, "metadata store");
}

Status Statement::Run() {
  Result<bool> row = true;
  while (row.ok() && *row) row = Step();
  sqlite3_reset(statement_.get());  // ready to run again with new bindings
  return row.status();
}

std::string Statement::Text(int column) const {
  const unsigned char* text = sqlite3_column_text(statement_.get(), column);
  if (!text) return std::string();
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<size_t>(sqlite3_column_bytes(statement_.get(), column)));
}

Result<std::unique_ptr<WriteTransaction>> WriteTransaction::Begin(sqlite3* db) {
  RETURN_IF_ERROR(Execute(db, "BEGIN IMMEDIATE"));
  return std::unique_ptr<WriteTransaction>(new WriteTransaction(db));
}

WriteTransaction::~WriteTransaction() {
  if (open_) Execute(db_, "ROLLBACK").IgnoreError();
}

Status WriteTransaction::Commit() {
  RETURN_IF_ERROR(Execute(db_, "COMMIT"));
  open_ = false;
  return Status::Ok();
}

}  // namespace de::metadata_sqlite
