// Cron schedules evaluated in an IANA time zone (DESIGN.md §1: the daily export fires at
// "0 1 * * *" Australia/Melbourne by default), and the local calendar days a daily run covers.
//
// Expressions have the five classic fields: minute (0-59), hour (0-23), day of month (1-31),
// month (1-12 or JAN-DEC), day of week (0-7 or SUN-SAT; 0 and 7 are Sunday). Each field is `*`,
// a value, a range `a-b`, a list `a,b-c`, or any of those with a step `/n` (`*/15`, `1-30/2`,
// `5/10` = from 5 to the field's maximum). Names are case-insensitive. As in Vixie cron, when
// both day of month and day of week are restricted (neither starts with `*`), a day matches if
// either matches.
//
// Daylight saving: fire times are local wall-clock times. A local time that happens twice (the
// hour clocks go back) fires once, at its first occurrence; a local time that does not exist
// (the hour clocks skip) fires at the next valid instant, the moment the clocks jump.
//
// Thread-safety: a CronSchedule is immutable; const members may be called from any thread.
#pragma once

#include <array>
#include <bitset>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace date {
class time_zone;
}

namespace de {

// A proleptic Gregorian calendar date, independent of any zone.
struct LocalDate {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31

  // Strict "YYYY-MM-DD" (four-digit year 1970..9999, a real date); kInvalidArgument naming the
  // input otherwise.
  static Result<LocalDate> Parse(std::string_view text);
  // "YYYY-MM-DD".
  std::string ToString() const;
  // The date `days` later (negative: earlier).
  LocalDate AddDays(int days) const;
  // Days since 1970-01-01.
  int64_t DaysSinceEpoch() const;
  static LocalDate FromDaysSinceEpoch(int64_t days);

  friend auto operator<=>(const LocalDate&, const LocalDate&) = default;
};

// [start, end) of one local calendar day in a zone, as UTC epoch seconds. 23 or 25 hours long on
// the days clocks change.
struct DayBounds {
  int64_t start = 0;
  int64_t end = 0;
};

// A time zone from the system's zoneinfo.
class TimeZone {
 public:
  // "Australia/Melbourne", "UTC", ...; kInvalidArgument naming the zone if it is unknown.
  static Result<TimeZone> Find(std::string_view name);

  const std::string& name() const { return name_; }
  // The local calendar date at an instant.
  LocalDate DateOf(int64_t epoch_seconds) const;
  // Local midnight to the next local midnight (if midnight itself does not exist that day, the
  // day starts at the first valid instant).
  DayBounds BoundsOf(LocalDate day) const;
  // The UTC instant of a local wall-clock time: the first occurrence if it is ambiguous, the
  // moment the clocks jump if it does not exist.
  int64_t ToUtc(LocalDate day, int hour, int minute) const;

 private:
  friend class CronSchedule;  // reads the local time of day of an instant
  TimeZone(std::string name, const date::time_zone* zone) : name_(std::move(name)), zone_(zone) {}
  std::string name_;
  const date::time_zone* zone_;  // owned by the tz database, lives as long as the process
};

class CronSchedule {
 public:
  // Parses `expression` in `time_zone`. kInvalidArgument naming the field, the offending text
  // and the allowed range: wrong field count, unknown name, value out of range, a range whose
  // start is after its end, a zero step, an empty list element, trailing garbage.
  static Result<CronSchedule> Parse(std::string_view expression, std::string_view time_zone);

  // The first fire instant strictly after `after` (UTC epoch seconds), or kNotFound when the
  // expression can never fire (e.g. "0 0 30 2 *"; searched up to 8 years ahead).
  Result<int64_t> NextAfter(int64_t after) const;

  const std::string& expression() const { return expression_; }
  const TimeZone& zone() const { return zone_; }

 private:
  CronSchedule(std::string expression, TimeZone zone)
      : expression_(std::move(expression)), zone_(std::move(zone)) {}
  bool MatchesDay(LocalDate day) const;

  std::string expression_;
  TimeZone zone_;
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_of_month_;  // bit 1..31
  std::bitset<13> months_;         // bit 1..12
  std::bitset<7> days_of_week_;    // bit 0 = Sunday
  bool dom_restricted_ = false;    // field did not start with '*'
  bool dow_restricted_ = false;
};

}  // namespace de
