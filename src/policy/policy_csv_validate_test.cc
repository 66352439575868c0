// ValidatePolicy and UncoveredColumns against hand-written table schemas.
#include <map>

#include <gtest/gtest.h>

#include "policy/policy_csv.h"

namespace de {
namespace {

// Describes hand-written schemas and counts the calls per table.
struct FakeWarehouse {
  std::map<std::string, TableSchema> tables;
  std::map<std::string, int> calls;
  std::map<std::string, Status> failures;  // tables whose description fails

  DescribeTableFn Fn() {
    return [this](const std::string& table) -> Result<TableSchema> {
      ++calls[table];
      if (auto f = failures.find(table); f != failures.end()) return f->second;
      auto it = tables.find(table);
      if (it == tables.end()) return NotFound("no table '{}'", table);
      return it->second;
    };
  }
};

FakeWarehouse Warehouse() {
  FakeWarehouse w;
  w.tables["incident"] = {"incident",
                          {{"incident_id", "BIGINT", DataType::Int64()},
                           {"reported_at", "TIMESTAMPTZ", DataType::Timestamp(true)},
                           {"source", "TEXT", DataType::String()},
                           {"description", "TEXT", DataType::String()},
                           {"speed", "REAL", DataType::Double()},
                           {"reporter_name", "TEXT", DataType::String()},
                           {"count", "INT", DataType::Int32()},
                           {"notes", "TEXT", DataType::String()},
                           {"notes_compressed", "TEXT", DataType::String()},
                           {"payload", "JSON", DataType::Json()},
                           {"created_date", "DATE", DataType::Date()}}};
  w.tables["way_metrics"] = {"way_metrics",
                             {{"observed_at", "TIMESTAMP", DataType::Timestamp(false)},
                              {"way_id", "BIGINT", DataType::Int64()},
                              {"metric_name", "TEXT", DataType::String()},
                              {"value", "REAL", DataType::Double()},
                              {"samples", "BIGINT", DataType::Int64()},
                              {"label", "TEXT", DataType::String()},
                              {"label_compressed", "TEXT", DataType::String()},
                              {"source", "TEXT", DataType::String()},
                              {"extra", "JSON", DataType::Json()}}};
  w.tables["unused"] = {"unused", {{"a", "TEXT", DataType::String()}}};
  return w;
}

// A valid policy. Rows sit on line index + 2 of their file (see Origins).
PolicySnapshot ValidPolicy() {
  PolicySnapshot p;
  p.export_tables = {{"incident", true, "reported_at", "source", ""},
                     {"way_metrics", true, "observed_at", "source", "metric_name"}};
  p.columns = {
      {"incident", "incident_id", "nr", "", false},        // line 2
      {"incident", "reported_at", "nr", "", false},        // 3
      {"incident", "source", "nr", "", false},             // 4
      {"incident", "description", "hwc", "scrub", true},   // 5
      {"incident", "speed", "mx", "", false},              // 6
      {"incident", "reporter_name", "de", "", true},       // 7
      {"incident", "count", "hwc", "", false},             // 8: hwc without treatment is allowed
      {"incident", "payload", "hwc", "compress", false},   // 9
      {"incident", "created_date", "nr", "", false},       // 10
      {"way_metrics", "observed_at", "nr", "", false},     // 11
      {"way_metrics", "metric_name", "nr", "", false},     // 12
      {"way_metrics", "value", "mx", "", false},           // 13
      {"way_metrics", "samples", "mx", "round:1", false},  // 14
      {"unused", "a", "nr", "", false},                    // 15: not exported, allowed
  };
  p.sources = {{"FUSION", "nr"}, {"HERE", "de"}, {"TOMTOM", "hwc"}};
  p.metrics = {{"way_metrics", "driver", "de", ""},
               {"way_metrics", "occupancy", "mx", ""},
               {"way_metrics", "speed", "nr", ""},
               {"way_metrics", "travel_time", "hwc", "round:0"},
               {"way_metrics", "unsure", "hwc", ""}};
  return p;
}

// Origins putting row i of every file on line i + 2, as a file without blank lines would.
PolicyCsv Origins(const PolicySnapshot& policy) {
  auto lines = [](size_t n) {
    std::vector<int> v;
    for (size_t i = 0; i < n; ++i) v.push_back(static_cast<int>(i) + 2);
    return v;
  };
  return {policy, lines(policy.export_tables.size()), lines(policy.columns.size()),
          lines(policy.sources.size()), lines(policy.metrics.size())};
}

// The problems ValidatePolicy lists, one per element; empty when it passes.
std::vector<std::string> Problems(const PolicySnapshot& policy, bool with_origins = true) {
  FakeWarehouse w = Warehouse();
  PolicyCsv origins = Origins(policy);
  Status status = ValidatePolicy(policy, w.Fn(), with_origins ? &origins : nullptr);
  std::vector<std::string> lines;
  if (status.ok()) return lines;
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  size_t start = 0;
  while (true) {
    size_t end = status.message().find('\n', start);
    lines.push_back(status.message().substr(start, end - start));
    if (end == std::string::npos) return lines;
    start = end + 1;
  }
}

using Lines = std::vector<std::string>;

TEST(ValidatePolicyTest, ValidPolicyPassesAndDescribesEachTableOnce) {
  PolicySnapshot policy = ValidPolicy();
  FakeWarehouse w = Warehouse();
  PolicyCsv origins = Origins(policy);
  Status with = ValidatePolicy(policy, w.Fn(), &origins);
  EXPECT_TRUE(with.ok()) << with.ToString();
  EXPECT_EQ(w.calls,
            (std::map<std::string, int>{{"incident", 1}, {"way_metrics", 1}, {"unused", 1}}));
  Status without = ValidatePolicy(policy, w.Fn(), nullptr);
  EXPECT_TRUE(without.ok()) << without.ToString();
}

TEST(ValidatePolicyTest, UnknownClassificationCodes) {
  PolicySnapshot p = ValidPolicy();
  p.columns[1].classification = "NR";
  p.sources[2].classification = "restricted";
  p.metrics[2].classification = "";
  EXPECT_EQ(Problems(p),
            (Lines{"data_column_classification.csv:3: incident.reported_at: unknown "
                   "classification 'NR' (expected nr, mx, de or hwc)",
                   "actual_data_classifications.csv:4: source 'TOMTOM': unknown classification "
                   "'restricted' (expected nr, mx, de or hwc)",
                   "long_table_data_classifications.csv:4: way_metrics metric 'speed': unknown "
                   "classification '' (expected nr, mx, de or hwc)"}));
}

TEST(ValidatePolicyTest, UnknownOrMalformedTreatment) {
  PolicySnapshot p = ValidPolicy();
  p.columns[3].treatment = "blur";
  p.metrics[3].treatment = "round";
  Lines problems = Problems(p);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_TRUE(problems[0].starts_with(
      "data_column_classification.csv:5: incident.description: unknown treatment 'blur'"))
      << problems[0];
  EXPECT_TRUE(problems[1].starts_with(
      "long_table_data_classifications.csv:5: way_metrics metric 'travel_time': treatment "
      "'round'"))
      << problems[1];
}

TEST(ValidatePolicyTest, TreatmentMustApplyToTheColumnType) {
  PolicySnapshot p = ValidPolicy();
  p.columns[4] = {"incident", "speed", "hwc", "mask:4", false};
  p.columns[8] = {"incident", "created_date", "hwc", "truncate_time:hour", false};
  EXPECT_EQ(Problems(p),
            (Lines{"data_column_classification.csv:6: incident.speed: treatment 'mask:4' does "
                   "not apply to a double column",
                   "data_column_classification.csv:10: incident.created_date: treatment "
                   "'truncate_time:hour' does not apply to a date column"}));
}

TEST(ValidatePolicyTest, TreatmentOnADeColumn) {
  PolicySnapshot p = ValidPolicy();
  p.columns[5].treatment = "hash";
  EXPECT_EQ(Problems(p), (Lines{"data_column_classification.csv:7: incident.reporter_name: de "
                                "columns are never exported; remove the treatment or classify "
                                "the column hwc"}));
}

TEST(ValidatePolicyTest, PiiMustBeDeOrHwcWithATreatment) {
  PolicySnapshot p = ValidPolicy();
  p.columns[5].classification = "nr";  // reporter_name, pii
  p.columns[6].pii = true;             // count: hwc without a treatment
  p.columns[4].pii = true;             // speed: mx
  EXPECT_EQ(Problems(p),
            (Lines{"data_column_classification.csv:6: incident.speed is pii but classified mx; "
                   "pii columns must be de or hwc with a treatment",
                   "data_column_classification.csv:7: incident.reporter_name is pii but "
                   "classified nr; pii columns must be de or hwc with a treatment",
                   "data_column_classification.csv:8: incident.count is pii but classified hwc "
                   "without a treatment; pii columns must be de or hwc with a treatment"}));
  // de, and hwc with any treatment (even null), are fine.
  PolicySnapshot ok = ValidPolicy();
  ok.columns[6] = {"incident", "count", "hwc", "null", true};
  EXPECT_EQ(Problems(ok), Lines{});
}

TEST(ValidatePolicyTest, MxNeedsASourceOrMetricColumn) {
  PolicySnapshot p = ValidPolicy();
  p.export_tables[0].source_column = "";
  EXPECT_EQ(Problems(p),
            (Lines{"data_column_classification.csv:6: incident.speed: classified mx but export "
                   "table 'incident' has neither a source_column nor a metric_column to decide "
                   "by"}));
  // A long table decides by its metric column.
  PolicySnapshot long_only = ValidPolicy();
  long_only.export_tables[1].source_column = "";
  EXPECT_EQ(Problems(long_only), Lines{});
}

TEST(ValidatePolicyTest, MxTreatmentMustKeepTheType) {
  PolicySnapshot p = ValidPolicy();
  p.columns[6] = {"incident", "count", "mx", "hash", false};
  EXPECT_EQ(Problems(p), (Lines{"data_column_classification.csv:8: incident.count: treatment "
                                "'hash' turns int32 column 'count' into string; an mx column's "
                                "treatment must keep its type"}));
}

TEST(ValidatePolicyTest, MetricRulesOnlyForLongTables) {
  PolicySnapshot p = ValidPolicy();
  p.metrics.push_back({"incident", "speed", "nr", ""});  // line 7
  p.metrics.push_back({"unused", "x", "nr", ""});        // line 8
  p.metrics.push_back({"nope", "x", "nr", ""});          // line 9
  EXPECT_EQ(
      Problems(p),
      (Lines{"long_table_data_classifications.csv:7: incident metric 'speed': 'incident' is not "
             "a long table (export_tables has no row for it with a metric_column)",
             "long_table_data_classifications.csv:8: unused metric 'x': 'unused' is not a long "
             "table (export_tables has no row for it with a metric_column)",
             "long_table_data_classifications.csv:9: nope metric 'x': table 'nope' is not in the "
             "warehouse"}));
}

TEST(ValidatePolicyTest, MetricTreatments) {
  PolicySnapshot p = ValidPolicy();
  p.metrics[0].treatment = "null";  // de metric with a treatment
  p.metrics[3].treatment = "hash";  // value is double (no hash), samples int64 (hash -> string)
  EXPECT_EQ(
      Problems(p),
      (Lines{"long_table_data_classifications.csv:2: way_metrics metric 'driver': de metrics are "
             "never exported; remove the treatment or classify the metric hwc",
             "long_table_data_classifications.csv:5: way_metrics metric 'travel_time': treatment "
             "'hash' does not apply to a double column (mx column 'value')",
             "long_table_data_classifications.csv:5: way_metrics metric 'travel_time': treatment "
             "'hash' turns int64 column 'samples' into string; a metric treatment must keep the "
             "type of the mx columns"}));
}

TEST(ValidatePolicyTest, ExportTableColumns) {
  PolicySnapshot p = ValidPolicy();
  p.export_tables[0] = {"incident", true, "description", "count", "missing"};
  p.export_tables[1] = {"way_metrics", true, "gone", "source", "extra"};
  p.export_tables.push_back({"nope", true, "t", "", ""});      // line 4
  p.export_tables.push_back({"unused", false, "", "a", "a"});  // line 5: disabled is checked too
  EXPECT_EQ(
      Problems(p),
      (Lines{"export_tables.csv:2: incident: time_column 'description' is string; it must be a "
             "timestamp or date",
             "export_tables.csv:2: incident: source_column 'count' is int32; it must be string",
             "export_tables.csv:2: incident: metric_column 'missing' is not a column of the "
             "table",
             "export_tables.csv:3: way_metrics: time_column 'gone' is not a column of the table",
             "export_tables.csv:3: way_metrics: metric_column 'extra' is json; it must be string",
             "export_tables.csv:4: table 'nope' is not in the warehouse",
             "export_tables.csv:5: unused: time_column is empty"}));
  // A date is a valid time column.
  PolicySnapshot date = ValidPolicy();
  date.export_tables[0].time_column = "created_date";
  EXPECT_EQ(Problems(date), Lines{});
}

TEST(ValidatePolicyTest, ColumnRulesMustNameExistingTablesAndColumns) {
  PolicySnapshot p = ValidPolicy();
  p.columns.push_back({"incident", "ghost", "nr", "", false});  // line 16
  p.columns.push_back({"nope", "a", "nr", "", false});          // line 17
  EXPECT_EQ(Problems(p),
            (Lines{"data_column_classification.csv:16: incident.ghost: no such column in table "
                   "'incident'",
                   "data_column_classification.csv:17: nope.a: table 'nope' is not in the "
                   "warehouse"}));
}

TEST(ValidatePolicyTest, DuplicateKeys) {
  PolicySnapshot p = ValidPolicy();
  p.export_tables.push_back({"incident", false, "reported_at", "", ""});  // line 4
  p.columns.push_back({"incident", "speed", "nr", "", false});            // line 16
  p.sources.push_back({"HERE", "nr"});                                    // line 5
  p.metrics.push_back({"way_metrics", "speed", "de", ""});                // line 7
  EXPECT_EQ(Problems(p),
            (Lines{"export_tables.csv:4: duplicate table 'incident' (first on line 2)",
                   "data_column_classification.csv:16: duplicate rule for incident.speed (first "
                   "on line 6)",
                   "actual_data_classifications.csv:5: duplicate source 'HERE' (first on line 3)",
                   "long_table_data_classifications.csv:7: duplicate rule for way_metrics metric "
                   "'speed' (first on line 4)"}));
}

TEST(ValidatePolicyTest, EmptyNames) {
  PolicySnapshot p = ValidPolicy();
  p.export_tables.push_back({"", true, "t", "", ""});
  p.columns.push_back({"incident", "", "nr", "", false});
  p.sources.push_back({"", "nr"});
  p.metrics.push_back({"way_metrics", "", "nr", ""});
  EXPECT_EQ(Problems(p), (Lines{"export_tables.csv:4: empty table_name",
                                "data_column_classification.csv:16: empty table_name or "
                                "column_name",
                                "actual_data_classifications.csv:5: empty source",
                                "long_table_data_classifications.csv:7: empty table_name or "
                                "metric_name"}));
}

TEST(ValidatePolicyTest, CompressNeedsAFreeCompressedColumnName) {
  PolicySnapshot p = ValidPolicy();
  p.columns[3] = {"incident", "notes", "hwc", "compress", false};
  // On a long table the metric's compress reaches the mx columns.
  p.columns[11] = {"way_metrics", "label", "mx", "", false};
  p.columns[12] = {"way_metrics", "samples", "nr", "", false};
  p.metrics[3].treatment = "compress";
  EXPECT_EQ(Problems(p),
            (Lines{"data_column_classification.csv:5: incident.notes: compress writes overlong "
                   "values of 'notes' into 'notes_compressed', which is already a column of "
                   "table 'incident'",
                   "long_table_data_classifications.csv:5: way_metrics metric 'travel_time': "
                   "compress writes overlong values of 'label' into 'label_compressed', which is "
                   "already a column of table 'way_metrics'"}));
}

TEST(ValidatePolicyTest, WithoutOriginsRowsAreNamedByKey) {
  PolicySnapshot p = ValidPolicy();
  p.columns[5].classification = "nr";
  p.export_tables.push_back({"nope", true, "t", "", ""});
  p.sources.push_back({"HERE", "nr"});
  p.metrics[0].treatment = "null";
  EXPECT_EQ(Problems(p, /*with_origins=*/false),
            (Lines{"export_tables: table 'nope' is not in the warehouse",
                   "data_column_classification: incident.reporter_name is pii but classified nr; "
                   "pii columns must be de or hwc with a treatment",
                   "actual_data_classifications: duplicate source 'HERE'",
                   "long_table_data_classifications: way_metrics metric 'driver': de metrics are "
                   "never exported; remove the treatment or classify the metric hwc"}));
}

TEST(ValidatePolicyTest, ProblemsSortedByFileThenLine) {
  PolicySnapshot p = ValidPolicy();
  p.metrics[0].classification = "x";
  p.sources[0].classification = "y";
  p.columns[0].classification = "z";
  p.columns[1].classification = "w";
  PolicyCsv origins = Origins(p);
  origins.column_lines = {30, 20, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};  // edited by hand
  FakeWarehouse w = Warehouse();
  Status status = ValidatePolicy(p, w.Fn(), &origins);
  EXPECT_EQ(status.message(),
            "data_column_classification.csv:20: incident.reported_at: unknown classification "
            "'w' (expected nr, mx, de or hwc)\n"
            "data_column_classification.csv:30: incident.incident_id: unknown classification "
            "'z' (expected nr, mx, de or hwc)\n"
            "actual_data_classifications.csv:2: source 'FUSION': unknown classification 'y' "
            "(expected nr, mx, de or hwc)\n"
            "long_table_data_classifications.csv:2: way_metrics metric 'driver': unknown "
            "classification 'x' (expected nr, mx, de or hwc)");
}

TEST(ValidatePolicyTest, AtMostFiftyProblems) {
  PolicySnapshot p = ValidPolicy();
  for (int i = 0; i < 70; ++i) p.sources.push_back({"S" + std::to_string(i), "bad"});
  Lines problems = Problems(p);
  ASSERT_EQ(problems.size(), 51u);
  EXPECT_EQ(problems[0],
            "actual_data_classifications.csv:5: source 'S0': unknown classification 'bad' "
            "(expected nr, mx, de or hwc)");
  EXPECT_EQ(problems[50], "... and 20 more");
}

TEST(ValidatePolicyTest, DescribeErrorsOtherThanNotFoundAreReturned) {
  FakeWarehouse w = Warehouse();
  w.failures["way_metrics"] = Unavailable("warehouse down");
  Status status = ValidatePolicy(ValidPolicy(), w.Fn(), nullptr);
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
  EXPECT_EQ(status.message(), "describe table 'way_metrics': warehouse down");
}

TEST(UncoveredColumnsTest, EnabledExportTablesOnlySorted) {
  PolicySnapshot p = ValidPolicy();
  p.export_tables.push_back({"unused", false, "a", "", ""});  // disabled: not listed
  FakeWarehouse w = Warehouse();
  Result<std::vector<std::string>> uncovered = UncoveredColumns(p, w.Fn());
  ASSERT_TRUE(uncovered.ok()) << uncovered.status().ToString();
  EXPECT_EQ(*uncovered, (std::vector<std::string>{"incident.notes", "incident.notes_compressed",
                                                  "way_metrics.extra", "way_metrics.label",
                                                  "way_metrics.label_compressed",
                                                  "way_metrics.source", "way_metrics.way_id"}));
  EXPECT_EQ(w.calls.count("unused"), 0u);

  p.export_tables[1].enabled = false;
  p.columns.push_back({"incident", "notes", "de", "", false});
  uncovered = UncoveredColumns(p, w.Fn());
  ASSERT_TRUE(uncovered.ok());
  EXPECT_EQ(*uncovered, std::vector<std::string>{"incident.notes_compressed"});
}

TEST(UncoveredColumnsTest, DescribeErrorsAreReturned) {
  PolicySnapshot p = ValidPolicy();
  p.export_tables.push_back({"nope", true, "t", "", ""});
  FakeWarehouse w = Warehouse();
  Result<std::vector<std::string>> uncovered = UncoveredColumns(p, w.Fn());
  EXPECT_EQ(uncovered.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(uncovered.status().message(), "describe table 'nope': no table 'nope'");
}

}  // namespace
}  // namespace de
