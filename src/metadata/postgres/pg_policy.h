// The four policy tables and policy_state of the PostgreSQL metadata store: SQL and the mapping
// between rows and the policy structs. Rows are read in byte order of their keys (COLLATE "C"),
// the order metadata::ValidateAndSort gives, so stored and wanted policies compare equal.
//
// Not thread-safe: `conn` is used by one thread at a time.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "metadata/metadata_store.h"

namespace de::metadata_pg {

Result<std::vector<ExportTable>> SelectExportTables(PGconn* conn);
// Rows of one table, or of every table when `table` is empty.
Result<std::vector<ColumnClassification>> SelectColumns(PGconn* conn, const std::string& table);
// policy_state's version; with `for_update`, the row stays locked until the transaction ends.
Result<int64_t> SelectPolicyVersion(PGconn* conn, bool for_update);
// All four tables and the version; consistent only inside a transaction.
Result<PolicySnapshot> SelectPolicy(PGconn* conn, bool lock_version);
// Replaces the tables of `stored` that differ in `next` and sets the version; the caller holds a
// transaction and the policy_state row lock.
Status WritePolicy(PGconn* conn, const PolicySnapshot& stored, const PolicySnapshot& next,
                   int64_t version);

}  // namespace de::metadata_pg
