#include "api/daily_api.h"

#include <any>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api/auth.h"
#include "api/resolver_binding.h"
#include "export/daily_export.h"
#include "export/layout.h"

namespace de {
namespace {

using graphql::Json;
using graphql::ResolveInfo;

constexpr int kDefaultDailyRunsLimit = 20;  // the SDL's default of dailyRuns(limit)
constexpr int kMaxDailyRunsLimit = 1'000;
constexpr size_t kMaxShownChars = 64;

// `text` quoted for an error message: at most 64 bytes of it, cut at a UTF-8 character boundary.
std::string Quoted(const std::string& text) {
  if (text.size() <= kMaxShownChars) return "\"" + text + "\"";
  size_t end = kMaxShownChars;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return "\"" + text.substr(0, end) + "...\"";
}

// The GraphQL enum value of a stored status: '-' becomes '_' ("PARTIAL-SUCCESS" ->
// "PARTIAL_SUCCESS").
std::string EnumValue(std::string_view stored) {
  std::string value(stored);
  for (char& c : value) {
    if (c == '-') c = '_';
  }
  return value;
}

Json NullIfEmpty(const std::string& text) { return text.empty() ? Json(nullptr) : Json(text); }

// ISO 8601 UTC of an epoch-microseconds timestamp; null when 0 (not recorded yet).
Json TimestampOrNull(int64_t micros) {
  return micros == 0 ? Json(nullptr) : Json(UtcIso8601(micros / 1'000'000));
}

Json DailyRunJson(const DailyRun& run) {
  return Json{{"date", run.run_date},
              {"status", EnumValue(DailyRunStateName(run.state))},
              {"statusName", DailyRunStateName(run.state)},
              {"trigger", run.trigger},
              {"startTime", run.start_time},
              {"endTime", run.end_time},
              {"startedAt", UtcIso8601(run.started_at / 1'000'000)},
              {"finishedAt", TimestampOrNull(run.finished_at)},
              {"policyVersion", run.policy_version},
              {"tablesTotal", run.tables_total},
              {"tablesCompleted", run.tables_completed},
              {"tablesFailed", run.tables_failed},
              {"error", NullIfEmpty(run.error)}};
}

Json TableJobJson(const TableJobStatus& job) {
  return Json{{"table", job.table_name},
              {"status", EnumValue(JobStateName(job.state))},
              {"statusName", JobStateName(job.state)},
              {"attempt", job.attempt},
              {"startedAt", UtcIso8601(job.started_at / 1'000'000)},
              {"finishedAt", TimestampOrNull(job.finished_at)},
              {"rowsRead", static_cast<double>(job.rows_read)},
              {"rowsDroppedByPolicy", static_cast<double>(job.rows_dropped_by_policy)},
              {"rowsWritten", static_cast<double>(job.rows_written)},
              {"bytesWritten", static_cast<double>(job.bytes_written)},
              {"files", static_cast<int64_t>(job.files)},
              {"error", NullIfEmpty(job.error)},
              {"unclassifiedColumns", job.unclassified_columns}};
}

// The `date` argument, checked: kInvalidArgument naming it unless it is "YYYY-MM-DD" naming a
// real calendar day.
Result<std::string> DateArg(const ResolveInfo& info) {
  const std::string& date = info.args.at("date").get_ref<const std::string&>();
  if (!IsIsoDate(date)) {
    return InvalidArgument("date {} is not a calendar day as YYYY-MM-DD", Quoted(date));
  }
  return date;
}

// --- dailyRuns, dailyRun, DailyRun.tables ---

Result<Json> DailyRuns(const ExportApiDeps& deps, const ResolveInfo& info) {
  int limit = kDefaultDailyRunsLimit;
  if (auto it = info.args.find("limit"); it != info.args.end() && !it->is_null()) {
    limit = it->get<int>();
  }
  if (limit < 1 || limit > kMaxDailyRunsLimit) {
    return InvalidArgument("limit must be 1 to {}, got {}", kMaxDailyRunsLimit, limit);
  }
  ASSIGN_OR_RETURN(std::vector<DailyRun> runs, deps.metadata->ListDailyRuns(limit));
  Json out = Json::array();
  for (const DailyRun& run : runs) out.push_back(DailyRunJson(run));
  return out;
}

Result<Json> OneDailyRun(const ExportApiDeps& deps, const ResolveInfo& info) {
  ASSIGN_OR_RETURN(std::string date, DateArg(info));
  ASSIGN_OR_RETURN(std::optional<DailyRun> run, deps.metadata->GetDailyRun(date));
  return run ? DailyRunJson(*run) : Json(nullptr);
}

Result<Json> DailyRunTables(const ExportApiDeps& deps, const ResolveInfo& info) {
  const std::string& date = info.parent.at("date").get_ref<const std::string&>();
  ASSIGN_OR_RETURN(std::vector<TableJobStatus> jobs, deps.metadata->ListTableJobs(date));
  Json out = Json::array();
  for (const TableJobStatus& job : jobs) out.push_back(TableJobJson(job));
  return out;
}

// --- rerunDailyExport ---

// Launch's refusal as the caller should see it: a day that is running already is a state of the
// service, not an internal error.
Status LaunchError(const Status& status) {
  if (status.code() == StatusCode::kAlreadyExists) {
    return FailedPrecondition("{}", status.message());
  }
  return status;
}

Result<Json> RerunDailyExport(const ExportApiDeps& deps, const ResolveInfo& info) {
  if (!IsAdminCaller(info)) return PermissionDenied("rerunDailyExport needs an admin token");
  ASSIGN_OR_RETURN(std::string date, DateArg(info));
  std::optional<std::string> table;
  if (auto it = info.args.find("table"); it != info.args.end() && !it->is_null()) {
    table = it->get<std::string>();
    if (table->empty()) return InvalidArgument("table must not be empty (null means all tables)");
  }
  bool force = false;
  if (auto it = info.args.find("force"); it != info.args.end() && !it->is_null()) {
    force = it->get<bool>();
  }
  if (deps.daily == nullptr) {
    return Unavailable("daily runs cannot be started here: this server runs no scheduler");
  }
  Result<DailyRun> run = deps.daily->Launch(date, table, force, "api");
  if (!run.ok()) return LaunchError(run.status());
  return DailyRunJson(*run);
}

constexpr ResolverBinding kBindings[] = {
    {"Query", "dailyRuns", DailyRuns},
    {"Query", "dailyRun", OneDailyRun},
    {"Mutation", "rerunDailyExport", RerunDailyExport},
    {"DailyRun", "tables", DailyRunTables},
};

}  // namespace

Status BindDailyRunResolvers(graphql::Schema& schema, const ExportApiDeps& deps) {
  return BindResolvers(schema, deps, kBindings);
}

}  // namespace de
