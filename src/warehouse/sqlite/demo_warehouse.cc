#include "warehouse/sqlite/demo_warehouse.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>

#include "warehouse/sqlite/demo_rows.h"
#include "warehouse/sqlite/sqlite_connection.h"
#include "warehouse/sqlite/value_text.h"

namespace de {
namespace {

using warehouse_sqlite::Connection;

// Latest day whose rows (and the next day's date) still have four-digit years.
constexpr int64_t kLastDemoDayStart = kMaxTextTimestampMicros / 1'000'000 - 2 * 86'400;

// The temporary file is private to this build, so durability is not needed until the rename.
constexpr const char* kBuildPragmas =
    "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA locking_mode = EXCLUSIVE; "
    "PRAGMA cache_size = -65536;";

constexpr const char* kDemoSchema = R"sql(
CREATE TABLE way (
  way_id INTEGER NOT NULL,
  observed_at TIMESTAMP NOT NULL,
  source TEXT NOT NULL,
  speed_kmh REAL,
  travel_time_s REAL,
  free_flow_speed_kmh REAL,
  confidence NUMERIC(5,4),
  road_name TEXT,
  geoj_way_feature TEXT
);
CREATE TABLE cctv (
  camera_id INTEGER NOT NULL,
  observed_at TIMESTAMP NOT NULL,
  vehicle_count INTEGER,
  pedestrian_count SMALLINT,
  plate_number TEXT,
  operator_note TEXT,
  firmware_version TEXT
);
CREATE TABLE way_metrics_long (
  way_id INTEGER NOT NULL,
  observed_at TIMESTAMP NOT NULL,
  metric_name TEXT NOT NULL,
  value REAL,
  source TEXT NOT NULL
);
CREATE TABLE incident (
  incident_id INTEGER PRIMARY KEY,
  reported_at TIMESTAMP WITH TIME ZONE NOT NULL,
  category TEXT NOT NULL,
  description TEXT,
  reporter_name TEXT,
  reporter_phone TEXT,
  reporter_email TEXT,
  latitude REAL,
  longitude REAL,
  is_resolved BOOLEAN NOT NULL,
  created_date DATE NOT NULL,
  closure_geometry TEXT
);
)sql";

Status BuildDemoDatabase(const std::string& path, int64_t day_start) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  Connection db(raw);
  if (rc != SQLITE_OK) {
    return warehouse_sqlite::SqliteError(db.get(), rc, fmt::format("creating '{}'", path));
  }
  RETURN_IF_ERROR(sqlite::Execute(db.get(), kBuildPragmas));
  RETURN_IF_ERROR(sqlite::Execute(db.get(), "BEGIN"));
  RETURN_IF_ERROR(sqlite::Execute(db.get(), kDemoSchema));
  RETURN_IF_ERROR(warehouse_sqlite::InsertDemoWays(db.get(), day_start));
  RETURN_IF_ERROR(warehouse_sqlite::InsertDemoCctv(db.get(), day_start));
  RETURN_IF_ERROR(warehouse_sqlite::InsertDemoWayMetrics(db.get(), day_start));
  RETURN_IF_ERROR(warehouse_sqlite::InsertDemoIncidents(db.get(), day_start));
  RETURN_IF_ERROR(sqlite::Execute(db.get(), "COMMIT"));
  rc = sqlite3_close(db.release());
  if (rc != SQLITE_OK)
    return warehouse_sqlite::SqliteError(nullptr, rc, "closing the demo warehouse");
  return Status::Ok();
}

}  // namespace

Status CreateDemoWarehouse(const std::string& path, int64_t day_start_epoch_seconds) {
  if (day_start_epoch_seconds < 0 || day_start_epoch_seconds > kLastDemoDayStart) {
    return InvalidArgument("demo day start {} is outside 1970..9998", day_start_epoch_seconds);
  }
  std::filesystem::path target(path);
  std::error_code ec;
  if (target.has_parent_path()) std::filesystem::create_directories(target.parent_path(), ec);
  if (ec) {
    return PermissionDenied("cannot create the directory of '{}': {}", path, ec.message());
  }
  std::string temporary = fmt::format("{}.tmp-{}", path, ::getpid());
  std::remove(temporary.c_str());
  Status built = BuildDemoDatabase(temporary, day_start_epoch_seconds);
  if (built.ok() && std::rename(temporary.c_str(), path.c_str()) != 0) {
    built = ErrnoStatus(errno, fmt::format("renaming the demo warehouse to '{}'", path));
  }
  if (!built.ok()) std::remove(temporary.c_str());
  return built;
}

DemoPolicyRows DemoPolicy() {
  DemoPolicyRows policy;
  policy.export_tables = {
      {"cctv", true, "observed_at", "", ""},
      {"incident", true, "reported_at", "", ""},
      {"way", true, "observed_at", "source", ""},
      {"way_metrics_long", true, "observed_at", "source", "metric_name"},
  };
  // cctv.firmware_version is deliberately missing (see the header).
  policy.column_classifications = {
      {"cctv", "camera_id", "nr", "", false},
      {"cctv", "observed_at", "nr", "", false},
      {"cctv", "vehicle_count", "nr", "", false},
      {"cctv", "pedestrian_count", "nr", "", false},
      {"cctv", "plate_number", "hwc", "hash", true},
      {"cctv", "operator_note", "hwc", "null", true},
      {"incident", "incident_id", "nr", "", false},
      {"incident", "reported_at", "hwc", "truncate_time:hour", false},
      {"incident", "category", "nr", "", false},
      {"incident", "description", "hwc", "scrub", true},
      {"incident", "reporter_name", "hwc", "drop", true},
      {"incident", "reporter_phone", "hwc", "mask:3", true},
      {"incident", "reporter_email", "de", "", true},
      {"incident", "latitude", "hwc", "round:3", false},
      {"incident", "longitude", "hwc", "round:3", false},
      {"incident", "is_resolved", "nr", "", false},
      {"incident", "created_date", "nr", "", false},
      {"incident", "closure_geometry", "nr", "compress", false},
      {"way", "way_id", "nr", "", false},
      {"way", "observed_at", "nr", "", false},
      {"way", "source", "nr", "", false},
      {"way", "speed_kmh", "mx", "", false},
      {"way", "travel_time_s", "mx", "round:0", false},
      {"way", "free_flow_speed_kmh", "nr", "", false},
      {"way", "confidence", "nr", "", false},
      {"way", "road_name", "nr", "", false},
      {"way", "geoj_way_feature", "hwc", "round_coords:4", false},
      {"way_metrics_long", "way_id", "nr", "", false},
      {"way_metrics_long", "observed_at", "nr", "", false},
      {"way_metrics_long", "metric_name", "nr", "", false},
      {"way_metrics_long", "value", "mx", "", false},
      {"way_metrics_long", "source", "nr", "", false},
  };
  policy.source_classifications = {{"FUSION", "nr"}, {"HERE", "de"}, {"TOMTOM", "hwc"}};
  policy.metric_classifications = {
      {"way_metrics_long", "driver_id_hash", "de", ""},
      {"way_metrics_long", "occupancy", "mx", ""},
      {"way_metrics_long", "speed", "nr", ""},
      {"way_metrics_long", "travel_time", "hwc", "round:0"},
      {"way_metrics_long", "volume", "nr", ""},
  };
  return policy;
}

}  // namespace de
