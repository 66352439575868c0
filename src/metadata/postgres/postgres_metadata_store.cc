#include "metadata/postgres/postgres_metadata_store.h"

#include <string_view>
#include <utility>

#include "metadata/policy_rows.h"
#include "metadata/postgres/pg_daily_runs.h"
#include "metadata/postgres/pg_migrations.h"
#include "metadata/postgres/pg_policy.h"
#include "metadata/postgres/pg_statements.h"
#include "metadata/store_contract.h"

namespace de {

using metadata_pg::CellInt;
using metadata_pg::CellText;
using metadata_pg::Param;
using metadata_pg::Run;
using metadata_pg::RunCommand;
using metadata_pg::Transaction;

namespace {

// Columns in the order ReadRequest expects.
#define DE_REQUEST_COLUMNS                                                                 \
  "de_request_id, start_time, end_time, status, progress, error, created_at, updated_at, " \
  "owner, lease_expires_at, policy_version"

constexpr std::string_view kInsertRequest =
    "INSERT INTO request_table (" DE_REQUEST_COLUMNS
    ") VALUES ($1, $2::bigint, $3::bigint, $4, $5::double precision, $6, $7::bigint, $8::bigint, "
    "$9, $10::bigint, $11::bigint)";
constexpr std::string_view kSelectRequest =
    "SELECT " DE_REQUEST_COLUMNS " FROM request_table WHERE de_request_id = $1";
constexpr std::string_view kListRequests =
    "SELECT " DE_REQUEST_COLUMNS
    " FROM request_table ORDER BY created_at DESC, de_request_id COLLATE \"C\" DESC "
    "LIMIT $1::bigint";
constexpr std::string_view kListRequestsInState =
    "SELECT " DE_REQUEST_COLUMNS
    " FROM request_table WHERE status = $1 ORDER BY created_at, de_request_id COLLATE \"C\"";
constexpr std::string_view kFindRequestsByRange =
    "SELECT " DE_REQUEST_COLUMNS
    " FROM request_table WHERE start_time = $1::bigint AND end_time = $2::bigint "
    "ORDER BY created_at, de_request_id COLLATE \"C\"";
// The oldest IN_PROGRESS request whose lease is free at $1, skipping rows other claimers hold.
constexpr std::string_view kClaimableRequest =
    "SELECT " DE_REQUEST_COLUMNS
    " FROM request_table WHERE status = 'IN_PROGRESS' AND "
    "(owner = '' OR lease_expires_at <= $1::bigint) "
    "ORDER BY created_at, de_request_id COLLATE \"C\" LIMIT 1 FOR UPDATE SKIP LOCKED";
#undef DE_REQUEST_COLUMNS

// Names from migrations 1 and 6: which unique rule an INSERT broke.
constexpr std::string_view kOpenRangeIndex = "request_table_one_open_range";

bool IsValidProgress(double progress) { return progress >= 0 && progress <= 100; }

Result<ExportRequest> ReadRequest(const PGresult* r, int row) {
  ExportRequest request;
  request.id = CellText(r, row, 0);
  std::string what = fmt::format("request '{}'", request.id);
  ASSIGN_OR_RETURN(request.start_time, CellInt(r, row, 1, what));
  ASSIGN_OR_RETURN(request.end_time, CellInt(r, row, 2, what));
  std::string status = CellText(r, row, 3);
  std::optional<RequestState> state = ParseRequestState(status);
  if (!state) return DataLoss("request '{}' has an unknown status '{}'", request.id, status);
  request.state = *state;
  ASSIGN_OR_RETURN(request.progress, metadata_pg::CellDouble(r, row, 4, what));
  request.error = CellText(r, row, 5);
  ASSIGN_OR_RETURN(request.created_at, CellInt(r, row, 6, what));
  ASSIGN_OR_RETURN(request.updated_at, CellInt(r, row, 7, what));
  request.owner = CellText(r, row, 8);
  ASSIGN_OR_RETURN(request.lease_expires_at, CellInt(r, row, 9, what));
  ASSIGN_OR_RETURN(request.policy_version, CellInt(r, row, 10, what));
  return request;
}

Result<std::vector<ExportRequest>> QueryRequests(PGconn* conn, std::string_view sql,
                                                 const std::vector<std::string>& params) {
  ASSIGN_OR_RETURN(pg::PgResult result,
                   Run(conn, sql, params, PGRES_TUPLES_OK, "reading request_table"));
  std::vector<ExportRequest> requests;
  for (int i = 0; i < PQntuples(result.get()); ++i) {
    ASSIGN_OR_RETURN(ExportRequest request, ReadRequest(result.get(), i));
    requests.push_back(std::move(request));
  }
  return requests;
}

// status and owner of a request, locking its row until the transaction ends.
struct RequestHolder {
  RequestState state;
  std::string owner;
};

Result<RequestHolder> LockRequest(PGconn* conn, const std::string& id) {
  ASSIGN_OR_RETURN(pg::PgResult result,
                   Run(conn,
                       "SELECT status, owner FROM request_table WHERE de_request_id = $1 FOR "
                       "UPDATE",
                       {id}, PGRES_TUPLES_OK, "reading a request"));
  if (PQntuples(result.get()) == 0) return NotFound("request '{}' does not exist", id);
  std::string status = CellText(result.get(), 0, 0);
  std::optional<RequestState> state = ParseRequestState(status);
  if (!state) return DataLoss("request '{}' has an unknown status '{}'", id, status);
  return RequestHolder{*state, CellText(result.get(), 0, 1)};
}

Status InsertRequestFiles(PGconn* conn, const std::string& id,
                          const std::vector<RequestFile>& files) {
  for (const RequestFile& file : files) {
    Status inserted = RunCommand(
        conn,
        "INSERT INTO request_files (de_request_id, table_name, file_index, object_key, bytes, "
        "rows, is_manifest) VALUES ($1, $2, $3::integer, $4, $5::bigint, $6::bigint, $7::boolean)",
        {id, file.table_name, Param(file.file_index), file.key,
         Param(static_cast<int64_t>(file.bytes)), Param(static_cast<int64_t>(file.rows)),
         Param(file.is_manifest)},
        "recording request files");
    if (inserted.code() == StatusCode::kAlreadyExists) {
      return AlreadyExists("request '{}' lists file {} of table '{}'{} twice", id, file.file_index,
                           file.table_name, file.is_manifest ? " (manifest)" : "");
    }
    RETURN_IF_ERROR(inserted);
  }
  return Status::Ok();
}

bool OneRow(const pg::PgResult& result) {
  return std::string_view(PQcmdTuples(result.get())) == "1";
}

// The SQLite store's leader lock has a file; this one a session of its own.
class SessionLeaderLock final : public LeaderLock {
 public:
  explicit SessionLeaderLock(pg::Conn conn) : conn_(std::move(conn)) {}
  bool Held() override {
    if (!conn_) return false;
    if (!Run(conn_.get(), "SELECT 1", {}, PGRES_TUPLES_OK, "checking the leader lock").ok()) {
      conn_.reset();  // closing the session frees the lock if the server still has it
    }
    return conn_ != nullptr;
  }

