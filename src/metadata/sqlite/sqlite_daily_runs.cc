#include "metadata/sqlite/sqlite_daily_runs.h"

#include <memory>
#include <utility>

#include "metadata/store_contract.h"
#include "sqlite/sqlite.h"

namespace de::metadata_sqlite {

using metadata::CheckDate;
using metadata::CheckJobKey;
using sqlite::Statement;
using sqlite::WriteTransaction;

namespace {

// Columns in the order ReadDailyRun reads them and BindDailyRun binds them (?1 = column 0).
#define DE_DAILY_RUN_COLUMNS                                                       \
  "run_date, status, run_trigger, start_time, end_time, started_at, finished_at, " \
  "policy_version, tables_total, tables_completed, tables_failed, error, owner"

// REPLACE deletes the old row and inserts the new one: every column is replaced.
constexpr std::string_view kUpsertDailyRun =
    "INSERT OR REPLACE INTO daily_runs (" DE_DAILY_RUN_COLUMNS
    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";
constexpr std::string_view kSelectDailyRun =
    "SELECT " DE_DAILY_RUN_COLUMNS " FROM daily_runs WHERE run_date = ?1";
constexpr std::string_view kListDailyRuns =
    "SELECT " DE_DAILY_RUN_COLUMNS " FROM daily_runs ORDER BY run_date DESC LIMIT ?1";
// "YYYY-MM-DD" text sorts as the dates do.
constexpr std::string_view kListDailyRunsBetween =
    "SELECT " DE_DAILY_RUN_COLUMNS
    " FROM daily_runs WHERE run_date >= ?1 AND run_date <= ?2 ORDER BY run_date";
#undef DE_DAILY_RUN_COLUMNS

// Columns in the order ReadTableJob reads them and BindTableJob binds them (?1 = column 0).
#define DE_TABLE_JOB_COLUMNS                                                                  \
  "run_date, table_name, status, attempt, started_at, finished_at, rows_read, "               \
  "rows_dropped_by_policy, rows_written, bytes_written, files, error, unclassified_columns, " \
  "owner, lease_expires_at"

constexpr std::string_view kUpsertTableJob =
    "INSERT OR REPLACE INTO table_export_job_statuses (" DE_TABLE_JOB_COLUMNS
    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)";
constexpr std::string_view kSelectTableJob =
    "SELECT " DE_TABLE_JOB_COLUMNS
    " FROM table_export_job_statuses WHERE run_date = ?1 AND table_name = ?2";
constexpr std::string_view kListTableJobs = "SELECT " DE_TABLE_JOB_COLUMNS
                                            " FROM table_export_job_statuses WHERE run_date = ?1 "
                                            "ORDER BY table_name";
#undef DE_TABLE_JOB_COLUMNS

// Lease changes touch only owner and lease_expires_at; a new row starts IN-PROGRESS at attempt 0.
constexpr std::string_view kClaimTableJob =
    "UPDATE table_export_job_statuses SET owner = ?3, lease_expires_at = ?4 "
    "WHERE run_date = ?1 AND table_name = ?2";
constexpr std::string_view kInsertClaimedTableJob =
    "INSERT INTO table_export_job_statuses (run_date, table_name, status, attempt, owner, "
    "lease_expires_at) VALUES (?1, ?2, 'IN-PROGRESS', 0, ?3, ?4)";
constexpr std::string_view kRenewTableJob =
    "UPDATE table_export_job_statuses SET lease_expires_at = ?4 "
    "WHERE run_date = ?1 AND table_name = ?2 AND owner = ?3";

// started_at and finished_at of a job are NULL while unset (0).
void BindTimeOrNull(Statement& statement, int index, int64_t micros) {
  if (micros == 0) {
    statement.BindNull(index);
  } else {
    statement.BindInt(index, micros);
  }
}

uint64_t Count(const Statement& row, int column) { return static_cast<uint64_t>(row.Int(column)); }

// --- rows <-> structs ---

void BindDailyRun(Statement& s, const DailyRun& run) {
  s.BindText(1, run.run_date)
      .BindText(2, DailyRunStateName(run.state))
      .BindText(3, run.trigger)
      .BindInt(4, run.start_time)
      .BindInt(5, run.end_time)
      .BindInt(6, run.started_at)
      .BindInt(7, run.finished_at)
      .BindInt(8, run.policy_version)
      .BindInt(9, run.tables_total)
      .BindInt(10, run.tables_completed)
      .BindInt(11, run.tables_failed)
      .BindText(12, run.error)
      .BindText(13, run.owner);
}

Result<DailyRun> ReadDailyRun(const Statement& row) {
  DailyRun run;
  run.run_date = row.Text(0);
  std::string status = row.Text(1);
  std::optional<DailyRunState> state = ParseDailyRunState(status);
  if (!state) return DataLoss("daily run {} has an unknown status '{}'", run.run_date, status);
  run.state = *state;
  run.trigger = row.Text(2);
  run.start_time = row.Int(3);
  run.end_time = row.Int(4);
  run.started_at = row.Int(5);
  run.finished_at = row.Int(6);
  run.policy_version = row.Int(7);
  run.tables_total = static_cast<int>(row.Int(8));
  run.tables_completed = static_cast<int>(row.Int(9));
  run.tables_failed = static_cast<int>(row.Int(10));
  run.error = row.Text(11);
  run.owner = row.Text(12);
  return run;
}

Status BindTableJob(Statement& s, const TableJobStatus& job) {
  ASSIGN_OR_RETURN(std::string columns, metadata::UnclassifiedColumnsToJson(job));
  s.BindText(1, job.run_date)
      .BindText(2, job.table_name)
      .BindText(3, JobStateName(job.state))
      .BindInt(4, job.attempt);
  BindTimeOrNull(s, 5, job.started_at);
  BindTimeOrNull(s, 6, job.finished_at);
  s.BindInt(7, static_cast<int64_t>(job.rows_read))
      .BindInt(8, static_cast<int64_t>(job.rows_dropped_by_policy))
      .BindInt(9, static_cast<int64_t>(job.rows_written))
      .BindInt(10, static_cast<int64_t>(job.bytes_written))
      .BindInt(11, static_cast<int64_t>(job.files))
      .BindText(12, job.error)
      .BindText(13, columns)
      .BindText(14, job.owner)
      .BindInt(15, job.lease_expires_at);
  return Status::Ok();
}

Result<TableJobStatus> ReadTableJob(const Statement& row) {
  TableJobStatus job;
  job.run_date = row.Text(0);
  job.table_name = row.Text(1);
  std::string status = row.Text(2);
  std::optional<JobState> state = ParseJobState(status);
  if (!state) {
    return DataLoss("table job {}/{} has an unknown status '{}'", job.run_date, job.table_name,
                    status);
  }
  job.state = *state;
  job.attempt = static_cast<int>(row.Int(3));
  job.started_at = row.Int(4);  // NULL reads as 0
  job.finished_at = row.Int(5);
  job.rows_read = Count(row, 6);
  job.rows_dropped_by_policy = Count(row, 7);
  job.rows_written = Count(row, 8);
  job.bytes_written = Count(row, 9);
  job.files = Count(row, 10);
  job.error = row.Text(11);
  ASSIGN_OR_RETURN(job.unclassified_columns,
                   metadata::UnclassifiedColumnsFromJson(row.Text(12), job));
  job.owner = row.Text(13);
  job.lease_expires_at = row.Int(14);
  return job;
}

// --- stepping through results ---

template <typename Row>
using RowReader = Result<Row> (*)(const Statement&);

template <typename Row>
Result<std::vector<Row>> ReadAll(Statement& select, RowReader<Row> read) {
  std::vector<Row> rows;
  while (true) {
    ASSIGN_OR_RETURN(bool more, select.Step());
    if (!more) return rows;
    ASSIGN_OR_RETURN(Row row, read(select));
    rows.push_back(std::move(row));
  }
}

template <typename Row>
Result<std::optional<Row>> ReadOne(Statement& select, RowReader<Row> read) {
  ASSIGN_OR_RETURN(bool found, select.Step());
  if (!found) return std::optional<Row>();
  ASSIGN_OR_RETURN(Row row, read(select));
  return std::optional<Row>(std::move(row));
}

}  // namespace

