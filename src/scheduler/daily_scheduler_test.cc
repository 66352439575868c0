// The daily scheduler against the real embedded backends (SQLite warehouse and metadata, local
// object store in a temporary directory), driven by a FakeClock in Australia/Melbourne. A
// recording notifier counts runs (each finished run notifies once), and a gate around the real
// warehouse holds scans so a run can be caught while it is RUNNING.
#include "scheduler/daily_scheduler.h"

#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <functional>
#include <map>
#include <thread>

#include "export/embedded_backends_testing.h"
#include "export/links.h"
#include "metadata/sqlite/sqlite_metadata_store.h"
#include "policy/demo_policy.h"
#include "storage/local/local_object_store.h"
#include "warehouse/sqlite/demo_warehouse.h"
#include "warehouse/sqlite/sqlite_warehouse.h"

namespace de {
namespace {

constexpr char kMelbourne[] = "Australia/Melbourne";
constexpr int64_t kDemoDay = 1'795'132'800;  // 2026-11-20T00:00:00Z: the warehouse's data
constexpr auto kPatience = std::chrono::seconds(120);

// Epoch seconds of a UTC wall-clock time.
int64_t Utc(int year, int month, int day, int hour = 0, int minute = 0, int second = 0) {
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return static_cast<int64_t>(timegm(&tm));
}

// In November Melbourne is on AEDT (UTC+11): local 01:00:30 on day d is 14:00:30 UTC on d-1.
// The scheduler's fire for local day D is 01:00 on D+1.
int64_t AfterFireForNovemberDay(int day) { return Utc(2026, 11, day, 14, 0, 30); }

// Polls `done` until it holds; false after kPatience.
bool WaitUntil(const std::function<bool()>& done) {
  auto deadline = std::chrono::steady_clock::now() + kPatience;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

// Remembers every summary it is given.
class RecordingNotifier final : public Notifier {
 public:
  std::string name() const override { return "recording"; }
  Status Notify(const DailyRunSummary& summary) override {
    std::lock_guard<std::mutex> lock(mu_);
    summaries_.push_back(summary);
    return Status::Ok();
  }
  std::vector<DailyRunSummary> summaries() const {
    std::lock_guard<std::mutex> lock(mu_);
    return summaries_;
  }
  // run_date -> how many runs of it finished.
  std::map<std::string, int> RunsPerDay() const {
    std::map<std::string, int> counts;
    for (const DailyRunSummary& s : summaries()) ++counts[s.run_date];
    return counts;
  }

 private:
  mutable std::mutex mu_;
  std::vector<DailyRunSummary> summaries_;
};

// Wraps a real warehouse; while closed, scans wait (until opened or cancelled).
class GatedWarehouse final : public Warehouse {
 public:
  explicit GatedWarehouse(Warehouse* inner) : inner_(inner) {}
  void Close() { open_ = false; }
  void Open() { open_ = true; }
  int waiting() const { return waiting_; }

  Result<std::vector<std::string>> ListTables() override { return inner_->ListTables(); }
  Result<TableSchema> DescribeTable(const std::string& table) override {
    return inner_->DescribeTable(table);
  }
  Result<std::unique_ptr<BatchReader>> Scan(const ScanSpec& spec,
                                            CancellationToken* cancel) override {
    ++waiting_;
    while (!open_) {
      if (cancel != nullptr && cancel->cancelled()) {
        --waiting_;
        return Cancelled("scan of {} cancelled at the gate", spec.table);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    --waiting_;
    return inner_->Scan(spec, cancel);
  }
  Status Ping() override { return inner_->Ping(); }
  const ScanGauge& scan_gauge() const override { return inner_->scan_gauge(); }

 private:
  Warehouse* inner_;
  std::atomic<bool> open_{true};
  std::atomic<int> waiting_{0};
};

class DailySchedulerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    warehouse_path_ = new std::string(::testing::TempDir() + "/daily_scheduler_demo.db");
    ASSERT_TRUE(CreateDemoWarehouse(*warehouse_path_, kDemoDay).ok());
  }
  static void TearDownTestSuite() {
    std::filesystem::remove(*warehouse_path_);
    delete warehouse_path_;
  }

  void SetUp() override {
    dir_ = testing_support::FreshTestDirectory("daily_scheduler");
    testing_support::EmbeddedBackends backends;
    ASSERT_NO_FATAL_FAILURE(backends.Open(*warehouse_path_, dir_, &clock_));
    warehouse_ = std::move(backends.warehouse);
    metadata_ = std::move(backends.metadata);
    store_ = std::move(backends.store);
    gate_ = std::make_unique<GatedWarehouse>(warehouse_.get());
    ASSERT_TRUE(metadata_->ReplacePolicy(DemoPolicySnapshot()).ok());

    ExportOptions options;
    options.batch_rows = 4096;
    options.store_uri = "file://" + store_->root();
    options.treatments.hash_key = "daily-scheduler-test-hash-key";
    DailyRunOptions run_options;
    run_options.retry_initial_backoff_ms = 1;
    run_options.env = "test";
    run_options.time_zone = kMelbourne;
    exporter_ = std::make_unique<DailyExporter>(gate_.get(), metadata_.get(), store_.get(), &clock_,
                                                &slots_, options, DailyLayout("daily", "test"),
                                                run_options, &notifier_);
  }

  std::unique_ptr<DailyScheduler> NewScheduler(int catch_up_days = 3,
                                               std::string_view expression = "0 1 * * *") {
    Result<CronSchedule> schedule = CronSchedule::Parse(expression, kMelbourne);
    EXPECT_TRUE(schedule.ok()) << schedule.status().ToString();
    SchedulerOptions options;
    options.catch_up_days = catch_up_days;
    return std::make_unique<DailyScheduler>(std::move(schedule).value(), options, &clock_,
                                            metadata_.get(), exporter_.get());
  }

  void SetClock(int64_t epoch_seconds) { clock_.SetMicros(epoch_seconds * 1'000'000); }

  // A finished run recorded directly (as an earlier process would have left it).
  void RecordRun(const std::string& run_date, DailyRunState state) {
    DailyRun run;
    run.run_date = run_date;
    run.state = state;
    run.trigger = "schedule";
    run.start_time = 1;
    run.end_time = 2;
    run.started_at = 1;
    run.finished_at = state == DailyRunState::kRunning ? 0 : 2;
    ASSERT_TRUE(metadata_->UpsertDailyRun(run).ok());
  }

  std::optional<DailyRun> Row(const std::string& run_date) {
    Result<std::optional<DailyRun>> row = metadata_->GetDailyRun(run_date);
    EXPECT_TRUE(row.ok()) << row.status().ToString();
    return row.ok() ? *row : std::nullopt;
  }

  std::vector<DailyRun> AllRows() {
    Result<std::vector<DailyRun>> rows = metadata_->ListDailyRuns(1000);
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() ? *rows : std::vector<DailyRun>{};
  }

  // Every table of the day COMPLETED; returns the rows read over all tables.
  uint64_t ExpectAllTablesCompleted(const std::string& run_date) {
    Result<std::vector<TableJobStatus>> jobs = metadata_->ListTableJobs(run_date);
    EXPECT_TRUE(jobs.ok()) << jobs.status().ToString();
    if (!jobs.ok()) return 0;
    std::vector<std::string> names;
    uint64_t rows = 0;
    for (const TableJobStatus& job : *jobs) {
      names.push_back(job.table_name);
      EXPECT_EQ(job.state, JobState::kCompleted)
          << run_date << " " << job.table_name << ": " << job.error;
      EXPECT_EQ(job.attempt, 1) << run_date << " " << job.table_name;
      EXPECT_EQ(job.rows_read, job.rows_written + job.rows_dropped_by_policy) << job.table_name;
      rows += job.rows_read;
    }
    EXPECT_EQ(names, (std::vector<std::string>{"cctv", "incident", "way", "way_metrics_long"}))
        << run_date;
    return rows;
  }

  static std::vector<std::string> Dates(const std::vector<DueRun>& due) {
    std::vector<std::string> dates;
    for (const DueRun& run : due) dates.push_back(run.day.ToString() + " " + run.trigger);
    return dates;
  }

  std::vector<std::string> DueDates(DailyScheduler& scheduler) {
    Result<std::vector<DueRun>> due = scheduler.DueRuns();
    EXPECT_TRUE(due.ok()) << due.status().ToString();
    return due.ok() ? Dates(*due) : std::vector<std::string>{"error"};
  }

  static std::string* warehouse_path_;
  std::string dir_;
  FakeClock clock_;
  ExportSlots slots_{2};
  RecordingNotifier notifier_;
  std::unique_ptr<Warehouse> warehouse_;
  std::unique_ptr<GatedWarehouse> gate_;
  std::unique_ptr<MetadataStore> metadata_;
  std::unique_ptr<LocalObjectStore> store_;
  std::unique_ptr<DailyExporter> exporter_;
};

std::string* DailySchedulerTest::warehouse_path_ = nullptr;

TEST_F(DailySchedulerTest, ThreeDaysWithARestartRunEachDayOnce) {
  // Day 1: first start after the fire for 21 November (no history): only that day.
  SetClock(AfterFireForNovemberDay(21));
  auto scheduler = NewScheduler();
  Result<std::vector<DueRun>> due = scheduler->DueRuns();
  ASSERT_TRUE(due.ok()) << due.status().ToString();
  ASSERT_EQ(Dates(*due), (std::vector<std::string>{"2026-11-21 schedule"}));
  // 21 November in Melbourne is [20 Nov 13:00Z, 21 Nov 13:00Z).
  EXPECT_EQ((*due)[0].bounds.start, Utc(2026, 11, 20, 13));
  EXPECT_EQ((*due)[0].bounds.end, Utc(2026, 11, 21, 13));

  Result<std::vector<DailyRunSummary>> ran = scheduler->RunDue(nullptr);
  ASSERT_TRUE(ran.ok()) << ran.status().ToString();
  ASSERT_EQ(ran->size(), 1u);
  EXPECT_EQ((*ran)[0].run_date, "2026-11-21");
  EXPECT_EQ((*ran)[0].trigger, "schedule");
  EXPECT_EQ((*ran)[0].outcome, DailyRunOutcome::kSuccess);
  EXPECT_EQ((*ran)[0].start_time, Utc(2026, 11, 20, 13));
  EXPECT_EQ((*ran)[0].end_time, Utc(2026, 11, 21, 13));
  // Nothing more today, however often it is asked.
  EXPECT_EQ(DueDates(*scheduler), std::vector<std::string>{});
  clock_.AdvanceSeconds(22 * 3600);  // 23:00 local, before the next fire
  ran = scheduler->RunDue(nullptr);
  ASSERT_TRUE(ran.ok());
  EXPECT_EQ(ran->size(), 0u);

  // The service goes down; fires for 22 and 23 November pass; a new process starts at 02:00 on
  // 24 November local.
  scheduler.reset();
  SetClock(Utc(2026, 11, 23, 15));
  scheduler = NewScheduler();
  EXPECT_EQ(DueDates(*scheduler),
            (std::vector<std::string>{"2026-11-22 catch-up", "2026-11-23 schedule"}));
  ran = scheduler->RunDue(nullptr);
  ASSERT_TRUE(ran.ok()) << ran.status().ToString();
  ASSERT_EQ(ran->size(), 2u);
  EXPECT_EQ((*ran)[0].run_date, "2026-11-22");
  EXPECT_EQ((*ran)[0].trigger, "catch-up");
  EXPECT_EQ((*ran)[1].run_date, "2026-11-23");
  EXPECT_EQ((*ran)[1].trigger, "schedule");
  ran = scheduler->RunDue(nullptr);
  ASSERT_TRUE(ran.ok());
  EXPECT_EQ(ran->size(), 0u);
  // A further restart at the same time finds nothing to do.
  scheduler = NewScheduler();
  EXPECT_EQ(DueDates(*scheduler), std::vector<std::string>{});

  // Each day ran exactly once, and the rows say so.
  EXPECT_EQ(notifier_.RunsPerDay(),
            (std::map<std::string, int>{{"2026-11-21", 1}, {"2026-11-22", 1}, {"2026-11-23", 1}}));
  std::vector<DailyRun> rows = AllRows();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].run_date, "2026-11-23");
  EXPECT_EQ(rows[0].trigger, "schedule");
  EXPECT_EQ(rows[1].run_date, "2026-11-22");
  EXPECT_EQ(rows[1].trigger, "catch-up");
  EXPECT_EQ(rows[2].run_date, "2026-11-21");
  EXPECT_EQ(rows[2].trigger, "schedule");
  for (const DailyRun& row : rows) {
    EXPECT_EQ(row.state, DailyRunState::kSuccess) << row.run_date;
    EXPECT_EQ(row.tables_total, 4) << row.run_date;
    EXPECT_EQ(row.tables_completed, 4) << row.run_date;
    EXPECT_EQ(row.tables_failed, 0) << row.run_date;
  }
  EXPECT_EQ(rows[1].start_time, Utc(2026, 11, 21, 13));
  EXPECT_EQ(rows[1].end_time, Utc(2026, 11, 22, 13));
  // The demo data (UTC 20 November) lies in 20 and 21 November local; 22 and 23 are empty.
  EXPECT_GT(ExpectAllTablesCompleted("2026-11-21"), 0u);
  EXPECT_EQ(ExpectAllTablesCompleted("2026-11-22"), 0u);
  EXPECT_EQ(ExpectAllTablesCompleted("2026-11-23"), 0u);
}

TEST_F(DailySchedulerTest, FirstStartRunsOnlyTheNewestDueDay) {
  // 00:30 on 25 November local: today's fire has not come, yesterday's has (for the 23rd).
  SetClock(Utc(2026, 11, 24, 13, 30));
  auto scheduler = NewScheduler(/*catch_up_days=*/5);
  EXPECT_EQ(DueDates(*scheduler), (std::vector<std::string>{"2026-11-23 schedule"}));
  Result<int64_t> next = scheduler->NextFire();
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next, Utc(2026, 11, 24, 14));
}

