// LogNotifier: reports a daily run through the process logger (common/logging.h): one line with
// the outcome, the counts and each failed table's error, and a warning listing unclassified
// columns when there are any.
#pragma once

#include <string>

#include "export/daily_summary.h"

namespace de {

// The run's line, e.g.
//   daily run 2026-04-05 PARTIAL-SUCCESS: 3 tables, 2 completed (1 skipped), 1 failed
//   [env prod, trigger schedule, 158.9 s]; failed: way: UNAVAILABLE: connection lost
// followed, when they failed, by "; classifications failed: …" and "; run error: …".
std::string DailyRunLogLine(const DailyRunSummary& summary);

// "daily run 2026-04-05: unclassified columns were not exported: zone: a, b; way: c", or "" when
// no table has unclassified columns.
std::string UnclassifiedColumnsLogLine(const DailyRunSummary& summary);

// Logs at info for SUCCESS, warn for PARTIAL-SUCCESS and error for FAILED; the unclassified
// columns line at warn. Thread-safe (spdlog's default logger is). Never fails.
class LogNotifier final : public Notifier {
 public:
  std::string name() const override { return "log"; }
  Status Notify(const DailyRunSummary& summary) override;
};

}  // namespace de
