// PostgreSQL-only behaviour of PostgresMetadataStore (the shared behaviour is in
// metadata/metadata_store_conformance_test.cc). Needs a server: skipped unless DE_PG_CONNINFO is
// set (CTest metadata_pg_live_test runs these under scripts/with-pg-cluster).
#include "metadata/postgres/postgres_metadata_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "metadata/migrations.h"
#include "metadata/postgres/pg_test_database.h"

namespace de {
namespace {

using metadata_pg::PgTestDatabase;

constexpr int64_t kNow = 1'709'251'200'000'000;  // 2024-03-01 00:00:00 UTC

class PostgresMetadataStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!PgTestDatabase::ServerConninfo()) {
      GTEST_SKIP() << "DE_PG_CONNINFO is not set (run under scripts/with-pg-cluster)";
    }
    auto db = PgTestDatabase::Create();
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
  }

  Result<std::unique_ptr<PostgresMetadataStore>> Open(int pool_size = 4) {
    PostgresMetadataOptions options;
    options.conninfo = db_->conninfo();
    options.pool_size = pool_size;
    return PostgresMetadataStore::Open(options, &clock_);
  }

  std::string Query(const std::string& sql) {
    Result<std::string> value = db_->QueryOne(sql);
    EXPECT_TRUE(value.ok()) << value.status().ToString();
    return value.ok() ? *value : "";
  }

  FakeClock clock_{kNow};
  std::unique_ptr<PgTestDatabase> db_;
};

TEST_F(PostgresMetadataStoreTest, FreshDatabaseGetsEveryMigrationOnce) {
  auto store = Open();
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ(*(*store)->SchemaVersion(), LatestSchemaVersion());
  EXPECT_EQ(*(*store)->PolicyVersion(), 1);
  EXPECT_EQ(Query("SELECT count(*) FROM schema_migrations"),
            std::to_string(MetadataMigrations().size()));
  EXPECT_EQ(Query("SELECT applied_at FROM schema_migrations WHERE version = 1"),
            "2024-03-01T00:00:00.000000Z");
  EXPECT_EQ(Query("SELECT name FROM schema_migrations WHERE version = 6"), "replica_leases");
  store->reset();
  clock_.AdvanceSeconds(60);
  auto reopened = Open();
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_EQ(Query("SELECT count(*) FROM schema_migrations"),
            std::to_string(MetadataMigrations().size()));
}

