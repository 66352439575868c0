#include "sqlite/sqlite.h"

#include <gtest/gtest.h>

namespace de::sqlite {
namespace {

Connection OpenMemory() {
  sqlite3* raw = nullptr;
  EXPECT_EQ(sqlite3_open(":memory:", &raw), SQLITE_OK);
  Connection db(raw);
  sqlite3_extended_result_codes(db.get(), 1);
  EXPECT_TRUE(Execute(db.get(),
                      "CREATE TABLE t (k TEXT PRIMARY KEY, n INTEGER CHECK (n >= 0), "
                      "r REAL, note TEXT)")
                  .ok());
  return db;
}

TEST(SqliteTest, BindsStepsAndReads) {
  Connection db = OpenMemory();
  auto insert = Statement::Prepare(db.get(), "INSERT INTO t VALUES (?1, ?2, ?3, ?4)");
  ASSERT_TRUE(insert.ok());
  ASSERT_TRUE(
      insert->BindText(1, "a").BindInt(2, 7).BindReal(3, 1.5).BindTextOrNull(4, "").Run().ok());
  ASSERT_TRUE(insert->BindText(1, "").BindInt(2, 8).BindNull(3).BindText(4, "x").Run().ok());
  EXPECT_EQ(insert->Changes(), 1);
  auto select = Statement::Prepare(db.get(), "SELECT k, n, r, note IS NULL FROM t ORDER BY n");
  ASSERT_TRUE(select.ok());
  ASSERT_TRUE(*select->Step());
  EXPECT_EQ(select->Text(0), "a");
  EXPECT_EQ(select->Int(1), 7);
  EXPECT_EQ(select->Real(2), 1.5);
  EXPECT_EQ(select->Int(3), 1);  // empty text bound as NULL
  ASSERT_TRUE(*select->Step());
  EXPECT_EQ(select->Text(0), "");  // empty text bound as ''
  EXPECT_FALSE(*select->Step());
}

TEST(SqliteTest, StatementCacheReusesResetsAndNests) {
  Connection db = OpenMemory();
  ASSERT_TRUE(Execute(db.get(), "INSERT INTO t (k, n) VALUES ('a', 1), ('b', 2), ('c', 3)").ok());
  StatementCache cache(db.get());
  constexpr std::string_view kAtLeast = "SELECT k FROM t WHERE n >= ?1 ORDER BY n";
  sqlite3_stmt* first_handle = nullptr;
  {
    auto select = cache.Prepare(kAtLeast);
    ASSERT_TRUE(select.ok());
    first_handle = select->get();
    select->BindInt(1, 2);
    ASSERT_TRUE(*select->Step());
    EXPECT_EQ(select->Text(0), "b");  // left mid-way: given back reset
    // The same SQL while it is in use: a statement of its own.
    auto nested = cache.Prepare(kAtLeast);
    ASSERT_TRUE(nested.ok());
    EXPECT_NE(nested->get(), first_handle);
    nested->BindInt(1, 3);
    ASSERT_TRUE(*nested->Step());
    EXPECT_EQ(nested->Text(0), "c");
  }
  // Given back: the cached statement again, from its first row, its old binding cleared
  // (NULL: no row is >= NULL).
  {
    auto again = cache.Prepare(kAtLeast);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->get(), first_handle);
    EXPECT_FALSE(*again->Step());
  }
  {
    auto again = cache.Prepare(kAtLeast);
    ASSERT_TRUE(again.ok());
    again->BindInt(1, 1);
    ASSERT_TRUE(*again->Step());
    EXPECT_EQ(again->Text(0), "a");
  }
  // A schema change under a cached statement: SQLite prepares it again by itself.
  ASSERT_TRUE(Execute(db.get(), "ALTER TABLE t ADD COLUMN extra TEXT").ok());
  auto after = cache.Prepare(kAtLeast);
  ASSERT_TRUE(after.ok());
  after->BindInt(1, 3);
  ASSERT_TRUE(*after->Step());
  EXPECT_EQ(after->Text(0), "c");
  EXPECT_EQ(cache.Prepare("SELECT nope FROM t").status().code(), StatusCode::kInternal);
}

TEST(SqliteTest, ErrorsMapToStatusCodes) {
  Connection db = OpenMemory();
  auto insert = Statement::Prepare(db.get(), "INSERT INTO t (k, n) VALUES (?1, ?2)");
  ASSERT_TRUE(insert.ok());
  ASSERT_TRUE(insert->BindText(1, "a").BindInt(2, 1).Run().ok());
  EXPECT_EQ(insert->BindText(1, "a").BindInt(2, 2).Run().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(insert->BindText(1, "b").BindInt(2, -1).Run().code(), StatusCode::kInvalidArgument);
  auto bad = Statement::Prepare(db.get(), "SELECT nope FROM t");
  EXPECT_EQ(bad.status().code(), StatusCode::kInternal);
  EXPECT_NE(bad.status().message().find("no such column: nope"), std::string::npos);
  EXPECT_EQ(SqliteError(nullptr, SQLITE_INTERRUPT, "scan").code(), StatusCode::kCancelled);
  EXPECT_EQ(SqliteError(nullptr, SQLITE_BUSY, "x").code(), StatusCode::kUnavailable);
  EXPECT_EQ(SqliteError(nullptr, SQLITE_NOTADB, "x").code(), StatusCode::kDataLoss);
}

TEST(SqliteTest, BindErrorsAreReportedOnce) {
  Connection db = OpenMemory();
  auto select = Statement::Prepare(db.get(), "SELECT ?1");
  ASSERT_TRUE(select.ok());
  select->BindInt(5, 1);  // no such parameter
  EXPECT_FALSE(select->CheckBinds().ok());
  EXPECT_NE(select->Run().message().find("binding a value"), std::string::npos);
  EXPECT_TRUE(select->BindInt(1, 1).Run().ok()) << "the error belongs to the earlier run";
}

TEST(SqliteTest, TransactionRollsBackUnlessCommitted) {
  Connection db = OpenMemory();
  {
    auto tx = WriteTransaction::Begin(db.get());
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(Execute(db.get(), "INSERT INTO t (k, n) VALUES ('gone', 1)").ok());
  }
  {
    auto tx = WriteTransaction::Begin(db.get());
    ASSERT_TRUE(Execute(db.get(), "INSERT INTO t (k, n) VALUES ('kept', 1)").ok());
    ASSERT_TRUE((*tx)->Commit().ok());
  }
  auto count = Statement::Prepare(db.get(), "SELECT group_concat(k) FROM t");
  ASSERT_TRUE(*count->Step());
  EXPECT_EQ(count->Text(0), "kept");
}

}  // namespace
}  // namespace de::sqlite
