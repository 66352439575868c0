// The daily-run part of the export API (DESIGN.md §4.1): resolvers of api/schema.graphql over
// daily_runs and table_export_job_statuses, and the admin mutation that reruns a day.
//
//   dailyRuns(limit)     newest day first; limit 1..1000, else BAD_USER_INPUT.
//   dailyRun(date)       the day's run or null; BAD_USER_INPUT for a date that is not
//                        "YYYY-MM-DD" naming a real calendar day.
//   DailyRun.tables      read from the metadata store only when the field is selected.
//   rerunDailyExport     admin only (FORBIDDEN before any argument is looked at), then
//                        DailyRunLauncher::Launch(date, table, force, "api"). Error codes:
//                        BAD_USER_INPUT (malformed date or empty table here; kInvalidArgument
//                        from Launch, e.g. a future date), NOT_FOUND (kNotFound: not an enabled
//                        export table), FAILED_PRECONDITION (kAlreadyExists: the day is running
//                        already; or kFailedPrecondition: the scheduler is stopping), UNAVAILABLE
//                        when ExportApiDeps::daily is null (this server runs no scheduler — as
//                        `catalog` answers without a warehouse).
//
// Enum values replace the stored '-' with '_' (PARTIAL-SUCCESS is PARTIAL_SUCCESS, IN-PROGRESS
// is IN_PROGRESS); statusName keeps the stored spelling. Timestamps are ISO 8601 UTC strings,
// null while unfinished; counts of rows and bytes are Float (Int is 32-bit).
#pragma once

#include "api/export_api.h"
#include "common/status.h"
#include "graphql/schema.h"

namespace de {

// Binds Query.dailyRuns, Query.dailyRun, Mutation.rerunDailyExport and DailyRun.tables of
// `schema` to `deps` (copied; its pointers must outlive the schema). Errors: BindResolver's
// (the SDL lacks one of these fields).
Status BindDailyRunResolvers(graphql::Schema& schema, const ExportApiDeps& deps);

}  // namespace de