TEST_F(DailySchedulerTest, CatchUpDaysLimitIsRespected) {
  RecordRun("2026-11-10", DailyRunState::kSuccess);
  SetClock(AfterFireForNovemberDay(16));  // days 11..16 missed
  EXPECT_EQ(DueDates(*NewScheduler(2)),
            (std::vector<std::string>{"2026-11-14 catch-up", "2026-11-15 catch-up",
                                      "2026-11-16 schedule"}));
  EXPECT_EQ(DueDates(*NewScheduler(0)), (std::vector<std::string>{"2026-11-16 schedule"}));
  EXPECT_EQ(DueDates(*NewScheduler(10)),
            (std::vector<std::string>{"2026-11-11 catch-up", "2026-11-12 catch-up",
                                      "2026-11-13 catch-up", "2026-11-14 catch-up",
                                      "2026-11-15 catch-up", "2026-11-16 schedule"}));
  // A FAILED run is finished too: never run again by the scheduler, and nothing before it.
  RecordRun("2026-11-15", DailyRunState::kFailed);
  EXPECT_EQ(DueDates(*NewScheduler(10)), (std::vector<std::string>{"2026-11-16 schedule"}));
  RecordRun("2026-11-16", DailyRunState::kPartialSuccess);
  EXPECT_EQ(DueDates(*NewScheduler(10)), std::vector<std::string>{});
}

