// ReadPolicyCsv and WritePolicyCsv; ValidatePolicy is tested in policy_csv_validate_test.cc.
#include "policy/policy_csv.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace de {
namespace {

namespace fs = std::filesystem;

constexpr const char* kExportHeader =
    "table_name,enabled,time_column,source_column,metric_column\n";
constexpr const char* kColumnHeader = "table_name,column_name,classification,treatment,pii\n";
constexpr const char* kSourceHeader = "source,classification\n";
constexpr const char* kMetricHeader = "table_name,metric_name,classification,treatment\n";

class PolicyCsvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "policy_csv_XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Write(const std::string& name, std::string_view content) {
    std::ofstream out(dir_ + "/" + name, std::ios::binary);
    out << content;
  }

  // A valid file set; tests overwrite one file to break it.
  void WriteValidFiles() {
    Write(kExportTablesCsv, std::string(kExportHeader) + "incident,true,reported_at,,\n");
    Write(kColumnClassificationCsv, std::string(kColumnHeader) + "incident,note,nr,,false\n");
    Write(kSourceClassificationCsv, std::string(kSourceHeader) + "FUSION,nr\n");
    Write(kMetricClassificationCsv, kMetricHeader);
  }

  // The error message of reading dir_; empty if it succeeded.
  std::string ReadError() {
    Result<PolicyCsv> read = ReadPolicyCsv(dir_);
    if (read.ok()) return "";
    EXPECT_EQ(read.status().code(), StatusCode::kInvalidArgument);
    return read.status().message();
  }

  std::string dir_;
};

TEST_F(PolicyCsvTest, ReadsAllFourFilesWithLines) {
  Write(kExportTablesCsv, std::string(kExportHeader) +
                              "incident,true,reported_at,,\n"
                              "way_metrics,FALSE,observed_at,source,metric_name\n"
                              "\n"
                              "cctv,Yes,observed_at,,\n");
  Write(kColumnClassificationCsv, std::string(kColumnHeader) +
                                      "incident,reporter_name,de,,1\n"
                                      "incident,description,hwc,scrub,yes\n"
                                      "incident,note,nr,,No\n");
  Write(kSourceClassificationCsv, std::string(kSourceHeader) + "FUSION,nr\nHERE,de\n");
  Write(
      kMetricClassificationCsv,
      std::string(kMetricHeader) + "way_metrics,speed,nr,\nway_metrics,travel_time,hwc,round:0\n");
  Result<PolicyCsv> read = ReadPolicyCsv(dir_);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  const PolicySnapshot& p = read->policy;
  EXPECT_EQ(p.version, 0);
  ASSERT_EQ(p.export_tables.size(), 3u);
  EXPECT_EQ(p.export_tables[0], (ExportTable{"incident", true, "reported_at", "", ""}));
  EXPECT_EQ(p.export_tables[1],
            (ExportTable{"way_metrics", false, "observed_at", "source", "metric_name"}));
  EXPECT_EQ(p.export_tables[2], (ExportTable{"cctv", true, "observed_at", "", ""}));
  EXPECT_EQ(read->export_table_lines, (std::vector<int>{2, 3, 5}));
  ASSERT_EQ(p.columns.size(), 3u);
  EXPECT_EQ(p.columns[0], (ColumnClassification{"incident", "reporter_name", "de", "", true}));
  EXPECT_EQ(p.columns[1], (ColumnClassification{"incident", "description", "hwc", "scrub", true}));
  EXPECT_EQ(p.columns[2], (ColumnClassification{"incident", "note", "nr", "", false}));
  EXPECT_EQ(read->column_lines, (std::vector<int>{2, 3, 4}));
  EXPECT_EQ(p.sources, (std::vector<SourceClassification>{{"FUSION", "nr"}, {"HERE", "de"}}));
  EXPECT_EQ(read->source_lines, (std::vector<int>{2, 3}));
  EXPECT_EQ(p.metrics,
            (std::vector<MetricClassification>{{"way_metrics", "speed", "nr", ""},
                                               {"way_metrics", "travel_time", "hwc", "round:0"}}));
  EXPECT_EQ(read->metric_lines, (std::vector<int>{2, 3}));
}

TEST_F(PolicyCsvTest, MissingFiles) {
  Write(kColumnClassificationCsv, kColumnHeader);
  Write(kSourceClassificationCsv, kSourceHeader);
  EXPECT_EQ(ReadError(),
            "export_tables.csv: missing (the policy directory must hold all four files)\n"
            "long_table_data_classifications.csv: missing (the policy directory must hold all "
            "four files)");
}

TEST_F(PolicyCsvTest, MissingDirectoryListsAllFourFiles) {
  Result<PolicyCsv> read = ReadPolicyCsv(dir_ + "/nope");
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(std::count(read.status().message().begin(), read.status().message().end(), '\n'), 3);
}

