#include "metadata/store_contract.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <limits>

#include "metadata/metadata_store.h"

namespace de::metadata {

std::string IsoUtc(int64_t micros) {
  using namespace std::chrono;
  sys_time<microseconds> time{microseconds(micros)};
  sys_days day = floor<days>(time);
  year_month_day date(day);
  hh_mm_ss<microseconds> clock_time(time - day);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                     clock_time.hours().count(), clock_time.minutes().count(),
                     clock_time.seconds().count(), clock_time.subseconds().count());
}

Status CheckLease(const std::string& owner, int64_t lease_micros) {
  if (owner.empty()) return InvalidArgument("a lease needs an owner");
  if (lease_micros <= 0) {
    return InvalidArgument("lease of {} microseconds for '{}' is not positive", lease_micros,
                           owner);
  }
  return Status::Ok();
}

int64_t LeaseEnd(int64_t now, int64_t lease_micros) {
  if (lease_micros > std::numeric_limits<int64_t>::max() - now) {
    return std::numeric_limits<int64_t>::max();
  }
  return now + lease_micros;
}

Status CheckDate(std::string_view field, const std::string& value) {
  if (IsIsoDate(value)) return Status::Ok();
  return InvalidArgument("{} '{}' is not a YYYY-MM-DD calendar date", field, value);
}

Status CheckJobKey(const std::string& run_date, const std::string& table) {
  RETURN_IF_ERROR(CheckDate("table job run_date", run_date));
  if (table.empty()) return InvalidArgument("table job of {} needs a table_name", run_date);
  return Status::Ok();
}

Status DuplicateRequestId(const std::string& id) {
  return AlreadyExists("request '{}' already exists", id);
}

Status OpenRangeTaken(int64_t start_time, int64_t end_time) {
  return AlreadyExists("an IN_PROGRESS request for range {}..{} already exists", start_time,
                       end_time);
}

Status RequestHeldByOther(const std::string& id, const std::string& holder,
                          const std::string& owner) {
  return FailedPrecondition("request '{}' is held by '{}', not by '{}'", id, holder, owner);
}

Status TableJobHeld(const std::string& run_date, const std::string& table,
                    const std::string& holder, int64_t lease_expires_at) {
  return AlreadyExists("table job {}/{} is held by '{}' until {}", run_date, table, holder,
                       IsoUtc(lease_expires_at));
}

Status TableJobBusy(const std::string& run_date, const std::string& table) {
  return AlreadyExists("table job {}/{} is busy: another replica is claiming it", run_date, table);
}

Status TableJobNotHeld(const std::string& run_date, const std::string& table,
                       const std::string& holder, const std::string& owner) {
  return FailedPrecondition("table job {}/{} is held by '{}', not by '{}'", run_date, table, holder,
                            owner);
}

Status TableJobGone(const std::string& run_date, const std::string& table) {
  return FailedPrecondition("table job {}/{} does not exist", run_date, table);
}

// nlohmann::json throws on names that are not UTF-8; that stays inside this function.
Result<std::string> UnclassifiedColumnsToJson(const TableJobStatus& job) {
  try {
    return nlohmann::json(job.unclassified_columns).dump();
  } catch (const nlohmann::json::exception& e) {
    return InvalidArgument("unclassified_columns of table job {}/{}: {}", job.run_date,
                           job.table_name, e.what());
  }
}

Result<std::vector<std::string>> UnclassifiedColumnsFromJson(const std::string& text,
                                                             const TableJobStatus& job) {
  nlohmann::json parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  std::vector<std::string> columns;
  bool readable = parsed.is_array();
  for (size_t i = 0; readable && i < parsed.size(); ++i) {
    readable = parsed[i].is_string();
    if (readable) columns.push_back(parsed[i].get<std::string>());
  }
  if (readable) return columns;
  return DataLoss(
      "table job {}/{} has unclassified_columns '{}' that are not a JSON array of "
      "strings",
      job.run_date, job.table_name, text);
}

Status CheckLeaderLockName(const std::string& name) {
  bool ok = !name.empty() && name.size() <= 64;
  for (char c : name) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '_');
  }
  if (ok) return Status::Ok();
  return InvalidArgument("leader lock name '{}' must be 1 to 64 letters, digits, '-' or '_'", name);
}

}  // namespace de::metadata
