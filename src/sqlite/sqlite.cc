#include "sqlite/sqlite.h"

namespace de::sqlite {
namespace {

StatusCode CodeFor(int rc) {
  switch (rc) {
    case SQLITE_CONSTRAINT_PRIMARYKEY:
    case SQLITE_CONSTRAINT_UNIQUE:
      return StatusCode::kAlreadyExists;
    case SQLITE_CONSTRAINT_CHECK:
    case SQLITE_CONSTRAINT_NOTNULL:
      return StatusCode::kInvalidArgument;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return StatusCode::kFailedPrecondition;
    default:
      break;
  }
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_PROTOCOL:
      return StatusCode::kUnavailable;
    case SQLITE_INTERRUPT:
      return StatusCode::kCancelled;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return StatusCode::kDataLoss;
    case SQLITE_PERM:
    case SQLITE_AUTH:
    case SQLITE_READONLY:
      return StatusCode::kPermissionDenied;
    case SQLITE_NOMEM:
    case SQLITE_FULL:
      return StatusCode::kResourceExhausted;
    default:
      return StatusCode::kInternal;
  }
}

}  // namespace

Status SqliteError(sqlite3* db, int rc, std::string_view what) {
  return Status(CodeFor(rc),
                fmt::format("{}: {}", what, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
}

Status Execute(sqlite3* db, std::string_view sql) {
  std::string text(sql);
  int rc = sqlite3_exec(db, text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db, rc, "running SQL");
  return Status::Ok();
}

Result<Statement> Statement::Prepare(sqlite3* db, std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &raw, nullptr);
  Statement statement(db, raw);
  if (rc != SQLITE_OK) return SqliteError(db, rc, "preparing a query");
  return statement;
}

void Statement::Finalizer::operator()(sqlite3_stmt* statement) const {
  if (in_use == nullptr) {
    sqlite3_finalize(statement);
    return;
  }
  sqlite3_reset(statement);
  sqlite3_clear_bindings(statement);
  *in_use = false;
}

StatementCache::~StatementCache() {
  for (auto& [sql, entry] : entries_) sqlite3_finalize(entry->statement);
}

Result<Statement> StatementCache::Prepare(std::string_view sql) {
  Entry* entry = nullptr;
  for (auto& [cached_sql, cached] : entries_) {
    if (cached_sql == sql) entry = cached.get();
  }
  if (entry != nullptr && entry->in_use) return Statement::Prepare(db_, sql);
  if (entry == nullptr) {
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
    if (rc != SQLITE_OK) {
      sqlite3_finalize(raw);
      return SqliteError(db_, rc, "preparing a query");
    }
    auto owned = std::make_unique<Entry>();
    owned->statement = raw;
    entry = owned.get();
    entries_.emplace_back(std::string(sql), std::move(owned));
  }
  entry->in_use = true;
  return Statement(db_, entry->statement, &entry->in_use);
}

Statement& Statement::Remember(int rc) {
  if (bind_error_ == SQLITE_OK) bind_error_ = rc;
  return *this;
}

Statement& Statement::BindInt(int index, int64_t value) {
  return Remember(sqlite3_bind_int64(statement_.get(), index, value));
}

Statement& Statement::BindReal(int index, double value) {
  return Remember(sqlite3_bind_double(statement_.get(), index, value));
}

Statement& Statement::BindText(int index, std::string_view value) {
  // A null pointer would bind NULL; an empty view must bind ''.
  return Remember(sqlite3_bind_text(statement_.get(), index, value.data() ? value.data() : "",
                                    static_cast<int>(value.size()), SQLITE_TRANSIENT));
}

Statement& Statement::BindNull(int index) {
  return Remember(sqlite3_bind_null(statement_.get(), index));
}

Statement& Statement::BindTextOrNull(int index, std::string_view value) {
  return value.empty() ? BindNull(index) : BindText(index, value);
}

Status Statement::CheckBinds() const {
  if (bind_error_ != SQLITE_OK) return SqliteError(db_, bind_error_, "binding a value");
  return Status::Ok();
}

Result<bool> Statement::Step() {
  RETURN_IF_ERROR(CheckBinds());
  int rc = sqlite3_step(statement_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteError(db_, rc, "running a query");
}

Status Statement::Run() {
  Result<bool> row = true;
  while (row.ok() && *row) row = Step();
  sqlite3_reset(statement_.get());  // ready to run again with new bindings
  bind_error_ = SQLITE_OK;
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

}  // namespace de::sqlite
