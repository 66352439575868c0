#include "api/request_queue.h"

#include <algorithm>
#include <functional>
#include <set>

#include <spdlog/spdlog.h>

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
      options_(std::move(options)) {}

RequestQueue::~RequestQueue() { Stop(); }

// --- lifecycle ---

Status RequestQueue::Start() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (phase_ != Phase::kNew || !workers_.empty()) {
      return FailedPrecondition("the export queue was already started");
    }
  }
  ASSIGN_OR_RETURN(std::vector<ExportRequest> unfinished,
                   metadata_->ListRequestsInState(RequestState::kInProgress));
  std::vector<std::shared_ptr<Job>> recovered;
  for (ExportRequest& request : unfinished) {
    ASSIGN_OR_RETURN(size_t removed, RemoveRangeFiles(request.start_time, request.end_time));
    spdlog::info(
        "recovering request {} ({}..{}), left IN_PROGRESS by an earlier run: removed {} "
        "partial file(s), queued again",
        request.id, request.start_time, request.end_time, removed);
    auto job = std::make_shared<Job>();
    job->request = std::move(request);
    job->recovered = true;
    recovered.push_back(std::move(job));
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (phase_ != Phase::kNew) return FailedPrecondition("the export queue was stopped");
  for (std::shared_ptr<Job>& job : recovered) {
    jobs_[job->request.id] = job;
    queue_.push_back(std::move(job));
    ++stats_.recovered;
  }
  phase_ = Phase::kRunning;
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
  {
    std::lock_guard<std::mutex> lock(mu_);
    RETURN_IF_ERROR(AvailableLocked());
    if (counted_ + reserved_ >= options_.max_queued) {
      ++stats_.refused;
      return ResourceExhausted("the export queue is full ({} requests waiting); try again later",
                               queue_.size() + reserved_);
    }
    ++reserved_;
  }
  Result<ExportRequest> request = [&]() -> Result<ExportRequest> {
    for (const auto& [stale, error] : range.stale) RETURN_IF_ERROR(Retire(stale, error));
    return exporter_->Submit(start_time, end_time, std::nullopt);
  }();
  std::lock_guard<std::mutex> lock(mu_);
  --reserved_;
  if (!request.ok()) return request.status();
  auto job = std::make_shared<Job>();
  job->request = *request;
  jobs_[request->id] = job;
  queue_.push_back(std::move(job));
  ++counted_;
  ++stats_.accepted;
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
    for (const ObjectInfo& object : objects) {
      RETURN_IF_ERROR(store_->Delete(object.key));
      ++removed;
    }
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
  if (!job->running) {
    // Still queued: it never wrote anything.
    std::erase(queue_, job);
    if (!job->recovered) --counted_;
    job->done = true;
    job->user_cancelled = true;
    ++stats_.cancelled;
    RememberLocked(job);
    lock.unlock();
    spdlog::info("request {} cancelled while queued", id);
    return metadata_->FinishRequest(id, RequestState::kCancelled, std::string(kCancelledError), {});
  }
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
  while (true) {
    std::shared_ptr<Job> job;
    {
      std::unique_lock<std::mutex> lock(mu_);
      work_.wait(lock, [&] { return phase_ != Phase::kRunning || !queue_.empty(); });
      if (phase_ != Phase::kRunning) return;
      job = queue_.front();
      queue_.pop_front();
      if (!job->recovered) --counted_;
      job->running = true;
      ++running_;
    }
    RunJob(*job);
    {
      std::lock_guard<std::mutex> lock(mu_);
      job->running = false;
      job->done = true;
      --running_;
      RememberLocked(job);
    }
    job_done_.notify_all();
  }
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
      Status recorded =
          metadata_->FinishRequest(id, RequestState::kCancelled, std::string(kCancelledError), {});
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
  std::lock_guard<std::mutex> lock(mu_);
  QueueStats stats = stats_;
  stats.queued = queue_.size();
  stats.running = running_;
  return stats;
}

}  // namespace de