// --- daily_runs ---

Status UpsertDailyRun(sqlite3* db, const DailyRun& run) {
  RETURN_IF_ERROR(CheckDate("daily run run_date", run.run_date));
  ASSIGN_OR_RETURN(Statement upsert, Statement::Prepare(db, kUpsertDailyRun));
  BindDailyRun(upsert, run);
  return upsert.Run().WithContext(fmt::format("daily run {}", run.run_date));
}

Result<std::optional<DailyRun>> SelectDailyRun(sqlite3* db, const std::string& run_date) {
  RETURN_IF_ERROR(CheckDate("daily run run_date", run_date));
  ASSIGN_OR_RETURN(Statement select, Statement::Prepare(db, kSelectDailyRun));
  select.BindText(1, run_date);
  return ReadOne<DailyRun>(select, ReadDailyRun);
}

Result<std::vector<DailyRun>> SelectDailyRuns(sqlite3* db, int limit) {
  if (limit < 0) return InvalidArgument("daily run list limit {} is negative", limit);
  ASSIGN_OR_RETURN(Statement select, Statement::Prepare(db, kListDailyRuns));
  select.BindInt(1, limit);
  return ReadAll<DailyRun>(select, ReadDailyRun);
}

Result<std::vector<DailyRun>> SelectDailyRunsBetween(sqlite3* db, const std::string& from,
                                                     const std::string& to) {
  RETURN_IF_ERROR(CheckDate("daily run list from", from));
  RETURN_IF_ERROR(CheckDate("daily run list to", to));
  ASSIGN_OR_RETURN(Statement select, Statement::Prepare(db, kListDailyRunsBetween));
  select.BindText(1, from).BindText(2, to);
  return ReadAll<DailyRun>(select, ReadDailyRun);
}

