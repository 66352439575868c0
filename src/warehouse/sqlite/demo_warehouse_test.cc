#include "warehouse/sqlite/demo_warehouse.h"

#include <gtest/gtest.h>

#include <algorithm>

#include <chrono>
#include <fstream>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "warehouse/sqlite/scratch_database.h"
#include "warehouse/sqlite/sqlite_connection.h"
#include "warehouse/sqlite/sqlite_warehouse.h"

namespace de {
namespace {

using warehouse_sqlite::ScratchDirectory;

// 2024-03-01 00:00:00 UTC
constexpr int64_t kDay = 1'709'251'200;

// FNV-1a over every cell (validity and value bytes) of every batch of a full scan.
struct TableDigest {
  uint64_t hash = 0xcbf29ce484222325ULL;
  uint64_t rows = 0;
  void Add(const void* data, size_t n) {
    const auto* p = static_cast<const uint8_t*>(data);
    for (size_t i = 0; i < n; ++i) hash = (hash ^ p[i]) * 0x100000001b3ULL;
  }
};

Result<TableDigest> DigestTable(Warehouse* warehouse, const std::string& table) {
  ASSIGN_OR_RETURN(TableSchema schema, warehouse->DescribeTable(table));
  ScanSpec spec{.table = table, .batch_rows = 10'000};
  for (const WarehouseColumn& c : schema.columns) spec.columns.push_back(c.name);
  ASSIGN_OR_RETURN(std::unique_ptr<BatchReader> reader, warehouse->Scan(spec, nullptr));
  Batch batch(reader->schema());
  TableDigest digest;
  while (true) {
    ASSIGN_OR_RETURN(bool more, reader->Next(&batch));
    if (!more) return digest;
    digest.rows += batch.num_rows();
    for (size_t c = 0; c < batch.num_columns(); ++c) {
      const ColumnVector& column = batch.column(c);
      for (size_t r = 0; r < batch.num_rows(); ++r) {
        uint8_t valid = column.IsValid(r);
        digest.Add(&valid, 1);
        if (column.type().is_variable_width()) {
          std::string_view bytes = column.Bytes(r);
          digest.Add(bytes.data(), bytes.size());
        } else {
          size_t width = static_cast<size_t>(column.type().byte_width());
          digest.Add(column.values<uint8_t>() + r * width, width);
        }
      }
    }
  }
}

Result<std::map<std::string, TableDigest>> DigestWarehouse(const std::string& path) {
  ASSIGN_OR_RETURN(std::unique_ptr<SqliteWarehouse> warehouse, SqliteWarehouse::Open(path));
  ASSIGN_OR_RETURN(std::vector<std::string> tables, warehouse->ListTables());
  std::map<std::string, TableDigest> digests;
  for (const std::string& table : tables) {
    ASSIGN_OR_RETURN(digests[table], DigestTable(warehouse.get(), table));
  }
  return digests;
}

Result<uint64_t> CountRows(Warehouse* warehouse, ScanSpec spec) {
  ASSIGN_OR_RETURN(std::unique_ptr<BatchReader> reader, warehouse->Scan(spec, nullptr));
  Batch batch(reader->schema());
  uint64_t rows = 0;
  while (true) {
    ASSIGN_OR_RETURN(bool more, reader->Next(&batch));
    if (!more) return rows;
    rows += batch.num_rows();
  }
}

// One demo warehouse for the tests that only read it: building one takes seconds under the
// sanitizers.
class DemoWarehouseTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    shared_dir_ = new ScratchDirectory;
    Status built = CreateDemoWarehouse(shared_dir_->File("shared.db"), kDay);
    ASSERT_TRUE(built.ok()) << built.ToString();
  }
  static void TearDownTestSuite() {
    delete shared_dir_;
    shared_dir_ = nullptr;
  }
  static std::string SharedWarehouse() { return shared_dir_->File("shared.db"); }

