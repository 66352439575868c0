// The daily export against the real embedded backends (SQLite warehouse and metadata, local
// object store), with a fault-injecting wrapper around the real warehouse.
#include "export/daily_export.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <thread>

#include "export/classification_files.h"
#include "export/embedded_backends_testing.h"
#include "parquet/footer_reader.h"
#include "policy/demo_policy.h"
#include "warehouse/sqlite/demo_warehouse.h"
#include "warehouse/sqlite/scratch_database.h"

namespace de {
namespace {

constexpr int64_t kDay = 1'795'132'800;  // 2026-11-20T00:00:00Z
constexpr char kDate[] = "2026-11-20";
constexpr auto kPatience = std::chrono::seconds(20);

// Wraps a real warehouse: fails the first `failures` scans of one table with `error`, and can
// hold scans' first batches until `hold_until_open` scans have been open at once at the backend
// (or 5 s passed), so tests see real overlap instead of hoping for it.
class FlakyWarehouse final : public Warehouse {
 public:
  explicit FlakyWarehouse(Warehouse* inner) : inner_(inner) {}

  void FailScans(const std::string& table, int failures, Status error) {
    std::lock_guard<std::mutex> lock(mu_);
    table_ = table;
    failures_ = failures;
    error_ = std::move(error);
  }
  void HoldUntilOpen(size_t scans) { hold_until_open_ = scans; }
  // Blocks every scan's first batch until Release().
  void Gate() { gated_ = true; }
  void Release() {
    gated_ = false;
    released_.notify_all();
  }
  bool WaitForHeld(size_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    return changed_.wait_for(lock, kPatience, [&] { return held_ >= n; });
  }
  int scans_of(const std::string& table) {
    std::lock_guard<std::mutex> lock(mu_);
    return scans_[table];
  }

  Result<std::vector<std::string>> ListTables() override { return inner_->ListTables(); }
  Result<TableSchema> DescribeTable(const std::string& table) override {
    return inner_->DescribeTable(table);
  }
  Status Ping() override { return inner_->Ping(); }
  const ScanGauge& scan_gauge() const override { return inner_->scan_gauge(); }

  Result<std::unique_ptr<BatchReader>> Scan(const ScanSpec& spec,
                                            CancellationToken* cancel) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++scans_[spec.table];
      if (spec.table == table_ && failures_ > 0) {
        --failures_;
        return error_;
      }
    }
    ASSIGN_OR_RETURN(std::unique_ptr<BatchReader> reader, inner_->Scan(spec, cancel));
    return std::unique_ptr<BatchReader>(std::make_unique<Reader>(std::move(reader), this, cancel));
  }

 private:
  class Reader final : public BatchReader {
   public:
    Reader(std::unique_ptr<BatchReader> inner, FlakyWarehouse* owner, CancellationToken* cancel)
        : inner_(std::move(inner)), owner_(owner), cancel_(cancel) {}
    const Schema& schema() const override { return inner_->schema(); }
    Result<bool> Next(Batch* batch) override {
      if (first_) {
        first_ = false;
        owner_->Hold(cancel_);
      }
      return inner_->Next(batch);
    }

   private:
    std::unique_ptr<BatchReader> inner_;
    FlakyWarehouse* owner_;
    CancellationToken* cancel_;
    bool first_ = true;
  };

  void Hold(CancellationToken* cancel) {
    std::unique_lock<std::mutex> lock(mu_);
    ++held_;
    changed_.notify_all();
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (hold_until_open_ > 0 && inner_->scan_gauge().peak() < hold_until_open_ &&
           std::chrono::steady_clock::now() < deadline) {
      released_.wait_for(lock, std::chrono::milliseconds(10));
    }
    while (gated_ && !(cancel != nullptr && cancel->cancelled())) {
      released_.wait_for(lock, std::chrono::milliseconds(10));
    }
    --held_;
  }

  Warehouse* inner_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::condition_variable released_;
  std::string table_;
  int failures_ = 0;
  Status error_;
  std::map<std::string, int> scans_;
  size_t held_ = 0;
  std::atomic<size_t> hold_until_open_{0};
  std::atomic<bool> gated_{false};
};

