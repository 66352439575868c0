// The daily-run tables of the SQLite metadata store (daily_runs, table_export_job_statuses,
// created by migration 5): input checks, SQL and the mapping between rows and DailyRun /
// TableJobStatus. SqliteMetadataStore calls these while it holds its connection's mutex.
//
// Not thread-safe: `db` must be used by one thread at a time (the caller's lock).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "metadata/metadata_store.h"

namespace de::metadata_sqlite {

// Every function below checks its input first and touches nothing when it is bad:
// kInvalidArgument naming the field for a run_date, `from` or `to` that is not IsIsoDate() and
// for an empty table name. Rows whose status (or unclassified_columns) this program cannot read
// are kDataLoss naming the row.

// Inserts `run`, or replaces every column of the row with its run_date.
Status UpsertDailyRun(sqlite3* db, const DailyRun& run);
Result<std::optional<DailyRun>> SelectDailyRun(sqlite3* db, const std::string& run_date);
// Newest run_date first, at most `limit`; kInvalidArgument for a negative limit.
Result<std::vector<DailyRun>> SelectDailyRuns(sqlite3* db, int limit);
// run_date in [from, to], oldest first; empty when from > to.
Result<std::vector<DailyRun>> SelectDailyRunsBetween(sqlite3* db, const std::string& from,
                                                     const std::string& to);

// Inserts `job`, or replaces every column of its (run_date, table_name) row. unclassified_columns
// is stored as a JSON array of strings; kInvalidArgument if a name is not valid UTF-8.
Status UpsertTableJob(sqlite3* db, const TableJobStatus& job);
Result<std::optional<TableJobStatus>> SelectTableJob(sqlite3* db, const std::string& run_date,
                                                     const std::string& table);
// The jobs of one run, ordered by table_name (byte order).
Result<std::vector<TableJobStatus>> SelectTableJobs(sqlite3* db, const std::string& run_date);

// Table job leases (MetadataStore::ClaimTableJob / RenewTableJobLease), each in its own BEGIN
// IMMEDIATE transaction; `now` is the store's clock. Also kInvalidArgument for an empty owner or
// lease_micros <= 0.
Result<std::optional<TableJobStatus>> ClaimTableJob(sqlite3* db, const std::string& run_date,
                                                    const std::string& table,
                                                    const std::string& owner, int64_t lease_micros,
                                                    int64_t now);
Status RenewTableJobLease(sqlite3* db, const std::string& run_date, const std::string& table,
                          const std::string& owner, int64_t lease_micros, int64_t now);

}  // namespace de::metadata_sqlite
