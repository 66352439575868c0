#include "export/daily_export.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

#include <spdlog/spdlog.h>

#include "common/thread_priority.h"
#include "common/uuid.h"
#include "export/classification_files.h"
#include "export/lease_keeper.h"
#include "policy/policy_applier.h"

namespace de {
namespace {

// The daily layout puts the classification tables in a folder beside the tables' folders.
constexpr std::string_view kClassificationsFolder = "classifications";
// Longest day a zone can have (25 h on the day clocks go back, with margin).
constexpr int64_t kMaxDaySeconds = 26 * 3600;

Status ValidateRunDate(const std::string& run_date) {
  // ISO dates compare as text.
  if (IsIsoDate(run_date) && run_date >= "1970-01-01") return Status::Ok();
  return InvalidArgument("date '{}' is not a calendar date YYYY-MM-DD", run_date);
}

// Waits `ms` milliseconds, or less when `cancel` fires.
void SleepUnlessCancelled(int64_t ms, CancellationToken* cancel) {
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (std::chrono::steady_clock::now() < until) {
    if (cancel != nullptr && cancel->cancelled()) return;
    auto left = until - std::chrono::steady_clock::now();
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(left, std::chrono::milliseconds(50)));
  }
}

DailyTableSummary SummaryOf(const TableJobStatus& job, std::string prefix) {
  DailyTableSummary s;
  s.table = job.table_name;
  s.status = std::string(JobStateName(job.state));
  s.rows_read = job.rows_read;
  s.rows_dropped_by_policy = job.rows_dropped_by_policy;
  s.rows_written = job.rows_written;
  s.bytes_written = job.bytes_written;
  s.files = job.files;
  s.prefix = std::move(prefix);
  s.error = job.error;
  s.unclassified_columns = job.unclassified_columns;
  return s;
}

}  // namespace

// Everything one Run shares between its table workers.
class DailyExporter::RunState {
 public:
  RunState(DailyExporter* owner, const DailyRunSpec& spec, const PolicySnapshot& policy,
           CancellationToken* cancel, DailyObserver* observer)
      : owner_(owner),
        spec_(spec),
        policy_(policy),
        cancel_(cancel),
        observer_(observer),
        keeper_("daily table job", RenewFn(owner, spec.run_date),
                owner->run_options_.lease_micros) {}

  // Exports `tables` on up to slots->limit() threads; fills summaries_ (by table index).
  void ExportAll(const std::vector<ExportTable>& tables) {
    summaries_.resize(tables.size());
    size_t workers = std::min(tables.size(), owner_->slots_->limit());
    std::vector<std::thread> threads;
    for (size_t w = 0; w < workers; ++w) {
      threads.emplace_back([&] {
        LowerThisThreadPriority();  // exports yield the CPU to the HTTP threads
        for (;;) {
          size_t i = next_.fetch_add(1);
          if (i >= tables.size()) return;
          summaries_[i] = ExportWithRetries(tables[i]);
        }
      });
    }
    for (std::thread& t : threads) t.join();
  }

  std::vector<DailyTableSummary>& summaries() { return summaries_; }

  // Renews the leases of the run's table jobs (keys are table names).
  static LeaseKeeper::RenewFn RenewFn(DailyExporter* exporter, const std::string& run_date) {
    return [exporter,
            run_date](const std::vector<std::string>& tables) -> Result<std::vector<std::string>> {
      std::vector<std::string> lost;
      for (const std::string& table : tables) {
        Status renewed = exporter->metadata_->RenewTableJobLease(
            run_date, table, exporter->run_options_.owner, exporter->run_options_.lease_micros);
        if (renewed.code() == StatusCode::kFailedPrecondition) {
          lost.push_back(table);
        } else if (!renewed.ok()) {
          return renewed;
        }
      }
      return lost;
    };
  }
  bool interrupted() const { return cancel_ != nullptr && cancel_->cancelled(); }

