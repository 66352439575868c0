#include "metadata/postgres/pg_daily_runs.h"

#include <memory>
#include <string_view>

#include "metadata/postgres/pg_statements.h"
#include "metadata/store_contract.h"

namespace de::metadata_pg {

using metadata::CheckDate;
using metadata::CheckJobKey;

namespace {

// Columns in the order ReadDailyRun reads them and DailyRunParams binds them ($1 = column 0).
#define DE_DAILY_RUN_COLUMNS                                                       \
  "run_date, status, run_trigger, start_time, end_time, started_at, finished_at, " \
  "policy_version, tables_total, tables_completed, tables_failed, error, owner"

constexpr std::string_view kUpsertDailyRun =
    "INSERT INTO daily_runs (" DE_DAILY_RUN_COLUMNS
    ") VALUES ($1, $2, $3, $4::bigint, $5::bigint, $6::bigint, $7::bigint, $8::bigint, "
    "$9::integer, $10::integer, $11::integer, $12, $13) ON CONFLICT (run_date) DO UPDATE SET "
    "status = EXCLUDED.status, run_trigger = EXCLUDED.run_trigger, "
    "start_time = EXCLUDED.start_time, end_time = EXCLUDED.end_time, "
    "started_at = EXCLUDED.started_at, finished_at = EXCLUDED.finished_at, "
    "policy_version = EXCLUDED.policy_version, tables_total = EXCLUDED.tables_total, "
    "tables_completed = EXCLUDED.tables_completed, tables_failed = EXCLUDED.tables_failed, "
    "error = EXCLUDED.error, owner = EXCLUDED.owner";
constexpr std::string_view kSelectDailyRun =
    "SELECT " DE_DAILY_RUN_COLUMNS " FROM daily_runs WHERE run_date = $1";
constexpr std::string_view kListDailyRuns = "SELECT " DE_DAILY_RUN_COLUMNS
                                            " FROM daily_runs ORDER BY run_date COLLATE \"C\" "
                                            "DESC LIMIT $1::bigint";
constexpr std::string_view kListDailyRunsBetween =
    "SELECT " DE_DAILY_RUN_COLUMNS
    " FROM daily_runs WHERE run_date COLLATE \"C\" >= $1 AND run_date COLLATE \"C\" <= $2 "
    "ORDER BY run_date COLLATE \"C\"";
#undef DE_DAILY_RUN_COLUMNS

#define DE_TABLE_JOB_COLUMNS                                                                  \
  "run_date, table_name, status, attempt, started_at, finished_at, rows_read, "               \
  "rows_dropped_by_policy, rows_written, bytes_written, files, error, unclassified_columns, " \
  "owner, lease_expires_at"

// started_at and finished_at of 0 are stored as NULL.
constexpr std::string_view kUpsertTableJob =
    "INSERT INTO table_export_job_statuses (" DE_TABLE_JOB_COLUMNS
    ") VALUES ($1, $2, $3, $4::integer, NULLIF($5::bigint, 0), NULLIF($6::bigint, 0), "
    "$7::bigint, $8::bigint, $9::bigint, $10::bigint, $11::bigint, $12, $13, $14, $15::bigint) "
    "ON CONFLICT (run_date, table_name) DO UPDATE SET status = EXCLUDED.status, "
    "attempt = EXCLUDED.attempt, started_at = EXCLUDED.started_at, "
    "finished_at = EXCLUDED.finished_at, rows_read = EXCLUDED.rows_read, "
    "rows_dropped_by_policy = EXCLUDED.rows_dropped_by_policy, "
    "rows_written = EXCLUDED.rows_written, bytes_written = EXCLUDED.bytes_written, "
    "files = EXCLUDED.files, error = EXCLUDED.error, "
    "unclassified_columns = EXCLUDED.unclassified_columns, owner = EXCLUDED.owner, "
    "lease_expires_at = EXCLUDED.lease_expires_at";
constexpr std::string_view kSelectTableJob =
    "SELECT " DE_TABLE_JOB_COLUMNS
    " FROM table_export_job_statuses WHERE run_date = $1 AND table_name = $2";
constexpr std::string_view kLockTableJob =
    "SELECT " DE_TABLE_JOB_COLUMNS
    " FROM table_export_job_statuses WHERE run_date = $1 AND table_name = $2 "
    "FOR UPDATE SKIP LOCKED";
constexpr std::string_view kListTableJobs =
    "SELECT " DE_TABLE_JOB_COLUMNS
    " FROM table_export_job_statuses WHERE run_date = $1 ORDER BY table_name COLLATE \"C\"";
#undef DE_TABLE_JOB_COLUMNS

// A new job row claimed at once: IN-PROGRESS, attempt 0, held by $3 until $4.
constexpr std::string_view kInsertClaimedTableJob =
    "INSERT INTO table_export_job_statuses (run_date, table_name, status, attempt, owner, "
    "lease_expires_at) VALUES ($1, $2, 'IN-PROGRESS', 0, $3, $4::bigint) "
    "ON CONFLICT (run_date, table_name) DO NOTHING";
constexpr std::string_view kClaimTableJob =
    "UPDATE table_export_job_statuses SET owner = $3, lease_expires_at = $4::bigint "
    "WHERE run_date = $1 AND table_name = $2";
constexpr std::string_view kRenewTableJob =
    "UPDATE table_export_job_statuses SET lease_expires_at = $4::bigint "
    "WHERE run_date = $1 AND table_name = $2 AND owner = $3";

uint64_t Count(int64_t value) { return static_cast<uint64_t>(value); }

Result<DailyRun> ReadDailyRun(const PGresult* r, int row) {
  DailyRun run;
  run.run_date = CellText(r, row, 0);
  std::string status = CellText(r, row, 1);
  std::optional<DailyRunState> state = ParseDailyRunState(status);
  if (!state) return DataLoss("daily run {} has an unknown status '{}'", run.run_date, status);
  run.state = *state;
  run.trigger = CellText(r, row, 2);
  std::string what = fmt::format("daily run {}", run.run_date);
  ASSIGN_OR_RETURN(run.start_time, CellInt(r, row, 3, what));
  ASSIGN_OR_RETURN(run.end_time, CellInt(r, row, 4, what));
  ASSIGN_OR_RETURN(run.started_at, CellInt(r, row, 5, what));
  ASSIGN_OR_RETURN(run.finished_at, CellInt(r, row, 6, what));
  ASSIGN_OR_RETURN(run.policy_version, CellInt(r, row, 7, what));
  ASSIGN_OR_RETURN(int64_t total, CellInt(r, row, 8, what));
  ASSIGN_OR_RETURN(int64_t completed, CellInt(r, row, 9, what));
  ASSIGN_OR_RETURN(int64_t failed, CellInt(r, row, 10, what));
  run.tables_total = static_cast<int>(total);
  run.tables_completed = static_cast<int>(completed);
  run.tables_failed = static_cast<int>(failed);
  run.error = CellText(r, row, 11);
  run.owner = CellText(r, row, 12);
  return run;
}

std::vector<std::string> DailyRunParams(const DailyRun& run) {
  return {run.run_date,
          std::string(DailyRunStateName(run.state)),
          run.trigger,
          Param(run.start_time),
          Param(run.end_time),
          Param(run.started_at),
          Param(run.finished_at),
          Param(run.policy_version),
          Param(run.tables_total),
          Param(run.tables_completed),
          Param(run.tables_failed),
          run.error,
          run.owner};
}

Result<TableJobStatus> ReadTableJob(const PGresult* r, int row) {
  TableJobStatus job;
  job.run_date = CellText(r, row, 0);
  job.table_name = CellText(r, row, 1);
  std::string status = CellText(r, row, 2);
  std::optional<JobState> state = ParseJobState(status);
  if (!state) {
    return DataLoss("table job {}/{} has an unknown status '{}'", job.run_date, job.table_name,
                    status);
  }
  job.state = *state;
  std::string what = fmt::format("table job {}/{}", job.run_date, job.table_name);
  ASSIGN_OR_RETURN(int64_t attempt, CellInt(r, row, 3, what));
  job.attempt = static_cast<int>(attempt);
  ASSIGN_OR_RETURN(job.started_at, CellInt(r, row, 4, what));  // NULL reads as 0
  ASSIGN_OR_RETURN(job.finished_at, CellInt(r, row, 5, what));
  int64_t counts[5];
  for (int i = 0; i < 5; ++i) {
    ASSIGN_OR_RETURN(counts[i], CellInt(r, row, 6 + i, what));
  }
  job.rows_read = Count(counts[0]);
  job.rows_dropped_by_policy = Count(counts[1]);
  job.rows_written = Count(counts[2]);
  job.bytes_written = Count(counts[3]);
  job.files = Count(counts[4]);
  job.error = CellText(r, row, 11);
  ASSIGN_OR_RETURN(job.unclassified_columns,
                   metadata::UnclassifiedColumnsFromJson(CellText(r, row, 12), job));
  job.owner = CellText(r, row, 13);
  ASSIGN_OR_RETURN(job.lease_expires_at, CellInt(r, row, 14, what));
  return job;
}

Result<std::vector<std::string>> TableJobParams(const TableJobStatus& job) {
  ASSIGN_OR_RETURN(std::string columns, metadata::UnclassifiedColumnsToJson(job));
  return std::vector<std::string>{job.run_date,
                                  job.table_name,
                                  std::string(JobStateName(job.state)),
                                  Param(job.attempt),
                                  Param(job.started_at),
                                  Param(job.finished_at),
                                  Param(static_cast<int64_t>(job.rows_read)),
                                  Param(static_cast<int64_t>(job.rows_dropped_by_policy)),
                                  Param(static_cast<int64_t>(job.rows_written)),
                                  Param(static_cast<int64_t>(job.bytes_written)),
                                  Param(static_cast<int64_t>(job.files)),
                                  job.error,
                                  columns,
                                  job.owner,
                                  Param(job.lease_expires_at)};
}

template <typename Row>
using RowReader = Result<Row> (*)(const PGresult*, int);

template <typename Row>
Result<std::vector<Row>> ReadAll(const PGresult* result, RowReader<Row> read) {
  std::vector<Row> rows;
  for (int i = 0; i < PQntuples(result); ++i) {
    ASSIGN_OR_RETURN(Row row, read(result, i));
    rows.push_back(std::move(row));
  }
  return rows;
}

template <typename Row>
Result<std::optional<Row>> ReadOne(const PGresult* result, RowReader<Row> read) {
  if (PQntuples(result) == 0) return std::optional<Row>();
  ASSIGN_OR_RETURN(Row row, read(result, 0));
  return std::optional<Row>(std::move(row));
}

Result<pg::PgResult> Query(PGconn* conn, std::string_view sql,
                           const std::vector<std::string>& params, std::string_view what) {
  return Run(conn, sql, params, PGRES_TUPLES_OK, what);
}

}  // namespace

// --- daily_runs ---

Status UpsertDailyRun(PGconn* conn, const DailyRun& run) {
  RETURN_IF_ERROR(CheckDate("daily run run_date", run.run_date));
  std::string what = fmt::format("daily run {}", run.run_date);
  return RunCommand(conn, kUpsertDailyRun, DailyRunParams(run), what);
}

Result<std::optional<DailyRun>> SelectDailyRun(PGconn* conn, const std::string& run_date) {
  RETURN_IF_ERROR(CheckDate("daily run run_date", run_date));
  ASSIGN_OR_RETURN(pg::PgResult result,
                   Query(conn, kSelectDailyRun, {run_date}, "reading a daily run"));
  return ReadOne<DailyRun>(result.get(), ReadDailyRun);
}

Result<std::vector<DailyRun>> SelectDailyRuns(PGconn* conn, int limit) {
  if (limit < 0) return InvalidArgument("daily run list limit {} is negative", limit);
  ASSIGN_OR_RETURN(pg::PgResult result,
                   Query(conn, kListDailyRuns, {Param(limit)}, "listing daily runs"));
  return ReadAll<DailyRun>(result.get(), ReadDailyRun);
}

Result<std::vector<DailyRun>> SelectDailyRunsBetween(PGconn* conn, const std::string& from,
                                                     const std::string& to) {
  RETURN_IF_ERROR(CheckDate("daily run list from", from));
  RETURN_IF_ERROR(CheckDate("daily run list to", to));
  ASSIGN_OR_RETURN(pg::PgResult result,
                   Query(conn, kListDailyRunsBetween, {from, to}, "listing daily runs"));
  return ReadAll<DailyRun>(result.get(), ReadDailyRun);
}

// --- table_export_job_statuses ---

Status UpsertTableJob(PGconn* conn, const TableJobStatus& job) {
  RETURN_IF_ERROR(CheckJobKey(job.run_date, job.table_name));
  ASSIGN_OR_RETURN(std::vector<std::string> params, TableJobParams(job));
  return RunCommand(conn, kUpsertTableJob, params,
                    fmt::format("table job {}/{}", job.run_date, job.table_name));
}

Result<std::optional<TableJobStatus>> SelectTableJob(PGconn* conn, const std::string& run_date,
                                                     const std::string& table) {
  RETURN_IF_ERROR(CheckJobKey(run_date, table));
  ASSIGN_OR_RETURN(pg::PgResult result,
                   Query(conn, kSelectTableJob, {run_date, table}, "reading a table job"));
  return ReadOne<TableJobStatus>(result.get(), ReadTableJob);
}

Result<std::vector<TableJobStatus>> SelectTableJobs(PGconn* conn, const std::string& run_date) {
  RETURN_IF_ERROR(CheckDate("table job run_date", run_date));
  ASSIGN_OR_RETURN(pg::PgResult result,
                   Query(conn, kListTableJobs, {run_date}, "listing table jobs"));
  return ReadAll<TableJobStatus>(result.get(), ReadTableJob);
}

// --- table job leases ---

Result<std::optional<TableJobStatus>> ClaimTableJob(PGconn* conn, const std::string& run_date,
                                                    const std::string& table,
                                                    const std::string& owner, int64_t lease_micros,
                                                    int64_t now) {
  RETURN_IF_ERROR(CheckJobKey(run_date, table));
  RETURN_IF_ERROR(metadata::CheckLease(owner, lease_micros));
  std::string until = Param(metadata::LeaseEnd(now, lease_micros));
  std::string what = fmt::format("claiming table job {}/{}", run_date, table);
  ASSIGN_OR_RETURN(std::unique_ptr<Transaction> transaction, Transaction::Begin(conn));
  // Waits for a concurrent insert of the same key to commit, then does nothing.
  ASSIGN_OR_RETURN(
      pg::PgResult inserted,
      Run(conn, kInsertClaimedTableJob, {run_date, table, owner, until}, PGRES_COMMAND_OK, what));
  if (std::string_view(PQcmdTuples(inserted.get())) == "1") {
    RETURN_IF_ERROR(transaction->Commit());
    return std::optional<TableJobStatus>();
  }
  ASSIGN_OR_RETURN(pg::PgResult locked, Query(conn, kLockTableJob, {run_date, table}, what));
  if (PQntuples(locked.get()) == 0) return metadata::TableJobBusy(run_date, table);
  ASSIGN_OR_RETURN(TableJobStatus before, ReadTableJob(locked.get(), 0));
  if (before.state == JobState::kInProgress && !before.owner.empty() && before.owner != owner &&
      before.lease_expires_at > now) {
    return metadata::TableJobHeld(run_date, table, before.owner, before.lease_expires_at);
  }
  RETURN_IF_ERROR(RunCommand(conn, kClaimTableJob, {run_date, table, owner, until}, what));
  RETURN_IF_ERROR(transaction->Commit());
  return std::optional<TableJobStatus>(std::move(before));
}

Status RenewTableJobLease(PGconn* conn, const std::string& run_date, const std::string& table,
                          const std::string& owner, int64_t lease_micros, int64_t now) {
  RETURN_IF_ERROR(CheckJobKey(run_date, table));
  RETURN_IF_ERROR(metadata::CheckLease(owner, lease_micros));
  std::string what = fmt::format("renewing table job {}/{}", run_date, table);
  ASSIGN_OR_RETURN(pg::PgResult renewed,
                   Run(conn, kRenewTableJob,
                       {run_date, table, owner, Param(metadata::LeaseEnd(now, lease_micros))},
                       PGRES_COMMAND_OK, what));
  if (std::string_view(PQcmdTuples(renewed.get())) == "1") return Status::Ok();
  ASSIGN_OR_RETURN(std::optional<TableJobStatus> job, SelectTableJob(conn, run_date, table));
  if (!job) return metadata::TableJobGone(run_date, table);
  return metadata::TableJobNotHeld(run_date, table, job->owner, owner);
}

}  // namespace de::metadata_pg
