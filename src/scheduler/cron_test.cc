// Cron parsing and next-fire times in an IANA zone, including the two Melbourne daylight-saving
// days of 2026: clocks go back on Sunday 5 April (03:00 AEDT -> 02:00 AEST) and forward on
// Sunday 4 October (02:00 AEST -> 03:00 AEDT).
#include "scheduler/cron.h"

#include <gtest/gtest.h>

#include <ctime>
#include <string>
#include <vector>

namespace de {
namespace {

constexpr char kMelbourne[] = "Australia/Melbourne";

// Epoch seconds of a UTC wall-clock time (independent of the code under test).
int64_t Utc(int year, int month, int day, int hour = 0, int minute = 0) {
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  return static_cast<int64_t>(timegm(&tm));
}

CronSchedule MustParse(std::string_view expression, std::string_view zone = kMelbourne) {
  Result<CronSchedule> schedule = CronSchedule::Parse(expression, zone);
  EXPECT_TRUE(schedule.ok()) << expression << ": " << schedule.status().ToString();
  if (!schedule.ok()) std::abort();
  return std::move(schedule).value();
}

// Every fire instant within the local day `day` of the schedule's zone.
std::vector<int64_t> FiresOn(const CronSchedule& schedule, LocalDate day) {
  DayBounds bounds = schedule.zone().BoundsOf(day);
  std::vector<int64_t> fires;
  int64_t after = bounds.start - 1;
  while (true) {
    Result<int64_t> next = schedule.NextAfter(after);
    EXPECT_TRUE(next.ok()) << next.status().ToString();
    if (!next.ok() || *next >= bounds.end) break;
    fires.push_back(*next);
    after = *next;
  }
  return fires;
}

// Minutes after UTC midnight of every fire on a UTC day.
std::vector<int> UtcMinutesOn(std::string_view expression, LocalDate day) {
  CronSchedule schedule = MustParse(expression, "UTC");
  std::vector<int> minutes;
  int64_t midnight = Utc(day.year, day.month, day.day);
  for (int64_t fire : FiresOn(schedule, day)) minutes.push_back((fire - midnight) / 60);
  return minutes;
}

// Days of a month (UTC) on which the expression fires at least once.
std::vector<int> UtcDaysIn(std::string_view expression, int year, int month) {
  CronSchedule schedule = MustParse(expression, "UTC");
  std::vector<int> days;
  for (LocalDate d{year, month, 1}; d.month == month; d = d.AddDays(1)) {
    if (!FiresOn(schedule, d).empty()) days.push_back(d.day);
  }
  return days;
}

// --- LocalDate ---

TEST(LocalDateTest, ParsesStrictCalendarDates) {
  Result<LocalDate> date = LocalDate::Parse("2026-04-05");
  ASSERT_TRUE(date.ok()) << date.status().ToString();
  EXPECT_EQ(*date, (LocalDate{2026, 4, 5}));
  EXPECT_EQ(date->ToString(), "2026-04-05");
  EXPECT_EQ((LocalDate::Parse("2028-02-29").ok()), true);
  EXPECT_EQ((LocalDate::Parse("1970-01-01").ok()), true);
  EXPECT_EQ((LocalDate::Parse("9999-12-31").ok()), true);
}

TEST(LocalDateTest, RejectsMalformedDates) {
  for (const char* text : {"2026-02-29", "2026-4-05", "2026-04-05x", "2026-04-05 ", "", "2026",
                           "2026/04/05", "1969-12-31", "2026-13-01", "2026-00-10", "2026-04-00",
                           "2026-04-31", "+026-04-05", "2026-0a-05", " 2026-04-0"}) {
    Result<LocalDate> date = LocalDate::Parse(text);
    ASSERT_FALSE(date.ok()) << text;
    EXPECT_EQ(date.status().code(), StatusCode::kInvalidArgument) << text;
    EXPECT_NE(date.status().message().find(std::string("'") + text + "'"), std::string::npos)
        << date.status().message();
  }
}

TEST(LocalDateTest, DayArithmetic) {
  EXPECT_EQ((LocalDate{1970, 1, 1}.DaysSinceEpoch()), 0);
  EXPECT_EQ((LocalDate{2026, 4, 5}.DaysSinceEpoch()), 20548);
  EXPECT_EQ(LocalDate::FromDaysSinceEpoch(20548), (LocalDate{2026, 4, 5}));
  EXPECT_EQ((LocalDate{2028, 2, 28}.AddDays(1)), (LocalDate{2028, 2, 29}));
  EXPECT_EQ((LocalDate{2026, 2, 28}.AddDays(1)), (LocalDate{2026, 3, 1}));
  EXPECT_EQ((LocalDate{2026, 1, 1}.AddDays(-1)), (LocalDate{2025, 12, 31}));
  EXPECT_LT((LocalDate{2026, 4, 5}), (LocalDate{2026, 10, 4}));
}

// --- TimeZone ---

TEST(TimeZoneTest, UnknownZoneIsInvalidArgument) {
  Result<TimeZone> zone = TimeZone::Find("Mars/Olympus");
  ASSERT_FALSE(zone.ok());
  EXPECT_EQ(zone.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(zone.status().message().find("Mars/Olympus"), std::string::npos);
}

TEST(TimeZoneTest, MelbourneDayBoundsAcrossDaylightSaving) {
  Result<TimeZone> zone = TimeZone::Find(kMelbourne);
  ASSERT_TRUE(zone.ok()) << zone.status().ToString();
  EXPECT_EQ(zone->name(), kMelbourne);

  DayBounds ordinary = zone->BoundsOf({2026, 1, 10});  // AEDT, UTC+11
  EXPECT_EQ(ordinary.start, Utc(2026, 1, 9, 13));
  EXPECT_EQ(ordinary.end, Utc(2026, 1, 10, 13));

  DayBounds back = zone->BoundsOf({2026, 4, 5});  // 00:00 AEDT to 00:00 AEST: 25 hours
  EXPECT_EQ(back.start, Utc(2026, 4, 4, 13));
  EXPECT_EQ(back.end, Utc(2026, 4, 5, 14));
  EXPECT_EQ(back.end - back.start, 25 * 3600);

  DayBounds forward = zone->BoundsOf({2026, 10, 4});  // 00:00 AEST to 00:00 AEDT: 23 hours
  EXPECT_EQ(forward.start, Utc(2026, 10, 3, 14));
  EXPECT_EQ(forward.end, Utc(2026, 10, 4, 13));
  EXPECT_EQ(forward.end - forward.start, 23 * 3600);
}

TEST(TimeZoneTest, DateOfAndToUtc) {
  Result<TimeZone> zone = TimeZone::Find(kMelbourne);
  ASSERT_TRUE(zone.ok());
  EXPECT_EQ(zone->DateOf(Utc(2026, 4, 4, 12, 59)), (LocalDate{2026, 4, 4}));
  EXPECT_EQ(zone->DateOf(Utc(2026, 4, 4, 13, 0)), (LocalDate{2026, 4, 5}));
  EXPECT_EQ(zone->DateOf(Utc(2026, 4, 5, 13, 59)), (LocalDate{2026, 4, 5}));
  EXPECT_EQ(zone->DateOf(Utc(2026, 4, 5, 14, 0)), (LocalDate{2026, 4, 6}));
  // Ambiguous 02:30 on 5 April: the first occurrence (AEDT).
  EXPECT_EQ(zone->ToUtc({2026, 4, 5}, 2, 30), Utc(2026, 4, 4, 15, 30));
  // Nonexistent 02:30 on 4 October: the moment the clocks jump (02:00 AEST = 16:00 UTC).
  EXPECT_EQ(zone->ToUtc({2026, 10, 4}, 2, 30), Utc(2026, 10, 3, 16, 0));
  EXPECT_EQ(zone->ToUtc({2026, 10, 4}, 3, 0), Utc(2026, 10, 3, 16, 0));
  EXPECT_EQ(zone->ToUtc({2026, 10, 4}, 1, 59), Utc(2026, 10, 3, 15, 59));
}

// --- CronSchedule: next fire times ---

TEST(CronScheduleTest, DefaultScheduleInMelbourne) {
  CronSchedule schedule = MustParse("0 1 * * *");
  EXPECT_EQ(schedule.expression(), "0 1 * * *");
  EXPECT_EQ(schedule.zone().name(), kMelbourne);
  // 23:00 AEDT on 10 January -> 01:00 AEDT on 11 January.
  Result<int64_t> next = schedule.NextAfter(Utc(2026, 1, 10, 12));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next, Utc(2026, 1, 10, 14));
  // Strictly after: the fire instant itself gives the next day's.
  next = schedule.NextAfter(Utc(2026, 1, 10, 14));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next, Utc(2026, 1, 11, 14));
  // Winter (AEST, UTC+10).
  next = schedule.NextAfter(Utc(2026, 7, 1, 0));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next, Utc(2026, 7, 1, 15));
}

