#include "cli/progress.h"

#include <fmt/format.h>

namespace de {

std::string WithThousands(uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string HumanBytes(uint64_t n) {
  static const char* kUnits[] = {"B", "kB", "MB", "GB", "TB"};
  double value = static_cast<double>(n);
  int unit = 0;
  while (value >= 1000 && unit < 4) {
    value /= 1000;
    ++unit;
  }
  return unit == 0 ? fmt::format("{} B", n) : fmt::format("{:.1f} {}", value, kUnits[unit]);
}

void ProgressPrinter::OnTableStarted(const std::string& table, size_t index, size_t count) {
  table_ = table;
  index_ = index;
  count_ = count;
  table_start_ = std::chrono::steady_clock::now();
  if (interactive_) {
    Draw(0, true);
  } else {
    fmt::print(out_, "[{}/{}] {}: exporting\n", index + 1, count, table);
    std::fflush(out_);
  }
}

void ProgressPrinter::OnRows(const std::string&, uint64_t rows_read) {
  if (interactive_) Draw(rows_read, false);
}

void ProgressPrinter::OnTableFinished(const TableExportResult& result) {
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - table_start_).count();
  std::string line =
      fmt::format("[{}/{}] {}: {} rows, {} file(s), {} in {:.1f} s", index_ + 1, count_,
                  result.table, WithThousands(result.rows_written), result.data_file_count(),
                  HumanBytes(result.bytes_written), seconds);
  if (interactive_) {
    fmt::print(out_, "\r\033[K{}\n", line);
  } else {
    fmt::print(out_, "{}\n", line);
  }
  std::fflush(out_);
}

void ProgressPrinter::Draw(uint64_t rows, bool force) {
  auto now = std::chrono::steady_clock::now();
  if (!force && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  constexpr int kWidth = 24;
  int filled = static_cast<int>(kWidth * index_ / (count_ == 0 ? 1 : count_));
  fmt::print(out_, "\r\033[K[{:#<{}}{:.<{}}] {}/{} {} {} rows", "", filled, "", kWidth - filled,
             index_ + 1, count_, table_, WithThousands(rows));
  std::fflush(out_);
}

}  // namespace de
