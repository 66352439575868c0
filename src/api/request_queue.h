// RequestQueue: runs on-demand requests (DESIGN.md §1) on a pool of workers behind a bounded
// queue, so a burst of requestData calls is either accepted and completed, or refused at once
// with kResourceExhausted (TOO_MANY_REQUESTS); nothing is lost and nothing stays "In Progress".
//
// - Workers take requests in FIFO order; each holds one ExportSlots slot while it reads the
//   warehouse, so on-demand and daily exports together never exceed MAX_CONCURRENCY_LIMIT.
// - Same range, one export: the on-demand layout gives a range one set of keys, so a request
//   for a range that is IN_PROGRESS, or COMPLETED under the current policy version, returns
//   that request instead of a new one. A COMPLETED request made under an older policy version
//   is retired (its files removed, state FAILED "superseded: the policy changed") before the
//   new one runs: nothing exported under a policy no longer in force is handed out again.
// - Restart recovery: Start() takes every IN_PROGRESS request of the metadata store, removes
//   whatever its run had written under its range's directories, and queues it again (these do
//   not count against max_queued).
// - Stop() cancels running exports and leaves them IN_PROGRESS for the next Start().
//
// Same-range submissions are serialised in-process (a striped mutex), which makes the
// check-and-create atomic for one process. Replicas sharing a PostgreSQL metadata store
// (issue 6) need a database constraint for it too, e.g. a unique partial index on
// (start_time, end_time) WHERE status = 'IN_PROGRESS'.
//
// Thread-safety: every public member may be called from any thread after Start().
#pragma once

#include <array>
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
#include "export/on_demand.h"
#include "metadata/metadata_store.h"
#include "storage/object_store.h"

namespace de {

struct RequestQueueOptions {
  size_t workers = 4;       // threads running exports (each also needs an ExportSlots slot)
  size_t max_queued = 100;  // accepted requests waiting for a worker; beyond → kResourceExhausted
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
  size_t queued = 0;
  size_t running = 0;      // taken by a worker (waiting for a slot or exporting)
  uint64_t accepted = 0;   // new requests queued by Submit since start
  uint64_t refused = 0;    // kResourceExhausted answers since start
  uint64_t coalesced = 0;  // Submit answers that returned an existing request
  uint64_t recovered = 0;  // IN_PROGRESS requests queued again by Start()
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

  // Recovers IN_PROGRESS requests (see above; the files under every export table's directory
  // of the request's range are removed first) and starts the workers. kFailedPrecondition when
  // called twice or after Stop(); the metadata or object store's error when recovery fails
  // (then no worker runs and Submit keeps answering kUnavailable).
  Status Start();
  // Stops accepting (Submit answers kUnavailable kQueueShuttingDown), interrupts running
  // exports (their files are removed, their rows stay IN_PROGRESS) and joins the workers.
  // Queued requests stay IN_PROGRESS too. Idempotent; blocks until every worker has ended.
  void Stop();

  // Validates and records a request (OnDemandExporter::Submit) and queues it; or returns the
  // request it coalesces with. kResourceExhausted when the queue is full (nothing recorded),
  // kUnavailable before Start() and after Stop(), the exporter's errors otherwise.
  Result<ExportRequest> Submit(int64_t start_time, int64_t end_time);

  // Cancels a queued or running request: it ends CANCELLED with its files removed. Returns
  // once the request is final (a running export is interrupted and waited for). kNotFound for
  // an unknown id; kFailedPrecondition when it already finished (or finished before the
  // cancellation reached it); kUnavailable while stopping. An IN_PROGRESS request this queue
  // does not hold (another process's, or one left by a crash before Start) is finished as
  // CANCELLED in the metadata store and the files under its range are removed; a process still
  // running it notices at its next progress write and removes its files.
  Status Cancel(const std::string& id);

  // Per-table progress of a request this process ran or is running (empty while it waits in
  // the queue); nullopt otherwise (the caller then falls back to the metadata store). The last
  // kKeepFinished finished requests are remembered.
  std::optional<std::vector<TableProgress>> Progress(const std::string& id) const;

  QueueStats stats() const;

 private:
  enum class Phase { kNew, kRunning, kStopped };

  // One accepted request, from queued to finished.
  struct Job {
    ExportRequest request;
    bool recovered = false;      // queued by Start(): not counted against max_queued
    CancellationToken cancel;    // stops the export: by Cancel(), or by Stop() after `shutdown`
    CancellationToken shutdown;  // fired by Stop(): the export leaves its row IN_PROGRESS
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
  std::condition_variable work_;            // a job was queued, or stopping
  std::condition_variable job_done_;        // a running job finished
  Phase phase_ = Phase::kNew;               // guarded by mu_
  std::deque<std::shared_ptr<Job>> queue_;  // guarded by mu_
  size_t counted_ = 0;   // queued jobs counting against max_queued, guarded by mu_
  size_t reserved_ = 0;  // places held by Submit calls in flight, guarded by mu_
  std::map<std::string, std::shared_ptr<Job>> jobs_;  // queued, running, recent; guarded by mu_
  std::deque<std::string> finished_order_;            // oldest first, guarded by mu_
  QueueStats stats_;                                  // guarded by mu_ (queued/running unused)
  size_t running_ = 0;                                // guarded by mu_
  std::vector<std::thread> workers_;                  // guarded by mu_
};

}  // namespace de
