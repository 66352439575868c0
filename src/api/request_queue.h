// RequestQueue: runs on-demand requests (DESIGN.md §1) on a pool of workers, so a burst of
// requestData calls is either accepted and completed, or refused at once with
// kResourceExhausted (TOO_MANY_REQUESTS); nothing is lost and nothing stays "In Progress".
//
// Replicas share the work through the metadata store (metadata_store.h, "leases"):
// - Submit records the request unclaimed and wakes a local worker. Workers of every replica
//   claim the oldest unclaimed request (ClaimRequest: FOR UPDATE SKIP LOCKED on PostgreSQL), so
//   each request is exported by exactly one worker. max_queued bounds the unclaimed requests of
//   the whole cluster.
// - A worker keeps its lease alive (LeaseKeeper) and records the outcome only while it holds it
//   (FinishRequestAs). When a replica dies its leases expire and another replica's worker claims
//   the request and starts it over: whatever was written under the range's directories is
//   removed first. Idle workers look for such work every poll interval.
// - Each worker holds one ExportSlots slot while it reads the warehouse, so on-demand and daily
//   exports together never exceed MAX_CONCURRENCY_LIMIT in this process.
// - Same range, one export: the on-demand layout gives a range one set of keys, so a request
//   for a range that is IN_PROGRESS, or COMPLETED under the current policy version, returns
//   that request instead of a new one (across replicas too: the store allows one IN_PROGRESS
//   request per range). A COMPLETED request made under an older policy version is retired (its
//   files removed, state FAILED "superseded: the policy changed") before the new one runs.
// - Stop() cancels running exports, leaves them IN_PROGRESS and frees their leases, so the next
//   start (or another replica) resumes them at once.
//
// Thread-safety: every public member may be called from any thread after Start().
#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "common/cancellation.h"
#include "common/status.h"
#include "export/export_slots.h"
#include "export/lease_keeper.h"
#include "export/on_demand.h"
#include "metadata/metadata_store.h"
#include "storage/object_store.h"

namespace de {

struct RequestQueueOptions {
  size_t workers = 4;           // threads running exports (each also needs an ExportSlots slot)
  size_t max_queued = 100;      // unclaimed requests in the cluster; beyond → kResourceExhausted
  std::string owner = "local";  // this replica's name in leases; unique per process
  int64_t lease_micros = 30'000'000;  // a claim's lifetime without renewal
  int64_t poll_micros = 1'000'000;    // idle workers look for unclaimed work this often
};

// Live progress of one table of a running or finished request.
struct TableProgress {
  enum class State { kPending, kRunning, kCompleted, kFailed };
  std::string table;
  State state = State::kPending;
  uint64_t rows = 0;   // rows read so far
  uint64_t files = 0;  // published data files (when completed)
  uint64_t bytes = 0;
};

struct QueueStats {
  size_t queued = 0;       // unclaimed requests in the cluster (0 if the store cannot say)
  size_t running = 0;      // claimed by a worker here (waiting for a slot or exporting)
  uint64_t accepted = 0;   // new requests recorded by Submit since start
  uint64_t refused = 0;    // kResourceExhausted answers since start
  uint64_t coalesced = 0;  // Submit answers that returned an existing request
  uint64_t recovered = 0;  // claimed requests that had run before (a restart or a takeover)
  uint64_t completed = 0;
  uint64_t failed = 0;
  uint64_t cancelled = 0;
};

// Errors of Submit when the queue refuses (wording shown to API users).
inline constexpr std::string_view kQueueShuttingDown = "the export queue is shutting down";
inline constexpr std::string_view kQueueNotStarted = "the export queue is not running yet";

class RequestQueue {
 public:
  // Error of a request whose COMPLETED export was made under an older policy version.
  static constexpr std::string_view kSupersededError =
      "superseded: the policy changed; request it again";
  // Error of a COMPLETED request whose files have gone from the object store.
  static constexpr std::string_view kFilesGoneError =
      "expired: its files are no longer in the object store; request it again";
  // Error of a request cancelled through Cancel().
  static constexpr std::string_view kCancelledError = "cancelled by request";
  // Finished requests whose per-table progress is kept for Progress().
  static constexpr size_t kKeepFinished = 1000;

  // None of the pointers is owned; all must outlive the queue. `exporter` must write into
  // `store` and `metadata`. options.workers must be >= 1.
  RequestQueue(OnDemandExporter* exporter, MetadataStore* metadata, ObjectStore* store,
               ExportSlots* slots, RequestQueueOptions options);
  ~RequestQueue();  // Stop()

