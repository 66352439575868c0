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

ExportRequest NewRequest(const std::string& id, int64_t created_at = 0) {
  ExportRequest request;
  request.id = id;
  request.start_time = 1'709'251'200;
  request.end_time = 1'709'337'600;
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
  ASSERT_TRUE(store_->CreateRequest(RangeRequest("second", 100, 200, kNow + 2)).ok());
  ASSERT_TRUE(store_->CreateRequest(RangeRequest("first", 100, 200, kNow + 1)).ok());
  ASSERT_TRUE(store_->CreateRequest(RangeRequest("longer", 100, 201, kNow)).ok());
  ASSERT_TRUE(store_->CreateRequest(RangeRequest("later", 101, 200, kNow)).ok());
  ASSERT_TRUE(store_->FinishRequest("first", RequestState::kFailed, "x", {}).ok());
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
  EXPECT_EQ(*(*store)->SchemaVersion(), 4);
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

}  // namespace
}  // namespace de
