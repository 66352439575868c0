#include "export/daily_summary.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace de {
namespace {

// The Melbourne day clocks go back (25 hours long), one table exported, one skipped, one failed.
DailyRunSummary PartialSuccess() {
  DailyRunSummary s;
  s.run_date = "2026-04-05";
  s.outcome = DailyRunOutcome::kPartialSuccess;
  s.env = "prod";
  s.time_zone = "Australia/Melbourne";
  s.start_time = 1775307600;  // 2026-04-05T00:00+11:00
  s.end_time = 1775397600;    // 2026-04-06T00:00+10:00
  s.trigger = "schedule";
  s.started_at = 1775401203'000042;
  s.finished_at = 1775401361'987654;
  s.policy_version = 7;
  DailyTableSummary cctv;
  cctv.table = "cctv";
  cctv.status = "COMPLETED";
  cctv.skipped = true;
  cctv.prefix = "exports/prod/2026/04/05/cctv/";
  DailyTableSummary way;
  way.table = "way";
  way.status = "FAILED";
  way.attempts = 3;
  way.rows_read = 10;
  way.prefix = "exports/prod/2026/04/05/way/";
  way.error = "UNAVAILABLE: warehouse connection lost";
  DailyTableSummary zone;
  zone.table = "zone";
  zone.status = "COMPLETED";
  zone.attempts = 1;
  zone.rows_read = 1000;
  zone.rows_dropped_by_policy = 3;
  zone.rows_written = 997;
  zone.bytes_written = 40960;
  zone.files = 2;
  zone.prefix = "exports/prod/2026/04/05/zone/";
  zone.unclassified_columns = {"new_col", "other"};
  s.tables = {cctv, way, zone};
  s.classifications.keys = {"exports/prod/2026/04/05/classifications/rules.parquet"};
  return s;
}

TEST(DailySummaryTest, OutcomeNames) {
  EXPECT_EQ(DailyRunOutcomeName(DailyRunOutcome::kSuccess), "SUCCESS");
  EXPECT_EQ(DailyRunOutcomeName(DailyRunOutcome::kPartialSuccess), "PARTIAL-SUCCESS");
  EXPECT_EQ(DailyRunOutcomeName(DailyRunOutcome::kFailed), "FAILED");
}

TEST(DailySummaryTest, CountsTreatSkippedAsCompleted) {
  DailyRunSummary s = PartialSuccess();
  EXPECT_EQ(s.completed_count(), 2u);
  EXPECT_EQ(s.failed_count(), 1u);
  EXPECT_EQ(s.skipped_count(), 1u);
  EXPECT_EQ(DailyRunSummary().completed_count(), 0u);
}

TEST(DailySummaryTest, PartialSuccessJsonExactly) {
  nlohmann::json expected = nlohmann::json::parse(R"({
    "schema": "data-exporter.daily-run/v1",
    "status": "PARTIAL-SUCCESS",
    "run_date": "2026-04-05",
    "env": "prod",
    "time_zone": "Australia/Melbourne",
    "range": {"start": 1775307600, "end": 1775397600,
              "start_utc": "2026-04-04T13:00:00Z", "end_utc": "2026-04-05T14:00:00Z"},
    "trigger": "schedule",
    "force": false,
    "started_at": "2026-04-05T15:00:03.000042Z",
    "finished_at": "2026-04-05T15:02:41.987654Z",
    "policy_version": 7,
    "counts": {"tables": 3, "completed": 2, "failed": 1, "skipped": 1},
    "tables": [
      {"table": "cctv", "status": "COMPLETED", "skipped": true, "attempts": 0, "rows_read": 0,
       "rows_dropped_by_policy": 0, "rows_written": 0, "bytes_written": 0, "files": 0,
       "prefix": "exports/prod/2026/04/05/cctv/", "error": null, "unclassified_columns": []},
      {"table": "way", "status": "FAILED", "skipped": false, "attempts": 3, "rows_read": 10,
       "rows_dropped_by_policy": 0, "rows_written": 0, "bytes_written": 0, "files": 0,
       "prefix": "exports/prod/2026/04/05/way/",
       "error": "UNAVAILABLE: warehouse connection lost", "unclassified_columns": []},
      {"table": "zone", "status": "COMPLETED", "skipped": false, "attempts": 1,
       "rows_read": 1000, "rows_dropped_by_policy": 3, "rows_written": 997,
       "bytes_written": 40960, "files": 2, "prefix": "exports/prod/2026/04/05/zone/",
       "error": null, "unclassified_columns": ["new_col", "other"]}
    ],
    "classifications": {"status": "COMPLETED", "skipped": false,
                        "files": ["exports/prod/2026/04/05/classifications/rules.parquet"],
                        "error": null},
    "unclassified_columns": {"zone": ["new_col", "other"]},
    "error": null
  })");
  nlohmann::json actual = DailyRunSummaryJson(PartialSuccess());
  EXPECT_EQ(actual, expected) << actual.dump(2);
  // Same members, no more: the dumps (sorted keys) agree byte for byte.
  EXPECT_EQ(actual.dump(), expected.dump());
}

TEST(DailySummaryTest, ErrorsAndEmptyRun) {
  DailyRunSummary s;
  s.run_date = "2024-02-29";
  s.error = "policy could not be loaded";
  s.classifications.status = "FAILED";
  s.classifications.error = "disk full";
  s.started_at = -1;  // floors to the previous second
  nlohmann::json json = DailyRunSummaryJson(s);
  EXPECT_EQ(json["status"], "FAILED");
  EXPECT_EQ(json["error"], "policy could not be loaded");
  EXPECT_EQ(json["classifications"]["error"], "disk full");
  EXPECT_EQ(json["tables"], nlohmann::json::array());
  EXPECT_EQ(json["unclassified_columns"], nlohmann::json::object());
  EXPECT_EQ(json["counts"]["tables"], 0);
  EXPECT_EQ(json["started_at"], "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(json["finished_at"], "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(json["range"]["start_utc"], "1970-01-01T00:00:00Z");
}

}  // namespace
}  // namespace de
