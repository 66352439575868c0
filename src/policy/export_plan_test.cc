#include "policy/export_plan.h"

#include <gtest/gtest.h>

namespace de {
namespace {

TableSchema WaySchema() {
  return {"way",
          {{"way_id", "INTEGER", DataType::Int64(), false},
           {"observed_at", "TIMESTAMP", DataType::Timestamp(false), false},
           {"speed", "REAL", DataType::Double(), true},
           {"plate", "TEXT", DataType::String(), true},
           {"geo", "TEXT", DataType::String(), true},
           {"brand_new", "TEXT", DataType::String(), true}}};
}

TEST(ExportPlanTest, OnlyNrColumnsAreSelected) {
  std::vector<ColumnClassification> rules = {
      {"way", "way_id", "nr", "", false},
      {"way", "observed_at", "nr", "", false},
      {"way", "speed", "mx", "", false},
      {"way", "plate", "de", "", true},
      {"way", "geo", "hwc", "round_coords:3", false},
      {"other", "brand_new", "nr", "", false},  // another table's rule does not count
  };
  auto plan = BuildExportPlan({"way", true, "observed_at", "", ""}, WaySchema(), rules, 7);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(plan->ColumnNames(), (std::vector<std::string>{"way_id", "observed_at"}));
  EXPECT_EQ(plan->UnclassifiedColumns(), std::vector<std::string>{"brand_new"});
  ASSERT_EQ(plan->reported.size(), 4u);
  EXPECT_EQ(plan->reported[0].column, "speed");
  EXPECT_EQ(plan->reported[0].reason, ReportedColumn::Reason::kNotSupported);
  EXPECT_EQ(plan->reported[1].reason, ReportedColumn::Reason::kDoNotExport);
  EXPECT_EQ(plan->policy_version, 7);
  EXPECT_EQ(plan->OutputSchema().fields[0].nullable, false);
  EXPECT_NE(plan->ToString().find("drop    brand_new (unclassified)"), std::string::npos);
}

TEST(ExportPlanTest, NrOnAPiiColumnFailsClosed) {
  std::vector<ColumnClassification> rules = {{"way", "observed_at", "nr", "", false},
                                             {"way", "plate", "nr", "", true}};
  auto plan = BuildExportPlan({"way", true, "observed_at", "", ""}, WaySchema(), rules, 1);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->ColumnNames(), std::vector<std::string>{"observed_at"});
}

TEST(ExportPlanTest, NoRulesExportsNothing) {
  auto plan = BuildExportPlan({"way", true, "observed_at", "", ""}, WaySchema(), {}, 1);
  ASSERT_TRUE(plan.ok());
  EXPECT_TRUE(plan->columns.empty());
  EXPECT_EQ(plan->UnclassifiedColumns().size(), 6u);
}

TEST(ExportPlanTest, BadTimeColumn) {
  auto missing = BuildExportPlan({"way", true, "nope", "", ""}, WaySchema(), {}, 1);
  EXPECT_EQ(missing.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(missing.status().message().find("'nope'"), std::string::npos);
  auto wrong_type = BuildExportPlan({"way", true, "speed", "", ""}, WaySchema(), {}, 1);
  EXPECT_EQ(wrong_type.status().code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace de
