#include "warehouse/sqlite/demo_warehouse.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <map>
#include <set>

#include "warehouse/sqlite/scratch_database.h"
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

TEST(DemoWarehouseTest, BuildsDeterministicTablesThatReadCleanly) {
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

TEST(DemoWarehouseTest, EveryRowFallsInsideItsDay) {
  ScratchDirectory dir;
  std::string path = dir.File("demo.db");
  ASSERT_TRUE(CreateDemoWarehouse(path, kDay).ok());
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

TEST(DemoWarehouseTest, PolicyClassifiesEveryColumnOnce) {
  ScratchDirectory dir;
  std::string path = dir.File("demo.db");
  ASSERT_TRUE(CreateDemoWarehouse(path, kDay).ok());
  auto warehouse = SqliteWarehouse::Open(path);
  ASSERT_TRUE(warehouse.ok());
  DemoPolicyRows policy = DemoPolicy();
  std::set<std::pair<std::string, std::string>> classified;
  for (const DemoColumnClassification& row : policy.column_classifications) {
    EXPECT_TRUE(classified.insert({row.table_name, row.column_name}).second) << row.column_name;
    EXPECT_TRUE(std::set<std::string>({"nr", "mx", "de", "hwc"}).contains(row.classification));
    if (row.pii) {
      EXPECT_TRUE(row.classification == "de" || !row.treatment.empty()) << row.column_name;
    }
    if (row.classification == "hwc") {
      EXPECT_FALSE(row.treatment.empty()) << row.column_name;
    }
  }
  for (const char* personal :
       {"plate_number", "operator_note", "reporter_name", "reporter_phone"}) {
    bool found = false;
    for (const DemoColumnClassification& row : policy.column_classifications) {
      if (row.column_name == personal) found = row.classification == "de" && row.pii;
    }
    EXPECT_TRUE(found) << personal;
  }
  ASSERT_EQ(policy.export_tables.size(), 4u);
  size_t columns = 0;
  for (const DemoExportTable& table : policy.export_tables) {
    Result<TableSchema> schema = (*warehouse)->DescribeTable(table.table_name);
    ASSERT_TRUE(schema.ok()) << schema.status().ToString();
    columns += schema->columns.size();
    for (const WarehouseColumn& c : schema->columns) {
      EXPECT_TRUE(classified.contains({table.table_name, c.name})) << c.name;
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
  EXPECT_EQ(columns, classified.size());
}

TEST(DemoWarehouseTest, ReplacesAnExistingFileAndRejectsBadDays) {
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