 private:
  pg::Conn conn_;  // null once lost
};

}  // namespace

PostgresMetadataStore::PostgresMetadataStore(std::unique_ptr<Pool> pool, Clock* clock)
    : clock_(clock), pool_(std::move(pool)) {}

Result<std::unique_ptr<PostgresMetadataStore>> PostgresMetadataStore::Open(
    const PostgresMetadataOptions& options, Clock* clock) {
  if (clock == nullptr) return InvalidArgument("the metadata store needs a clock");
  if (options.pool_size < 1) {
    return InvalidArgument("metadata pool_size {} must be at least 1", options.pool_size);
  }
  if (options.statement_timeout_ms < 0) {
    return InvalidArgument("metadata statement_timeout_ms {} is negative",
                           options.statement_timeout_ms);
  }
  auto pool =
      std::make_unique<Pool>(options.conninfo, options.pool_size, options.statement_timeout_ms);
  {
    ASSIGN_OR_RETURN(Pool::Handle conn, pool->Acquire());
    Status migrated = metadata_pg::ApplyMigrations(conn.get(), MetadataMigrations(), *clock);
    if (!migrated.ok()) {
      return migrated.WithContext(
          fmt::format("PostgreSQL metadata store ({})", pg::DescribeConn(conn.get())));
    }
  }
  return std::unique_ptr<PostgresMetadataStore>(new PostgresMetadataStore(std::move(pool), clock));
}

Result<int64_t> PostgresMetadataStore::SchemaVersion() {
  ASSIGN_OR_RETURN(Pool::Handle conn, pool_->Acquire());
  return metadata_pg::AppliedSchemaVersion(conn.get());
}

int64_t PostgresMetadataStore::NowMicros() { return clock_->NowMicros(); }

Status PostgresMetadataStore::Ping() {
  Result<Pool::Handle> conn = pool_->Acquire();
  if (!conn.ok()) return Status(StatusCode::kUnavailable, conn.status().message());
  Status status =
      Run(conn->get(), "SELECT 1 FROM policy_state", {}, PGRES_TUPLES_OK, "ping").status();
  if (!status.ok()) return Status(StatusCode::kUnavailable, status.message());
  return Status::Ok();
}

// --- request_table ---

Status PostgresMetadataStore::CreateRequest(const ExportRequest& request) {
  if (request.id.empty()) return InvalidArgument("a request needs an id");
  if (!IsValidProgress(request.progress)) {
    return InvalidArgument("progress {} of request '{}' is outside 0..100", request.progress,
                           request.id);
  }
  int64_t created_at = request.created_at != 0 ? request.created_at : clock_->NowMicros();
  int64_t updated_at = request.updated_at != 0 ? request.updated_at : created_at;
  ASSIGN_OR_RETURN(Pool::Handle conn, pool_->Acquire());
  metadata_pg::Violation violation;
  Status inserted =
      RunCommand(conn.get(), kInsertRequest,
                 {request.id, Param(request.start_time), Param(request.end_time),
                  std::string(RequestStateName(request.state)), Param(request.progress),
                  request.error, Param(created_at), Param(updated_at), request.owner,
                  Param(request.lease_expires_at), Param(request.policy_version)},
                 fmt::format("creating request '{}'", request.id), &violation);
  if (inserted.code() != StatusCode::kAlreadyExists) return inserted;
  if (violation.constraint == kOpenRangeIndex) {
    return metadata::OpenRangeTaken(request.start_time, request.end_time);
  }
  return metadata::DuplicateRequestId(request.id);
}

Result<std::optional<ExportRequest>> PostgresMetadataStore::GetRequest(const std::string& id) {
  ASSIGN_OR_RETURN(Pool::Handle conn, pool_->Acquire());
  ASSIGN_OR_RETURN(std::vector<ExportRequest> found,
                   QueryRequests(conn.get(), kSelectRequest, {id}));
  if (found.empty()) return std::optional<ExportRequest>();
  return std::optional<ExportRequest>(std::move(found.front()));
}

Result<std::vector<ExportRequest>> PostgresMetadataStore::ListRequests(int limit) {
  if (limit < 0) return InvalidArgument("request list limit {} is negative", limit);
  ASSIGN_OR_RETURN(Pool::Handle conn, pool_->Acquire());
  return QueryRequests(conn.get(), kListRequests, {Param(limit)});
}

Result<std::vector<ExportRequest>> PostgresMetadataStore::ListRequestsInState(RequestState state) {
  ASSIGN_OR_RETURN(Pool::Handle conn, pool_->Acquire());
  return QueryRequests(conn.get(), kListRequestsInState, {std::string(RequestStateName(state))});
}

Result<std::vector<ExportRequest>> PostgresMetadataStore::FindRequestsByRange(int64_t start_time,
                                                                              int64_t end_time) {
  ASSIGN_OR_RETURN(Pool::Handle conn, pool_->Acquire());
  return QueryRequests(conn.get(), kFindRequestsByRange, {Param(start_time), Param(end_time)});
}

Status PostgresMetadataStore::UpdateProgress(const std::string& id, double progress) {
  if (!IsValidProgress(progress)) {
    return InvalidArgument("progress {} of request '{}' is outside 0..100", progress, id);
  }
  ASSIGN_OR_RETURN(Pool::Handle conn, pool_->Acquire());
  ASSIGN_OR_RETURN(pg::PgResult updated,
                   Run(conn.get(),
                       "UPDATE request_table SET progress = $1::double precision, updated_at = "
                       "$2::bigint WHERE de_request_id = $3 AND status = 'IN_PROGRESS'",
                       {Param(progress), Param(clock_->NowMicros()), id}, PGRES_COMMAND_OK,
                       "updating progress"));
  if (OneRow(updated)) return Status::Ok();
  ASSIGN_OR_RETURN(RequestHolder holder, LockRequest(conn.get(), id));
  return FailedPrecondition("request '{}' is {}, not IN_PROGRESS", id,
                            RequestStateName(holder.state));
}

Status PostgresMetadataStore::FinishRequestAs(const std::string& id, const std::string& owner,
                                              RequestState state, const std::string& error,
                                              const std::vector<RequestFile>& files) {
  if (state == RequestState::kInProgress) {
    return InvalidArgument("request '{}' cannot finish as IN_PROGRESS", id);
  }
  if (state != RequestState::kCompleted && !files.empty()) {
    return InvalidArgument("request '{}' finishing as {} cannot record files", id,
                           RequestStateName(state));
  }
  ASSIGN_OR_RETURN(Pool::Handle conn, pool_->Acquire());
  ASSIGN_OR_RETURN(std::unique_ptr<Transaction> transaction, Transaction::Begin(conn.get()));
  ASSIGN_OR_RETURN(RequestHolder holder, LockRequest(conn.get(), id));
  if (holder.state != RequestState::kInProgress) {
    return FailedPrecondition("request '{}' is {}, not IN_PROGRESS", id,
                              RequestStateName(holder.state));
  }
  if (!owner.empty() && holder.owner != owner) {
    return metadata::RequestHeldByOther(id, holder.owner, owner);
  }
  bool completed = state == RequestState::kCompleted;
  RETURN_IF_ERROR(RunCommand(conn.get(),
                             "UPDATE request_table SET status = $1, error = $2, progress = CASE "
                             "WHEN $3::boolean THEN 100 ELSE progress END, updated_at = "
                             "$4::bigint, lease_expires_at = 0 WHERE de_request_id = $5",
                             {std::string(RequestStateName(state)), completed ? "" : error,
                              Param(completed), Param(clock_->NowMicros()), id},
                             "finishing a request"));
  RETURN_IF_ERROR(InsertRequestFiles(conn.get(), id, files));
  return transaction->Commit();
}

Result<std::vector<RequestFile>> PostgresMetadataStore::ListRequestFiles(const std::string& id) {
  ASSIGN_OR_RETURN(Pool::Handle conn, pool_->Acquire());
  ASSIGN_OR_RETURN(pg::PgResult result,
                   Run(conn.get(),
                       "SELECT table_name, file_index, object_key, bytes, rows, is_manifest FROM "
                       "request_files WHERE de_request_id = $1 ORDER BY table_name COLLATE \"C\", "
                       "is_manifest, file_index",
                       {id}, PGRES_TUPLES_OK, "listing request files"));
  std::vector<RequestFile> files;
  const PGresult* r = result.get();
  std::string what = fmt::format("files of request '{}'", id);
  for (int i = 0; i < PQntuples(r); ++i) {
    ASSIGN_OR_RETURN(int64_t index, CellInt(r, i, 1, what));
    ASSIGN_OR_RETURN(int64_t bytes, CellInt(r, i, 3, what));
    ASSIGN_OR_RETURN(int64_t rows, CellInt(r, i, 4, what));
    files.push_back({CellText(r, i, 0), static_cast<int>(index), CellText(r, i, 2),
                     static_cast<uint64_t>(bytes), static_cast<uint64_t>(rows),
                     metadata_pg::CellBool(r, i, 5)});
  }
  return files;
}

Status PostgresMetadataStore::RetireRequest(const std::string& id, const std::string& error) {
  ASSIGN_OR_RETURN(Pool::Handle conn, pool_->Acquire());
  ASSIGN_OR_RETURN(std::unique_ptr<Transaction> transaction, Transaction::Begin(conn.get()));
  ASSIGN_OR_RETURN(RequestHolder holder, LockRequest(conn.get(), id));
  if (holder.state != RequestState::kCompleted) {
    return FailedPrecondition("request '{}' is {}, not COMPLETED", id,
                              RequestStateName(holder.state));
  }
  RETURN_IF_ERROR(RunCommand(conn.get(),
                             "UPDATE request_table SET status = 'FAILED', error = $1, updated_at "
                             "= $2::bigint WHERE de_request_id = $3",
                             {error, Param(clock_->NowMicros()), id}, "retiring a request"));
  RETURN_IF_ERROR(RunCommand(conn.get(), "DELETE FROM request_files WHERE de_request_id = $1", {id},
                             "retiring a request"));
  return transaction->Commit();
}

// --- request leases ---

Result<std::optional<ClaimedRequest>> PostgresMetadataStore::ClaimRequest(const std::string& owner,
                                                                          int64_t lease_micros) {
  RETURN_IF_ERROR(metadata::CheckLease(owner, lease_micros));
  ASSIGN_OR_RETURN(Pool::Handle conn, pool_->Acquire());
  int64_t now = clock_->NowMicros();
  ASSIGN_OR_RETURN(std::unique_ptr<Transaction> transaction, Transaction::Begin(conn.get()));
  ASSIGN_OR_RETURN(std::vector<ExportRequest> free,
                   QueryRequests(conn.get(), kClaimableRequest, {Param(now)}));
  if (free.empty()) return std::optional<ClaimedRequest>();
  ClaimedRequest claimed{std::move(free.front()), ""};
  claimed.previous_owner = claimed.request.owner;
  claimed.request.owner = owner;
  claimed.request.lease_expires_at = metadata::LeaseEnd(now, lease_micros);
  RETURN_IF_ERROR(RunCommand(conn.get(),
                             "UPDATE request_table SET owner = $1, lease_expires_at = $2::bigint "
                             "WHERE de_request_id = $3",
                             {owner, Param(claimed.request.lease_expires_at), claimed.request.id},
                             "claiming a request"));
  RETURN_IF_ERROR(transaction->Commit());
  return std::optional<ClaimedRequest>(std::move(claimed));
}

Result<std::vector<std::string>> PostgresMetadataStore::RenewRequestLeases(
    const std::string& owner, const std::vector<std::string>& ids, int64_t lease_micros) {
  RETURN_IF_ERROR(metadata::CheckLease(owner, lease_micros));
  ASSIGN_OR_RETURN(Pool::Handle conn, pool_->Acquire());
  std::string until = Param(metadata::LeaseEnd(clock_->NowMicros(), lease_micros));
  ASSIGN_OR_RETURN(std::unique_ptr<Transaction> transaction, Transaction::Begin(conn.get()));
  std::vector<std::string> lost;
  for (const std::string& id : ids) {
    ASSIGN_OR_RETURN(pg::PgResult renewed,
                     Run(conn.get(),
                         "UPDATE request_table SET lease_expires_at = $1::bigint WHERE "
                         "de_request_id = $2 AND owner = $3 AND status = 'IN_PROGRESS'",
                         {until, id, owner}, PGRES_COMMAND_OK, "renewing request leases"));
    if (!OneRow(renewed)) lost.push_back(id);
  }
  RETURN_IF_ERROR(transaction->Commit());
  return lost;
}

Status PostgresMetadataStore::ReleaseRequests(const std::string& owner,
                                              const std::vector<std::string>& ids) {
  if (owner.empty()) return InvalidArgument("releasing leases needs an owner");
  ASSIGN_OR_RETURN(Pool::Handle conn, pool_->Acquire());
  ASSIGN_OR_RETURN(std::unique_ptr<Transaction> transaction, Transaction::Begin(conn.get()));
  for (const std::string& id : ids) {
    RETURN_IF_ERROR(RunCommand(conn.get(),
                               "UPDATE request_table SET owner = '', lease_expires_at = 0 WHERE "
                               "de_request_id = $1 AND owner = $2 AND status = 'IN_PROGRESS'",
                               {id, owner}, "releasing request leases"));
  }
  return transaction->Commit();
}

Result<int64_t> PostgresMetadataStore::CountUnclaimedRequests() {
  ASSIGN_OR_RETURN(Pool::Handle conn, pool_->Acquire());
  ASSIGN_OR_RETURN(
      pg::PgResult count,
      Run(conn.get(),
          "SELECT COUNT(*) FROM request_table WHERE status = 'IN_PROGRESS' AND "
          "(owner = '' OR lease_expires_at <= $1::bigint)",
          {Param(clock_->NowMicros())}, PGRES_TUPLES_OK, "counting unclaimed requests"));
  return CellInt(count.get(), 0, 0, "unclaimed request count");
}

// --- policy ---

Result<std::vector<ExportTable>> PostgresMetadataStore::ListExportTables() {
  ASSIGN_OR_RETURN(Pool::Handle conn, pool_->Acquire());
  return metadata_pg::SelectExportTables(conn.get());
}

Status PostgresMetadataStore::UpsertExportTable(const ExportTable& table) {
  RETURN_IF_ERROR(metadata::PolicyRules<ExportTable>::Validate(table, 1));
  return ChangePolicy(
             [&](PolicySnapshot& policy) { metadata::PutExportTable(policy.export_tables, table); })
      .status();
}

Result<std::vector<ColumnClassification>> PostgresMetadataStore::ListColumnClassifications(
    const std::string& table) {
  ASSIGN_OR_RETURN(Pool::Handle conn, pool_->Acquire());
  return metadata_pg::SelectColumns(conn.get(), table);
}

Result<PolicySnapshot> PostgresMetadataStore::LoadPolicy() {
  ASSIGN_OR_RETURN(Pool::Handle conn, pool_->Acquire());
  ASSIGN_OR_RETURN(
      std::unique_ptr<Transaction> transaction,
      Transaction::Begin(conn.get(), "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
  ASSIGN_OR_RETURN(PolicySnapshot policy, metadata_pg::SelectPolicy(conn.get(), false));
  RETURN_IF_ERROR(transaction->Commit());
  return policy;
}

Result<int64_t> PostgresMetadataStore::ReplacePolicy(const PolicySnapshot& policy) {
  PolicySnapshot wanted = policy;
  RETURN_IF_ERROR(metadata::ValidateAndSortPolicy(wanted));
  return ChangePolicy([&](PolicySnapshot& next) { next = std::move(wanted); });
}

Result<int64_t> PostgresMetadataStore::ChangePolicy(
    const std::function<void(PolicySnapshot&)>& edit) {
  ASSIGN_OR_RETURN(Pool::Handle conn, pool_->Acquire());
  ASSIGN_OR_RETURN(std::unique_ptr<Transaction> transaction, Transaction::Begin(conn.get()));
  // Locking policy_state first serialises every change; the reads after it see the latest rows.
  ASSIGN_OR_RETURN(PolicySnapshot stored, metadata_pg::SelectPolicy(conn.get(), true));
  PolicySnapshot next = stored;
  edit(next);
  // An unchanged policy keeps its version: manifests written under it stay current.
  if (next.SameRules(stored)) return stored.version;
  RETURN_IF_ERROR(metadata_pg::WritePolicy(conn.get(), stored, next, stored.version + 1));
  RETURN_IF_ERROR(transaction->Commit());
  return stored.version + 1;
}

Result<int64_t> PostgresMetadataStore::PolicyVersion() {
  ASSIGN_OR_RETURN(Pool::Handle conn, pool_->Acquire());
  return metadata_pg::SelectPolicyVersion(conn.get(), false);
}

// --- daily runs ---

Status PostgresMetadataStore::UpsertDailyRun(const DailyRun& run) {
  ASSIGN_OR_RETURN(Pool::Handle conn, pool_->Acquire());
  return metadata_pg::UpsertDailyRun(conn.get(), run);
}

Result<std::optional<DailyRun>> PostgresMetadataStore::GetDailyRun(const std::string& run_date) {
  ASSIGN_OR_RETURN(Pool::Handle conn, pool_->Acquire());
  return metadata_pg::SelectDailyRun(conn.get(), run_date);
}

Result<std::vector<DailyRun>> PostgresMetadataStore::ListDailyRuns(int limit) {
  ASSIGN_OR_RETURN(Pool::Handle conn, pool_->Acquire());
  return metadata_pg::SelectDailyRuns(conn.get(), limit);
}

Result<std::vector<DailyRun>> PostgresMetadataStore::ListDailyRunsBetween(const std::string& from,
                                                                          const std::string& to) {
  ASSIGN_OR_RETURN(Pool::Handle conn, pool_->Acquire());
  return metadata_pg::SelectDailyRunsBetween(conn.get(), from, to);
}

Status PostgresMetadataStore::UpsertTableJob(const TableJobStatus& job) {
  ASSIGN_OR_RETURN(Pool::Handle conn, pool_->Acquire());
  return metadata_pg::UpsertTableJob(conn.get(), job);
}

Result<std::optional<TableJobStatus>> PostgresMetadataStore::GetTableJob(
    const std::string& run_date, const std::string& table) {
  ASSIGN_OR_RETURN(Pool::Handle conn, pool_->Acquire());
  return metadata_pg::SelectTableJob(conn.get(), run_date, table);
}

Result<std::vector<TableJobStatus>> PostgresMetadataStore::ListTableJobs(
    const std::string& run_date) {
  ASSIGN_OR_RETURN(Pool::Handle conn, pool_->Acquire());
  return metadata_pg::SelectTableJobs(conn.get(), run_date);
}

Result<std::optional<TableJobStatus>> PostgresMetadataStore::ClaimTableJob(
    const std::string& run_date, const std::string& table, const std::string& owner,
    int64_t lease_micros) {
  ASSIGN_OR_RETURN(Pool::Handle conn, pool_->Acquire());
  return metadata_pg::ClaimTableJob(conn.get(), run_date, table, owner, lease_micros,
                                    clock_->NowMicros());
}

Status PostgresMetadataStore::RenewTableJobLease(const std::string& run_date,
                                                 const std::string& table, const std::string& owner,
                                                 int64_t lease_micros) {
  ASSIGN_OR_RETURN(Pool::Handle conn, pool_->Acquire());
  return metadata_pg::RenewTableJobLease(conn.get(), run_date, table, owner, lease_micros,
                                         clock_->NowMicros());
}

// --- leader ---

Result<std::unique_ptr<LeaderLock>> PostgresMetadataStore::TryLeaderLock(const std::string& name) {
  RETURN_IF_ERROR(metadata::CheckLeaderLockName(name));
  ASSIGN_OR_RETURN(pg::Conn conn, pool_->OpenDedicated());
  ASSIGN_OR_RETURN(pg::PgResult taken,
                   Run(conn.get(), "SELECT pg_try_advisory_lock($1::bigint)",
                       {Param(metadata_pg::AdvisoryKey("data-exporter:" + name))}, PGRES_TUPLES_OK,
                       fmt::format("taking the leader lock '{}'", name)));
  if (pg::Cell(taken.get(), 0, 0) != "t") return std::unique_ptr<LeaderLock>();
  return std::unique_ptr<LeaderLock>(new SessionLeaderLock(std::move(conn)));
}

}  // namespace de
