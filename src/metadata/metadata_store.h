// MetadataStore: the product's own tables (DESIGN.md §3.1): on-demand requests, which warehouse
// tables are exported, and the classification policy. Backends: sqlite/ (embedded default) and,
// postgres/ (shared by several replicas). Both apply the same versioned migrations.
//
// Replicas (several processes on one store) share the work through leases: a worker claims an
// on-demand request or a daily table job for a while (owner + lease_expires_at), renews the
// lease while it works, and gives it up when it stops. A lease is free when its owner is empty
// or lease_expires_at <= now (the store's clock); work whose lease expired (its replica died) is
// claimed again and starts over. One leader lock per cluster decides who starts daily runs.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace de {

// Lifecycle of an on-demand request. Stored as the upper-case names below.
enum class RequestState {
  kInProgress,  // "IN_PROGRESS": accepted, being exported
  kCompleted,   // "COMPLETED": every table published; links may be handed out
  kFailed,      // "FAILED": `error` says why; its files were removed
  kCancelled,   // "CANCELLED": stopped on request; its files were removed
};
std::string_view RequestStateName(RequestState state);
std::optional<RequestState> ParseRequestState(std::string_view name);

// One row of request_table.
struct ExportRequest {
  std::string id;          // de_request_id, UUID v4
  int64_t start_time = 0;  // epoch seconds, inclusive
  int64_t end_time = 0;    // epoch seconds, exclusive
  RequestState state = RequestState::kInProgress;
  double progress = 0;           // 0..100
  std::string error;             // empty unless kFailed
  int64_t created_at = 0;        // epoch microseconds
  int64_t updated_at = 0;        // epoch microseconds
  std::string owner;             // replica that works on it
  int64_t lease_expires_at = 0;  // epoch microseconds; 0 = no lease
  int64_t policy_version = 0;    // policy version it was planned under; 0 = unknown (pre-v4 row)
};

// One published file of a completed request (request_files); links are presigned from `key`
// each time they are asked for.
struct RequestFile {
  std::string table_name;
  int file_index = 0;  // 0 for {table}_000.parquet
  std::string key;     // object-store key
  uint64_t bytes = 0;
  uint64_t rows = 0;
  bool is_manifest = false;
};

// One row of export_tables.
struct ExportTable {
  std::string table_name;
  bool enabled = true;
  std::string time_column;    // timestamp column the requested range applies to
  std::string source_column;  // empty = none
  std::string metric_column;  // empty = not a long table
  friend bool operator==(const ExportTable&, const ExportTable&) = default;
};

// One row of data_column_classification.
struct ColumnClassification {
  std::string table_name;
  std::string column_name;
  std::string classification;  // nr | mx | de | hwc
  std::string treatment;       // empty = none
  bool pii = false;
  friend bool operator==(const ColumnClassification&, const ColumnClassification&) = default;
};

// One row of actual_data_classifications: the rule for every row whose source column holds
// `source` (DESIGN.md §3.2).
struct SourceClassification {
  std::string source;
  std::string classification;  // nr | mx | de | hwc
  friend bool operator==(const SourceClassification&, const SourceClassification&) = default;
};

// One row of long_table_data_classifications: the rule for rows of a long-format table whose
// metric column holds `metric_name`.
struct MetricClassification {
  std::string table_name;
  std::string metric_name;
  std::string classification;  // nr | mx | de | hwc
  std::string treatment;       // empty = none
  friend bool operator==(const MetricClassification&, const MetricClassification&) = default;
};

// The four policy tables at one policy version, read in one transaction.
struct PolicySnapshot {
  int64_t version = 0;
  std::vector<ExportTable> export_tables;     // ordered by table_name
  std::vector<ColumnClassification> columns;  // ordered by table_name, column_name
  std::vector<SourceClassification> sources;  // ordered by source
  std::vector<MetricClassification> metrics;  // ordered by table_name, metric_name

  // Equal content (the version is not compared).
  bool SameRules(const PolicySnapshot& other) const;
};