 private:
  // Claims the table's job, waiting while another replica holds it. nullopt when it is ours now;
  // the other replica's finished job otherwise (or an error summary when interrupted or the
  // store fails).
  std::optional<DailyTableSummary> ClaimJob(const ExportTable& table, const std::string& prefix) {
    const DailyRunOptions& options = owner_->run_options_;
    const int64_t poll_ms = std::clamp<int64_t>(options.lease_micros / 3'000, 10, 1'000);
    bool waited = false;
    while (true) {
      Result<std::optional<TableJobStatus>> claimed = owner_->metadata_->ClaimTableJob(
          spec_.run_date, table.table_name, options.owner, options.lease_micros);
      if (claimed.ok()) {
        // The replica we waited for finished the table: its outcome stands. Unless forced, a
        // table another replica completed between the run's check and this claim is kept too.
        const bool finished_elsewhere =
            claimed->has_value() && ((waited && (*claimed)->state != JobState::kInProgress) ||
                                     (!spec_.force && (*claimed)->state == JobState::kCompleted));
        if (finished_elsewhere) {
          DailyTableSummary summary = SummaryOf(**claimed, prefix);
          summary.skipped = (*claimed)->state == JobState::kCompleted;
          return summary;
        }
        if (claimed->has_value() && (*claimed)->state == JobState::kInProgress &&
            !(*claimed)->owner.empty() && (*claimed)->owner != options.owner) {
          spdlog::warn("daily {} table {}: taken over from {} (its lease expired); starting over",
                       spec_.run_date, table.table_name, (*claimed)->owner);
        }
        return std::nullopt;
      }
      if (claimed.status().code() != StatusCode::kAlreadyExists || interrupted()) {
        TableJobStatus failed;
        failed.run_date = spec_.run_date;
        failed.table_name = table.table_name;
        failed.state = JobState::kFailed;
        failed.error = claimed.status().ToString();
        return SummaryOf(failed, prefix);
      }
      if (!waited) {
        spdlog::info("daily {} table {}: {}; waiting", spec_.run_date, table.table_name,
                     claimed.status().message());
      }
      waited = true;
      SleepUnlessCancelled(poll_ms, cancel_);
    }
  }

  DailyTableSummary ExportWithRetries(const ExportTable& table) {
    const DailyRunOptions& options = owner_->run_options_;
    TableJobStatus job;
    job.run_date = spec_.run_date;
    job.table_name = table.table_name;
    job.owner = options.owner;
    std::string prefix = owner_->layout_.TableDirectory(spec_.run_date, table.table_name) + "/";
    if (std::optional<DailyTableSummary> elsewhere = ClaimJob(table, prefix)) return *elsewhere;
    // The lease is renewed in the background; losing it stops this table's attempt.
    auto lost = std::make_shared<std::atomic<bool>>(false);
    auto table_cancel = std::make_shared<CancellationToken>();
    if (cancel_ != nullptr) cancel_->OnCancel([table_cancel] { table_cancel->Cancel(); });
    const std::string key = table.table_name;
    keeper_.Hold(key, [lost, table_cancel] {
      lost->store(true);
      table_cancel->Cancel();
    });
    struct Drop {
      LeaseKeeper& keeper;
      const std::string& key;
      ~Drop() { keeper.Drop(key); }
    } drop{keeper_, key};
    DailyTableSummary summary;
    int64_t backoff_ms = options.retry_initial_backoff_ms;
    for (int attempt = 1;; ++attempt) {
      job.state = JobState::kInProgress;
      job.attempt = attempt;
      job.started_at = owner_->clock_->NowMicros();
      job.finished_at = 0;
      Record(job);
      if (observer_ != nullptr) observer_->OnAttempt(table.table_name, attempt);
      Result<TableExportResult> result = ExportOnce(table, table_cancel.get());
      if (result.ok()) {
        job.state = JobState::kCompleted;
        job.rows_read = result->rows_read;
        job.rows_dropped_by_policy = result->rows_dropped_by_policy;
        job.rows_written = result->rows_written;
        job.bytes_written = result->bytes_written;
        job.files = result->data_file_count();
        job.unclassified_columns = result->unclassified_columns;
        job.error.clear();
      } else {
        const Status& error = result.status();
        job.error = error.ToString();
        if (lost->load() && !interrupted()) {
          // Another replica holds the job now: it records the outcome.
          summary = SummaryOf(job, prefix);
          summary.status = "FAILED";
          summary.error = "its lease was lost; another replica took the table over";
          summary.attempts = attempt;
          return summary;
        }
        if (interrupted()) {
          // Stopped by shutdown: the job stays IN-PROGRESS for the next start to resume.
          summary = SummaryOf(job, prefix);
          summary.attempts = attempt;
          return summary;
        }
        bool retry = error.IsTransient() && attempt < options.max_retry_count;
        spdlog::warn("daily {} table {}: attempt {}/{} failed{}: {}", spec_.run_date,
                     table.table_name, attempt, options.max_retry_count, retry ? ", retrying" : "",
                     error.ToString());
        if (retry) {
          Record(job);  // IN-PROGRESS, with the error of the attempt that failed
          SleepUnlessCancelled(Jitter(backoff_ms), table_cancel.get());
          backoff_ms = std::min(backoff_ms * 2, options.retry_max_backoff_ms);
          if (!interrupted()) continue;
          summary = SummaryOf(job, prefix);
          summary.attempts = attempt;
          return summary;
        }
        job.state = JobState::kFailed;
      }
      job.finished_at = owner_->clock_->NowMicros();
      Record(job);
      summary = SummaryOf(job, prefix);
      summary.attempts = attempt;
      if (observer_ != nullptr) observer_->OnTableFinished(summary);
      return summary;
    }
  }

