// Object keys of exported files (DESIGN.md §1). Keep these exactly: consumers depend on them.
//
// On-demand:
//   {prefix}/{env}/data_exporter_service/{table}/{YYYYMMDD}/{dt_start}_{dt_end}/{table}_000.parquet
//   .../{dt_start}_{dt_end}/manifest
// where YYYYMMDD is the UTC date of dt_start, and dt_start/dt_end are epoch seconds. An empty
// prefix drops its segment.
#pragma once

#include <cstdint>
#include <string>

namespace de {

class OnDemandLayout {
 public:
  OnDemandLayout(std::string prefix, std::string env) : prefix_(prefix), env_(env) {}

  // ".../{table}/{YYYYMMDD}/{dt_start}_{dt_end}" without a trailing slash.
  std::string Directory(const std::string& table, int64_t dt_start, int64_t dt_end) const;
  // Directory + "/{table}_{index:03}.parquet".
  std::string DataFile(const std::string& table, int64_t dt_start, int64_t dt_end, int index) const;
  // Directory + "/manifest".
  std::string Manifest(const std::string& table, int64_t dt_start, int64_t dt_end) const;

 private:
  std::string prefix_;
  std::string env_;
};

// Daily (DESIGN.md §1):
//   {prefix}/{env}/YYYY/MM/DD/{table}/{table}_000.parquet …
//   {prefix}/{env}/YYYY/MM/DD/classifications/{classification_table}.parquet
// and, outside every day's folder, a staging area for forced reruns:
//   {prefix}/{env}/_staging/YYYY/MM/DD/{table}/{attempt_id}/{table}_000.parquet
// run_date is "YYYY-MM-DD" (checked by the caller).
class DailyLayout {
 public:
  DailyLayout(std::string prefix, std::string env) : prefix_(prefix), env_(env) {}

  // "{prefix}/{env}/YYYY/MM/DD" without a trailing slash.
  std::string DayDirectory(const std::string& run_date) const;
  // DayDirectory + "/{table}".
  std::string TableDirectory(const std::string& run_date, const std::string& table) const;
  // TableDirectory + "/{table}_{index:03}.parquet".
  std::string DataFile(const std::string& run_date, const std::string& table, int index) const;
  // DayDirectory + "/classifications/{name}.parquet".
  std::string ClassificationFile(const std::string& run_date, const std::string& name) const;
  // "{prefix}/{env}/_staging/YYYY/MM/DD/{table}/{attempt_id}".
  std::string StagingDirectory(const std::string& run_date, const std::string& table,
                               const std::string& attempt_id) const;

 private:
  std::string Root() const;
  std::string prefix_;
  std::string env_;
};

// "YYYYMMDD" of the UTC calendar day holding `epoch_seconds`.
std::string UtcDateCompact(int64_t epoch_seconds);
// "YYYY-MM-DDTHH:MM:SSZ".
std::string UtcIso8601(int64_t epoch_seconds);

}  // namespace de
