#include "metadata/sqlite/sqlite_metadata_store.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <tuple>

#include "metadata/policy_rows.h"
#include "metadata/sqlite/file_leader_lock.h"
#include "metadata/sqlite/sqlite_daily_runs.h"
#include "metadata/sqlite/sqlite_migrations.h"
#include "metadata/store_contract.h"

namespace de {

using sqlite::Connection;
using sqlite::Statement;
using sqlite::WriteTransaction;

namespace {

// Columns in the order ReadRequest expects.
#define DE_REQUEST_COLUMNS                                                                 \
  "de_request_id, start_time, end_time, status, progress, error, created_at, updated_at, " \
  "owner, lease_expires_at, policy_version"

constexpr std::string_view kInsertRequest =
    "INSERT INTO request_table (" DE_REQUEST_COLUMNS
    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
constexpr std::string_view kSelectRequest =
    "SELECT " DE_REQUEST_COLUMNS " FROM request_table WHERE de_request_id = ?1";
constexpr std::string_view kListRequests = "SELECT " DE_REQUEST_COLUMNS
                                           " FROM request_table "
                                           "ORDER BY created_at DESC, rowid DESC LIMIT ?1";
constexpr std::string_view kListRequestsInState = "SELECT " DE_REQUEST_COLUMNS
                                                  " FROM request_table WHERE status = ?1 "
                                                  "ORDER BY created_at, de_request_id";
constexpr std::string_view kFindRequestsByRange =
    "SELECT " DE_REQUEST_COLUMNS
    " FROM request_table WHERE start_time = ?1 AND end_time = ?2 "
    "ORDER BY created_at, de_request_id";
// The oldest IN_PROGRESS request whose lease is free at ?1.
constexpr std::string_view kClaimableRequest =
    "SELECT " DE_REQUEST_COLUMNS
    " FROM request_table WHERE status = 'IN_PROGRESS' AND (owner = '' OR lease_expires_at <= ?1) "
    "ORDER BY created_at, de_request_id LIMIT 1";
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
  request.policy_version = row.Int(10);
  return request;
}

Result<std::vector<ExportRequest>> ReadRequests(Statement& select) {
  std::vector<ExportRequest> requests;
  while (true) {
    ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return requests;
    ASSIGN_OR_RETURN(ExportRequest request, ReadRequest(select));
    requests.push_back(std::move(request));
  }
}

// A deferred transaction around reads: in WAL mode every read inside it sees the database as of
// the first one, whatever other connections commit meanwhile. Ends (rolls back) on destruction
// unless committed.
class ReadTransaction {
 public:
  explicit ReadTransaction(sqlite3* db) : db_(db) {}
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;
  ~ReadTransaction() {
    if (open_) sqlite::Execute(db_, "ROLLBACK").IgnoreError();
  }

  Status Begin() {
    RETURN_IF_ERROR(sqlite::Execute(db_, "BEGIN DEFERRED"));
    open_ = true;
    return Status::Ok();
  }
  Status Commit() {
    RETURN_IF_ERROR(sqlite::Execute(db_, "COMMIT"));
    open_ = false;
    return Status::Ok();
  }