TEST_F(PolicyCsvTest, UnreadableFile) {
  WriteValidFiles();
  fs::remove(dir_ + "/" + kExportTablesCsv);
  fs::create_directory(dir_ + "/" + kExportTablesCsv);  // read() fails with EISDIR
  EXPECT_TRUE(ReadError().starts_with("export_tables.csv: cannot read: ")) << ReadError();
}

TEST_F(PolicyCsvTest, WrongHeaderNamesTheExpectedOne) {
  WriteValidFiles();
  Write(kExportTablesCsv, "table_name,enabled,time_column\nincident,true,reported_at\n");
  EXPECT_EQ(ReadError(),
            "export_tables.csv:1: wrong header 'table_name,enabled,time_column'; expected "
            "'table_name,enabled,time_column,source_column,metric_column'");
}

TEST_F(PolicyCsvTest, HeaderIsCaseSensitiveAndFieldExact) {
  WriteValidFiles();
  Write(kSourceClassificationCsv, "Source,classification\n");
  EXPECT_EQ(ReadError(),
            "actual_data_classifications.csv:1: wrong header 'Source,classification'; expected "
            "'source,classification'");
  // One quoted field that happens to spell the header is not the header.
  Write(kSourceClassificationCsv, "\"source,classification\"\n");
  EXPECT_EQ(ReadError(),
            "actual_data_classifications.csv:1: wrong header '\"source,classification\"'; "
            "expected 'source,classification'");
}

TEST_F(PolicyCsvTest, EmptyFile) {
  WriteValidFiles();
  Write(kSourceClassificationCsv, "\n\n");
  EXPECT_EQ(ReadError(),
            "actual_data_classifications.csv:1: empty file; expected the header "
            "'source,classification'");
}

TEST_F(PolicyCsvTest, WrongFieldCount) {
  WriteValidFiles();
  Write(kColumnClassificationCsv,
        std::string(kColumnHeader) + "incident,note,nr,,false\nincident,other,nr,false\n");
  EXPECT_EQ(ReadError(), "data_column_classification.csv:3: 4 fields, expected 5");
}

TEST_F(PolicyCsvTest, UnterminatedQuoteNamesTheLineItStartsOn) {
  WriteValidFiles();
  Write(kMetricClassificationCsv,
        std::string(kMetricHeader) + "way,speed,nr,\nway,\"travel\ntime,hwc,round:0\n\n");
  EXPECT_EQ(ReadError(), "long_table_data_classifications.csv:3: unterminated quoted field 2");
}

TEST_F(PolicyCsvTest, StrayQuote) {
  WriteValidFiles();
  Write(kSourceClassificationCsv, std::string(kSourceHeader) + "\"HERE\"x,de\n");
  EXPECT_EQ(ReadError(),
            "actual_data_classifications.csv:2: text after the closing quote of field 1");
}

TEST_F(PolicyCsvTest, BadBooleans) {
  WriteValidFiles();
  Write(kExportTablesCsv, std::string(kExportHeader) + "incident,maybe,reported_at,,\n");
  Write(kColumnClassificationCsv, std::string(kColumnHeader) + "incident,note,nr,,\n");
  EXPECT_EQ(ReadError(),
            "export_tables.csv:2: enabled must be true or false (or 1/0, yes/no), not 'maybe'\n"
            "data_column_classification.csv:2: pii must be true or false (or 1/0, yes/no), not "
            "''");
}

TEST_F(PolicyCsvTest, NulByte) {
  WriteValidFiles();
  Write(kSourceClassificationCsv,
        std::string(kSourceHeader) + "FUSION,nr\n" + std::string("HE\0RE,de\n", 9));
  EXPECT_EQ(ReadError(),
            "actual_data_classifications.csv:3: NUL byte (the file must be UTF-8 text)");
}

TEST_F(PolicyCsvTest, InvalidUtf8) {
  WriteValidFiles();
  Write(kSourceClassificationCsv, std::string(kSourceHeader) + "M\xFCller,nr\n");
  EXPECT_EQ(ReadError(),
            "actual_data_classifications.csv:2: invalid UTF-8 (the file must be UTF-8 text)");
}

TEST_F(PolicyCsvTest, EveryProblemListedByFileThenLine) {
  // Written in reverse file order; listed in the order of the four files, then by line.
  Write(kMetricClassificationCsv, "table_name,metric\n");
  Write(kSourceClassificationCsv, std::string(kSourceHeader) + "A,nr,extra\nB,de\nC\n");
  Write(kColumnClassificationCsv, std::string(kColumnHeader) + "t,c,nr,,nope\nt,d,nr,,true\n");
  EXPECT_EQ(ReadError(),
            "export_tables.csv: missing (the policy directory must hold all four files)\n"
            "data_column_classification.csv:2: pii must be true or false (or 1/0, yes/no), not "
            "'nope'\n"
            "actual_data_classifications.csv:2: 3 fields, expected 2\n"
            "actual_data_classifications.csv:4: 1 fields, expected 2\n"
            "long_table_data_classifications.csv:1: wrong header 'table_name,metric'; expected "
            "'table_name,metric_name,classification,treatment'");
}

