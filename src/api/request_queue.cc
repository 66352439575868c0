#include "api/request_queue.h"

#include <algorithm>
#include <functional>
#include <set>

#include <spdlog/spdlog.h>

#include "common/thread_priority.h"
#include "export/table_export.h"

namespace de {

// Records a running job's per-table progress in memory. Called on the worker's thread.
class RequestQueue::JobObserver final : public ExportObserver {
 public:
  explicit JobObserver(Job* job) : job_(job) {}

  void OnPlanned(const std::vector<std::string>& tables) override {
    std::lock_guard<std::mutex> lock(job_->progress_mu);
    job_->tables.clear();
    for (const std::string& table : tables) job_->tables.push_back({.table = table});
  }
  void OnTableStarted(const std::string& table, size_t, size_t) override {
    std::lock_guard<std::mutex> lock(job_->progress_mu);
    Entry(table).state = TableProgress::State::kRunning;
  }
  void OnRows(const std::string& table, uint64_t rows_read) override {
    std::lock_guard<std::mutex> lock(job_->progress_mu);
    Entry(table).rows = rows_read;
  }
  void OnTableFinished(const TableExportResult& result) override {
    std::lock_guard<std::mutex> lock(job_->progress_mu);
    TableProgress& entry = Entry(result.table);
    entry.state = TableProgress::State::kCompleted;
    entry.rows = result.rows_read;
    entry.files = result.data_file_count();
    entry.bytes = result.bytes_written;
  }

  // After a failed run: the table that was running failed.
  void MarkRunningFailed() {
    std::lock_guard<std::mutex> lock(job_->progress_mu);
    for (TableProgress& entry : job_->tables) {
      if (entry.state == TableProgress::State::kRunning)
        entry.state = TableProgress::State::kFailed;
    }
  }

 private:
  // Caller holds progress_mu.
  TableProgress& Entry(const std::string& table) {
    for (TableProgress& entry : job_->tables) {
      if (entry.table == table) return entry;
    }
    job_->tables.push_back({.table = table});
    return job_->tables.back();
  }

  Job* job_;
};

RequestQueue::RequestQueue(OnDemandExporter* exporter, MetadataStore* metadata, ObjectStore* store,
                           ExportSlots* slots, RequestQueueOptions options)
    : exporter_(exporter),
      metadata_(metadata),
      store_(store),
      slots_(slots),
      options_(std::move(options)) {
  const std::string owner = options_.owner;
  const int64_t lease = options_.lease_micros;
  keeper_ = std::make_unique<LeaseKeeper>(
      "request",
      [metadata, owner, lease](const std::vector<std::string>& ids) {
        return metadata->RenewRequestLeases(owner, ids, lease);
      },
      lease);
}

RequestQueue::~RequestQueue() { Stop(); }

// --- lifecycle ---

Status RequestQueue::Start() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (phase_ != Phase::kNew || !workers_.empty()) {
      return FailedPrecondition("the export queue was already started");
    }
  }
  RETURN_IF_ERROR(metadata_->CountUnclaimedRequests().status());
  std::lock_guard<std::mutex> lock(mu_);
  if (phase_ != Phase::kNew) return FailedPrecondition("the export queue was stopped");
  phase_ = Phase::kRunning;
  wakeups_ = std::max<size_t>(options_.workers, 1);  // look for left-over work at once
  for (size_t i = 0; i < std::max<size_t>(options_.workers, 1); ++i) {
    workers_.emplace_back([this] { WorkerLoop(); });
  }
  return Status::Ok();
}

void RequestQueue::Stop() {
  std::vector<std::thread> workers;
  std::vector<std::shared_ptr<Job>> running;
  {
    std::lock_guard<std::mutex> lock(mu_);
    phase_ = Phase::kStopped;
    workers.swap(workers_);
    for (const auto& [id, job] : jobs_) {
      // A job a user already cancelled ends CANCELLED as asked.
      if (job->running && !job->done && !job->user_cancelled) running.push_back(job);
    }
  }
  work_.notify_all();
  // `shutdown` first, so the export sees it when `cancel` stops it.
  for (const std::shared_ptr<Job>& job : running) {
    job->shutdown.Cancel();
    job->cancel.Cancel();
  }
  for (std::thread& worker : workers) worker.join();
}

// --- submitting ---

Status RequestQueue::AvailableLocked() const {
  switch (phase_) {
    case Phase::kNew:
      return Unavailable("{}", kQueueNotStarted);
    case Phase::kStopped:
      return Unavailable("{}", kQueueShuttingDown);
    case Phase::kRunning:
      return Status::Ok();
  }
  return Internal("unknown queue phase");
}

