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

}  // namespace de
