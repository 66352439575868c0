// The behaviour every MetadataStore backend shares, run against SQLite always and against
// PostgreSQL when DE_PG_CONNINFO is set (the "Postgres" instantiation; CTest
// metadata_pg_live_test starts a server for it). Messages are compared exactly: both backends
// must refuse the same input with the same words.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

#include "metadata/metadata_store.h"
#include "metadata/postgres/pg_test_database.h"
#include "metadata/postgres/postgres_metadata_store.h"
#include "metadata/sqlite/sqlite_metadata_store.h"

namespace de {
namespace {

constexpr int64_t kNow = 1'709'251'200'000'000;  // 2024-03-01 00:00:00 UTC
constexpr int64_t kMinute = 60'000'000;

// One empty database of a backend; stores opened on it share it, as replicas would.
class TestDatabase {
 public:
  virtual ~TestDatabase() = default;
  virtual Result<std::unique_ptr<MetadataStore>> Open(Clock* clock) = 0;
};

class SqliteTestDatabase final : public TestDatabase {
 public:
  SqliteTestDatabase() {
    std::string pattern = (std::filesystem::temp_directory_path() / "de-conf-XXXXXX").string();
    dir_ = ::mkdtemp(pattern.data()) ? pattern : std::string();
  }
  ~SqliteTestDatabase() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  Result<std::unique_ptr<MetadataStore>> Open(Clock* clock) override {
    ASSIGN_OR_RETURN(auto store, SqliteMetadataStore::Open(dir_ + "/metadata.db", clock));
    return std::unique_ptr<MetadataStore>(std::move(store));
  }

 private:
  std::string dir_;
};

class PostgresTestDatabase final : public TestDatabase {
 public:
  explicit PostgresTestDatabase(std::unique_ptr<metadata_pg::PgTestDatabase> db)
      : db_(std::move(db)) {}
  Result<std::unique_ptr<MetadataStore>> Open(Clock* clock) override {
    PostgresMetadataOptions options;
    options.conninfo = db_->conninfo();
    ASSIGN_OR_RETURN(auto store, PostgresMetadataStore::Open(options, clock));
    return std::unique_ptr<MetadataStore>(std::move(store));
  }

 private:
  std::unique_ptr<metadata_pg::PgTestDatabase> db_;
};

struct Backend {
  std::string name;
  // nullptr with a reason in `skip` when the backend is not available here.
  std::function<std::unique_ptr<TestDatabase>(std::string& skip)> create;
};

Backend SqliteBackend() {
  return {"Sqlite", [](std::string&) { return std::make_unique<SqliteTestDatabase>(); }};
}

Backend PostgresBackend() {
  return {"Postgres", [](std::string& skip) -> std::unique_ptr<TestDatabase> {
            if (!metadata_pg::PgTestDatabase::ServerConninfo()) {
              skip = "DE_PG_CONNINFO is not set (run under scripts/with-pg-cluster)";
              return nullptr;
            }
            auto db = metadata_pg::PgTestDatabase::Create();
            if (!db.ok()) {
              skip = "FAILED: " + db.status().ToString();
              return nullptr;
            }
            return std::make_unique<PostgresTestDatabase>(std::move(*db));
          }};
}

class MetadataStoreConformanceTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    std::string skip;
    db_ = GetParam().create(skip);
    if (!db_) {
      ASSERT_TRUE(skip.rfind("FAILED", 0) != 0) << skip;
      GTEST_SKIP() << skip;
    }
    store_ = OpenStore();
    ASSERT_NE(store_, nullptr);
  }

  std::unique_ptr<MetadataStore> OpenStore() {
    auto store = db_->Open(&clock_);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(*store) : nullptr;
  }

  // A request of its own day (one IN_PROGRESS request per range), created at kNow + n µs.
  ExportRequest Request(const std::string& id, int64_t n) {
    ExportRequest request;
    request.id = id;
    request.start_time = 1'709'251'200 + 86'400 * n;
    request.end_time = request.start_time + 86'400;
    request.created_at = kNow + n;
    return request;
  }
  void Create(const std::string& id, int64_t n) {
    Status created = store_->CreateRequest(Request(id, n));
    ASSERT_TRUE(created.ok()) << created.ToString();
  }

  FakeClock clock_{kNow};
  std::unique_ptr<TestDatabase> db_;
  std::unique_ptr<MetadataStore> store_;
};

std::vector<std::string> Ids(const Result<std::vector<ExportRequest>>& requests) {
  EXPECT_TRUE(requests.ok()) << requests.status().ToString();
  std::vector<std::string> ids;
  if (requests.ok()) {
    for (const ExportRequest& r : *requests) ids.push_back(r.id);
  }
  return ids;
}