 private:
  static ScratchDirectory* shared_dir_;
};
ScratchDirectory* DemoWarehouseTest::shared_dir_ = nullptr;

TEST_F(DemoWarehouseTest, BuildsDeterministicTablesThatReadCleanly) {
  ScratchDirectory dir;
  std::string first = dir.File("a/demo.db");
  std::string second = dir.File("b/demo.db");
  auto begin = std::chrono::steady_clock::now();
  Status built = CreateDemoWarehouse(first, kDay);
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  ASSERT_TRUE(built.ok()) << built.ToString();
  std::printf("demo warehouse: %lld rows in %.2f s\n", static_cast<long long>(kDemoTotalRows),
              seconds);
  ASSERT_TRUE(CreateDemoWarehouse(second, kDay).ok());

  // Every value of every column converts under the strict reader, and two builds agree.
  Result<std::map<std::string, TableDigest>> a = DigestWarehouse(first);
  Result<std::map<std::string, TableDigest>> b = DigestWarehouse(second);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  std::map<std::string, uint64_t> rows;
  for (const auto& [table, digest] : *a) {
    rows[table] = digest.rows;
    EXPECT_EQ(digest.hash, b->at(table).hash) << table;
  }
  EXPECT_EQ(rows, (std::map<std::string, uint64_t>{{"cctv", kDemoCctvRows},
                                                   {"incident", kDemoIncidentRows},
                                                   {"way", kDemoWayRows},
                                                   {"way_metrics_long", kDemoWayMetricsLongRows}}));
  EXPECT_GE(kDemoTotalRows, 200'000);
  EXPECT_FALSE(std::filesystem::exists(first + ".tmp-" + std::to_string(::getpid())));

  // Another day gives other data.
  ASSERT_TRUE(CreateDemoWarehouse(second, kDay + 86'400).ok());
  Result<std::map<std::string, TableDigest>> other = DigestWarehouse(second);
  ASSERT_TRUE(other.ok());
  EXPECT_NE(other->at("way").hash, a->at("way").hash);
}

TEST_F(DemoWarehouseTest, EveryRowFallsInsideItsDay) {
  std::string path = SharedWarehouse();
  auto warehouse = SqliteWarehouse::Open(path);
  ASSERT_TRUE(warehouse.ok());
  DemoPolicyRows policy = DemoPolicy();
  std::map<std::string, int64_t> expected = {{"cctv", kDemoCctvRows},
                                             {"incident", kDemoIncidentRows},
                                             {"way", kDemoWayRows},
                                             {"way_metrics_long", kDemoWayMetricsLongRows}};
  for (const DemoExportTable& table : policy.export_tables) {
    TimeFilter day{table.time_column, kDay * 1'000'000, (kDay + 86'400) * 1'000'000};
    Result<uint64_t> inside =
        CountRows(warehouse->get(), {.table = table.table_name, .time_filter = day});
    ASSERT_TRUE(inside.ok()) << inside.status().ToString();
    EXPECT_EQ(*inside, static_cast<uint64_t>(expected[table.table_name])) << table.table_name;
    TimeFilter next_day{table.time_column, day.end_us, day.end_us + 86'400'000'000};
    EXPECT_EQ(*CountRows(warehouse->get(), {.table = table.table_name, .time_filter = next_day}),
              0u);
  }
}

// "class/treatment/pii" of a column rule, or of a metric rule (pii always "-").
std::string RuleText(const DemoColumnClassification& c) {
  return fmt::format("{}/{}/{}", c.classification, c.treatment, c.pii ? "pii" : "-");
}

TEST_F(DemoWarehouseTest, PolicyClassifiesEveryColumnButTheNewOneOnce) {
  std::string path = SharedWarehouse();
  auto warehouse = SqliteWarehouse::Open(path);
  ASSERT_TRUE(warehouse.ok());
  DemoPolicyRows policy = DemoPolicy();
  std::map<std::pair<std::string, std::string>, std::string> rules;
  for (const DemoColumnClassification& row : policy.column_classifications) {
    EXPECT_TRUE(rules.emplace(std::pair{row.table_name, row.column_name}, RuleText(row)).second)
        << row.column_name << " is classified twice";
    EXPECT_TRUE(std::set<std::string>({"nr", "mx", "de", "hwc"}).contains(row.classification));
    // DESIGN.md §3.3: personal data is de, or hwc with a treatment.
    if (row.pii) {
      EXPECT_TRUE(row.classification == "de" ||
                  (row.classification == "hwc" && !row.treatment.empty()))
          << row.column_name;
    }
    if (row.classification == "hwc") {
      EXPECT_FALSE(row.treatment.empty()) << row.column_name;
    }
  }
  // The rules that carry the product's promise, exactly.
  const std::map<std::pair<std::string, std::string>, std::string> personal_and_treated = {
      {{"cctv", "plate_number"}, "hwc/hash/pii"},
      {{"cctv", "operator_note"}, "hwc/null/pii"},
      {{"incident", "reported_at"}, "hwc/truncate_time:hour/-"},
      {{"incident", "description"}, "hwc/scrub/pii"},
      {{"incident", "reporter_name"}, "hwc/drop/pii"},
      {{"incident", "reporter_phone"}, "hwc/mask:3/pii"},
      {{"incident", "reporter_email"}, "de//pii"},
      {{"incident", "latitude"}, "hwc/round:3/-"},
      {{"incident", "longitude"}, "hwc/round:3/-"},
      {{"incident", "closure_geometry"}, "nr/compress/-"},
      {{"way", "speed_kmh"}, "mx//-"},
      {{"way", "travel_time_s"}, "mx/round:0/-"},
      {{"way", "geoj_way_feature"}, "hwc/round_coords:4/-"},
      {{"way_metrics_long", "value"}, "mx//-"},
  };
  size_t plain = 0;
  for (const auto& [column, rule] : rules) {
    auto special = personal_and_treated.find(column);
    if (special == personal_and_treated.end()) {
      EXPECT_EQ(rule, "nr//-") << column.first << "." << column.second;
      ++plain;
    } else {
      EXPECT_EQ(rule, special->second) << column.first << "." << column.second;
    }
  }
  EXPECT_EQ(rules.size(), 32u);
  EXPECT_EQ(plain, 32u - personal_and_treated.size());

  // Every warehouse column has a rule, except cctv.firmware_version: it plays a column added
  // after the policy was written.
  ASSERT_EQ(policy.export_tables.size(), 4u);
  std::set<std::pair<std::string, std::string>> unclassified;
  size_t columns = 0;
  for (const DemoExportTable& table : policy.export_tables) {
    EXPECT_TRUE(table.enabled) << table.table_name;
    Result<TableSchema> schema = (*warehouse)->DescribeTable(table.table_name);
    ASSERT_TRUE(schema.ok()) << schema.status().ToString();
    columns += schema->columns.size();
    for (const WarehouseColumn& c : schema->columns) {
      if (!rules.contains({table.table_name, c.name}))
        unclassified.insert({table.table_name, c.name});
    }
    int time = schema->ColumnIndex(table.time_column);
    ASSERT_GE(time, 0);
    EXPECT_EQ(schema->columns[time].type.id, TypeId::kTimestamp);
    for (const std::string& c : {table.source_column, table.metric_column}) {
      if (!c.empty()) {
        EXPECT_GE(schema->ColumnIndex(c), 0) << c;
      }
    }
  }
  EXPECT_EQ(unclassified,
            (std::set<std::pair<std::string, std::string>>{{"cctv", "firmware_version"}}));
  EXPECT_EQ(columns, rules.size() + 1);

  std::map<std::string, std::string> sources;
  for (const DemoSourceClassification& s : policy.source_classifications) {
    sources[s.source] = s.classification;
  }
  EXPECT_EQ(sources, (std::map<std::string, std::string>{
                         {"FUSION", "nr"}, {"HERE", "de"}, {"TOMTOM", "hwc"}}));
  std::map<std::string, std::string> metrics;
  for (const DemoMetricClassification& m : policy.metric_classifications) {
    EXPECT_EQ(m.table_name, "way_metrics_long");
    metrics[m.metric_name] = m.classification + "/" + m.treatment;
  }
  EXPECT_EQ(metrics, (std::map<std::string, std::string>{{"driver_id_hash", "de/"},
                                                         {"occupancy", "mx/"},
                                                         {"speed", "nr/"},
                                                         {"travel_time", "hwc/round:0"},
                                                         {"volume", "nr/"}}));
}

// Reads the rows of a one-column query as text; NULL is std::nullopt.
std::vector<std::optional<std::string>> Column(const std::string& path, const std::string& sql) {
  std::vector<std::optional<std::string>> values;
  Result<warehouse_sqlite::Connection> db = warehouse_sqlite::OpenReadOnly(path);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  if (!db.ok()) return values;
  Result<warehouse_sqlite::Statement> query = warehouse_sqlite::Statement::Prepare(db->get(), sql);
  EXPECT_TRUE(query.ok()) << query.status().ToString();
  if (!query.ok()) return values;
  while (true) {
    Result<bool> row = query->Step();
    EXPECT_TRUE(row.ok()) << row.status().ToString();
    if (!row.ok() || !*row) return values;
    if (sqlite3_column_type(query->get(), 0) == SQLITE_NULL) {
      values.emplace_back();
    } else {
      values.push_back(query->Text(0));
    }
  }
}

// Small shape checks (std::regex trips GCC 12's -Wmaybe-uninitialized under -Werror and recurses
// per character).
bool AllOf(std::string_view s, bool (*pred)(char)) {
  return !s.empty() && std::all_of(s.begin(), s.end(), pred);
}
bool IsDigitChar(char c) { return c >= '0' && c <= '9'; }
bool IsLowerChar(char c) { return c >= 'a' && c <= 'z'; }
bool IsLowerOrDot(char c) { return IsLowerChar(c) || c == '.'; }

// -?D{1,max_int}.DDDDDD
bool IsSixDecimalNumber(std::string_view s, size_t max_int) {
  if (s.starts_with('-')) s.remove_prefix(1);
  size_t dot = s.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot > max_int) return false;
  return AllOf(s.substr(0, dot), IsDigitChar) && s.size() - dot - 1 == 6 &&
         AllOf(s.substr(dot + 1), IsDigitChar);
}

bool IsVertex(std::string_view v) {
  size_t space = v.find(' ');
  return space != std::string_view::npos && IsSixDecimalNumber(v.substr(0, space), 3) &&
         IsSixDecimalNumber(v.substr(space + 1), 2);
}

// 04DD DDD DDD
bool IsMobile(std::string_view s) {
  constexpr std::string_view kShape = "04dd ddd ddd";
  if (s.size() != kShape.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char want = kShape[i];
    if (want == 'd' ? !IsDigitChar(s[i]) : s[i] != want) return false;
  }
  return true;
}

// first.last@domain.(com|org|net), all lower case
bool IsDemoEmail(std::string_view s) {
  size_t at = s.find('@');
  if (at == std::string_view::npos) return false;
  std::string_view local = s.substr(0, at), domain = s.substr(at + 1);
  size_t dot = local.find('.');
  if (dot == std::string_view::npos || !AllOf(local.substr(0, dot), IsLowerChar) ||
      !AllOf(local.substr(dot + 1), IsLowerChar)) {
    return false;
  }
  if (!(domain.ends_with(".com") || domain.ends_with(".org") || domain.ends_with(".net"))) {
    return false;
  }
  return AllOf(domain.substr(0, domain.size() - 4), IsLowerOrDot);
}

// The vertices of a WKT "POLYGON((x y, x y, ...))" with six-decimal coordinates, or an empty
// vector when `wkt` is not of that shape. Hand-parsed: std::regex recurses per character and
// would overflow the stack on the 90 kB outlines.
std::vector<std::string> PolygonVertices(std::string_view wkt) {
  constexpr std::string_view kOpen = "POLYGON((", kClose = "))";
  if (!wkt.starts_with(kOpen) || !wkt.ends_with(kClose)) return {};
  wkt = wkt.substr(kOpen.size(), wkt.size() - kOpen.size() - kClose.size());
  std::vector<std::string> vertices;
  while (true) {
    size_t comma = wkt.find(", ");
    std::string_view vertex = wkt.substr(0, comma);
    if (!IsVertex(vertex)) return {};
    vertices.emplace_back(vertex);
    if (comma == std::string_view::npos) return vertices;
    wkt.remove_prefix(comma + 2);
  }
}

TEST_F(DemoWarehouseTest, ClosureGeometryHasSmallAndOverlongPolygons) {
  std::string path = SharedWarehouse();
  auto geometry = Column(path, "SELECT closure_geometry FROM incident ORDER BY incident_id");
  ASSERT_EQ(geometry.size(), static_cast<size_t>(kDemoIncidentRows));
  size_t small = 0, nulls = 0;
  std::vector<size_t> large_rows;
  for (size_t row = 0; row < geometry.size(); ++row) {
    if (!geometry[row]) {
      ++nulls;
      continue;
    }
    std::vector<std::string> vertices = PolygonVertices(*geometry[row]);
    ASSERT_GE(vertices.size(), 6u) << "row " << row << ": " << geometry[row]->substr(0, 80);
    EXPECT_EQ(vertices.front(), vertices.back()) << "row " << row << ": the ring is not closed";
    EXPECT_EQ(std::set<std::string>(vertices.begin(), vertices.end()).size(), vertices.size() - 1)
        << "row " << row;
    EXPECT_TRUE(vertices[0].starts_with("14") && vertices[0].find(" -37.") != std::string::npos)
        << vertices[0];
    if (geometry[row]->size() > 65'535) {
      large_rows.push_back(row);
      EXPECT_GE(geometry[row]->size(), 70'000u) << "row " << row;
      EXPECT_LE(geometry[row]->size(), 90'000u) << "row " << row;
    } else {
      ++small;
      EXPECT_GE(vertices.size(), 6u);   // 5 distinct vertices + the closing one
      EXPECT_LE(vertices.size(), 21u);  // 20 + 1
    }
  }
  EXPECT_EQ(large_rows.size(), static_cast<size_t>(kDemoLargeClosureRows));
  // Spread over the day: neighbours are about 24 h / 30 apart, the first and last near the ends.
  ASSERT_FALSE(large_rows.empty());
  EXPECT_LT(large_rows.front(), geometry.size() / 20);
  EXPECT_GT(large_rows.back(), geometry.size() * 19 / 20);
  for (size_t i = 1; i < large_rows.size(); ++i) {
    EXPECT_GT(large_rows[i] - large_rows[i - 1], geometry.size() / 40);
  }
  EXPECT_GT(small, 800u);  // about 10 % of the rows
  EXPECT_LT(small, 1200u);
  EXPECT_EQ(nulls + small + large_rows.size(), geometry.size());
}

TEST_F(DemoWarehouseTest, PersonalDataSitsOnlyWhereThePolicyExpectsIt) {
  std::string path = SharedWarehouse();

  auto emails = Column(path, "SELECT reporter_email FROM incident");
  size_t with_email = 0;
  for (const auto& email : emails) {
    if (!email) continue;
    ++with_email;
    EXPECT_TRUE(IsDemoEmail(*email)) << *email;
  }
  EXPECT_GT(with_email, 5'500u);  // about 60 % of 10,000
  EXPECT_LT(with_email, 6'500u);

  // Descriptions: contact details the `scrub` treatment can find, and no names, which it cannot.
  std::set<std::string> names;
  for (const auto& name : Column(path, "SELECT reporter_name FROM incident")) {
    if (name) names.insert(*name);
  }
  ASSERT_GT(names.size(), 100u);
  size_t by_phone = 0, by_email = 0;
  for (const auto& text : Column(path, "SELECT description FROM incident")) {
    ASSERT_TRUE(text.has_value());
    for (const std::string& name : names) {
      EXPECT_EQ(text->find(name), std::string::npos) << *text;
    }
    size_t witness = text->find("; witness can be reached on ");
    if (witness == std::string::npos) {
      EXPECT_EQ(text->find("witness"), std::string::npos) << *text;
      continue;
    }
    std::string contact = text->substr(witness + 28);
    by_phone += IsMobile(contact);
    by_email += IsDemoEmail(contact);
    EXPECT_TRUE(IsMobile(contact) || IsDemoEmail(contact)) << *text;
  }
  EXPECT_GT(by_phone, 500u);  // 15 % of 10,000, half each
  EXPECT_GT(by_email, 500u);

  // Operator notes still name people (that column is nulled by the policy).
  size_t named_notes = 0;
  for (const auto& note : Column(path, "SELECT operator_note FROM cctv")) {
    if (!note) continue;
    for (const std::string& name : names) {
      if (note->find(name) != std::string::npos) {
        ++named_notes;
        break;
      }
    }
  }
  EXPECT_GT(named_notes, 200u);

  // Firmware is fixed per camera and never NULL.
  std::map<std::string, std::set<std::string>> firmware_by_camera;
  auto pairs = Column(path, "SELECT camera_id || ' ' || firmware_version FROM cctv");
  ASSERT_EQ(pairs.size(), static_cast<size_t>(kDemoCctvRows));
  std::set<std::string> versions;
  for (const auto& pair : pairs) {
    ASSERT_TRUE(pair.has_value()) << "firmware_version is NULL";
    size_t space = pair->find(' ');
    firmware_by_camera[pair->substr(0, space)].insert(pair->substr(space + 1));
    versions.insert(pair->substr(space + 1));
  }
  EXPECT_EQ(versions, (std::set<std::string>{"fw-2.3.1", "fw-2.4.0"}));
  for (const auto& [camera, firmware] : firmware_by_camera) {
    EXPECT_EQ(firmware.size(), 1u) << camera;
  }
}

TEST_F(DemoWarehouseTest, ReplacesAnExistingFileAndRejectsBadDays) {
  ScratchDirectory dir;
  std::string path = dir.File("demo.db");
  { std::ofstream(path) << "old contents"; }
  ASSERT_TRUE(CreateDemoWarehouse(path, kDay).ok());
  EXPECT_TRUE(SqliteWarehouse::Open(path).ok());
  EXPECT_EQ(CreateDemoWarehouse(dir.File("x.db"), -86'400).code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(dir.File("x.db")));
  // A directory where the file should go: the build fails and leaves nothing behind.
  std::filesystem::create_directories(dir.File("taken.db"));
  EXPECT_FALSE(CreateDemoWarehouse(dir.File("taken.db"), kDay).ok());
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    EXPECT_EQ(entry.path().string().find(".tmp-"), std::string::npos) << entry.path();
  }
}

}  // namespace
}  // namespace de
