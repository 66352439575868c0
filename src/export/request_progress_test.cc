#include "export/request_progress.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "metadata/sqlite/sqlite_metadata_store.h"

namespace de {
namespace {

TEST(RequestProgressPercentTest, FinishedTablesSetTheFloor) {
  EXPECT_EQ(RequestProgressPercent(0, 4, 0, std::nullopt), 0.0);
  EXPECT_EQ(RequestProgressPercent(1, 4, 0, std::nullopt), 25.0);
  EXPECT_EQ(RequestProgressPercent(3, 4, 0, std::nullopt), 75.0);
  EXPECT_EQ(RequestProgressPercent(4, 4, 0, std::nullopt), 100.0);
  EXPECT_EQ(RequestProgressPercent(0, 0, 10, std::nullopt), 0.0);
}

TEST(RequestProgressPercentTest, RowsAgainstAnEstimate) {
  EXPECT_EQ(RequestProgressPercent(1, 2, 500, 1000), 75.0);  // (1 + 0.5) / 2
  EXPECT_EQ(RequestProgressPercent(0, 1, 250, 1000), 25.0);
  // An estimate that was too low never lets reading reach the next table's share.
  EXPECT_EQ(RequestProgressPercent(0, 2, 5000, 1000), 100.0 * kMaxReadingShare / 2);
  EXPECT_EQ(RequestProgressPercent(0, 2, 5000, 0),
            RequestProgressPercent(0, 2, 5000, std::nullopt));
}

TEST(RequestProgressPercentTest, WithoutAnEstimateRowsApproachButNeverReachTheNextTable) {
  EXPECT_EQ(RequestProgressPercent(0, 1, kRowsHalfWay, std::nullopt), 50.0);
  EXPECT_EQ(RequestProgressPercent(2, 4, kRowsHalfWay, std::nullopt), 62.5);
  double previous = -1;
  for (uint64_t rows : {uint64_t{0}, uint64_t{1}, uint64_t{1000}, uint64_t{100'000},
                        uint64_t{10'000'000}, uint64_t{1} << 40, ~uint64_t{0}}) {
    double p = RequestProgressPercent(1, 3, rows, std::nullopt);
    EXPECT_GE(p, previous) << rows;
    EXPECT_LT(p, 200.0 / 3) << rows;
    previous = p;
  }
  EXPECT_EQ(RequestProgressPercent(1, 3, ~uint64_t{0}, std::nullopt),
            100.0 * (1 + kMaxReadingShare) / 3);
}

class RequestProgressTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/request_progress_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    auto metadata = SqliteMetadataStore::Open(dir_ + "/metadata.db", &clock_);
    ASSERT_TRUE(metadata.ok()) << metadata.status().ToString();
    metadata_ = std::move(metadata).value();
    ExportRequest request;
    request.id = "r1";
    request.start_time = 0;
    request.end_time = 60;
    ASSERT_TRUE(metadata_->CreateRequest(request).ok());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  double Stored() { return (*metadata_->GetRequest("r1"))->progress; }

  std::string dir_;
  FakeClock clock_{1'000'000'000'000};
  std::unique_ptr<SqliteMetadataStore> metadata_;
};

TEST_F(RequestProgressTest, WritesAtMostOncePerInterval) {
  RequestProgress progress(metadata_.get(), &clock_, "r1", 0, /*min_interval_micros=*/500'000);
  progress.StartTable(0, 2, 1000);
  ASSERT_TRUE(progress.Rows(100).ok());  // the first write goes through
  EXPECT_EQ(Stored(), 5.0);
  ASSERT_TRUE(progress.Rows(200).ok());  // too soon: only remembered
  ASSERT_TRUE(progress.Rows(400).ok());
  EXPECT_EQ(progress.percent(), 20.0);
  EXPECT_EQ(Stored(), 5.0);
  EXPECT_EQ(progress.writes(), 1);
  clock_.SetMicros(clock_.NowMicros() + 499'999);
  ASSERT_TRUE(progress.Rows(500).ok());
  EXPECT_EQ(Stored(), 5.0);
  clock_.SetMicros(clock_.NowMicros() + 1);
  ASSERT_TRUE(progress.Rows(600).ok());
  EXPECT_EQ(Stored(), 30.0);
  EXPECT_EQ(progress.writes(), 2);
  clock_.AdvanceSeconds(1);
  ASSERT_TRUE(progress.FinishTable().ok());
  EXPECT_EQ(Stored(), 50.0);
  clock_.AdvanceSeconds(1);
  ASSERT_TRUE(progress.Rows(600).ok());  // no change since the last write: nothing written
  EXPECT_EQ(progress.writes(), 3);
}

TEST_F(RequestProgressTest, NeverGoesBackAndNeverWrites100) {
  // A resumed request that had reached 60 % keeps showing 60 % until the new run passes it.
  RequestProgress progress(metadata_.get(), &clock_, "r1", 60, /*min_interval_micros=*/0);
  progress.StartTable(0, 2, std::nullopt);
  ASSERT_TRUE(progress.Rows(kRowsHalfWay).ok());  // 25 %
  EXPECT_EQ(progress.percent(), 60.0);
  EXPECT_EQ(progress.writes(), 0);
  ASSERT_TRUE(progress.FinishTable().ok());  // 50 %
  EXPECT_EQ(progress.percent(), 60.0);
  progress.StartTable(1, 2, std::nullopt);
  ASSERT_TRUE(progress.Rows(3 * kRowsHalfWay).ok());  // 87.5 %
  EXPECT_EQ(Stored(), 87.5);
  ASSERT_TRUE(progress.FinishTable().ok());  // 100 % is FinishRequest's to write
  EXPECT_EQ(progress.percent(), 100.0);
  EXPECT_EQ(Stored(), 99.99);
}

TEST_F(RequestProgressTest, ReportsTheStoresError) {
  ASSERT_TRUE(metadata_->FinishRequest("r1", RequestState::kCancelled, "stop", {}).ok());
  RequestProgress progress(metadata_.get(), &clock_, "r1", 0, 0);
  progress.StartTable(0, 1, std::nullopt);
  EXPECT_EQ(progress.Rows(10).code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace de