TEST_F(PolicyCsvTest, AtMostFiftyProblems) {
  WriteValidFiles();
  std::string rows = kSourceHeader;
  for (int i = 0; i < 60; ++i) rows += "S,nr,x\n";
  Write(kSourceClassificationCsv, rows);
  std::string error = ReadError();
  EXPECT_EQ(std::count(error.begin(), error.end(), '\n'), 50);
  EXPECT_TRUE(error.starts_with("actual_data_classifications.csv:2: 3 fields, expected 2\n"));
  EXPECT_NE(error.find("actual_data_classifications.csv:51: 3 fields"), std::string::npos);
  EXPECT_EQ(error.find("actual_data_classifications.csv:52:"), std::string::npos);
  EXPECT_TRUE(error.ends_with("\n... and 10 more")) << error;
}

TEST_F(PolicyCsvTest, BomAndCrlfAccepted) {
  WriteValidFiles();
  Write(kExportTablesCsv,
        "\xEF\xBB\xBFtable_name,enabled,time_column,source_column,metric_column\r\n"
        "incident,true,reported_at,,\r\n"
        "\r\n"
        "way,false,observed_at,source,\r\n");
  Result<PolicyCsv> read = ReadPolicyCsv(dir_);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->policy.export_tables,
            (std::vector<ExportTable>{{"incident", true, "reported_at", "", ""},
                                      {"way", false, "observed_at", "source", ""}}));
  EXPECT_EQ(read->export_table_lines, (std::vector<int>{2, 4}));
}

TEST_F(PolicyCsvTest, QuotedFieldSpanningLinesKeepsTheStartLine) {
  WriteValidFiles();
  Write(kColumnClassificationCsv, std::string(kColumnHeader) +
                                      "\"in\ncident\",note,nr,,false\n"
                                      "incident,other,nr,,false\n");
  Result<PolicyCsv> read = ReadPolicyCsv(dir_);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->policy.columns[0].table_name, "in\ncident");
  EXPECT_EQ(read->column_lines, (std::vector<int>{2, 4}));
}

PolicySnapshot TrickyPolicy() {
  PolicySnapshot p;
  p.version = 9;
  p.export_tables = {{"incident", true, "reported_at", "", ""},
                     {"way, \"long\"", false, "observed_at", "source", "metric\nname"}};
  p.columns = {{"incident", "note", "hwc", "mask:4", true},
               {"incident", "caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC", "nr", "", false},
               {"incident", "crlf\r\ncol", "de", "", false}};
  p.sources = {{"FUSION", "nr"}, {"HERE,\"EU\"", "de"}, {" spaced ", "hwc"}};
  p.metrics = {{"way", "speed", "nr", ""}, {"way", "travel,time", "hwc", "round:0"}};
  return p;
}

TEST_F(PolicyCsvTest, RoundTrip) {
  PolicySnapshot policy = TrickyPolicy();
  ASSERT_TRUE(WritePolicyCsv(policy, dir_).ok());
  Result<PolicyCsv> read = ReadPolicyCsv(dir_);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_TRUE(read->policy.SameRules(policy));
  EXPECT_EQ(read->policy.columns, policy.columns);
  EXPECT_EQ(read->policy.export_tables, policy.export_tables);
  EXPECT_EQ(read->export_table_lines, (std::vector<int>{2, 3}));
  EXPECT_EQ(read->metric_lines, (std::vector<int>{2, 3}));

  std::ifstream sources(dir_ + "/" + kSourceClassificationCsv, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(sources)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "source,classification\nFUSION,nr\n\"HERE,\"\"EU\"\"\",de\n spaced ,hwc\n");

  // Only the four files: no temporary file is left behind.
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir_)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{kSourceClassificationCsv, kColumnClassificationCsv,
                                             kExportTablesCsv, kMetricClassificationCsv}));
}

TEST_F(PolicyCsvTest, WriteCreatesTheDirectoryAndReplacesFiles) {
  std::string nested = dir_ + "/a/b";
  ASSERT_TRUE(WritePolicyCsv(TrickyPolicy(), nested).ok());
  PolicySnapshot empty;
  ASSERT_TRUE(WritePolicyCsv(empty, nested).ok());
  Result<PolicyCsv> read = ReadPolicyCsv(nested);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_TRUE(read->policy.SameRules(empty));
  std::ifstream metrics(nested + "/" + kMetricClassificationCsv, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(metrics)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, kMetricHeader);
}

TEST_F(PolicyCsvTest, WriteRefusesFieldsThatCannotBeReadBack) {
  PolicySnapshot policy;
  policy.sources = {{std::string("A\0B", 3), "nr"}};
  Status status = WritePolicyCsv(policy, dir_ + "/out");
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "cannot write actual_data_classifications.csv: a field holds a NUL byte");
  EXPECT_FALSE(fs::exists(dir_ + "/out"));
}

}  // namespace
}  // namespace de
