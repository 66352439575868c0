// Applying the shared metadata migrations (metadata/migrations.h) to a SQLite database.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "metadata/migrations.h"

namespace de::metadata_sqlite {

// Brings `db` to the last version of `migrations` (ordered by version): creates
// schema_migrations if missing, then applies each migration not yet recorded there in its own
// write transaction together with its schema_migrations row (version, name, applied_at as
// ISO-8601 UTC from `clock`). Safe against other processes migrating the same file at once.
// kFailedPrecondition, changing nothing, if the database records a version above the last one
// or a version whose name differs from ours; a failing statement rolls its migration back and
// returns the error with the migration named.
Status ApplyMigrations(sqlite3* db, const std::vector<Migration>& migrations, const Clock& clock);

// The highest version recorded in schema_migrations (0 if none).
Result<int64_t> AppliedSchemaVersion(sqlite3* db);

}  // namespace de::metadata_sqlite
