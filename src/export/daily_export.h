// The config-driven daily export (DESIGN.md §1): one local calendar day of every enabled export
// table, with the classification rules applied, into the daily layout
//   {prefix}/{env}/YYYY/MM/DD/{table}/{table}_000.parquet …
//   {prefix}/{env}/YYYY/MM/DD/classifications/{classification_table}.parquet
// tracked per table in table_export_job_statuses and per day in daily_runs, retried, run in
// parallel under the shared MAX_CONCURRENCY_LIMIT (ExportSlots), and reported to a Notifier.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/cancellation.h"
#include "common/clock.h"
#include "common/status.h"
#include "export/daily_summary.h"
#include "export/export_slots.h"
#include "export/layout.h"
#include "export/table_export.h"
#include "metadata/metadata_store.h"

namespace de {

// The four policy tables written to …/classifications/ each day, in this order.
const std::vector<std::string>& ClassificationTableNames();

struct DailyRunOptions {
  int max_retry_count = 3;                   // attempts per table (MAX_RETRY_COUNT)
  int64_t retry_initial_backoff_ms = 2'000;  // before the 2nd attempt; doubles each time
  int64_t retry_max_backoff_ms = 60'000;     // cap; the wait is jittered to 50..100% of it
  std::string env;                           // for the summary
  std::string time_zone;                     // the schedule's zone, for the summary
  std::string owner = "local";               // this replica's name in table job leases
  int64_t lease_micros = 30'000'000;         // a table job claim's lifetime without renewal
};

// One run to make.
struct DailyRunSpec {
  std::string run_date;    // "YYYY-MM-DD"
  int64_t start_time = 0;  // UTC bounds of that local day, epoch seconds
  int64_t end_time = 0;
  std::optional<std::string> table;  // only this export table (classifications are skipped)
  bool force = false;                // re-export tables already COMPLETED for the day
  std::string trigger = "cli";       // "schedule" | "catch-up" | "cli" | "api"
};

// Progress of a run; called from the table worker threads (implementations synchronise).
class DailyObserver {
 public:
  virtual ~DailyObserver() = default;
  virtual void OnPlanned(const std::vector<std::string>& tables) { (void)tables; }
  virtual void OnAttempt(const std::string& table, int attempt) { (void)table, (void)attempt; }
  virtual void OnRows(const std::string& table, uint64_t rows_read) {
    (void)table, (void)rows_read;
  }
  virtual void OnTableFinished(const DailyTableSummary& table) { (void)table; }
};

// Thread-safe. Runs of different days may overlap; a day already running in this process is
// refused (kAlreadyExists), so a day never runs twice at the same time.
class DailyExporter {
 public:
  DailyExporter(Warehouse* warehouse, MetadataStore* metadata, ObjectStore* store, Clock* clock,
                ExportSlots* slots, ExportOptions options, DailyLayout layout,
                DailyRunOptions run_options, Notifier* notifier);

  // Runs one day to the end and notifies. Tables already COMPLETED for the day are skipped
  // unless spec.force; a forced table's new files replace the old ones only once all of them
  // are published (the old ones stay readable until then; a failed forced attempt leaves the
  // old files as they were). A transient error (Status::IsTransient) is retried with
  // exponential backoff and jitter up to max_retry_count attempts; any other error (policy
  // violation, missing table, bad data) fails the table at once.
  //
  // Replicas: each table job is claimed (ClaimTableJob) under a lease renewed while it runs.
  // A job another replica holds is waited for: when that one finishes, its outcome is this
  // run's too (a COMPLETED job is not exported again, even when forced); when its lease expires
  // (the replica died) the job is claimed here and the table starts over. A job whose lease is
  // lost here stops without recording anything more.
  //
  // Errors (nothing is written or notified): kInvalidArgument for a bad date or range;
  // kNotFound for a table filter that is not an enabled export table; kAlreadyExists when the
  // day is running already. kCancelled when `cancel` fires: tables in flight stay IN-PROGRESS
  // and the run RUNNING, for the next start to resume; no notification.
  Result<DailyRunSummary> Run(const DailyRunSpec& spec, CancellationToken* cancel,
                              DailyObserver* observer);

  const DailyLayout& layout() const { return layout_; }

 private:
  class RunState;

  // Writes the four classification files of `policy` (skipped when all are there, unless
  // forced); errors are reported in the result, not returned.
  DailyClassificationsSummary ExportClassifications(const DailyRunSpec& spec,
                                                    const PolicySnapshot& policy,
                                                    CancellationToken* cancel);

  Warehouse* warehouse_;
  MetadataStore* metadata_;
  ObjectStore* store_;
  Clock* clock_;
  ExportSlots* slots_;
  TableExporter exporter_;
  DailyLayout layout_;
  DailyRunOptions run_options_;
  Notifier* notifier_;
  std::mutex mu_;
  std::set<std::string> running_;  // run dates in flight; guarded by mu_
};

// Starts a run of one day in the background (the scheduler implements it; the API's admin
// mutation and the dashboard call it). Thread-safe.
class DailyRunLauncher {
 public:
  virtual ~DailyRunLauncher() = default;
  // Validates `run_date` ("YYYY-MM-DD", not in the future of the schedule's zone) and `table`,
  // records the run as RUNNING and starts it; returns that row. kInvalidArgument / kNotFound for
  // bad input, kAlreadyExists when the day is running; nothing starts on any error.
  virtual Result<DailyRun> Launch(const std::string& run_date,
                                  const std::optional<std::string>& table, bool force,
                                  const std::string& trigger) = 0;
};

}  // namespace de
