#include "metadata/sqlite/sqlite_metadata_store.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include "metadata/sqlite/sqlite_migrations.h"

namespace de {
namespace {

constexpr int64_t kNow = 1'709'251'200'000'000;  // 2024-03-01 00:00:00 UTC

class ScratchDirectory {
 public:
  ScratchDirectory() {
    std::string pattern = (std::filesystem::temp_directory_path() / "de-meta-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data()) ? pattern : std::string();
  }
  ~ScratchDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Runs SQL on the file with a separate connection, as another tool would.
void RunSql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
      << (error ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

int64_t CountRows(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  int64_t count = -1;
  sqlite3_exec(
      db, sql.c_str(),
      [](void* out, int, char** values, char**) {
        *static_cast<int64_t*>(out) = std::stoll(values[0]);
        return 0;
      },
      &count, nullptr);
  sqlite3_close(db);
  return count;
}

// Each call gets a day of its own: at most one IN_PROGRESS request may cover a range (migration 6).
ExportRequest NewRequest(const std::string& id, int64_t created_at = 0) {
  static std::atomic<int64_t> next_day{0};
  ExportRequest request;
  request.id = id;
  request.start_time = 1'709'251'200 + 86'400 * next_day.fetch_add(1);
  request.end_time = request.start_time + 86'400;
  request.created_at = created_at;
  request.owner = "replica-a";
  request.lease_expires_at = kNow + 60'000'000;
  return request;
}

class SqliteMetadataStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.File("state/sub/metadata.db");
    Result<std::unique_ptr<SqliteMetadataStore>> store = SqliteMetadataStore::Open(path_, &clock_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
  }

  ScratchDirectory dir_;
  FakeClock clock_{kNow};
  std::string path_;
  std::unique_ptr<SqliteMetadataStore> store_;
};

TEST_F(SqliteMetadataStoreTest, FreshDatabaseGetsEveryMigration) {
  EXPECT_TRUE(std::filesystem::exists(path_));
  EXPECT_EQ(*store_->SchemaVersion(), LatestSchemaVersion());
  EXPECT_EQ(*store_->PolicyVersion(), 1);
  EXPECT_TRUE(store_->Ping().ok());
  EXPECT_EQ(CountRows(path_, "SELECT count(*) FROM schema_migrations"),
            static_cast<int64_t>(MetadataMigrations().size()));
  EXPECT_EQ(CountRows(path_,
                      "SELECT count(*) FROM schema_migrations WHERE applied_at = "
                      "'2024-03-01T00:00:00.000000Z' AND name = 'request_tables'"),
            1);
  EXPECT_EQ(CountRows(path_, "SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = 'wal'"),
            1);
}

TEST_F(SqliteMetadataStoreTest, ReopenKeepsDataAndAppliesNothingTwice) {
  ASSERT_TRUE(store_->CreateRequest(NewRequest("r1")).ok());
  store_.reset();
  clock_.AdvanceSeconds(3600);
  auto reopened = SqliteMetadataStore::Open(path_, &clock_);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_TRUE((*reopened)->GetRequest("r1")->has_value());
  EXPECT_EQ(CountRows(path_, "SELECT count(*) FROM schema_migrations"),
            static_cast<int64_t>(MetadataMigrations().size()));
  EXPECT_EQ(*(*reopened)->PolicyVersion(), 1);
}

TEST_F(SqliteMetadataStoreTest, NewerSchemaIsRefused) {
  store_.reset();
  RunSql(path_, "INSERT INTO schema_migrations VALUES (999, 'from_the_future', 'x')");
  auto reopened = SqliteMetadataStore::Open(path_, &clock_);
  ASSERT_EQ(reopened.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(reopened.status().message().find("999"), std::string::npos);
  EXPECT_NE(reopened.status().message().find(path_), std::string::npos);
}

TEST_F(SqliteMetadataStoreTest, DivergedHistoryIsRefused) {
  store_.reset();
  RunSql(path_, "UPDATE schema_migrations SET name = 'something_else' WHERE version = 1");
  EXPECT_EQ(SqliteMetadataStore::Open(path_, &clock_).status().code(),
            StatusCode::kFailedPrecondition);
}

TEST_F(SqliteMetadataStoreTest, NotADatabaseIsDataLoss) {
  std::string path = dir_.File("junk.db");
  std::ofstream(path) << std::string(4096, 'j');
  EXPECT_EQ(SqliteMetadataStore::Open(path, &clock_).status().code(), StatusCode::kDataLoss);
}

TEST(SqliteMigrationsTest, FailingMigrationRollsBackAndCanBeRetried) {
  ScratchDirectory dir;
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir.File("m.db").c_str(), &db), SQLITE_OK);
  FakeClock clock(kNow);
  std::vector<Migration> broken = {
      {1, "first", {"CREATE TABLE a (x INTEGER)"}},
      {2, "second", {"CREATE TABLE b (x INTEGER)", "CREATE TABLE oops ("}},
  };
  Status status = metadata_sqlite::ApplyMigrations(db, broken, clock);
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("migration 2 (second)"), std::string::npos) << status.message();
  EXPECT_EQ(*metadata_sqlite::AppliedSchemaVersion(db), 1);
  EXPECT_NE(sqlite3_exec(db, "SELECT * FROM b", nullptr, nullptr, nullptr), SQLITE_OK);

  std::vector<Migration> fixed = {
      {1, "first", {"CREATE TABLE a (x INTEGER)"}},
      {2, "second", {"CREATE TABLE b (x INTEGER)", "CREATE TABLE c (x INTEGER)"}},
  };
  ASSERT_TRUE(metadata_sqlite::ApplyMigrations(db, fixed, clock).ok());
  EXPECT_EQ(*metadata_sqlite::AppliedSchemaVersion(db), 2);
  EXPECT_EQ(sqlite3_exec(db, "SELECT * FROM b; SELECT * FROM c", nullptr, nullptr, nullptr),
            SQLITE_OK);
  ASSERT_TRUE(metadata_sqlite::ApplyMigrations(db, fixed, clock).ok());
  sqlite3_close(db);
}

TEST_F(SqliteMetadataStoreTest, RequestLifecycle) {
  ExportRequest request = NewRequest("r1");
  ASSERT_TRUE(store_->CreateRequest(request).ok());
  EXPECT_EQ(store_->CreateRequest(request).code(), StatusCode::kAlreadyExists);

  std::optional<ExportRequest> stored = *store_->GetRequest("r1");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->state, RequestState::kInProgress);
  EXPECT_EQ(stored->start_time, request.start_time);
  EXPECT_EQ(stored->end_time, request.end_time);
  EXPECT_EQ(stored->created_at, kNow);
  EXPECT_EQ(stored->updated_at, kNow);
  EXPECT_EQ(stored->owner, "replica-a");
  EXPECT_EQ(stored->lease_expires_at, request.lease_expires_at);

  clock_.AdvanceSeconds(10);
  ASSERT_TRUE(store_->UpdateProgress("r1", 42.5).ok());
  stored = *store_->GetRequest("r1");
  EXPECT_EQ(stored->progress, 42.5);
  EXPECT_EQ(stored->updated_at, kNow + 10'000'000);

  std::vector<RequestFile> files = {
      {"way", 1, "p/way/way_001.parquet", 900, 20, false},
      {"way", 0, "p/way/manifest", 300, 0, true},
      {"cctv", 0, "p/cctv/cctv_000.parquet", 500, 10, false},
      {"way", 0, "p/way/way_000.parquet", 1000, 30, false},
  };
  clock_.AdvanceSeconds(5);
  ASSERT_TRUE(store_->FinishRequest("r1", RequestState::kCompleted, "ignored", files).ok());
  stored = *store_->GetRequest("r1");
  EXPECT_EQ(stored->state, RequestState::kCompleted);
  EXPECT_EQ(stored->progress, 100);
  EXPECT_EQ(stored->error, "");
  EXPECT_EQ(stored->lease_expires_at, 0);
  EXPECT_EQ(stored->updated_at, kNow + 15'000'000);

