#include "warehouse/postgres/pg_cursor_reader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "warehouse/postgres/pg_copy_query.h"
#include "warehouse/postgres/pg_test_support.h"
#include "warehouse/postgres/postgres_warehouse.h"

namespace de {
namespace {

using pg_test::Col;
using pg_test::Dialect;
using pg_test::EventsTable;
using pg_test::kAllTypes;
using pg_test::kHour;
using pg_test::kMar1;
using pg_test::PostgresLiveBase;
using warehouse_pg::CatalogColumn;
using warehouse_pg::CatalogTable;
using warehouse_pg::CursorQuery;
using warehouse_pg::PlanCopyQuery;
using warehouse_pg::PlanCursorQuery;

// ---- Query rendering (no server needed) ----

TEST(PgCatalogTest, MapsRedshiftSuperToSerialisedJson) {
  CatalogColumn super = Col("doc", warehouse_pg::kRedshiftSuperOid);
  EXPECT_EQ(super.type, DataType::Json());
  EXPECT_EQ(super.pg_type, PgType::kText);  // json_serialize returns varchar
  EXPECT_EQ(super.select_as, warehouse_pg::SelectAs::kJsonSerialize);
  EXPECT_EQ(Col("arr", 1007, -1, true).select_as, warehouse_pg::SelectAs::kToJson);
  EXPECT_FALSE(Col("vb", 6551).pg_type.has_value());  // Redshift varbyte: unmapped
}

TEST(PgCursorQueryTest, RendersValuesAsParameters) {
  ScanSpec spec;
  spec.table = "events";
  spec.columns = {"metric", "v", "arr"};
  spec.time_filter = TimeFilter{"time", kMar1, kMar1 + kHour};
  spec.in_filters = {{"metric", {"cpu", "x'); DROP TABLE y; --"}, false},
                     {"metric", {"mem"}, true}};
  spec.order_by = "time";
  Result<CursorQuery> q = PlanCursorQuery(spec, EventsTable());
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(q->declare_sql,
            "DECLARE de_scan CURSOR FOR SELECT \"metric\", \"v\", "
            "pg_catalog.to_json(\"arr\") FROM \"public\".\"events\" WHERE \"time\" >= "
            "$1::timestamptz AND \"time\" < $2::timestamptz AND \"metric\" IN ($3, $4) AND "
            "\"metric\" NOT IN ($5) ORDER BY \"time\"");
  EXPECT_EQ(q->params, (std::vector<std::string>{"2024-03-01 00:00:00.000000+00",
                                                 "2024-03-01 01:00:00.000000+00", "cpu",
                                                 "x'); DROP TABLE y; --", "mem"}));
  EXPECT_FALSE(q->placeholder_column);
  ASSERT_EQ(q->columns.size(), 3u);
  EXPECT_EQ(q->columns[2].pg_type, PgType::kJson);
  EXPECT_EQ(q->schema.fields[2].type, DataType::Json());
}

TEST(PgCursorQueryTest, SelectsAPlaceholderWhenNoColumnIsSelected) {
  ScanSpec spec;
  spec.table = "events";
  spec.time_filter = TimeFilter{"wall", -1, 0};
  spec.in_filters = {{"metric", {}, false}, {"metric", {std::string("a\0b", 3)}, true}};
  Result<CursorQuery> q = PlanCursorQuery(spec, EventsTable());
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(q->declare_sql,
            "DECLARE de_scan CURSOR FOR SELECT NULL FROM \"public\".\"events\" WHERE "
            "\"wall\" >= $1::timestamp AND \"wall\" < $2::timestamp AND FALSE AND \"metric\" IS "
            "NOT NULL");
  EXPECT_EQ(q->params,
            (std::vector<std::string>{"1969-12-31 23:59:59.999999", "1970-01-01 00:00:00.000000"}));
  EXPECT_TRUE(q->placeholder_column);
  EXPECT_TRUE(q->columns.empty());
}

TEST(PgCursorQueryTest, ReadsRedshiftSuperThroughJsonSerialize) {
  CatalogTable table{
      "public", "r", {Col("doc", warehouse_pg::kRedshiftSuperOid), Col("name", 1043)}};
  ScanSpec spec;
  spec.table = "r";
  spec.columns = {"doc", "name"};
  Result<CursorQuery> q = PlanCursorQuery(spec, table);
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(q->declare_sql,
            "DECLARE de_scan CURSOR FOR SELECT json_serialize(\"doc\"), \"name\" FROM "
            "\"public\".\"r\"");
  EXPECT_EQ(q->schema.fields[0].type, DataType::Json());
  spec.order_by = "doc";
  EXPECT_EQ(PlanCursorQuery(spec, table).status().message(),
            "warehouse table 'r' cannot be ordered by json column 'doc'");
  spec.order_by = "";
  spec.in_filters = {{"doc", {"x"}, false}};
  EXPECT_EQ(PlanCursorQuery(spec, table).status().code(), StatusCode::kInvalidArgument);
}

TEST(PgCursorQueryTest, RejectsMoreValuesThanCanBeBound) {
  ScanSpec spec;
  spec.table = "events";
  spec.in_filters = {{"metric", std::vector<std::string>(65535, "v"), false}};
  EXPECT_TRUE(PlanCursorQuery(spec, EventsTable()).ok());
  spec.time_filter = TimeFilter{"time", 0, 1};
  EXPECT_EQ(PlanCursorQuery(spec, EventsTable()).status().message(),
            "scan of 'events' has 65537 filter values, more than the 65535 that can be bound");
  // The COPY path binds an in-list as one value.
  EXPECT_TRUE(PlanCopyQuery(spec, EventsTable()).ok());
}

// ---- The two read paths side by side ----

class PostgresPathsLiveTest : public PostgresLiveBase {
 protected:
  // The message of a path's error with the COPY path's row wording, for comparison.
  static std::string AsCopyMessage(std::string message) {
    const std::string cursor = "of the cursor", copy = "of the COPY stream";
    size_t at = message.find(cursor);
    if (at != std::string::npos) message.replace(at, cursor.size(), copy);
    return message;
  }
};

TEST_F(PostgresPathsLiveTest, CursorBatchesEqualCopyBatchesForEveryTypeAndExtreme) {
  Sql(kAllTypes);
  // i4 orders the rows: maxima, minima, before 1970 and tiny values, after 2038, all NULL.
  Sql("INSERT INTO alltypes VALUES (true, 32767, 1, 9223372036854775807, 'Infinity', 'NaN', "
      "9999999999.99, '99999999999999999999999999999999.999999', 'Infinity', "
      "'999999999999999999999999999999999999999999999999.99', repeat('\u00e9', 5000), "
      "'0123456789', 'abcd', '[]', '{\"k\": [1, {\"x\": null}]}', '\\x', "
      "'ffffffff-ffff-ffff-ffff-ffffffffffff', '5874897-12-31', '200000-01-01 00:00:00', "
      "'200000-01-01 00:00:00.000001+00', '24:00:00', ARRAY[[1, 2], [3, 4]], "
      "ARRAY['', '\u00e9\"\\\\'])");
  Sql("INSERT INTO alltypes VALUES (false, -32768, 2, -9223372036854775808, '-Infinity', "
      "-1.7976931348623157e308, -9999999999.99, '-99999999999999999999999999999999.999999', "
      "'-Infinity', '-999999999999999999999999999999999999999999999999.99', '', '', '', 'null', "
      "'\"s\"', '\\x00', '00000000-0000-0000-0000-000000000000', '4713-01-01 BC', "
      "'0001-01-01 00:00:00', '4713-01-01 00:00:00+00 BC', '00:00:00', '{}', "
      "ARRAY[NULL]::text[])");
  Sql("INSERT INTO alltypes VALUES (NULL, 0, 3, 0, 1.17549435e-38, 4.9e-324, 0.01, 0.000001, "
      "'0.000000000000000000000000000000000000000000000000001', 0, "
      "e'h\u00e9llo\\nworld\\t\"q\"', 'ab', 'a', '{\"a\":1}', '{\"b\": [true, false]}', "
      "'\\x00ff10', '12345678-9abc-def0-0123-456789abcdef', '1969-12-31', "
      "'1969-12-31 23:59:59.999999', '1901-12-13 20:45:51.5+00', '00:00:00.000001', "
      "ARRAY[NULL, -2147483648], NULL)");
  Sql("INSERT INTO alltypes VALUES (true, -1, 4, -1, '-0', '-0', -0.01, "
      "'12345678901234567890123456789012.123456', 'NaN', -0.5, 'x', 'y', 'z', '1', '2', "
      "'\\xdeadbeef', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '2038-01-20', "
      "'2038-01-19 03:14:08', '2100-06-15 12:30:45.123456+00', '12:34:56.789', ARRAY[7], "
      "ARRAY['a', 'b'])");
  Sql("INSERT INTO alltypes (i4) VALUES (5)");
  std::unique_ptr<PostgresWarehouse> copy = OpenWarehouse(Dialect::kPostgres);
  std::unique_ptr<PostgresWarehouse> cursor = OpenWarehouse(Dialect::kRedshift, 2);
  ASSERT_TRUE(copy && cursor);
  Result<TableSchema> table = copy->DescribeTable("alltypes");
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_EQ(cursor->DescribeTable("alltypes")->columns.size(), table->columns.size());
  ScanSpec spec;
  spec.table = "alltypes";
  for (const WarehouseColumn& c : table->columns) spec.columns.push_back(c.name);
  spec.order_by = "i4";
  spec.batch_rows = 3;
  Scanned by_copy = ScanWith(copy.get(), spec, nullptr);
  Scanned by_cursor = ScanWith(cursor.get(), spec, nullptr);
  ASSERT_TRUE(by_copy.status.ok()) << by_copy.status.ToString();
  ASSERT_TRUE(by_cursor.status.ok()) << by_cursor.status.ToString();
  EXPECT_EQ(by_cursor.batch_rows, (std::vector<size_t>{3, 2}));
  EXPECT_EQ(by_cursor.batch_rows, by_copy.batch_rows);
  ASSERT_EQ(by_copy.rows.size(), 5u);
  for (size_t r = 0; r < by_copy.rows.size(); ++r) {
    for (size_t c = 0; c < spec.columns.size(); ++c) {
      EXPECT_EQ(by_cursor.rows[r][c], by_copy.rows[r][c]) << "row " << r << " " << spec.columns[c];
    }
  }
  // The comparison is not vacuous: spot checks of the extremes (columns as in kAllTypes).
  EXPECT_EQ(by_copy.rows[0][7], "0xffffffff3f228a097ac4865aa84c3b4b");  // 10^38 - 1
  EXPECT_EQ(by_copy.rows[0][8], "Infinity");
  EXPECT_EQ(by_copy.rows[0][9], "999999999999999999999999999999999999999999999999.99");
  EXPECT_EQ(by_copy.rows[2][18], std::to_string(-1));                      // 1969-12-31 23:59:..
  EXPECT_EQ(by_copy.rows[3][18], std::to_string(2147483648LL * 1000000));  // after 2038
  EXPECT_EQ(by_copy.rows[2][19], std::to_string(-2147483649LL * 1000000 + 500000));
  EXPECT_EQ(by_copy.rows[1][21], "[]");
  EXPECT_EQ(by_copy.rows[0][21], "[[1,2],[3,4]]");
  EXPECT_EQ(by_copy.rows[4], (std::vector<std::string>{
                                 "NULL", "NULL", "5",    "NULL", "NULL", "NULL", "NULL", "NULL",
                                 "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL",
                                 "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL"}));
}

TEST_F(PostgresPathsLiveTest, BothPathsRejectTheSameValues) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"date", "'infinity'"},        {"timestamp", "'-infinity'"},
      {"timestamptz", "'infinity'"}, {"numeric(12,2)", "'NaN'"},
      {"numeric(3,1)", "'NaN'"},     {"timestamptz", "'294276-12-31 23:59:59+00'"},
  };
  const std::vector<std::string> expected = {
      "value 'infinity' (date) cannot be exported",
      "value '-infinity' (timestamp) cannot be exported",
      "value 'infinity' (timestamptz) cannot be exported",
      "value 'NaN' does not fit decimal(12,2)",
      "value 'NaN' does not fit decimal(3,1)",
      "timestamptz 9223371331199000000 µs after 2000-01-01 is out of range",
  };
  std::unique_ptr<PostgresWarehouse> copy = OpenWarehouse(Dialect::kPostgres);
  std::unique_ptr<PostgresWarehouse> cursor = OpenWarehouse(Dialect::kRedshift, 1);
  ASSERT_TRUE(copy && cursor);
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(cases[i].first + " " + cases[i].second);
    std::string name = "rej" + std::to_string(i);
    Sql("CREATE TABLE " + name + " (k integer, v " + cases[i].first + ")");
    Sql("INSERT INTO " + name + " VALUES (1, NULL), (2, " + cases[i].second + "), (3, NULL)");
    ScanSpec spec;
    spec.table = name;
    spec.columns = {"v"};
    spec.order_by = "k";
    Scanned by_copy = ScanWith(copy.get(), spec, nullptr);
    Scanned by_cursor = ScanWith(cursor.get(), spec, nullptr);
    EXPECT_EQ(by_copy.status.code(), StatusCode::kDataLoss);
    EXPECT_EQ(by_cursor.status.code(), StatusCode::kDataLoss);
    EXPECT_EQ(by_cursor.status.message(),
              "warehouse table '" + name + "', column 'v', row 2 of the cursor: " + expected[i]);
    EXPECT_EQ(AsCopyMessage(by_cursor.status.message()), by_copy.status.message());
  }
}

