#include "metadata/metadata_store.h"

#include <gtest/gtest.h>

namespace de {
namespace {

TEST(MetadataStoreNamesTest, JobStatesUseTheOriginalSpelling) {
  EXPECT_EQ(JobStateName(JobState::kInProgress), "IN-PROGRESS");
  EXPECT_EQ(JobStateName(JobState::kCompleted), "COMPLETED");
  EXPECT_EQ(JobStateName(JobState::kFailed), "FAILED");
  for (JobState state : {JobState::kInProgress, JobState::kCompleted, JobState::kFailed}) {
    EXPECT_EQ(ParseJobState(JobStateName(state)), state);
  }
  // The request spelling, other cases and padding are not job states.
  for (const char* name : {"IN_PROGRESS", "in-progress", "Completed", " FAILED", "", "UNKNOWN"}) {
    EXPECT_FALSE(ParseJobState(name).has_value()) << name;
  }
}

TEST(MetadataStoreNamesTest, DailyRunStates) {
  EXPECT_EQ(DailyRunStateName(DailyRunState::kRunning), "RUNNING");
  EXPECT_EQ(DailyRunStateName(DailyRunState::kSuccess), "SUCCESS");
  EXPECT_EQ(DailyRunStateName(DailyRunState::kPartialSuccess), "PARTIAL-SUCCESS");
  EXPECT_EQ(DailyRunStateName(DailyRunState::kFailed), "FAILED");
  for (DailyRunState state : {DailyRunState::kRunning, DailyRunState::kSuccess,
                              DailyRunState::kPartialSuccess, DailyRunState::kFailed}) {
    EXPECT_EQ(ParseDailyRunState(DailyRunStateName(state)), state);
  }
  for (const char* name : {"PARTIAL_SUCCESS", "success", "COMPLETED", "", "UNKNOWN"}) {
    EXPECT_FALSE(ParseDailyRunState(name).has_value()) << name;
  }
}

TEST(IsIsoDateTest, AcceptsRealCalendarDays) {
  for (const char* date : {"2024-03-01", "2024-02-29", "2000-02-29", "1970-01-01", "2026-04-05",
                           "2023-12-31", "0001-01-01", "9999-12-31"}) {
    EXPECT_TRUE(IsIsoDate(date)) << date;
  }
}

TEST(IsIsoDateTest, RefusesOtherShapesAndImpossibleDays) {
  for (const char* date :
       {"",           "2024-3-01",        "2024-03-1",   "24-03-01",    "2024/03/01",
        "20240301",   "2024-03-01T00:00", " 2024-03-01", "2024-03-01 ", "2023-02-29",
        "1900-02-29", "2024-02-30",       "2024-04-31",  "2024-13-01",  "2024-00-10",
        "2024-01-00", "2024-01-32",       "+024-03-01",  "-024-03-01",  "2024-0a-01",
        "2024_03_01", "２０２４-03-01"}) {
    EXPECT_FALSE(IsIsoDate(date)) << date;
  }
}

}  // namespace
}  // namespace de
