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

// "YYYYMMDD" of the UTC calendar day holding `epoch_seconds`.
std::string UtcDateCompact(int64_t epoch_seconds);
// "YYYY-MM-DDTHH:MM:SSZ".
std::string UtcIso8601(int64_t epoch_seconds);

}  // namespace de
