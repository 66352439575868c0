#include "scheduler/daily_scheduler.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <utility>

#include <spdlog/spdlog.h>

namespace de {
namespace {

// How far back DueRuns looks for fire instants (and NextAfter forward): 8 years.
constexpr int kMaxLookbackDays = 8 * 366;
// Longest real-time sleep between two readings of the clock.
constexpr int64_t kMaxSleepMicros = 1'000'000;
// Wait before looking again when the metadata store could not be read.
constexpr int64_t kRetrySeconds = 60;

DailyRunSpec SpecOf(const DueRun& run) {
  DailyRunSpec spec;
  spec.run_date = run.day.ToString();
  spec.start_time = run.bounds.start;
  spec.end_time = run.bounds.end;
  spec.trigger = run.trigger;
  return spec;
}

void LogSummary(const DailyRunSummary& summary) {
  spdlog::info("scheduler: daily run {} ({}) ended {}: {} completed, {} failed, {} skipped",
               summary.run_date, summary.trigger, DailyRunOutcomeName(summary.outcome),
               summary.completed_count(), summary.failed_count(), summary.skipped_count());
}

}  // namespace

// Hands the RUNNING row of a Launch()ed run back to Launch: the exporter calls OnPlanned right
// after recording it; a run refused before that settles with the refusal instead.
class DailyScheduler::LaunchObserver final : public DailyObserver {
 public:
  LaunchObserver(MetadataStore* metadata, DailyRun fallback)
      : metadata_(metadata), fallback_(std::move(fallback)) {}

  void OnPlanned(const std::vector<std::string>& tables) override {
    Result<std::optional<DailyRun>> row = metadata_->GetDailyRun(fallback_.run_date);
    DailyRun run = fallback_;  // if the row cannot be read, what the exporter wrote, roughly
    run.tables_total = static_cast<int>(tables.size());
    if (row.ok() && row->has_value()) run = **row;
    Settle(std::move(run));
  }

  // Called when Run returned; a no-op if OnPlanned came first.
  void Finished(const Status& status) {
    Settle(status.ok() ? Result<DailyRun>(fallback_) : Result<DailyRun>(status));
  }

  Result<DailyRun> Wait() {
    std::unique_lock<std::mutex> lock(mu_);
    settled_cv_.wait(lock, [&] { return result_.has_value(); });
    return *result_;
  }

 private:
  void Settle(Result<DailyRun> result) {
    std::lock_guard<std::mutex> lock(mu_);
    if (result_.has_value()) return;
    result_.emplace(std::move(result));
    settled_cv_.notify_all();
  }