TEST_F(DailySchedulerTest, RunningRowLeftBehindIsResumed) {
  RecordRun("2026-11-20", DailyRunState::kSuccess);
  RecordRun("2026-11-21", DailyRunState::kRunning);  // a process died while running it
  TableJobStatus job;                                // ... in the middle of one table
  job.run_date = "2026-11-21";
  job.table_name = "cctv";
  job.state = JobState::kInProgress;
  job.attempt = 1;
  job.started_at = 1;
  ASSERT_TRUE(metadata_->UpsertTableJob(job).ok());

  SetClock(AfterFireForNovemberDay(22));
  auto scheduler = NewScheduler();
  EXPECT_EQ(DueDates(*scheduler),
            (std::vector<std::string>{"2026-11-21 catch-up", "2026-11-22 schedule"}));
  Result<std::vector<DailyRunSummary>> ran = scheduler->RunDue(nullptr);
  ASSERT_TRUE(ran.ok()) << ran.status().ToString();
  ASSERT_EQ(ran->size(), 2u);
  EXPECT_EQ((*ran)[0].run_date, "2026-11-21");
  EXPECT_EQ((*ran)[0].outcome, DailyRunOutcome::kSuccess);
  std::optional<DailyRun> row = Row("2026-11-21");
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->state, DailyRunState::kSuccess);
  EXPECT_EQ(row->start_time, Utc(2026, 11, 20, 13));
  EXPECT_GT(ExpectAllTablesCompleted("2026-11-21"), 0u);
  EXPECT_EQ(ExpectAllTablesCompleted("2026-11-22"), 0u);
  EXPECT_EQ(DueDates(*scheduler), std::vector<std::string>{});
}