TEST_F(PostgresPathsLiveTest, RedshiftSuperOidIsNoPostgresType) {
  EXPECT_EQ(Value("SELECT count(*) FROM pg_catalog.pg_type WHERE oid = " +
                  std::to_string(warehouse_pg::kRedshiftSuperOid)),
            "0");
  // Arrays are told by typelem/typlen (Redshift has no typcategory): the same types as 'A',
  // except pseudo-types and domains over arrays, which no column maps from (domains are
  // unmapped).
  EXPECT_EQ(Value("SELECT count(*) FROM pg_catalog.pg_type WHERE (typcategory = 'A') <> "
                  "(typelem <> 0 AND typlen = -1) AND typtype NOT IN ('p', 'd')"),
            "0");
  EXPECT_EQ(Value("SELECT typname FROM pg_catalog.pg_type WHERE (typcategory = 'A') <> "
                  "(typelem <> 0 AND typlen = -1) AND typtype = 'p'"),
            "_record");
}

TEST_F(PostgresPathsLiveTest, RejectsNonPositiveFetchRows) {
  PostgresOptions options;
  options.conninfo = conninfo_;
  options.fetch_rows = 0;
  EXPECT_EQ(PostgresWarehouse::Open(options).status().message(),
            "PostgreSQL warehouse fetch_rows 0 is not positive");
}