// State of one table's job in a daily run (table_export_job_statuses.status). Stored with the
// original system's spelling: "IN-PROGRESS", "COMPLETED", "FAILED".
enum class JobState {
  kInProgress,  // its warehouse query was submitted (attempt `attempt`)
  kCompleted,   // its files are published
  kFailed,      // gave up: MAX_RETRY_COUNT attempts, or an error that is never retried
};
std::string_view JobStateName(JobState state);
std::optional<JobState> ParseJobState(std::string_view name);

// One row of table_export_job_statuses: one table of one daily run.
struct TableJobStatus {
  std::string run_date;  // local calendar day exported, "YYYY-MM-DD"
  std::string table_name;
  JobState state = JobState::kInProgress;
  int attempt = 0;          // 1-based attempt number of the latest try
  int64_t started_at = 0;   // epoch microseconds, start of the latest attempt
  int64_t finished_at = 0;  // epoch microseconds; 0 while IN-PROGRESS
  uint64_t rows_read = 0;   // reconciliation counts (DESIGN.md §3.4) of the COMPLETED attempt
  uint64_t rows_dropped_by_policy = 0;
  uint64_t rows_written = 0;
  uint64_t bytes_written = 0;  // data files
  uint64_t files = 0;          // data files
  std::string error;           // last error; empty when COMPLETED
  std::vector<std::string> unclassified_columns;
  std::string owner;             // replica working on it
  int64_t lease_expires_at = 0;  // epoch microseconds; 0 = no lease
  friend bool operator==(const TableJobStatus&, const TableJobStatus&) = default;
};

// Outcome of a daily run (daily_runs.status). "RUNNING", "SUCCESS", "PARTIAL-SUCCESS", "FAILED".
enum class DailyRunState { kRunning, kSuccess, kPartialSuccess, kFailed };
std::string_view DailyRunStateName(DailyRunState state);
std::optional<DailyRunState> ParseDailyRunState(std::string_view name);

// One row of daily_runs: the latest run of one local calendar day.
struct DailyRun {
  std::string run_date;  // "YYYY-MM-DD", the primary key
  DailyRunState state = DailyRunState::kRunning;
  std::string trigger;     // "schedule" | "catch-up" | "cli" | "api"
  int64_t start_time = 0;  // epoch seconds, the day's UTC bounds [start_time, end_time)
  int64_t end_time = 0;
  int64_t started_at = 0;   // epoch microseconds
  int64_t finished_at = 0;  // epoch microseconds; 0 while RUNNING
  int64_t policy_version = 0;
  int tables_total = 0;
  int tables_completed = 0;
  int tables_failed = 0;
  std::string error;  // run-level error (e.g. the policy could not be loaded)
  std::string owner;  // replica running it
  friend bool operator==(const DailyRun&, const DailyRun&) = default;
};

// A request as ClaimRequest handed it over.
struct ClaimedRequest {
  ExportRequest request;       // as now stored: owner and lease_expires_at are the claimer's
  std::string previous_owner;  // who held it before ("" = nobody): its files must go first
};

// A cluster-wide exclusive lock, held until the object is destroyed (or its session is lost).
// Thread-compatible.
class LeaderLock {
 public:
  virtual ~LeaderLock() = default;
  // False once the lock is known to be lost (PostgreSQL: its session ended); then it is never
  // held again and the owner must stop acting as leader.
  virtual bool Held() = 0;
};

// True for a run_date: exactly "YYYY-MM-DD" naming a real calendar day ("2024-02-29" is one,
// "2023-02-29", "2024-3-01" and "2024-03-01T00:00" are not).
bool IsIsoDate(std::string_view text);

// Thread-safe: every method may be called from any thread.
class MetadataStore {
 public:
  virtual ~MetadataStore() = default;