TEST(CronScheduleTest, OneAmFiresOnceOnBothDaylightSavingDays) {
  CronSchedule schedule = MustParse("0 1 * * *");
  EXPECT_EQ(FiresOn(schedule, {2026, 4, 5}), (std::vector<int64_t>{Utc(2026, 4, 4, 14)}));
  EXPECT_EQ(FiresOn(schedule, {2026, 4, 6}), (std::vector<int64_t>{Utc(2026, 4, 5, 15)}));
  EXPECT_EQ(FiresOn(schedule, {2026, 10, 4}), (std::vector<int64_t>{Utc(2026, 10, 3, 15)}));
  EXPECT_EQ(FiresOn(schedule, {2026, 10, 5}), (std::vector<int64_t>{Utc(2026, 10, 4, 14)}));
  // Consecutive fires across the change: 25 and 23 hours apart.
  Result<int64_t> after_back = schedule.NextAfter(Utc(2026, 4, 4, 14));
  ASSERT_TRUE(after_back.ok());
  EXPECT_EQ(*after_back - Utc(2026, 4, 4, 14), 25 * 3600);
  Result<int64_t> after_forward = schedule.NextAfter(Utc(2026, 10, 3, 15));
  ASSERT_TRUE(after_forward.ok());
  EXPECT_EQ(*after_forward - Utc(2026, 10, 3, 15), 23 * 3600);
}

