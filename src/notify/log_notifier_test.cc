#include "notify/log_notifier.h"

#include <gtest/gtest.h>

#include "notify/log_capture_for_test.h"

namespace de {
namespace {

DailyRunSummary PartialSuccess() {
  DailyRunSummary s;
  s.run_date = "2026-04-05";
  s.outcome = DailyRunOutcome::kPartialSuccess;
  s.env = "prod";
  s.trigger = "schedule";
  s.started_at = 1'000'000;
  s.finished_at = 159'950'000;  // 158.95 s later
  DailyTableSummary a{.table = "a", .status = "COMPLETED", .skipped = true};
  DailyTableSummary way{.table = "way", .status = "FAILED", .attempts = 3};
  way.error = "UNAVAILABLE: connection lost";
  DailyTableSummary zone{.table = "zone", .status = "COMPLETED", .attempts = 1};
  zone.unclassified_columns = {"new_col", "other"};
  DailyTableSummary zz{.table = "zz", .status = "FAILED", .attempts = 1};
  zz.error = "POLICY_VIOLATION: no rules";
  zz.unclassified_columns = {"x"};
  s.tables = {a, way, zone, zz};
  return s;
}

TEST(LogNotifierTest, RunLineHasCountsAndFailedTables) {
  EXPECT_EQ(DailyRunLogLine(PartialSuccess()),
            "daily run 2026-04-05 PARTIAL-SUCCESS: 4 tables, 2 completed (1 skipped), 2 failed "
            "[env prod, trigger schedule, 159.0 s]; failed: way: UNAVAILABLE: connection lost; "
            "zz: POLICY_VIOLATION: no rules");
}

TEST(LogNotifierTest, RunLineNamesClassificationAndRunErrors) {
  DailyRunSummary s;
  s.run_date = "2026-04-06";
  s.env = "dev";
  s.trigger = "cli";
  s.force = true;
  s.classifications.status = "FAILED";
  s.classifications.error = "disk full";
  s.error = "policy could not be loaded";
  EXPECT_EQ(DailyRunLogLine(s),
            "daily run 2026-04-06 FAILED: 0 tables, 0 completed (0 skipped), 0 failed "
            "[env dev, trigger cli, forced, 0.0 s]; classifications failed: disk full; "
            "run error: policy could not be loaded");
}

TEST(LogNotifierTest, UnclassifiedColumnsLine) {
  EXPECT_EQ(UnclassifiedColumnsLogLine(PartialSuccess()),
            "daily run 2026-04-05: unclassified columns were not exported: zone: new_col, other; "
            "zz: x");
  DailyRunSummary none;
  EXPECT_EQ(UnclassifiedColumnsLogLine(none), "");
}

TEST(LogNotifierTest, LogsAtTheOutcomesLevel) {
  LogNotifier notifier;
  EXPECT_EQ(notifier.name(), "log");
  DailyRunSummary s = PartialSuccess();
  {
    LogCapture capture;
    ASSERT_TRUE(notifier.Notify(s).ok());
    EXPECT_EQ(capture.text(), "warning " + DailyRunLogLine(s) + "\nwarning " +
                                  UnclassifiedColumnsLogLine(s) + "\n");
  }
  s.outcome = DailyRunOutcome::kSuccess;
  s.tables = {DailyTableSummary{.table = "a", .status = "COMPLETED", .attempts = 1}};
  {
    LogCapture capture;
    ASSERT_TRUE(notifier.Notify(s).ok());
    EXPECT_EQ(capture.text(), "info " + DailyRunLogLine(s) + "\n");
  }
  s.outcome = DailyRunOutcome::kFailed;
  {
    LogCapture capture;
    ASSERT_TRUE(notifier.Notify(s).ok());
    EXPECT_EQ(capture.text(), "error " + DailyRunLogLine(s) + "\n");
  }
}

}  // namespace
}  // namespace de