class RecordingNotifier final : public Notifier {
 public:
  std::string name() const override { return "recording"; }
  Status Notify(const DailyRunSummary& summary) override {
    std::lock_guard<std::mutex> lock(mu_);
    summaries.push_back(summary);
    return Unavailable("recording notifier fails on purpose: the run must not care");
  }
  std::mutex mu_;
  std::vector<DailyRunSummary> summaries;
};

class DailyExportTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    warehouse_path_ = new std::string(::testing::TempDir() + "/daily_export_demo.db");
    ASSERT_TRUE(CreateDemoWarehouse(*warehouse_path_, kDay).ok());
  }
  static void TearDownTestSuite() {
    std::filesystem::remove(*warehouse_path_);
    delete warehouse_path_;
  }

  void SetUp() override {
    dir_ = testing_support::FreshTestDirectory("daily_export");
    ASSERT_NO_FATAL_FAILURE(backends_.Open(*warehouse_path_, dir_, &clock_));
    ASSERT_TRUE(backends_.metadata->ReplacePolicy(DemoPolicySnapshot()).ok());
    flaky_ = std::make_unique<FlakyWarehouse>(backends_.warehouse.get());
  }

  std::unique_ptr<DailyExporter> Exporter(size_t concurrency = 2, int max_retry_count = 3) {
    slots_ = std::make_unique<ExportSlots>(concurrency);
    ExportOptions options;
    options.batch_rows = 4096;
    options.store_uri = "file://" + backends_.store->root();
    options.treatments.hash_key = "daily-test-hash-key";
    DailyRunOptions run;
    run.max_retry_count = max_retry_count;
    run.retry_initial_backoff_ms = 1;
    run.retry_max_backoff_ms = 4;
    run.env = "test";
    run.time_zone = "UTC";
    return std::make_unique<DailyExporter>(flaky_.get(), backends_.metadata.get(),
                                           backends_.store.get(), &clock_, slots_.get(), options,
                                           DailyLayout("exports", "test"), run, &notifier_);
  }

  static DailyRunSpec Spec(bool force = false) {
    DailyRunSpec spec;
    spec.run_date = kDate;
    spec.start_time = kDay;
    spec.end_time = kDay + 86'400;
    spec.force = force;
    return spec;
  }

  std::vector<std::string> EnabledTables() {
    std::vector<std::string> names;
    auto tables = backends_.metadata->ListExportTables();
    EXPECT_TRUE(tables.ok());
    for (const ExportTable& t : *tables) {
      if (t.enabled) names.push_back(t.table_name);
    }
    return names;
  }

  // key -> (size, modification time) of every object.
  std::map<std::string, std::pair<uint64_t, int64_t>> Objects() {
    std::map<std::string, std::pair<uint64_t, int64_t>> objects;
    auto listed = backends_.store->List("");
    EXPECT_TRUE(listed.ok());
    for (const ObjectInfo& info : *listed) {
      auto file = backends_.store->OpenObject(info.key);
      EXPECT_TRUE(file.ok());
      objects[info.key] = {info.size, file->modified_nanos};
    }
    return objects;
  }

  std::vector<std::string> Keys(const std::string& prefix) {
    std::vector<std::string> keys;
    auto objects = backends_.store->List(prefix);
    EXPECT_TRUE(objects.ok());
    for (const ObjectInfo& info : *objects) keys.push_back(info.key);
    return keys;
  }

  const DailyTableSummary& TableOf(const DailyRunSummary& summary, const std::string& table) {
    for (const DailyTableSummary& t : summary.tables) {
      if (t.table == table) return t;
    }
    ADD_FAILURE() << "no table " << table;
    static DailyTableSummary none;
    return none;
  }

  static std::string* warehouse_path_;
  std::string dir_;
  FakeClock clock_{(kDay + 86'400 + 3600) * 1'000'000};
  testing_support::EmbeddedBackends backends_;
  std::unique_ptr<FlakyWarehouse> flaky_;
  std::unique_ptr<ExportSlots> slots_;
  RecordingNotifier notifier_;
};

std::string* DailyExportTest::warehouse_path_ = nullptr;

TEST_F(DailyExportTest, WritesTheDailyLayoutWithClassificationsAndRecordsEveryTable) {
  auto exporter = Exporter();
  auto summary = exporter->Run(Spec(), nullptr, nullptr);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->outcome, DailyRunOutcome::kSuccess);
  EXPECT_EQ(summary->run_date, kDate);
  EXPECT_EQ(summary->trigger, "cli");
  std::vector<std::string> tables = EnabledTables();
  ASSERT_GE(tables.size(), 3u);
  ASSERT_EQ(summary->tables.size(), tables.size());

  for (const std::string& table : tables) {
    const DailyTableSummary& t = TableOf(*summary, table);
    EXPECT_EQ(t.status, "COMPLETED") << table << ": " << t.error;
    EXPECT_EQ(t.attempts, 1);
    EXPECT_FALSE(t.skipped);
    EXPECT_GT(t.rows_written, 0u) << table;
    EXPECT_EQ(t.rows_read, t.rows_dropped_by_policy + t.rows_written);
    EXPECT_EQ(t.prefix, "exports/test/2026/11/20/" + table + "/");
    std::vector<std::string> keys = Keys(t.prefix);
    ASSERT_EQ(keys.size(), t.files) << table;
    EXPECT_EQ(keys[0], t.prefix + table + "_000.parquet");
    uint64_t rows = 0;
    for (const std::string& key : keys) {
      auto bytes = backends_.store->Get(key);
      ASSERT_TRUE(bytes.ok());
      auto footer = parquet::ParseFooter(*bytes);
      ASSERT_TRUE(footer.ok()) << footer.status().ToString();
      rows += static_cast<uint64_t>(footer->num_rows);
    }
    EXPECT_EQ(rows, t.rows_written) << table;

    auto job = backends_.metadata->GetTableJob(kDate, table);
    ASSERT_TRUE(job.ok() && job->has_value());
    EXPECT_EQ((*job)->state, JobState::kCompleted);
    EXPECT_EQ((*job)->attempt, 1);
    EXPECT_EQ((*job)->rows_written, t.rows_written);
    EXPECT_EQ((*job)->bytes_written, t.bytes_written);
    EXPECT_EQ((*job)->files, t.files);
    EXPECT_GT((*job)->finished_at, 0);
  }

  // The four classification tables, as of the policy the run used.
  EXPECT_EQ(summary->classifications.status, "COMPLETED");
  std::vector<std::string> expected;
  for (const std::string& name : ClassificationTableNames()) {
    expected.push_back("exports/test/2026/11/20/classifications/" + name + ".parquet");
  }
  EXPECT_EQ(summary->classifications.keys, expected);
  PolicySnapshot policy = DemoPolicySnapshot();
  std::vector<size_t> rows = {policy.export_tables.size(), policy.columns.size(),
                              policy.sources.size(), policy.metrics.size()};
  for (size_t i = 0; i < expected.size(); ++i) {
    auto bytes = backends_.store->Get(expected[i]);
    ASSERT_TRUE(bytes.ok()) << expected[i];
    auto footer = parquet::ParseFooter(*bytes);
    ASSERT_TRUE(footer.ok());
    EXPECT_EQ(static_cast<size_t>(footer->num_rows), rows[i]) << expected[i];
  }
  // Nothing else: no staging leftovers, no manifests.
  size_t data_files = 0;
  for (const DailyTableSummary& t : summary->tables) data_files += t.files;
  EXPECT_EQ(Keys("").size(), data_files + 4);

  auto run = backends_.metadata->GetDailyRun(kDate);
  ASSERT_TRUE(run.ok() && run->has_value());
  EXPECT_EQ((*run)->state, DailyRunState::kSuccess);
  EXPECT_EQ((*run)->tables_total, static_cast<int>(tables.size()));
  EXPECT_EQ((*run)->tables_completed, static_cast<int>(tables.size()));
  EXPECT_EQ((*run)->start_time, kDay);
  ASSERT_EQ(notifier_.summaries.size(), 1u);  // its failure did not fail the run
  EXPECT_EQ(notifier_.summaries[0].outcome, DailyRunOutcome::kSuccess);
}

