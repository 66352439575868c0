#include "metadata/sqlite/sqlite_migrations.h"

#include <string>
#include <utility>

#include "metadata/store_contract.h"
#include "sqlite/sqlite.h"

namespace de::metadata_sqlite {

using sqlite::Execute;
using sqlite::Statement;
using sqlite::WriteTransaction;

namespace {

Result<std::vector<std::pair<int64_t, std::string>>> History(sqlite3* db) {
  ASSIGN_OR_RETURN(Statement select,
                   Statement::Prepare(db,
                                      "SELECT version, name FROM schema_migrations "
                                      "ORDER BY version"));
  std::vector<std::pair<int64_t, std::string>> history;
  while (true) {
    ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return history;
    history.emplace_back(select.Int(0), select.Text(1));
  }
}

Status CheckHistory(sqlite3* db, const std::vector<Migration>& migrations) {
  int64_t latest = migrations.empty() ? 0 : migrations.back().version;
  ASSIGN_OR_RETURN(auto history, History(db));
  for (const auto& [version, name] : history) {
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

Result<bool> IsApplied(sqlite3* db, int64_t version) {
  ASSIGN_OR_RETURN(Statement select,
                   Statement::Prepare(db, "SELECT 1 FROM schema_migrations WHERE version = ?1"));
  select.BindInt(1, version);
  return select.Step();
}

Status Apply(sqlite3* db, const Migration& migration, const Clock& clock) {
  ASSIGN_OR_RETURN(std::unique_ptr<WriteTransaction> transaction, WriteTransaction::Begin(db));
  ASSIGN_OR_RETURN(bool applied, IsApplied(db, migration.version));
  if (applied) return Status::Ok();  // another process was faster; roll back the empty txn
  std::string context =
      fmt::format("metadata migration {} ({})", migration.version, migration.name);
  for (std::string_view sql : migration.statements) {
    Status done = Execute(db, sql);
    if (!done.ok()) return done.WithContext(context);
  }
  ASSIGN_OR_RETURN(Statement record,
                   Statement::Prepare(db,
                                      "INSERT INTO schema_migrations (version, name, "
                                      "applied_at) VALUES (?1, ?2, ?3)"));
  record.BindInt(1, migration.version)
      .BindText(2, migration.name)
      .BindText(3, metadata::IsoUtc(clock.NowMicros()));
  RETURN_IF_ERROR(record.Run());
  return transaction->Commit();
}

}  // namespace

Status ApplyMigrations(sqlite3* db, const std::vector<Migration>& migrations, const Clock& clock) {
  RETURN_IF_ERROR(Execute(db, kCreateSchemaMigrations));
  RETURN_IF_ERROR(CheckHistory(db, migrations));
  for (const Migration& migration : migrations) RETURN_IF_ERROR(Apply(db, migration, clock));
  return Status::Ok();
}

Result<int64_t> AppliedSchemaVersion(sqlite3* db) {
  ASSIGN_OR_RETURN(Statement select, Statement::Prepare(db,
                                                        "SELECT COALESCE(MAX(version), 0) FROM "
                                                        "schema_migrations"));
  ASSIGN_OR_RETURN(bool row, select.Step());
  return row ? select.Int(0) : 0;
}

}  // namespace de::metadata_sqlite