std::mutex& RequestQueue::RangeLock(int64_t start_time, int64_t end_time) {
  size_t h = std::hash<int64_t>()(start_time) * 31 + std::hash<int64_t>()(end_time);
  return range_locks_[h % range_locks_.size()];
}

Result<ExportRequest> RequestQueue::Submit(int64_t start_time, int64_t end_time) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    RETURN_IF_ERROR(AvailableLocked());
  }
  RETURN_IF_ERROR(ValidateRange(start_time, end_time));
  std::lock_guard<std::mutex> range_lock(RangeLock(start_time, end_time));
  ASSIGN_OR_RETURN(RangeState range, InspectRange(start_time, end_time));
  if (range.reusable) {
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.coalesced;
    return *range.reusable;
  }
  ASSIGN_OR_RETURN(int64_t waiting, metadata_->CountUnclaimedRequests());
  {
    std::lock_guard<std::mutex> lock(mu_);
    RETURN_IF_ERROR(AvailableLocked());
    size_t queued = static_cast<size_t>(std::max<int64_t>(waiting, 0)) + reserved_;
    if (queued >= options_.max_queued) {
      ++stats_.refused;
      return ResourceExhausted("the export queue is full ({} requests waiting); try again later",
                               queued);
    }
    ++reserved_;
  }
  bool coalesced = false;
  Result<ExportRequest> request = [&]() -> Result<ExportRequest> {
    for (const auto& [stale, error] : range.stale) RETURN_IF_ERROR(Retire(stale, error));
    Result<ExportRequest> created = exporter_->Submit(start_time, end_time, std::nullopt);
    if (created.status().code() != StatusCode::kAlreadyExists) return created;
    // Another replica recorded a request for the range in the meantime: answer with it.
    ASSIGN_OR_RETURN(RangeState again, InspectRange(start_time, end_time));
    if (!again.reusable) return created;
    coalesced = true;
    return *again.reusable;
  }();
  std::lock_guard<std::mutex> lock(mu_);
  --reserved_;
  if (!request.ok()) return request.status();
  if (coalesced) {
    ++stats_.coalesced;
    return request;
  }
  ++stats_.accepted;
  ++wakeups_;
  work_.notify_one();
  return request;
}

Result<RequestQueue::RangeState> RequestQueue::InspectRange(int64_t start_time, int64_t end_time) {
  ASSIGN_OR_RETURN(std::vector<ExportRequest> same,
                   metadata_->FindRequestsByRange(start_time, end_time));
  RangeState range;
  for (const ExportRequest& request : same) {
    if (request.state == RequestState::kInProgress) {
      range.reusable = request;
      return range;
    }
  }
  ASSIGN_OR_RETURN(int64_t policy_version, metadata_->PolicyVersion());
  // Newest first: the latest export of the range is the one worth reusing.
  for (auto it = same.rbegin(); it != same.rend(); ++it) {
    if (it->state != RequestState::kCompleted) continue;
    if (it->policy_version != policy_version) {
      range.stale.emplace_back(*it, kSupersededError);
      continue;
    }
    ASSIGN_OR_RETURN(bool present, FilesPresent(it->id));
    if (!present) {
      range.stale.emplace_back(*it, kFilesGoneError);
      continue;
    }
    // Older exports of the range share its keys: leave them be.
    range.reusable = *it;
    range.stale.clear();
    return range;
  }
  return range;
}

Result<bool> RequestQueue::FilesPresent(const std::string& request_id) {
  ASSIGN_OR_RETURN(std::vector<RequestFile> files, metadata_->ListRequestFiles(request_id));
  if (files.empty()) return false;
  std::set<std::string> listed;
  std::set<std::string> directories;
  for (const RequestFile& file : files) {
    directories.insert(file.key.substr(0, file.key.rfind('/') + 1));
  }
  for (const std::string& directory : directories) {
    ASSIGN_OR_RETURN(std::vector<ObjectInfo> objects, store_->List(directory));
    for (ObjectInfo& object : objects) listed.insert(std::move(object.key));
  }
  return std::ranges::all_of(files,
                             [&](const RequestFile& file) { return listed.contains(file.key); });
}

Status RequestQueue::Retire(const ExportRequest& request, std::string_view error) {
  ASSIGN_OR_RETURN(std::vector<RequestFile> files, metadata_->ListRequestFiles(request.id));
  Status retired = metadata_->RetireRequest(request.id, std::string(error));
  if (retired.code() == StatusCode::kFailedPrecondition) return Status::Ok();  // not ours now
  RETURN_IF_ERROR(retired);
  std::vector<std::string> keys;
  for (const RequestFile& file : files) keys.push_back(file.key);
  DeleteObjects(store_, keys);
  spdlog::info("request {} ({}..{}, policy version {}) retired: {}; {} file(s) removed", request.id,
               request.start_time, request.end_time, request.policy_version, error, keys.size());
  return Status::Ok();
}