TEST_F(DailyExportTest, TransientFailuresAreRetriedUntilMaxRetryCount) {
  auto exporter = Exporter(2, 3);
  flaky_->FailScans("cctv", 2, Unavailable("injected: connection lost"));
  auto summary = exporter->Run(Spec(), nullptr, nullptr);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->outcome, DailyRunOutcome::kSuccess);
  const DailyTableSummary& cctv = TableOf(*summary, "cctv");
  EXPECT_EQ(cctv.status, "COMPLETED");
  EXPECT_EQ(cctv.attempts, 3);
  EXPECT_EQ(flaky_->scans_of("cctv"), 3);
  auto job = backends_.metadata->GetTableJob(kDate, "cctv");
  EXPECT_EQ((*job)->attempt, 3);
  EXPECT_EQ((*job)->error, "");
}

TEST_F(DailyExportTest, ATableFailingEveryAttemptFailsAloneAndTheRunIsPartial) {
  auto exporter = Exporter(2, 3);
  flaky_->FailScans("cctv", 3, Unavailable("injected: connection lost"));
  auto summary = exporter->Run(Spec(), nullptr, nullptr);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->outcome, DailyRunOutcome::kPartialSuccess);
  const DailyTableSummary& cctv = TableOf(*summary, "cctv");
  EXPECT_EQ(cctv.status, "FAILED");
  EXPECT_EQ(cctv.attempts, 3);
  EXPECT_NE(cctv.error.find("injected: connection lost"), std::string::npos) << cctv.error;
  EXPECT_TRUE(Keys(cctv.prefix).empty());
  for (const DailyTableSummary& t : summary->tables) {
    if (t.table == "cctv") continue;
    EXPECT_EQ(t.status, "COMPLETED") << t.table;
    EXPECT_EQ(t.attempts, 1) << t.table;
  }
  auto job = backends_.metadata->GetTableJob(kDate, "cctv");
  EXPECT_EQ((*job)->state, JobState::kFailed);
  EXPECT_EQ((*job)->attempt, 3);
  EXPECT_NE((*job)->error.find("injected"), std::string::npos);
  ASSERT_EQ(notifier_.summaries.size(), 1u);
  EXPECT_EQ(notifier_.summaries[0].outcome, DailyRunOutcome::kPartialSuccess);
  EXPECT_EQ((*backends_.metadata->GetDailyRun(kDate))->state, DailyRunState::kPartialSuccess);
}