  // --- request_table ---
  // Inserts a new request; kAlreadyExists if the id is taken.
  virtual Status CreateRequest(const ExportRequest& request) = 0;
  // The request, or nullopt if no request has that id.
  virtual Result<std::optional<ExportRequest>> GetRequest(const std::string& id) = 0;
  // Newest first, at most `limit`.
  virtual Result<std::vector<ExportRequest>> ListRequests(int limit) = 0;
  // Every request in `state`, oldest first (by created_at, then id).
  virtual Result<std::vector<ExportRequest>> ListRequestsInState(RequestState state) = 0;
  // Every request for exactly [start_time, end_time), in any state, oldest first (by
  // created_at, then id).
  virtual Result<std::vector<ExportRequest>> FindRequestsByRange(int64_t start_time,
                                                                 int64_t end_time) = 0;
  // Sets progress (0..100) of an IN_PROGRESS request; kFailedPrecondition if it is not.
  virtual Status UpdateProgress(const std::string& id, double progress) = 0;
  // Moves an IN_PROGRESS request to a final state in one transaction, recording its files when
  // kCompleted (progress becomes 100). kFailedPrecondition if it is not IN_PROGRESS, kNotFound if
  // it does not exist.
  Status FinishRequest(const std::string& id, RequestState state, const std::string& error,
                       const std::vector<RequestFile>& files) {
    return FinishRequestAs(id, "", state, error, files);
  }
  // FinishRequest fenced by the lease: with a non-empty `owner`, kFailedPrecondition (nothing
  // changes) unless the row's owner is `owner` (a worker whose lease was taken over must not
  // finish the request). An empty `owner` finishes whoever holds it (cancellation).
  virtual Status FinishRequestAs(const std::string& id, const std::string& owner,
                                 RequestState state, const std::string& error,
                                 const std::vector<RequestFile>& files) = 0;
  // Files of a request, ordered by table then index (manifest last per table).
  virtual Result<std::vector<RequestFile>> ListRequestFiles(const std::string& id) = 0;
  // Takes back a COMPLETED request whose files must no longer be handed out (exported under a
  // policy that is no longer in force, or gone from the object store): in one transaction it
  // becomes FAILED with `error` and its request_files rows are removed. The caller reads the
  // files first and deletes the objects afterwards. kFailedPrecondition if it is not COMPLETED,
  // kNotFound if it does not exist; nothing changes on any error.
  virtual Status RetireRequest(const std::string& id, const std::string& error) = 0;

  // --- request leases (replicas) ---
  // Claims the oldest IN_PROGRESS request (by created_at, then id) whose lease is free, for
  // `owner` until now + lease_micros. nullopt when none is free. Two callers never claim the
  // same request (PostgreSQL: SELECT ... FOR UPDATE SKIP LOCKED; SQLite: a write transaction).
  // kInvalidArgument for an empty owner or lease_micros <= 0.
  virtual Result<std::optional<ClaimedRequest>> ClaimRequest(const std::string& owner,
                                                             int64_t lease_micros) = 0;
  // Extends to now + lease_micros the leases `owner` holds on the IN_PROGRESS requests among
  // `ids`; returns the ids it does not hold (finished, taken over, or unknown), in input order.
  virtual Result<std::vector<std::string>> RenewRequestLeases(const std::string& owner,
                                                              const std::vector<std::string>& ids,
                                                              int64_t lease_micros) = 0;
  // Frees the leases `owner` holds among `ids` (owner "", lease_expires_at 0) so any worker may
  // claim them at once; other rows are left alone.
  virtual Status ReleaseRequests(const std::string& owner, const std::vector<std::string>& ids) = 0;
  // IN_PROGRESS requests whose lease is free: the cluster's queue length.
  virtual Result<int64_t> CountUnclaimedRequests() = 0;

