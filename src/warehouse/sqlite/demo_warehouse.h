// The demo data set: a small but realistic traffic warehouse for one UTC day, used by
// `data-exporter demo`, the end-to-end tests and the benchmarks, and the policy that goes with it.
//
// Tables (row counts below; values deterministic for a given day):
//   way               road-segment observations: speeds from three sources, a NUMERIC(5,4)
//                     confidence and a long GeoJSON LineString feature per row; observed_at is
//                     canonical text 'YYYY-MM-DD HH:MM:SS'
//   cctv              camera counts with number plates and free-text operator notes (personal
//                     data: names, phones, e-mail addresses, plates) and the camera's
//                     firmware_version; observed_at is INTEGER unix seconds, pedestrian_count
//                     SMALLINT
//   way_metrics_long  one metric per row (speed, volume, occupancy, travel_time, driver_id_hash)
//   incident          reported incidents with reporter names, phones and e-mail addresses; a
//                     description whose witness sentence carries a phone number or an e-mail
//                     address but never a name; closure_geometry, a WKT POLYGON of the closed
//                     area on about 10 % of the rows, and on exactly kDemoLargeClosureRows rows
//                     spread over the day 70,000-90,000 bytes long (past the 65,535-byte limit of
//                     the `compress` treatment); reported_at is TIMESTAMP WITH TIME ZONE text
//                     with milliseconds, is_resolved BOOLEAN, created_date DATE
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace de {

inline constexpr int64_t kDemoWayRows = 100'000;
inline constexpr int64_t kDemoCctvRows = 40'000;
inline constexpr int64_t kDemoWayMetricsLongRows = 50'000;
inline constexpr int64_t kDemoIncidentRows = 10'000;
inline constexpr int64_t kDemoLargeClosureRows = 30;  // incident.closure_geometry > 65,535 B
inline constexpr int64_t kDemoTotalRows =
    kDemoWayRows + kDemoCctvRows + kDemoWayMetricsLongRows + kDemoIncidentRows;

// Writes the demo warehouse for the UTC day [day_start, day_start + 86400) to `path`, replacing
// any file there; parent directories are created. The database is built in a temporary file
// beside `path` and renamed into place, so `path` never holds a partial warehouse. Two calls with
// the same day write the same rows. kInvalidArgument if day_start is before 1970 or after 9998;
// kPermissionDenied or kUnavailable if the file cannot be written. Thread-compatible: concurrent
// calls must use different paths.
Status CreateDemoWarehouse(const std::string& path, int64_t day_start_epoch_seconds);

// Rows of the metadata store's policy tables that fit the demo warehouse (DESIGN.md §3.1), as
// plain data: this module does not depend on the metadata store.
struct DemoExportTable {
  std::string table_name;
  bool enabled = true;
  std::string time_column;
  std::string source_column;  // empty = none
  std::string metric_column;  // empty = not a long table
};
struct DemoColumnClassification {
  std::string table_name;
  std::string column_name;
  std::string classification;  // nr | mx | de | hwc
  std::string treatment;       // empty = none
  bool pii = false;
};
struct DemoSourceClassification {  // actual_data_classifications
  std::string source;
  std::string classification;
};
struct DemoMetricClassification {  // long_table_data_classifications
  std::string table_name;
  std::string metric_name;
  std::string classification;
  std::string treatment;
};
struct DemoPolicyRows {
  std::vector<DemoExportTable> export_tables;
  std::vector<DemoColumnClassification> column_classifications;  // see DemoPolicy()
  std::vector<DemoSourceClassification> source_classifications;
  std::vector<DemoMetricClassification> metric_classifications;
};

// The demo policy, chosen so that the demo shows every rule and every treatment:
//   - all four tables enabled; way and way_metrics_long sliced by `source`, way_metrics_long a
//     long table by `metric_name`;
//   - personal data (pii) never leaves as written: cctv.plate_number hashed, cctv.operator_note
//     nulled, incident.description scrubbed, reporter_name dropped, reporter_phone masked to its
//     last 3 characters, reporter_email de;
//   - other treatments: incident.reported_at truncated to the hour, latitude/longitude rounded
//     to 3 decimals, closure_geometry compressed when too long, way.travel_time_s (mx) rounded,
//     geoj_way_feature coordinates rounded to 4 decimals;
//   - sources FUSION nr, HERE de, TOMTOM hwc; metrics speed and volume nr, occupancy mx,
//     travel_time hwc round:0, driver_id_hash de;
//   - cctv.firmware_version has no rule: it plays a column added to the warehouse after the
//     policy was written, which must be reported as unclassified and never exported.
DemoPolicyRows DemoPolicy();

}  // namespace de