  MetadataStore* metadata_;
  const DailyRun fallback_;
  std::mutex mu_;
  std::condition_variable settled_cv_;
  std::optional<Result<DailyRun>> result_;  // guarded by mu_
};

DailyScheduler::DailyScheduler(CronSchedule schedule, SchedulerOptions options, Clock* clock,
                               MetadataStore* metadata, DailyExporter* exporter)
    : schedule_(std::move(schedule)),
      options_(options),
      clock_(clock),
      metadata_(metadata),
      exporter_(exporter) {}

DailyScheduler::~DailyScheduler() { Stop(); }

Result<DailyScheduler::History> DailyScheduler::ReadHistory() const {
  History history;
  for (int limit = 16;; limit *= 16) {
    ASSIGN_OR_RETURN(std::vector<DailyRun> runs, metadata_->ListDailyRuns(limit));  // newest first
    history.any = !runs.empty();
    for (const DailyRun& run : runs) {
      if (run.state == DailyRunState::kRunning) continue;
      ASSIGN_OR_RETURN(history.bound, LocalDate::Parse(run.run_date));
      return history;
    }
    if (runs.size() < static_cast<size_t>(limit)) {
      // Only RUNNING rows: the service began with the oldest of them.
      if (history.any) {
        ASSIGN_OR_RETURN(LocalDate oldest, LocalDate::Parse(runs.back().run_date));
        history.bound = oldest.AddDays(-1);
      }
      return history;
    }
  }
}

Result<std::vector<DueRun>> DailyScheduler::DueRuns() const {
  const int64_t now = clock_->NowSeconds();
  ASSIGN_OR_RETURN(History history, ReadHistory());
  const size_t limit =
      history.any ? static_cast<size_t>(std::max(0, options_.catch_up_days)) + 1 : 1;
  const TimeZone& zone = schedule_.zone();
  const LocalDate today = zone.DateOf(now);
  std::vector<DueRun> due;  // newest first while collecting
  for (int back = 0; back <= kMaxLookbackDays && due.size() < limit; ++back) {
    const LocalDate fire_day = today.AddDays(-back);
    const LocalDate day = fire_day.AddDays(-1);
    if (history.bound && day <= *history.bound) break;
    const DayBounds fire_bounds = zone.BoundsOf(fire_day);
    Result<int64_t> fire = schedule_.NextAfter(fire_bounds.start - 1);
    if (!fire.ok()) {
      if (fire.status().code() == StatusCode::kNotFound) break;  // never fires
      return fire.status();
    }
    if (*fire >= fire_bounds.end || *fire > now) continue;  // no fire on fire_day up to now
    due.push_back(DueRun{day, zone.BoundsOf(day), due.empty() ? "schedule" : "catch-up"});
  }
  std::reverse(due.begin(), due.end());
  return due;
}

Result<std::vector<DailyRunSummary>> DailyScheduler::RunDue(CancellationToken* cancel) {
  if (cancel == nullptr) cancel = &stop_;
  ASSIGN_OR_RETURN(std::vector<DueRun> due, DueRuns());
  std::vector<DailyRunSummary> summaries;
  for (const DueRun& run : due) {
    if (cancel->cancelled() || stop_.cancelled()) break;
    const std::string date = run.day.ToString();
    Result<std::optional<DailyRun>> row = metadata_->GetDailyRun(date);
    if (row.ok() && row->has_value() && (*row)->state != DailyRunState::kRunning) {
      spdlog::info("scheduler: daily run {} finished meanwhile; not run again", date);
      continue;
    }
    spdlog::info("scheduler: starting daily run {} ({})", date, run.trigger);
    Result<DailyRunSummary> summary = exporter_->Run(SpecOf(run), cancel, nullptr);
    if (!summary.ok()) {
      if (summary.status().code() == StatusCode::kCancelled) {
        spdlog::info("scheduler: {}", summary.status().message());
        break;
      }
      spdlog::error("scheduler: daily run {} did not start: {}", date, summary.status().ToString());
      continue;
    }
    LogSummary(*summary);
    summaries.push_back(std::move(summary).value());
  }
  return summaries;
}

void DailyScheduler::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (started_ || stopping_) return;
  started_ = true;
  spdlog::info("scheduler: '{}' in {}", schedule_.expression(), schedule_.zone().name());
  loop_ = std::thread([this] { Loop(); });
}

void DailyScheduler::Stop() {
  std::thread loop;
  std::vector<LaunchedRun> launched;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    loop = std::move(loop_);
    launched.swap(launched_);
  }
  stop_.Cancel();
  wake_.notify_all();
  if (loop.joinable()) loop.join();
  for (LaunchedRun& run : launched) {
    if (run.thread.joinable()) run.thread.join();
  }
}

bool DailyScheduler::Lead() {
  if (leader_ && leader_->Held()) return true;
  if (leader_) {
    spdlog::warn("scheduler: the leader lock was lost; daily runs stop here until it is back");
    leader_.reset();
    leading_ = false;
  }
  Result<std::unique_ptr<LeaderLock>> lock = metadata_->TryLeaderLock("scheduler");
  if (!lock.ok()) {
    spdlog::warn("scheduler: taking the leader lock failed: {}", lock.status().ToString());
    return false;
  }
  if (*lock == nullptr) {
    if (!told_follower_) {
      spdlog::info("scheduler: another replica leads the daily schedule; standing by");
      told_follower_ = true;
    }
    return false;
  }
  leader_ = std::move(lock).value();
  leading_ = true;
  told_follower_ = false;
  spdlog::info("scheduler: this replica leads the daily schedule");
  return true;
}

