// The built-in scheduler of daily runs (DESIGN.md §1): fires on a CronSchedule in its time zone;
// each fire runs the previous local calendar day of the fire instant (a fire at 01:00 on
// 6 April runs 5 April, [00:00, 24:00) local, as UTC bounds). On start it catches up: days
// whose fire instants passed while the service was down, newer than the newest recorded run and
// at most `catch_up_days` of them, run oldest first (trigger "catch-up"); a day left RUNNING by a
// process that died is resumed. A day with a finished run is never run again by the scheduler
// (reruns are explicit: `run-daily --date`, or Launch()).
//
// Thread-safety: every public member may be called from any thread. Runs happen on one
// background thread (the scheduler's) or on Launch()'s thread; the DailyExporter refuses a day
// that is already running, so a day never runs twice at the same time.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/cancellation.h"
#include "common/clock.h"
#include "common/status.h"
#include "export/daily_export.h"
#include "metadata/metadata_store.h"
#include "scheduler/cron.h"

namespace de {

struct SchedulerOptions {
  int catch_up_days = 3;  // most missed days run on start; 0 = none
  // Replicas: only the holder of the metadata store's "scheduler" leader lock starts daily
  // runs; the others try to take it over this often.
  int leader_retry_seconds = 5;
};

// One day the scheduler should run now.
struct DueRun {
  LocalDate day;
  DayBounds bounds;
  std::string trigger;  // "schedule" for the newest fire instant, "catch-up" for older ones
  friend bool operator==(const DueRun&, const DueRun&) = default;
};

class DailyScheduler final : public DailyRunLauncher {
 public:
  // `exporter` and `metadata` and `clock` must outlive the scheduler.
  DailyScheduler(CronSchedule schedule, SchedulerOptions options, Clock* clock,
                 MetadataStore* metadata, DailyExporter* exporter);
  ~DailyScheduler() override;  // Stop()s

  // The days due at clock->NowSeconds(), oldest first (see the header comment): no daily_runs
  // row, or a RUNNING one (a dead process's run), for the day before the local date of a fire
  // instant f <= now, newer than the newest finished run; at most catch_up_days + 1 days. With
  // no daily_runs row at all (first start) only the newest day is due; with only RUNNING rows
  // (the first run died) days from the oldest of them on. Errors: the metadata store's.
  Result<std::vector<DueRun>> DueRuns() const;

  // Runs every due day now, synchronously, oldest first. Returns the summaries of the runs made
  // (a day whose run failed to start is logged and skipped; a day that finished meanwhile is
  // skipped). Stops early, returning what was made, when `cancel` (or Stop(); nullptr = only
  // Stop()) fires.
  Result<std::vector<DailyRunSummary>> RunDue(CancellationToken* cancel);

  // Starts the background thread: RunDue() at once (catch-up), then sleeps until the next fire
  // instant (re-reading the clock at least once a second, so a FakeClock can drive it) and runs
  // what is due. Idempotent.
  void Start();
  // Asks a running run to stop (it stays RUNNING, to be resumed) and joins every thread. Wakes
  // a sleeping loop at once. Idempotent; afterwards Start() does nothing and Launch() fails.
  void Stop();

  // DailyRunLauncher: bounds from the schedule's zone; kInvalidArgument for a date after the
  // zone's today, kFailedPrecondition once Stop() was called. The run happens on a new
  // background thread joined by Stop(); Launch waits until the exporter has recorded the
  // RUNNING row (or refused the run) and returns that row as the store has it.
  Result<DailyRun> Launch(const std::string& run_date, const std::optional<std::string>& table,
                          bool force, const std::string& trigger) override;

  const CronSchedule& schedule() const { return schedule_; }
  // The next fire instant after now (for /metrics and the dashboard); kNotFound if none.
  Result<int64_t> NextFire() const;
  // True while this scheduler's loop holds the leader lock.
  bool leading() const { return leading_.load(); }

 private:
  // What daily_runs says about the past: whether it has any row, and the newest day that is
  // not due however long ago its fire was: the newest finished run, or with only RUNNING rows
  // the day before the oldest of them.
  struct History {
    bool any = false;
    std::optional<LocalDate> bound;
  };
  // A Launch()ed run's thread; `done` is set when the run returned.
  struct LaunchedRun {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  class LaunchObserver;

  Result<History> ReadHistory() const;
  void Loop();
  // Sleeps until the clock reaches `fire` (epoch seconds); false if Stop() came first.
  bool WaitUntil(int64_t fire);
  // Holds (or takes) the leader lock; false when another replica holds it. Loop thread only.
  bool Lead();
  void JoinFinishedLaunches();  // mu_ held

  CronSchedule schedule_;
  SchedulerOptions options_;
  Clock* clock_;
  MetadataStore* metadata_;
  DailyExporter* exporter_;
  CancellationToken stop_;  // fired by Stop(); a stopped scheduler does not start again
  std::mutex mu_;
  std::condition_variable wake_;
  bool started_ = false;                // guarded by mu_
  bool stopping_ = false;               // guarded by mu_
  std::thread loop_;                    // guarded by mu_
  std::vector<LaunchedRun> launched_;   // guarded by mu_
  std::unique_ptr<LeaderLock> leader_;  // loop thread only
  std::atomic<bool> leading_ = false;
  bool told_follower_ = false;  // loop thread only: "another replica leads" logged
};

}  // namespace de
