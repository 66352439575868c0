// The daily run from the command line and for `serve`: the schedule, notifiers and
// DailyExporter built from config (one place), and `data-exporter run-daily`.
#pragma once

#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "cli/services.h"
#include "export/daily_export.h"
#include "export/export_slots.h"
#include "scheduler/cron.h"
#include "scheduler/daily_scheduler.h"

namespace de {

// Exit codes of run-daily beyond commands.h's, so a CronJob can alert on them:
// SUCCESS = kExitOk (0), FAILED = kExitFailed (1), PARTIAL-SUCCESS = kExitPartial.
inline constexpr int kExitPartial = 4;
int ExitCodeForOutcome(DailyRunOutcome outcome);

// What a daily run needs, built from config over `services`. Owns its pieces.
struct DailyStack {
  TimeZone zone;
  std::optional<CronSchedule> schedule;  // none when schedule.cron = "off"
  std::unique_ptr<Notifier> notifier;    // log + file + webhooks, fanned out
  std::unique_ptr<DailyExporter> exporter;
  std::unique_ptr<DailyScheduler> scheduler;  // only with a schedule; not started
};

// kInvalidArgument naming the key for a bad cron, time zone, webhook option or secret file.
// `slots` (the shared MAX_CONCURRENCY_LIMIT) must outlive the stack.
Result<DailyStack> BuildDailyStack(const Services& services, ExportSlots* slots);

struct RunDailyArgs {
  std::string date;  // YYYY-MM-DD; empty = yesterday in schedule.time_zone
  std::string table;
  bool force = false;
};

// `data-exporter run-daily`: one run, progress per table on stderr (bars on a terminal), the
// per-table summary on stdout; returns the exit code.
int RunDaily(const Config& config, const RunDailyArgs& args);

// Prints the per-table summary of a finished run.
void PrintDailySummary(const DailyRunSummary& summary, const std::string& day_directory,
                       std::FILE* out);

}  // namespace de