  // --- policy: export_tables, data_column_classification, actual_data_classifications,
  // long_table_data_classifications and the policy version ---
  virtual Result<std::vector<ExportTable>> ListExportTables() = 0;
  // Inserts or replaces the row with this table_name and bumps the policy version (unless the
  // row is unchanged).
  virtual Status UpsertExportTable(const ExportTable& table) = 0;
  // Rows of one table, or of every table when `table` is empty; ordered by table, column.
  virtual Result<std::vector<ColumnClassification>> ListColumnClassifications(
      const std::string& table) = 0;
  // All four policy tables and the version they form, read in one transaction.
  virtual Result<PolicySnapshot> LoadPolicy() = 0;
  // Replaces all four policy tables in one transaction (policy.version is ignored). The version
  // is bumped when the content differs from what is stored, and kept when it is the same;
  // returns the version now in effect. All-or-nothing: kInvalidArgument naming the row for an
  // empty name or an unknown classification code, kAlreadyExists naming the duplicate key;
  // nothing changes on any error. (Semantic checks against the warehouse are policy/'s job.)
  virtual Result<int64_t> ReplacePolicy(const PolicySnapshot& policy) = 0;
  // Increases on every policy change; starts at 1 with the first migration.
  virtual Result<int64_t> PolicyVersion() = 0;

  // --- daily runs: daily_runs and table_export_job_statuses ---
  // Inserts the run, or replaces every column of the existing row for run.run_date.
  // kInvalidArgument for a run_date that is not "YYYY-MM-DD".
  virtual Status UpsertDailyRun(const DailyRun& run) = 0;
  virtual Result<std::optional<DailyRun>> GetDailyRun(const std::string& run_date) = 0;
  // Newest run_date first, at most `limit`.
  virtual Result<std::vector<DailyRun>> ListDailyRuns(int limit) = 0;
  // Runs with run_date in [from, to] (inclusive, "YYYY-MM-DD"), oldest first.
  virtual Result<std::vector<DailyRun>> ListDailyRunsBetween(const std::string& from,
                                                             const std::string& to) = 0;
  // Inserts the job, or replaces every column of the existing (run_date, table_name) row.
  // kInvalidArgument for a bad run_date or an empty table name.
  virtual Status UpsertTableJob(const TableJobStatus& job) = 0;
  virtual Result<std::optional<TableJobStatus>> GetTableJob(const std::string& run_date,
                                                            const std::string& table) = 0;
  // Jobs of one run, ordered by table_name.
  virtual Result<std::vector<TableJobStatus>> ListTableJobs(const std::string& run_date) = 0;

  // --- daily table job leases (replicas) ---
  // Claims the (run_date, table) job for `owner` until now + lease_micros and returns the row as
  // it was before the claim (nullopt when there was none; then an IN-PROGRESS row with attempt 0
  // is inserted). Free unless the row is IN-PROGRESS under another owner's unexpired lease:
  // then kAlreadyExists naming the owner and the lease's end (also when another claimer has the
  // row locked at this moment). Only owner and lease_expires_at change. kInvalidArgument for a
  // bad run_date, an empty table or owner, or lease_micros <= 0.
  virtual Result<std::optional<TableJobStatus>> ClaimTableJob(const std::string& run_date,
                                                              const std::string& table,
                                                              const std::string& owner,
                                                              int64_t lease_micros) = 0;
  // Extends `owner`'s lease on the job to now + lease_micros. kFailedPrecondition when the job
  // is not held by `owner` (taken over or gone): the worker must stop.
  virtual Status RenewTableJobLease(const std::string& run_date, const std::string& table,
                                    const std::string& owner, int64_t lease_micros) = 0;

  // --- leader ---
  // Tries, without waiting, to take the cluster-wide lock `name` (e.g. "scheduler"): the lock,
  // or nullptr when another process holds it. PostgreSQL: a session advisory lock on a
  // connection of its own; SQLite: an exclusive flock on a file beside the database.
  virtual Result<std::unique_ptr<LeaderLock>> TryLeaderLock(const std::string& name) = 0;

  // Microseconds since the epoch on the clock leases are measured with.
  virtual int64_t NowMicros() = 0;

  // Cheap reachability check for readiness probes.
  virtual Status Ping() = 0;
};

}  // namespace de