// Rows per second of Scan through both paths and of psql's own binary COPY, on a table of mixed
// types (DE_PG_BENCH_ROWS rows, default 1M). Prints; asserts no timing. Run with
// --gtest_also_run_disabled_tests --gtest_filter='*MeasureRowsPerSecond*'.
TEST_F(PostgresPathsLiveTest, DISABLED_MeasureRowsPerSecond) {
  const char* env_rows = std::getenv("DE_PG_BENCH_ROWS");
  const long rows = env_rows ? std::atol(env_rows) : 1'000'000;
  const std::string select = "SELECT id, k, name, amount, ts, x, flag, u FROM de_pgwh_test.bench";
  Sql("CREATE TABLE bench AS SELECT g::bigint AS id, (g % 1000)::integer AS k, "
      "'metric-' || (g % 97) AS name, (g * 1.01)::numeric(12,2) AS amount, "
      "timestamptz '2024-01-01 00:00+00' + g * interval '1 second' AS ts, g * 0.5::float8 AS x, "
      "g % 2 = 0 AS flag, md5(g::text)::uuid AS u FROM generate_series(1, " +
      std::to_string(rows) + ") g");
  Sql("VACUUM ANALYZE bench");
  ScanSpec spec;
  spec.table = "bench";
  spec.columns = {"id", "k", "name", "amount", "ts", "x", "flag", "u"};
  auto best_of_3 = [&](const std::string& label, const std::function<long()>& run) {
    double best = 0;
    for (int i = 0; i < 3; ++i) {
      auto start = std::chrono::steady_clock::now();
      long n = run();
      double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      EXPECT_EQ(n, rows) << label;
      best = std::max(best, static_cast<double>(n) / seconds);
    }
    std::printf("%-40s %12.0f rows/s\n", label.c_str(), best);
  };
  auto scan = [&](Warehouse* wh) {
    return [&spec, wh]() -> long {
      auto reader = wh->Scan(spec, nullptr);
      if (!reader.ok()) return -1;
      Batch batch((*reader)->schema());
      long n = 0;
      while (true) {
        Result<bool> more = (*reader)->Next(&batch);
        if (!more.ok() || !*more) return more.ok() ? n : -1;
        n += static_cast<long>(batch.num_rows());
      }
    };
  };
  std::unique_ptr<PostgresWarehouse> copy = OpenWarehouse(Dialect::kPostgres);
  std::unique_ptr<PostgresWarehouse> cursor = OpenWarehouse(Dialect::kRedshift, 10'000);
  std::unique_ptr<PostgresWarehouse> cursor_1k = OpenWarehouse(Dialect::kRedshift, 1'000);
  ASSERT_TRUE(copy && cursor && cursor_1k);
  const std::string psql = "psql -X -q \"$DE_PG_CONNINFO\" -c \"COPY (" + select +
                           ") TO STDOUT (FORMAT binary)\" > /dev/null";
  best_of_3("psql COPY (FORMAT binary) > /dev/null",
            [&]() -> long { return std::system(psql.c_str()) == 0 ? rows : -1; });
  best_of_3("Scan, COPY path", scan(copy.get()));
  best_of_3("Scan, cursor path (fetch_rows 10000)", scan(cursor.get()));
  best_of_3("Scan, cursor path (fetch_rows 1000)", scan(cursor_1k.get()));
}

}  // namespace
}  // namespace de