Result<size_t> RequestQueue::RemoveRangeFiles(int64_t start_time, int64_t end_time) {
  // Every export table, enabled or not: a table disabled since the run started may have left
  // files too.
  ASSIGN_OR_RETURN(std::vector<ExportTable> tables, metadata_->ListExportTables());
  size_t removed = 0;
  for (const ExportTable& table : tables) {
    std::string directory =
        exporter_->layout().Directory(table.table_name, start_time, end_time) + "/";
    ASSIGN_OR_RETURN(std::vector<ObjectInfo> objects, store_->List(directory));
    std::vector<std::string> keys;
    for (const ObjectInfo& object : objects) keys.push_back(object.key);
    RETURN_IF_ERROR(store_->DeleteMany(keys));
    removed += keys.size();
  }
  return removed;
}

// --- cancelling ---

Status RequestQueue::Cancel(const std::string& id) {
  std::unique_lock<std::mutex> lock(mu_);
  auto found = jobs_.find(id);
  if (found == jobs_.end() || found->second->done) {
    lock.unlock();
    return CancelUnheld(id);
  }
  std::shared_ptr<Job> job = found->second;
  if (phase_ == Phase::kStopped) return Unavailable("{}", kQueueShuttingDown);
  job->user_cancelled = true;
  lock.unlock();
  job->cancel.Cancel();
  lock.lock();
  job_done_.wait(lock, [&] { return job->done; });
  lock.unlock();
  ASSIGN_OR_RETURN(std::optional<ExportRequest> row, metadata_->GetRequest(id));
  if (row && row->state == RequestState::kCompleted) {
    return FailedPrecondition("request '{}' completed before it could be cancelled", id);
  }
  return Status::Ok();
}

Status RequestQueue::CancelUnheld(const std::string& id) {
  ASSIGN_OR_RETURN(std::optional<ExportRequest> row, metadata_->GetRequest(id));
  if (!row) return NotFound("request '{}' does not exist", id);
  if (row->state != RequestState::kInProgress) {
    return FailedPrecondition("request '{}' already finished: it is {}", id,
                              RequestStateName(row->state));
  }
  RETURN_IF_ERROR(
      metadata_->FinishRequest(id, RequestState::kCancelled, std::string(kCancelledError), {}));
  ASSIGN_OR_RETURN(size_t removed, RemoveRangeFiles(row->start_time, row->end_time));
  spdlog::info("request {} (not run by this queue) cancelled; {} file(s) removed", id, removed);
  std::lock_guard<std::mutex> lock(mu_);
  ++stats_.cancelled;
  return Status::Ok();
}

// --- running ---

void RequestQueue::WorkerLoop() {
  LowerThisThreadPriority();  // exports yield the CPU to the HTTP threads
  const auto poll = std::chrono::microseconds(std::max<int64_t>(options_.poll_micros, 1'000));
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      work_.wait_for(lock, poll, [&] { return phase_ != Phase::kRunning || wakeups_ > 0; });
      if (phase_ != Phase::kRunning) return;
      if (wakeups_ > 0) --wakeups_;
    }
    // Drain: claim until nothing is left.
    while (ClaimAndRun()) {
    }
  }
}