  // One attempt: plan, export (straight into the day's folder when it is empty, else through
  // the staging area), publish. Holds an export slot throughout.
  Result<TableExportResult> ExportOnce(const ExportTable& table, CancellationToken* cancel) {
    ASSIGN_OR_RETURN(ExportSlots::Slot slot, owner_->slots_->Acquire(cancel));
    if (table.table_name == kClassificationsFolder) {
      return InvalidArgument(
          "table name '{}' collides with the daily classifications folder; rename the export "
          "table",
          table.table_name);
    }
    ASSIGN_OR_RETURN(TableSchema schema, owner_->warehouse_->DescribeTable(table.table_name));
    ASSIGN_OR_RETURN(ExportPlan plan, BuildExportPlan(table, schema, policy_));
    RETURN_IF_ERROR(PolicyApplier::CheckContext(plan, owner_->exporter_.options().treatments));
    for (const std::string& column : plan.UnclassifiedColumns()) {
      spdlog::warn("daily {} table {}: column {} is unclassified and was not exported",
                   spec_.run_date, plan.table, column);
    }

    ObjectStore* store = owner_->store_;
    const DailyLayout& layout = owner_->layout_;
    std::string staging_root = layout.StagingDirectory(spec_.run_date, table.table_name, "");
    // Leftovers of an attempt that died (a day's table is worked on by one attempt at a time).
    RETURN_IF_ERROR(DeleteUnder(staging_root));
    std::string day_prefix = layout.TableDirectory(spec_.run_date, table.table_name) + "/";
    ASSIGN_OR_RETURN(std::vector<ObjectInfo> existing, store->List(day_prefix));
    bool staged = !existing.empty();
    std::string staging;
    if (staged) {
      ASSIGN_OR_RETURN(std::string id, NewUuidV4());
      staging = layout.StagingDirectory(spec_.run_date, table.table_name, id);
    }

    TableExportTarget target;
    target.request_id = "daily-" + spec_.run_date;
    target.start_time = spec_.start_time;
    target.end_time = spec_.end_time;
    target.data_key = [&](int index) {
      return staged ? fmt::format("{}/{}_{:03}.parquet", staging, table.table_name, index)
                    : layout.DataFile(spec_.run_date, table.table_name, index);
    };
    ASSIGN_OR_RETURN(TableExportResult result,
                     owner_->exporter_.Export(plan, target, cancel, [&](uint64_t rows) {
                       if (observer_ != nullptr) observer_->OnRows(table.table_name, rows);
                     }));
    if (staged) RETURN_IF_ERROR(Publish(table.table_name, existing, &result));
    return result;
  }

