// The metadata store's schema as an ordered list of migrations, shared by every backend.
//
// Each statement is written in the common subset of SQLite and PostgreSQL (TEXT, INTEGER,
// BIGINT, DOUBLE PRECISION, BOOLEAN with TRUE/FALSE defaults, CHECK, composite PRIMARY KEY,
// REFERENCES ... ON DELETE CASCADE), one statement per string, so both backends apply the same
// list. A migration that cannot be written portably gets a per-dialect field here.
//
// Rules: never edit or reorder a released migration; add a new one with the next version.
// A backend applies each missing migration in its own transaction and records it in
// schema_migrations; it refuses a database whose version is newer than LatestSchemaVersion().
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace de {

struct Migration {
  int64_t version = 0;    // 1, 2, 3, ... without gaps
  std::string_view name;  // recorded in schema_migrations; must never change
  std::vector<std::string_view> statements;
};

// Creates the table that records applied migrations; safe to run on every open.
inline constexpr std::string_view kCreateSchemaMigrations =
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
    "name TEXT NOT NULL, applied_at TEXT NOT NULL)";

// Every migration, ordered by version.
const std::vector<Migration>& MetadataMigrations();

// The version of the last migration.
int64_t LatestSchemaVersion();

}  // namespace de
