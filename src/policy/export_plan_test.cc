#include "policy/export_plan.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace de {
namespace {

TableSchema WaySchema() {
  return {"way",
          {{"way_id", "INTEGER", DataType::Int64(), false},
           {"observed_at", "TIMESTAMP", DataType::Timestamp(false), false},
           {"source", "TEXT", DataType::String(), true},
           {"speed", "REAL", DataType::Double(), true},
           {"plate", "TEXT", DataType::String(), true},
           {"geo", "TEXT", DataType::String(), true},
           {"note", "TEXT", DataType::String(), true},
           {"brand_new", "TEXT", DataType::String(), true}}};
}

TableSchema LongSchema() {
  return {"m",
          {{"observed_at", "TIMESTAMP", DataType::Timestamp(false), false},
           {"metric", "TEXT", DataType::String(), false},
           {"value", "REAL", DataType::Double(), true},
           {"source", "TEXT", DataType::String(), true}}};
}

PolicySnapshot WayPolicy() {
  PolicySnapshot p;
  p.version = 7;
  p.export_tables = {{"way", true, "observed_at", "source", ""}};
  p.columns = {
      {"way", "way_id", "nr", "", false},       {"way", "observed_at", "nr", "", false},
      {"way", "speed", "mx", "round:0", false}, {"way", "plate", "hwc", "hash", true},
      {"way", "geo", "hwc", "", false},         {"way", "note", "de", "", true},
      {"other", "brand_new", "nr", "", false},  // another table's rule does not count
  };
  p.sources = {{"FUSION", "nr"}, {"HERE", "de"}, {"TOMTOM", "hwc"}};
  return p;
}

std::vector<std::string> OutputNames(const ExportPlan& plan) {
  std::vector<std::string> names;
  for (const OutputColumn& c : plan.outputs) names.push_back(c.name);
  return names;
}

TEST(ExportPlanTest, EachCodeDecidesTheColumn) {
  auto plan = BuildExportPlan(WayPolicy().export_tables[0], WaySchema(), WayPolicy());
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(OutputNames(*plan),
            (std::vector<std::string>{"way_id", "observed_at", "speed", "plate"}));
  EXPECT_EQ(plan->outputs[0].rule, CellRule::kAsIs);
  EXPECT_FALSE(plan->outputs[0].nullable);
  EXPECT_EQ(plan->outputs[2].rule, CellRule::kBySource);
  EXPECT_EQ(plan->outputs[3].rule, CellRule::kTreated);
  EXPECT_EQ(plan->outputs[3].type, DataType::String());  // hash turns text into hex text
  // The source column is read for the per-row rule but not exported: it has no rule.
  EXPECT_EQ(plan->ScanColumnNames(),
            (std::vector<std::string>{"way_id", "observed_at", "speed", "plate", "source"}));
  EXPECT_EQ(plan->source_input, 4);
  ASSERT_EQ(plan->reported.size(), 4u);
  EXPECT_EQ(plan->reported[0].column, "source");
  EXPECT_EQ(plan->reported[0].reason, ReportedColumn::Reason::kUnclassified);
  EXPECT_EQ(plan->reported[1].column, "geo");
  EXPECT_EQ(plan->reported[1].reason, ReportedColumn::Reason::kNoTreatment);
  EXPECT_EQ(plan->reported[2].column, "note");
  EXPECT_EQ(plan->reported[2].reason, ReportedColumn::Reason::kDoNotExport);
  EXPECT_EQ(plan->UnclassifiedColumns(), (std::vector<std::string>{"source", "brand_new"}));
  EXPECT_EQ(plan->DroppedColumns(), (std::vector<std::string>{"geo", "note"}));
  EXPECT_EQ(plan->TreatedColumns(),
            (std::vector<std::string>{"speed (mx by source)", "plate (hash)"}));
  EXPECT_TRUE(plan->uses_hash());
  EXPECT_EQ(plan->policy_version, 7);
  std::string text = plan->ToString();
  EXPECT_NE(text.find("plate"), std::string::npos) << text;
  EXPECT_NE(text.find("exported through hash"), std::string::npos) << text;
  EXPECT_NE(text.find("brand_new"), std::string::npos) << text;
  EXPECT_NE(text.find("FUSION=nr HERE=de TOMTOM=hwc"), std::string::npos) << text;
}

TEST(ExportPlanTest, PiiWithoutATreatmentFailsClosedWhateverTheCode) {
  PolicySnapshot p = WayPolicy();
  p.columns = {{"way", "observed_at", "nr", "", false},
               {"way", "plate", "nr", "", true},
               {"way", "note", "hwc", "", true},
               {"way", "geo", "mx", "", true}};
  auto plan = BuildExportPlan(p.export_tables[0], WaySchema(), p);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(OutputNames(*plan), std::vector<std::string>{"observed_at"});
}

TEST(ExportPlanTest, DropNullAndCompress) {
  PolicySnapshot p = WayPolicy();
  p.columns = {{"way", "observed_at", "nr", "", false},
               {"way", "plate", "hwc", "drop", true},
               {"way", "note", "hwc", "null", true},
               {"way", "geo", "nr", "compress", false}};
  auto plan = BuildExportPlan(p.export_tables[0], WaySchema(), p);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(OutputNames(*plan),
            (std::vector<std::string>{"observed_at", "geo", "geo_compressed", "note"}));
  EXPECT_EQ(plan->outputs[2].rule, CellRule::kOverflow);
  EXPECT_EQ(plan->outputs[2].input, plan->outputs[1].input);
  EXPECT_EQ(plan->outputs[3].rule, CellRule::kTreated);
  EXPECT_EQ(plan->DroppedColumns(), std::vector<std::string>{"plate"});
  auto plate = std::find_if(plan->reported.begin(), plan->reported.end(),
                            [](const ReportedColumn& r) { return r.column == "plate"; });
  ASSERT_NE(plate, plan->reported.end());
  EXPECT_EQ(plate->reason, ReportedColumn::Reason::kDropped);
  EXPECT_FALSE(plan->uses_hash());
}

TEST(ExportPlanTest, CompressNameTakenIsRefused) {
  TableSchema schema = WaySchema();
  schema.columns.push_back({"geo_compressed", "TEXT", DataType::String(), true});
  PolicySnapshot p = WayPolicy();
  p.columns = {{"way", "geo", "nr", "compress", false}};
  auto plan = BuildExportPlan(p.export_tables[0], schema, p);
  EXPECT_EQ(plan.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(plan.status().message().find("geo_compressed"), std::string::npos);
}

TEST(ExportPlanTest, TreatmentThatDoesNotFitTheTypeIsRefused) {
  PolicySnapshot p = WayPolicy();
  p.columns = {{"way", "speed", "hwc", "mask:2", false}};
  auto plan = BuildExportPlan(p.export_tables[0], WaySchema(), p);
  EXPECT_EQ(plan.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(plan.status().message().find("way.speed"), std::string::npos)
      << plan.status().message();
}

TEST(ExportPlanTest, MxNeedsSomethingToDecideBy) {
  PolicySnapshot p = WayPolicy();
  p.export_tables[0].source_column = "";
  auto plan = BuildExportPlan(p.export_tables[0], WaySchema(), p);
  EXPECT_EQ(plan.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(plan.status().message().find("source_column"), std::string::npos);
}

TEST(ExportPlanTest, LongTableMetricsArePushedDownAndMxFollowsThem) {
  PolicySnapshot p;
  p.version = 3;
  p.export_tables = {{"m", true, "observed_at", "source", "metric"}};
  p.columns = {{"m", "observed_at", "nr", "", false},
               {"m", "metric", "nr", "", false},
               {"m", "value", "mx", "", false}};
  p.metrics = {{"m", "speed", "nr", ""},
               {"m", "secret", "de", ""},
               {"m", "travel", "hwc", "round:0"},
               {"m", "occupancy", "mx", ""},
               {"other", "volume", "nr", ""}};
  auto plan = BuildExportPlan(p.export_tables[0], LongSchema(), p);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_TRUE(plan->is_long());
  EXPECT_EQ(plan->allowed_metrics, (std::vector<std::string>{"occupancy", "speed", "travel"}));
  EXPECT_EQ(plan->outputs[2].rule, CellRule::kByMetric);
  EXPECT_GE(plan->metric_input, 0);
  EXPECT_GE(plan->source_input, 0);
  EXPECT_NE(plan->ToString().find("metric IN (occupancy, speed, travel)"), std::string::npos)
      << plan->ToString();
}

TEST(ExportPlanTest, LongTableMetricTreatmentMustKeepTheType) {
  PolicySnapshot p;
  p.export_tables = {{"m", true, "observed_at", "", "metric"}};
  p.columns = {{"m", "observed_at", "nr", "", false}, {"m", "value", "mx", "", false}};
  p.metrics = {{"m", "speed", "hwc", "hash"}};
  auto plan = BuildExportPlan(p.export_tables[0], LongSchema(), p);
  EXPECT_EQ(plan.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(plan.status().message().find("m.speed"), std::string::npos) << plan.status().message();
}

TEST(ExportPlanTest, NothingExportableIsAnError) {
  PolicySnapshot p = WayPolicy();
  p.columns.clear();
  auto plan = BuildExportPlan(p.export_tables[0], WaySchema(), p);
  EXPECT_EQ(plan.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(plan.status().message().find("8 unclassified"), std::string::npos)
      << plan.status().message();
}

TEST(ExportPlanTest, BadTimeSourceOrMetricColumn) {
  PolicySnapshot p = WayPolicy();
  auto missing = BuildExportPlan({"way", true, "nope", "", ""}, WaySchema(), p);
  EXPECT_EQ(missing.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(missing.status().message().find("'nope'"), std::string::npos);
  auto wrong_type = BuildExportPlan({"way", true, "speed", "", ""}, WaySchema(), p);
  EXPECT_EQ(wrong_type.status().code(), StatusCode::kFailedPrecondition);
  auto bad_source = BuildExportPlan({"way", true, "observed_at", "way_id", ""}, WaySchema(), p);
  EXPECT_EQ(bad_source.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(bad_source.status().message().find("not text"), std::string::npos);
  auto no_metric = BuildExportPlan({"way", true, "observed_at", "", "nope"}, WaySchema(), p);
  EXPECT_EQ(no_metric.status().code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace de