TEST_F(DailySchedulerTest, RunningRowIsResumedOnTheNewestDayToo) {
  RecordRun("2026-11-21", DailyRunState::kRunning);  // the only row: no finished run yet
  SetClock(AfterFireForNovemberDay(21));
  EXPECT_EQ(DueDates(*NewScheduler()), (std::vector<std::string>{"2026-11-21 schedule"}));
  // Later, it is caught up with the days after it (and nothing before it).
  SetClock(AfterFireForNovemberDay(23));
  EXPECT_EQ(DueDates(*NewScheduler()),
            (std::vector<std::string>{"2026-11-21 catch-up", "2026-11-22 catch-up",
                                      "2026-11-23 schedule"}));
  SetClock(AfterFireForNovemberDay(26));
  EXPECT_EQ(DueDates(*NewScheduler(2)),
            (std::vector<std::string>{"2026-11-24 catch-up", "2026-11-25 catch-up",
                                      "2026-11-26 schedule"}));
}

TEST_F(DailySchedulerTest, DueDaysAcrossDaylightSavingUseLocalDayBounds) {
  // 01:00:30 AEST on 6 April 2026 (15:00:30 UTC on 5 April): the 25-hour 5 April is due.
  SetClock(Utc(2026, 4, 5, 15, 0, 30));
  auto scheduler = NewScheduler();
  Result<std::vector<DueRun>> due = scheduler->DueRuns();
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].day, (LocalDate{2026, 4, 5}));
  EXPECT_EQ((*due)[0].bounds.start, Utc(2026, 4, 4, 13));
  EXPECT_EQ((*due)[0].bounds.end, Utc(2026, 4, 5, 14));
  // One second before that fire, the day before is the newest due.
  SetClock(Utc(2026, 4, 5, 14, 59, 59));
  EXPECT_EQ(DueDates(*scheduler), (std::vector<std::string>{"2026-04-04 schedule"}));
  // 4 October (23 hours) after 01:00 AEDT on 5 October.
  SetClock(Utc(2026, 10, 4, 14, 0, 0));
  due = scheduler->DueRuns();
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].day, (LocalDate{2026, 10, 4}));
  EXPECT_EQ((*due)[0].bounds.end - (*due)[0].bounds.start, 23 * 3600);
}

