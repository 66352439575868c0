// The daily-run tables of the PostgreSQL metadata store (daily_runs, table_export_job_statuses):
// SQL and the mapping between rows and DailyRun / TableJobStatus, with the same input checks
// and messages as the SQLite store (metadata/sqlite/sqlite_daily_runs.h).
//
// Not thread-safe: `conn` is used by one thread at a time (a pooled connection on loan).
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "metadata/metadata_store.h"

namespace de::metadata_pg {

// Every function checks its input first and touches nothing when it is bad: kInvalidArgument
// naming the field for a run_date, `from` or `to` that is not IsIsoDate() and for an empty table
// name. Rows whose status (or unclassified_columns) this program cannot read are kDataLoss
// naming the row.

// INSERT ... ON CONFLICT (run_date) DO UPDATE: every column is replaced.
Status UpsertDailyRun(PGconn* conn, const DailyRun& run);
Result<std::optional<DailyRun>> SelectDailyRun(PGconn* conn, const std::string& run_date);
// Newest run_date first, at most `limit`; kInvalidArgument for a negative limit.
Result<std::vector<DailyRun>> SelectDailyRuns(PGconn* conn, int limit);
Result<std::vector<DailyRun>> SelectDailyRunsBetween(PGconn* conn, const std::string& from,
                                                     const std::string& to);

// INSERT ... ON CONFLICT (run_date, table_name) DO UPDATE: every column is replaced.
Status UpsertTableJob(PGconn* conn, const TableJobStatus& job);
Result<std::optional<TableJobStatus>> SelectTableJob(PGconn* conn, const std::string& run_date,
                                                     const std::string& table);
// Ordered by table_name in byte order (COLLATE "C").
Result<std::vector<TableJobStatus>> SelectTableJobs(PGconn* conn, const std::string& run_date);

// MetadataStore::ClaimTableJob in one transaction: INSERT ... ON CONFLICT DO NOTHING, then
// SELECT ... FOR UPDATE SKIP LOCKED (a row locked by another claimer is kAlreadyExists "busy"),
// the lease check and the UPDATE. `now` is the store's clock.
Result<std::optional<TableJobStatus>> ClaimTableJob(PGconn* conn, const std::string& run_date,
                                                    const std::string& table,
                                                    const std::string& owner, int64_t lease_micros,
                                                    int64_t now);
Status RenewTableJobLease(PGconn* conn, const std::string& run_date, const std::string& table,
                          const std::string& owner, int64_t lease_micros, int64_t now);

}  // namespace de::metadata_pg
