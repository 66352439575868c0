#include "metadata/postgres/pg_migrations.h"

#include <memory>
#include <string>

#include "metadata/postgres/pg_statements.h"
#include "metadata/store_contract.h"

namespace de::metadata_pg {
namespace {

// Starts a transaction holding the migration lock until it ends.
Result<std::unique_ptr<Transaction>> BeginLocked(PGconn* conn) {
  ASSIGN_OR_RETURN(std::unique_ptr<Transaction> transaction, Transaction::Begin(conn));
  ASSIGN_OR_RETURN(pg::PgResult locked,
                   Run(conn, "SELECT pg_advisory_xact_lock($1::bigint)",
                       {Param(MigrationLockKey())}, PGRES_TUPLES_OK, "taking the migration lock"));
  return transaction;
}

Status CheckHistory(PGconn* conn, const std::vector<Migration>& migrations) {
  int64_t latest = migrations.empty() ? 0 : migrations.back().version;
  ASSIGN_OR_RETURN(pg::PgResult history,
                   Run(conn, "SELECT version, name FROM schema_migrations ORDER BY version", {},
                       PGRES_TUPLES_OK, "reading schema_migrations"));
  for (int row = 0; row < PQntuples(history.get()); ++row) {
    ASSIGN_OR_RETURN(int64_t version, CellInt(history.get(), row, 0, "schema_migrations.version"));
    std::string name = CellText(history.get(), row, 1);
    if (version > latest) {
      return FailedPrecondition(
          "the metadata database has schema version {}, newer than the {} this program knows; "
          "run a newer data-exporter",
          version, latest);
    }
    for (const Migration& m : migrations) {
      if (m.version == version && m.name != name) {
        return FailedPrecondition(
            "metadata schema version {} was applied as '{}', but this program knows it as '{}'",
            version, name, m.name);
      }
    }
  }
  return Status::Ok();
}

Result<bool> IsApplied(PGconn* conn, int64_t version) {
  ASSIGN_OR_RETURN(pg::PgResult found,
                   Run(conn, "SELECT 1 FROM schema_migrations WHERE version = $1::bigint",
                       {Param(version)}, PGRES_TUPLES_OK, "reading schema_migrations"));
  return PQntuples(found.get()) > 0;
}

Status Apply(PGconn* conn, const Migration& migration, const Clock& clock) {
  ASSIGN_OR_RETURN(std::unique_ptr<Transaction> transaction, BeginLocked(conn));
  ASSIGN_OR_RETURN(bool applied, IsApplied(conn, migration.version));
  if (applied) return Status::Ok();  // another process was faster; roll back the empty txn
  std::string context =
      fmt::format("metadata migration {} ({})", migration.version, migration.name);
  for (std::string_view sql : migration.statements) {
    RETURN_IF_ERROR(RunCommand(conn, sql, {}, context));
  }
  RETURN_IF_ERROR(RunCommand(
      conn,
      "INSERT INTO schema_migrations (version, name, applied_at) VALUES "
      "($1::integer, $2, $3)",
      {Param(migration.version), std::string(migration.name), metadata::IsoUtc(clock.NowMicros())},
      context));
  return transaction->Commit();
}

}  // namespace

int64_t MigrationLockKey() { return AdvisoryKey("data-exporter/migrate"); }

Status ApplyMigrations(PGconn* conn, const std::vector<Migration>& migrations, const Clock& clock) {
  {
    // Concurrent CREATE TABLE IF NOT EXISTS can collide in the catalog: serialise it too.
    ASSIGN_OR_RETURN(std::unique_ptr<Transaction> transaction, BeginLocked(conn));
    RETURN_IF_ERROR(RunCommand(conn, kCreateSchemaMigrations, {}, "creating schema_migrations"));
    RETURN_IF_ERROR(CheckHistory(conn, migrations));
    RETURN_IF_ERROR(transaction->Commit());
  }
  for (const Migration& migration : migrations) RETURN_IF_ERROR(Apply(conn, migration, clock));
  return Status::Ok();
}

Result<int64_t> AppliedSchemaVersion(PGconn* conn) {
  ASSIGN_OR_RETURN(pg::PgResult max,
                   Run(conn, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", {},
                       PGRES_TUPLES_OK, "reading schema_migrations"));
  return CellInt(max.get(), 0, 0, "schema_migrations version");
}

}  // namespace de::metadata_pg