TEST_F(DailyExportTest, PolicyViolationsAndMissingTablesFailAtOnce) {
  auto exporter = Exporter(2, 5);
  flaky_->FailScans("cctv", 5, PolicyViolation("injected: forbidden column"));
  PolicySnapshot policy = DemoPolicySnapshot();
  policy.export_tables.push_back({"no_such_table", true, "ts", "", ""});
  ASSERT_TRUE(backends_.metadata->ReplacePolicy(policy).ok());
  auto summary = exporter->Run(Spec(), nullptr, nullptr);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->outcome, DailyRunOutcome::kPartialSuccess);
  EXPECT_EQ(TableOf(*summary, "cctv").attempts, 1);
  EXPECT_EQ(TableOf(*summary, "cctv").status, "FAILED");
  EXPECT_EQ(TableOf(*summary, "no_such_table").attempts, 1);
  EXPECT_NE(TableOf(*summary, "no_such_table").error.find("NOT_FOUND"), std::string::npos)
      << TableOf(*summary, "no_such_table").error;
  EXPECT_EQ(flaky_->scans_of("cctv"), 1);
}

TEST_F(DailyExportTest, ATableNamedLikeTheClassificationsFolderIsRefused) {
  auto exporter = Exporter(2, 3);
  PolicySnapshot policy = DemoPolicySnapshot();
  policy.export_tables.push_back({"classifications", true, "ts", "", ""});
  ASSERT_TRUE(backends_.metadata->ReplacePolicy(policy).ok());
  auto summary = exporter->Run(Spec(), nullptr, nullptr);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  const DailyTableSummary& clash = TableOf(*summary, "classifications");
  EXPECT_EQ(clash.status, "FAILED");
  EXPECT_EQ(clash.attempts, 1);  // bad configuration: never retried
  EXPECT_NE(clash.error.find("collides with the daily classifications folder"), std::string::npos)
      << clash.error;
  EXPECT_EQ(summary->classifications.status, "COMPLETED");
  EXPECT_EQ(summary->outcome, DailyRunOutcome::kPartialSuccess);
}

