#include "notify/log_notifier.h"

#include <algorithm>
#include <cstdint>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

namespace de {
namespace {

// " [env prod, trigger schedule, 158.9 s]"
std::string RunContext(const DailyRunSummary& summary) {
  int64_t micros = std::max<int64_t>(0, summary.finished_at - summary.started_at);
  int64_t tenths = (micros + 50'000) / 100'000;  // rounded half up, in integers
  return fmt::format(" [env {}, trigger {}{}, {}.{} s]", summary.env, summary.trigger,
                     summary.force ? ", forced" : "", tenths / 10, tenths % 10);
}

// "; failed: way: error; zone: error"
std::string FailedTables(const DailyRunSummary& summary) {
  std::string out;
  for (const auto& table : summary.tables) {
    if (table.status != "FAILED") continue;
    out += out.empty() ? "; failed: " : "; ";
    out +=
        fmt::format("{}: {}", table.table, table.error.empty() ? "no error recorded" : table.error);
  }
  return out;
}

}  // namespace

std::string DailyRunLogLine(const DailyRunSummary& summary) {
  std::string line =
      fmt::format("daily run {} {}: {} tables, {} completed ({} skipped), {} failed",
                  summary.run_date, DailyRunOutcomeName(summary.outcome), summary.tables.size(),
                  summary.completed_count(), summary.skipped_count(), summary.failed_count());
  line += RunContext(summary);
  line += FailedTables(summary);
  if (summary.classifications.status == "FAILED") {
    line += fmt::format("; classifications failed: {}", summary.classifications.error);
  }
  if (!summary.error.empty()) line += fmt::format("; run error: {}", summary.error);
  return line;
}

std::string UnclassifiedColumnsLogLine(const DailyRunSummary& summary) {
  std::string tables;
  for (const auto& table : summary.tables) {
    if (table.unclassified_columns.empty()) continue;
    if (!tables.empty()) tables += "; ";
    tables += fmt::format("{}: {}", table.table, fmt::join(table.unclassified_columns, ", "));
  }
  if (tables.empty()) return "";
  return fmt::format("daily run {}: unclassified columns were not exported: {}", summary.run_date,
                     tables);
}

Status LogNotifier::Notify(const DailyRunSummary& summary) {
  std::string line = DailyRunLogLine(summary);
  switch (summary.outcome) {
    case DailyRunOutcome::kSuccess:
      spdlog::info("{}", line);
      break;
    case DailyRunOutcome::kPartialSuccess:
      spdlog::warn("{}", line);
      break;
    case DailyRunOutcome::kFailed:
      spdlog::error("{}", line);
      break;
  }
  std::string unclassified = UnclassifiedColumnsLogLine(summary);
  if (!unclassified.empty()) spdlog::warn("{}", unclassified);
  return Status::Ok();
}

}  // namespace de
