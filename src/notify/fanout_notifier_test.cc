#include "notify/fanout_notifier.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "notify/file_notifier.h"
#include "notify/log_capture_for_test.h"

namespace de {
namespace {

TEST(FanoutNotifierTest, AFailureDoesNotStopTheNextNotifier) {
  std::string pattern = (std::filesystem::temp_directory_path() / "fanout_test_XXXXXX").string();
  ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
  std::string dir = pattern;
  std::ofstream(dir + "/blocker") << "x";
  std::string bad_path = dir + "/blocker/runs.jsonl";  // a file where a directory must be
  std::string good_path = dir + "/runs.jsonl";

  std::vector<std::unique_ptr<Notifier>> notifiers;
  notifiers.push_back(std::make_unique<FileNotifier>(bad_path));
  notifiers.push_back(std::make_unique<FileNotifier>(good_path));
  FanoutNotifier fanout(std::move(notifiers));
  EXPECT_EQ(fanout.name(), "fanout");
  EXPECT_EQ(fanout.size(), 2u);

  DailyRunSummary summary;
  summary.run_date = "2026-04-05";
  LogCapture capture;
  Status status = fanout.Notify(summary);
  EXPECT_TRUE(status.ok()) << status.ToString();

  std::ifstream in(good_path);
  std::string line;
  EXPECT_TRUE(std::getline(in, line));
  EXPECT_NE(line.find("\"run_date\":\"2026-04-05\""), std::string::npos) << line;
  std::string log = capture.text();
  EXPECT_EQ(log.rfind("warning daily run 2026-04-05: notifier file " + bad_path + " failed: ", 0),
            0u)
      << log;
  EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 1);

  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

TEST(FanoutNotifierTest, EmptyIsOk) {
  FanoutNotifier fanout({});
  EXPECT_TRUE(fanout.Notify(DailyRunSummary()).ok());
}

}  // namespace
}  // namespace de
