// Test support: a fresh, empty PostgreSQL database per test on the server that DE_PG_CONNINFO
// names (scripts/with-pg-cluster sets it; its role may CREATE DATABASE), dropped again when the
// object dies. Header-only, for tests.
//
// Thread-compatible.
#pragma once

#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include "common/status.h"
#include "metadata/postgres/pg_statements.h"
#include "postgres/pg_session.h"

namespace de::metadata_pg {

class PgTestDatabase {
 public:
  // The server's conninfo, or nullopt when DE_PG_CONNINFO is unset (tests then skip).
  static std::optional<std::string> ServerConninfo() {
    const char* conninfo = ::getenv("DE_PG_CONNINFO");
    if (conninfo == nullptr || *conninfo == '\0') return std::nullopt;
    return std::string(conninfo);
  }

  // Creates database de_test_<pid>_<n>. Preconditions: ServerConninfo() is set.
  static Result<std::unique_ptr<PgTestDatabase>> Create() {
    static std::atomic<int> counter{0};
    std::string server = *ServerConninfo();
    // The name is built from our own integers only.
    std::string name =
        "de_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter.fetch_add(1));
    ASSIGN_OR_RETURN(pg::Conn admin, pg::Connect(server, 0));
    RETURN_IF_ERROR(RunCommand(admin.get(), "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)", {},
                               "dropping a stale test database"));
    RETURN_IF_ERROR(RunCommand(admin.get(), "CREATE DATABASE " + name + " TEMPLATE template0", {},
                               "creating a test database"));
    return std::unique_ptr<PgTestDatabase>(new PgTestDatabase(server, name));
  }

  ~PgTestDatabase() {
    Result<pg::Conn> admin = pg::Connect(server_, 0);
    if (admin.ok()) {
      RunCommand(admin->get(), "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)", {},
                 "dropping a test database")
          .IgnoreError();
    }
  }

  // The server's conninfo with dbname replaced (a later keyword wins in libpq).
  std::string conninfo() const { return server_ + " dbname=" + name_; }
  const std::string& name() const { return name_; }

  // Runs SQL on a connection of its own, as another tool would.
  Status Execute(const std::string& sql) const {
    ASSIGN_OR_RETURN(pg::Conn conn, pg::Connect(conninfo(), 0));
    PQsetNoticeProcessor(
        conn.get(), [](void*, const char*) {}, nullptr);
    return RunCommand(conn.get(), sql, {}, "test SQL");
  }
  // The first cell of the first row of `sql`'s result, as text.
  Result<std::string> QueryOne(const std::string& sql) const {
    ASSIGN_OR_RETURN(pg::Conn conn, pg::Connect(conninfo(), 0));
    ASSIGN_OR_RETURN(pg::PgResult result, Run(conn.get(), sql, {}, PGRES_TUPLES_OK, "test SQL"));
    if (PQntuples(result.get()) == 0) return NotFound("no row from: {}", sql);
    return CellText(result.get(), 0, 0);
  }

 private:
  PgTestDatabase(std::string server, std::string name)
      : server_(std::move(server)), name_(std::move(name)) {}

  std::string server_;
  std::string name_;
};

}  // namespace de::metadata_pg