TEST(CronScheduleTest, AmbiguousTimeFiresAtItsFirstOccurrence) {
  CronSchedule schedule = MustParse("30 2 * * *");
  EXPECT_EQ(FiresOn(schedule, {2026, 4, 5}), (std::vector<int64_t>{Utc(2026, 4, 4, 15, 30)}));
  // Not again at the second 02:30 (16:30 UTC).
  Result<int64_t> next = schedule.NextAfter(Utc(2026, 4, 4, 15, 30));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next, Utc(2026, 4, 5, 16, 30));  // 02:30 AEST on 6 April
  // Every quarter hour of the repeated hour fires once, not twice.
  EXPECT_EQ(FiresOn(MustParse("*/15 2 * * *"), {2026, 4, 5}),
            (std::vector<int64_t>{Utc(2026, 4, 4, 15, 0), Utc(2026, 4, 4, 15, 15),
                                  Utc(2026, 4, 4, 15, 30), Utc(2026, 4, 4, 15, 45)}));
}

TEST(CronScheduleTest, SkippedTimeFiresWhenTheClocksJump) {
  EXPECT_EQ(FiresOn(MustParse("30 2 * * *"), {2026, 10, 4}),
            (std::vector<int64_t>{Utc(2026, 10, 3, 16)}));
  // Four skipped times map to one instant: one fire.
  EXPECT_EQ(FiresOn(MustParse("*/15 2 * * *"), {2026, 10, 4}),
            (std::vector<int64_t>{Utc(2026, 10, 3, 16)}));
  // The day before and after are ordinary.
  EXPECT_EQ(FiresOn(MustParse("30 2 * * *"), {2026, 10, 5}),
            (std::vector<int64_t>{Utc(2026, 10, 4, 15, 30)}));
}

TEST(CronScheduleTest, HourlyOnDaylightSavingDays) {
  CronSchedule hourly = MustParse("0 * * * *");
  std::vector<int64_t> back = FiresOn(hourly, {2026, 4, 5});
  ASSERT_EQ(back.size(), 24u);  // 02:00 happens twice but fires once
  EXPECT_EQ(back[2], Utc(2026, 4, 4, 15));
  EXPECT_EQ(back[3], Utc(2026, 4, 4, 17));  // 03:00 AEST
  std::vector<int64_t> forward = FiresOn(hourly, {2026, 10, 4});
  ASSERT_EQ(forward.size(), 23u);  // skipped 02:00 and 03:00 are the same instant
  EXPECT_EQ(forward[1], Utc(2026, 10, 3, 15));
  EXPECT_EQ(forward[2], Utc(2026, 10, 3, 16));
  EXPECT_EQ(forward[3], Utc(2026, 10, 3, 17));  // 04:00 AEDT
}