  // Replaces the day's files of `table` with the staged ones: each new file is copied over its
  // final key (atomically per object), then old files the new set does not have are removed,
  // then the staged copies. The folder is never empty in between.
  Status Publish(const std::string& table, const std::vector<ObjectInfo>& old_files,
                 TableExportResult* result) {
    ObjectStore* store = owner_->store_;
    std::vector<std::string> staged_keys;
    std::vector<std::string> final_keys;
    for (RequestFile& file : result->files) {
      std::string final_key = owner_->layout_.DataFile(spec_.run_date, table, file.file_index);
      Status copied = store->Copy(file.key, final_key);
      if (!copied.ok()) {
        std::vector<std::string> keys;
        for (const RequestFile& f : result->files) keys.push_back(f.key);
        DeleteObjects(store, keys);
        return copied.WithContext("publish " + final_key);
      }
      staged_keys.push_back(file.key);
      final_keys.push_back(final_key);
      file.key = final_key;
    }
    std::vector<std::string> stale;
    for (const ObjectInfo& old : old_files) {
      if (std::find(final_keys.begin(), final_keys.end(), old.key) == final_keys.end()) {
        stale.push_back(old.key);
      }
    }
    DeleteObjects(store, stale);
    DeleteObjects(store, staged_keys);
    return Status::Ok();
  }

  Status DeleteUnder(const std::string& prefix) {
    ASSIGN_OR_RETURN(std::vector<ObjectInfo> objects, owner_->store_->List(prefix));
    std::vector<std::string> keys;
    for (const ObjectInfo& object : objects) keys.push_back(object.key);
    return owner_->store_->DeleteMany(keys);
  }

  // Writes the job's row; an IN-PROGRESS row carries a fresh lease of this replica.
  void Record(TableJobStatus& job) {
    job.owner = owner_->run_options_.owner;
    job.lease_expires_at = job.state == JobState::kInProgress
                               ? owner_->metadata_->NowMicros() + owner_->run_options_.lease_micros
                               : 0;
    Status s = owner_->metadata_->UpsertTableJob(job);
    if (!s.ok()) {
      spdlog::error("daily {} table {}: status not recorded: {}", job.run_date, job.table_name,
                    s.ToString());
    }
  }

  // 50..100% of `ms`, so retries of several tables do not hit the warehouse in step.
  int64_t Jitter(int64_t ms) {
    std::lock_guard<std::mutex> lock(rng_mu_);
    std::uniform_int_distribution<int64_t> dist(ms / 2, std::max<int64_t>(ms, 0));
    return dist(rng_);
  }

  DailyExporter* owner_;
  const DailyRunSpec& spec_;
  const PolicySnapshot& policy_;
  CancellationToken* cancel_;
  DailyObserver* observer_;
  std::atomic<size_t> next_{0};
  std::vector<DailyTableSummary> summaries_;
  LeaseKeeper keeper_;  // the leases of the tables being exported
  std::mutex rng_mu_;
  std::mt19937_64 rng_{std::random_device{}()};
};

DailyExporter::DailyExporter(Warehouse* warehouse, MetadataStore* metadata, ObjectStore* store,
                             Clock* clock, ExportSlots* slots, ExportOptions options,
                             DailyLayout layout, DailyRunOptions run_options, Notifier* notifier)
    : warehouse_(warehouse),
      metadata_(metadata),
      store_(store),
      clock_(clock),
      slots_(slots),
      exporter_(warehouse, store, std::move(options)),
      layout_(std::move(layout)),
      run_options_(std::move(run_options)),
      notifier_(notifier) {}

