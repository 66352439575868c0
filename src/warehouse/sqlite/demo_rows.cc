#include "warehouse/sqlite/demo_rows.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "warehouse/sqlite/demo_warehouse.h"
#include "warehouse/sqlite/sqlite_connection.h"
#include "warehouse/sqlite/value_text.h"

namespace de::warehouse_sqlite {

namespace {

constexpr int kWayCount = 1200;
constexpr int64_t kSecondsPerDay = 86'400;
constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr double kPi = 3.14159265358979323846;

constexpr std::string_view kSources[] = {"FUSION", "FUSION", "HERE", "TOMTOM"};  // FUSION 50 %
constexpr std::string_view kRoadNames[] = {
    "Swanston Street",  "Flinders Street", "Hoddle Street",     "Punt Road",
    "St Kilda Road",    "Sydney Road",     "Nicholson Street",  "Victoria Parade",
    "Royal Parade",     "Racecourse Road", "Dynon Road",        "Footscray Road",
    "Kings Way",        "Queens Road",     "Alexandra Avenue",  "Burnley Street",
    "Church Street",    "Chapel Street",   "High Street",       "Toorak Road",
    "Bridge Road",      "Johnston Street", "Alexandra Parade",  "Elizabeth Street",
    "William Street",   "Spencer Street",  "La Trobe Street",   "Collins Street",
    "Bourke Street",    "Lonsdale Street", "Exhibition Street", "Spring Street",
    "Clarendon Street", "Lygon Street",    "Brunswick Street",  "Smith Street",
    "Plenty Road",      "Heidelberg Road", "Warrigal Road",     "Dandenong Road",
};
constexpr std::string_view kHighways[] = {"primary", "secondary", "tertiary", "trunk"};
constexpr int kSpeedLimits[] = {40, 50, 60, 60, 70, 80, 100};
constexpr std::string_view kFirstNames[] = {"Olivia", "Jack",   "Charlotte", "Noah",  "Amelia",
                                            "Oliver", "Isla",   "William",   "Mia",   "Lucas",
                                            "Grace",  "Leo",    "Chloe",     "Henry", "Priya",
                                            "Wei",    "Fatima", "Nguyen",    "Sofia", "Ahmed"};
constexpr std::string_view kLastNames[] = {
    "Smith",  "Jones", "Williams", "Brown",        "Wilson", "Taylor", "Nguyen", "Kelly",
    "Martin", "Chen",  "Singh",    "Papadopoulos", "Rossi",  "Walker", "Murphy"};
constexpr std::string_view kMailDomains[] = {"example.com", "mail.example.org",
                                             "contractor.example.net"};
constexpr std::string_view kMetrics[] = {"speed", "volume", "occupancy", "travel_time",
                                         "driver_id_hash"};
constexpr std::string_view kCategories[] = {"crash",      "breakdown",    "hazard", "roadworks",
                                            "congestion", "signal_fault", "debris", "flooding"};

struct DemoWay {
  int64_t id = 0;
  std::string road_name;
  double free_flow_kmh = 0;
  double length_m = 0;
  std::string feature;  // GeoJSON Feature with a LineString
};

double Round(double value, int decimals) {
  double scale = std::pow(10.0, decimals);
  return std::round(value * scale) / scale;
}

// Seconds since the epoch of row `i` of `n`, spread evenly over the day.
int64_t RowTime(int64_t day_start, int64_t i, int64_t n) {
  return day_start + i * kSecondsPerDay / n;
}

double HourOfDay(int64_t epoch_seconds) {
  return static_cast<double>((epoch_seconds % kSecondsPerDay + kSecondsPerDay) % kSecondsPerDay) /
         3600.0;
}

// Share of free-flow speed reached at this time: dips in the morning and evening peaks.
double SpeedFactor(int64_t epoch_seconds) {
  double h = HourOfDay(epoch_seconds);
  return 1.0 - 0.40 * std::exp(-(h - 8.0) * (h - 8.0) / 2.0) -
         0.45 * std::exp(-(h - 17.5) * (h - 17.5) / 2.5);
}

// Relative street activity, 0.1 at night to 1.0 in the afternoon.
double Activity(int64_t epoch_seconds) {
  double h = HourOfDay(epoch_seconds);
  return 0.1 + 0.9 * std::max(0.0, std::sin(kPi * (h - 5.0) / 18.0));
}

std::string PersonName(DemoRandom* random) {
  return fmt::format("{} {}", random->Pick(kFirstNames), random->Pick(kLastNames));
}

std::string MobileNumber(DemoRandom* random) {
  return fmt::format("04{:02} {:03} {:03}", random->Below(100), random->Below(1000),
                     random->Below(1000));
}

std::string EmailAddress(DemoRandom* random) {
  std::string address = fmt::format("{}.{}@{}", random->Pick(kFirstNames), random->Pick(kLastNames),
                                    random->Pick(kMailDomains));
  for (char& c : address) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return address;
}

std::string PlateNumber(DemoRandom* random) {
  std::string plate;
  for (int i = 0; i < 3; ++i) plate += static_cast<char>('A' + random->Below(26));
  return plate + fmt::format("{:03}", random->Below(1000));
}

DemoWay MakeWay(int index, DemoRandom* random) {
  DemoWay way;
  way.id = 4'000'000 + int64_t{index} * 137;
  way.road_name = std::string(random->Pick(kRoadNames));
  int speed_limit = random->Pick(kSpeedLimits);
  way.free_flow_kmh = Round(speed_limit * random->Between(0.85, 1.0), 1);
  double lon = 144.90 + random->Between(0, 0.20);
  double lat = -37.88 + random->Between(0, 0.15);
  double heading = random->Between(0, 2 * kPi);
  int pairs = 10 + static_cast<int>(random->Below(51));
  int decimals = random->Chance(0.5) ? 6 : 7;
  std::string coordinates;
  for (int k = 0; k < pairs; ++k) {
    fmt::format_to(std::back_inserter(coordinates), "{}[{:.{}f},{:.{}f}]", k ? "," : "", lon,
                   decimals, lat, decimals);
    double step = random->Between(0.0002, 0.0008);
    heading += random->Between(-0.3, 0.3);
    lon += step * std::cos(heading) * 1.26;  // a degree of longitude is shorter at -37.8°
    lat += step * std::sin(heading);
    if (k + 1 < pairs) way.length_m += step * 111'000;
  }
  way.feature =
      fmt::format(R"({{"type":"Feature","id":"way/{0}","properties":{{"way_id":{0},"name":"{1}",)"
                  R"("highway":"{2}","maxspeed":{3},"lanes":{4},"oneway":{5}}},)"
                  R"("geometry":{{"type":"LineString","coordinates":[{6}]}}}})",
                  way.id, way.road_name, random->Pick(kHighways), speed_limit, 1 + random->Below(4),
                  random->Chance(0.3) ? "true" : "false", coordinates);
  way.length_m = Round(way.length_m, 1);
  return way;
}

std::vector<DemoWay> MakeWays() {
  DemoRandom random(0x5741'5953);  // "WAYS"
  std::vector<DemoWay> ways;
  ways.reserve(kWayCount);
  for (int i = 0; i < kWayCount; ++i) ways.push_back(MakeWay(i, &random));
  return ways;
}

std::string TimeText(int64_t epoch_seconds) {
  return FormatCanonicalTimestamp(epoch_seconds * kMicrosPerSecond);
}

std::string OperatorNote(DemoRandom* random) {
  switch (random->Below(5)) {
    case 0:
      return fmt::format("Lane 2 blocked, called {} on {}", PersonName(random),
                         MobileNumber(random));
    case 1:
      return fmt::format("Footage requested by {}", EmailAddress(random));
    case 2:
      return "Camera lens cleaned, view restored";
    case 3:
      return fmt::format("Vehicle stopped in clearway, plate {}", PlateNumber(random));
    default:
      return fmt::format("Contractor {} on site until 3pm, contact {}", PersonName(random),
                         EmailAddress(random));
  }
}

// Free text that the `scrub` treatment can clean: the witness is reachable by phone or e-mail
// but never named, because scrubbing removes contact details and cannot recognise names.
std::string IncidentDescription(std::string_view category, DemoRandom* random) {
  std::string text = fmt::format("{} reported near {}", category, random->Pick(kRoadNames));
  text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
  if (random->Chance(0.15)) {
    fmt::format_to(std::back_inserter(text), "; witness can be reached on {}",
                   random->Chance(0.5) ? MobileNumber(random) : EmailAddress(random));
  }
  return text;
}

// The firmware a camera runs: fixed per camera, as after a partial roll-out.
std::string_view FirmwareVersion(int64_t camera_id) {
  return camera_id % 5 < 2 ? "fw-2.3.1" : "fw-2.4.0";
}

// A closed WKT POLYGON of `points` distinct vertices (plus the closing repeat of the first)
// around (lat, lon): vertices at increasing angles, so the ring never crosses itself, and a
// radius (degrees of latitude) that wanders by up to ±30 %. Coordinates have six decimals, so
// every vertex takes the same number of characters.
std::string ClosurePolygon(double lat, double lon, int points, double radius, DemoRandom* random) {
  std::string wkt = "POLYGON((";
  wkt.reserve(static_cast<size_t>(points + 1) * 23 + 16);
  std::string first;
  double wobble = 1.0;
  for (int k = 0; k < points; ++k) {
    double angle = 2 * kPi * (k + random->Between(0, 0.8)) / points;
    wobble = std::clamp(wobble + random->Between(-0.05, 0.05), 0.7, 1.3);
    std::string vertex =
        fmt::format("{:.6f} {:.6f}", lon + radius * wobble * std::cos(angle) * 1.26,
                    lat + radius * wobble * std::sin(angle));
    if (k == 0) first = vertex;
    wkt += vertex;
    wkt += ", ";
  }
  return wkt + first + "))";
}

// Every `stride`-th incident, from the middle of the first stride on, closes a large area whose
// outline is longer than the 65,535-byte string limit of the `compress` treatment.
bool HasLargeClosure(int64_t row) {
  constexpr int64_t kStride = kDemoIncidentRows / kDemoLargeClosureRows;
  return row % kStride == kStride / 2 && row / kStride < kDemoLargeClosureRows;
}

// NULL (empty) for most incidents; a small polygon for about 10 %; 70,000-90,000 bytes of
// polygon for the HasLargeClosure rows. A vertex and its separator take 23 bytes.
std::string ClosureGeometry(int64_t row, double lat, double lon, DemoRandom* random) {
  if (HasLargeClosure(row)) {
    int points = static_cast<int>((70'500 + random->Below(19'000)) / 23);
    return ClosurePolygon(lat, lon, points, random->Between(0.01, 0.03), random);
  }
  if (!random->Chance(0.1)) return {};
  int points = 5 + static_cast<int>(random->Below(16));
  return ClosurePolygon(lat, lon, points, random->Between(0.0005, 0.003), random);
}

}  // namespace

Status InsertDemoWays(sqlite3* db, int64_t day_start) {
  std::vector<DemoWay> ways = MakeWays();
  DemoRandom random(0x5741'5901 ^ static_cast<uint64_t>(day_start));
  ASSIGN_OR_RETURN(Statement insert,
                   Statement::Prepare(db,
                                      "INSERT INTO way VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                                      "?8, ?9)"));
  for (int64_t i = 0; i < kDemoWayRows; ++i) {
    int64_t t = RowTime(day_start, i, kDemoWayRows);
    const DemoWay& way = ways[static_cast<size_t>(random.Below(kWayCount))];
    double speed =
        std::max(3.0, Round(way.free_flow_kmh * SpeedFactor(t) * random.Between(0.8, 1.1), 1));
    insert.BindInt(1, way.id);
    insert.BindText(2, TimeText(t));
    insert.BindText(3, random.Pick(kSources));
    insert.BindReal(4, speed);
    if (random.Chance(0.1)) {
      insert.BindNull(5);
    } else {
      insert.BindReal(5, Round(way.length_m / (speed / 3.6), 1));
    }
    insert.BindReal(6, way.free_flow_kmh);
    insert.BindReal(7, Round(random.Between(0.55, 1.0), 4));
    insert.BindText(8, way.road_name);
    insert.BindText(9, way.feature);
    RETURN_IF_ERROR(insert.Run());
  }
  return Status::Ok();
}

Status InsertDemoCctv(sqlite3* db, int64_t day_start) {
  DemoRandom random(0x4343'5456 ^ static_cast<uint64_t>(day_start));  // "CCTV"
  ASSIGN_OR_RETURN(Statement insert,
                   Statement::Prepare(db, "INSERT INTO cctv VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
  for (int64_t i = 0; i < kDemoCctvRows; ++i) {
    int64_t t = RowTime(day_start, i, kDemoCctvRows);
    int64_t camera_id = 1000 + random.Below(150);
    insert.BindInt(1, camera_id);
    insert.BindInt(2, t);
    insert.BindInt(3, static_cast<int64_t>(random.Between(0, 120) * Activity(t)));
    insert.BindInt(4, static_cast<int64_t>(random.Between(0, 300) * Activity(t)));
    if (random.Chance(0.85)) {
      insert.BindText(5, PlateNumber(&random));
    } else {
      insert.BindNull(5);
    }
    if (random.Chance(0.08)) {
      insert.BindText(6, OperatorNote(&random));
    } else {
      insert.BindNull(6);
    }
    insert.BindText(7, FirmwareVersion(camera_id));
    RETURN_IF_ERROR(insert.Run());
  }
  return Status::Ok();
}

Status InsertDemoWayMetrics(sqlite3* db, int64_t day_start) {
  DemoRandom random(0x4C4F'4E47 ^ static_cast<uint64_t>(day_start));  // "LONG"
  ASSIGN_OR_RETURN(Statement insert,
                   Statement::Prepare(db,
                                      "INSERT INTO way_metrics_long VALUES (?1, ?2, ?3, "
                                      "?4, ?5)"));
  for (int64_t i = 0; i < kDemoWayMetricsLongRows; ++i) {
    int64_t t = RowTime(day_start, i, kDemoWayMetricsLongRows);
    std::string_view metric = random.Pick(kMetrics);
    double value = metric == "speed"         ? Round(random.Between(5, 100) * SpeedFactor(t), 1)
                   : metric == "volume"      ? std::floor(random.Between(0, 2400) * Activity(t))
                   : metric == "occupancy"   ? Round(random.Between(0, 0.6) * Activity(t), 3)
                   : metric == "travel_time" ? Round(random.Between(5, 600), 1)
                                             : static_cast<double>(random.Next() >> 32);
    insert.BindInt(1, 4'000'000 + random.Below(kWayCount) * 137);
    insert.BindText(2, TimeText(t));
    insert.BindText(3, metric);
    insert.BindReal(4, value);
    insert.BindText(5, random.Pick(kSources));
    RETURN_IF_ERROR(insert.Run());
  }
  return Status::Ok();
}

Status InsertDemoIncidents(sqlite3* db, int64_t day_start) {
  DemoRandom random(0x494E'4349 ^ static_cast<uint64_t>(day_start));  // "INCI"
  ASSIGN_OR_RETURN(Statement insert,
                   Statement::Prepare(db,
                                      "INSERT INTO incident VALUES (?1, ?2, ?3, ?4, ?5, "
                                      "?6, ?7, ?8, ?9, ?10, ?11, ?12)"));
  for (int64_t i = 0; i < kDemoIncidentRows; ++i) {
    int64_t t = RowTime(day_start, i, kDemoIncidentRows);
    std::string_view category = random.Pick(kCategories);
    insert.BindInt(1, i + 1);
    insert.BindText(2, FormatCanonicalTimestamp(t * kMicrosPerSecond + random.Below(1000) * 1000));
    insert.BindText(3, category);
    insert.BindText(4, IncidentDescription(category, &random));
    insert.BindTextOrNull(5, random.Chance(0.9) ? PersonName(&random) : "");
    insert.BindTextOrNull(6, random.Chance(0.75) ? MobileNumber(&random) : "");
    insert.BindTextOrNull(7, random.Chance(0.6) ? EmailAddress(&random) : "");
    double lat = Round(-37.88 + random.Between(0, 0.15), 6);
    double lon = Round(144.90 + random.Between(0, 0.20), 6);
    insert.BindReal(8, lat);
    insert.BindReal(9, lon);
    insert.BindInt(10, random.Chance(0.7) ? 1 : 0);
    insert.BindText(11, FormatDateText(static_cast<int32_t>(t / kSecondsPerDay)));
    insert.BindTextOrNull(12, ClosureGeometry(i, lat, lon, &random));
    RETURN_IF_ERROR(insert.Run());
  }
  return Status::Ok();
}

}  // namespace de::warehouse_sqlite