TEST_F(DailyExportTest, EveryTableFailingIsAFailedRun) {
  auto exporter = Exporter(2, 1);
  PolicySnapshot policy = DemoPolicySnapshot();
  for (ExportTable& t : policy.export_tables) t.time_column = "no_such_column";
  ASSERT_TRUE(backends_.metadata->ReplacePolicy(policy).ok());
  auto summary = exporter->Run(Spec(), nullptr, nullptr);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->outcome, DailyRunOutcome::kFailed);
  EXPECT_EQ(summary->completed_count(), 0u);
  EXPECT_EQ((*backends_.metadata->GetDailyRun(kDate))->state, DailyRunState::kFailed);
}

TEST_F(DailyExportTest, AtMostTheConcurrencyLimitOfScansAreOpenAtTheBackend) {
  // Six tables of the same shape in a warehouse of their own.
  warehouse_sqlite::ScratchDirectory scratch;
  std::string sql;
  PolicySnapshot policy;
  for (int i = 1; i <= 6; ++i) {
    std::string table = "t" + std::to_string(i);
    sql += "CREATE TABLE " + table + " (ts TIMESTAMP NOT NULL, v INTEGER);";
    for (int r = 0; r < 50; ++r) {
      sql += "INSERT INTO " + table + " VALUES ('2026-11-20 0" + std::to_string(r % 10) +
             ":00:00', " + std::to_string(r) + ");";
    }
    policy.export_tables.push_back({table, true, "ts", "", ""});
    policy.columns.push_back({table, "ts", "nr", "", false});
    policy.columns.push_back({table, "v", "nr", "", false});
  }
  ASSERT_TRUE(warehouse_sqlite::WriteDatabase(scratch.File("six.db"), sql).ok());
  auto six = SqliteWarehouse::Open(scratch.File("six.db"));
  ASSERT_TRUE(six.ok());
  flaky_ = std::make_unique<FlakyWarehouse>(six->get());
  flaky_->HoldUntilOpen(2);  // every scan waits until two are open, so overlap is certain
  ASSERT_TRUE(backends_.metadata->ReplacePolicy(policy).ok());

  auto exporter = Exporter(2, 1);
  auto summary = exporter->Run(Spec(), nullptr, nullptr);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->outcome, DailyRunOutcome::kSuccess);
  EXPECT_EQ(summary->completed_count(), 6u);
  EXPECT_EQ((*six)->scan_gauge().peak(), 2u);  // measured by the backend
  EXPECT_EQ((*six)->scan_gauge().open(), 0u);
}

TEST_F(DailyExportTest, ASecondRunOfTheSameDayWritesNothingNew) {
  auto exporter = Exporter();
  ASSERT_TRUE(exporter->Run(Spec(), nullptr, nullptr).ok());
  auto before = Objects();
  clock_.AdvanceSeconds(60);
  auto again = exporter->Run(Spec(), nullptr, nullptr);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->outcome, DailyRunOutcome::kSuccess);
  EXPECT_EQ(again->skipped_count(), again->tables.size());
  EXPECT_TRUE(again->classifications.skipped);
  for (const DailyTableSummary& t : again->tables) {
    EXPECT_TRUE(t.skipped);
    EXPECT_EQ(t.attempts, 0);
    EXPECT_GT(t.rows_written, 0u);  // the counts of the run that made the files
  }
  EXPECT_EQ(Objects(), before);
  for (const std::string& table : EnabledTables()) EXPECT_EQ(flaky_->scans_of(table), 1);
}