// --- requests ---

TEST_P(MetadataStoreConformanceTest, RequestRoundTripsEveryField) {
  ExportRequest request = Request("r1", 1);
  request.progress = 12.5;
  request.owner = "replica-a";
  request.lease_expires_at = kNow + kMinute;
  request.policy_version = 7;
  request.updated_at = kNow + 99;
  ASSERT_TRUE(store_->CreateRequest(request).ok());
  ExportRequest stored = **store_->GetRequest("r1");
  EXPECT_EQ(stored.id, "r1");
  EXPECT_EQ(stored.start_time, request.start_time);
  EXPECT_EQ(stored.end_time, request.end_time);
  EXPECT_EQ(stored.state, RequestState::kInProgress);
  EXPECT_EQ(stored.progress, 12.5);
  EXPECT_EQ(stored.created_at, kNow + 1);
  EXPECT_EQ(stored.updated_at, kNow + 99);
  EXPECT_EQ(stored.owner, "replica-a");
  EXPECT_EQ(stored.lease_expires_at, kNow + kMinute);
  EXPECT_EQ(stored.policy_version, 7);
  EXPECT_FALSE(store_->GetRequest("ghost")->has_value());
}

TEST_P(MetadataStoreConformanceTest, RequestLifecycleAndMessages) {
  Create("r1", 1);
  clock_.AdvanceSeconds(10);
  ASSERT_TRUE(store_->UpdateProgress("r1", 40).ok());
  EXPECT_EQ((*store_->GetRequest("r1"))->progress, 40);
  EXPECT_EQ((*store_->GetRequest("r1"))->updated_at, kNow + 10'000'000);
  std::vector<RequestFile> files = {{"way", 1, "p/way/way_001.parquet", 20, 4, false},
                                    {"way", 0, "p/way/manifest.json", 5, 0, true},
                                    {"way", 0, "p/way/way_000.parquet", 10, 2, false},
                                    {"Area", 0, "p/Area/Area_000.parquet", 1, 1, false}};
  ASSERT_TRUE(store_->FinishRequest("r1", RequestState::kCompleted, "ignored", files).ok());
  ExportRequest done = **store_->GetRequest("r1");
  EXPECT_EQ(done.state, RequestState::kCompleted);
  EXPECT_EQ(done.progress, 100);
  EXPECT_EQ(done.error, "");
  std::vector<RequestFile> listed = *store_->ListRequestFiles("r1");
  ASSERT_EQ(listed.size(), 4u);
  EXPECT_EQ(listed[0].key, "p/Area/Area_000.parquet");
  EXPECT_EQ(listed[1].key, "p/way/way_000.parquet");
  EXPECT_EQ(listed[2].key, "p/way/way_001.parquet");
  EXPECT_EQ(listed[2].bytes, 20u);
  EXPECT_EQ(listed[2].rows, 4u);
  EXPECT_EQ(listed[3].key, "p/way/manifest.json");
  EXPECT_TRUE(listed[3].is_manifest);

  Status again = store_->FinishRequest("r1", RequestState::kFailed, "x", {});
  EXPECT_EQ(again.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(again.message(), "request 'r1' is COMPLETED, not IN_PROGRESS");
  Status progress = store_->UpdateProgress("r1", 50);
  EXPECT_EQ(progress.message(), "request 'r1' is COMPLETED, not IN_PROGRESS");
  EXPECT_EQ(store_->UpdateProgress("ghost", 1).code(), StatusCode::kNotFound);
  Status ghost = store_->FinishRequest("ghost", RequestState::kFailed, "x", {});
  EXPECT_EQ(ghost.code(), StatusCode::kNotFound);
  EXPECT_EQ(ghost.message(), "request 'ghost' does not exist");
  EXPECT_EQ(store_->UpdateProgress("r1", 101).message(),
            "progress 101 of request 'r1' is outside 0..100");
  EXPECT_TRUE(store_->ListRequestFiles("ghost")->empty());
}

TEST_P(MetadataStoreConformanceTest, DuplicateFilesChangeNothing) {
  Create("r1", 1);
  std::vector<RequestFile> files = {{"way", 0, "a", 1, 1, false}, {"way", 0, "b", 1, 1, false}};
  Status twice = store_->FinishRequest("r1", RequestState::kCompleted, "", files);
  EXPECT_EQ(twice.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(twice.message(), "request 'r1' lists file 0 of table 'way' twice");
  EXPECT_EQ((*store_->GetRequest("r1"))->state, RequestState::kInProgress);
  EXPECT_TRUE(store_->ListRequestFiles("r1")->empty());
}

TEST_P(MetadataStoreConformanceTest, DuplicateIdAndOpenRangeAreDistinguished) {
  Create("r1", 1);
  ExportRequest same_id = Request("r1", 2);
  Status id_taken = store_->CreateRequest(same_id);
  EXPECT_EQ(id_taken.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(id_taken.message(), "request 'r1' already exists");

  ExportRequest same_range = Request("r2", 1);
  Status range_taken = store_->CreateRequest(same_range);
  EXPECT_EQ(range_taken.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(range_taken.message(),
            fmt::format("an IN_PROGRESS request for range {}..{} already exists",
                        same_range.start_time, same_range.end_time));
  // Once the first is finished the range is open again, and finished requests never collide.
  ASSERT_TRUE(store_->FinishRequest("r1", RequestState::kFailed, "x", {}).ok());
  ASSERT_TRUE(store_->CreateRequest(same_range).ok());
  ExportRequest done = Request("r3", 1);
  done.state = RequestState::kCompleted;
  EXPECT_TRUE(store_->CreateRequest(done).ok());
  EXPECT_EQ(Ids(store_->FindRequestsByRange(same_range.start_time, same_range.end_time)),
            (std::vector<std::string>{"r1", "r2", "r3"}));
  EXPECT_EQ(store_->CreateRequest(Request("", 9)).message(), "a request needs an id");
}

TEST_P(MetadataStoreConformanceTest, ListOrders) {
  Create("b", 3);
  Create("c", 1);
  Create("a", 2);
  Create("done", 4);
  ASSERT_TRUE(store_->FinishRequest("done", RequestState::kCancelled, "stop", {}).ok());
  EXPECT_EQ(Ids(store_->ListRequests(10)), (std::vector<std::string>{"done", "b", "a", "c"}));
  EXPECT_EQ(Ids(store_->ListRequests(2)), (std::vector<std::string>{"done", "b"}));
  EXPECT_EQ(store_->ListRequests(-1).status().message(), "request list limit -1 is negative");
  EXPECT_EQ(Ids(store_->ListRequestsInState(RequestState::kInProgress)),
            (std::vector<std::string>{"c", "a", "b"}));
  EXPECT_EQ(Ids(store_->ListRequestsInState(RequestState::kCancelled)),
            (std::vector<std::string>{"done"}));
  EXPECT_EQ((*store_->GetRequest("done"))->error, "stop");
}

TEST_P(MetadataStoreConformanceTest, RetireTakesBackACompletedRequest) {
  Create("r1", 1);
  ASSERT_TRUE(
      store_->FinishRequest("r1", RequestState::kCompleted, "", {{"way", 0, "k", 1, 1, false}})
          .ok());
  clock_.AdvanceSeconds(30);
  ASSERT_TRUE(store_->RetireRequest("r1", "superseded").ok());
  ExportRequest retired = **store_->GetRequest("r1");
  EXPECT_EQ(retired.state, RequestState::kFailed);
  EXPECT_EQ(retired.error, "superseded");
  EXPECT_EQ(retired.updated_at, kNow + 30'000'000);
  EXPECT_TRUE(store_->ListRequestFiles("r1")->empty());
  EXPECT_EQ(store_->RetireRequest("r1", "again").message(),
            "request 'r1' is FAILED, not COMPLETED");
  EXPECT_EQ(store_->RetireRequest("ghost", "x").code(), StatusCode::kNotFound);
}

// --- request leases ---

TEST_P(MetadataStoreConformanceTest, ClaimsOldestFreeRequestFirst) {
  Create("b", 2);
  Create("c", 3);
  ExportRequest held = Request("a", 1);
  held.owner = "other";
  held.lease_expires_at = kNow + kMinute;
  ASSERT_TRUE(store_->CreateRequest(held).ok());
  EXPECT_EQ(*store_->CountUnclaimedRequests(), 2);

  auto first = store_->ClaimRequest("me", kMinute);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(first->has_value());
  EXPECT_EQ((*first)->request.id, "b");
  EXPECT_EQ((*first)->request.owner, "me");
  EXPECT_EQ((*first)->request.lease_expires_at, kNow + kMinute);
  EXPECT_EQ((*first)->previous_owner, "");
  EXPECT_EQ((*store_->GetRequest("b"))->owner, "me");
  EXPECT_EQ((*store_->GetRequest("b"))->lease_expires_at, kNow + kMinute);
  EXPECT_EQ((**store_->ClaimRequest("me", kMinute)).request.id, "c");
  EXPECT_FALSE(store_->ClaimRequest("me", kMinute)->has_value());
  EXPECT_EQ(*store_->CountUnclaimedRequests(), 0);

  // A lease ending exactly now is free: "a" (oldest) goes to whoever claims next.
  clock_.AdvanceSeconds(60);
  EXPECT_EQ(*store_->CountUnclaimedRequests(), 3);
  auto taken = store_->ClaimRequest("third", 5 * kMinute);
  ASSERT_TRUE(taken.ok() && taken->has_value());
  EXPECT_EQ((*taken)->request.id, "a");
  EXPECT_EQ((*taken)->previous_owner, "other");
  EXPECT_EQ((*taken)->request.lease_expires_at, kNow + 6 * kMinute);
  // Finished requests are never claimed.
  ASSERT_TRUE(store_->FinishRequest("b", RequestState::kCompleted, "", {}).ok());
  EXPECT_EQ((**store_->ClaimRequest("third", kMinute)).request.id, "c");
  EXPECT_FALSE(store_->ClaimRequest("third", kMinute)->has_value());

  EXPECT_EQ(store_->ClaimRequest("", kMinute).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->ClaimRequest("me", 0).status().code(), StatusCode::kInvalidArgument);
}

TEST_P(MetadataStoreConformanceTest, RenewReturnsTheLeasesNoLongerHeld) {
  Create("a", 1);
  Create("b", 2);
  Create("c", 3);
  ASSERT_EQ((**store_->ClaimRequest("me", kMinute)).request.id, "a");
  ASSERT_EQ((**store_->ClaimRequest("me", kMinute)).request.id, "b");
  ASSERT_EQ((**store_->ClaimRequest("me", kMinute)).request.id, "c");
  clock_.AdvanceSeconds(61);  // all expired; "a" is taken over, "c" finishes
  ASSERT_EQ((**store_->ClaimRequest("other", kMinute)).previous_owner, "me");
  ASSERT_TRUE(store_->FinishRequestAs("c", "me", RequestState::kCompleted, "", {}).ok());

  auto lost = store_->RenewRequestLeases("me", {"c", "b", "ghost", "a"}, 2 * kMinute);
  ASSERT_TRUE(lost.ok()) << lost.status().ToString();
  EXPECT_EQ(*lost, (std::vector<std::string>{"c", "ghost", "a"}));
  EXPECT_EQ((*store_->GetRequest("b"))->lease_expires_at, kNow + 61'000'000 + 2 * kMinute);
  EXPECT_EQ((*store_->GetRequest("a"))->owner, "other");
  EXPECT_TRUE(store_->RenewRequestLeases("me", {}, kMinute)->empty());
  EXPECT_EQ(store_->RenewRequestLeases("", {"b"}, kMinute).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_P(MetadataStoreConformanceTest, ReleaseFreesOnlyTheOwnersLeases) {
  Create("a", 1);
  Create("b", 2);
  ASSERT_EQ((**store_->ClaimRequest("me", kMinute)).request.id, "a");
  ASSERT_EQ((**store_->ClaimRequest("other", kMinute)).request.id, "b");
  ASSERT_TRUE(store_->ReleaseRequests("me", {"a", "b", "ghost"}).ok());
  ExportRequest a = **store_->GetRequest("a");
  EXPECT_EQ(a.owner, "");
  EXPECT_EQ(a.lease_expires_at, 0);
  EXPECT_EQ((*store_->GetRequest("b"))->owner, "other");
  EXPECT_EQ(*store_->CountUnclaimedRequests(), 1);
  auto again = store_->ClaimRequest("next", kMinute);
  ASSERT_TRUE(again.ok() && again->has_value());
  EXPECT_EQ((*again)->request.id, "a");
  EXPECT_EQ((*again)->previous_owner, "");
}

TEST_P(MetadataStoreConformanceTest, FinishIsFencedByTheLease) {
  Create("r1", 1);
  ASSERT_TRUE(store_->ClaimRequest("me", kMinute)->has_value());
  clock_.AdvanceSeconds(61);
  ASSERT_TRUE(store_->ClaimRequest("other", kMinute)->has_value());
  Status fenced = store_->FinishRequestAs("r1", "me", RequestState::kCompleted, "",
                                          {{"way", 0, "k", 1, 1, false}});
  EXPECT_EQ(fenced.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(fenced.message(), "request 'r1' is held by 'other', not by 'me'");
  EXPECT_EQ((*store_->GetRequest("r1"))->state, RequestState::kInProgress);
  EXPECT_TRUE(store_->ListRequestFiles("r1")->empty());
  ASSERT_TRUE(store_->FinishRequestAs("r1", "other", RequestState::kFailed, "boom", {}).ok());
  ExportRequest failed = **store_->GetRequest("r1");
  EXPECT_EQ(failed.error, "boom");
  EXPECT_EQ(failed.lease_expires_at, 0);
  // An empty owner (cancellation) finishes whoever holds it.
  Create("r2", 2);
  ASSERT_TRUE(store_->ClaimRequest("me", kMinute)->has_value());
  EXPECT_TRUE(store_->FinishRequestAs("r2", "", RequestState::kCancelled, "stop", {}).ok());
}

TEST_P(MetadataStoreConformanceTest, ConcurrentClaimsHandEachRequestOutOnce) {
  constexpr int kThreads = 4;
  constexpr int kRequests = 50;
  for (int i = 0; i < kRequests; ++i) Create(fmt::format("r{:02}", i), i);
  std::vector<std::unique_ptr<MetadataStore>> replicas;
  for (int t = 0; t < kThreads; ++t) {
    replicas.push_back(OpenStore());
    ASSERT_NE(replicas.back(), nullptr);
  }
  std::mutex mu;
  std::map<std::string, std::vector<int>> claimed_by;
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      while (true) {
        auto claim = replicas[t]->ClaimRequest(fmt::format("replica-{}", t), kMinute);
        if (!claim.ok()) {
          ++errors;
          if (errors > 100) return;
          continue;  // e.g. a busy SQLite file; try again
        }
        if (!claim->has_value()) return;
        std::lock_guard<std::mutex> lock(mu);
        claimed_by[(*claim)->request.id].push_back(t);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_LE(errors.load(), 100);
  ASSERT_EQ(claimed_by.size(), size_t{kRequests});
  for (const auto& [id, threads_that_claimed] : claimed_by) {
    EXPECT_EQ(threads_that_claimed.size(), 1u) << id;
    EXPECT_EQ((*store_->GetRequest(id))->owner,
              fmt::format("replica-{}", threads_that_claimed.front()));
  }
  EXPECT_EQ(*store_->CountUnclaimedRequests(), 0);
}

// --- policy ---

PolicySnapshot SamplePolicy() {
  PolicySnapshot policy;
  policy.export_tables = {{"way", true, "observed_at", "source", ""},
                          {"Area", false, "t", "", "metric"},
                          {"_x", true, "t", "", ""}};
  policy.columns = {{"way", "speed", "mx", "round", false},
                    {"way", "Speed", "nr", "", true},
                    {"Area", "z", "de", "", false},
                    {"way", "a_b", "hwc", "hash", false}};
  policy.sources = {{"sensor", "nr"}, {"Manual", "de"}, {"\xc3\xa9t\xc3\xa9", "mx"}};
  policy.metrics = {{"Area", "m2", "nr", ""}, {"Area", "M1", "hwc", "drop"}};
  return policy;
}

TEST_P(MetadataStoreConformanceTest, PolicyRoundTripsInByteOrder) {
  EXPECT_EQ(*store_->PolicyVersion(), 1);
  auto version = store_->ReplacePolicy(SamplePolicy());
  ASSERT_TRUE(version.ok()) << version.status().ToString();
  EXPECT_EQ(*version, 2);
  PolicySnapshot loaded = *store_->LoadPolicy();
  EXPECT_EQ(loaded.version, 2);
  EXPECT_EQ(loaded.export_tables,
            (std::vector<ExportTable>{{"Area", false, "t", "", "metric"},
                                      {"_x", true, "t", "", ""},
                                      {"way", true, "observed_at", "source", ""}}));
  EXPECT_EQ(loaded.columns,
            (std::vector<ColumnClassification>{{"Area", "z", "de", "", false},
                                               {"way", "Speed", "nr", "", true},
                                               {"way", "a_b", "hwc", "hash", false},
                                               {"way", "speed", "mx", "round", false}}));
  EXPECT_EQ(loaded.sources, (std::vector<SourceClassification>{
                                {"Manual", "de"}, {"sensor", "nr"}, {"\xc3\xa9t\xc3\xa9", "mx"}}));
  EXPECT_EQ(loaded.metrics, (std::vector<MetricClassification>{{"Area", "M1", "hwc", "drop"},
                                                               {"Area", "m2", "nr", ""}}));
  EXPECT_EQ(*store_->ListExportTables(), loaded.export_tables);
  EXPECT_EQ(store_->ListColumnClassifications("way")->size(), 3u);
  EXPECT_EQ(*store_->ListColumnClassifications(""), loaded.columns);
  // The same content keeps the version; a change bumps it once.
  EXPECT_EQ(*store_->ReplacePolicy(SamplePolicy()), 2);
  PolicySnapshot changed = SamplePolicy();
  changed.sources.pop_back();
  EXPECT_EQ(*store_->ReplacePolicy(changed), 3);
  EXPECT_EQ(*store_->PolicyVersion(), 3);
}

TEST_P(MetadataStoreConformanceTest, UpsertExportTableBumpsOnlyOnChange) {
  ExportTable way{"way", true, "observed_at", "", ""};
  ASSERT_TRUE(store_->UpsertExportTable(way).ok());
  EXPECT_EQ(*store_->PolicyVersion(), 2);
  ASSERT_TRUE(store_->UpsertExportTable(way).ok());
  EXPECT_EQ(*store_->PolicyVersion(), 2);
  way.enabled = false;
  ASSERT_TRUE(store_->UpsertExportTable(way).ok());
  EXPECT_EQ(*store_->PolicyVersion(), 3);
  EXPECT_EQ(*store_->ListExportTables(), std::vector<ExportTable>{way});
  Status bad = store_->UpsertExportTable({"t", true, "", "", ""});
  EXPECT_EQ(bad.message(), "export_tables row 1 ('t') needs a table_name and a time_column");
}

TEST_P(MetadataStoreConformanceTest, BadPoliciesChangeNothing) {
  ASSERT_TRUE(store_->ReplacePolicy(SamplePolicy()).ok());
  PolicySnapshot duplicate = SamplePolicy();
  duplicate.columns.push_back({"way", "speed", "nr", "", false});
  Status dup = store_->ReplacePolicy(duplicate).status();
  EXPECT_EQ(dup.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(dup.message(), "duplicate data_column_classification row way.speed");
  PolicySnapshot bad_code = SamplePolicy();
  bad_code.sources.push_back({"x", "secret"});
  EXPECT_EQ(store_->ReplacePolicy(bad_code).status().message(),
            "actual_data_classifications row x: classification 'secret' is not nr, mx, de or hwc");
  PolicySnapshot loaded = *store_->LoadPolicy();
  EXPECT_EQ(loaded.version, 2);
  EXPECT_EQ(loaded.columns.size(), 4u);
  EXPECT_EQ(loaded.sources.size(), 3u);
}

// --- daily runs and table jobs ---

DailyRun SampleRun(const std::string& date) {
  DailyRun run;
  run.run_date = date;
  run.state = DailyRunState::kPartialSuccess;
  run.trigger = "schedule";
  run.start_time = 1'709'211'600;
  run.end_time = 1'709'298'000;
  run.started_at = kNow + 1;
  run.finished_at = kNow + 2;
  run.policy_version = 4;
  run.tables_total = 3;
  run.tables_completed = 2;
  run.tables_failed = 1;
  run.error = "one failed";
  run.owner = "replica-a";
  return run;
}

TableJobStatus SampleJob(const std::string& date, const std::string& table) {
  TableJobStatus job;
  job.run_date = date;
  job.table_name = table;
  job.state = JobState::kCompleted;
  job.attempt = 2;
  job.started_at = kNow + 3;
  job.finished_at = kNow + 4;
  job.rows_read = 10;
  job.rows_dropped_by_policy = 1;
  job.rows_written = 9;
  job.bytes_written = 1234;
  job.files = 2;
  job.error = "";
  job.unclassified_columns = {"x", "y\"z"};
  job.owner = "replica-a";
  job.lease_expires_at = kNow + kMinute;
  return job;
}

TEST_P(MetadataStoreConformanceTest, DailyRunsRoundTripReplaceAndList) {
  for (const char* date : {"2024-03-02", "2024-02-29", "2024-03-01"}) {
    ASSERT_TRUE(store_->UpsertDailyRun(SampleRun(date)).ok());
  }
  EXPECT_EQ(*store_->GetDailyRun("2024-03-01"), SampleRun("2024-03-01"));
  DailyRun rerun = SampleRun("2024-03-01");
  rerun.state = DailyRunState::kRunning;
  rerun.finished_at = 0;
  rerun.error = "";
  rerun.trigger = "cli";
  ASSERT_TRUE(store_->UpsertDailyRun(rerun).ok());
  EXPECT_EQ(*store_->GetDailyRun("2024-03-01"), rerun);
  std::vector<DailyRun> newest = *store_->ListDailyRuns(2);
  ASSERT_EQ(newest.size(), 2u);
  EXPECT_EQ(newest[0].run_date, "2024-03-02");
  EXPECT_EQ(newest[1].run_date, "2024-03-01");
  std::vector<DailyRun> between = *store_->ListDailyRunsBetween("2024-02-29", "2024-03-01");
  ASSERT_EQ(between.size(), 2u);
  EXPECT_EQ(between[0].run_date, "2024-02-29");
  EXPECT_FALSE(store_->GetDailyRun("2024-01-01")->has_value());
  EXPECT_EQ(store_->UpsertDailyRun(SampleRun("2024-3-01")).message(),
            "daily run run_date '2024-3-01' is not a YYYY-MM-DD calendar date");
  EXPECT_EQ(store_->ListDailyRuns(-1).status().message(), "daily run list limit -1 is negative");
}

TEST_P(MetadataStoreConformanceTest, TableJobsRoundTripReplaceAndList) {
  for (const char* table : {"way", "Area", "_x", "area"}) {
    ASSERT_TRUE(store_->UpsertTableJob(SampleJob("2024-03-01", table)).ok());
  }
  EXPECT_EQ(*store_->GetTableJob("2024-03-01", "way"), SampleJob("2024-03-01", "way"));
  TableJobStatus retry = SampleJob("2024-03-01", "way");
  retry.state = JobState::kInProgress;
  retry.finished_at = 0;
  retry.started_at = 0;
  retry.unclassified_columns = {};
  retry.owner = "";
  retry.lease_expires_at = 0;
  ASSERT_TRUE(store_->UpsertTableJob(retry).ok());
  EXPECT_EQ(*store_->GetTableJob("2024-03-01", "way"), retry);
  std::vector<std::string> names;
  std::vector<TableJobStatus> jobs = *store_->ListTableJobs("2024-03-01");
  for (const TableJobStatus& job : jobs) {
    names.push_back(job.table_name);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"Area", "_x", "area", "way"}));
  EXPECT_TRUE(store_->ListTableJobs("2024-03-02")->empty());
  EXPECT_EQ(store_->UpsertTableJob(SampleJob("2024-03-01", "")).message(),
            "table job of 2024-03-01 needs a table_name");
}

TEST_P(MetadataStoreConformanceTest, ClaimTableJobLeases) {
  // No row yet: nullopt, and an IN-PROGRESS row at attempt 0 is held.
  auto fresh = store_->ClaimTableJob("2024-03-01", "way", "me", kMinute);
  ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
  EXPECT_FALSE(fresh->has_value());
  TableJobStatus inserted = **store_->GetTableJob("2024-03-01", "way");
  EXPECT_EQ(inserted.state, JobState::kInProgress);
  EXPECT_EQ(inserted.attempt, 0);
  EXPECT_EQ(inserted.owner, "me");
  EXPECT_EQ(inserted.lease_expires_at, kNow + kMinute);
  EXPECT_EQ(inserted.started_at, 0);

  Status busy = store_->ClaimTableJob("2024-03-01", "way", "other", kMinute).status();
  EXPECT_EQ(busy.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(busy.message(),
            "table job 2024-03-01/way is held by 'me' until 2024-03-01T00:01:00.000000Z");
  // The holder may claim again (its lease is extended).
  clock_.AdvanceSeconds(30);
  ASSERT_TRUE(store_->ClaimTableJob("2024-03-01", "way", "me", kMinute)->has_value());
  ASSERT_TRUE(store_->RenewTableJobLease("2024-03-01", "way", "me", 2 * kMinute).ok());
  EXPECT_EQ((*store_->GetTableJob("2024-03-01", "way"))->lease_expires_at,
            kNow + 30'000'000 + 2 * kMinute);

  // Expired: another takes it over and gets the row as it was.
  clock_.AdvanceSeconds(120);
  TableJobStatus progressed = **store_->GetTableJob("2024-03-01", "way");
  progressed.attempt = 1;
  progressed.rows_read = 5;
  ASSERT_TRUE(store_->UpsertTableJob(progressed).ok());
  auto taken = store_->ClaimTableJob("2024-03-01", "way", "other", kMinute);
  ASSERT_TRUE(taken.ok() && taken->has_value());
  EXPECT_EQ(**taken, progressed);
  TableJobStatus now_held = **store_->GetTableJob("2024-03-01", "way");
  EXPECT_EQ(now_held.owner, "other");
  EXPECT_EQ(now_held.attempt, 1);
  EXPECT_EQ(now_held.rows_read, 5u);

  Status lost = store_->RenewTableJobLease("2024-03-01", "way", "me", kMinute);
  EXPECT_EQ(lost.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(lost.message(), "table job 2024-03-01/way is held by 'other', not by 'me'");
  EXPECT_EQ(store_->RenewTableJobLease("2024-03-01", "gone", "me", kMinute).message(),
            "table job 2024-03-01/gone does not exist");

  // A finished job may be claimed under a live lease (a forced rerun).
  TableJobStatus done = now_held;
  done.state = JobState::kCompleted;
  ASSERT_TRUE(store_->UpsertTableJob(done).ok());
  EXPECT_TRUE(store_->ClaimTableJob("2024-03-01", "way", "me", kMinute)->has_value());

  EXPECT_EQ(store_->ClaimTableJob("2024-3-1", "way", "me", kMinute).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->ClaimTableJob("2024-03-01", "", "me", kMinute).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->ClaimTableJob("2024-03-01", "way", "", kMinute).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->ClaimTableJob("2024-03-01", "way", "me", -1).status().code(),
            StatusCode::kInvalidArgument);
}

// --- leader lock and clock ---

TEST_P(MetadataStoreConformanceTest, LeaderLockIsExclusiveUntilReleased) {
  std::unique_ptr<MetadataStore> other = OpenStore();
  ASSERT_NE(other, nullptr);
  auto mine = store_->TryLeaderLock("scheduler");
  ASSERT_TRUE(mine.ok()) << mine.status().ToString();
  ASSERT_NE(*mine, nullptr);
  EXPECT_TRUE((*mine)->Held());
  auto theirs = other->TryLeaderLock("scheduler");
  ASSERT_TRUE(theirs.ok()) << theirs.status().ToString();
  EXPECT_EQ(*theirs, nullptr);
  auto same_store = store_->TryLeaderLock("scheduler");
  ASSERT_TRUE(same_store.ok());
  EXPECT_EQ(*same_store, nullptr);
  auto another_name = other->TryLeaderLock("janitor");
  ASSERT_TRUE(another_name.ok());
  EXPECT_NE(*another_name, nullptr);

  mine->reset();
  auto after = other->TryLeaderLock("scheduler");
  ASSERT_TRUE(after.ok());
  ASSERT_NE(*after, nullptr);
  EXPECT_TRUE((*after)->Held());
  EXPECT_EQ(store_->TryLeaderLock("").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->TryLeaderLock("../x").status().code(), StatusCode::kInvalidArgument);
}

TEST_P(MetadataStoreConformanceTest, NowIsTheStoresClock) {
  EXPECT_EQ(store_->NowMicros(), kNow);
  clock_.AdvanceSeconds(5);
  EXPECT_EQ(store_->NowMicros(), kNow + 5'000'000);
  EXPECT_TRUE(store_->Ping().ok());
}

// --- injection ---

TEST_P(MetadataStoreConformanceTest, HostileTextIsStoredVerbatim) {
  const std::string evil = "x'); DROP TABLE request_table; --";
  const std::string evil2 = "\"; DELETE FROM export_tables; SELECT '";
  ExportRequest request = Request(evil, 1);
  request.owner = evil2;
  ASSERT_TRUE(store_->CreateRequest(request).ok());
  ASSERT_TRUE(store_->FinishRequest(evil, RequestState::kFailed, evil2, {}).ok());
  ExportRequest stored = **store_->GetRequest(evil);
  EXPECT_EQ(stored.id, evil);
  EXPECT_EQ(stored.owner, evil2);
  EXPECT_EQ(stored.error, evil2);

  PolicySnapshot policy;
  policy.export_tables = {{evil, true, evil2, evil, ""}};
  policy.columns = {{evil, evil2, "nr", evil, true}};
  policy.sources = {{evil, "mx"}};
  policy.metrics = {{evil, evil2, "de", ""}};
  ASSERT_TRUE(store_->ReplacePolicy(policy).ok());
  PolicySnapshot loaded = *store_->LoadPolicy();
  EXPECT_TRUE(loaded.SameRules(policy));
  ASSERT_TRUE(store_->UpsertTableJob(SampleJob("2024-03-01", evil)).ok());
  EXPECT_EQ((*store_->GetTableJob("2024-03-01", evil))->table_name, evil);
  EXPECT_FALSE(store_->ClaimTableJob("2024-03-01", evil2, evil, kMinute)->has_value());
  EXPECT_EQ((*store_->ListTableJobs("2024-03-01")).size(), 2u);

  // Nothing was dropped: every table still answers.
  Create("after", 2);
  EXPECT_EQ(store_->ListRequests(10)->size(), 2u);
  EXPECT_EQ(store_->ListExportTables()->size(), 1u);
  EXPECT_TRUE(store_->Ping().ok());
}

INSTANTIATE_TEST_SUITE_P(Sqlite, MetadataStoreConformanceTest, ::testing::Values(SqliteBackend()),
                         [](const auto&) { return std::string("Sqlite"); });
INSTANTIATE_TEST_SUITE_P(Postgres, MetadataStoreConformanceTest,
                         ::testing::Values(PostgresBackend()),
                         [](const auto&) { return std::string("Postgres"); });

}  // namespace
}  // namespace de
