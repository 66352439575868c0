#include "notify/file_notifier.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace de {
namespace {

// A fresh directory under the system temp dir, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "notify_test_XXXXXX").string();
    path_ = ::mkdtemp(pattern.data()) != nullptr ? pattern : "";
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::vector<std::string> ReadLines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

DailyRunSummary Summary(const std::string& run_date, DailyRunOutcome outcome) {
  DailyRunSummary s;
  s.run_date = run_date;
  s.outcome = outcome;
  s.env = "test";
  DailyTableSummary t;
  t.table = "way";
  t.status = outcome == DailyRunOutcome::kSuccess ? "COMPLETED" : "FAILED";
  t.error = outcome == DailyRunOutcome::kSuccess ? "" : "bad byte \xff in\nerror";
  s.tables = {t};
  return s;
}

TEST(FileNotifierTest, AppendsOneJsonLinePerRun) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  std::string path = dir.path() + "/nested/deeper/runs.jsonl";  // parents are created
  FileNotifier notifier(path);
  EXPECT_EQ(notifier.name(), "file " + path);
  ASSERT_TRUE(notifier.Notify(Summary("2026-04-05", DailyRunOutcome::kSuccess)).ok());
  Status second = notifier.Notify(Summary("2026-04-06", DailyRunOutcome::kFailed));
  ASSERT_TRUE(second.ok()) << second.ToString();

  std::vector<std::string> lines = ReadLines(path);
  ASSERT_EQ(lines.size(), 2u);
  nlohmann::json first = nlohmann::json::parse(lines[0]);
  nlohmann::json next = nlohmann::json::parse(lines[1]);
  EXPECT_EQ(first["run_date"], "2026-04-05");
  EXPECT_EQ(first["status"], "SUCCESS");
  EXPECT_EQ(first["schema"], "data-exporter.daily-run/v1");
  EXPECT_EQ(next["run_date"], "2026-04-06");
  EXPECT_EQ(next["status"], "FAILED");
  // The newline in the error is escaped and the invalid byte replaced: still one line.
  EXPECT_EQ(next["tables"][0]["error"], "bad byte \xEF\xBF\xBD in\nerror");
}

TEST(FileNotifierTest, UnwritablePathIsNamedInTheError) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  // A regular file where a directory is needed: fails even for root.
  std::string blocker = dir.path() + "/blocker";
  std::ofstream(blocker) << "x";
  std::string path = blocker + "/sub/runs.jsonl";
  FileNotifier notifier(path);
  Status status = notifier.Notify(Summary("2026-04-05", DailyRunOutcome::kSuccess));
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("notification file " + path), std::string::npos)
      << status.ToString();

  std::filesystem::create_directory(dir.path() + "/dir");
  FileNotifier onto_directory(dir.path() + "/dir");  // the path itself is a directory
  status = onto_directory.Notify(Summary("2026-04-05", DailyRunOutcome::kSuccess));
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.message().rfind("notification file " + dir.path() + "/dir: open: ", 0), 0u)
      << status.ToString();
}

}  // namespace
}  // namespace de
