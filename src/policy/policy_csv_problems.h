// Internal to policy_csv*.cc: the problem list that ReadPolicyCsv and ValidatePolicy turn into
// one kInvalidArgument.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "common/status.h"

namespace de::policy_csv_internal {

// The four policy files in the order problems are listed.
enum PolicyFile : int { kExportTablesFile, kColumnsFile, kSourcesFile, kMetricsFile };
inline constexpr int kPolicyFileCount = 4;

// "export_tables.csv", ... and "export_tables", ... for `file`.
const char* PolicyFileName(int file);
const char* PolicyTableName(int file);

// Problems in the order file, then position (a line, or a row index), then the order added.
class ProblemList {
 public:
  // At most this many are listed, then "... and N more".
  static constexpr size_t kMaxListed = 50;

  void Add(int file, int position, std::string message);
  bool empty() const { return problems_.empty(); }
  // OK when empty; else kInvalidArgument with one problem per line.
  Status ToStatus() const;

 private:
  struct Problem {
    int file = 0;
    int position = 0;
    std::string message;
  };
  std::vector<Problem> problems_;
};

}  // namespace de::policy_csv_internal