Result<DailyRunSummary> DailyExporter::Run(const DailyRunSpec& spec, CancellationToken* cancel,
                                           DailyObserver* observer) {
  RETURN_IF_ERROR(ValidateRunDate(spec.run_date));
  if (spec.end_time <= spec.start_time || spec.end_time - spec.start_time > kMaxDaySeconds) {
    return InvalidArgument("day bounds [{}, {}) of {} are not one day", spec.start_time,
                           spec.end_time, spec.run_date);
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!running_.insert(spec.run_date).second) {
      return AlreadyExists("the daily run of {} is running already", spec.run_date);
    }
  }
  struct Release {
    DailyExporter* self;
    const std::string& date;
    ~Release() {
      std::lock_guard<std::mutex> lock(self->mu_);
      self->running_.erase(date);
    }
  } release{this, spec.run_date};

  ASSIGN_OR_RETURN(PolicySnapshot policy, metadata_->LoadPolicy());
  std::vector<ExportTable> tables;
  std::set<std::string> enabled;  // every enabled table, whatever the filter
  for (const ExportTable& t : policy.export_tables) {
    if (t.enabled) enabled.insert(t.table_name);
    if (t.enabled && (!spec.table || t.table_name == *spec.table)) tables.push_back(t);
  }
  if (spec.table && tables.empty()) {
    return NotFound("table '{}' is not an enabled export table", *spec.table);
  }

  DailyRunSummary summary;
  summary.run_date = spec.run_date;
  summary.env = run_options_.env;
  summary.time_zone = run_options_.time_zone;
  summary.start_time = spec.start_time;
  summary.end_time = spec.end_time;
  summary.trigger = spec.trigger;
  summary.force = spec.force;
  summary.started_at = clock_->NowMicros();
  summary.policy_version = policy.version;

  DailyRun run;
  run.run_date = spec.run_date;
  run.state = DailyRunState::kRunning;
  run.trigger = spec.trigger;
  run.owner = run_options_.owner;
  run.start_time = spec.start_time;
  run.end_time = spec.end_time;
  run.started_at = summary.started_at;
  run.policy_version = policy.version;
  run.tables_total = static_cast<int>(tables.size());
  RETURN_IF_ERROR(metadata_->UpsertDailyRun(run));

  std::vector<std::string> names;
  for (const ExportTable& t : tables) names.push_back(t.table_name);
  if (observer != nullptr) observer->OnPlanned(names);

  // Tables already COMPLETED for the day are kept as they are (unless forced).
  std::vector<ExportTable> to_export;
  std::vector<DailyTableSummary> skipped;
  for (const ExportTable& t : tables) {
    ASSIGN_OR_RETURN(std::optional<TableJobStatus> job,
                     metadata_->GetTableJob(spec.run_date, t.table_name));
    if (!spec.force && job && job->state == JobState::kCompleted) {
      DailyTableSummary s =
          SummaryOf(*job, layout_.TableDirectory(spec.run_date, t.table_name) + "/");
      s.skipped = true;
      if (observer != nullptr) observer->OnTableFinished(s);
      skipped.push_back(std::move(s));
    } else {
      to_export.push_back(t);
    }
  }

  RunState state(this, spec, policy, cancel, observer);
  state.ExportAll(to_export);
  if (state.interrupted()) {
    return Cancelled("daily run {} interrupted; it stays RUNNING and resumes on the next start",
                     spec.run_date);
  }
  summary.tables = std::move(skipped);
  for (DailyTableSummary& s : state.summaries()) summary.tables.push_back(std::move(s));
  std::sort(
      summary.tables.begin(), summary.tables.end(),
      [](const DailyTableSummary& a, const DailyTableSummary& b) { return a.table < b.table; });

  if (spec.table) {
    summary.classifications.skipped = true;  // a run of one table leaves them as they are
  } else {
    summary.classifications = ExportClassifications(spec, policy, cancel);
  }
  if (tables.empty()) summary.error = "no export table is enabled";

  size_t completed = summary.completed_count();
  bool classifications_ok = spec.table || summary.classifications.status == "COMPLETED";
  if (!tables.empty() && completed == tables.size() && classifications_ok) {
    summary.outcome = DailyRunOutcome::kSuccess;
  } else if (completed > 0) {
    summary.outcome = DailyRunOutcome::kPartialSuccess;
  } else {
    summary.outcome = DailyRunOutcome::kFailed;
  }
  summary.finished_at = clock_->NowMicros();

  run.state = summary.outcome == DailyRunOutcome::kSuccess          ? DailyRunState::kSuccess
              : summary.outcome == DailyRunOutcome::kPartialSuccess ? DailyRunState::kPartialSuccess
                                                                    : DailyRunState::kFailed;
  run.finished_at = summary.finished_at;
  run.tables_completed = static_cast<int>(completed);
  run.tables_failed = static_cast<int>(summary.failed_count());
  if (spec.table) {
    // The day's row speaks for the whole day: after a run of one table it counts every enabled
    // table's job, so rerunning one table does not hide how the others went.
    ASSIGN_OR_RETURN(std::vector<TableJobStatus> jobs, metadata_->ListTableJobs(spec.run_date));
    run.tables_total = static_cast<int>(enabled.size());
    run.tables_completed = 0;
    run.tables_failed = 0;
    for (const TableJobStatus& job : jobs) {
      if (enabled.count(job.table_name) == 0) continue;
      run.tables_completed += job.state == JobState::kCompleted ? 1 : 0;
      run.tables_failed += job.state == JobState::kFailed ? 1 : 0;
    }
    run.state = run.tables_completed == run.tables_total ? DailyRunState::kSuccess
                : run.tables_completed > 0               ? DailyRunState::kPartialSuccess
                                                         : DailyRunState::kFailed;
  }
  run.error = summary.error;
  if (!summary.classifications.error.empty()) {
    run.error += (run.error.empty() ? "" : "; ") + summary.classifications.error;
  }
  RETURN_IF_ERROR(metadata_->UpsertDailyRun(run));

  if (notifier_ != nullptr) {
    Status notified = notifier_->Notify(summary);
    if (!notified.ok()) {
      spdlog::warn("daily {}: notification failed: {}", spec.run_date, notified.ToString());
    }
  }
  return summary;
}

