// Shows a running export: a redrawn progress bar on a terminal, plain lines otherwise (so logs
// and CI output stay readable).
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

#include "export/on_demand.h"

namespace de {

// Writes to `out` (stderr in the CLI). Used from the exporting thread only.
class ProgressPrinter final : public ExportObserver {
 public:
  ProgressPrinter(std::FILE* out, bool interactive) : out_(out), interactive_(interactive) {}

  void OnTableStarted(const std::string& table, size_t index, size_t count) override;
  void OnRows(const std::string& table, uint64_t rows_read) override;
  void OnTableFinished(const TableExportResult& result) override;

 private:
  void Draw(uint64_t rows, bool force);

  std::FILE* out_;
  bool interactive_;
  std::string table_;
  size_t index_ = 0;
  size_t count_ = 1;
  std::chrono::steady_clock::time_point last_draw_{};
  std::chrono::steady_clock::time_point table_start_{};
};

// "1,234,567".
std::string WithThousands(uint64_t n);
// "12.3 MB".
std::string HumanBytes(uint64_t n);

}  // namespace de
