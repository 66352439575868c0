#include "policy/policy_applier.h"

#include <gtest/gtest.h>

#include <cmath>
#include <optional>

namespace de {
namespace {

using OptDouble = std::optional<double>;
using OptString = std::optional<std::string>;

TableSchema WaySchema() {
  return {"way",
          {{"observed_at", "TIMESTAMP", DataType::Timestamp(false), false},
           {"source", "TEXT", DataType::String(), true},
           {"speed", "REAL", DataType::Double(), true},
           {"plate", "TEXT", DataType::String(), true},
           {"note", "TEXT", DataType::String(), true}}};
}

// Fills the scan batch of `plan` from per-column values; column names pick the vectors.
struct WayRows {
  std::vector<OptString> source;
  std::vector<OptDouble> speed;
  std::vector<OptString> plate;
  std::vector<OptString> note;
};

void AppendString(ColumnVector* c, const OptString& v) {
  if (v) {
    c->AppendBytes(*v);
  } else {
    c->AppendNull();
  }
}

void FillWay(const ExportPlan& plan, const WayRows& rows, Batch* batch) {
  batch->Clear();
  size_t n = rows.source.size();
  for (size_t col = 0; col < plan.scan_columns.size(); ++col) {
    const std::string& name = plan.scan_columns[col].name;
    ColumnVector* c = &batch->column(col);
    for (size_t i = 0; i < n; ++i) {
      if (name == "observed_at") {
        c->Append<int64_t>(static_cast<int64_t>(i) * 1'000'000);
      } else if (name == "source") {
        AppendString(c, rows.source[i]);
      } else if (name == "speed") {
        if (rows.speed[i]) {
          c->Append<double>(*rows.speed[i]);
        } else {
          c->AppendNull();
        }
      } else if (name == "plate") {
        AppendString(c, rows.plate[i]);
      } else {
        AppendString(c, rows.note[i]);
      }
    }
  }
  ASSERT_TRUE(batch->FinishRows(n).ok());
}

std::vector<OptDouble> Doubles(const ColumnVector& c) {
  std::vector<OptDouble> out;
  for (size_t i = 0; i < c.size(); ++i) {
    out.push_back(c.IsNull(i) ? OptDouble() : OptDouble(c.Value<double>(i)));
  }
  return out;
}

std::vector<OptString> Strings(const ColumnVector& c) {
  std::vector<OptString> out;
  for (size_t i = 0; i < c.size(); ++i) {
    out.push_back(c.IsNull(i) ? OptString() : OptString(std::string(c.Bytes(i))));
  }
  return out;
}

PolicySnapshot WayPolicy(std::vector<ColumnClassification> columns) {
  PolicySnapshot p;
  p.version = 2;
  p.export_tables = {{"way", true, "observed_at", "source", ""}};
  p.columns = std::move(columns);
  p.sources = {{"FUSION", "nr"}, {"HERE", "de"}, {"TOMTOM", "hwc"}, {"ODD", "mx"}};
  return p;
}

std::unique_ptr<PolicyApplier> MakeApplier(const PolicySnapshot& policy,
                                           TreatmentContext context = {}) {
  auto plan = BuildExportPlan(policy.export_tables[0], WaySchema(), policy);
  EXPECT_TRUE(plan.ok()) << plan.status().ToString();
  auto applier = PolicyApplier::Create(*plan, std::move(context));
  EXPECT_TRUE(applier.ok()) << applier.status().ToString();
  return std::move(applier).value();
}

TEST(PolicyApplierTest, MxKeepsOnlyRowsOfNrSourcesAndTreatsHwcSources) {
  auto applier = MakeApplier(WayPolicy({{"way", "observed_at", "nr", "", false},
                                        {"way", "source", "nr", "", false},
                                        {"way", "speed", "mx", "round:0", false}}));
  const ExportPlan& plan = applier->plan();
  Batch in(plan.ScanSchema());
  Batch out(plan.OutputSchema());
  WayRows rows;
  rows.source = {"FUSION", "HERE", "TOMTOM", "NEWCO", std::nullopt, "ODD", "FUSION", "TOMTOM"};
  rows.speed = {51.4, 52.6, 53.5, 54.0, 55.0, 56.0, std::nullopt, std::nullopt};
  FillWay(plan, rows, &in);
  uint64_t dropped = 99;
  ASSERT_TRUE(applier->Apply(&in, &out, &dropped).ok());
  EXPECT_EQ(dropped, 0u);
  ASSERT_EQ(out.num_rows(), 8u);
  // FUSION kept as is; HERE (de), unlisted, NULL and mx sources NULL; TOMTOM (hwc) rounded.
  EXPECT_EQ(Doubles(out.column(2)), (std::vector<OptDouble>{51.4, {}, 54.0, {}, {}, {}, {}, {}}));
  EXPECT_EQ(Strings(out.column(1))[3], OptString("NEWCO"));  // the source itself is nr

  // The input batch can be refilled and applied again (columns were moved, not shared).
  rows.source = {"TOMTOM"};
  rows.speed = {12.5};
  FillWay(plan, rows, &in);
  ASSERT_TRUE(applier->Apply(&in, &out, &dropped).ok());
  EXPECT_EQ(Doubles(out.column(2)), (std::vector<OptDouble>{13.0}));
}

TEST(PolicyApplierTest, MxWithoutTreatmentNullsHwcSources) {
  auto applier = MakeApplier(
      WayPolicy({{"way", "observed_at", "nr", "", false}, {"way", "speed", "mx", "", false}}));
  Batch in(applier->plan().ScanSchema());
  Batch out(applier->plan().OutputSchema());
  FillWay(applier->plan(), {{"FUSION", "TOMTOM"}, {1.0, 2.0}, {}, {}}, &in);
  uint64_t dropped = 0;
  ASSERT_TRUE(applier->Apply(&in, &out, &dropped).ok());
  ASSERT_EQ(out.num_columns(), 2u);  // source is read, not exported
  EXPECT_EQ(Doubles(out.column(1)), (std::vector<OptDouble>{1.0, {}}));
}

TEST(PolicyApplierTest, NullHashAndCompress) {
  TreatmentContext context;
  context.hash_key = "0123456789abcdef-key";
  context.max_string_bytes = 5;
  auto applier = MakeApplier(WayPolicy({{"way", "observed_at", "nr", "", false},
                                        {"way", "plate", "hwc", "hash", true},
                                        {"way", "note", "nr", "compress", false},
                                        {"way", "source", "hwc", "null", false}}),
                             context);
  const ExportPlan& plan = applier->plan();
  ASSERT_EQ(plan.OutputSchema().size(), 5u);
  Batch in(plan.ScanSchema());
  Batch out(plan.OutputSchema());
  WayRows rows;
  rows.source = {"FUSION", "HERE"};
  rows.speed = {1.0, 2.0};
  rows.plate = {"ABC123", std::nullopt};
  rows.note = {"short", "longer than five"};
  FillWay(plan, rows, &in);
  uint64_t dropped = 0;
  ASSERT_TRUE(applier->Apply(&in, &out, &dropped).ok());
  EXPECT_EQ(Strings(out.column(1)), (std::vector<OptString>{{}, {}}));  // null
  EXPECT_EQ(Strings(out.column(2)),
            (std::vector<OptString>{HmacSha256Hex(context.hash_key, "ABC123"), {}}));
  EXPECT_EQ(Strings(out.column(3)), (std::vector<OptString>{"short", {}}));
  EXPECT_EQ(Strings(out.column(4)), (std::vector<OptString>{{}, GzipBase64("longer than five")}));
}

TEST(PolicyApplierTest, HashWithoutAKeyRefusesToStart) {
  PolicySnapshot p = WayPolicy({{"way", "plate", "hwc", "hash", true}});
  auto plan = BuildExportPlan(p.export_tables[0], WaySchema(), p);
  ASSERT_TRUE(plan.ok());
  auto applier = PolicyApplier::Create(*plan, TreatmentContext{});
  EXPECT_EQ(applier.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(applier.status().message().find("policy.hash_key"), std::string::npos);
}

TEST(PolicyApplierTest, LongTableRowsFollowTheirMetric) {
  TableSchema schema{"m",
                     {{"observed_at", "TIMESTAMP", DataType::Timestamp(false), false},
                      {"metric", "TEXT", DataType::String(), true},
                      {"value", "REAL", DataType::Double(), true},
                      {"source", "TEXT", DataType::String(), true}}};
  PolicySnapshot p;
  p.export_tables = {{"m", true, "observed_at", "source", "metric"}};
  p.columns = {{"m", "observed_at", "nr", "", false},
               {"m", "metric", "nr", "", false},
               {"m", "value", "mx", "", false}};
  p.sources = {{"FUSION", "nr"}, {"HERE", "de"}};
  p.metrics = {{"m", "speed", "nr", ""},
               {"m", "travel", "hwc", "round:0"},
               {"m", "raw", "hwc", ""},
               {"m", "occupancy", "mx", ""},
               {"m", "secret", "de", ""}};
  auto plan = BuildExportPlan(p.export_tables[0], schema, p);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  auto applier = PolicyApplier::Create(*plan, {});
  ASSERT_TRUE(applier.ok());
  Batch in(plan->ScanSchema());
  Batch out(plan->OutputSchema());
  struct Row {
    OptString metric;
    double value;
    std::string source;
  };
  // The query filters metrics already; rows that slip through anyway are dropped here.
  std::vector<Row> rows = {{"speed", 50.5, "HERE"},       {"travel", 99.5, "HERE"},
                           {"occupancy", 0.25, "FUSION"}, {"occupancy", 0.5, "HERE"},
                           {"secret", 7, "FUSION"},       {"unlisted", 8, "FUSION"},
                           {std::nullopt, 9, "FUSION"},   {"raw", 10, "FUSION"}};
  for (const Row& r : rows) {
    for (size_t c = 0; c < plan->scan_columns.size(); ++c) {
      const std::string& name = plan->scan_columns[c].name;
      ColumnVector& col = in.column(c);
      if (name == "observed_at") col.Append<int64_t>(0);
      if (name == "metric") AppendString(&col, r.metric);
      if (name == "value") col.Append<double>(r.value);
      if (name == "source") col.AppendBytes(r.source);
    }
  }
  ASSERT_TRUE(in.FinishRows(rows.size()).ok());
  uint64_t dropped = 0;
  ASSERT_TRUE((*applier)->Apply(&in, &out, &dropped).ok());
  EXPECT_EQ(dropped, 3u);
  ASSERT_EQ(out.num_rows(), 5u);
  EXPECT_EQ(Strings(out.column(1)),
            (std::vector<OptString>{"speed", "travel", "occupancy", "occupancy", "raw"}));
  EXPECT_EQ(Doubles(out.column(2)), (std::vector<OptDouble>{50.5, 100.0, 0.25, {}, {}}));
}

}  // namespace
}  // namespace de