TEST(CronScheduleTest, LeapDay) {
  CronSchedule schedule = MustParse("0 0 29 2 *");
  Result<int64_t> next = schedule.NextAfter(Utc(2026, 3, 1));
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(*next, Utc(2028, 2, 28, 13));  // 2028-02-29 00:00 AEDT
  EXPECT_EQ(schedule.zone().DateOf(*next), (LocalDate{2028, 2, 29}));
  next = schedule.NextAfter(*next);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(schedule.zone().DateOf(*next), (LocalDate{2032, 2, 29}));
}

TEST(CronScheduleTest, NeverFiringExpressionIsNotFound) {
  CronSchedule schedule = MustParse("0 0 30 2 *");
  Result<int64_t> next = schedule.NextAfter(Utc(2026, 1, 1));
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.status().code(), StatusCode::kNotFound);
}

// --- CronSchedule: field syntax (in UTC, so local = UTC) ---

TEST(CronScheduleTest, Steps) {
  EXPECT_EQ(UtcMinutesOn("*/15 3 * * *", {2026, 3, 2}), (std::vector<int>{180, 195, 210, 225}));
  std::vector<int> odd;
  for (int m = 1; m <= 29; m += 2) odd.push_back(m);
  EXPECT_EQ(UtcMinutesOn("1-30/2 0 * * *", {2026, 3, 2}), odd);
  EXPECT_EQ(UtcMinutesOn("5/10 0 * * *", {2026, 3, 2}), (std::vector<int>{5, 15, 25, 35, 45, 55}));
  EXPECT_EQ(UtcMinutesOn("0 */8 * * *", {2026, 3, 2}), (std::vector<int>{0, 480, 960}));
  EXPECT_EQ(UtcMinutesOn("0 20/2 * * *", {2026, 3, 2}), (std::vector<int>{1200, 1320}));
}

TEST(CronScheduleTest, ListsAndRanges) {
  EXPECT_EQ(UtcMinutesOn("0,30 1,3-4 * * *", {2026, 3, 2}),
            (std::vector<int>{60, 90, 180, 210, 240, 270}));
  EXPECT_EQ(UtcMinutesOn("59 23 * * *", {2026, 3, 2}), (std::vector<int>{1439}));
  EXPECT_EQ(UtcDaysIn("0 0 10-12,20 * *", 2026, 3), (std::vector<int>{10, 11, 12, 20}));
}

TEST(CronScheduleTest, DayOfWeekNamesAndSunday) {
  // March 2026: the 1st is a Sunday.
  EXPECT_EQ(UtcDaysIn("0 0 * * MON-FRI", 2026, 3),
            (std::vector<int>{2,  3,  4,  5,  6,  9,  10, 11, 12, 13, 16,
                              17, 18, 19, 20, 23, 24, 25, 26, 27, 30, 31}));
  EXPECT_EQ(UtcDaysIn("0 0 * * 7", 2026, 3), (std::vector<int>{1, 8, 15, 22, 29}));
  EXPECT_EQ(UtcDaysIn("0 0 * * 0", 2026, 3), (std::vector<int>{1, 8, 15, 22, 29}));
  EXPECT_EQ(UtcDaysIn("0 0 * * sun", 2026, 3), (std::vector<int>{1, 8, 15, 22, 29}));
  EXPECT_EQ(UtcDaysIn("0 0 * * 5-7", 2026, 3),
            (std::vector<int>{1, 6, 7, 8, 13, 14, 15, 20, 21, 22, 27, 28, 29}));
  EXPECT_EQ(UtcDaysIn("0 0 * * Sat/3", 2026, 3), (std::vector<int>{7, 14, 21, 28}));
}

TEST(CronScheduleTest, MonthNames) {
  CronSchedule schedule = MustParse("0 0 1 jan,JUL *", "UTC");
  Result<int64_t> next = schedule.NextAfter(Utc(2026, 1, 1));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next, Utc(2026, 7, 1));
  next = schedule.NextAfter(*next);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next, Utc(2027, 1, 1));
  next = MustParse("0 0 1 Mar-May/2 *", "UTC").NextAfter(Utc(2026, 3, 1));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next, Utc(2026, 5, 1));
}

