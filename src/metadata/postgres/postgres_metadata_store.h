// PostgresMetadataStore: the metadata store on PostgreSQL 15 over libpq, shared by several
// exporter replicas.
//
// Open brings the database to the latest schema with the same migrations as SQLite
// (metadata/migrations.h) under an advisory lock, so replicas may start at once. Every value
// reaches the server as a bound parameter. Work is shared through leases (metadata_store.h):
// claims use SELECT ... FOR UPDATE SKIP LOCKED, so two replicas never claim the same request or
// table job; "now" for leases and timestamps is the store's Clock, not the server's, exactly as
// in the SQLite store. Orderings the interface promises are byte order (COLLATE "C"), so both
// backends list rows identically.
//
// Thread-safe: every method may be called from any thread. Each call borrows one connection
// from a pool of `pool_size` (opened lazily; a call waits while all are busy); a connection
// found broken is replaced by a fresh one on the next call. A call that loses its connection
// returns kUnavailable and is not retried here. TryLeaderLock opens a connection of its own.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "metadata/metadata_store.h"
#include "metadata/postgres/pg_connection_pool.h"

namespace de {

struct PostgresMetadataOptions {
  // libpq conninfo ("host=... port=... dbname=... user=..."); libpq also reads PG* variables and
  // PGPASSFILE. Never logged (it may hold a password).
  std::string conninfo;
  // Connections kept for concurrent calls; >= 1.
  int pool_size = 4;
  // statement_timeout of every connection in milliseconds; 0 = none.
  int statement_timeout_ms = 30'000;
};

class PostgresMetadataStore final : public MetadataStore {
 public:
  // Connects and applies missing migrations, each in its own transaction under
  // pg_advisory_xact_lock. `clock` stamps updated_at, applied_at and leases; required, not
  // owned, must outlive the store. kInvalidArgument for a pool_size < 1 or a negative timeout;
  // kUnavailable when the server cannot be reached; kFailedPrecondition if the database's schema
  // is newer than this program knows or its migration history differs from ours.
  static Result<std::unique_ptr<PostgresMetadataStore>> Open(const PostgresMetadataOptions& options,
                                                             Clock* clock);

  // Semantics, checks and messages as SqliteMetadataStore (sqlite/sqlite_metadata_store.h).
  Status CreateRequest(const ExportRequest& request) override;
  Result<std::optional<ExportRequest>> GetRequest(const std::string& id) override;
  // Ties on created_at are broken by id (descending), not insertion order.
  Result<std::vector<ExportRequest>> ListRequests(int limit) override;
  Result<std::vector<ExportRequest>> ListRequestsInState(RequestState state) override;
  Result<std::vector<ExportRequest>> FindRequestsByRange(int64_t start_time,
                                                         int64_t end_time) override;
  Status UpdateProgress(const std::string& id, double progress) override;
  Status FinishRequestAs(const std::string& id, const std::string& owner, RequestState state,
                         const std::string& error, const std::vector<RequestFile>& files) override;
  Result<std::vector<RequestFile>> ListRequestFiles(const std::string& id) override;
  Status RetireRequest(const std::string& id, const std::string& error) override;

  Result<std::optional<ClaimedRequest>> ClaimRequest(const std::string& owner,
                                                     int64_t lease_micros) override;
  Result<std::vector<std::string>> RenewRequestLeases(const std::string& owner,
                                                      const std::vector<std::string>& ids,
                                                      int64_t lease_micros) override;
  Status ReleaseRequests(const std::string& owner, const std::vector<std::string>& ids) override;
  Result<int64_t> CountUnclaimedRequests() override;

  Result<std::vector<ExportTable>> ListExportTables() override;
  Status UpsertExportTable(const ExportTable& table) override;
  Result<std::vector<ColumnClassification>> ListColumnClassifications(
      const std::string& table) override;
  // One REPEATABLE READ READ ONLY transaction.
  Result<PolicySnapshot> LoadPolicy() override;
  // Changes are serialised by locking the policy_state row (SELECT ... FOR UPDATE).
  Result<int64_t> ReplacePolicy(const PolicySnapshot& policy) override;
  Result<int64_t> PolicyVersion() override;

  Status UpsertDailyRun(const DailyRun& run) override;
  Result<std::optional<DailyRun>> GetDailyRun(const std::string& run_date) override;
  Result<std::vector<DailyRun>> ListDailyRuns(int limit) override;
  Result<std::vector<DailyRun>> ListDailyRunsBetween(const std::string& from,
                                                     const std::string& to) override;
  Status UpsertTableJob(const TableJobStatus& job) override;
  Result<std::optional<TableJobStatus>> GetTableJob(const std::string& run_date,
                                                    const std::string& table) override;
  Result<std::vector<TableJobStatus>> ListTableJobs(const std::string& run_date) override;
  // Also kAlreadyExists "... is busy: another replica is claiming it" when another claimer has
  // the row locked at this moment.
  Result<std::optional<TableJobStatus>> ClaimTableJob(const std::string& run_date,
                                                      const std::string& table,
                                                      const std::string& owner,
                                                      int64_t lease_micros) override;
  Status RenewTableJobLease(const std::string& run_date, const std::string& table,
                            const std::string& owner, int64_t lease_micros) override;

  // pg_try_advisory_lock(AdvisoryKey("data-exporter:" + name)) on a dedicated connection, held
  // until the lock object is destroyed (which closes that connection) or its session is lost
  // (Held() then runs "SELECT 1", fails and stays false). Advisory locks are per database: every
  // replica must use the same database. kInvalidArgument for a bad name (as SQLite's).
  Result<std::unique_ptr<LeaderLock>> TryLeaderLock(const std::string& name) override;

  int64_t NowMicros() override;
  Status Ping() override;

  // The highest migration version applied to the database.
  Result<int64_t> SchemaVersion();

 private:
  using Pool = metadata_pg::PgConnectionPool;
  PostgresMetadataStore(std::unique_ptr<Pool> pool, Clock* clock);

  // In one transaction: locks and reads the stored policy, lets `edit` change it, and writes back
  // the tables that differ, bumping the version if any did. Returns the version in effect.
  Result<int64_t> ChangePolicy(const std::function<void(PolicySnapshot&)>& edit);

  Clock* const clock_;
  const std::unique_ptr<Pool> pool_;  // thread-safe
};

}  // namespace de
