#include "warehouse/sqlite/sqlite_warehouse.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>

#include "warehouse/sqlite/scratch_database.h"
#include "warehouse/sqlite/value_text.h"

namespace de {
namespace {

using warehouse_sqlite::ScratchDirectory;
using warehouse_sqlite::WriteDatabase;
using Rows = std::vector<std::vector<std::string>>;

std::string Hex(const uint8_t* bytes, size_t n) {
  std::string hex;
  for (size_t i = 0; i < n; ++i) hex += fmt::format("{:02x}", bytes[i]);
  return hex;
}

std::string DecimalText(__int128 unscaled, int scale) {
  bool negative = unscaled < 0;
  std::string digits;
  for (__int128 v = negative ? -unscaled : unscaled; v > 0 || digits.size() <= size_t(scale);
       v /= 10) {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
  }
  if (scale > 0) digits.insert(digits.end() - scale, '.');
  return negative ? "-" + digits : digits;
}

// One cell as text, for comparisons.
std::string Cell(const ColumnVector& c, size_t i) {
  if (c.IsNull(i)) return "NULL";
  const DataType& t = c.type();
  switch (t.id) {
    case TypeId::kBool:
      return c.Value<uint8_t>(i) ? "true" : "false";
    case TypeId::kInt16:
      return std::to_string(c.Value<int16_t>(i));
    case TypeId::kInt32:
      return std::to_string(c.Value<int32_t>(i));
    case TypeId::kInt64:
      return std::to_string(c.Value<int64_t>(i));
    case TypeId::kFloat:
      return fmt::format("{}", c.Value<float>(i));
    case TypeId::kDouble:
      return fmt::format("{}", c.Value<double>(i));
    case TypeId::kDecimal:
      return DecimalText(t.precision <= 18 ? c.Value<int64_t>(i) : c.Value<__int128>(i), t.scale);
    case TypeId::kString:
    case TypeId::kJson:
      return std::string(c.Bytes(i));
    case TypeId::kBinary: {
      std::string_view b = c.Bytes(i);
      return "x" + Hex(reinterpret_cast<const uint8_t*>(b.data()), b.size());
    }
    case TypeId::kDate:
      return FormatDateText(c.Value<int32_t>(i));
    case TypeId::kTimestamp:
      return FormatCanonicalTimestamp(c.Value<int64_t>(i));
    case TypeId::kUuid:
      return Hex(c.values<uint8_t>() + 16 * i, 16);
  }
  return "?";
}

struct ScanOutput {
  Status status;
  std::vector<size_t> batch_sizes;
  Rows rows;
};

ScanOutput ReadAll(Warehouse* warehouse, const ScanSpec& spec,
                   CancellationToken* cancel = nullptr) {
  ScanOutput out;
  Result<std::unique_ptr<BatchReader>> reader = warehouse->Scan(spec, cancel);
  if (!reader.ok()) {
    out.status = reader.status();
    return out;
  }
  Batch batch((*reader)->schema());
  while (true) {
    Result<bool> more = (*reader)->Next(&batch);
    if (!more.ok()) {
      out.status = more.status();
      return out;
    }
    if (!*more) return out;
    out.batch_sizes.push_back(batch.num_rows());
    for (size_t r = 0; r < batch.num_rows(); ++r) {
      std::vector<std::string> row;
      for (size_t c = 0; c < batch.num_columns(); ++c) row.push_back(Cell(batch.column(c), r));
      out.rows.push_back(std::move(row));
    }
  }
}

std::vector<std::string> Column(const Rows& rows, size_t index) {
  std::vector<std::string> values;
  for (const auto& row : rows) values.push_back(row[index]);
  return values;
}

class SqliteWarehouseTest : public ::testing::Test {
 protected:
  // Writes `sql` into a fresh warehouse file and opens it.
  std::unique_ptr<SqliteWarehouse> Make(const std::string& sql) {
    path_ = dir_.File(fmt::format("warehouse{}.db", ++files_));
    Status written = WriteDatabase(path_, sql);
    EXPECT_TRUE(written.ok()) << written.ToString();
    Result<std::unique_ptr<SqliteWarehouse>> warehouse = SqliteWarehouse::Open(path_);
    EXPECT_TRUE(warehouse.ok()) << warehouse.status().ToString();
    return warehouse.ok() ? std::move(*warehouse) : nullptr;
  }

