// The outcome of one daily run (DESIGN.md §1, config-driven export) and the Notifier interface
// that reports it. The JSON form (DailyRunSummaryJson) is the notification payload every
// notifier sends: the log line, the JSON file sink, webhooks and (with the S3 issue) SNS, whose
// subject is the status name and whose message is the JSON.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace de {

// Overall result of a run: SUCCESS (every table completed), FAILED (none did), PARTIAL-SUCCESS.
enum class DailyRunOutcome { kSuccess, kPartialSuccess, kFailed };
std::string_view DailyRunOutcomeName(DailyRunOutcome outcome);  // "SUCCESS", ...

struct DailyTableSummary {
  std::string table;
  std::string status;    // "COMPLETED" | "FAILED"
  bool skipped = false;  // already COMPLETED for this day; not exported again (no --force)
  int attempts = 0;      // attempts made by this run (0 when skipped)
  uint64_t rows_read = 0;
  uint64_t rows_dropped_by_policy = 0;
  uint64_t rows_written = 0;
  uint64_t bytes_written = 0;
  uint64_t files = 0;
  std::string prefix;  // "{prefix}/{env}/YYYY/MM/DD/{table}/"
  std::string error;   // empty unless FAILED
  std::vector<std::string> unclassified_columns;
};

struct DailyClassificationsSummary {
  std::string status = "COMPLETED";  // "COMPLETED" | "FAILED"
  bool skipped = false;              // every file was already there (no --force)
  std::vector<std::string> keys;     // ".../classifications/{table}.parquet"
  std::string error;
};

struct DailyRunSummary {
  std::string run_date;  // "YYYY-MM-DD", the local calendar day exported
  DailyRunOutcome outcome = DailyRunOutcome::kFailed;
  std::string env;
  std::string time_zone;   // the schedule's zone the day is local to
  int64_t start_time = 0;  // epoch seconds, UTC bounds of the day [start_time, end_time)
  int64_t end_time = 0;
  std::string trigger;  // "schedule" | "catch-up" | "cli" | "api"
  bool force = false;
  int64_t started_at = 0;   // epoch microseconds
  int64_t finished_at = 0;  // epoch microseconds
  int64_t policy_version = 0;
  std::vector<DailyTableSummary> tables;  // ordered by table name
  DailyClassificationsSummary classifications;
  std::string error;  // run-level error (e.g. the policy could not be loaded); empty otherwise

  size_t completed_count() const;
  size_t failed_count() const;
  size_t skipped_count() const;
};

// The payload (README "Notification payload"):
// {"schema":"data-exporter.daily-run/v1","status":"PARTIAL-SUCCESS","run_date":"2026-04-05",
//  "env":..,"time_zone":..,"range":{"start":..,"end":..,"start_utc":"..Z","end_utc":"..Z"},
//  "trigger":..,"force":false,"started_at":"..Z","finished_at":"..Z","policy_version":N,
//  "counts":{"tables":N,"completed":N,"failed":N,"skipped":N},
//  "tables":[{"table":..,"status":..,"skipped":..,"attempts":..,"rows_read":..,
//             "rows_dropped_by_policy":..,"rows_written":..,"bytes_written":..,"files":..,
//             "prefix":..,"error":null|"..","unclassified_columns":[..]}],
//  "classifications":{"status":..,"skipped":..,"files":[..],"error":null|".."},
//  "unclassified_columns":{"table":[..]},   (only tables that have some)
//  "error":null|".."}
nlohmann::json DailyRunSummaryJson(const DailyRunSummary& summary);

// Tells someone how a daily run went. Implementations: notify/ (log, JSON file, webhook, SNS).
// Thread-safe: Notify may be called from any thread.
class Notifier {
 public:
  virtual ~Notifier() = default;
  // Short name for logs: "log", "file", "webhook https://…", "sns arn:…".
  virtual std::string name() const = 0;
  // Delivers the summary, retrying as the backend sees fit, within a bounded time. An error
  // means it was given up on; callers log it and never fail the run because of it.
  virtual Status Notify(const DailyRunSummary& summary) = 0;
};

}  // namespace de