DailyClassificationsSummary DailyExporter::ExportClassifications(const DailyRunSpec& spec,
                                                                 const PolicySnapshot& policy,
                                                                 CancellationToken* cancel) {
  DailyClassificationsSummary result;
  std::vector<std::string> keys;
  for (const std::string& name : ClassificationTableNames()) {
    keys.push_back(layout_.ClassificationFile(spec.run_date, name));
  }
  result.keys = keys;
  auto fail = [&](const Status& error) {
    result.status = "FAILED";
    result.error = "classifications: " + error.ToString();
    spdlog::error("daily {}: {}", spec.run_date, result.error);
    return result;
  };
  if (!spec.force) {
    Result<std::vector<ObjectInfo>> present =
        store_->List(layout_.DayDirectory(spec.run_date) + "/classifications/");
    if (!present.ok()) return fail(present.status());
    size_t found = 0;
    for (const ObjectInfo& o : *present) {
      found += std::find(keys.begin(), keys.end(), o.key) != keys.end() ? 1 : 0;
    }
    if (found == keys.size()) {
      result.skipped = true;
      return result;
    }
  }
  parquet::WriterOptions options = exporter_.options().writer;
  std::vector<ClassificationTable> tables = ClassificationTables(policy);
  for (size_t i = 0; i < tables.size(); ++i) {
    if (cancel != nullptr && cancel->cancelled()) return fail(Cancelled("run interrupted"));
    Status written = WriteClassificationFile(tables[i], policy.version, options, store_, keys[i]);
    if (!written.ok()) return fail(written.WithContext(keys[i]));
  }
  return result;
}

}  // namespace de
