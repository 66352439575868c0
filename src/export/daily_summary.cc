#include "export/daily_summary.h"

#include <chrono>

#include <fmt/format.h>

#include "export/layout.h"

namespace de {
namespace {

// "YYYY-MM-DDTHH:MM:SS.ffffffZ" of epoch microseconds (floored, so negative values work too).
std::string UtcIso8601Micros(int64_t epoch_micros) {
  using namespace std::chrono;
  auto tp = sys_time<microseconds>(microseconds(epoch_micros));
  auto day = floor<days>(tp);
  year_month_day ymd(day);
  hh_mm_ss hms(tp - day);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     hms.hours().count(), hms.minutes().count(), hms.seconds().count(),
                     hms.subseconds().count());
}

// null for an empty error, else the text.
nlohmann::json ErrorJson(const std::string& error) {
  return error.empty() ? nlohmann::json(nullptr) : nlohmann::json(error);
}

nlohmann::json TableJson(const DailyTableSummary& table) {
  return {
      {"table", table.table},
      {"status", table.status},
      {"skipped", table.skipped},
      {"attempts", table.attempts},
      {"rows_read", table.rows_read},
      {"rows_dropped_by_policy", table.rows_dropped_by_policy},
      {"rows_written", table.rows_written},
      {"bytes_written", table.bytes_written},
      {"files", table.files},
      {"prefix", table.prefix},
      {"error", ErrorJson(table.error)},
      {"unclassified_columns", table.unclassified_columns},
  };
}

nlohmann::json ClassificationsJson(const DailyClassificationsSummary& classifications) {
  return {
      {"status", classifications.status},
      {"skipped", classifications.skipped},
      {"files", classifications.keys},
      {"error", ErrorJson(classifications.error)},
  };
}

}  // namespace

std::string_view DailyRunOutcomeName(DailyRunOutcome outcome) {
  switch (outcome) {
    case DailyRunOutcome::kSuccess:
      return "SUCCESS";
    case DailyRunOutcome::kPartialSuccess:
      return "PARTIAL-SUCCESS";
    case DailyRunOutcome::kFailed:
      return "FAILED";
  }
  return "FAILED";
}

// A skipped table was COMPLETED by an earlier run, so it counts as completed as well:
// completed_count() + failed_count() == tables.size() when every status is set.
size_t DailyRunSummary::completed_count() const {
  size_t n = 0;
  for (const auto& table : tables) n += table.status == "COMPLETED" ? 1 : 0;
  return n;
}

size_t DailyRunSummary::failed_count() const {
  size_t n = 0;
  for (const auto& table : tables) n += table.status == "FAILED" ? 1 : 0;
  return n;
}

size_t DailyRunSummary::skipped_count() const {
  size_t n = 0;
  for (const auto& table : tables) n += table.skipped ? 1 : 0;
  return n;
}

nlohmann::json DailyRunSummaryJson(const DailyRunSummary& summary) {
  nlohmann::json tables = nlohmann::json::array();
  nlohmann::json unclassified = nlohmann::json::object();
  for (const auto& table : summary.tables) {
    tables.push_back(TableJson(table));
    if (!table.unclassified_columns.empty()) {
      unclassified[table.table] = table.unclassified_columns;
    }
  }
  return {
      {"schema", "data-exporter.daily-run/v1"},
      {"status", DailyRunOutcomeName(summary.outcome)},
      {"run_date", summary.run_date},
      {"env", summary.env},
      {"time_zone", summary.time_zone},
      {"range",
       {{"start", summary.start_time},
        {"end", summary.end_time},
        {"start_utc", UtcIso8601(summary.start_time)},
        {"end_utc", UtcIso8601(summary.end_time)}}},
      {"trigger", summary.trigger},
      {"force", summary.force},
      {"started_at", UtcIso8601Micros(summary.started_at)},
      {"finished_at", UtcIso8601Micros(summary.finished_at)},
      {"policy_version", summary.policy_version},
      {"counts",
       {{"tables", summary.tables.size()},
        {"completed", summary.completed_count()},
        {"failed", summary.failed_count()},
        {"skipped", summary.skipped_count()}}},
      {"tables", std::move(tables)},
      {"classifications", ClassificationsJson(summary.classifications)},
      {"unclassified_columns", std::move(unclassified)},
      {"error", ErrorJson(summary.error)},
  };
}

}  // namespace de