TEST_F(DailyExportTest, ForceReplacesFilesAndNeverEmptiesTheFolder) {
  auto exporter = Exporter();
  ASSERT_TRUE(exporter->Run(Spec(), nullptr, nullptr).ok());
  const std::string way_prefix = "exports/test/2026/11/20/way/";
  // A stale file from some earlier export that the new set does not have.
  {
    auto stream = backends_.store->Put(way_prefix + "way_007.parquet", {});
    ASSERT_TRUE((*stream)->Write("stale").ok());
    ASSERT_TRUE((*stream)->Close().ok());
  }
  auto before = Objects();

  std::atomic<bool> done{false};
  std::atomic<int> empty_seen{0};
  std::atomic<int> looks{0};
  std::thread reader([&] {
    while (!done) {
      auto listed = backends_.store->List(way_prefix);
      if (listed.ok() && listed->empty()) ++empty_seen;
      ++looks;
    }
  });
  auto forced = exporter->Run(Spec(true), nullptr, nullptr);
  done = true;
  reader.join();
  ASSERT_TRUE(forced.ok()) << forced.status().ToString();
  EXPECT_EQ(forced->outcome, DailyRunOutcome::kSuccess);
  EXPECT_EQ(forced->skipped_count(), 0u);
  EXPECT_FALSE(forced->classifications.skipped);
  EXPECT_GT(looks.load(), 0);
  EXPECT_EQ(empty_seen.load(), 0);

  auto after = Objects();
  EXPECT_EQ(after.count(way_prefix + "way_007.parquet"), 0u);  // stale file removed
  for (const auto& [key, info] : before) {
    if (key == way_prefix + "way_007.parquet") continue;
    ASSERT_EQ(after.count(key), 1u) << key;
    EXPECT_EQ(after[key].first, info.first) << key;    // same bytes: deterministic output
    EXPECT_NE(after[key].second, info.second) << key;  // but written again
  }
  EXPECT_EQ(after.size(), before.size() - 1);
  EXPECT_TRUE(Keys("exports/test/_staging/").empty());
}

TEST_F(DailyExportTest, AFailedForcedAttemptLeavesTheOldFilesAsTheyWere) {
  auto exporter = Exporter(2, 1);
  ASSERT_TRUE(exporter->Run(Spec(), nullptr, nullptr).ok());
  auto before = Objects();
  flaky_->FailScans("way", 1, Unavailable("injected: connection lost"));
  DailyRunSpec spec = Spec(true);
  spec.table = "way";
  auto forced = exporter->Run(spec, nullptr, nullptr);
  ASSERT_TRUE(forced.ok());
  EXPECT_EQ(forced->outcome, DailyRunOutcome::kFailed);
  ASSERT_EQ(forced->tables.size(), 1u);
  EXPECT_TRUE(forced->classifications.skipped);
  EXPECT_EQ(Objects(), before);
  // The day's row counts every table: the others are still COMPLETED.
  DailyRun day = **backends_.metadata->GetDailyRun(kDate);
  EXPECT_EQ(day.state, DailyRunState::kPartialSuccess);
  EXPECT_EQ(day.tables_total, static_cast<int>(EnabledTables().size()));
  EXPECT_EQ(day.tables_completed, day.tables_total - 1);
  EXPECT_EQ(day.tables_failed, 1);
  EXPECT_TRUE(Keys("exports/test/_staging/").empty());
}

TEST_F(DailyExportTest, LeftoversOfADeadAttemptAreReplacedOnTheNextRun) {
  auto exporter = Exporter();
  ASSERT_TRUE(exporter->Run(Spec(), nullptr, nullptr).ok());
  const std::string prefix = "exports/test/2026/11/20/cctv/";
  auto good = backends_.store->Get(prefix + "cctv_000.parquet");
  ASSERT_TRUE(good.ok());
  // A process died mid-export: its job stayed IN-PROGRESS, a partial set and staging remain.
  TableJobStatus job = **backends_.metadata->GetTableJob(kDate, "cctv");
  job.state = JobState::kInProgress;
  ASSERT_TRUE(backends_.metadata->UpsertTableJob(job).ok());
  for (const std::string& key :
       {prefix + "cctv_003.parquet", std::string("exports/test/_staging/2026/11/20/cctv/x/a")}) {
    auto stream = backends_.store->Put(key, {});
    ASSERT_TRUE((*stream)->Write("partial").ok());
    ASSERT_TRUE((*stream)->Close().ok());
  }
  auto rerun = exporter->Run(Spec(), nullptr, nullptr);
  ASSERT_TRUE(rerun.ok());
  EXPECT_EQ(rerun->outcome, DailyRunOutcome::kSuccess);
  EXPECT_FALSE(TableOf(*rerun, "cctv").skipped);
  EXPECT_TRUE(TableOf(*rerun, "way").skipped);
  EXPECT_EQ(Keys(prefix), std::vector<std::string>{prefix + "cctv_000.parquet"});
  EXPECT_EQ(*backends_.store->Get(prefix + "cctv_000.parquet"), *good);
  EXPECT_TRUE(Keys("exports/test/_staging/").empty());
}

