#include "scheduler/cron.h"

#include <date/date.h>
#include <date/tz.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <exception>
#include <optional>
#include <vector>

#include "metadata/metadata_store.h"

namespace de {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr int kSearchDays = 8 * 366;  // how far NextAfter looks ahead

date::year_month_day ToYmd(const LocalDate& d) {
  return date::year{d.year} / date::month{static_cast<unsigned>(d.month)} /
         date::day{static_cast<unsigned>(d.day)};
}

LocalDate FromYmd(const date::year_month_day& ymd) {
  return LocalDate{static_cast<int>(ymd.year()),
                   static_cast<int>(static_cast<unsigned>(ymd.month())),
                   static_cast<int>(static_cast<unsigned>(ymd.day()))};
}

bool AllDigits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<int> ParseInt(std::string_view text) {
  if (!AllDigits(text) || text.size() > 9) return std::nullopt;
  int value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

// --- expression fields ---

struct FieldSpec {
  const char* name;  // "minute", ...
  int min;
  int max;
  const char* const* names;  // 3-letter names for min, min+1, ...; nullptr if none
  int name_count;
};

constexpr const char* kMonthNames[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                       "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr const char* kDayNames[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

constexpr FieldSpec kFields[5] = {
    {"minute", 0, 59, nullptr, 0},       {"hour", 0, 23, nullptr, 0},
    {"day-of-month", 1, 31, nullptr, 0}, {"month", 1, 12, kMonthNames, 12},
    {"day-of-week", 0, 7, kDayNames, 7},  // 7 is Sunday too
};

// Parses one field into the set of allowed values, as a 64-bit mask (bit v = value v).
class FieldParser {
 public:
  FieldParser(const FieldSpec& spec, std::string_view text) : spec_(spec), text_(text) {}

  Result<uint64_t> Parse() {
    uint64_t mask = 0;
    std::string_view rest = text_;
    while (true) {
      size_t comma = rest.find(',');
      std::string_view element = rest.substr(0, comma);
      if (element.empty()) return Error("empty list element");
      ASSIGN_OR_RETURN(uint64_t bits, ParseElement(element));
      mask |= bits;
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
    return mask;
  }

 private:
  Status Error(std::string_view problem) const {
    std::string names = spec_.name_count == 0 ? ""
                                              : fmt::format(" or {}-{}", spec_.names[0],
                                                            spec_.names[spec_.name_count - 1]);
    return InvalidArgument("{} field '{}': {} (allowed {}-{}{})", spec_.name, text_, problem,
                           spec_.min, spec_.max, names);
  }

  // `element` is `*`, `a`, `a-b`, each optionally followed by `/step`.
  Result<uint64_t> ParseElement(std::string_view element) {
    int step = 1;
    bool stepped = false;
    size_t slash = element.find('/');
    if (slash != std::string_view::npos) {
      std::string_view step_text = element.substr(slash + 1);
      std::optional<int> parsed = ParseInt(step_text);
      if (!parsed) return Error(fmt::format("step '{}' is not a number", step_text));
      if (*parsed == 0) return Error("step 0");
      if (*parsed > spec_.max - spec_.min + 1) {
        return Error(fmt::format("step {} is larger than the field", *parsed));
      }
      step = *parsed;
      stepped = true;
      element = element.substr(0, slash);
    }
    int first = spec_.min;
    int last = spec_.max;
    if (element != "*") {
      size_t dash = element.find('-');
      ASSIGN_OR_RETURN(first, ParseValue(element.substr(0, dash)));
      if (dash != std::string_view::npos) {
        ASSIGN_OR_RETURN(last, ParseValue(element.substr(dash + 1)));
        if (first > last) {
          return Error(fmt::format("range '{}' starts after it ends", element));
        }
      } else {
        last = stepped ? spec_.max : first;  // "5/10" = from 5 to the maximum
      }
    }
    uint64_t mask = 0;
    for (int v = first; v <= last; v += step) mask |= uint64_t{1} << v;
    return mask;
  }

  Result<int> ParseValue(std::string_view text) const {
    if (text.empty()) return Error("missing value");
    if (std::optional<int> number = ParseInt(text)) {
      if (*number < spec_.min || *number > spec_.max) {
        return Error(fmt::format("value {} out of range", *number));
      }
      return *number;
    }
    for (int i = 0; i < spec_.name_count && text.size() == 3; ++i) {
      if (std::equal(text.begin(), text.end(), spec_.names[i], [](char a, char b) {
            return std::toupper(static_cast<unsigned char>(a)) == b;
          })) {
        return spec_.min + i;
      }
    }
    return Error(fmt::format("'{}' is not a value", text));
  }

  const FieldSpec& spec_;
  std::string_view text_;
};

std::vector<std::string_view> SplitFields(std::string_view text) {
  std::vector<std::string_view> fields;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    size_t start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i > start) fields.push_back(text.substr(start, i - start));
  }
  return fields;
}

template <size_t N>
std::bitset<N> ToBits(uint64_t mask) {
  std::bitset<N> bits;
  for (size_t i = 0; i < N; ++i) bits[i] = ((mask >> i) & 1) != 0;
  return bits;
}

}  // namespace

// --- LocalDate ---

Result<LocalDate> LocalDate::Parse(std::string_view text) {
  auto bad = [&] {
    return InvalidArgument("date '{}' is not a calendar date YYYY-MM-DD (1970-9999)", text);
  };
  // IsIsoDate is the one definition of a valid run date (the metadata store enforces it too).
  if (!IsIsoDate(text) || text < "1970") return bad();
  return LocalDate{*ParseInt(text.substr(0, 4)), *ParseInt(text.substr(5, 2)),
                   *ParseInt(text.substr(8, 2))};
}

std::string LocalDate::ToString() const {
  return fmt::format("{:04}-{:02}-{:02}", year, month, day);
}

LocalDate LocalDate::AddDays(int days) const { return FromDaysSinceEpoch(DaysSinceEpoch() + days); }

int64_t LocalDate::DaysSinceEpoch() const {
  return date::sys_days(ToYmd(*this)).time_since_epoch().count();
}

LocalDate LocalDate::FromDaysSinceEpoch(int64_t days) {
  return FromYmd(date::year_month_day(date::sys_days(date::days(days))));
}

// --- TimeZone ---

Result<TimeZone> TimeZone::Find(std::string_view name) {
  try {
    const date::time_zone* zone = date::locate_zone(name);
    // The zone's file is read on first use; do it here, where a failure can still be reported,
    // so the members below never throw.
    (void)zone->get_info(date::sys_seconds(seconds(0)));
    return TimeZone(std::string(name), zone);
  } catch (const std::exception& e) {
    return InvalidArgument("unknown time zone '{}' ({})", name, e.what());
  }
}

LocalDate TimeZone::DateOf(int64_t epoch_seconds) const {
  date::local_seconds local = zone_->to_local(date::sys_seconds(seconds(epoch_seconds)));
  return FromYmd(date::year_month_day(date::floor<date::days>(local)));
}

DayBounds TimeZone::BoundsOf(LocalDate day) const {
  return DayBounds{ToUtc(day, 0, 0), ToUtc(day.AddDays(1), 0, 0)};
}

int64_t TimeZone::ToUtc(LocalDate day, int hour, int minute) const {
  date::local_seconds local = date::local_days(ToYmd(day)) + hours(hour) + minutes(minute);
  // choose::earliest: the first occurrence of an ambiguous time; for a time in a gap the date
  // library returns the instant the gap ends, i.e. the moment the clocks jump.
  return zone_->to_sys(local, date::choose::earliest).time_since_epoch().count();
}

// --- CronSchedule ---

Result<CronSchedule> CronSchedule::Parse(std::string_view expression, std::string_view time_zone) {
  ASSIGN_OR_RETURN(TimeZone zone, TimeZone::Find(time_zone));
  std::vector<std::string_view> fields = SplitFields(expression);
  if (fields.size() != 5) {
    return InvalidArgument(
        "cron expression '{}' has {} fields; expected 5: minute hour day-of-month month "
        "day-of-week",
        expression, fields.size());
  }
  uint64_t masks[5];
  for (size_t i = 0; i < 5; ++i) {
    Result<uint64_t> mask = FieldParser(kFields[i], fields[i]).Parse();
    if (!mask.ok()) {
      return mask.status().WithContext(fmt::format("cron expression '{}'", expression));
    }
    masks[i] = *mask;
  }
  CronSchedule schedule(std::string(expression), std::move(zone));
  schedule.minutes_ = ToBits<60>(masks[0]);
  schedule.hours_ = ToBits<24>(masks[1]);
  schedule.days_of_month_ = ToBits<32>(masks[2]);
  schedule.months_ = ToBits<13>(masks[3]);
  uint64_t dow = masks[4];
  if ((dow >> 7) & 1) dow |= 1;  // 7 is Sunday
  schedule.days_of_week_ = ToBits<7>(dow);
  schedule.dom_restricted_ = fields[2].front() != '*';
  schedule.dow_restricted_ = fields[4].front() != '*';
  return schedule;
}

bool CronSchedule::MatchesDay(LocalDate day) const {
  if (!months_[day.month]) return false;
  bool dom = days_of_month_[day.day];
  unsigned weekday = date::weekday(date::sys_days(ToYmd(day))).c_encoding();  // 0 = Sunday
  bool dow = days_of_week_[weekday];
  if (dom_restricted_ && dow_restricted_) return dom || dow;
  return dom && dow;
}

Result<int64_t> CronSchedule::NextAfter(int64_t after) const {
  try {
    // ToUtc never decreases as the local time grows, so no time of a day before `after`'s local
    // date, and no time of that date before its local minute, can be later than `after`.
    LocalDate first_day = zone_.DateOf(after);
    date::local_seconds local = zone_.zone_->to_local(date::sys_seconds(seconds(after)));
    auto time_of_day = local - date::floor<date::days>(local);
    int first_minute = static_cast<int>(date::floor<minutes>(time_of_day).count());
    for (int offset = 0; offset <= kSearchDays; ++offset) {
      LocalDate day = first_day.AddDays(offset);
      if (!MatchesDay(day)) continue;
      int from = offset == 0 ? first_minute : 0;
      for (int hour = from / 60; hour < 24; ++hour) {
        if (!hours_[hour]) continue;
        for (int minute = hour == from / 60 ? from % 60 : 0; minute < 60; ++minute) {
          if (!minutes_[minute]) continue;
          int64_t fire = zone_.ToUtc(day, hour, minute);
          if (fire > after) return fire;
        }
      }
    }
  } catch (const std::exception& e) {
    return Internal("cron '{}' in {}: time zone error: {}", expression_, zone_.name(), e.what());
  }
  return NotFound("cron '{}' in {} never fires within 8 years after {}", expression_, zone_.name(),
                  after);
}

}  // namespace de
