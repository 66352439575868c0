#include "metadata/metadata_store.h"

#include <chrono>

namespace de {

std::string_view RequestStateName(RequestState state) {
  switch (state) {
    case RequestState::kInProgress:
      return "IN_PROGRESS";
    case RequestState::kCompleted:
      return "COMPLETED";
    case RequestState::kFailed:
      return "FAILED";
    case RequestState::kCancelled:
      return "CANCELLED";
  }
  return "UNKNOWN";
}

std::optional<RequestState> ParseRequestState(std::string_view name) {
  for (RequestState s : {RequestState::kInProgress, RequestState::kCompleted, RequestState::kFailed,
                         RequestState::kCancelled}) {
    if (RequestStateName(s) == name) return s;
  }
  return std::nullopt;
}

std::string_view JobStateName(JobState state) {
  switch (state) {
    case JobState::kInProgress:
      return "IN-PROGRESS";
    case JobState::kCompleted:
      return "COMPLETED";
    case JobState::kFailed:
      return "FAILED";
  }
  return "UNKNOWN";
}

std::optional<JobState> ParseJobState(std::string_view name) {
  for (JobState s : {JobState::kInProgress, JobState::kCompleted, JobState::kFailed}) {
    if (JobStateName(s) == name) return s;
  }
  return std::nullopt;
}

std::string_view DailyRunStateName(DailyRunState state) {
  switch (state) {
    case DailyRunState::kRunning:
      return "RUNNING";
    case DailyRunState::kSuccess:
      return "SUCCESS";
    case DailyRunState::kPartialSuccess:
      return "PARTIAL-SUCCESS";
    case DailyRunState::kFailed:
      return "FAILED";
  }
  return "UNKNOWN";
}

std::optional<DailyRunState> ParseDailyRunState(std::string_view name) {
  for (DailyRunState s : {DailyRunState::kRunning, DailyRunState::kSuccess,
                          DailyRunState::kPartialSuccess, DailyRunState::kFailed}) {
    if (DailyRunStateName(s) == name) return s;
  }
  return std::nullopt;
}

bool IsIsoDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  auto number = [&](size_t from, size_t count) {
    unsigned value = 0;
    for (size_t i = from; i < from + count; ++i) {
      if (text[i] < '0' || text[i] > '9') return -1;
      value = value * 10 + static_cast<unsigned>(text[i] - '0');
    }
    return static_cast<int>(value);
  };
  int year = number(0, 4), month = number(5, 2), day = number(8, 2);
  if (year < 0 || month < 0 || day < 0) return false;
  std::chrono::year_month_day date{std::chrono::year(year),
                                   std::chrono::month(static_cast<unsigned>(month)),
                                   std::chrono::day(static_cast<unsigned>(day))};
  return date.ok();
}

bool PolicySnapshot::SameRules(const PolicySnapshot& other) const {
  return export_tables == other.export_tables && columns == other.columns &&
         sources == other.sources && metrics == other.metrics;
}

}  // namespace de