bool RequestQueue::ClaimAndRun() {
  Result<std::optional<ClaimedRequest>> claimed =
      metadata_->ClaimRequest(options_.owner, options_.lease_micros);
  if (!claimed.ok()) {
    spdlog::warn("claiming an export request failed: {}", claimed.status().ToString());
    return false;
  }
  if (!claimed->has_value()) return false;
  auto job = std::make_shared<Job>();
  job->request = std::move((*claimed)->request);
  const std::string id = job->request.id;
  const bool resumed = !(*claimed)->previous_owner.empty() || job->request.progress > 0;
  bool stopping = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto held = jobs_.find(id);
    if (held != jobs_.end() && !held->second->done) {
      // Ours already (its lease ran out on a clock that jumped): the running worker renews it.
      return false;
    }
    stopping = phase_ != Phase::kRunning;
    if (!stopping) {
      jobs_[id] = job;
      job->running = true;
      ++running_;
      if (resumed) ++stats_.recovered;
    }
  }
  if (stopping) {
    // Claimed just as Stop() began: give it back for the next start or another replica.
    Status released = metadata_->ReleaseRequests(options_.owner, {id});
    if (!released.ok()) spdlog::warn("request {}: {}", id, released.ToString());
    return false;
  }
  keeper_->Hold(id, [job] {
    job->lease_lost = true;
    job->shutdown.Cancel();
    job->cancel.Cancel();
  });
  // A request that ran before (here or on a replica that died) starts over from nothing; a new
  // one has nothing to remove, but a crash between its files and its row is cheap to rule out.
  Result<size_t> removed = RemoveRangeFiles(job->request.start_time, job->request.end_time);
  const bool removal_failed = !removed.ok();
  if (removal_failed) {
    spdlog::warn("request {}: removing earlier files failed: {}; it stays for another try", id,
                 removed.status().ToString());
    job->shutdown.Cancel();
  } else if (resumed) {
    spdlog::info("request {} ({}..{}) resumed{}: removed {} partial file(s)", id,
                 job->request.start_time, job->request.end_time,
                 (*claimed)->previous_owner.empty() || (*claimed)->previous_owner == options_.owner
                     ? ""
                     : fmt::format(" from {}", (*claimed)->previous_owner),
                 *removed);
  }
  if (job->shutdown.cancelled()) {
    std::lock_guard<std::mutex> lock(mu_);
    CountOutcomeLocked(*job, Cancelled("not started"));
  } else {
    RunJob(*job);
  }
  keeper_->Drop(id);
  if (job->shutdown.cancelled() && !job->lease_lost) {
    // Stopped: free the lease so the next start or another replica resumes it at once.
    Status released = metadata_->ReleaseRequests(options_.owner, {id});
    if (!released.ok()) spdlog::warn("request {}: {}", id, released.ToString());
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    job->running = false;
    job->done = true;
    --running_;
    RememberLocked(job);
  }
  job_done_.notify_all();
  return !removal_failed;  // after a store error, wait a poll interval before the next claim
}

void RequestQueue::RunJob(Job& job) {
  const std::string& id = job.request.id;
  Status outcome;
  Result<ExportSlots::Slot> slot = slots_->Acquire(&job.cancel);
  JobObserver observer(&job);
  if (!slot.ok()) {
    outcome = slot.status();
    if (!job.shutdown.cancelled()) {
      // Cancelled while waiting for a slot: nothing was written.
      Status recorded = metadata_->FinishRequestAs(id, options_.owner, RequestState::kCancelled,
                                                   std::string(kCancelledError), {});
      if (!recorded.ok()) spdlog::error("request {}: {}", id, recorded.ToString());
    }
  } else {
    spdlog::info("request {} ({}..{}) started", id, job.request.start_time, job.request.end_time);
    outcome =
        exporter_->Run(job.request, std::nullopt, &job.cancel, &observer, &job.shutdown).status();
  }
  if (!outcome.ok()) observer.MarkRunningFailed();
  std::lock_guard<std::mutex> lock(mu_);
  CountOutcomeLocked(job, outcome);
}

void RequestQueue::CountOutcomeLocked(const Job& job, const Status& status) {
  const std::string& id = job.request.id;
  if (status.ok()) {
    ++stats_.completed;
    spdlog::info("request {} completed", id);
  } else if (job.lease_lost) {
    spdlog::warn("request {} stopped: its lease was lost; whoever holds it now finishes it", id);
  } else if (job.shutdown.cancelled() && !job.user_cancelled) {
    spdlog::info("request {} interrupted by shutdown; it stays IN_PROGRESS", id);
  } else if (job.user_cancelled) {
    ++stats_.cancelled;
    spdlog::info("request {} cancelled", id);
  } else {
    ++stats_.failed;
    spdlog::warn("request {} failed: {}", id, status.ToString());
  }
}

void RequestQueue::RememberLocked(const std::shared_ptr<Job>& job) {
  finished_order_.push_back(job->request.id);
  while (finished_order_.size() > kKeepFinished) {
    auto oldest = jobs_.find(finished_order_.front());
    if (oldest != jobs_.end() && oldest->second->done) jobs_.erase(oldest);
    finished_order_.pop_front();
  }
}

// --- observing ---

std::optional<std::vector<TableProgress>> RequestQueue::Progress(const std::string& id) const {
  std::shared_ptr<Job> job;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto found = jobs_.find(id);
    if (found == jobs_.end()) return std::nullopt;
    job = found->second;
  }
  std::lock_guard<std::mutex> lock(job->progress_mu);
  return job->tables;
}

QueueStats RequestQueue::stats() const {
  Result<int64_t> waiting = metadata_->CountUnclaimedRequests();
  std::lock_guard<std::mutex> lock(mu_);
  QueueStats stats = stats_;
  stats.queued = waiting.ok() ? static_cast<size_t>(std::max<int64_t>(*waiting, 0)) : 0;
  stats.running = running_;
  return stats;
}

}  // namespace de