  // Checks the metadata store answers and starts the workers, which claim unclaimed
  // IN_PROGRESS requests (left by an earlier run too). kFailedPrecondition when called twice or
  // after Stop(); the store's error when it cannot be reached (then no worker runs and Submit
  // keeps answering kUnavailable).
  Status Start();
  // Stops accepting (Submit answers kUnavailable kQueueShuttingDown), interrupts running
  // exports (their files are removed, their rows stay IN_PROGRESS with the lease freed) and
  // joins the workers. Idempotent; blocks until every worker has ended.
  void Stop();

  // Validates and records a request (OnDemandExporter::Submit), unclaimed, and wakes a worker;
  // or returns the request it coalesces with. kResourceExhausted when max_queued requests wait
  // already (nothing recorded), kUnavailable before Start() and after Stop(), the exporter's
  // errors otherwise.
  Result<ExportRequest> Submit(int64_t start_time, int64_t end_time);

  // Cancels a waiting or running request: it ends CANCELLED with its files removed. Returns
  // once the request is final (an export running here is interrupted and waited for).
  // kNotFound for an unknown id; kFailedPrecondition when it already finished (or finished
  // before the cancellation reached it); kUnavailable while stopping. A request this queue does
  // not run (unclaimed, or another replica's) is finished as CANCELLED in the metadata store and
  // the files under its range are removed; a replica running it notices when its lease renewal
  // or progress write fails, and removes its files.
  Status Cancel(const std::string& id);

  // Per-table progress of a request this process ran or is running (empty while it waits in
  // the queue); nullopt otherwise (the caller then falls back to the metadata store). The last
  // kKeepFinished finished requests are remembered.
  std::optional<std::vector<TableProgress>> Progress(const std::string& id) const;

  QueueStats stats() const;

 private:
  enum class Phase { kNew, kRunning, kStopped };

  // One claimed request, from claimed to finished.
  struct Job {
    ExportRequest request;
    CancellationToken cancel;    // stops the export: by Cancel(), or by Stop() after `shutdown`
    CancellationToken shutdown;  // fired by Stop() or a lost lease: the row stays IN_PROGRESS
    std::atomic<bool> lease_lost = false;
    // The next three are guarded by RequestQueue::mu_.
    bool running = false;
    bool done = false;
    bool user_cancelled = false;
    mutable std::mutex progress_mu;
    std::vector<TableProgress> tables;  // guarded by progress_mu
  };
  class JobObserver;

  // What Submit found among the requests of its range.
  struct RangeState {
    std::optional<ExportRequest> reusable;
    std::vector<std::pair<ExportRequest, std::string_view>> stale;  // to retire, with the error
  };

  Status AvailableLocked() const;
  Result<RangeState> InspectRange(int64_t start_time, int64_t end_time);
  Result<bool> FilesPresent(const std::string& request_id);
  Status Retire(const ExportRequest& request, std::string_view error);
  // Deletes every object under the range's directory of every export table; returns how many.
  Result<size_t> RemoveRangeFiles(int64_t start_time, int64_t end_time);
  std::mutex& RangeLock(int64_t start_time, int64_t end_time);
  Status CancelUnheld(const std::string& id);

  void WorkerLoop();
  // Claims one request and runs it; false when there was nothing to claim (or an error).
  bool ClaimAndRun();
  void RunJob(Job& job);
  // Records the outcome counters; caller holds mu_.
  void CountOutcomeLocked(const Job& job, const Status& status);
  void RememberLocked(const std::shared_ptr<Job>& job);

  OnDemandExporter* const exporter_;
  MetadataStore* const metadata_;
  ObjectStore* const store_;
  ExportSlots* const slots_;
  const RequestQueueOptions options_;

  // Submit's look-at-the-range-then-create, serialised per range (striped by hash). Never
  // taken while mu_ is held.
  std::array<std::mutex, 64> range_locks_;

  mutable std::mutex mu_;
  std::condition_variable work_;      // a request was submitted, or stopping
  std::condition_variable job_done_;  // a running job finished
  Phase phase_ = Phase::kNew;         // guarded by mu_
  size_t wakeups_ = 0;                // submissions not yet looked for by a worker; mu_
  size_t reserved_ = 0;               // places held by Submit calls in flight, guarded by mu_
  std::map<std::string, std::shared_ptr<Job>> jobs_;  // queued, running, recent; guarded by mu_
  std::deque<std::string> finished_order_;            // oldest first, guarded by mu_
  QueueStats stats_;                                  // guarded by mu_ (queued/running unused)
  size_t running_ = 0;                                // guarded by mu_
  std::vector<std::thread> workers_;                  // guarded by mu_
  std::unique_ptr<LeaseKeeper> keeper_;               // renews the leases of running jobs
};

}  // namespace de