  std::vector<RequestFile> listed = *store_->ListRequestFiles("r1");
  std::vector<std::string> keys;
  for (const RequestFile& f : listed) keys.push_back(f.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"p/cctv/cctv_000.parquet", "p/way/way_000.parquet",
                                            "p/way/way_001.parquet", "p/way/manifest"}));
  EXPECT_EQ(listed[1].bytes, 1000u);
  EXPECT_EQ(listed[1].rows, 30u);
  EXPECT_TRUE(listed[3].is_manifest);
  EXPECT_TRUE(store_->ListRequestFiles("nope")->empty());
}

TEST_F(SqliteMetadataStoreTest, WrongStateTransitionsChangeNothing) {
  ASSERT_TRUE(store_->CreateRequest(NewRequest("done")).ok());
  ASSERT_TRUE(store_->FinishRequest("done", RequestState::kFailed, "warehouse down", {}).ok());
  EXPECT_EQ((*store_->GetRequest("done"))->error, "warehouse down");
  EXPECT_EQ(store_->UpdateProgress("done", 50).code(), StatusCode::kFailedPrecondition);
  Status again = store_->FinishRequest("done", RequestState::kCompleted, "", {});
  EXPECT_EQ(again.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(again.message().find("FAILED"), std::string::npos);
  EXPECT_EQ((*store_->GetRequest("done"))->state, RequestState::kFailed);

  EXPECT_EQ(store_->UpdateProgress("ghost", 1).code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->FinishRequest("ghost", RequestState::kCompleted, "", {}).code(),
            StatusCode::kNotFound);
  EXPECT_FALSE(store_->GetRequest("ghost")->has_value());

  ASSERT_TRUE(store_->CreateRequest(NewRequest("open")).ok());
  EXPECT_EQ(store_->UpdateProgress("open", 100.5).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->UpdateProgress("open", -1).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->FinishRequest("open", RequestState::kInProgress, "", {}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->FinishRequest("open", RequestState::kFailed, "x", {{"t", 0, "k", 1, 1, false}})
                .code(),
            StatusCode::kInvalidArgument);
  // A duplicate file rolls the whole finish back.
  std::vector<RequestFile> duplicate = {{"t", 0, "a", 1, 1, false}, {"t", 0, "b", 1, 1, false}};
  EXPECT_EQ(store_->FinishRequest("open", RequestState::kCompleted, "", duplicate).code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ((*store_->GetRequest("open"))->state, RequestState::kInProgress);
  EXPECT_TRUE(store_->ListRequestFiles("open")->empty());
  ASSERT_TRUE(store_->FinishRequest("open", RequestState::kCancelled, "by operator", {}).ok());
  EXPECT_EQ((*store_->GetRequest("open"))->state, RequestState::kCancelled);

  ExportRequest bad = NewRequest("");
  EXPECT_EQ(store_->CreateRequest(bad).code(), StatusCode::kInvalidArgument);
}

TEST_F(SqliteMetadataStoreTest, ListsRequestsNewestFirst) {
  ASSERT_TRUE(store_->CreateRequest(NewRequest("old", kNow - 2'000'000)).ok());
  ASSERT_TRUE(store_->CreateRequest(NewRequest("new", kNow + 5'000'000)).ok());
  ASSERT_TRUE(store_->CreateRequest(NewRequest("mid")).ok());
  auto ids = [&](int limit) {
    std::vector<std::string> out;
    std::vector<ExportRequest> requests = *store_->ListRequests(limit);
    for (const ExportRequest& r : requests) out.push_back(r.id);
    return out;
  };
  EXPECT_EQ(ids(10), (std::vector<std::string>{"new", "mid", "old"}));
  EXPECT_EQ(ids(2), (std::vector<std::string>{"new", "mid"}));
  EXPECT_TRUE(ids(0).empty());
  EXPECT_EQ(store_->ListRequests(-1).status().code(), StatusCode::kInvalidArgument);
}

std::vector<std::string> Ids(const Result<std::vector<ExportRequest>>& requests) {
  EXPECT_TRUE(requests.ok()) << requests.status().ToString();
  std::vector<std::string> ids;
  if (!requests.ok()) return ids;
  for (const ExportRequest& r : *requests) ids.push_back(r.id);
  return ids;
}

ExportRequest RangeRequest(const std::string& id, int64_t start, int64_t end, int64_t created_at) {
  ExportRequest request = NewRequest(id, created_at);
  request.start_time = start;
  request.end_time = end;
  return request;
}

TEST_F(SqliteMetadataStoreTest, PolicyVersionOfARequestRoundTrips) {
  ExportRequest request = NewRequest("v7");
  request.policy_version = 7;
  ASSERT_TRUE(store_->CreateRequest(request).ok());
  EXPECT_EQ((*store_->GetRequest("v7"))->policy_version, 7);
  EXPECT_EQ((*store_->ListRequests(10))[0].policy_version, 7);
  ASSERT_TRUE(store_->CreateRequest(NewRequest("unset")).ok());
  EXPECT_EQ((*store_->GetRequest("unset"))->policy_version, 0);
}

TEST_F(SqliteMetadataStoreTest, ListsRequestsInOneStateOldestFirst) {
  ASSERT_TRUE(store_->CreateRequest(NewRequest("b-new", kNow + 3)).ok());
  ASSERT_TRUE(store_->CreateRequest(NewRequest("c-old", kNow + 1)).ok());
  ASSERT_TRUE(store_->CreateRequest(NewRequest("a-old", kNow + 1)).ok());  // tie: by id
  ASSERT_TRUE(store_->CreateRequest(NewRequest("done", kNow + 2)).ok());
  ASSERT_TRUE(store_->FinishRequest("done", RequestState::kCompleted, "", {}).ok());
  EXPECT_EQ(Ids(store_->ListRequestsInState(RequestState::kInProgress)),
            (std::vector<std::string>{"a-old", "c-old", "b-new"}));
  EXPECT_EQ(Ids(store_->ListRequestsInState(RequestState::kCompleted)),
            (std::vector<std::string>{"done"}));
  EXPECT_TRUE(Ids(store_->ListRequestsInState(RequestState::kCancelled)).empty());
}

TEST_F(SqliteMetadataStoreTest, FindsRequestsByExactRange) {
  // Only one of the two 100..200 requests may be IN_PROGRESS at a time.
  ASSERT_TRUE(store_->CreateRequest(RangeRequest("first", 100, 200, kNow + 1)).ok());
  ASSERT_TRUE(store_->FinishRequest("first", RequestState::kFailed, "x", {}).ok());
  ASSERT_TRUE(store_->CreateRequest(RangeRequest("second", 100, 200, kNow + 2)).ok());
  ASSERT_TRUE(store_->CreateRequest(RangeRequest("longer", 100, 201, kNow)).ok());
  ASSERT_TRUE(store_->CreateRequest(RangeRequest("later", 101, 200, kNow)).ok());
  EXPECT_EQ(Ids(store_->FindRequestsByRange(100, 200)),
            (std::vector<std::string>{"first", "second"}));
  EXPECT_EQ(Ids(store_->FindRequestsByRange(100, 201)), (std::vector<std::string>{"longer"}));
  EXPECT_TRUE(Ids(store_->FindRequestsByRange(0, 200)).empty());
}

TEST_F(SqliteMetadataStoreTest, RetireTakesBackACompletedRequestAndItsFiles) {
  ASSERT_TRUE(store_->CreateRequest(NewRequest("old")).ok());
  std::vector<RequestFile> files = {{"way", 0, "p/way/way_000.parquet", 10, 2, false},
                                    {"way", 0, "p/way/manifest", 5, 0, true}};
  ASSERT_TRUE(store_->FinishRequest("old", RequestState::kCompleted, "", files).ok());
  clock_.AdvanceSeconds(30);
  ASSERT_TRUE(store_->RetireRequest("old", "superseded: the policy changed").ok());
  ExportRequest retired = **store_->GetRequest("old");
  EXPECT_EQ(retired.state, RequestState::kFailed);
  EXPECT_EQ(retired.error, "superseded: the policy changed");
  EXPECT_EQ(retired.progress, 100);
  EXPECT_EQ(retired.updated_at, kNow + 30'000'000);
  EXPECT_TRUE(store_->ListRequestFiles("old")->empty());

  Status again = store_->RetireRequest("old", "again");
  EXPECT_EQ(again.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(again.message(), "request 'old' is FAILED, not COMPLETED");
  EXPECT_EQ((*store_->GetRequest("old"))->error, "superseded: the policy changed");
  ASSERT_TRUE(store_->CreateRequest(NewRequest("running")).ok());
  EXPECT_EQ(store_->RetireRequest("running", "x").code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ((*store_->GetRequest("running"))->state, RequestState::kInProgress);
  EXPECT_EQ(store_->RetireRequest("ghost", "x").code(), StatusCode::kNotFound);
}

TEST(SqliteMetadataStoreMigrationTest, AVersion3DatabaseGetsPolicyVersionZeroOnOldRequests) {
  ScratchDirectory dir;
  std::string path = dir.File("v3.db");
  FakeClock clock(kNow);
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    std::vector<Migration> first_three(MetadataMigrations().begin(),
                                       MetadataMigrations().begin() + 3);
    ASSERT_TRUE(metadata_sqlite::ApplyMigrations(db, first_three, clock).ok());
    sqlite3_close(db);
  }
  RunSql(path,
         "INSERT INTO request_table (de_request_id, start_time, end_time, status, created_at, "
         "updated_at) VALUES ('pre-v4', 100, 200, 'COMPLETED', 1, 1)");
  auto store = SqliteMetadataStore::Open(path, &clock);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ(*(*store)->SchemaVersion(), LatestSchemaVersion());
  std::optional<ExportRequest> old = *(*store)->GetRequest("pre-v4");
  ASSERT_TRUE(old.has_value());
  EXPECT_EQ(old->policy_version, 0);
  EXPECT_EQ(Ids((*store)->FindRequestsByRange(100, 200)), (std::vector<std::string>{"pre-v4"}));
}

TEST_F(SqliteMetadataStoreTest, ExportTablesUpsertBumpsTheVersionOnlyOnChange) {
  ASSERT_TRUE(store_->UpsertExportTable({"way", true, "observed_at", "source", ""}).ok());
  EXPECT_EQ(*store_->PolicyVersion(), 2);
  ASSERT_TRUE(store_->UpsertExportTable({"cctv", true, "observed_at", "", ""}).ok());
  EXPECT_EQ(*store_->PolicyVersion(), 3);
  ASSERT_TRUE(store_->UpsertExportTable({"way", false, "observed_at", "", "metric_name"}).ok());
  EXPECT_EQ(*store_->PolicyVersion(), 4);
  // The same row again is no change.
  ASSERT_TRUE(store_->UpsertExportTable({"way", false, "observed_at", "", "metric_name"}).ok());
  EXPECT_EQ(*store_->PolicyVersion(), 4);
  EXPECT_EQ(store_->UpsertExportTable({"x", true, "", "", ""}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->UpsertExportTable({"", true, "t", "", ""}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(*store_->PolicyVersion(), 4);
  std::vector<ExportTable> tables = *store_->ListExportTables();
  EXPECT_EQ(tables, (std::vector<ExportTable>{{"cctv", true, "observed_at", "", ""},
                                              {"way", false, "observed_at", "", "metric_name"}}));
  EXPECT_EQ(CountRows(path_, "SELECT count(*) FROM export_tables WHERE source_column IS NULL"), 2);
  EXPECT_EQ(CountRows(path_, "SELECT count(*) FROM export_tables WHERE metric_column IS NULL"), 1);
  PolicySnapshot policy = *store_->LoadPolicy();
  EXPECT_EQ(policy.version, 4);
  EXPECT_EQ(policy.export_tables, tables);
}

TEST_F(SqliteMetadataStoreTest, ClassificationReplaceIsAllOrNothing) {
  std::vector<ColumnClassification> rows = {
      {"way", "speed_kmh", "mx", "", false},
      {"cctv", "plate_number", "de", "", true},
      {"way", "geoj_way_feature", "hwc", "round_coords:4", false},
  };
  ASSERT_TRUE(store_->ReplaceColumnClassifications(rows).ok());
  EXPECT_EQ(*store_->PolicyVersion(), 2);
  std::vector<ColumnClassification> all = *store_->ListColumnClassifications("");
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].column_name, "plate_number");
  EXPECT_TRUE(all[0].pii);
  EXPECT_EQ(all[1].column_name, "geoj_way_feature");
  EXPECT_EQ(all[1].treatment, "round_coords:4");
  EXPECT_EQ(store_->ListColumnClassifications("way")->size(), 2u);
  EXPECT_TRUE(store_->ListColumnClassifications("nope")->empty());

  std::vector<ColumnClassification> duplicate = {{"a", "x", "nr", "", false},
                                                 {"a", "x", "de", "", false}};
  Status status = store_->ReplaceColumnClassifications(duplicate);
  EXPECT_EQ(status.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(status.message(), "duplicate data_column_classification row a.x");
  std::vector<ColumnClassification> bad_code = {{"a", "x", "nr", "", false},
                                                {"a", "y", "secret", "", false}};
  EXPECT_EQ(store_->ReplaceColumnClassifications(bad_code).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->ListColumnClassifications("")->size(), 3u);
  EXPECT_EQ(*store_->PolicyVersion(), 2);

  // The same rules in another order are no change.
  ASSERT_TRUE(store_->ReplaceColumnClassifications({rows[2], rows[0], rows[1]}).ok());
  EXPECT_EQ(*store_->PolicyVersion(), 2);

  ASSERT_TRUE(store_->ReplaceColumnClassifications({}).ok());
  EXPECT_TRUE(store_->ListColumnClassifications("")->empty());
  EXPECT_EQ(*store_->PolicyVersion(), 3);
}

TEST_F(SqliteMetadataStoreTest, ConcurrentUseFromSeveralThreads) {
  constexpr int kThreads = 6;
  constexpr int kRequestsPerThread = 30;
  constexpr int kPolicyChanges = 20;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRequestsPerThread; ++i) {
        std::string id = fmt::format("t{}-r{}", t, i);
        bool ok = store_->CreateRequest(NewRequest(id)).ok() &&
                  store_->UpdateProgress(id, 50).ok() &&
                  store_
                      ->FinishRequest(id, RequestState::kCompleted, "",
                                      {{"way", 0, id + "/way_000.parquet", 1, 1, false}})
                      .ok() &&
                  store_->ListRequestFiles(id)->size() == 1;
        if (!ok) ++failures;
      }
    });
  }
  threads.emplace_back([&] {
    for (int i = 0; i < kPolicyChanges; ++i) {
      if (!store_->ReplaceColumnClassifications({{"way", fmt::format("c{}", i), "nr", "", false}})
               .ok()) {
        ++failures;
      }
    }
  });
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(store_->ListRequests(1000)->size(), size_t{kThreads * kRequestsPerThread});
  EXPECT_EQ(*store_->PolicyVersion(), 1 + kPolicyChanges);
}

TEST_F(SqliteMetadataStoreTest, TwoStoresOnOneFileFinishARequestExactlyOnce) {
  // Like two processes (CLI and server) sharing the file: separate connections.
  auto other = SqliteMetadataStore::Open(path_, &clock_);
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  constexpr int kRequests = 40;
  for (int i = 0; i < kRequests; ++i) {
    ASSERT_TRUE(store_->CreateRequest(NewRequest(fmt::format("r{}", i))).ok());
  }
  std::atomic<int> finished{0}, refused{0}, errors{0};
  auto finish_all = [&](MetadataStore* store) {
    for (int i = 0; i < kRequests; ++i) {
      Status status = store->FinishRequest(fmt::format("r{}", i), RequestState::kCompleted, "",
                                           {{"t", 0, fmt::format("k{}", i), 1, 1, false}});
      if (status.ok()) {
        ++finished;
      } else if (status.code() == StatusCode::kFailedPrecondition) {
        ++refused;
      } else {
        ++errors;
        ADD_FAILURE() << status.ToString();
      }
    }
  };
  std::thread a(finish_all, store_.get());
  std::thread b(finish_all, other->get());
  a.join();
  b.join();
  EXPECT_EQ(finished.load(), kRequests);
  EXPECT_EQ(refused.load(), kRequests);
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(CountRows(path_, "SELECT count(*) FROM request_files"), kRequests);
}

// --- the policy tables as one snapshot ---

// Given out of order, as an import might.
PolicySnapshot SamplePolicy() {
  PolicySnapshot policy;
  policy.version = 99;  // ignored by ReplacePolicy
  policy.export_tables = {
      {"way", true, "observed_at", "source", ""},
      {"probe", true, "observed_at", "source", "metric_name"},
      {"cctv", false, "captured_at", "", ""},
  };
  policy.columns = {
      {"way", "speed_kmh", "mx", "", false},
      {"cctv", "plate_number", "de", "", true},
      {"way", "geoj_way_feature", "hwc", "round_coords:4", false},
  };
  policy.sources = {{"TOMTOM", "de"}, {"FUSION", "nr"}, {"HERE", "de"}};
  policy.metrics = {
      {"probe", "speed", "mx", ""},
      {"probe", "driver_id", "hwc", "hash"},
      {"probe", "heading", "nr", ""},
  };
  return policy;
}

// SamplePolicy() as LoadPolicy returns it at `version`.
PolicySnapshot SortedSamplePolicy(int64_t version) {
  PolicySnapshot policy;
  policy.version = version;
  policy.export_tables = {
      {"cctv", false, "captured_at", "", ""},
      {"probe", true, "observed_at", "source", "metric_name"},
      {"way", true, "observed_at", "source", ""},
  };
  policy.columns = {
      {"cctv", "plate_number", "de", "", true},
      {"way", "geoj_way_feature", "hwc", "round_coords:4", false},
      {"way", "speed_kmh", "mx", "", false},
  };
  policy.sources = {{"FUSION", "nr"}, {"HERE", "de"}, {"TOMTOM", "de"}};
  policy.metrics = {
      {"probe", "driver_id", "hwc", "hash"},
      {"probe", "heading", "nr", ""},
      {"probe", "speed", "mx", ""},
  };
  return policy;
}

// Equal rules and version, with a readable failure.
void ExpectSamePolicy(const PolicySnapshot& actual, const PolicySnapshot& expected) {
  EXPECT_EQ(actual.version, expected.version);
  EXPECT_TRUE(actual.export_tables == expected.export_tables);
  EXPECT_TRUE(actual.columns == expected.columns);
  EXPECT_TRUE(actual.sources == expected.sources);
  EXPECT_TRUE(actual.metrics == expected.metrics);
}

TEST_F(SqliteMetadataStoreTest, LoadPolicyOfAnEmptyStore) {
  Result<PolicySnapshot> policy = store_->LoadPolicy();
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  EXPECT_EQ(policy->version, 1);
  EXPECT_TRUE(policy->export_tables.empty());
  EXPECT_TRUE(policy->columns.empty());
  EXPECT_TRUE(policy->sources.empty());
  EXPECT_TRUE(policy->metrics.empty());
}

TEST_F(SqliteMetadataStoreTest, PolicyRoundTrip) {
  Result<int64_t> version = store_->ReplacePolicy(SamplePolicy());
  ASSERT_TRUE(version.ok()) << version.status().ToString();
  EXPECT_EQ(*version, 2);
  ExpectSamePolicy(*store_->LoadPolicy(), SortedSamplePolicy(2));
  EXPECT_EQ(*store_->PolicyVersion(), 2);
  // The older accessors read the same tables.
  EXPECT_EQ(*store_->ListExportTables(), SortedSamplePolicy(2).export_tables);
  EXPECT_EQ(store_->ListColumnClassifications("way")->size(), 2u);

  // Empty optional strings are stored as NULL, never as ''.
  EXPECT_EQ(CountRows(path_, "SELECT count(*) FROM export_tables WHERE source_column IS NULL"), 1);
  EXPECT_EQ(CountRows(path_, "SELECT count(*) FROM export_tables WHERE metric_column IS NULL"), 2);
  EXPECT_EQ(
      CountRows(path_, "SELECT count(*) FROM data_column_classification WHERE treatment IS NULL"),
      2);
  EXPECT_EQ(CountRows(path_,
                      "SELECT count(*) FROM long_table_data_classifications WHERE treatment IS "
                      "NULL"),
            2);
  EXPECT_EQ(CountRows(path_,
                      "SELECT (SELECT count(*) FROM export_tables WHERE source_column = '' OR "
                      "metric_column = '') + (SELECT count(*) FROM data_column_classification "
                      "WHERE treatment = '') + (SELECT count(*) FROM "
                      "long_table_data_classifications WHERE treatment = '')"),
            0);
  EXPECT_EQ(CountRows(path_,
                      "SELECT count(*) FROM actual_data_classifications WHERE source = 'HERE' AND "
                      "classification = 'de'"),
            1);
}

TEST_F(SqliteMetadataStoreTest, ReplacePolicyBumpsTheVersionOnlyOnChange) {
  ASSERT_EQ(*store_->ReplacePolicy(SamplePolicy()), 2);
  // Identical content, in the stored order or not: no bump, the version in effect comes back.
  EXPECT_EQ(*store_->ReplacePolicy(SamplePolicy()), 2);
  EXPECT_EQ(*store_->ReplacePolicy(SortedSamplePolicy(7)), 2);
  EXPECT_EQ(*store_->PolicyVersion(), 2);

  // One field of one row in each table in turn.
  PolicySnapshot changed = SamplePolicy();
  changed.metrics[1].treatment = "drop";
  EXPECT_EQ(*store_->ReplacePolicy(changed), 3);
  changed.sources[0].classification = "nr";
  EXPECT_EQ(*store_->ReplacePolicy(changed), 4);
  changed.columns[1].pii = false;
  EXPECT_EQ(*store_->ReplacePolicy(changed), 5);
  changed.export_tables[2].enabled = true;
  EXPECT_EQ(*store_->ReplacePolicy(changed), 6);
  EXPECT_EQ(*store_->ReplacePolicy(changed), 6);
  PolicySnapshot stored = *store_->LoadPolicy();
  EXPECT_EQ(stored.version, 6);
  EXPECT_EQ(stored.metrics[0], (MetricClassification{"probe", "driver_id", "hwc", "drop"}));
  EXPECT_EQ(stored.sources[2], (SourceClassification{"TOMTOM", "nr"}));
  EXPECT_FALSE(stored.columns[0].pii);
  EXPECT_TRUE(stored.export_tables[0].enabled);

  // Emptying every table is a change too.
  EXPECT_EQ(*store_->ReplacePolicy(PolicySnapshot{}), 7);
  ExpectSamePolicy(*store_->LoadPolicy(), PolicySnapshot{7, {}, {}, {}, {}});
  EXPECT_EQ(*store_->ReplacePolicy(PolicySnapshot{}), 7);
}

TEST_F(SqliteMetadataStoreTest, ReplacePolicyRefusesDuplicateKeysInEveryTable) {
  ASSERT_EQ(*store_->ReplacePolicy(SamplePolicy()), 2);
  struct Case {
    std::function<void(PolicySnapshot&)> add;
    std::string message;
  };
  std::vector<Case> cases = {
      {[](PolicySnapshot& p) {
         p.export_tables.push_back({"way", false, "t", "", ""});
       },
       "duplicate export_tables row way"},
      {[](PolicySnapshot& p) {
         p.columns.push_back({"way", "speed_kmh", "de", "", false});
       },
       "duplicate data_column_classification row way.speed_kmh"},
      {[](PolicySnapshot& p) {
         p.sources.push_back({"HERE", "nr"});
       },
       "duplicate actual_data_classifications row HERE"},
      {[](PolicySnapshot& p) {
         p.metrics.push_back({"probe", "speed", "de", ""});
       },
       "duplicate long_table_data_classifications row probe.speed"},
  };
  for (const Case& c : cases) {
    PolicySnapshot policy = SamplePolicy();
    c.add(policy);
    Result<int64_t> version = store_->ReplacePolicy(policy);
    EXPECT_EQ(version.status().code(), StatusCode::kAlreadyExists) << c.message;
    EXPECT_EQ(version.status().message(), c.message);
  }
  // Equal names in different tables or different parents are not duplicates.
  PolicySnapshot policy = SamplePolicy();
  policy.columns.push_back({"cctv", "speed_kmh", "nr", "", false});
  policy.metrics.push_back({"other", "speed", "nr", ""});
  EXPECT_EQ(*store_->ReplacePolicy(policy), 3);
}

TEST_F(SqliteMetadataStoreTest, ReplacePolicyRefusesBadCodesAndEmptyNames) {
  struct Case {
    std::function<void(PolicySnapshot&)> spoil;
    std::string message;
  };
  std::vector<Case> cases = {
      {[](PolicySnapshot& p) { p.columns[0].classification = "secret"; },
       "data_column_classification row way.speed_kmh: classification 'secret' is not nr, mx, "
       "de or hwc"},
      {[](PolicySnapshot& p) { p.sources[1].classification = "NR"; },
       "actual_data_classifications row FUSION: classification 'NR' is not nr, mx, de or hwc"},
      {[](PolicySnapshot& p) { p.metrics[2].classification = ""; },
       "long_table_data_classifications row probe.heading: classification '' is not nr, mx, de "
       "or hwc"},
      {[](PolicySnapshot& p) { p.export_tables[1].time_column = ""; },
       "export_tables row 2 ('probe') needs a table_name and a time_column"},
      {[](PolicySnapshot& p) { p.export_tables[0].table_name = ""; },
       "export_tables row 1 ('') needs a table_name and a time_column"},
      {[](PolicySnapshot& p) { p.columns[2].column_name = ""; },
       "data_column_classification row 3 (way.) needs a table_name and a column_name"},
      {[](PolicySnapshot& p) { p.sources[2].source = ""; },
       "actual_data_classifications row 3 needs a source"},
      {[](PolicySnapshot& p) { p.metrics[0].table_name = ""; },
       "long_table_data_classifications row 1 (.speed) needs a table_name and a metric_name"},
  };
  for (const Case& c : cases) {
    PolicySnapshot policy = SamplePolicy();
    c.spoil(policy);
    Result<int64_t> version = store_->ReplacePolicy(policy);
    EXPECT_EQ(version.status().code(), StatusCode::kInvalidArgument) << c.message;
    EXPECT_EQ(version.status().message(), c.message);
  }
  ExpectSamePolicy(*store_->LoadPolicy(), PolicySnapshot{1, {}, {}, {}, {}});
}

TEST_F(SqliteMetadataStoreTest, AFailedReplaceChangesNothing) {
  ASSERT_EQ(*store_->ReplacePolicy(SamplePolicy()), 2);
  PolicySnapshot before = *store_->LoadPolicy();

  // Refused before anything is written.
  PolicySnapshot bad = SamplePolicy();
  bad.export_tables.clear();
  bad.metrics.push_back({"probe", "speed", "nr", ""});
  EXPECT_EQ(store_->ReplacePolicy(bad).status().code(), StatusCode::kAlreadyExists);
  ExpectSamePolicy(*store_->LoadPolicy(), before);

  // Refused by the database after the first three tables were rewritten: the transaction
  // takes them back.
  RunSql(path_,
         "CREATE TRIGGER refuse_boom BEFORE INSERT ON long_table_data_classifications "
         "WHEN NEW.metric_name = 'boom' BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
  PolicySnapshot failing;
  failing.export_tables = {{"new_table", true, "t", "", ""}};
  failing.columns = {{"new_table", "c", "nr", "", false}};
  failing.sources = {{"NEW", "nr"}};
  failing.metrics = {{"new_table", "ok", "nr", ""}, {"new_table", "boom", "nr", ""}};
  Result<int64_t> version = store_->ReplacePolicy(failing);
  EXPECT_FALSE(version.ok());
  EXPECT_NE(version.status().message().find("injected failure"), std::string::npos)
      << version.status().ToString();
  ExpectSamePolicy(*store_->LoadPolicy(), before);

  // The store is usable afterwards.
  failing.metrics.pop_back();
  EXPECT_EQ(*store_->ReplacePolicy(failing), 3);
}

TEST_F(SqliteMetadataStoreTest, ReplaceColumnClassificationsKeepsTheOtherTables) {
  ASSERT_EQ(*store_->ReplacePolicy(SamplePolicy()), 2);
  ASSERT_TRUE(store_->ReplaceColumnClassifications({{"way", "speed_kmh", "nr", "", false}}).ok());
  PolicySnapshot expected = SortedSamplePolicy(3);
  expected.columns = {{"way", "speed_kmh", "nr", "", false}};
  ExpectSamePolicy(*store_->LoadPolicy(), expected);
}

TEST_F(SqliteMetadataStoreTest, ReadersOnAnotherConnectionSeeWholeSnapshots) {
  // Two snapshots that differ in every table; a reader mixing them would see neither.
  PolicySnapshot a = SortedSamplePolicy(0);
  PolicySnapshot b;
  b.export_tables = {{"b_table", true, "t", "", "metric"}};
  b.columns = {{"b_table", "c", "nr", "", false}};
  b.sources = {{"B", "mx"}};
  b.metrics = {{"b_table", "m", "de", ""}};
  auto reader_store = SqliteMetadataStore::Open(path_, &clock_);
  ASSERT_TRUE(reader_store.ok()) << reader_store.status().ToString();

  constexpr int kWrites = 60;
  std::atomic<bool> done{false};
  std::atomic<int> bad_reads{0}, reads{0};
  std::thread reader([&] {
    while (!done.load()) {
      Result<PolicySnapshot> seen = (*reader_store)->LoadPolicy();
      ++reads;
      if (!seen.ok()) {
        ADD_FAILURE() << seen.status().ToString();
        ++bad_reads;
        continue;
      }
      // Version 1 is empty, then a at even versions and b at odd ones.
      bool consistent = seen->version == 1       ? seen->SameRules(PolicySnapshot{})
                        : seen->version % 2 == 0 ? seen->SameRules(a)
                                                 : seen->SameRules(b);
      if (!consistent) ++bad_reads;
    }
  });
  for (int i = 0; i < kWrites; ++i) {
    Result<int64_t> version = store_->ReplacePolicy(i % 2 == 0 ? a : b);
    ASSERT_TRUE(version.ok()) << version.status().ToString();
    EXPECT_EQ(*version, i + 2);
  }
  done = true;
  reader.join();
  EXPECT_GT(reads.load(), 0);
  EXPECT_EQ(bad_reads.load(), 0);
}

TEST(SqliteMetadataStoreMigrationTest, AVersion2DatabaseUpgradesAndKeepsItsPolicy) {
  ScratchDirectory dir;
  std::string path = dir.File("v2.db");
  FakeClock clock(kNow);
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    std::vector<Migration> first_two(MetadataMigrations().begin(),
                                     MetadataMigrations().begin() + 2);
    ASSERT_EQ(first_two.back().name, "policy_tables");
    ASSERT_TRUE(metadata_sqlite::ApplyMigrations(db, first_two, clock).ok());
    EXPECT_EQ(*metadata_sqlite::AppliedSchemaVersion(db), 2);
    sqlite3_close(db);
  }
  RunSql(path,
         "INSERT INTO export_tables VALUES ('way', TRUE, 'observed_at', 'source', NULL);"
         "INSERT INTO data_column_classification VALUES ('way', 'speed_kmh', 'mx', NULL, FALSE);"
         "UPDATE policy_state SET policy_version = 5");
  EXPECT_EQ(CountRows(path,
                      "SELECT count(*) FROM sqlite_master WHERE name = "
                      "'actual_data_classifications'"),
            0);

  clock.AdvanceSeconds(60);
  auto store = SqliteMetadataStore::Open(path, &clock);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ(*(*store)->SchemaVersion(), LatestSchemaVersion());
  EXPECT_EQ(CountRows(path,
                      "SELECT count(*) FROM schema_migrations WHERE version = 3 AND name = "
                      "'classification_tables' AND applied_at = '2024-03-01T00:01:00.000000Z'"),
            1);
  PolicySnapshot expected;
  expected.version = 5;
  expected.export_tables = {{"way", true, "observed_at", "source", ""}};
  expected.columns = {{"way", "speed_kmh", "mx", "", false}};
  ExpectSamePolicy(*(*store)->LoadPolicy(), expected);

  expected.sources = {{"FUSION", "nr"}};
  expected.metrics = {{"way", "speed", "mx", ""}};
  EXPECT_EQ(*(*store)->ReplacePolicy(expected), 6);
  expected.version = 6;
  ExpectSamePolicy(*(*store)->LoadPolicy(), expected);
}

TEST_F(SqliteMetadataStoreTest, ClassificationTablesCheckTheirCodes) {
  // The database refuses what ReplacePolicy refuses, for writers that bypass the store.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  auto run = [&](const char* sql) { return sqlite3_exec(db, sql, nullptr, nullptr, nullptr); };
  EXPECT_EQ(run("INSERT INTO actual_data_classifications VALUES ('HERE', 'de')"), SQLITE_OK);
  EXPECT_NE(run("INSERT INTO actual_data_classifications VALUES ('TOMTOM', 'secret')"), SQLITE_OK);
  EXPECT_NE(run("INSERT INTO actual_data_classifications VALUES ('HERE', 'nr')"), SQLITE_OK);
  EXPECT_NE(run("INSERT INTO actual_data_classifications VALUES (NULL, 'nr')"), SQLITE_OK);
  EXPECT_EQ(run("INSERT INTO long_table_data_classifications VALUES ('p', 'speed', 'hwc', "
                "'round:1')"),
            SQLITE_OK);
  EXPECT_NE(run("INSERT INTO long_table_data_classifications VALUES ('p', 'speed', 'nr', NULL)"),
            SQLITE_OK);
  EXPECT_NE(run("INSERT INTO long_table_data_classifications VALUES ('p', 'x', 'bad', NULL)"),
            SQLITE_OK);
  EXPECT_NE(run("INSERT INTO long_table_data_classifications VALUES ('p', NULL, 'nr', NULL)"),
            SQLITE_OK);
  sqlite3_close(db);
  PolicySnapshot policy = *store_->LoadPolicy();
  EXPECT_EQ(policy.sources, (std::vector<SourceClassification>{{"HERE", "de"}}));
  EXPECT_EQ(policy.metrics, (std::vector<MetricClassification>{{"p", "speed", "hwc", "round:1"}}));
}

// --- daily runs: daily_runs and table_export_job_statuses ---

// Every field set to something other than its default.
DailyRun SampleRun(const std::string& run_date) {
  DailyRun run;
  run.run_date = run_date;
  run.state = DailyRunState::kPartialSuccess;
  run.trigger = "catch-up";
  run.start_time = 1'709'211'600;  // 2024-03-01 00:00 Australia/Melbourne (UTC+11)
  run.end_time = 1'709'298'000;
  run.started_at = kNow + 1;
  run.finished_at = kNow + 2;
  run.policy_version = 7;
  run.tables_total = 6;
  run.tables_completed = 4;
  run.tables_failed = 2;
  run.error = "probe: warehouse unavailable";
  run.owner = "replica-a";
  return run;
}

TableJobStatus SampleJob(const std::string& run_date, const std::string& table) {
  TableJobStatus job;
  job.run_date = run_date;
  job.table_name = table;
  job.state = JobState::kCompleted;
  job.attempt = 3;
  job.started_at = kNow + 10;
  job.finished_at = kNow + 20;
  job.rows_read = 5'000'000'000;  // beyond 32 bits
  job.rows_dropped_by_policy = 2;
  job.rows_written = 4'999'999'998;
  job.bytes_written = 123'456'789'012;
  job.files = 12;
  job.error = "attempt 2: connection reset";
  job.unclassified_columns = {"new_column", "ünïcødé \"quoted\" \\ back"};
  job.owner = "replica-b";
  job.lease_expires_at = kNow + 60'000'000;
  return job;
}

std::vector<std::string> RunDates(const Result<std::vector<DailyRun>>& runs) {
  EXPECT_TRUE(runs.ok()) << runs.status().ToString();
  std::vector<std::string> dates;
  if (!runs.ok()) return dates;
  for (const DailyRun& run : *runs) dates.push_back(run.run_date);
  return dates;
}

std::vector<std::string> TableNames(const Result<std::vector<TableJobStatus>>& jobs) {
  EXPECT_TRUE(jobs.ok()) << jobs.status().ToString();
  std::vector<std::string> names;
  if (!jobs.ok()) return names;
  for (const TableJobStatus& job : *jobs) names.push_back(job.table_name);
  return names;
}

// Dates a run_date must refuse: wrong shape, or not a day of the calendar.
std::vector<std::string> BadDates() {
  return {
      "",           "2024-3-01",        "2024-03-1",   "24-03-01",
      "2024/03/01", "2024-03-01T00:00", " 2024-03-01", "2024-03-01 ",
      "2024-02-30", "2023-02-29",       "2024-13-01",  "2024-00-10",
      "2024-04-31", "2024-01-00",       "+024-03-01",  "2024-0a-01",
      "2024_03_01",
  };
}

TEST_F(SqliteMetadataStoreTest, DailyRunRoundTripsEveryField) {
  DailyRun run = SampleRun("2024-03-01");
  ASSERT_TRUE(store_->UpsertDailyRun(run).ok());
  Result<std::optional<DailyRun>> stored = store_->GetDailyRun("2024-03-01");
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  ASSERT_TRUE(stored->has_value());
  EXPECT_EQ(**stored, run);
  EXPECT_FALSE(store_->GetDailyRun("2024-03-02")->has_value());
  EXPECT_EQ(CountRows(path_,
                      "SELECT count(*) FROM daily_runs WHERE run_date = '2024-03-01' AND "
                      "status = 'PARTIAL-SUCCESS' AND run_trigger = 'catch-up'"),
            1);

  for (DailyRunState state : {DailyRunState::kRunning, DailyRunState::kSuccess,
                              DailyRunState::kPartialSuccess, DailyRunState::kFailed}) {
    run.state = state;
    ASSERT_TRUE(store_->UpsertDailyRun(run).ok()) << DailyRunStateName(state);
    EXPECT_EQ((*store_->GetDailyRun("2024-03-01"))->state, state) << DailyRunStateName(state);
  }
}

TEST_F(SqliteMetadataStoreTest, UpsertDailyRunReplacesEveryColumn) {
  ASSERT_TRUE(store_->UpsertDailyRun(SampleRun("2024-02-29")).ok());
  DailyRun rerun;  // every field different from SampleRun, empty strings included
  rerun.run_date = "2024-02-29";
  rerun.state = DailyRunState::kRunning;
  rerun.trigger = "cli";
  rerun.start_time = 1;
  rerun.end_time = 2;
  rerun.started_at = 3;
  rerun.finished_at = 0;
  rerun.policy_version = 8;
  rerun.tables_total = 1;
  rerun.tables_completed = 0;
  rerun.tables_failed = 0;
  ASSERT_TRUE(store_->UpsertDailyRun(rerun).ok());
  EXPECT_EQ(*store_->GetDailyRun("2024-02-29"), rerun);
  EXPECT_EQ(CountRows(path_, "SELECT count(*) FROM daily_runs"), 1);
}

TEST_F(SqliteMetadataStoreTest, ListsDailyRunsNewestFirst) {
  for (const char* date : {"2024-03-02", "2024-02-29", "2024-03-10", "2023-12-31"}) {
    ASSERT_TRUE(store_->UpsertDailyRun(SampleRun(date)).ok()) << date;
  }
  EXPECT_EQ(RunDates(store_->ListDailyRuns(10)),
            (std::vector<std::string>{"2024-03-10", "2024-03-02", "2024-02-29", "2023-12-31"}));
  EXPECT_EQ(RunDates(store_->ListDailyRuns(2)),
            (std::vector<std::string>{"2024-03-10", "2024-03-02"}));
  EXPECT_TRUE(RunDates(store_->ListDailyRuns(0)).empty());
  EXPECT_EQ(store_->ListDailyRuns(-1).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ((*store_->ListDailyRuns(1))[0], SampleRun("2024-03-10"));
}

TEST_F(SqliteMetadataStoreTest, ListsDailyRunsBetweenInclusiveBoundsOldestFirst) {
  for (const char* date : {"2024-03-02", "2024-02-28", "2024-03-01", "2024-02-29", "2024-03-03"}) {
    ASSERT_TRUE(store_->UpsertDailyRun(SampleRun(date)).ok()) << date;
  }
  EXPECT_EQ(RunDates(store_->ListDailyRunsBetween("2024-02-29", "2024-03-02")),
            (std::vector<std::string>{"2024-02-29", "2024-03-01", "2024-03-02"}));
  EXPECT_EQ(RunDates(store_->ListDailyRunsBetween("2024-03-01", "2024-03-01")),
            (std::vector<std::string>{"2024-03-01"}));
  EXPECT_EQ(RunDates(store_->ListDailyRunsBetween("2000-01-01", "2024-02-28")),
            (std::vector<std::string>{"2024-02-28"}));
  EXPECT_EQ(RunDates(store_->ListDailyRunsBetween("2024-03-03", "2099-12-31")),
            (std::vector<std::string>{"2024-03-03"}));
  EXPECT_TRUE(RunDates(store_->ListDailyRunsBetween("2024-03-02", "2024-03-01")).empty());
  EXPECT_TRUE(RunDates(store_->ListDailyRunsBetween("2024-04-01", "2024-04-30")).empty());

  Status bad_from = store_->ListDailyRunsBetween("2024-02-30", "2024-03-02").status();
  EXPECT_EQ(bad_from.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad_from.message(),
            "daily run list from '2024-02-30' is not a YYYY-MM-DD calendar date");
  Status bad_to = store_->ListDailyRunsBetween("2024-02-01", "2024-3-2").status();
  EXPECT_EQ(bad_to.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad_to.message(), "daily run list to '2024-3-2' is not a YYYY-MM-DD calendar date");
}

TEST_F(SqliteMetadataStoreTest, BadDailyRunsChangeNothing) {
  DailyRun stored = SampleRun("2024-03-01");
  ASSERT_TRUE(store_->UpsertDailyRun(stored).ok());
  for (const std::string& date : BadDates()) {
    DailyRun run = SampleRun(date);
    Status status = store_->UpsertDailyRun(run);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << date;
    EXPECT_EQ(status.message(),
              fmt::format("daily run run_date '{}' is not a YYYY-MM-DD calendar date", date));
    EXPECT_EQ(store_->GetDailyRun(date).status().code(), StatusCode::kInvalidArgument) << date;
  }
  DailyRun unknown_state = SampleRun("2024-03-01");
  unknown_state.state = static_cast<DailyRunState>(99);
  unknown_state.error = "must not be stored";
  Status refused = store_->UpsertDailyRun(unknown_state);
  EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument) << refused.ToString();
  EXPECT_NE(refused.message().find("daily run 2024-03-01"), std::string::npos) << refused.message();

  EXPECT_EQ(CountRows(path_, "SELECT count(*) FROM daily_runs"), 1);
  EXPECT_EQ(*store_->GetDailyRun("2024-03-01"), stored);
}

TEST_F(SqliteMetadataStoreTest, TableJobRoundTripsEveryField) {
  TableJobStatus job = SampleJob("2024-03-01", "道路_交通量 ünïcode");
  job.error = std::string(200'000, 'e') + " — the end";
  ASSERT_TRUE(store_->UpsertTableJob(job).ok());
  Result<std::optional<TableJobStatus>> stored =
      store_->GetTableJob("2024-03-01", "道路_交通量 ünïcode");
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  ASSERT_TRUE(stored->has_value());
  EXPECT_EQ(**stored, job);
  EXPECT_FALSE(store_->GetTableJob("2024-03-02", "道路_交通量 ünïcode")->has_value());
  EXPECT_FALSE(store_->GetTableJob("2024-03-01", "道路_交通量")->has_value());
  EXPECT_EQ(CountRows(path_,
                      "SELECT count(*) FROM table_export_job_statuses WHERE status = 'COMPLETED' "
                      "AND json_array_length(unclassified_columns) = 2 AND "
                      "json_extract(unclassified_columns, '$[0]') = 'new_column'"),
            1);

  for (JobState state : {JobState::kInProgress, JobState::kCompleted, JobState::kFailed}) {
    job.state = state;
    ASSERT_TRUE(store_->UpsertTableJob(job).ok()) << JobStateName(state);
    EXPECT_EQ((*store_->GetTableJob(job.run_date, job.table_name))->state, state);
  }
}

TEST_F(SqliteMetadataStoreTest, UnsetJobTimesAreNullAndNoColumnsAnEmptyArray) {
  TableJobStatus job;  // a job just submitted: defaults everywhere else
  job.run_date = "2024-03-01";
  job.table_name = "way";
  job.attempt = 1;
  ASSERT_TRUE(store_->UpsertTableJob(job).ok());
  EXPECT_EQ(*store_->GetTableJob("2024-03-01", "way"), job);
  EXPECT_EQ(CountRows(path_,
                      "SELECT count(*) FROM table_export_job_statuses WHERE started_at IS NULL "
                      "AND finished_at IS NULL AND unclassified_columns = '[]' AND "
                      "status = 'IN-PROGRESS'"),
            1);
}

TEST_F(SqliteMetadataStoreTest, UpsertTableJobReplacesEveryColumn) {
  ASSERT_TRUE(store_->UpsertTableJob(SampleJob("2024-03-01", "way")).ok());
  TableJobStatus retry;
  retry.run_date = "2024-03-01";
  retry.table_name = "way";
  retry.state = JobState::kInProgress;
  retry.attempt = 4;
  retry.started_at = kNow + 100;
  ASSERT_TRUE(store_->UpsertTableJob(retry).ok());
  EXPECT_EQ(*store_->GetTableJob("2024-03-01", "way"), retry);
  EXPECT_EQ(CountRows(path_, "SELECT count(*) FROM table_export_job_statuses"), 1);
}

TEST_F(SqliteMetadataStoreTest, ListsTheJobsOfOneRunByTableName) {
  for (const char* table : {"way", "Way", "édition", "probe", "cctv"}) {
    ASSERT_TRUE(store_->UpsertTableJob(SampleJob("2024-03-01", table)).ok()) << table;
  }
  ASSERT_TRUE(store_->UpsertTableJob(SampleJob("2024-03-02", "alpha")).ok());
  // Byte order: upper case before lower case, UTF-8 after ASCII.
  EXPECT_EQ(TableNames(store_->ListTableJobs("2024-03-01")),
            (std::vector<std::string>{"Way", "cctv", "probe", "way", "édition"}));
  EXPECT_EQ(TableNames(store_->ListTableJobs("2024-03-02")), (std::vector<std::string>{"alpha"}));
  EXPECT_TRUE(TableNames(store_->ListTableJobs("2024-03-03")).empty());
  EXPECT_EQ((*store_->ListTableJobs("2024-03-02"))[0], SampleJob("2024-03-02", "alpha"));
  EXPECT_EQ(store_->ListTableJobs("2024-3-1").status().code(), StatusCode::kInvalidArgument);
}

TEST_F(SqliteMetadataStoreTest, BadTableJobsChangeNothing) {
  TableJobStatus stored = SampleJob("2024-03-01", "way");
  ASSERT_TRUE(store_->UpsertTableJob(stored).ok());
  for (const std::string& date : BadDates()) {
    Status status = store_->UpsertTableJob(SampleJob(date, "way"));
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << date;
    EXPECT_EQ(status.message(),
              fmt::format("table job run_date '{}' is not a YYYY-MM-DD calendar date", date));
    EXPECT_EQ(store_->GetTableJob(date, "way").status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(store_->ListTableJobs(date).status().code(), StatusCode::kInvalidArgument);
  }
  Status no_table = store_->UpsertTableJob(SampleJob("2024-03-01", ""));
  EXPECT_EQ(no_table.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(no_table.message(), "table job of 2024-03-01 needs a table_name");
  EXPECT_EQ(store_->GetTableJob("2024-03-01", "").status().code(), StatusCode::kInvalidArgument);

  TableJobStatus not_utf8 = SampleJob("2024-03-01", "way");
  not_utf8.unclassified_columns = {"ok", "bad\xff"};
  Status refused = store_->UpsertTableJob(not_utf8);
  EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.message().find("unclassified_columns of table job 2024-03-01/way"),
            std::string::npos)
      << refused.message();

  TableJobStatus unknown_state = SampleJob("2024-03-01", "way");
  unknown_state.state = static_cast<JobState>(99);
  refused = store_->UpsertTableJob(unknown_state);
  EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument) << refused.ToString();
  EXPECT_NE(refused.message().find("table job 2024-03-01/way"), std::string::npos)
      << refused.message();

  EXPECT_EQ(CountRows(path_, "SELECT count(*) FROM table_export_job_statuses"), 1);
  EXPECT_EQ(*store_->GetTableJob("2024-03-01", "way"), stored);
}

TEST_F(SqliteMetadataStoreTest, DailyTablesCheckTheirStatuses) {
  // The database refuses unknown statuses and missing keys from writers that bypass the store.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  auto run_row = [&](std::string_view date, std::string_view status) {
    std::string sql = fmt::format(
        "INSERT INTO daily_runs (run_date, status, run_trigger, start_time, end_time, "
        "started_at, finished_at, policy_version, tables_total, tables_completed, tables_failed) "
        "VALUES ({}, '{}', 'schedule', 0, 86400, 1, 0, 1, 0, 0, 0)",
        date, status);
    return sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  };
  auto job_row = [&](std::string_view table, std::string_view status) {
    std::string sql = fmt::format(
        "INSERT INTO table_export_job_statuses (run_date, table_name, status, attempt) "
        "VALUES ('2024-03-01', {}, '{}', 1)",
        table, status);
    return sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  };
  EXPECT_EQ(run_row("'2024-03-01'", "RUNNING"), SQLITE_OK);
  EXPECT_EQ(run_row("'2024-03-02'", "PARTIAL-SUCCESS"), SQLITE_OK);
  EXPECT_NE(run_row("'2024-03-03'", "PARTIAL_SUCCESS"), SQLITE_OK);
  EXPECT_NE(run_row("'2024-03-03'", "DONE"), SQLITE_OK);
  EXPECT_NE(run_row("'2024-03-03'", "running"), SQLITE_OK);
  EXPECT_NE(run_row("NULL", "RUNNING"), SQLITE_OK);
  EXPECT_NE(run_row("'2024-03-01'", "SUCCESS"), SQLITE_OK);  // primary key
  EXPECT_EQ(job_row("'way'", "IN-PROGRESS"), SQLITE_OK);
  EXPECT_NE(job_row("'probe'", "IN_PROGRESS"), SQLITE_OK);
  EXPECT_NE(job_row("'probe'", "CANCELLED"), SQLITE_OK);
  EXPECT_NE(job_row("NULL", "FAILED"), SQLITE_OK);
  EXPECT_NE(job_row("'way'", "FAILED"), SQLITE_OK);  // primary key
  sqlite3_close(db);

  EXPECT_EQ(RunDates(store_->ListDailyRuns(10)),
            (std::vector<std::string>{"2024-03-02", "2024-03-01"}));
  EXPECT_EQ(TableNames(store_->ListTableJobs("2024-03-01")), (std::vector<std::string>{"way"}));
  TableJobStatus defaults = **store_->GetTableJob("2024-03-01", "way");
  EXPECT_EQ(defaults.rows_written, 0u);
  EXPECT_TRUE(defaults.unclassified_columns.empty());
  EXPECT_EQ(defaults.lease_expires_at, 0);
}

TEST_F(SqliteMetadataStoreTest, UnreadableDailyRowsAreDataLossNamingTheRow) {
  ASSERT_TRUE(store_->UpsertDailyRun(SampleRun("2024-03-01")).ok());
  ASSERT_TRUE(store_->UpsertTableJob(SampleJob("2024-03-01", "way")).ok());
  ASSERT_TRUE(store_->UpsertTableJob(SampleJob("2024-03-01", "probe")).ok());
  // A future version's status, written past the CHECK constraint.
  RunSql(path_,
         "PRAGMA ignore_check_constraints = ON;"
         "UPDATE daily_runs SET status = 'ABANDONED';"
         "UPDATE table_export_job_statuses SET status = 'SKIPPED' WHERE table_name = 'way';"
         "UPDATE table_export_job_statuses SET unclassified_columns = '[\"a\", 1]' "
         "WHERE table_name = 'probe'");

  Status run = store_->GetDailyRun("2024-03-01").status();
  EXPECT_EQ(run.code(), StatusCode::kDataLoss);
  EXPECT_EQ(run.message(), "daily run 2024-03-01 has an unknown status 'ABANDONED'");
  EXPECT_EQ(store_->ListDailyRuns(5).status().message(), run.message());
  EXPECT_EQ(store_->ListDailyRunsBetween("2024-03-01", "2024-03-01").status().message(),
            run.message());

  Status way = store_->GetTableJob("2024-03-01", "way").status();
  EXPECT_EQ(way.code(), StatusCode::kDataLoss);
  EXPECT_EQ(way.message(), "table job 2024-03-01/way has an unknown status 'SKIPPED'");
  Status probe = store_->GetTableJob("2024-03-01", "probe").status();
  EXPECT_EQ(probe.code(), StatusCode::kDataLoss);
  EXPECT_EQ(probe.message(),
            "table job 2024-03-01/probe has unclassified_columns '[\"a\", 1]' that are not a "
            "JSON array of strings");
  EXPECT_EQ(store_->ListTableJobs("2024-03-01").status().code(), StatusCode::kDataLoss);

  for (const char* text : {"not json", "{}", "\"a\"", "", "[\"a\""}) {
    RunSql(path_, fmt::format("UPDATE table_export_job_statuses SET unclassified_columns = '{}' "
                              "WHERE table_name = 'probe'",
                              text));
    EXPECT_EQ(store_->GetTableJob("2024-03-01", "probe").status().code(), StatusCode::kDataLoss)
        << text;
  }
}

TEST(SqliteMetadataStoreMigrationTest, AVersion4DatabaseGetsTheDailyTablesAndKeepsItsRows) {
  ScratchDirectory dir;
  std::string path = dir.File("v4.db");
  FakeClock clock(kNow);
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    std::vector<Migration> first_four(MetadataMigrations().begin(),
                                      MetadataMigrations().begin() + 4);
    ASSERT_EQ(first_four.back().name, "request_policy_version");
    ASSERT_TRUE(metadata_sqlite::ApplyMigrations(db, first_four, clock).ok());
    sqlite3_close(db);
  }
  RunSql(path,
         "INSERT INTO request_table (de_request_id, start_time, end_time, status, created_at, "
         "updated_at, policy_version) VALUES ('v4-request', 100, 200, 'COMPLETED', 1, 1, 3);"
         "INSERT INTO export_tables VALUES ('way', TRUE, 'observed_at', 'source', NULL);"
         "UPDATE policy_state SET policy_version = 3");
  EXPECT_EQ(CountRows(path, "SELECT count(*) FROM sqlite_master WHERE name = 'daily_runs'"), 0);

  clock.AdvanceSeconds(60);
  auto store = SqliteMetadataStore::Open(path, &clock);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ(*(*store)->SchemaVersion(), LatestSchemaVersion());
  EXPECT_EQ(CountRows(path,
                      "SELECT count(*) FROM schema_migrations WHERE version = 5 AND name = "
                      "'daily_runs' AND applied_at = '2024-03-01T00:01:00.000000Z'"),
            1);
  std::optional<ExportRequest> request = *(*store)->GetRequest("v4-request");
  ASSERT_TRUE(request.has_value());
  EXPECT_EQ(request->state, RequestState::kCompleted);
  EXPECT_EQ(request->policy_version, 3);
  EXPECT_EQ(*(*store)->PolicyVersion(), 3);
  EXPECT_EQ(*(*store)->ListExportTables(),
            (std::vector<ExportTable>{{"way", true, "observed_at", "source", ""}}));

  EXPECT_TRUE(RunDates((*store)->ListDailyRuns(10)).empty());
  ASSERT_TRUE((*store)->UpsertDailyRun(SampleRun("2024-03-01")).ok());
  ASSERT_TRUE((*store)->UpsertTableJob(SampleJob("2024-03-01", "way")).ok());
  EXPECT_EQ(*(*store)->GetDailyRun("2024-03-01"), SampleRun("2024-03-01"));
  EXPECT_EQ(*(*store)->GetTableJob("2024-03-01", "way"), SampleJob("2024-03-01", "way"));
}

}  // namespace
}  // namespace de