TEST_F(DailySchedulerTest, LaunchRejectsBadDates) {
  SetClock(Utc(2026, 11, 23, 15));  // 02:00 on 24 November local (still the 23rd in UTC)
  auto scheduler = NewScheduler();
  Result<DailyRun> run = scheduler->Launch("2026-11-25", std::nullopt, false, "api");
  ASSERT_FALSE(run.ok());
  EXPECT_EQ(run.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(run.status().message().find("2026-11-25"), std::string::npos);
  EXPECT_NE(run.status().message().find("2026-11-24"), std::string::npos);  // today, local
  for (const char* bad : {"2026-11-5", "2026-02-29", "yesterday", "2026-11-20T00:00"}) {
    run = scheduler->Launch(bad, std::nullopt, false, "api");
    ASSERT_FALSE(run.ok()) << bad;
    EXPECT_EQ(run.status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(run.status().message().find(bad), std::string::npos) << run.status().message();
  }
  run = scheduler->Launch("2026-11-22", std::string("no_such_table"), false, "api");
  ASSERT_FALSE(run.ok());
  EXPECT_EQ(run.status().code(), StatusCode::kNotFound);
  EXPECT_NE(run.status().message().find("no_such_table"), std::string::npos);
  scheduler->Stop();
  EXPECT_EQ(AllRows().size(), 0u);  // nothing started
  EXPECT_EQ(notifier_.summaries().size(), 0u);
}

TEST_F(DailySchedulerTest, LaunchReturnsTheRunningRowAndRefusesADayAlreadyRunning) {
  SetClock(Utc(2026, 11, 23, 15));  // 02:00 on 24 November local
  auto scheduler = NewScheduler();
  gate_->Close();
  Result<DailyRun> run = scheduler->Launch("2026-11-24", std::string("cctv"), false, "api");
  ASSERT_TRUE(run.ok()) << run.status().ToString();  // today (partial) is allowed
  EXPECT_EQ(run->run_date, "2026-11-24");
  EXPECT_EQ(run->state, DailyRunState::kRunning);
  EXPECT_EQ(run->trigger, "api");
  EXPECT_EQ(run->start_time, Utc(2026, 11, 23, 13));
  EXPECT_EQ(run->end_time, Utc(2026, 11, 24, 13));
  EXPECT_EQ(run->tables_total, 1);
  EXPECT_EQ(Row("2026-11-24"), *run);

  Result<DailyRun> again = scheduler->Launch("2026-11-24", std::nullopt, true, "api");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
  ASSERT_TRUE(WaitUntil([&] { return gate_->waiting() == 1; }));
  gate_->Open();
  ASSERT_TRUE(WaitUntil([&] {
    std::optional<DailyRun> row = Row("2026-11-24");
    return row && row->state != DailyRunState::kRunning;
  }));
  scheduler->Stop();
  // The day's row speaks for every enabled table: only cctv ran, so the day is partial.
  std::optional<DailyRun> finished = Row("2026-11-24");
  EXPECT_EQ(finished->state, DailyRunState::kPartialSuccess);
  EXPECT_EQ(finished->tables_completed, 1);
  EXPECT_GT(finished->tables_total, 1);
  Result<std::optional<TableJobStatus>> job = metadata_->GetTableJob("2026-11-24", "cctv");
  ASSERT_TRUE(job.ok() && job->has_value());
  EXPECT_EQ((*job)->state, JobState::kCompleted);
  EXPECT_EQ(notifier_.RunsPerDay(), (std::map<std::string, int>{{"2026-11-24", 1}}));
}

TEST_F(DailySchedulerTest, StopLeavesALaunchedRunRunningForTheNextStartToResume) {
  SetClock(AfterFireForNovemberDay(21));
  RecordRun("2026-11-20", DailyRunState::kSuccess);
  auto scheduler = NewScheduler();
  gate_->Close();
  Result<DailyRun> run = scheduler->Launch("2026-11-21", std::nullopt, false, "schedule");
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  ASSERT_TRUE(WaitUntil([&] { return gate_->waiting() > 0; }));
  scheduler->Stop();  // cancels the run held at the gate
  EXPECT_EQ(Row("2026-11-21")->state, DailyRunState::kRunning);
  EXPECT_EQ(notifier_.summaries().size(), 0u);
  Result<DailyRun> after_stop = scheduler->Launch("2026-11-21", std::nullopt, false, "api");
  ASSERT_FALSE(after_stop.ok());
  EXPECT_EQ(after_stop.status().code(), StatusCode::kFailedPrecondition);

  gate_->Open();
  scheduler = NewScheduler();
  EXPECT_EQ(DueDates(*scheduler), (std::vector<std::string>{"2026-11-21 schedule"}));
  Result<std::vector<DailyRunSummary>> ran = scheduler->RunDue(nullptr);
  ASSERT_TRUE(ran.ok()) << ran.status().ToString();
  ASSERT_EQ(ran->size(), 1u);
  EXPECT_EQ((*ran)[0].outcome, DailyRunOutcome::kSuccess);
  EXPECT_GT(ExpectAllTablesCompleted("2026-11-21"), 0u);
}

TEST_F(DailySchedulerTest, BackgroundLoopRunsADayWhenTheClockPassesItsFire) {
  RecordRun("2026-11-21", DailyRunState::kSuccess);
  SetClock(Utc(2026, 11, 22, 13, 59));  // 00:59 on 23 November local: nothing due yet
  auto scheduler = NewScheduler();
  Result<int64_t> next = scheduler->NextFire();
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next, Utc(2026, 11, 22, 14));
  scheduler->Start();
  scheduler->Start();  // idempotent
  EXPECT_FALSE(Row("2026-11-22").has_value());

  clock_.AdvanceSeconds(120);  // past 01:00
  ASSERT_TRUE(WaitUntil([&] {
    std::optional<DailyRun> row = Row("2026-11-22");
    return row && row->state != DailyRunState::kRunning;
  }));
  std::optional<DailyRun> row = Row("2026-11-22");
  EXPECT_EQ(row->state, DailyRunState::kSuccess);
  EXPECT_EQ(row->trigger, "schedule");
  EXPECT_EQ(ExpectAllTablesCompleted("2026-11-22"), 0u);

  // Two days later (the service kept running while the clock jumped): both fires' days run.
  clock_.AdvanceSeconds(2 * 86'400);
  ASSERT_TRUE(WaitUntil([&] {
    std::optional<DailyRun> row = Row("2026-11-24");
    return row && row->state != DailyRunState::kRunning;
  }));
  scheduler->Stop();
  scheduler->Stop();  // idempotent
  EXPECT_EQ(Row("2026-11-23")->trigger, "catch-up");
  EXPECT_EQ(Row("2026-11-24")->trigger, "schedule");
  EXPECT_EQ(notifier_.RunsPerDay(),
            (std::map<std::string, int>{{"2026-11-22", 1}, {"2026-11-23", 1}, {"2026-11-24", 1}}));
}

TEST_F(DailySchedulerTest, StopWakesASleepingLoop) {
  RecordRun("2026-11-21", DailyRunState::kSuccess);
  SetClock(Utc(2026, 11, 22, 1));  // the next fire is 13 hours away on the fake clock
  auto scheduler = NewScheduler();
  scheduler->Start();
  scheduler->Stop();  // returns without the clock moving
  EXPECT_EQ(AllRows().size(), 1u);
}

}  // namespace
}  // namespace de
