#include "metadata/sqlite/sqlite_metadata_store.h"

#include <cmath>
#include <filesystem>
#include <set>

#include "metadata/sqlite/sqlite_migrations.h"

namespace de {

using sqlite::Connection;
using sqlite::Statement;
using sqlite::WriteTransaction;

namespace {

// Columns in the order ReadRequest expects.
#define DE_REQUEST_COLUMNS                                                                 \
  "de_request_id, start_time, end_time, status, progress, error, created_at, updated_at, " \
  "owner, lease_expires_at"

constexpr std::string_view kInsertRequest = "INSERT INTO request_table (" DE_REQUEST_COLUMNS
                                            ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
constexpr std::string_view kSelectRequest =
    "SELECT " DE_REQUEST_COLUMNS " FROM request_table WHERE de_request_id = ?1";
constexpr std::string_view kListRequests = "SELECT " DE_REQUEST_COLUMNS
                                           " FROM request_table "
                                           "ORDER BY created_at DESC, rowid DESC LIMIT ?1";
#undef DE_REQUEST_COLUMNS

bool IsValidProgress(double progress) { return progress >= 0 && progress <= 100; }

Result<ExportRequest> ReadRequest(const Statement& row) {
  ExportRequest request;
  request.id = row.Text(0);
  request.start_time = row.Int(1);
  request.end_time = row.Int(2);
  std::string status = row.Text(3);
  std::optional<RequestState> state = ParseRequestState(status);
  if (!state) return DataLoss("request '{}' has an unknown status '{}'", request.id, status);
  request.state = *state;
  request.progress = row.Real(4);
  request.error = row.Text(5);
  request.created_at = row.Int(6);
  request.updated_at = row.Int(7);
  request.owner = row.Text(8);
  request.lease_expires_at = row.Int(9);
  return request;
}

Status ValidateClassification(const ColumnClassification& row) {
  static const std::set<std::string, std::less<>> kCodes = {"nr", "mx", "de", "hwc"};
  if (row.table_name.empty() || row.column_name.empty()) {
    return InvalidArgument("column classification with an empty table or column name ('{}'.'{}')",
                           row.table_name, row.column_name);
  }
  if (!kCodes.contains(row.classification)) {
    return InvalidArgument("column classification of '{}'.'{}' is '{}', not nr, mx, de or hwc",
                           row.table_name, row.column_name, row.classification);
  }
  return Status::Ok();
}

Status CreateParentDirectory(const std::string& path) {
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (parent.empty()) return Status::Ok();
  std::error_code ec;
  std::filesystem::create_directories(parent, ec);
  if (ec) {
    return PermissionDenied("cannot create the metadata directory '{}': {}", parent.string(),
                            ec.message());
  }
  return Status::Ok();
}

}  // namespace

SqliteMetadataStore::SqliteMetadataStore(Connection db, Clock* clock)
    : clock_(clock), db_(std::move(db)) {}

Result<std::unique_ptr<SqliteMetadataStore>> SqliteMetadataStore::Open(const std::string& path,
                                                                       Clock* clock) {
  if (clock == nullptr) return InvalidArgument("the metadata store needs a clock");
  RETURN_IF_ERROR(CreateParentDirectory(path));
  sqlite3* raw = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  Connection db(raw);
  if (rc != SQLITE_OK) {
    Status error = sqlite::SqliteError(db.get(), rc, fmt::format("opening '{}'", path));
    if ((rc & 0xff) == SQLITE_CANTOPEN) return PermissionDenied("{}", error.message());
    return error;
  }
  sqlite3_extended_result_codes(db.get(), 1);
  sqlite3_busy_timeout(db.get(), kBusyTimeoutMillis);
  Status configured = sqlite::Execute(
      db.get(), "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON");
  if (!configured.ok()) return configured.WithContext(fmt::format("metadata store '{}'", path));
  Status migrated = metadata_sqlite::ApplyMigrations(db.get(), MetadataMigrations(), *clock);
  if (!migrated.ok()) return migrated.WithContext(fmt::format("metadata store '{}'", path));
  return std::unique_ptr<SqliteMetadataStore>(new SqliteMetadataStore(std::move(db), clock));
}

Result<int64_t> SqliteMetadataStore::SchemaVersion() {
  std::lock_guard<std::mutex> lock(mu_);
  return metadata_sqlite::AppliedSchemaVersion(db_.get());
}

// --- request_table ---

Status SqliteMetadataStore::CreateRequest(const ExportRequest& request) {
  if (request.id.empty()) return InvalidArgument("a request needs an id");
  if (!IsValidProgress(request.progress)) {
    return InvalidArgument("progress {} of request '{}' is outside 0..100", request.progress,
                           request.id);
  }
  int64_t created_at = request.created_at != 0 ? request.created_at : clock_->NowMicros();
  int64_t updated_at = request.updated_at != 0 ? request.updated_at : created_at;
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(Statement insert, Statement::Prepare(db_.get(), kInsertRequest));
  insert.BindText(1, request.id)
      .BindInt(2, request.start_time)
      .BindInt(3, request.end_time)
      .BindText(4, RequestStateName(request.state))
      .BindReal(5, request.progress)
      .BindText(6, request.error)
      .BindInt(7, created_at)
      .BindInt(8, updated_at)
      .BindText(9, request.owner)
      .BindInt(10, request.lease_expires_at);
  Status inserted = insert.Run();
  if (inserted.code() == StatusCode::kAlreadyExists) {
    return AlreadyExists("request '{}' already exists", request.id);
  }
  return inserted;
}

Result<std::optional<ExportRequest>> SqliteMetadataStore::GetRequest(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(Statement select, Statement::Prepare(db_.get(), kSelectRequest));
  select.BindText(1, id);
  ASSIGN_OR_RETURN(bool row, select.Step());
  if (!row) return std::optional<ExportRequest>();
  ASSIGN_OR_RETURN(ExportRequest request, ReadRequest(select));
  return std::optional<ExportRequest>(std::move(request));
}

Result<std::vector<ExportRequest>> SqliteMetadataStore::ListRequests(int limit) {
  if (limit < 0) return InvalidArgument("request list limit {} is negative", limit);
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(Statement select, Statement::Prepare(db_.get(), kListRequests));
  select.BindInt(1, limit);
  std::vector<ExportRequest> requests;
  while (true) {
    ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return requests;
    ASSIGN_OR_RETURN(ExportRequest request, ReadRequest(select));
    requests.push_back(std::move(request));
  }
}

// Caller holds mu_.
Result<RequestState> SqliteMetadataStore::CurrentState(const std::string& id) {
  ASSIGN_OR_RETURN(Statement select, Statement::Prepare(db_.get(),
                                                        "SELECT status FROM request_table WHERE "
                                                        "de_request_id = ?1"));
  select.BindText(1, id);
  ASSIGN_OR_RETURN(bool row, select.Step());
  if (!row) return NotFound("request '{}' does not exist", id);
  std::string status = select.Text(0);
  std::optional<RequestState> state = ParseRequestState(status);
  if (!state) return DataLoss("request '{}' has an unknown status '{}'", id, status);
  return *state;
}

Status SqliteMetadataStore::UpdateProgress(const std::string& id, double progress) {
  if (!IsValidProgress(progress)) {
    return InvalidArgument("progress {} of request '{}' is outside 0..100", progress, id);
  }
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(Statement update,
                   Statement::Prepare(db_.get(),
                                      "UPDATE request_table SET progress = ?1, "
                                      "updated_at = ?2 WHERE de_request_id = ?3 AND "
                                      "status = 'IN_PROGRESS'"));
  update.BindReal(1, progress).BindInt(2, clock_->NowMicros()).BindText(3, id);
  RETURN_IF_ERROR(update.Run());
  if (update.Changes() == 1) return Status::Ok();
  ASSIGN_OR_RETURN(RequestState state, CurrentState(id));
  return FailedPrecondition("request '{}' is {}, not IN_PROGRESS", id, RequestStateName(state));
}

Status SqliteMetadataStore::FinishRequest(const std::string& id, RequestState state,
                                          const std::string& error,
                                          const std::vector<RequestFile>& files) {
  if (state == RequestState::kInProgress) {
    return InvalidArgument("request '{}' cannot finish as IN_PROGRESS", id);
  }
  if (state != RequestState::kCompleted && !files.empty()) {
    return InvalidArgument("request '{}' finishing as {} cannot record files", id,
                           RequestStateName(state));
  }
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(std::unique_ptr<WriteTransaction> transaction,
                   WriteTransaction::Begin(db_.get()));
  ASSIGN_OR_RETURN(RequestState current, CurrentState(id));
  if (current != RequestState::kInProgress) {
    return FailedPrecondition("request '{}' is {}, not IN_PROGRESS", id, RequestStateName(current));
  }
  bool completed = state == RequestState::kCompleted;
  ASSIGN_OR_RETURN(Statement update,
                   Statement::Prepare(db_.get(),
                                      "UPDATE request_table SET status = ?1, error = "
                                      "?2, progress = CASE WHEN ?3 THEN 100 ELSE "
                                      "progress END, updated_at = ?4, "
                                      "lease_expires_at = 0 WHERE de_request_id = ?5"));
  update.BindText(1, RequestStateName(state))
      .BindText(2, completed ? std::string_view() : std::string_view(error))
      .BindInt(3, completed ? 1 : 0)
      .BindInt(4, clock_->NowMicros())
      .BindText(5, id);
  RETURN_IF_ERROR(update.Run());
  RETURN_IF_ERROR(InsertRequestFiles(id, files));
  return transaction->Commit();
}

// Caller holds mu_ inside a write transaction.
Status SqliteMetadataStore::InsertRequestFiles(const std::string& id,
                                               const std::vector<RequestFile>& files) {
  if (files.empty()) return Status::Ok();
  ASSIGN_OR_RETURN(Statement insert,
                   Statement::Prepare(db_.get(),
                                      "INSERT INTO request_files (de_request_id, "
                                      "table_name, file_index, object_key, bytes, "
                                      "rows, is_manifest) VALUES (?1, ?2, ?3, ?4, ?5, "
                                      "?6, ?7)"));
  for (const RequestFile& file : files) {
    insert.BindText(1, id)
        .BindText(2, file.table_name)
        .BindInt(3, file.file_index)
        .BindText(4, file.key)
        .BindInt(5, static_cast<int64_t>(file.bytes))
        .BindInt(6, static_cast<int64_t>(file.rows))
        .BindInt(7, file.is_manifest ? 1 : 0);
    Status inserted = insert.Run();
    if (inserted.code() == StatusCode::kAlreadyExists) {
      return AlreadyExists("request '{}' lists file {} of table '{}'{} twice", id, file.file_index,
                           file.table_name, file.is_manifest ? " (manifest)" : "");
    }
    RETURN_IF_ERROR(inserted);
  }
  return Status::Ok();
}

Result<std::vector<RequestFile>> SqliteMetadataStore::ListRequestFiles(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(Statement select,
                   Statement::Prepare(db_.get(),
                                      "SELECT table_name, file_index, object_key, "
                                      "bytes, rows, is_manifest FROM request_files "
                                      "WHERE de_request_id = ?1 ORDER BY table_name, "
                                      "is_manifest, file_index"));
  select.BindText(1, id);
  std::vector<RequestFile> files;
  while (true) {
    ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return files;
    files.push_back({select.Text(0), static_cast<int>(select.Int(1)), select.Text(2),
                     static_cast<uint64_t>(select.Int(3)), static_cast<uint64_t>(select.Int(4)),
                     select.Int(5) != 0});
  }
}

// --- export_tables ---

Result<std::vector<ExportTable>> SqliteMetadataStore::ListExportTables() {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(Statement select, Statement::Prepare(db_.get(),
                                                        "SELECT table_name, enabled, time_column, "
                                                        "source_column, metric_column FROM "
                                                        "export_tables ORDER BY table_name"));
  std::vector<ExportTable> tables;
  while (true) {
    ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return tables;
    tables.push_back(
        {select.Text(0), select.Int(1) != 0, select.Text(2), select.Text(3), select.Text(4)});
  }
}

Status SqliteMetadataStore::UpsertExportTable(const ExportTable& table) {
  if (table.table_name.empty() || table.time_column.empty()) {
    return InvalidArgument("export table '{}' needs a table name and a time column",
                           table.table_name);
  }
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(Statement upsert,
                   Statement::Prepare(db_.get(),
                                      "INSERT INTO export_tables (table_name, enabled, "
                                      "time_column, source_column, metric_column) VALUES (?1, "
                                      "?2, ?3, ?4, ?5) ON CONFLICT (table_name) DO UPDATE SET "
                                      "enabled = excluded.enabled, time_column = "
                                      "excluded.time_column, source_column = "
                                      "excluded.source_column, metric_column = "
                                      "excluded.metric_column"));
  upsert.BindText(1, table.table_name)
      .BindInt(2, table.enabled ? 1 : 0)
      .BindText(3, table.time_column)
      .BindTextOrNull(4, table.source_column)
      .BindTextOrNull(5, table.metric_column);
  return upsert.Run();
}

// --- data_column_classification ---

Result<std::vector<ColumnClassification>> SqliteMetadataStore::ListColumnClassifications(
    const std::string& table) {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(Statement select,
                   Statement::Prepare(db_.get(),
                                      "SELECT table_name, column_name, "
                                      "classification, treatment, pii FROM "
                                      "data_column_classification WHERE ?1 = '' OR "
                                      "table_name = ?1 ORDER BY table_name, "
                                      "column_name"));
  select.BindText(1, table);
  std::vector<ColumnClassification> rows;
  while (true) {
    ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return rows;
    rows.push_back(
        {select.Text(0), select.Text(1), select.Text(2), select.Text(3), select.Int(4) != 0});
  }
}

Status SqliteMetadataStore::ReplaceColumnClassifications(
    const std::vector<ColumnClassification>& rows) {
  std::set<std::pair<std::string_view, std::string_view>> keys;
  for (const ColumnClassification& row : rows) {
    RETURN_IF_ERROR(ValidateClassification(row));
    if (!keys.insert({row.table_name, row.column_name}).second) {
      return AlreadyExists("column '{}'.'{}' is classified twice", row.table_name, row.column_name);
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(std::unique_ptr<WriteTransaction> transaction,
                   WriteTransaction::Begin(db_.get()));
  RETURN_IF_ERROR(sqlite::Execute(db_.get(), "DELETE FROM data_column_classification"));
  ASSIGN_OR_RETURN(Statement insert,
                   Statement::Prepare(db_.get(),
                                      "INSERT INTO data_column_classification "
                                      "(table_name, column_name, classification, "
                                      "treatment, pii) VALUES (?1, ?2, ?3, ?4, ?5)"));
  for (const ColumnClassification& row : rows) {
    insert.BindText(1, row.table_name)
        .BindText(2, row.column_name)
        .BindText(3, row.classification)
        .BindTextOrNull(4, row.treatment)
        .BindInt(5, row.pii ? 1 : 0);
    RETURN_IF_ERROR(insert.Run());
  }
  RETURN_IF_ERROR(sqlite::Execute(
      db_.get(), "UPDATE policy_state SET policy_version = policy_version + 1 WHERE id = 1"));
  return transaction->Commit();
}

Result<int64_t> SqliteMetadataStore::PolicyVersion() {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(Statement select,
                   Statement::Prepare(db_.get(),
                                      "SELECT policy_version FROM policy_state WHERE "
                                      "id = 1"));
  ASSIGN_OR_RETURN(bool row, select.Step());
  if (!row) return DataLoss("policy_state has no row");
  return select.Int(0);
}

Status SqliteMetadataStore::Ping() {
  std::lock_guard<std::mutex> lock(mu_);
  Status status = sqlite::Execute(db_.get(), "SELECT 1 FROM policy_state");
  if (!status.ok()) return Status(StatusCode::kUnavailable, status.message());
  return Status::Ok();
}

}  // namespace de
