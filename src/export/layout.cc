#include "export/layout.h"

#include <chrono>

#include <fmt/format.h>

namespace de {
namespace {

std::chrono::year_month_day CivilDay(int64_t epoch_seconds) {
  using namespace std::chrono;
  auto days = floor<std::chrono::days>(sys_seconds(seconds(epoch_seconds)));
  return year_month_day(days);
}

}  // namespace

std::string UtcDateCompact(int64_t epoch_seconds) {
  auto ymd = CivilDay(epoch_seconds);
  return fmt::format("{:04}{:02}{:02}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

std::string UtcIso8601(int64_t epoch_seconds) {
  using namespace std::chrono;
  auto tp = sys_seconds(seconds(epoch_seconds));
  auto day = floor<days>(tp);
  year_month_day ymd(day);
  hh_mm_ss hms(tp - day);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     hms.hours().count(), hms.minutes().count(), hms.seconds().count());
}

std::string OnDemandLayout::Directory(const std::string& table, int64_t dt_start,
                                      int64_t dt_end) const {
  std::string head = prefix_.empty() ? env_ : prefix_ + "/" + env_;
  return fmt::format("{}/data_exporter_service/{}/{}/{}_{}", head, table, UtcDateCompact(dt_start),
                     dt_start, dt_end);
}

std::string OnDemandLayout::DataFile(const std::string& table, int64_t dt_start, int64_t dt_end,
                                     int index) const {
  return fmt::format("{}/{}_{:03}.parquet", Directory(table, dt_start, dt_end), table, index);
}

std::string OnDemandLayout::Manifest(const std::string& table, int64_t dt_start,
                                     int64_t dt_end) const {
  return Directory(table, dt_start, dt_end) + "/manifest";
}

namespace {

// "YYYY/MM/DD" from "YYYY-MM-DD".
std::string DatePath(const std::string& run_date) {
  return fmt::format("{}/{}/{}", run_date.substr(0, 4), run_date.substr(5, 2),
                     run_date.substr(8, 2));
}

}  // namespace

std::string DailyLayout::Root() const { return prefix_.empty() ? env_ : prefix_ + "/" + env_; }

std::string DailyLayout::DayDirectory(const std::string& run_date) const {
  return Root() + "/" + DatePath(run_date);
}

std::string DailyLayout::TableDirectory(const std::string& run_date,
                                        const std::string& table) const {
  return DayDirectory(run_date) + "/" + table;
}

std::string DailyLayout::DataFile(const std::string& run_date, const std::string& table,
                                  int index) const {
  return fmt::format("{}/{}_{:03}.parquet", TableDirectory(run_date, table), table, index);
}

std::string DailyLayout::ClassificationFile(const std::string& run_date,
                                            const std::string& name) const {
  return fmt::format("{}/classifications/{}.parquet", DayDirectory(run_date), name);
}

std::string DailyLayout::StagingDirectory(const std::string& run_date, const std::string& table,
                                          const std::string& attempt_id) const {
  return fmt::format("{}/_staging/{}/{}/{}", Root(), DatePath(run_date), table, attempt_id);
}

}  // namespace de