TEST_F(DailyExportTest, ATableHeldByALiveReplicaIsWaitedForAndTakenOverWhenItsLeaseExpires) {
  auto exporter = Exporter(2, 3);
  // Another replica claimed cctv and died: its lease runs for 10 more seconds.
  auto claimed = backends_.metadata->ClaimTableJob(kDate, "cctv", "replica-b", 10'000'000);
  ASSERT_TRUE(claimed.ok()) << claimed.status().ToString();
  Result<DailyRunSummary> summary = Internal("not run");
  std::thread run([&] { summary = exporter->Run(Spec(), nullptr, nullptr); });
  // Every other table finishes; cctv waits for the lease.
  auto others_done = [&] {
    for (const std::string& table : EnabledTables()) {
      if (table == "cctv") continue;
      auto job = backends_.metadata->GetTableJob(kDate, table);
      if (!job.ok() || !job->has_value() || (*job)->state != JobState::kCompleted) return false;
    }
    return true;
  };
  for (int i = 0; i < 20'000 && !others_done(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_TRUE(others_done());
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  auto waiting = backends_.metadata->GetTableJob(kDate, "cctv");
  ASSERT_TRUE(waiting.ok() && waiting->has_value());
  EXPECT_EQ((*waiting)->owner, "replica-b");
  EXPECT_EQ((*waiting)->attempt, 0);
  clock_.AdvanceSeconds(11);  // the lease expires
  run.join();
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->outcome, DailyRunOutcome::kSuccess);
  EXPECT_FALSE(TableOf(*summary, "cctv").skipped);
  auto job = backends_.metadata->GetTableJob(kDate, "cctv");
  ASSERT_TRUE(job.ok() && job->has_value());
  EXPECT_EQ((*job)->state, JobState::kCompleted);
  EXPECT_EQ((*job)->owner, "local");
  EXPECT_EQ((*job)->attempt, 1);
  EXPECT_FALSE(Keys("exports/test/2026/11/20/cctv/").empty());
}

TEST_F(DailyExportTest, ATableAnotherReplicaCompletesWhileWaitingIsNotExportedAgain) {
  auto exporter = Exporter(2, 3);
  ASSERT_TRUE(backends_.metadata->ClaimTableJob(kDate, "way", "replica-b", 10'000'000).ok());
  Result<DailyRunSummary> summary = Internal("not run");
  std::thread run([&] { summary = exporter->Run(Spec(), nullptr, nullptr); });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  // replica-b finishes way.
  TableJobStatus done = **backends_.metadata->GetTableJob(kDate, "way");
  done.state = JobState::kCompleted;
  done.attempt = 1;
  done.rows_read = 7;
  done.rows_written = 7;
  done.files = 1;
  done.finished_at = clock_.NowMicros();
  ASSERT_TRUE(backends_.metadata->UpsertTableJob(done).ok());
  run.join();
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  const DailyTableSummary& way = TableOf(*summary, "way");
  EXPECT_TRUE(way.skipped);
  EXPECT_EQ(way.status, "COMPLETED");
  EXPECT_EQ(way.rows_written, 7u);
  EXPECT_TRUE(Keys("exports/test/2026/11/20/way/").empty()) << "not exported here";
}

