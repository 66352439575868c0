#include "metadata/postgres/pg_connection_pool.h"

#include <utility>

namespace de::metadata_pg {

PgConnectionPool::PgConnectionPool(std::string conninfo, int size, int statement_timeout_ms)
    : conninfo_(std::move(conninfo)), size_(size), statement_timeout_ms_(statement_timeout_ms) {}

Result<PgConnectionPool::Handle> PgConnectionPool::Acquire() {
  {
    std::unique_lock<std::mutex> lock(mu_);
    available_.wait(lock, [&] { return !idle_.empty() || open_ < size_; });
    if (!idle_.empty()) {
      pg::Conn conn = std::move(idle_.back());
      idle_.pop_back();
      if (PQstatus(conn.get()) == CONNECTION_OK) return Handle(this, std::move(conn));
      // Broken while idle: replace it below, keeping its place in open_.
    } else {
      ++open_;
    }
  }
  Result<pg::Conn> fresh = OpenDedicated();
  if (!fresh.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    --open_;
    available_.notify_one();
    return fresh.status();
  }
  return Handle(this, std::move(*fresh));
}

Result<pg::Conn> PgConnectionPool::OpenDedicated() const {
  ASSIGN_OR_RETURN(pg::Conn conn, pg::Connect(conninfo_, statement_timeout_ms_));
  // NOTICEs (e.g. "relation already exists, skipping") are not errors; libpq would print them.
  PQsetNoticeProcessor(
      conn.get(), [](void*, const char*) {}, nullptr);
  return conn;
}

void PgConnectionPool::Release(pg::Conn conn) {
  bool reusable =
      PQstatus(conn.get()) == CONNECTION_OK && PQtransactionStatus(conn.get()) == PQTRANS_IDLE;
  if (!reusable) conn.reset();  // close outside the lock's reach of other users
  std::lock_guard<std::mutex> lock(mu_);
  if (reusable) {
    idle_.push_back(std::move(conn));
  } else {
    --open_;
  }
  available_.notify_one();
}

}  // namespace de::metadata_pg
