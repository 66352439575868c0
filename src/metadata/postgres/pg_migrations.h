// Applying the shared metadata migrations (metadata/migrations.h) to a PostgreSQL database.
//
// Several processes may open the store at once: every step runs in a transaction that first
// takes pg_advisory_xact_lock(kMigrationLockKey), so one process migrates while the others wait
// and then find the work done.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "metadata/migrations.h"

namespace de::metadata_pg {

// The advisory lock key every migration transaction takes: AdvisoryKey("data-exporter/migrate").
int64_t MigrationLockKey();

// Brings the database to the last version of `migrations` (ordered by version): creates
// schema_migrations if missing, then applies each migration not yet recorded there in its own
// transaction together with its schema_migrations row (version, name, applied_at as ISO-8601 UTC
// from `clock`). kFailedPrecondition, changing nothing, if the database records a version above
// the last one or a version whose name differs from ours; a failing statement rolls its
// migration back and returns the error with the migration named.
Status ApplyMigrations(PGconn* conn, const std::vector<Migration>& migrations, const Clock& clock);

// The highest version recorded in schema_migrations (0 if none).
Result<int64_t> AppliedSchemaVersion(PGconn* conn);

}  // namespace de::metadata_pg