TEST_F(PostgresMetadataStoreTest, ConcurrentOpensMigrateOnce) {
  constexpr int kThreads = 4;
  std::atomic<int> opened{0};
  std::vector<std::string> errors(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto store = Open(1);
      if (store.ok()) {
        ++opened;
      } else {
        errors[t] = store.status().ToString();
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(opened.load(), kThreads) << errors[0] << errors[1] << errors[2] << errors[3];
  EXPECT_EQ(Query("SELECT count(*) FROM schema_migrations"),
            std::to_string(MetadataMigrations().size()));
  EXPECT_EQ(Query("SELECT count(DISTINCT version) FROM schema_migrations"),
            std::to_string(MetadataMigrations().size()));
  EXPECT_EQ(Query("SELECT count(*) FROM policy_state"), "1");
}

TEST_F(PostgresMetadataStoreTest, NewerOrDivergedSchemaIsRefused) {
  ASSERT_TRUE(Open().ok());
  ASSERT_TRUE(
      db_->Execute("INSERT INTO schema_migrations VALUES (999, 'from_the_future', 'x')").ok());
  auto newer = Open();
  ASSERT_EQ(newer.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(newer.status().message().find("schema version 999, newer than the"), std::string::npos)
      << newer.status().message();
  ASSERT_TRUE(db_->Execute("DELETE FROM schema_migrations WHERE version = 999").ok());
  ASSERT_TRUE(
      db_->Execute("UPDATE schema_migrations SET name = 'something_else' WHERE version = 1").ok());
  auto diverged = Open();
  ASSERT_EQ(diverged.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(diverged.status().message().find(
                "metadata schema version 1 was applied as 'something_else', but this program "
                "knows it as 'request_tables'"),
            std::string::npos)
      << diverged.status().message();
}

TEST_F(PostgresMetadataStoreTest, BadOptionsAndAnUnreachableServer) {
  PostgresMetadataOptions options;
  options.conninfo = db_->conninfo();
  options.pool_size = 0;
  EXPECT_EQ(PostgresMetadataStore::Open(options, &clock_).status().message(),
            "metadata pool_size 0 must be at least 1");
  options.pool_size = 1;
  EXPECT_EQ(PostgresMetadataStore::Open(options, nullptr).status().code(),
            StatusCode::kInvalidArgument);
  options.conninfo = "host=127.0.0.1 port=1 dbname=nothing user=nobody connect_timeout=2";
  EXPECT_EQ(PostgresMetadataStore::Open(options, &clock_).status().code(),
            StatusCode::kUnavailable);
}

TEST_F(PostgresMetadataStoreTest, ALockedTableJobIsBusy) {
  auto store = Open();
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ASSERT_FALSE((*store)->ClaimTableJob("2024-03-01", "way", "me", 1'000'000)->has_value());
  // Another session holds the row lock, as a claimer in the middle of its transaction would.
  auto other = pg::Connect(db_->conninfo(), 0);
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(metadata_pg::RunCommand(other->get(), "BEGIN", {}, "test").ok());
  ASSERT_TRUE(metadata_pg::Run(other->get(),
                               "SELECT 1 FROM table_export_job_statuses WHERE table_name = 'way' "
                               "FOR UPDATE",
                               {}, PGRES_TUPLES_OK, "test")
                  .ok());
  clock_.AdvanceSeconds(10);  // the lease has expired, but the row is locked
  Status busy = (*store)->ClaimTableJob("2024-03-01", "way", "other", 1'000'000).status();
  EXPECT_EQ(busy.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(busy.message(), "table job 2024-03-01/way is busy: another replica is claiming it");
  ASSERT_TRUE(metadata_pg::RunCommand(other->get(), "ROLLBACK", {}, "test").ok());
  EXPECT_TRUE((*store)->ClaimTableJob("2024-03-01", "way", "other", 1'000'000)->has_value());
}

// Ends the sessions of the test database that hold an advisory lock or are idle, as a server
// restart or an administrator would.
void TerminateSessions(const PgTestDatabase& db, const std::string& which) {
  auto admin = pg::Connect(db.conninfo(), 0);
  ASSERT_TRUE(admin.ok()) << admin.status().ToString();
  auto killed = metadata_pg::Run(admin->get(),
                                 "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
                                 "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                                 "AND (" +
                                     which + ")",
                                 {}, PGRES_TUPLES_OK, "terminating sessions");
  ASSERT_TRUE(killed.ok()) << killed.status().ToString();
  ASSERT_GE(PQntuples(killed->get()), 1);
}

TEST_F(PostgresMetadataStoreTest, LeaderLockIsLostWithItsSession) {
  auto store = Open();
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto lock = (*store)->TryLeaderLock("scheduler");
  ASSERT_TRUE(lock.ok() && *lock != nullptr);
  EXPECT_TRUE((*lock)->Held());
  TerminateSessions(*db_, "pid IN (SELECT pid FROM pg_locks WHERE locktype = 'advisory')");
  EXPECT_FALSE((*lock)->Held());
  EXPECT_FALSE((*lock)->Held());  // for ever
  auto next = (*store)->TryLeaderLock("scheduler");
  ASSERT_TRUE(next.ok());
  EXPECT_NE(*next, nullptr);
}

TEST_F(PostgresMetadataStoreTest, ALostPooledConnectionIsReplaced) {
  auto store = Open(1);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ASSERT_TRUE((*store)->Ping().ok());
  TerminateSessions(*db_, "true");
  Status lost = (*store)->Ping();
  EXPECT_EQ(lost.code(), StatusCode::kUnavailable) << lost.ToString();
  Status again = (*store)->Ping();
  EXPECT_TRUE(again.ok()) << again.ToString();
  EXPECT_EQ(*(*store)->PolicyVersion(), 1);
}

}  // namespace
}  // namespace de