// --- table_export_job_statuses ---

Status UpsertTableJob(sqlite3* db, const TableJobStatus& job) {
  RETURN_IF_ERROR(CheckJobKey(job.run_date, job.table_name));
  ASSIGN_OR_RETURN(Statement upsert, Statement::Prepare(db, kUpsertTableJob));
  RETURN_IF_ERROR(BindTableJob(upsert, job));
  return upsert.Run().WithContext(fmt::format("table job {}/{}", job.run_date, job.table_name));
}

Result<std::optional<TableJobStatus>> SelectTableJob(sqlite3* db, const std::string& run_date,
                                                     const std::string& table) {
  RETURN_IF_ERROR(CheckJobKey(run_date, table));
  ASSIGN_OR_RETURN(Statement select, Statement::Prepare(db, kSelectTableJob));
  select.BindText(1, run_date).BindText(2, table);
  return ReadOne<TableJobStatus>(select, ReadTableJob);
}

Result<std::vector<TableJobStatus>> SelectTableJobs(sqlite3* db, const std::string& run_date) {
  RETURN_IF_ERROR(CheckDate("table job run_date", run_date));
  ASSIGN_OR_RETURN(Statement select, Statement::Prepare(db, kListTableJobs));
  select.BindText(1, run_date);
  return ReadAll<TableJobStatus>(select, ReadTableJob);
}

// --- table job leases ---

Result<std::optional<TableJobStatus>> ClaimTableJob(sqlite3* db, const std::string& run_date,
                                                    const std::string& table,
                                                    const std::string& owner, int64_t lease_micros,
                                                    int64_t now) {
  RETURN_IF_ERROR(CheckJobKey(run_date, table));
  RETURN_IF_ERROR(metadata::CheckLease(owner, lease_micros));
  ASSIGN_OR_RETURN(std::unique_ptr<WriteTransaction> transaction, WriteTransaction::Begin(db));
  ASSIGN_OR_RETURN(std::optional<TableJobStatus> before, SelectTableJob(db, run_date, table));
  if (before && before->state == JobState::kInProgress && !before->owner.empty() &&
      before->owner != owner && before->lease_expires_at > now) {
    return metadata::TableJobHeld(run_date, table, before->owner, before->lease_expires_at);
  }
  ASSIGN_OR_RETURN(Statement claim,
                   Statement::Prepare(db, before ? kClaimTableJob : kInsertClaimedTableJob));
  claim.BindText(1, run_date)
      .BindText(2, table)
      .BindText(3, owner)
      .BindInt(4, metadata::LeaseEnd(now, lease_micros));
  RETURN_IF_ERROR(claim.Run());
  RETURN_IF_ERROR(transaction->Commit());
  return before;
}

Status RenewTableJobLease(sqlite3* db, const std::string& run_date, const std::string& table,
                          const std::string& owner, int64_t lease_micros, int64_t now) {
  RETURN_IF_ERROR(CheckJobKey(run_date, table));
  RETURN_IF_ERROR(metadata::CheckLease(owner, lease_micros));
  ASSIGN_OR_RETURN(std::unique_ptr<WriteTransaction> transaction, WriteTransaction::Begin(db));
  ASSIGN_OR_RETURN(Statement renew, Statement::Prepare(db, kRenewTableJob));
  renew.BindText(1, run_date)
      .BindText(2, table)
      .BindText(3, owner)
      .BindInt(4, metadata::LeaseEnd(now, lease_micros));
  RETURN_IF_ERROR(renew.Run());
  if (renew.Changes() == 1) return transaction->Commit();
  ASSIGN_OR_RETURN(std::optional<TableJobStatus> job, SelectTableJob(db, run_date, table));
  if (!job) return metadata::TableJobGone(run_date, table);
  return metadata::TableJobNotHeld(run_date, table, job->owner, owner);
}

}  // namespace de::metadata_sqlite
