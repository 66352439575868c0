#include "warehouse/postgres/postgres_warehouse.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "warehouse/postgres/pg_catalog.h"
#include "warehouse/postgres/pg_copy_query.h"
#include "warehouse/postgres/pg_test_support.h"

namespace de {
namespace {

using pg_test::Col;
using pg_test::Dialect;
using pg_test::EventsTable;
using pg_test::kAllTypes;
using pg_test::kHour;
using pg_test::kMar1;
using pg_test::kSchema;
using pg_test::PostgresLiveBase;
using warehouse_pg::CatalogColumn;
using warehouse_pg::CatalogTable;
using warehouse_pg::CopyQuery;
using warehouse_pg::PlanCopyQuery;

// ---- Query rendering and type mapping (no server needed) ----

TEST(PgCopyQueryTest, RendersFiltersAsSettingsReadBack) {
  ScanSpec spec;
  spec.table = "events";
  spec.columns = {"metric", "v", "arr"};
  spec.time_filter = TimeFilter{"time", kMar1, kMar1 + kHour};
  spec.in_filters = {{"metric", {"cpu", "x'); DROP TABLE y; --"}, false},
                     {"metric", {"mem"}, true}};
  spec.order_by = "time";
  Result<CopyQuery> q = PlanCopyQuery(spec, EventsTable());
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(q->settings_sql,
            "SELECT pg_catalog.set_config('de.scan_start', $1, false), "
            "pg_catalog.set_config('de.scan_end', $2, false), "
            "pg_catalog.set_config('de.scan_in_0', $3, false), "
            "pg_catalog.set_config('de.scan_in_1', $4, false)");
  EXPECT_EQ(
      q->settings_params,
      (std::vector<std::string>{"2024-03-01 00:00:00.000000+00", "2024-03-01 01:00:00.000000+00",
                                R"(["cpu","x'); DROP TABLE y; --"])", R"(["mem"])"}));
  EXPECT_EQ(
      q->copy_sql,
      "COPY (SELECT \"metric\", \"v\", pg_catalog.to_json(\"arr\") FROM \"public\".\"events\" "
      "WHERE \"time\" >= (SELECT pg_catalog.current_setting('de.scan_start')::timestamptz) AND "
      "\"time\" < (SELECT pg_catalog.current_setting('de.scan_end')::timestamptz) AND \"metric\" "
      "IN "
      "(SELECT pg_catalog.jsonb_array_elements_text(pg_catalog.current_setting("
      "'de.scan_in_0')::jsonb)) AND \"metric\" NOT IN (SELECT "
      "pg_catalog.jsonb_array_elements_text(pg_catalog.current_setting('de.scan_in_1')::"
      "jsonb)) ORDER BY \"time\") TO STDOUT (FORMAT binary)");
  ASSERT_EQ(q->columns.size(), 3u);
  EXPECT_EQ(q->columns[2].pg_type, PgType::kJson);
  EXPECT_EQ(q->schema.fields[2].type, DataType::Json());
}

TEST(PgCopyQueryTest, TimestampWithoutZoneUsesWallClockText) {
  ScanSpec spec;
  spec.table = "events";
  spec.time_filter = TimeFilter{"wall", -1, 0};
  Result<CopyQuery> q = PlanCopyQuery(spec, EventsTable());
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(q->settings_params,
            (std::vector<std::string>{"1969-12-31 23:59:59.999999", "1970-01-01 00:00:00.000000"}));
  EXPECT_EQ(q->copy_sql,
            "COPY (SELECT  FROM \"public\".\"events\" WHERE \"wall\" >= "
            "(SELECT pg_catalog.current_setting('de.scan_start')::timestamp) AND \"wall\" < "
            "(SELECT pg_catalog.current_setting('de.scan_end')::timestamp)) TO STDOUT (FORMAT "
            "binary)");
}

TEST(PgCopyQueryTest, EmptyInListsNeedNoSettings) {
  ScanSpec spec;
  spec.table = "events";
  spec.columns = {"v"};
  spec.in_filters = {{"metric", {}, false}, {"metric", {std::string("a\0b", 3)}, true}};
  Result<CopyQuery> q = PlanCopyQuery(spec, EventsTable());
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(q->settings_sql, "");
  EXPECT_EQ(q->copy_sql,
            "COPY (SELECT \"v\" FROM \"public\".\"events\" WHERE FALSE AND \"metric\" IS NOT NULL) "
            "TO STDOUT (FORMAT binary)");
}

TEST(PgCopyQueryTest, QuotesIdentifiers) {
  EXPECT_EQ(QuoteSqlIdentifier("we\"ird name"), "\"we\"\"ird name\"");
  CatalogTable table{"s\"x", "t\"; DROP", {Col("a \"b\"", 25)}};
  ScanSpec spec;
  spec.table = table.name;
  spec.columns = {"a \"b\""};
  Result<CopyQuery> q = PlanCopyQuery(spec, table);
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(q->copy_sql,
            "COPY (SELECT \"a \"\"b\"\"\" FROM \"s\"\"x\".\"t\"\"; DROP\") TO STDOUT (FORMAT "
            "binary)");
}

TEST(PgCopyQueryTest, RejectsBadSpecs) {
  auto plan = [](ScanSpec spec) {
    spec.table = "events";
    return PlanCopyQuery(spec, EventsTable()).status();
  };
  ScanSpec missing;
  missing.columns = {"nope"};
  EXPECT_EQ(plan(missing).code(), StatusCode::kNotFound);
  EXPECT_EQ(plan(missing).message(), "warehouse table 'events' has no column 'nope'");
  ScanSpec twice;
  twice.columns = {"v", "v"};
  EXPECT_EQ(plan(twice).message(), "column 'v' of warehouse table 'events' is selected twice");
  ScanSpec unmapped;
  unmapped.columns = {"iv"};
  EXPECT_EQ(plan(unmapped).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(plan(unmapped).message(),
            "warehouse table 'events', column 'iv': PostgreSQL type 'decl' has no mapping to an "
            "export type");
  ScanSpec time_on_int;
  time_on_int.time_filter = TimeFilter{"v", 0, 1};
  EXPECT_EQ(plan(time_on_int).code(), StatusCode::kInvalidArgument);
  ScanSpec far;
  far.time_filter = TimeFilter{"time", 0, 253'402'300'800'000'000};
  EXPECT_EQ(plan(far).message(),
            "time filter bound 253402300800000000 us is outside years "
            "0001..9999");
  ScanSpec in_on_int;
  in_on_int.in_filters = {{"v", {"1"}, false}};
  EXPECT_EQ(plan(in_on_int).code(), StatusCode::kInvalidArgument);
  ScanSpec bad_utf8;
  bad_utf8.in_filters = {{"metric", {"\xff"}, false}};
  EXPECT_EQ(plan(bad_utf8).code(), StatusCode::kInvalidArgument);
  ScanSpec zero;
  zero.batch_rows = 0;
  EXPECT_EQ(plan(zero).code(), StatusCode::kInvalidArgument);
  ScanSpec order_missing;
  order_missing.order_by = "nope";
  EXPECT_EQ(plan(order_missing).code(), StatusCode::kNotFound);
  CatalogTable with_json{"public", "j", {Col("doc", 114), Col("arr", 1007, -1, true)}};
  ScanSpec order_json;
  order_json.table = "j";
  order_json.order_by = "doc";
  EXPECT_EQ(PlanCopyQuery(order_json, with_json).status().message(),
            "warehouse table 'j' cannot be ordered by json column 'doc'");
  order_json.order_by = "arr";
  EXPECT_TRUE(PlanCopyQuery(order_json, with_json).ok());
}

TEST(PgCopyQueryTest, FormatsTimestampText) {
  EXPECT_EQ(warehouse_pg::FormatTimestampText(0), "1970-01-01 00:00:00.000000");
  EXPECT_EQ(warehouse_pg::FormatTimestampText(4116745845123456), "2100-06-15 12:30:45.123456");
  EXPECT_EQ(warehouse_pg::FormatTimestampText(-2208988799999999), "1900-01-01 00:00:00.000001");
  EXPECT_EQ(warehouse_pg::FormatTimestampText(951782400000000), "2000-02-29 00:00:00.000000");
  EXPECT_EQ(warehouse_pg::FormatTimestampText(-62'135'596'800'000'000),
            "0001-01-01 00:00:00.000000");
  EXPECT_EQ(warehouse_pg::FormatTimestampText(253'402'300'799'999'999),
            "9999-12-31 23:59:59.999999");
}

TEST(PgCatalogTest, MapsNumericTypmods) {
  auto numeric = [](int32_t typmod) { return Col("n", 1700, typmod).type; };
  EXPECT_EQ(numeric(((12 << 16) | 2) + 4), DataType::Decimal(12, 2));
  EXPECT_EQ(numeric(((38 << 16) | 0) + 4), DataType::Decimal(38, 0));
  EXPECT_EQ(numeric(-1), DataType::String());
  EXPECT_EQ(numeric(((39 << 16) | 2) + 4), DataType::String());
  EXPECT_EQ(numeric(((5 << 16) | (0x7ff & -2)) + 4), DataType::String());  // numeric(5,-2)
  EXPECT_EQ(Col("t", 1083).type, DataType::String());                      // time
  EXPECT_FALSE(Col("i", 1186).pg_type.has_value());                        // interval
}

TEST(PostgresWarehouseTest, OpenFailureNamesServerButNotPassword) {
  PostgresOptions options;
  options.conninfo =
      "host=127.0.0.1 port=1 dbname=nodb user=nouser password=sekrit connect_timeout=5";
  Result<std::unique_ptr<PostgresWarehouse>> wh = PostgresWarehouse::Open(options);
  ASSERT_FALSE(wh.ok());
  EXPECT_EQ(wh.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(wh.status().message().find("host 127.0.0.1 port 1 database nodb"), std::string::npos)
      << wh.status().message();
  EXPECT_EQ(wh.status().message().find("sekrit"), std::string::npos);
}

// The warehouse's tests, run once per read path: kPostgres (binary COPY) and kRedshift (cursor,
// against PostgreSQL).
class PostgresWarehouseLiveTest : public PostgresLiveBase,
                                  public ::testing::WithParamInterface<Dialect> {
 protected:
  void SetUp() override {
    PostgresLiveBase::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    wh_ = OpenWarehouse(GetParam());
    ASSERT_NE(wh_, nullptr);
  }

  Scanned ScanAll(const ScanSpec& spec, CancellationToken* cancel = nullptr) {
    return ScanWith(wh_.get(), spec, cancel);
  }
  // The pg_stat_activity condition that matches the running scan's statement: the COPY, or a
  // FETCH (where the cursor path runs its query).
  static std::string RunningScanCondition() {
    return GetParam() == Dialect::kPostgres ? "query LIKE 'COPY (%de_pgwh_test%'"
                                            : "query LIKE 'FETCH FORWARD % FROM de_scan'";
  }
  // Where a row number appears in the path's DataLoss messages.
  static std::string RowOf() {
    return GetParam() == Dialect::kPostgres ? "of the COPY stream" : "of the cursor";
  }
  // Waits until the scan's statement runs on the server (the scan's first Next waits for it);
  // false if none shows up within about 20 s.
  bool WaitForRunningScan() {
    for (int i = 0; i < 400; ++i) {
      if (Value("SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND "
                "state = 'active' AND " +
                RunningScanCondition()) == "1") {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  std::unique_ptr<PostgresWarehouse> wh_;
};

INSTANTIATE_TEST_SUITE_P(Paths, PostgresWarehouseLiveTest,
                         ::testing::Values(Dialect::kPostgres, Dialect::kRedshift),
                         [](const ::testing::TestParamInfo<Dialect>& info) {
                           return info.param == Dialect::kPostgres ? "Copy" : "Cursor";
                         });

TEST_P(PostgresWarehouseLiveTest, DescribesEveryType) {
  Sql(kAllTypes);
  Sql("CREATE TABLE odd (ok integer, \"span\" interval); CREATE VIEW \"b view\" AS SELECT 1 AS x");
  Result<TableSchema> schema = wh_->DescribeTable("alltypes");
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  std::vector<std::pair<std::string, DataType>> expected = {
      {"boolean", DataType::Bool()},
      {"smallint", DataType::Int16()},
      {"integer", DataType::Int32()},
      {"bigint", DataType::Int64()},
      {"real", DataType::Float()},
      {"double precision", DataType::Double()},
      {"numeric(12,2)", DataType::Decimal(12, 2)},
      {"numeric(38,6)", DataType::Decimal(38, 6)},
      {"numeric", DataType::String()},
      {"numeric(50,2)", DataType::String()},
      {"text", DataType::String()},
      {"character varying(10)", DataType::String()},
      {"character(4)", DataType::String()},
      {"json", DataType::Json()},
      {"jsonb", DataType::Json()},
      {"bytea", DataType::Binary()},
      {"uuid", DataType::Uuid()},
      {"date", DataType::Date()},
      {"timestamp without time zone", DataType::Timestamp(false)},
      {"timestamp with time zone", DataType::Timestamp(true)},
      {"time without time zone", DataType::String()},
      {"integer[]", DataType::Json()},
      {"text[]", DataType::Json()},
  };
  ASSERT_EQ(schema->columns.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    SCOPED_TRACE(schema->columns[i].name);
    EXPECT_EQ(schema->columns[i].declared_type, expected[i].first);
    EXPECT_EQ(schema->columns[i].type, expected[i].second);
    EXPECT_EQ(schema->columns[i].nullable, schema->columns[i].name != "i4");
  }
  Result<TableSchema> odd = wh_->DescribeTable("odd");
  EXPECT_EQ(odd.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(odd.status().message(),
            "warehouse table 'odd', column 'span': PostgreSQL type 'interval' has no mapping to "
            "an export type");
  EXPECT_EQ(wh_->DescribeTable("ALLTYPES").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(wh_->DescribeTable("pg_class").status().code(), StatusCode::kNotFound);
  Result<std::vector<std::string>> tables = wh_->ListTables();
  ASSERT_TRUE(tables.ok()) << tables.status().ToString();
  EXPECT_EQ(*tables, (std::vector<std::string>{"alltypes", "b view", "odd"}));
  EXPECT_TRUE(wh_->Ping().ok());
}

TEST_P(PostgresWarehouseLiveTest, ScansEveryTypeWithNulls) {
  Sql(kAllTypes);
  Sql("INSERT INTO alltypes VALUES (true, -32768, 2147483647, -9223372036854775808, 1.5, "
      "-1e300, 1234567890.12, '-99999999999999999999999999999999.999999', '-12345.678900', 1.5, "
      "'h\u00e9llo', 'ab', 'ab', '{\"a\": [1, 2]}', '{\"b\": 1}', '\\x00ff', "
      "'12345678-9abc-def0-0123-456789abcdef', '1969-12-31', '1900-01-01 00:00:00.000001', "
      "'2100-06-15 12:30:45.123456+00', '12:34:56.789', ARRAY[1, 2, NULL], ARRAY['a\"b', NULL])");
  Sql("INSERT INTO alltypes (i4) VALUES (0)");
  Result<TableSchema> table = wh_->DescribeTable("alltypes");
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  ScanSpec spec;
  spec.table = "alltypes";
  for (const WarehouseColumn& c : table->columns) spec.columns.push_back(c.name);
  spec.order_by = "i4";
  auto reader = wh_->Scan(spec, nullptr);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  Batch batch((*reader)->schema());
  Result<bool> more = (*reader)->Next(&batch);
  ASSERT_TRUE(more.ok()) << more.status().ToString();
  ASSERT_TRUE(*more);
  ASSERT_EQ(batch.num_rows(), 2u);
  // Row 0 is the NULL row (i4 = 0), row 1 the values.
  for (size_t c = 0; c < batch.num_columns(); ++c) {
    EXPECT_EQ(batch.column(c).IsNull(0), c != 2) << c;
    EXPECT_FALSE(batch.column(c).IsNull(1)) << c;
  }
  EXPECT_EQ(batch.column(0).Value<uint8_t>(1), 1);
  EXPECT_EQ(batch.column(1).Value<int16_t>(1), INT16_MIN);
  EXPECT_EQ(batch.column(2).Value<int32_t>(1), INT32_MAX);
  EXPECT_EQ(batch.column(3).Value<int64_t>(1), INT64_MIN);
  EXPECT_EQ(batch.column(4).Value<float>(1), 1.5f);
  EXPECT_EQ(batch.column(5).Value<double>(1), -1e300);
  EXPECT_EQ(batch.column(6).Value<int64_t>(1), 123456789012);
  __int128 n38 = 1;
  for (int i = 0; i < 38; ++i) n38 *= 10;
  EXPECT_TRUE(batch.column(7).Value<__int128>(1) == -(n38 - 1));
  EXPECT_EQ(batch.column(8).Bytes(1), "-12345.678900");
  EXPECT_EQ(batch.column(9).Bytes(1), "1.50");
  EXPECT_EQ(batch.column(10).Bytes(1), "h\xc3\xa9llo");
  EXPECT_EQ(batch.column(11).Bytes(1), "ab");
  EXPECT_EQ(batch.column(12).Bytes(1), "ab  ");
  EXPECT_EQ(batch.column(13).Bytes(1), "{\"a\": [1, 2]}");
  EXPECT_EQ(batch.column(14).Bytes(1), "{\"b\": 1}");
  EXPECT_EQ(batch.column(15).Bytes(1), std::string("\0\xff", 2));
  const uint8_t* uuid = batch.column(16).values<uint8_t>() + 16;
  const uint8_t expected_uuid[16] = {0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0,
                                     0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef};
  EXPECT_EQ(std::memcmp(uuid, expected_uuid, 16), 0);
  EXPECT_EQ(batch.column(17).Value<int32_t>(1), -1);
  EXPECT_EQ(batch.column(18).Value<int64_t>(1), -2208988799999999);
  EXPECT_EQ(batch.column(19).Value<int64_t>(1), 4116745845123456);
  EXPECT_EQ(batch.column(20).Bytes(1), "12:34:56.789");
  EXPECT_EQ(batch.column(21).Bytes(1), "[1,2,null]");
  EXPECT_EQ(batch.column(22).Bytes(1), "[\"a\\\"b\",null]");
  more = (*reader)->Next(&batch);
  ASSERT_TRUE(more.ok()) << more.status().ToString();
  EXPECT_FALSE(*more);
}

class PostgresEventsLiveTest : public PostgresWarehouseLiveTest {
 protected:
  void SetUp() override {
    PostgresWarehouseLiveTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    // v is the hour after 2024-03-01 00:00 UTC; rows inserted out of order.
    Sql("CREATE TABLE events (\"time\" timestamptz, wall timestamp, metric text, v integer)");
    Sql("INSERT INTO events SELECT timestamptz '2024-03-01 00:00+00' + h * interval '1 hour', "
        "timestamp '2024-03-01 00:00' + h * interval '1 hour', "
        "(ARRAY['cpu', 'mem', 'x''); DROP TABLE y; --', NULL])[h % 4 + 1], h "
        "FROM unnest(ARRAY[7, 3, 9, 0, 5, 1, 8, 2, 6, 4]) h");
    Sql("CREATE TABLE x (k integer); CREATE TABLE y (k integer); INSERT INTO y VALUES (1)");
  }
};

INSTANTIATE_TEST_SUITE_P(Paths, PostgresEventsLiveTest,
                         ::testing::Values(Dialect::kPostgres, Dialect::kRedshift),
                         [](const ::testing::TestParamInfo<Dialect>& info) {
                           return info.param == Dialect::kPostgres ? "Copy" : "Cursor";
                         });

TEST_P(PostgresEventsLiveTest, FiltersByTimeAndInListAndOrders) {
  ScanSpec spec;
  spec.table = "events";
  spec.columns = {"v", "metric"};
  spec.time_filter = TimeFilter{"time", kMar1 + 1 * kHour, kMar1 + 9 * kHour};  // v in 1..8
  spec.in_filters = {{"metric", {"cpu", "mem"}, false}};
  spec.order_by = "time";
  Scanned s = ScanAll(spec);
  ASSERT_TRUE(s.status.ok()) << s.status.ToString();
  EXPECT_EQ(s.rows, (std::vector<std::vector<std::string>>{
                        {"1", "mem"}, {"4", "cpu"}, {"5", "mem"}, {"8", "cpu"}}));
  // NOT IN keeps neither the listed values nor NULLs; wall-clock column filter.
  spec.time_filter = TimeFilter{"wall", kMar1, kMar1 + 4 * kHour};  // v in 0..3
  spec.in_filters = {{"metric", {"cpu"}, true}};
  s = ScanAll(spec);
  ASSERT_TRUE(s.status.ok()) << s.status.ToString();
  EXPECT_EQ(s.rows,
            (std::vector<std::vector<std::string>>{{"1", "mem"}, {"2", "x'); DROP TABLE y; --"}}));
}

TEST_P(PostgresEventsLiveTest, SplitsBatchesByBatchRows) {
  ScanSpec spec;
  spec.table = "events";
  spec.columns = {"v"};
  spec.order_by = "v";
  spec.batch_rows = 4;
  Scanned s = ScanAll(spec);
  ASSERT_TRUE(s.status.ok()) << s.status.ToString();
  EXPECT_EQ(s.batch_rows, (std::vector<size_t>{4, 4, 2}));
  ASSERT_EQ(s.rows.size(), 10u);
  for (size_t i = 0; i < 10; ++i) EXPECT_EQ(s.rows[i][0], std::to_string(i));
  // No columns: rows are still counted.
  spec.columns = {};
  s = ScanAll(spec);
  ASSERT_TRUE(s.status.ok()) << s.status.ToString();
  EXPECT_EQ(s.batch_rows, (std::vector<size_t>{4, 4, 2}));
}

TEST_P(PostgresEventsLiveTest, BatchesDoNotDependOnFetchSize) {
  ScanSpec spec;
  spec.table = "events";
  spec.columns = {"v", "metric"};
  spec.order_by = "v";
  spec.batch_rows = 4;
  const std::vector<std::string> metrics = {"cpu", "mem", "x'); DROP TABLE y; --", "NULL"};
  for (int fetch_rows : {1, 3, 4, 5, 9, 10, 11, 10'000}) {
    SCOPED_TRACE(fetch_rows);
    std::unique_ptr<PostgresWarehouse> wh = OpenWarehouse(GetParam(), fetch_rows);
    ASSERT_NE(wh, nullptr);
    Scanned s = ScanWith(wh.get(), spec, nullptr);
    ASSERT_TRUE(s.status.ok()) << s.status.ToString();
    EXPECT_EQ(s.batch_rows, (std::vector<size_t>{4, 4, 2}));
    ASSERT_EQ(s.rows.size(), 10u);
    for (size_t i = 0; i < 10; ++i) {
      EXPECT_EQ(s.rows[i], (std::vector<std::string>{std::to_string(i), metrics[i % 4]}));
    }
  }
  // batch_bytes = 1 cuts a batch after each row with a metric; rows whose metric is NULL add
  // no bytes (v = 3 and 7).
  spec.batch_rows = 100;
  spec.batch_bytes = 1;
  Scanned s = ScanAll(spec);
  ASSERT_TRUE(s.status.ok()) << s.status.ToString();
  EXPECT_EQ(s.batch_rows, (std::vector<size_t>{1, 1, 1, 2, 1, 1, 2, 1}));
  EXPECT_EQ(s.rows.size(), 10u);
}

TEST_P(PostgresEventsLiveTest, InjectionAttemptsChangeNothing) {
  ScanSpec spec;
  spec.table = "way\"; DROP TABLE x; --";
  spec.columns = {"v"};
  Scanned s = ScanAll(spec);
  EXPECT_EQ(s.status.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.status.message(), "warehouse has no table 'way\"; DROP TABLE x; --'");
  EXPECT_EQ(wh_->DescribeTable(spec.table).status().code(), StatusCode::kNotFound);
  spec.table = "events";
  spec.columns = {"v\"; DROP TABLE x; --"};
  EXPECT_EQ(ScanAll(spec).status.code(), StatusCode::kNotFound);
  // A value that looks like SQL is just a value.
  spec.columns = {"v"};
  spec.order_by = "v";
  spec.in_filters = {{"metric", {"x'); DROP TABLE y; --"}, false}};
  s = ScanAll(spec);
  ASSERT_TRUE(s.status.ok()) << s.status.ToString();
  EXPECT_EQ(s.rows, (std::vector<std::vector<std::string>>{{"2"}, {"6"}}));
  EXPECT_EQ(Value(std::string("SELECT count(*) FROM ") + kSchema + ".x"), "0");
  EXPECT_EQ(Value(std::string("SELECT count(*) FROM ") + kSchema + ".y"), "1");
}

TEST_P(PostgresWarehouseLiveTest, QuotedTableAndColumnNamesWork) {
  Sql("CREATE TABLE \"we\"\"ird table\" (\"a \"\"col\"\"\" text, \"Time\" timestamptz)");
  Sql("INSERT INTO \"we\"\"ird table\" VALUES ('one', '2024-03-01 00:30+00'), "
      "('two', '2024-03-01 05:00+00')");
  Result<TableSchema> table = wh_->DescribeTable("we\"ird table");
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_EQ(table->columns[0].name, "a \"col\"");
  ScanSpec spec;
  spec.table = "we\"ird table";
  spec.columns = {"a \"col\"", "Time"};
  spec.time_filter = TimeFilter{"Time", kMar1, kMar1 + kHour};
  spec.in_filters = {{"a \"col\"", {"one", "two"}, false}};
  spec.order_by = "Time";
  Scanned s = ScanAll(spec);
  ASSERT_TRUE(s.status.ok()) << s.status.ToString();
  EXPECT_EQ(s.rows,
            (std::vector<std::vector<std::string>>{{"one", std::to_string(kMar1 + kHour / 2)}}));
}

TEST_P(PostgresWarehouseLiveTest, CancelInterruptsRunningScan) {
  Sql("CREATE VIEW slow AS SELECT 1 AS n FROM (SELECT pg_sleep(60)) s");
  CancellationToken cancel;
  ScanSpec spec;
  spec.table = "slow";
  spec.columns = {"n"};
  auto reader = wh_->Scan(spec, &cancel);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  bool running = false;
  std::thread canceller([&] {
    running = WaitForRunningScan();
    cancel.Cancel();
  });
  Batch batch((*reader)->schema());
  Result<bool> more = (*reader)->Next(&batch);
  canceller.join();
  EXPECT_TRUE(running);
  EXPECT_EQ(more.status().code(), StatusCode::kCancelled) << more.status().ToString();
  EXPECT_EQ((*reader)->Next(&batch).status().code(), StatusCode::kCancelled);
}

TEST_P(PostgresWarehouseLiveTest, CancelBetweenBatches) {
  Sql("CREATE TABLE big AS SELECT g AS v FROM generate_series(1, 100000) g");
  CancellationToken cancel;
  ScanSpec spec;
  spec.table = "big";
  spec.columns = {"v"};
  spec.batch_rows = 1000;
  auto reader = wh_->Scan(spec, &cancel);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  Batch batch((*reader)->schema());
  Result<bool> more = (*reader)->Next(&batch);
  ASSERT_TRUE(more.ok() && *more);
  EXPECT_EQ(batch.num_rows(), 1000u);
  cancel.Cancel();
  EXPECT_EQ((*reader)->Next(&batch).status().code(), StatusCode::kCancelled);
  reader->reset();  // closes the COPY or cursor mid-stream
  EXPECT_TRUE(wh_->Ping().ok());
  CancellationToken fired;
  fired.Cancel();
  EXPECT_EQ(wh_->Scan(spec, &fired).status().code(), StatusCode::kCancelled);
}

TEST_P(PostgresWarehouseLiveTest, ServerErrorWhileScanningIsReportedByNext) {
  Sql("CREATE VIEW bad AS SELECT n::integer AS n FROM (VALUES ('1'), ('x')) v(n)");
  ScanSpec spec;
  spec.table = "bad";
  spec.columns = {"n"};
  Scanned s = ScanAll(spec);
  EXPECT_EQ(s.status.code(), StatusCode::kDataLoss);
  EXPECT_EQ(s.status.message(),
            "scan of warehouse table 'bad': ERROR:  invalid input syntax for type integer: \"x\"");
}

TEST_P(PostgresWarehouseLiveTest, InfinityIsDataLossAndStopsTheScan) {
  Sql("CREATE TABLE inf AS SELECT timestamptz '2020-01-01 00:00+00' + g * interval '1 second' "
      "AS ts FROM generate_series(1, 50000) g");
  Sql("INSERT INTO inf VALUES ('infinity'); INSERT INTO inf SELECT ts FROM inf");
  ScanSpec spec;
  spec.table = "inf";
  spec.columns = {"ts"};
  Scanned s = ScanAll(spec);
  EXPECT_EQ(s.status.code(), StatusCode::kDataLoss);
  EXPECT_EQ(s.status.message(), "warehouse table 'inf', column 'ts', row 50001 " + RowOf() +
                                    ": value 'infinity' (timestamptz) cannot be exported");
}

TEST_P(PostgresWarehouseLiveTest, CatalogConnectionIsReopenedAfterItWasLost) {
  ASSERT_TRUE(wh_->Ping().ok());
  EXPECT_EQ(Value("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM "
                  "pg_stat_activity WHERE pid <> pg_backend_pid() AND datname = "
                  "current_database() AND backend_type = 'client backend'"),
            "1");
  // Wait until the backend is gone (so the warehouse's connection is dead, not just closing).
  for (int i = 0; i < 400 && Value("SELECT count(*) FROM pg_stat_activity WHERE pid <> "
                                   "pg_backend_pid() AND datname = current_database() AND "
                                   "backend_type = 'client backend'") != "0";
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  Result<std::vector<std::string>> tables = wh_->ListTables();
  ASSERT_TRUE(tables.ok()) << tables.status().ToString();
  EXPECT_TRUE(tables->empty());
  EXPECT_TRUE(wh_->Ping().ok());
}

TEST_P(PostgresWarehouseLiveTest, StatementTimeoutIsDeadlineExceeded) {
  Sql("CREATE VIEW slow AS SELECT 1 AS n FROM (SELECT pg_sleep(60)) s");
  std::unique_ptr<PostgresWarehouse> wh = OpenWarehouse(GetParam(), 7, 200);
  ASSERT_NE(wh, nullptr);
  ScanSpec spec;
  spec.table = "slow";
  spec.columns = {"n"};
  auto reader = wh->Scan(spec, nullptr);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  Batch batch((*reader)->schema());
  EXPECT_EQ((*reader)->Next(&batch).status().code(), StatusCode::kDeadlineExceeded);
}

TEST_P(PostgresWarehouseLiveTest, LostConnectionMidScanIsUnavailable) {
  Sql("CREATE VIEW slow AS SELECT 1 AS n FROM (SELECT pg_sleep(60)) s");
  ScanSpec spec;
  spec.table = "slow";
  spec.columns = {"n"};
  auto reader = wh_->Scan(spec, nullptr);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  Batch batch((*reader)->schema());
  bool terminated = false;
  std::thread terminator([&] {
    terminated = WaitForRunningScan() &&
                 Value(
                     "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> "
                     "pg_backend_pid() AND state = 'active' AND " +
                     RunningScanCondition()) == "t";
  });
  Result<bool> more = (*reader)->Next(&batch);
  terminator.join();
  EXPECT_TRUE(terminated);
  EXPECT_EQ(more.status().code(), StatusCode::kUnavailable) << more.status().ToString();
}

TEST_P(PostgresEventsLiveTest, ScanGaugeCountsOpenScans) {
  ScanSpec spec;
  spec.table = "events";
  spec.columns = {"v"};
  wh_->scan_gauge().ResetPeak();
  auto first = wh_->Scan(spec, nullptr);
  auto second = wh_->Scan(spec, nullptr);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(wh_->scan_gauge().open(), 2u);
  first->reset();
  EXPECT_EQ(wh_->scan_gauge().open(), 1u);
  EXPECT_EQ(wh_->scan_gauge().peak(), 2u);
  second->reset();
  EXPECT_EQ(wh_->scan_gauge().open(), 0u);
  spec.table = "nope";
  EXPECT_EQ(wh_->Scan(spec, nullptr).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(wh_->scan_gauge().open(), 0u);
}

}  // namespace
}  // namespace de
