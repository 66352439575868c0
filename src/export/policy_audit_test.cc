#include "export/policy_audit.h"

#include <gtest/gtest.h>

#include "parquet/test_parquet_reader.h"

namespace de {
namespace {

TableSchema Schema3() {
  return {"t",
          {{"at", "TIMESTAMP", DataType::Timestamp(false), false},
           {"plate", "TEXT", DataType::String(), true},
           {"note", "TEXT", DataType::String(), true},
           {"body", "TEXT", DataType::String(), true}}};
}

ExportPlan Plan() {
  PolicySnapshot p;
  p.version = 4;
  p.export_tables = {{"t", true, "at", "", ""}};
  p.columns = {{"t", "at", "nr", "", false},
               {"t", "plate", "hwc", "hash", true},
               {"t", "note", "de", "", true},
               {"t", "body", "nr", "compress", false}};
  auto plan = BuildExportPlan(p.export_tables[0], Schema3(), p);
  EXPECT_TRUE(plan.ok()) << plan.status().ToString();
  return *plan;
}

// The bytes of a Parquet file with `schema` (no rows) and the footer metadata an export writes.
std::string WriteFile(const Schema& schema, const std::string& version,
                      const std::string& table = "t") {
  parquet::WriterOptions options;
  options.key_value_metadata = {{"data_exporter.table", table},
                                {"data_exporter.policy_version", version}};
  return parquet::testing::WriteParquet(schema, options, {});
}

Status Audit(const std::string& file, const ExportPlan& plan) {
  auto footer = parquet::ParseFooter(file);
  if (!footer.ok()) return footer.status();
  return AuditFileFooter(*footer, plan);
}

TEST(PolicyAuditTest, TheFileThePlanDescribesPasses) {
  ExportPlan plan = Plan();
  EXPECT_TRUE(Audit(WriteFile(plan.OutputSchema(), "4"), plan).ok());
}

TEST(PolicyAuditTest, ADoNotExportColumnFails) {
  ExportPlan plan = Plan();
  Schema schema = plan.OutputSchema();
  schema.fields.push_back({"note", DataType::String(), true});
  Status s = Audit(WriteFile(schema, "4"), plan);
  EXPECT_EQ(s.code(), StatusCode::kPolicyViolation);
  EXPECT_NE(s.message().find("column note is classified de"), std::string::npos) << s.message();
}

TEST(PolicyAuditTest, AnUntreatedPiiColumnFailsEvenIfThePlanSaysSo) {
  // The plan itself is wrong (a bug): the audit re-derives from the rules, not from the plan.
  ExportPlan plan = Plan();
  plan.rules[1].treatment = "";
  Status s = Audit(WriteFile(plan.OutputSchema(), "4"), plan);
  EXPECT_EQ(s.code(), StatusCode::kPolicyViolation);
  EXPECT_NE(s.message().find("plate is hwc without a treatment"), std::string::npos) << s.message();
}

TEST(PolicyAuditTest, WrongTypeVersionTableOrExtraOverflowFail) {
  ExportPlan plan = Plan();
  Schema wrong_type = plan.OutputSchema();
  wrong_type.fields[0].type = DataType::Int64();
  EXPECT_EQ(Audit(WriteFile(wrong_type, "4"), plan).code(), StatusCode::kPolicyViolation);
  EXPECT_EQ(Audit(WriteFile(plan.OutputSchema(), "3"), plan).code(), StatusCode::kPolicyViolation);
  EXPECT_EQ(Audit(WriteFile(plan.OutputSchema(), "4", "other"), plan).code(),
            StatusCode::kPolicyViolation);
  Schema overflow = plan.OutputSchema();
  overflow.fields.push_back({"plate_compressed", DataType::String(), true});
  Status s = Audit(WriteFile(overflow, "4"), plan);
  EXPECT_EQ(s.code(), StatusCode::kPolicyViolation);
  EXPECT_NE(s.message().find("plate is not compressed"), std::string::npos) << s.message();
  Schema missing = plan.OutputSchema();
  missing.fields.pop_back();
  EXPECT_EQ(Audit(WriteFile(missing, "4"), plan).code(), StatusCode::kPolicyViolation);
}

// Records whether the wrapped stream was published or discarded.
class RecordingStream final : public OutputStream {
 public:
  RecordingStream(bool* closed, bool* aborted) : closed_(closed), aborted_(aborted) {}
  Status Write(std::string_view bytes) override {
    size_ += bytes.size();
    return Status::Ok();
  }
  Status Close() override {
    *closed_ = true;
    return Status::Ok();
  }
  void Abort() override { *aborted_ = true; }
  uint64_t position() const override { return size_; }

 private:
  bool* closed_;
  bool* aborted_;
  uint64_t size_ = 0;
};

TEST(PolicyAuditTest, AuditingStreamPublishesOnlyAuditedFiles) {
  ExportPlan plan = Plan();
  for (bool good : {true, false}) {
    Schema schema = plan.OutputSchema();
    if (!good) schema.fields.push_back({"note", DataType::String(), true});
    std::string file = WriteFile(schema, "4");
    bool closed = false;
    bool aborted = false;
    auto stream = AuditingStream(std::make_unique<RecordingStream>(&closed, &aborted), &plan);
    // Written in small pieces, as the writer does, so the tail is assembled across writes.
    for (size_t i = 0; i < file.size(); i += 7) {
      ASSERT_TRUE(stream->Write(std::string_view(file).substr(i, 7)).ok());
    }
    Status s = stream->Close();
    EXPECT_EQ(s.ok(), good) << s.ToString();
    EXPECT_EQ(closed, good);
    EXPECT_EQ(aborted, !good);
  }
}

TEST(PolicyAuditTest, UnreadableFooterFailsClosed) {
  ExportPlan plan = Plan();
  bool closed = false;
  bool aborted = false;
  auto stream = AuditingStream(std::make_unique<RecordingStream>(&closed, &aborted), &plan);
  ASSERT_TRUE(stream->Write("PAR1 not a parquet file").ok());
  Status s = stream->Close();
  EXPECT_EQ(s.code(), StatusCode::kPolicyViolation);
  EXPECT_FALSE(closed);
  EXPECT_TRUE(aborted);
}

}  // namespace
}  // namespace de
