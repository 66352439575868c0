// PgConnectionPool: a fixed-size pool of libpq connections to one PostgreSQL database, for the
// PostgreSQL metadata store.
//
// Connections are opened lazily up to `size`; Acquire waits while all are in use. A connection
// that comes back broken (PQstatus CONNECTION_BAD, e.g. the server restarted) or still inside a
// transaction is closed instead of reused, and the next Acquire opens a fresh one. A command
// that fails because its connection was lost is not retried here: it returns kUnavailable and
// the caller decides.
//
// Thread-safe: Acquire may be called from any thread; each Handle is used by one thread.
#pragma once

#include <libpq-fe.h>

#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "common/status.h"
#include "postgres/pg_session.h"

namespace de::metadata_pg {

class PgConnectionPool {
 public:
  // A connection on loan; it goes back to the pool on destruction.
  class Handle {
   public:
    Handle(Handle&& other) noexcept : pool_(other.pool_), conn_(std::move(other.conn_)) {}
    Handle& operator=(Handle&&) = delete;
    Handle(const Handle&) = delete;
    ~Handle() {
      if (conn_) pool_->Release(std::move(conn_));
    }
    PGconn* get() const { return conn_.get(); }

   private:
    friend class PgConnectionPool;
    Handle(PgConnectionPool* pool, pg::Conn conn) : pool_(pool), conn_(std::move(conn)) {}
    PgConnectionPool* pool_;
    pg::Conn conn_;
  };

  // Nothing is opened yet. `size` >= 1.
  PgConnectionPool(std::string conninfo, int size, int statement_timeout_ms);
  PgConnectionPool(const PgConnectionPool&) = delete;
  PgConnectionPool& operator=(const PgConnectionPool&) = delete;
  // Precondition: every Handle has been destroyed.
  ~PgConnectionPool() = default;

  // An idle healthy connection, or a new one while fewer than `size` are open; otherwise waits.
  // kUnavailable (pg::Connect's message) when a new connection cannot be opened.
  Result<Handle> Acquire();

  // Opens a connection outside the pool (e.g. for a session advisory lock), with the pool's
  // conninfo and statement timeout.
  Result<pg::Conn> OpenDedicated() const;

 private:
  void Release(pg::Conn conn);

  const std::string conninfo_;
  const int size_;
  const int statement_timeout_ms_;
  std::mutex mu_;
  std::condition_variable available_;
  std::vector<pg::Conn> idle_;  // guarded by mu_
  int open_ = 0;                // idle + on loan + being opened; guarded by mu_
};

}  // namespace de::metadata_pg