// The race the previous test may or may not hit: another replica completes a table after this
// run checked for completed tables but before it claims that table. Forced here with one worker:
// when the first table finishes, replica-b completes `way`.
TEST_F(DailyExportTest, ATableCompletedElsewhereBeforeItsClaimIsNotExportedAgain) {
  auto exporter = Exporter(1, 3);
  struct CompleteWayElsewhere : DailyObserver {
    MetadataStore* metadata = nullptr;
    int64_t now = 0;
    std::atomic<bool> done{false};
    void OnTableFinished(const DailyTableSummary& table) override {
      if (table.table == "way" || done.exchange(true)) return;
      TableJobStatus job;
      job.run_date = kDate;
      job.table_name = "way";
      job.owner = "replica-b";
      job.state = JobState::kCompleted;
      job.attempt = 1;
      job.rows_read = 7;
      job.rows_written = 7;
      job.files = 1;
      job.finished_at = now;
      EXPECT_TRUE(metadata->UpsertTableJob(job).ok());
    }
  } observer;
  observer.metadata = backends_.metadata.get();
  observer.now = clock_.NowMicros();
  auto summary = exporter->Run(Spec(), nullptr, &observer);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  ASSERT_TRUE(observer.done.load());
  const DailyTableSummary& way = TableOf(*summary, "way");
  EXPECT_TRUE(way.skipped);
  EXPECT_EQ(way.status, "COMPLETED");
  EXPECT_EQ(way.rows_written, 7u);
  EXPECT_TRUE(Keys("exports/test/2026/11/20/way/").empty()) << "not exported here";
  EXPECT_EQ(summary->outcome, DailyRunOutcome::kSuccess);
}

TEST_F(DailyExportTest, BadInputIsRefusedAndChangesNothing) {
  auto exporter = Exporter();
  for (std::string date :
       {"2026-11-31", "2026-1-20", "20261120", "", "1969-12-31", "2026-11-20x"}) {
    DailyRunSpec spec = Spec();
    spec.run_date = date;
    auto result = exporter->Run(spec, nullptr, nullptr);
    EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument) << date;
  }
  DailyRunSpec backwards = Spec();
  backwards.end_time = backwards.start_time;
  EXPECT_EQ(exporter->Run(backwards, nullptr, nullptr).status().code(),
            StatusCode::kInvalidArgument);
  DailyRunSpec too_long = Spec();
  too_long.end_time = too_long.start_time + 3 * 86'400;
  EXPECT_EQ(exporter->Run(too_long, nullptr, nullptr).status().code(),
            StatusCode::kInvalidArgument);
  DailyRunSpec unknown = Spec();
  unknown.table = "no_such_table";
  auto result = exporter->Run(unknown, nullptr, nullptr);
  EXPECT_EQ(result.status().code(), StatusCode::kNotFound);
  EXPECT_NE(result.status().message().find("no_such_table"), std::string::npos);

  EXPECT_TRUE(Keys("").empty());
  EXPECT_TRUE(backends_.metadata->ListDailyRuns(10)->empty());
  EXPECT_TRUE(backends_.metadata->ListTableJobs(kDate)->empty());
  EXPECT_TRUE(notifier_.summaries.empty());
}

TEST_F(DailyExportTest, ADayRunsOnceAtATimeAndAnInterruptedRunResumes) {
  auto exporter = Exporter(1, 3);
  flaky_->Gate();
  CancellationToken shutdown;
  Result<DailyRunSummary> first = Internal("not run");
  std::thread runner([&] { first = exporter->Run(Spec(), &shutdown, nullptr); });
  ASSERT_TRUE(flaky_->WaitForHeld(1));
  auto second = exporter->Run(Spec(), nullptr, nullptr);
  EXPECT_EQ(second.status().code(), StatusCode::kAlreadyExists);
  shutdown.Cancel();
  runner.join();
  flaky_->Release();
  EXPECT_EQ(first.status().code(), StatusCode::kCancelled) << first.status().ToString();
  EXPECT_EQ((*backends_.metadata->GetDailyRun(kDate))->state, DailyRunState::kRunning);
  bool in_progress = false;
  auto jobs = backends_.metadata->ListTableJobs(kDate);
  ASSERT_TRUE(jobs.ok());
  for (const TableJobStatus& job : *jobs) {
    EXPECT_NE(job.state, JobState::kFailed) << job.table_name;
    in_progress |= job.state == JobState::kInProgress;
  }
  EXPECT_TRUE(in_progress);
  EXPECT_TRUE(notifier_.summaries.empty());

  auto resumed = exporter->Run(Spec(), nullptr, nullptr);
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  EXPECT_EQ(resumed->outcome, DailyRunOutcome::kSuccess);
  EXPECT_EQ((*backends_.metadata->GetDailyRun(kDate))->state, DailyRunState::kSuccess);
}

}  // namespace
}  // namespace de