TEST(CronScheduleTest, DayOfMonthOrDayOfWeekWhenBothRestricted) {
  // Fridays in March 2026 are 6, 13, 20, 27.
  EXPECT_EQ(UtcDaysIn("0 0 1 * FRI", 2026, 3), (std::vector<int>{1, 6, 13, 20, 27}));
  // Day of month unrestricted ('*'): only Fridays; a '*/2' counts as unrestricted, so both must
  // match (odd days that are Fridays).
  EXPECT_EQ(UtcDaysIn("0 0 * * FRI", 2026, 3), (std::vector<int>{6, 13, 20, 27}));
  EXPECT_EQ(UtcDaysIn("0 0 */2 * FRI", 2026, 3), (std::vector<int>{13, 27}));
  // Day of week unrestricted: only the day of month.
  EXPECT_EQ(UtcDaysIn("0 0 1 * *", 2026, 3), (std::vector<int>{1}));
}

TEST(CronScheduleTest, ExtraWhitespaceBetweenFields) {
  EXPECT_EQ(UtcMinutesOn("  0\t1  * *   *  ", {2026, 3, 2}), (std::vector<int>{60}));
}

// --- CronSchedule: malformed expressions ---

struct BadCase {
  const char* expression;
  const char* zone;
  std::vector<const char*> mentions;  // substrings the message must contain
};

TEST(CronScheduleTest, MalformedExpressionsNameTheField) {
  const std::vector<BadCase> cases = {
      {"", kMelbourne, {"0 fields", "expected 5"}},
      {"* * * *", kMelbourne, {"4 fields", "expected 5"}},
      {"* * * * * *", kMelbourne, {"6 fields", "expected 5"}},
      {"60 * * * *", kMelbourne, {"minute field '60'", "60 out of range", "0-59"}},
      {"* 24 * * *", kMelbourne, {"hour field '24'", "0-23"}},
      {"* * 0 * *", kMelbourne, {"day-of-month field '0'", "1-31"}},
      {"* * 32 * *", kMelbourne, {"day-of-month field '32'", "1-31"}},
      {"* * * 13 *", kMelbourne, {"month field '13'", "1-12"}},
      {"* * * * 8", kMelbourne, {"day-of-week field '8'", "0-7 or SUN-SAT"}},
      {"5-1 * * * *", kMelbourne, {"minute field '5-1'", "starts after it ends"}},
      {"*/0 * * * *", kMelbourne, {"minute field '*/0'", "step 0"}},
      {"*/ * * * *", kMelbourne, {"minute field '*/'", "step '' is not a number"}},
      {"*/61 * * * *", kMelbourne, {"minute field '*/61'", "step 61"}},
      {"1,,2 * * * *", kMelbourne, {"minute field '1,,2'", "empty list element"}},
      {"1, * * * *", kMelbourne, {"minute field '1,'", "empty list element"}},
      {"FOO * * * *", kMelbourne, {"minute field 'FOO'", "'FOO' is not a value"}},
      {"* * * FOO *", kMelbourne, {"month field 'FOO'", "1-12 or JAN-DEC"}},
      {"* * * * MON-", kMelbourne, {"day-of-week field 'MON-'", "missing value"}},
      {"* * * * MONDAY", kMelbourne, {"day-of-week field 'MONDAY'", "not a value"}},
      {"* * * JAN * ", "UTC", {}},  // control: valid
      {"-1 * * * *", kMelbourne, {"minute field '-1'", "missing value"}},
      {"1x * * * *", kMelbourne, {"minute field '1x'", "'1x' is not a value"}},
      {"1-2-3 * * * *", kMelbourne, {"minute field '1-2-3'"}},
      {"*/5/2 * * * *", kMelbourne, {"minute field '*/5/2'", "step '5/2'"}},
      {"** * * * *", kMelbourne, {"minute field '**'"}},
      {"0 1 * * *", "Mars/Olympus", {"unknown time zone 'Mars/Olympus'"}},
  };
  for (const BadCase& c : cases) {
    Result<CronSchedule> schedule = CronSchedule::Parse(c.expression, c.zone);
    if (c.mentions.empty()) {
      EXPECT_TRUE(schedule.ok()) << c.expression << ": " << schedule.status().ToString();
      continue;
    }
    ASSERT_FALSE(schedule.ok()) << "'" << c.expression << "' parsed";
    EXPECT_EQ(schedule.status().code(), StatusCode::kInvalidArgument) << c.expression;
    for (const char* mention : c.mentions) {
      EXPECT_NE(schedule.status().message().find(mention), std::string::npos)
          << "'" << c.expression << "': message '" << schedule.status().message() << "' lacks '"
          << mention << "'";
    }
  }
}

}  // namespace
}  // namespace de