void DailyScheduler::Loop() {
  while (true) {
    if (!Lead()) {
      if (!WaitUntil(clock_->NowSeconds() + std::max(options_.leader_retry_seconds, 1))) break;
      continue;
    }
    // The next fire is taken from before the runs, so one that passes while they run is not
    // missed: the wait then ends at once.
    const int64_t checked_at = clock_->NowSeconds();
    Result<std::vector<DailyRunSummary>> ran = RunDue(&stop_);
    int64_t wake_at = std::numeric_limits<int64_t>::max() / 2'000'000;  // never
    Result<int64_t> next = schedule_.NextAfter(checked_at);
    if (!ran.ok()) {
      spdlog::error("scheduler: due runs not read, retrying in {} s: {}", kRetrySeconds,
                    ran.status().ToString());
      wake_at = clock_->NowSeconds() + kRetrySeconds;
    } else if (!next.ok()) {
      spdlog::error("scheduler: no next fire time: {}", next.status().ToString());
    } else {
      spdlog::info("scheduler: next run at {}", UtcIso8601(*next));
      wake_at = *next;
    }
    if (!WaitUntil(wake_at)) break;
  }
  leader_.reset();  // another replica may lead now
  leading_ = false;
}

bool DailyScheduler::WaitUntil(int64_t fire) {
  const int64_t fire_micros = fire * 1'000'000;
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    const int64_t left = fire_micros - clock_->NowMicros();
    if (left <= 0) return true;
    wake_.wait_for(lock, std::chrono::microseconds(std::min(left, kMaxSleepMicros)));
  }
  return false;
}

void DailyScheduler::JoinFinishedLaunches() {
  auto finished = [](LaunchedRun& run) {
    if (!run.done->load()) return false;
    run.thread.join();
    return true;
  };
  launched_.erase(std::remove_if(launched_.begin(), launched_.end(), finished), launched_.end());
}

Result<DailyRun> DailyScheduler::Launch(const std::string& run_date,
                                        const std::optional<std::string>& table, bool force,
                                        const std::string& trigger) {
  ASSIGN_OR_RETURN(LocalDate day, LocalDate::Parse(run_date));
  const TimeZone& zone = schedule_.zone();
  const LocalDate today = zone.DateOf(clock_->NowSeconds());
  if (day > today) {
    return InvalidArgument("run date {} is in the future: today is {} in {}", run_date,
                           today.ToString(), zone.name());
  }
  const DayBounds bounds = zone.BoundsOf(day);
  DailyRunSpec spec;
  spec.run_date = day.ToString();
  spec.start_time = bounds.start;
  spec.end_time = bounds.end;
  spec.table = table;
  spec.force = force;
  spec.trigger = trigger;

  DailyRun fallback;
  fallback.run_date = spec.run_date;
  fallback.trigger = trigger;
  fallback.start_time = bounds.start;
  fallback.end_time = bounds.end;
  fallback.started_at = clock_->NowMicros();
  auto observer = std::make_shared<LaunchObserver>(metadata_, std::move(fallback));
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return FailedPrecondition("the scheduler is stopping; {} not started", run_date);
    JoinFinishedLaunches();
    auto done = std::make_shared<std::atomic<bool>>(false);
    std::thread thread([this, spec, observer, done] {
      Result<DailyRunSummary> summary = exporter_->Run(spec, &stop_, observer.get());
      observer->Finished(summary.status());
      if (summary.ok()) {
        LogSummary(*summary);
      } else {
        spdlog::warn("scheduler: launched run {}: {}", spec.run_date, summary.status().ToString());
      }
      done->store(true);
    });
    launched_.push_back(LaunchedRun{std::move(thread), std::move(done)});
  }
  return observer->Wait();
}

Result<int64_t> DailyScheduler::NextFire() const {
  return schedule_.NextAfter(clock_->NowSeconds());
}

}  // namespace de