 private:
  sqlite3* db_;
  bool open_ = false;
};

// One policy table's SQL and row mapping (its name, key and checks are metadata::PolicyRules),
// so that reads and writes are written once for all four. Empty optional strings are stored as
// NULL.
template <typename Row>
struct PolicyTable;

template <>
struct PolicyTable<ExportTable> {
  static constexpr std::string_view kSelect =
      "SELECT table_name, enabled, time_column, source_column, metric_column FROM export_tables "
      "ORDER BY table_name";
  static constexpr std::string_view kInsert =
      "INSERT INTO export_tables (table_name, enabled, time_column, source_column, "
      "metric_column) VALUES (?1, ?2, ?3, ?4, ?5)";
  static ExportTable Read(const Statement& s) {
    return {s.Text(0), s.Int(1) != 0, s.Text(2), s.Text(3), s.Text(4)};
  }
  static void Bind(Statement& s, const ExportTable& row) {
    s.BindText(1, row.table_name)
        .BindInt(2, row.enabled ? 1 : 0)
        .BindText(3, row.time_column)
        .BindTextOrNull(4, row.source_column)
        .BindTextOrNull(5, row.metric_column);
  }
};

template <>
struct PolicyTable<ColumnClassification> {
  static constexpr std::string_view kSelect =
      "SELECT table_name, column_name, classification, treatment, pii FROM "
      "data_column_classification WHERE ?1 = '' OR table_name = ?1 "
      "ORDER BY table_name, column_name";
  static constexpr std::string_view kInsert =
      "INSERT INTO data_column_classification (table_name, column_name, classification, "
      "treatment, pii) VALUES (?1, ?2, ?3, ?4, ?5)";
  static ColumnClassification Read(const Statement& s) {
    return {s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Int(4) != 0};
  }
  static void Bind(Statement& s, const ColumnClassification& row) {
    s.BindText(1, row.table_name)
        .BindText(2, row.column_name)
        .BindText(3, row.classification)
        .BindTextOrNull(4, row.treatment)
        .BindInt(5, row.pii ? 1 : 0);
  }
};

template <>
struct PolicyTable<SourceClassification> {
  static constexpr std::string_view kSelect =
      "SELECT source, classification FROM actual_data_classifications ORDER BY source";
  static constexpr std::string_view kInsert =
      "INSERT INTO actual_data_classifications (source, classification) VALUES (?1, ?2)";
  static SourceClassification Read(const Statement& s) { return {s.Text(0), s.Text(1)}; }
  static void Bind(Statement& s, const SourceClassification& row) {
    s.BindText(1, row.source).BindText(2, row.classification);
  }
};

template <>
struct PolicyTable<MetricClassification> {
  static constexpr std::string_view kSelect =
      "SELECT table_name, metric_name, classification, treatment FROM "
      "long_table_data_classifications ORDER BY table_name, metric_name";
  static constexpr std::string_view kInsert =
      "INSERT INTO long_table_data_classifications (table_name, metric_name, classification, "
      "treatment) VALUES (?1, ?2, ?3, ?4)";
  static MetricClassification Read(const Statement& s) {
    return {s.Text(0), s.Text(1), s.Text(2), s.Text(3)};
  }
  static void Bind(Statement& s, const MetricClassification& row) {
    s.BindText(1, row.table_name)
        .BindText(2, row.metric_name)
        .BindText(3, row.classification)
        .BindTextOrNull(4, row.treatment);
  }
};

template <typename Row>
Result<std::vector<Row>> ReadRows(Statement& select) {
  std::vector<Row> rows;
  while (true) {
    ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return rows;
    rows.push_back(PolicyTable<Row>::Read(select));
  }
}

template <typename Row>
Result<std::vector<Row>> SelectRows(sqlite3* db) {
  ASSIGN_OR_RETURN(Statement select, Statement::Prepare(db, PolicyTable<Row>::kSelect));
  return ReadRows<Row>(select);
}

// Rows of one table, or of all when `table` is empty.
Result<std::vector<ColumnClassification>> SelectColumns(sqlite3* db, const std::string& table) {
  ASSIGN_OR_RETURN(Statement select,
                   Statement::Prepare(db, PolicyTable<ColumnClassification>::kSelect));
  select.BindText(1, table);
  return ReadRows<ColumnClassification>(select);
}

// Replaces every row of the table; the caller holds a write transaction.
template <typename Row>
Status WriteRows(sqlite3* db, const std::vector<Row>& rows) {
  using Table = PolicyTable<Row>;
  RETURN_IF_ERROR(
      sqlite::Execute(db, fmt::format("DELETE FROM {}", metadata::PolicyRules<Row>::kName)));
  ASSIGN_OR_RETURN(Statement insert, Statement::Prepare(db, Table::kInsert));
  for (const Row& row : rows) {
    Table::Bind(insert, row);
    RETURN_IF_ERROR(insert.Run());
  }
  return Status::Ok();
}

Result<int64_t> SelectPolicyVersion(sqlite3* db) {
  ASSIGN_OR_RETURN(Statement select,
                   Statement::Prepare(db, "SELECT policy_version FROM policy_state WHERE id = 1"));
  ASSIGN_OR_RETURN(bool row, select.Step());
  if (!row) return DataLoss("policy_state has no row");
  return select.Int(0);
}

// Consistent only inside a transaction.
Result<PolicySnapshot> SelectPolicy(sqlite3* db) {
  PolicySnapshot policy;
  ASSIGN_OR_RETURN(policy.version, SelectPolicyVersion(db));
  ASSIGN_OR_RETURN(policy.export_tables, SelectRows<ExportTable>(db));
  ASSIGN_OR_RETURN(policy.columns, SelectColumns(db, ""));
  ASSIGN_OR_RETURN(policy.sources, SelectRows<SourceClassification>(db));
  ASSIGN_OR_RETURN(policy.metrics, SelectRows<MetricClassification>(db));
  return policy;
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

SqliteMetadataStore::SqliteMetadataStore(std::string path, Connection db, Clock* clock)
    : path_(std::move(path)), clock_(clock), db_(std::move(db)) {}

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
  return std::unique_ptr<SqliteMetadataStore>(new SqliteMetadataStore(path, std::move(db), clock));
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
      .BindInt(10, request.lease_expires_at)
      .BindInt(11, request.policy_version);
  Status inserted = insert.Run();
  if (inserted.code() != StatusCode::kAlreadyExists) return inserted;
  // The id, or (migration 6) the range of another IN_PROGRESS request.
  ASSIGN_OR_RETURN(Statement select, Statement::Prepare(db_.get(), kSelectRequest));
  select.BindText(1, request.id);
  ASSIGN_OR_RETURN(bool id_taken, select.Step());
  if (id_taken) return metadata::DuplicateRequestId(request.id);
  return metadata::OpenRangeTaken(request.start_time, request.end_time);
}

Result<std::optional<ExportRequest>> SqliteMetadataStore::GetRequest(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(Statement select, statements_.Prepare(kSelectRequest));
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
  return ReadRequests(select);
}

Result<std::vector<ExportRequest>> SqliteMetadataStore::ListRequestsInState(RequestState state) {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(Statement select, Statement::Prepare(db_.get(), kListRequestsInState));
  select.BindText(1, RequestStateName(state));
  return ReadRequests(select);
}

Result<std::vector<ExportRequest>> SqliteMetadataStore::FindRequestsByRange(int64_t start_time,
                                                                            int64_t end_time) {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(Statement select, Statement::Prepare(db_.get(), kFindRequestsByRange));
  select.BindInt(1, start_time).BindInt(2, end_time);
  return ReadRequests(select);
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

// Caller holds mu_.
Result<std::string> SqliteMetadataStore::CurrentOwner(const std::string& id) {
  ASSIGN_OR_RETURN(
      Statement select,
      Statement::Prepare(db_.get(), "SELECT owner FROM request_table WHERE de_request_id = ?1"));
  select.BindText(1, id);
  ASSIGN_OR_RETURN(bool row, select.Step());
  if (!row) return NotFound("request '{}' does not exist", id);
  return select.Text(0);
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

Status SqliteMetadataStore::FinishRequestAs(const std::string& id, const std::string& owner,
                                            RequestState state, const std::string& error,
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
  if (!owner.empty()) {
    ASSIGN_OR_RETURN(std::string holder, CurrentOwner(id));
    if (holder != owner) return metadata::RequestHeldByOther(id, holder, owner);
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

Status SqliteMetadataStore::RetireRequest(const std::string& id, const std::string& error) {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(std::unique_ptr<WriteTransaction> transaction,
                   WriteTransaction::Begin(db_.get()));
  ASSIGN_OR_RETURN(RequestState current, CurrentState(id));
  if (current != RequestState::kCompleted) {
    return FailedPrecondition("request '{}' is {}, not COMPLETED", id, RequestStateName(current));
  }
  ASSIGN_OR_RETURN(Statement update,
                   Statement::Prepare(db_.get(),
                                      "UPDATE request_table SET status = 'FAILED', error = ?1, "
                                      "updated_at = ?2 WHERE de_request_id = ?3"));
  update.BindText(1, error).BindInt(2, clock_->NowMicros()).BindText(3, id);
  RETURN_IF_ERROR(update.Run());
  ASSIGN_OR_RETURN(
      Statement remove,
      Statement::Prepare(db_.get(), "DELETE FROM request_files WHERE de_request_id = ?1"));
  remove.BindText(1, id);
  RETURN_IF_ERROR(remove.Run());
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
                   statements_.Prepare("SELECT table_name, file_index, object_key, "
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

// --- request leases ---

Result<std::optional<ClaimedRequest>> SqliteMetadataStore::ClaimRequest(const std::string& owner,
                                                                        int64_t lease_micros) {
  RETURN_IF_ERROR(metadata::CheckLease(owner, lease_micros));
  std::lock_guard<std::mutex> lock(mu_);
  int64_t now = clock_->NowMicros();
  ASSIGN_OR_RETURN(std::unique_ptr<WriteTransaction> transaction,
                   WriteTransaction::Begin(db_.get()));
  ASSIGN_OR_RETURN(Statement select, Statement::Prepare(db_.get(), kClaimableRequest));
  select.BindInt(1, now);
  ASSIGN_OR_RETURN(bool found, select.Step());
  if (!found) return std::optional<ClaimedRequest>();
  ClaimedRequest claimed;
  ASSIGN_OR_RETURN(claimed.request, ReadRequest(select));
  select.Finalize();
  claimed.previous_owner = claimed.request.owner;
  claimed.request.owner = owner;
  claimed.request.lease_expires_at = metadata::LeaseEnd(now, lease_micros);
  ASSIGN_OR_RETURN(Statement update, Statement::Prepare(db_.get(),
                                                        "UPDATE request_table SET owner = ?1, "
                                                        "lease_expires_at = ?2 WHERE "
                                                        "de_request_id = ?3"));
  update.BindText(1, owner)
      .BindInt(2, claimed.request.lease_expires_at)
      .BindText(3, claimed.request.id);
  RETURN_IF_ERROR(update.Run());
  RETURN_IF_ERROR(transaction->Commit());
  return std::optional<ClaimedRequest>(std::move(claimed));
}

Result<std::vector<std::string>> SqliteMetadataStore::RenewRequestLeases(
    const std::string& owner, const std::vector<std::string>& ids, int64_t lease_micros) {
  RETURN_IF_ERROR(metadata::CheckLease(owner, lease_micros));
  std::lock_guard<std::mutex> lock(mu_);
  int64_t until = metadata::LeaseEnd(clock_->NowMicros(), lease_micros);
  ASSIGN_OR_RETURN(std::unique_ptr<WriteTransaction> transaction,
                   WriteTransaction::Begin(db_.get()));
  ASSIGN_OR_RETURN(Statement renew,
                   Statement::Prepare(db_.get(),
                                      "UPDATE request_table SET lease_expires_at = ?1 WHERE "
                                      "de_request_id = ?2 AND owner = ?3 AND "
                                      "status = 'IN_PROGRESS'"));
  std::vector<std::string> lost;
  for (const std::string& id : ids) {
    renew.BindInt(1, until).BindText(2, id).BindText(3, owner);
    RETURN_IF_ERROR(renew.Run());
    if (renew.Changes() != 1) lost.push_back(id);
  }
  RETURN_IF_ERROR(transaction->Commit());
  return lost;
}

Status SqliteMetadataStore::ReleaseRequests(const std::string& owner,
                                            const std::vector<std::string>& ids) {
  if (owner.empty()) return InvalidArgument("releasing leases needs an owner");
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(std::unique_ptr<WriteTransaction> transaction,
                   WriteTransaction::Begin(db_.get()));
  ASSIGN_OR_RETURN(Statement release,
                   Statement::Prepare(db_.get(),
                                      "UPDATE request_table SET owner = '', lease_expires_at = 0 "
                                      "WHERE de_request_id = ?1 AND owner = ?2 AND "
                                      "status = 'IN_PROGRESS'"));
  for (const std::string& id : ids) {
    release.BindText(1, id).BindText(2, owner);
    RETURN_IF_ERROR(release.Run());
  }
  return transaction->Commit();
}

Result<int64_t> SqliteMetadataStore::CountUnclaimedRequests() {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(Statement count,
                   Statement::Prepare(db_.get(),
                                      "SELECT COUNT(*) FROM request_table WHERE status = "
                                      "'IN_PROGRESS' AND (owner = '' OR lease_expires_at <= ?1)"));
  count.BindInt(1, clock_->NowMicros());
  ASSIGN_OR_RETURN(bool row, count.Step());
  return row ? count.Int(0) : 0;
}

// --- policy ---

Result<std::vector<ExportTable>> SqliteMetadataStore::ListExportTables() {
  std::lock_guard<std::mutex> lock(mu_);
  return SelectRows<ExportTable>(db_.get());
}

Status SqliteMetadataStore::UpsertExportTable(const ExportTable& table) {
  RETURN_IF_ERROR(metadata::PolicyRules<ExportTable>::Validate(table, 1));
  return ChangePolicy(
             [&](PolicySnapshot& policy) { metadata::PutExportTable(policy.export_tables, table); })
      .status();
}

Result<std::vector<ColumnClassification>> SqliteMetadataStore::ListColumnClassifications(
    const std::string& table) {
  std::lock_guard<std::mutex> lock(mu_);
  return SelectColumns(db_.get(), table);
}

Status SqliteMetadataStore::ReplaceColumnClassifications(
    const std::vector<ColumnClassification>& rows) {
  std::vector<ColumnClassification> columns = rows;
  RETURN_IF_ERROR(metadata::ValidateAndSort(columns));
  return ChangePolicy([&](PolicySnapshot& policy) { policy.columns = std::move(columns); })
      .status();
}

Result<PolicySnapshot> SqliteMetadataStore::LoadPolicy() {
  std::lock_guard<std::mutex> lock(mu_);
  ReadTransaction transaction(db_.get());
  RETURN_IF_ERROR(transaction.Begin());
  ASSIGN_OR_RETURN(PolicySnapshot policy, SelectPolicy(db_.get()));
  RETURN_IF_ERROR(transaction.Commit());
  return policy;
}

Result<int64_t> SqliteMetadataStore::ReplacePolicy(const PolicySnapshot& policy) {
  PolicySnapshot wanted = policy;
  RETURN_IF_ERROR(metadata::ValidateAndSortPolicy(wanted));
  return ChangePolicy([&](PolicySnapshot& next) { next = std::move(wanted); });
}

Result<int64_t> SqliteMetadataStore::ChangePolicy(
    const std::function<void(PolicySnapshot&)>& edit) {
  std::lock_guard<std::mutex> lock(mu_);
  sqlite3* db = db_.get();
  ASSIGN_OR_RETURN(std::unique_ptr<WriteTransaction> transaction, WriteTransaction::Begin(db));
  ASSIGN_OR_RETURN(PolicySnapshot stored, SelectPolicy(db));
  PolicySnapshot next = stored;
  edit(next);
  // An unchanged policy keeps its version: manifests written under it stay current.
  if (next.SameRules(stored)) return stored.version;
  if (next.export_tables != stored.export_tables) {
    RETURN_IF_ERROR(WriteRows(db, next.export_tables));
  }
  if (next.columns != stored.columns) RETURN_IF_ERROR(WriteRows(db, next.columns));
  if (next.sources != stored.sources) RETURN_IF_ERROR(WriteRows(db, next.sources));
  if (next.metrics != stored.metrics) RETURN_IF_ERROR(WriteRows(db, next.metrics));
  ASSIGN_OR_RETURN(Statement bump, Statement::Prepare(db,
                                                      "UPDATE policy_state SET policy_version = "
                                                      "?1 WHERE id = 1"));
  bump.BindInt(1, stored.version + 1);
  RETURN_IF_ERROR(bump.Run());
  RETURN_IF_ERROR(transaction->Commit());
  return stored.version + 1;
}

Result<int64_t> SqliteMetadataStore::PolicyVersion() {
  std::lock_guard<std::mutex> lock(mu_);
  return SelectPolicyVersion(db_.get());
}

// --- daily runs ---

Status SqliteMetadataStore::UpsertDailyRun(const DailyRun& run) {
  std::lock_guard<std::mutex> lock(mu_);
  return metadata_sqlite::UpsertDailyRun(db_.get(), run);
}

Result<std::optional<DailyRun>> SqliteMetadataStore::GetDailyRun(const std::string& run_date) {
  std::lock_guard<std::mutex> lock(mu_);
  return metadata_sqlite::SelectDailyRun(db_.get(), run_date);
}

Result<std::vector<DailyRun>> SqliteMetadataStore::ListDailyRuns(int limit) {
  std::lock_guard<std::mutex> lock(mu_);
  return metadata_sqlite::SelectDailyRuns(db_.get(), limit);
}

Result<std::vector<DailyRun>> SqliteMetadataStore::ListDailyRunsBetween(const std::string& from,
                                                                        const std::string& to) {
  std::lock_guard<std::mutex> lock(mu_);
  return metadata_sqlite::SelectDailyRunsBetween(db_.get(), from, to);
}

Status SqliteMetadataStore::UpsertTableJob(const TableJobStatus& job) {
  std::lock_guard<std::mutex> lock(mu_);
  return metadata_sqlite::UpsertTableJob(db_.get(), job);
}

Result<std::optional<TableJobStatus>> SqliteMetadataStore::GetTableJob(const std::string& run_date,
                                                                       const std::string& table) {
  std::lock_guard<std::mutex> lock(mu_);
  return metadata_sqlite::SelectTableJob(db_.get(), run_date, table);
}

Result<std::vector<TableJobStatus>> SqliteMetadataStore::ListTableJobs(
    const std::string& run_date) {
  std::lock_guard<std::mutex> lock(mu_);
  return metadata_sqlite::SelectTableJobs(db_.get(), run_date);
}

Result<std::optional<TableJobStatus>> SqliteMetadataStore::ClaimTableJob(
    const std::string& run_date, const std::string& table, const std::string& owner,
    int64_t lease_micros) {
  std::lock_guard<std::mutex> lock(mu_);
  return metadata_sqlite::ClaimTableJob(db_.get(), run_date, table, owner, lease_micros,
                                        clock_->NowMicros());
}

Status SqliteMetadataStore::RenewTableJobLease(const std::string& run_date,
                                               const std::string& table, const std::string& owner,
                                               int64_t lease_micros) {
  std::lock_guard<std::mutex> lock(mu_);
  return metadata_sqlite::RenewTableJobLease(db_.get(), run_date, table, owner, lease_micros,
                                             clock_->NowMicros());
}

// --- leader ---

Result<std::unique_ptr<LeaderLock>> SqliteMetadataStore::TryLeaderLock(const std::string& name) {
  RETURN_IF_ERROR(metadata::CheckLeaderLockName(name));
  return metadata_sqlite::FileLeaderLock::TryLock(path_ + "." + name + ".lock");
}

int64_t SqliteMetadataStore::NowMicros() { return clock_->NowMicros(); }

Status SqliteMetadataStore::Ping() {
  std::lock_guard<std::mutex> lock(mu_);
  Status status = sqlite::Execute(db_.get(), "SELECT 1 FROM policy_state");
  if (!status.ok()) return Status(StatusCode::kUnavailable, status.message());
  return Status::Ok();
}

}  // namespace de