  ScratchDirectory dir_;
  std::string path_;
  int files_ = 0;
};

TEST_F(SqliteWarehouseTest, MissingFileIsNotFoundAndNotCreated) {
  std::string path = dir_.File("nope/warehouse.db");
  Result<std::unique_ptr<SqliteWarehouse>> warehouse = SqliteWarehouse::Open(path);
  ASSERT_FALSE(warehouse.ok());
  EXPECT_EQ(warehouse.status().code(), StatusCode::kNotFound);
  EXPECT_NE(warehouse.status().message().find(path), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_EQ(SqliteWarehouse::Open(dir_.File("absent.db")).status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(dir_.File("absent.db")));
}

TEST_F(SqliteWarehouseTest, NonDatabaseFileIsInvalidArgument) {
  std::ofstream(dir_.File("notes.txt")) << "this is not a database, just some text\n";
  Result<std::unique_ptr<SqliteWarehouse>> warehouse =
      SqliteWarehouse::Open(dir_.File("notes.txt"));
  EXPECT_EQ(warehouse.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(SqliteWarehouse::Open(dir_.path()).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(SqliteWarehouseTest, ListsTablesAndViewsWithoutInternalOnes) {
  auto warehouse = Make(
      "CREATE TABLE zeta (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT);"
      "INSERT INTO zeta (v) VALUES ('x');"  // creates sqlite_sequence
      "CREATE TABLE alpha (a INTEGER); CREATE VIEW beta AS SELECT a FROM alpha;"
      "CREATE INDEX alpha_a ON alpha (a); ANALYZE;");  // sqlite_stat1
  Result<std::vector<std::string>> tables = warehouse->ListTables();
  ASSERT_TRUE(tables.ok()) << tables.status().ToString();
  EXPECT_EQ(*tables, (std::vector<std::string>{"alpha", "beta", "zeta"}));
  EXPECT_EQ(warehouse->DescribeTable("sqlite_sequence").status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(warehouse->Ping().ok());
}

TEST_F(SqliteWarehouseTest, DescribesDeclaredTypesAndNullability) {
  auto warehouse = Make(
      "CREATE TABLE t (id INTEGER NOT NULL, name VARCHAR(20), amount NUMERIC(12,2) NOT NULL, "
      "at TIMESTAMP, flag BOOLEAN, doc JSON, key UUID, raw BLOB, day DATE, small SMALLINT, "
      "ratio DOUBLE PRECISION, at_utc TIMESTAMP WITH TIME ZONE)");
  Result<TableSchema> schema = warehouse->DescribeTable("t");
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  EXPECT_EQ(schema->table, "t");
  std::vector<std::string> rendered;
  for (const WarehouseColumn& c : schema->columns) {
    rendered.push_back(fmt::format("{}:{}:{}:{}", c.name, c.declared_type, c.type.ToString(),
                                   c.nullable ? "null" : "not null"));
  }
  EXPECT_EQ(rendered,
            (std::vector<std::string>{
                "id:INTEGER:int64:not null", "name:VARCHAR(20):string:null",
                "amount:NUMERIC(12,2):decimal(12,2):not null", "at:TIMESTAMP:timestamp:null",
                "flag:BOOLEAN:bool:null", "doc:JSON:json:null", "key:UUID:uuid:null",
                "raw:BLOB:binary:null", "day:DATE:date:null", "small:SMALLINT:int16:null",
                "ratio:DOUBLE PRECISION:double:null",
                "at_utc:TIMESTAMP WITH TIME ZONE:timestamptz:null"}));
}

TEST_F(SqliteWarehouseTest, UnmappedTypeFailsDescribeButNotScansOfOtherColumns) {
  auto warehouse = Make(
      "CREATE TABLE shapes (id INTEGER, shape GEOMETRY, note);"
      "INSERT INTO shapes VALUES (1, 'POINT(1 2)', 'n');");
  Result<TableSchema> schema = warehouse->DescribeTable("shapes");
  ASSERT_EQ(schema.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(schema.status().message().find("'shapes'"), std::string::npos);
  EXPECT_NE(schema.status().message().find("'shape'"), std::string::npos);
  EXPECT_NE(schema.status().message().find("GEOMETRY"), std::string::npos);

  ScanSpec spec{.table = "shapes", .columns = {"id"}};
  ScanOutput ok = ReadAll(warehouse.get(), spec);
  ASSERT_TRUE(ok.status.ok()) << ok.status.ToString();
  EXPECT_EQ(ok.rows, (Rows{{"1"}}));
  spec.columns = {"id", "note"};
  ScanOutput bad = ReadAll(warehouse.get(), spec);
  EXPECT_EQ(bad.status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status.message().find("'note'"), std::string::npos);
}

TEST_F(SqliteWarehouseTest, UnknownNamesAreNotFound) {
  auto warehouse = Make("CREATE TABLE t (id INTEGER, at TIMESTAMP, name TEXT)");
  EXPECT_EQ(warehouse->DescribeTable("missing").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(warehouse->DescribeTable("T").status().code(), StatusCode::kNotFound);
  auto scan_error = [&](ScanSpec spec) { return ReadAll(warehouse.get(), spec).status; };
  Status status = scan_error({.table = "missing", .columns = {"id"}});
  EXPECT_EQ(status.code(), StatusCode::kNotFound);
  EXPECT_NE(status.message().find("'missing'"), std::string::npos);
  status = scan_error({.table = "t", .columns = {"id", "nope"}});
  EXPECT_EQ(status.code(), StatusCode::kNotFound);
  EXPECT_NE(status.message().find("'nope'"), std::string::npos);
  EXPECT_EQ(scan_error({.table = "t", .columns = {"ID"}}).code(), StatusCode::kNotFound);
  EXPECT_EQ(scan_error({.table = "t", .time_filter = TimeFilter{"gone", 0, 1}}).code(),
            StatusCode::kNotFound);
  EXPECT_EQ(scan_error({.table = "t", .in_filters = {{"gone", {"a"}}}}).code(),
            StatusCode::kNotFound);
  EXPECT_EQ(scan_error({.table = "t", .order_by = "gone"}).code(), StatusCode::kNotFound);
  // Wrong filter types and bad specs.
  EXPECT_EQ(scan_error({.table = "t", .time_filter = TimeFilter{"name", 0, 1}}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(scan_error({.table = "t", .in_filters = {{"id", {"1"}}}}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(scan_error({.table = "t", .columns = {"id", "id"}}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(scan_error({.table = "t", .batch_rows = 0}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(scan_error({.table = "t", .time_filter = TimeFilter{"at", 0, INT64_MAX}}).code(),
            StatusCode::kInvalidArgument);
}

TEST_F(SqliteWarehouseTest, ReadsEveryAcceptedForm) {
  auto warehouse = Make(R"sql(
    CREATE TABLE v (i INTEGER, s SMALLINT, m MEDIUMINT, d REAL, n NUMERIC(10,3), big DECIMAL(30,4),
                    t TEXT, j JSON, b BLOB, f BOOLEAN, day DATE, ts TIMESTAMP, tz TIMESTAMPTZ,
                    u UUID);
    INSERT INTO v VALUES (-9223372036854775808, -32768, 8388607, 1.5, 1.25, 1234567890123456789,
      'Müller', '{"a":1}', x'00ff', 1, '2024-02-29', '2024-03-01 12:00:00.5',
      '2024-03-01T22:00:00+10:00', '123e4567-e89b-12d3-a456-426614174000');
    INSERT INTO v VALUES (9223372036854775807, 32767, -8388608, 7, '0.001', '-0.0001',
      42, '[]', 'abc', 'TRUE', '1970-01-01', 1709294400, '2024-03-01 12:00:00Z',
      x'123e4567e89b12d3a456426614174000');
    INSERT INTO v VALUES (3.0, NULL, NULL, NULL, 7, 0.5, NULL, '7', NULL, 'false', NULL,
      '2024-03-01T12:00:00', 1709294400, NULL);
  )sql");
  ScanSpec spec{
      .table = "v",
      .columns = {"i", "s", "m", "d", "n", "big", "t", "j", "b", "f", "day", "ts", "tz", "u"}};
  ScanOutput out = ReadAll(warehouse.get(), spec);
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  std::string uuid = "123e4567e89b12d3a456426614174000";
  EXPECT_EQ(
      out.rows,
      (Rows{{"-9223372036854775808", "-32768", "8388607", "1.5", "1.250",
             "1234567890123456789.0000", "Müller", "{\"a\":1}", "x00ff", "true", "2024-02-29",
             "2024-03-01 12:00:00.5", "2024-03-01 12:00:00", uuid},
            {"9223372036854775807", "32767", "-8388608", "7", "0.001", "-0.0001", "42", "[]",
             "x616263", "true", "1970-01-01", "2024-03-01 12:00:00", "2024-03-01 12:00:00", uuid},
            {"3", "NULL", "NULL", "NULL", "7.000", "0.5000", "NULL", "7", "NULL", "false", "NULL",
             "2024-03-01 12:00:00", "2024-03-01 12:00:00", "NULL"}}));
}

TEST_F(SqliteWarehouseTest, DecimalsFromRealsUseTheShortestRoundTripDigits) {
  // NUMERIC affinity stores these as REAL; 0.1234 is not exact in binary, but its shortest
  // round-trip decimal is, while 0.1 + 0.2 really is 0.30000000000000004.
  auto warehouse = Make(
      "CREATE TABLE d (small NUMERIC(5,4), wide NUMERIC(38,2));"
      "INSERT INTO d VALUES (0.1234, 1e20), ('0.5', -2.5), (1, 0.1 + 0.2);");
  ScanOutput out = ReadAll(warehouse.get(), {.table = "d", .columns = {"small", "wide"}});
  EXPECT_EQ(out.status.code(), StatusCode::kDataLoss);
  EXPECT_NE(out.status.message().find("row 3"), std::string::npos) << out.status.message();
  EXPECT_NE(out.status.message().find("real does not fit decimal(38,2)"), std::string::npos)
      << out.status.message();
  EXPECT_EQ(out.status.message().find("0.3"), std::string::npos) << "values stay out of errors";
  ScanOutput first_two =
      ReadAll(warehouse.get(), {.table = "d", .columns = {"small", "wide"}, .batch_rows = 2});
  EXPECT_EQ(first_two.rows, (Rows{{"0.1234", "100000000000000000000.00"}, {"0.5000", "-2.50"}}));
}

struct BadValueCase {
  const char* declared;
  const char* value;     // SQL literal
  const char* expected;  // part of the message that describes the value
};

class SqliteBadValueTest : public SqliteWarehouseTest,
                           public ::testing::WithParamInterface<BadValueCase> {};

TEST_P(SqliteBadValueTest, IsDataLossNamingTableColumnRowAndValue) {
  const BadValueCase& c = GetParam();
  auto warehouse =
      Make(fmt::format("CREATE TABLE \"readings\" (id INTEGER, \"the value\" {});"
                       "INSERT INTO readings VALUES (1, NULL), (2, NULL), (3, {}), (4, NULL);",
                       c.declared, c.value));
  ScanOutput out = ReadAll(warehouse.get(),
                           {.table = "readings", .columns = {"id", "the value"}, .batch_rows = 2});
  ASSERT_EQ(out.status.code(), StatusCode::kDataLoss) << c.declared << " " << c.value;
  const std::string& message = out.status.message();
  EXPECT_NE(message.find("'readings'"), std::string::npos) << message;
  EXPECT_NE(message.find("'the value'"), std::string::npos) << message;
  EXPECT_NE(message.find("row 3 "), std::string::npos) << message;
  EXPECT_NE(message.find(c.expected), std::string::npos) << message;
  // Cells may be personal data: the value itself never appears in the error.
  std::string literal = c.value;
  if (literal.front() == '\'') literal = literal.substr(1, literal.size() - 2);
  if (literal.size() >= 3) {
    EXPECT_EQ(message.find(literal), std::string::npos) << message;
  }
  EXPECT_EQ(out.batch_sizes, std::vector<size_t>{2});  // the rows before the bad one
}

INSTANTIATE_TEST_SUITE_P(
    Cases, SqliteBadValueTest,
    ::testing::Values(
        BadValueCase{"INTEGER", "'abc'", "text of 3 bytes is not an integer"},
        BadValueCase{"INTEGER", "3.5", "real is not an integer"},
        BadValueCase{"INTEGER", "x'00'", "blob of 1 bytes"},
        BadValueCase{"SMALLINT", "70000", "integer is out of range for int16"},
        BadValueCase{"INT4", "3000000000", "out of range for int32"},
        BadValueCase{"REAL", "'fast'", "text of 4 bytes is not a number"},
        BadValueCase{"REAL", "x'00'", "blob of 1 bytes is not a number"},
        BadValueCase{"NUMERIC(5,2)", "1.234", "real does not fit decimal(5,2)"},
        BadValueCase{"NUMERIC(5,2)", "'1.005'", "more than 2 digits"},
        BadValueCase{"NUMERIC(5,2)", "12345", "precision 5"},
        BadValueCase{"NUMERIC(5,2)", "'12,5'", "not a decimal number"},
        BadValueCase{"DECIMAL(4,4)", "1.5", "real does not fit decimal(4,4)"},
        BadValueCase{"DATE", "'2024-02-30'", "text of 10 bytes is not a date"},
        BadValueCase{"DATE", "20240101", "integer is not a date"},
        BadValueCase{"TIMESTAMP", "'2024-01-01 25:00:00'", "is not unix seconds or a timestamp"},
        BadValueCase{"TIMESTAMP", "'2024-01-01 10:00:00+10:00'", "text of 25 bytes is not"},
        BadValueCase{"TIMESTAMP", "1.5", "real is not unix seconds"},
        BadValueCase{"TIMESTAMPTZ", "'yesterday'", "text of 9 bytes is not"},
        BadValueCase{"TEXT", "x'41'", "blob of 1 bytes is not string text"},
        BadValueCase{"TEXT", "CAST(x'4142C328' AS TEXT)", "is not valid UTF-8"},
        BadValueCase{"JSON", "x'00'", "blob of 1 bytes is not json text"},
        BadValueCase{"BOOLEAN", "2", "integer is not a boolean"},
        BadValueCase{"BOOLEAN", "'yes'", "text of 3 bytes is not a boolean"},
        BadValueCase{"UUID", "'not-a-uuid'", "is not a UUID"},
        BadValueCase{"UUID", "x'0102'", "blob of 2 bytes is not a UUID"},
        BadValueCase{"BLOB", "5", "integer is not a blob"},
        BadValueCase{"TEXT",
                     "CAST(x'4142434445464748494a4b4c4d4e4f505152535455565758595a3031323334353637' "
                     "|| x'ff' AS TEXT)",
                     "text of 35 bytes is not valid UTF-8"}));

class SqliteTimeFilterTest : public SqliteWarehouseTest {
 protected:
  // 2024-03-01 00:00:00 and 2024-03-02 00:00:00 UTC.
  static constexpr int64_t kStart = 1'709'251'200;
  static constexpr int64_t kEnd = kStart + 86'400;

  void SetUp() override {
    warehouse_ = Make(fmt::format(R"sql(
      CREATE TABLE obs (id TEXT, at TIMESTAMP, tag TEXT);
      INSERT INTO obs VALUES
        ('int-before', {0} - 1, 'a'), ('int-start', {0}, 'b'), ('int-last', {1} - 1, 'a'),
        ('int-end', {1}, 'b'),
        ('text-before', '2024-02-29 23:59:59.999999', 'a'),
        ('text-start', '2024-03-01 00:00:00', 'b'),
        ('text-half', '2024-03-01 00:00:00.5', 'a'),
        ('text-half-long', '2024-03-01 00:00:00.500', 'c'),
        ('text-last', '2024-03-01 23:59:59.999999', 'a'), ('text-end', '2024-03-02 00:00:00', 'b'),
        ('text-end-long', '2024-03-02 00:00:00.000', 'a'),
        ('iso-t', '2024-03-01T12:00:00', 'a'), ('zulu', '2024-03-01 12:00:00Z', 'a'),
        ('junk', '2024-03-01 12:00:00 junk', 'a'), ('null', NULL, 'a'), ('real', 1709280000.5, 'a');
    )sql",
                                  kStart, kEnd));
  }

  std::vector<std::string> Ids(int64_t start_us, int64_t end_us) {
    ScanOutput out = ReadAll(warehouse_.get(), {.table = "obs",
                                                .columns = {"id"},
                                                .time_filter = TimeFilter{"at", start_us, end_us},
                                                .order_by = "id"});
    EXPECT_TRUE(out.status.ok()) << out.status.ToString();
    return Column(out.rows, 0);
  }

  std::unique_ptr<SqliteWarehouse> warehouse_;
};

TEST_F(SqliteTimeFilterTest, HalfOpenRangeOverIntegerAndCanonicalText) {
  EXPECT_EQ(Ids(kStart * 1'000'000, kEnd * 1'000'000),
            (std::vector<std::string>{"int-last", "int-start", "text-half", "text-half-long",
                                      "text-last", "text-start"}));
}

TEST_F(SqliteTimeFilterTest, SubSecondBounds) {
  // [00:00:00.5, 00:00:01): integers need a whole second >= the start, so none qualifies.
  EXPECT_EQ(Ids(kStart * 1'000'000 + 500'000, kStart * 1'000'000 + 1'000'000),
            (std::vector<std::string>{"text-half", "text-half-long"}));
  // [23:59:59.999999, 00:00:00.000001 next day)
  EXPECT_EQ(Ids(kEnd * 1'000'000 - 1, kEnd * 1'000'000 + 1),
            (std::vector<std::string>{"int-end", "text-end", "text-end-long", "text-last"}));
  EXPECT_TRUE(Ids(kStart * 1'000'000, kStart * 1'000'000).empty());
}

TEST_F(SqliteTimeFilterTest, CombinesWithInListFilters) {
  ScanSpec spec{.table = "obs",
                .columns = {"id", "tag"},
                .time_filter = TimeFilter{"at", kStart * 1'000'000, kEnd * 1'000'000},
                .in_filters = {{"tag", {"b", "c"}}},
                .order_by = "id"};
  ScanOutput out = ReadAll(warehouse_.get(), spec);
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  EXPECT_EQ(Column(out.rows, 0),
            (std::vector<std::string>{"int-start", "text-half-long", "text-start"}));
}

TEST_F(SqliteWarehouseTest, InListFilters) {
  auto warehouse = Make(
      "CREATE TABLE m (id INTEGER, metric TEXT);"
      "INSERT INTO m VALUES (1, 'speed'), (2, 'volume'), (3, 'it''s'), (4, NULL), (5, 'x\"y'),"
      "(6, 'Speed');");
  auto ids = [&](std::vector<InListFilter> filters) {
    ScanOutput out = ReadAll(
        warehouse.get(),
        {.table = "m", .columns = {"id"}, .in_filters = std::move(filters), .order_by = "id"});
    EXPECT_TRUE(out.status.ok()) << out.status.ToString();
    return Column(out.rows, 0);
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(ids({{"metric", {"speed", "it's", "x\"y"}}}), (V{"1", "3", "5"}));
  EXPECT_EQ(ids({{"metric", {"speed", "it's"}, true}}), (V{"2", "5", "6"}));
  EXPECT_EQ(ids({{"metric", {}}}), V{});
  EXPECT_EQ(ids({{"metric", {}, true}}), (V{"1", "2", "3", "5", "6"}));
  EXPECT_EQ(ids({{"metric", {"speed", "volume"}}, {"metric", {"volume"}, true}}), V{"1"});
  EXPECT_EQ(ids({{"metric", {"'); DROP TABLE m; --"}}}), V{});
  EXPECT_EQ(ids({}).size(), 6u);
}

TEST_F(SqliteWarehouseTest, BatchesByRowsAndBytes) {
  auto warehouse = Make(
      "CREATE TABLE s (id INTEGER, payload TEXT);"
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10) "
      "INSERT INTO s SELECT i, printf('%.100c', 'x') FROM n;");
  ScanOutput by_rows =
      ReadAll(warehouse.get(), {.table = "s", .columns = {"id", "payload"}, .batch_rows = 3});
  ASSERT_TRUE(by_rows.status.ok()) << by_rows.status.ToString();
  EXPECT_EQ(by_rows.batch_sizes, (std::vector<size_t>{3, 3, 3, 1}));
  EXPECT_EQ(Column(by_rows.rows, 0),
            (std::vector<std::string>{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10"}));
  EXPECT_EQ(by_rows.rows[9][1], std::string(100, 'x'));

  ScanOutput by_bytes =
      ReadAll(warehouse.get(), {.table = "s", .columns = {"id", "payload"}, .batch_bytes = 250});
  ASSERT_TRUE(by_bytes.status.ok());
  EXPECT_EQ(by_bytes.batch_sizes, (std::vector<size_t>{3, 3, 3, 1}));
  ScanOutput one_each =
      ReadAll(warehouse.get(), {.table = "s", .columns = {"payload", "id"}, .batch_bytes = 1});
  EXPECT_EQ(one_each.batch_sizes, std::vector<size_t>(10, 1));
}

TEST_F(SqliteWarehouseTest, NoColumnsStillCountsRows) {
  auto warehouse = Make(
      "CREATE TABLE s (id INTEGER, at TIMESTAMP);"
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 25) "
      "INSERT INTO s SELECT i, i FROM n;");
  Result<std::unique_ptr<BatchReader>> reader = warehouse->Scan(
      {.table = "s", .time_filter = TimeFilter{"at", 1'000'000, 21'000'000}, .batch_rows = 8},
      nullptr);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->schema().size(), 0u);
  Batch batch((*reader)->schema());
  std::vector<size_t> sizes;
  while (true) {
    Result<bool> more = (*reader)->Next(&batch);
    ASSERT_TRUE(more.ok()) << more.status().ToString();
    if (!*more) break;
    sizes.push_back(batch.num_rows());
  }
  EXPECT_EQ(sizes, (std::vector<size_t>{8, 8, 4}));
  // After the end, Next keeps answering false with an empty batch.
  EXPECT_FALSE(*(*reader)->Next(&batch));
  EXPECT_EQ(batch.num_rows(), 0u);
}

TEST_F(SqliteWarehouseTest, OddIdentifiersAreQuotedNotInjected) {
  auto warehouse = Make(R"sql(
    CREATE TABLE "we""ird ta-ble" ("co""l" INTEGER, "select" TEXT, "1x; DROP TABLE keep" REAL,
                                   "ñame" TEXT);
    INSERT INTO "we""ird ta-ble" VALUES (1, 'a', 0.5, 'Zoë');
    CREATE TABLE keep (id INTEGER); INSERT INTO keep VALUES (1);
  )sql");
  ScanOutput out =
      ReadAll(warehouse.get(), {.table = "we\"ird ta-ble",
                                .columns = {"ñame", "1x; DROP TABLE keep", "select", "co\"l"},
                                .in_filters = {{"select", {"a"}}},
                                .order_by = "co\"l"});
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  EXPECT_EQ(out.rows, (Rows{{"Zoë", "0.5", "a", "1"}}));
  EXPECT_EQ(
      ReadAll(warehouse.get(), {.table = "keep; DROP TABLE keep", .columns = {"id"}}).status.code(),
      StatusCode::kNotFound);
  EXPECT_EQ(ReadAll(warehouse.get(), {.table = "keep", .columns = {"id"}}).rows.size(), 1u);
}

TEST_F(SqliteWarehouseTest, CancelledTokenBeforeScanIsCancelled) {
  auto warehouse = Make("CREATE TABLE t (id INTEGER); INSERT INTO t VALUES (1);");
  CancellationToken token;
  token.Cancel();
  EXPECT_EQ(warehouse->Scan({.table = "t", .columns = {"id"}}, &token).status().code(),
            StatusCode::kCancelled);
}

TEST_F(SqliteWarehouseTest, CancelBetweenBatchesStopsTheScan) {
  auto warehouse = Make(
      "CREATE TABLE t (id INTEGER);"
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100) "
      "INSERT INTO t SELECT i FROM n;");
  CancellationToken token;
  auto reader = warehouse->Scan({.table = "t", .columns = {"id"}, .batch_rows = 10}, &token);
  ASSERT_TRUE(reader.ok());
  Batch batch((*reader)->schema());
  ASSERT_TRUE(*(*reader)->Next(&batch));
  token.Cancel();
  Result<bool> next = (*reader)->Next(&batch);
  EXPECT_EQ(next.status().code(), StatusCode::kCancelled);
  EXPECT_EQ((*reader)->Next(&batch).status().code(), StatusCode::kCancelled);
}

TEST_F(SqliteWarehouseTest, CancelFromAnotherThreadInterruptsARunningQuery) {
  // A view whose one step runs for a very long time without producing a row: only
  // sqlite3_interrupt can end it early, so an end-of-result answer means the interrupt failed.
  auto warehouse = Make(
      "CREATE VIEW slow AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
      "WHERE i < 50000000) SELECT i FROM n WHERE i < 0;");
  CancellationToken token;
  auto reader = warehouse->Scan({.table = "slow"}, &token);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  std::atomic<bool> started{false};
  std::thread canceller([&] {
    while (!started.load()) std::this_thread::yield();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    token.Cancel();
  });
  Batch batch((*reader)->schema());
  auto begin = std::chrono::steady_clock::now();
  started = true;
  Result<bool> next = (*reader)->Next(&batch);
  auto elapsed = std::chrono::steady_clock::now() - begin;
  canceller.join();
  EXPECT_EQ(next.status().code(), StatusCode::kCancelled) << next.status().ToString();
  EXPECT_LT(elapsed, std::chrono::seconds(5));
}

TEST_F(SqliteWarehouseTest, TokenMayFireAfterTheReaderIsGone) {
  auto warehouse = Make("CREATE TABLE t (id INTEGER); INSERT INTO t VALUES (1);");
  CancellationToken token;
  {
    auto reader = warehouse->Scan({.table = "t", .columns = {"id"}}, &token);
    ASSERT_TRUE(reader.ok());
  }
  token.Cancel();  // must not touch the closed connection (ASan would report it)
}

TEST_F(SqliteWarehouseTest, ConcurrentScansFromSeveralThreads) {
  auto warehouse = Make(
      "CREATE TABLE t (id INTEGER, name TEXT);"
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000) "
      "INSERT INTO t SELECT i, 'name-' || i FROM n;");
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int round = 0; round < 5; ++round) {
        ScanOutput out =
            ReadAll(warehouse.get(), {.table = "t", .columns = {"id", "name"}, .batch_rows = 700});
        if (!out.status.ok() || out.rows.size() != 5000 || out.rows[4999][1] != "name-5000") {
          ++failures;
        }
        if (!warehouse->DescribeTable("t").ok() || !warehouse->Ping().ok()) ++failures;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST_F(SqliteWarehouseTest, ReadsCommittedSnapshotOfAWalDatabaseWhileAWriterIsActive) {
  std::string path = dir_.File("wal.db");
  ASSERT_TRUE(WriteDatabase(path,
                            "PRAGMA journal_mode = WAL; CREATE TABLE t (id INTEGER);"
                            "INSERT INTO t VALUES (1), (2);")
                  .ok());
  sqlite3* writer = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &writer), SQLITE_OK);
  ASSERT_EQ(
      sqlite3_exec(writer, "BEGIN IMMEDIATE; INSERT INTO t VALUES (3);", nullptr, nullptr, nullptr),
      SQLITE_OK);
  auto warehouse = SqliteWarehouse::Open(path);
  ASSERT_TRUE(warehouse.ok()) << warehouse.status().ToString();
  ScanOutput out = ReadAll(warehouse->get(), {.table = "t", .columns = {"id"}});
  EXPECT_TRUE(out.status.ok()) << out.status.ToString();
  EXPECT_EQ(out.rows.size(), 2u);
  ASSERT_EQ(sqlite3_exec(writer, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_EQ(ReadAll(warehouse->get(), {.table = "t", .columns = {"id"}}).rows.size(), 3u);
  sqlite3_close(writer);
}

TEST_F(SqliteWarehouseTest, PingFailsWhenTheFileIsGone) {
  auto warehouse = Make("CREATE TABLE t (id INTEGER);");
  ASSERT_TRUE(warehouse->Ping().ok());
  std::filesystem::remove(path_);
  EXPECT_EQ(warehouse->Ping().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace de
