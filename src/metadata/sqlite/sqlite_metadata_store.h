// SqliteMetadataStore: the embedded-default metadata store, one SQLite database file.
//
// The file (and its directory) is created on first open and brought to the latest schema by the
// shared migrations (metadata/migrations.h). It runs in WAL mode with a busy timeout, so the
// CLI and a running server may use the same file at once; write transactions take the write
// lock up front (BEGIN IMMEDIATE), so a state check and the change it guards are atomic across
// processes too.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/clock.h"
#include "metadata/metadata_store.h"
#include "sqlite/sqlite.h"

namespace de {

// Thread-safe: one connection, every method holds mu_ for its whole duration.
class SqliteMetadataStore final : public MetadataStore {
 public:
  // How long a statement waits for another process's write lock before kUnavailable.
  static constexpr int kBusyTimeoutMillis = 5000;

  // Opens (creating if needed) the database at `path` and applies missing migrations, each in
  // its own transaction. `clock` stamps updated_at and applied_at; required, not owned, must
  // outlive the store. kFailedPrecondition if the database's schema is newer than this program
  // knows or its migration history differs from ours; kPermissionDenied if the directory or file
  // cannot be created; kDataLoss if the file is not a SQLite database.
  static Result<std::unique_ptr<SqliteMetadataStore>> Open(const std::string& path, Clock* clock);

  // created_at and updated_at of `request` are kept if set, else taken from the clock.
  // kInvalidArgument for an empty id, an unknown state or progress outside 0..100.
  Status CreateRequest(const ExportRequest& request) override;
  Result<std::optional<ExportRequest>> GetRequest(const std::string& id) override;
  // kInvalidArgument for a negative limit.
  Result<std::vector<ExportRequest>> ListRequests(int limit) override;
  Result<std::vector<ExportRequest>> ListRequestsInState(RequestState state) override;
  Result<std::vector<ExportRequest>> FindRequestsByRange(int64_t start_time,
                                                         int64_t end_time) override;
  // Also kNotFound for an unknown id, kInvalidArgument for progress outside 0..100.
  Status UpdateProgress(const std::string& id, double progress) override;
  // Also kInvalidArgument if `state` is kInProgress or files are given for another state than
  // kCompleted, kAlreadyExists for two files with the same key; nothing changes on any error.
  // The lease is cleared (owner is kept, for the record); `error` is stored for kFailed and
  // kCancelled only.
  Status FinishRequestAs(const std::string& id, const std::string& owner, RequestState state,
                         const std::string& error, const std::vector<RequestFile>& files) override;
  // Empty for an unknown id.
  Result<std::vector<RequestFile>> ListRequestFiles(const std::string& id) override;
  // Keeps progress; updated_at from the clock.
  Status RetireRequest(const std::string& id, const std::string& error) override;

  // Request leases. Each claim, renewal and release is one BEGIN IMMEDIATE transaction, so
  // stores in several processes on one file never hand out the same request twice.
  Result<std::optional<ClaimedRequest>> ClaimRequest(const std::string& owner,
                                                     int64_t lease_micros) override;
  // kInvalidArgument for an empty owner or lease_micros <= 0.
  Result<std::vector<std::string>> RenewRequestLeases(const std::string& owner,
                                                      const std::vector<std::string>& ids,
                                                      int64_t lease_micros) override;
  // kInvalidArgument for an empty owner.
  Status ReleaseRequests(const std::string& owner, const std::vector<std::string>& ids) override;
  Result<int64_t> CountUnclaimedRequests() override;

  // Ordered by table_name.
  Result<std::vector<ExportTable>> ListExportTables() override;
  // kInvalidArgument for an empty table_name or time_column.
  Status UpsertExportTable(const ExportTable& table) override;

  Result<std::vector<ColumnClassification>> ListColumnClassifications(
      const std::string& table) override;
  // Replaces data_column_classification only, keeping the other policy tables; otherwise as
  // ReplacePolicy. Kept for existing callers; new code uses ReplacePolicy.
  Status ReplaceColumnClassifications(const std::vector<ColumnClassification>& rows);
  Result<PolicySnapshot> LoadPolicy() override;
  // Also kInvalidArgument for an export_tables row without a table_name or time_column.
  // Duplicate keys are reported as "duplicate <table> row <key>", e.g.
  // "duplicate data_column_classification row way.speed_kmh".
  Result<int64_t> ReplacePolicy(const PolicySnapshot& policy) override;
  Result<int64_t> PolicyVersion() override;

  // Daily runs (sqlite_daily_runs.h). Every method also returns kInvalidArgument naming the
  // field, changing nothing, for a run_date (or from/to) that is not IsIsoDate() and for an
  // empty table name; kDataLoss naming the row for a stored status or unclassified_columns this
  // program cannot read. Nothing is stamped from the clock: the rows are stored as given.
  Status UpsertDailyRun(const DailyRun& run) override;
  Result<std::optional<DailyRun>> GetDailyRun(const std::string& run_date) override;
  // kInvalidArgument for a negative limit.
  Result<std::vector<DailyRun>> ListDailyRuns(int limit) override;
  // Empty when from > to.
  Result<std::vector<DailyRun>> ListDailyRunsBetween(const std::string& from,
                                                     const std::string& to) override;
  // started_at and finished_at of 0 are stored as NULL; unclassified_columns as a JSON array
  // (kInvalidArgument for a name that is not valid UTF-8).
  Status UpsertTableJob(const TableJobStatus& job) override;
  Result<std::optional<TableJobStatus>> GetTableJob(const std::string& run_date,
                                                    const std::string& table) override;
  Result<std::vector<TableJobStatus>> ListTableJobs(const std::string& run_date) override;

  // Table job leases (sqlite_daily_runs.h): one BEGIN IMMEDIATE transaction each.
  Result<std::optional<TableJobStatus>> ClaimTableJob(const std::string& run_date,
                                                      const std::string& table,
                                                      const std::string& owner,
                                                      int64_t lease_micros) override;
  Status RenewTableJobLease(const std::string& run_date, const std::string& table,
                            const std::string& owner, int64_t lease_micros) override;

  // An exclusive flock(2) on "<database path>.<name>.lock" (created if missing), held while the
  // returned lock lives; the kernel drops it when the process dies. kInvalidArgument for a name
  // that is empty or holds other characters than letters, digits, '-' and '_';
  // kPermissionDenied when the file cannot be opened.
  Result<std::unique_ptr<LeaderLock>> TryLeaderLock(const std::string& name) override;

  // The clock given to Open.
  int64_t NowMicros() override;

  Status Ping() override;

  // The highest migration version applied to the database.
  Result<int64_t> SchemaVersion();

 private:
  SqliteMetadataStore(std::string path, sqlite::Connection db, Clock* clock);

  Result<RequestState> CurrentState(const std::string& id);
  Result<std::string> CurrentOwner(const std::string& id);
  Status InsertRequestFiles(const std::string& id, const std::vector<RequestFile>& files);
  // In one write transaction: reads the stored policy, lets `edit` change it, and writes back
  // the tables that differ, bumping the version if any did. Returns the version in effect.
  Result<int64_t> ChangePolicy(const std::function<void(PolicySnapshot&)>& edit);

  const std::string path_;  // the database file, for leader lock files beside it
  Clock* const clock_;
  std::mutex mu_;
  sqlite::Connection db_;  // guarded by mu_
  // The hot reads' statements (requestStatus: GetRequest, ListRequestFiles), prepared once;
  // guarded by mu_, destroyed before db_.
  sqlite::StatementCache statements_{db_.get()};
};

}  // namespace de
