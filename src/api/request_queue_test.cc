// The request queue against the real embedded backends (SQLite warehouse and metadata, local
// object store in a temporary directory). A gate around the real warehouse holds scans until
// the test lets them through and counts how many run at once.
#include "api/request_queue.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <thread>

#include "export/embedded_backends_testing.h"
#include "metadata/sqlite/sqlite_metadata_store.h"
#include "policy/demo_policy.h"
#include "storage/local/local_object_store.h"
#include "warehouse/sqlite/demo_warehouse.h"
#include "warehouse/sqlite/sqlite_warehouse.h"

namespace de {
namespace {

constexpr int64_t kDay = 1'795'132'800;  // 2026-11-20T00:00:00Z
constexpr auto kPatience = std::chrono::seconds(60);
// Leases outlive the test: SteppingClock moves a second per reading.
constexpr int64_t kLongLease = int64_t{1'000'000} * 86'400 * 10;

// Waits (polling) until `done` holds; false after kPatience.
bool WaitUntil(const std::function<bool()>& done) {
  auto deadline = std::chrono::steady_clock::now() + kPatience;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

// A clock that moves on by one second every time it is read, so the progress throttle never
// holds a write back.
class SteppingClock final : public Clock {
 public:
  int64_t NowMicros() const override { return now_.fetch_add(1'000'000); }

 private:
  mutable std::atomic<int64_t> now_{(kDay + 2 * 86'400) * int64_t{1'000'000}};
};

// Wraps a real warehouse. Scans wait at a gate until a permit lets them through (or their
// cancellation token fires); counts scans that are alive at once (waiting or reading).
class GatedWarehouse final : public Warehouse {
 public:
  explicit GatedWarehouse(Warehouse* inner) : inner_(inner) {}

  void Close() { SetPermits(0); }
  void Open() { SetPermits(kUnlimited); }
  // Lets exactly `n` more scans through (the gate must be closed).
  void Allow(int64_t n) { SetPermits(n); }

  size_t waiting() const {
    std::lock_guard<std::mutex> lock(mu_);
    return waiting_;
  }
  size_t peak() const {
    std::lock_guard<std::mutex> lock(mu_);
    return peak_;
  }
  int scans() const {
    std::lock_guard<std::mutex> lock(mu_);
    return scans_;
  }
  bool WaitForWaiting(size_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    return changed_.wait_for(lock, kPatience, [&] { return waiting_ >= n; });
  }

  Result<std::vector<std::string>> ListTables() override { return inner_->ListTables(); }
  Result<TableSchema> DescribeTable(const std::string& table) override {
    return inner_->DescribeTable(table);
  }
  Status Ping() override { return inner_->Ping(); }
  const ScanGauge& scan_gauge() const override { return inner_->scan_gauge(); }

  Result<std::unique_ptr<BatchReader>> Scan(const ScanSpec& spec,
                                            CancellationToken* cancel) override {
    {
      std::unique_lock<std::mutex> lock(mu_);
      peak_ = std::max(peak_, ++alive_);
      ++waiting_;
      changed_.notify_all();
      while (permits_ == 0) {
        if (cancel != nullptr && cancel->cancelled()) {
          --waiting_;
          --alive_;
          return Cancelled("scan of {} cancelled at the gate", spec.table);
        }
        changed_.wait_for(lock, std::chrono::milliseconds(5));
      }
      if (permits_ > 0) --permits_;
      --waiting_;
      ++scans_;
    }
    Result<std::unique_ptr<BatchReader>> reader = inner_->Scan(spec, cancel);
    if (!reader.ok()) {
      Ended();
      return reader.status();
    }
    return std::unique_ptr<BatchReader>(new Reader(std::move(reader).value(), this));
  }

 private:
  static constexpr int64_t kUnlimited = -1;

  class Reader final : public BatchReader {
   public:
    Reader(std::unique_ptr<BatchReader> inner, GatedWarehouse* owner)
        : inner_(std::move(inner)), owner_(owner) {}
    ~Reader() override { owner_->Ended(); }
    const Schema& schema() const override { return inner_->schema(); }
    Result<bool> Next(Batch* batch) override { return inner_->Next(batch); }

   private:
    std::unique_ptr<BatchReader> inner_;
    GatedWarehouse* owner_;
  };

  void SetPermits(int64_t permits) {
    std::lock_guard<std::mutex> lock(mu_);
    permits_ = permits;
    changed_.notify_all();
  }
  void Ended() {
    std::lock_guard<std::mutex> lock(mu_);
    --alive_;
  }

  Warehouse* inner_;
  mutable std::mutex mu_;
  std::condition_variable changed_;
  int64_t permits_ = kUnlimited;
  size_t waiting_ = 0;
  size_t alive_ = 0;
  size_t peak_ = 0;
  int scans_ = 0;
};

class RequestQueueTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    warehouse_path_ = new std::string(::testing::TempDir() + "/request_queue_demo.db");
    ASSERT_TRUE(CreateDemoWarehouse(*warehouse_path_, kDay).ok());
  }
  static void TearDownTestSuite() {
    std::filesystem::remove(*warehouse_path_);
    delete warehouse_path_;
  }

  void SetUp() override {
    dir_ = testing_support::FreshTestDirectory("request_queue");
    testing_support::EmbeddedBackends backends;
    ASSERT_NO_FATAL_FAILURE(backends.Open(*warehouse_path_, dir_, &clock_));
    warehouse_ = std::move(backends.warehouse);
    gate_ = std::make_unique<GatedWarehouse>(warehouse_.get());
    metadata_ = std::move(backends.metadata);
    store_ = std::move(backends.store);
    ASSERT_TRUE(metadata_->ReplacePolicy(TwoTablePolicy()).ok());
    ExportOptions export_options;
    export_options.batch_rows = 4096;
    export_options.store_uri = "file://" + store_->root();
    export_options.treatments.hash_key = "request-queue-test-hash-key";
    exporter_ = std::make_unique<OnDemandExporter>(gate_.get(), metadata_.get(), store_.get(),
                                                   &clock_, export_options, layout_);
  }

  void TearDown() override {
    queue_.reset();  // stops workers before the backends go
    std::filesystem::remove_all(dir_);
  }

  // The demo policy with only cctv and incident enabled (the two small tables).
  static PolicySnapshot TwoTablePolicy() {
    PolicySnapshot policy = DemoPolicySnapshot();
    for (ExportTable& table : policy.export_tables) {
      table.enabled = table.table_name == "cctv" || table.table_name == "incident";
    }
    return policy;
  }

  RequestQueue& NewQueue(size_t workers, size_t max_queued, size_t slot_limit) {
    queue_.reset();
    slots_ = std::make_unique<ExportSlots>(slot_limit);
    queue_ =
        std::make_unique<RequestQueue>(exporter_.get(), metadata_.get(), store_.get(), slots_.get(),
                                       RequestQueueOptions{.workers = workers,
                                                           .max_queued = max_queued,
                                                           .owner = "test-replica",
                                                           .lease_micros = kLongLease});
    return *queue_;
  }

  // A ten-minute range of the demo day; different `n` never share a range.
  static int64_t Start(int n) { return kDay + 600 * n; }
  static int64_t End(int n) { return Start(n) + 600; }

  ExportRequest Row(const std::string& id) {
    auto row = metadata_->GetRequest(id);
    EXPECT_TRUE(row.ok() && row->has_value()) << id;
    return row.ok() && row->has_value() ? **row : ExportRequest{};
  }
  bool Final(const std::string& id) { return Row(id).state != RequestState::kInProgress; }
  bool WaitFinal(const std::string& id) {
    return WaitUntil([&] { return Final(id); });
  }
  // A row is final before its worker lets go of the slot; this waits for the worker too.
  bool WaitIdle() {
    return WaitUntil([&] {
      QueueStats stats = queue_->stats();
      return stats.running == 0 && stats.queued == 0;
    });
  }

  size_t RequestCount() {
    Result<std::vector<ExportRequest>> requests = metadata_->ListRequests(1000);
    EXPECT_TRUE(requests.ok());
    return requests.ok() ? requests->size() : 0;
  }
  std::vector<std::string> Keys(const std::string& prefix = "") {
    Result<std::vector<ObjectInfo>> objects = store_->List(prefix);
    EXPECT_TRUE(objects.ok()) << objects.status().ToString();
    std::vector<std::string> keys;
    if (!objects.ok()) return keys;
    for (const ObjectInfo& object : *objects) keys.push_back(object.key);
    return keys;
  }
  std::string Dir(const std::string& table, int n) {
    return layout_.Directory(table, Start(n), End(n));
  }
  void PutObject(const std::string& key, const std::string& bytes) {
    auto stream = store_->Put(key, PutOptions{});
    ASSERT_TRUE(stream.ok());
    ASSERT_TRUE((*stream)->Write(bytes).ok());
    ASSERT_TRUE((*stream)->Close().ok());
  }

  static std::string* warehouse_path_;
  std::string dir_;
  SteppingClock clock_;
  OnDemandLayout layout_{"exports", "test"};
  std::unique_ptr<Warehouse> warehouse_;
  std::unique_ptr<GatedWarehouse> gate_;
  std::unique_ptr<SqliteMetadataStore> metadata_;
  std::unique_ptr<LocalObjectStore> store_;
  std::unique_ptr<OnDemandExporter> exporter_;
  std::unique_ptr<ExportSlots> slots_;
  std::unique_ptr<RequestQueue> queue_;
};

std::string* RequestQueueTest::warehouse_path_ = nullptr;

TEST_F(RequestQueueTest, RunsARequestToCompletionWithPerTableProgress) {
  RequestQueue& queue = NewQueue(2, 10, 2);
  ASSERT_TRUE(queue.Start().ok());
  auto request = queue.Submit(Start(0), End(0));
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  EXPECT_EQ(request->state, RequestState::kInProgress);
  EXPECT_EQ(request->policy_version, *metadata_->PolicyVersion());
  ASSERT_TRUE(WaitFinal(request->id));
  EXPECT_EQ(Row(request->id).state, RequestState::kCompleted);
  EXPECT_EQ(Row(request->id).progress, 100.0);

  auto progress = queue.Progress(request->id);
  ASSERT_TRUE(progress.has_value());
  ASSERT_EQ(progress->size(), 2u);
  auto files = *metadata_->ListRequestFiles(request->id);
  for (size_t i = 0; i < 2; ++i) {
    const TableProgress& table = (*progress)[i];
    EXPECT_EQ(table.table, i == 0 ? "cctv" : "incident");
    EXPECT_EQ(table.state, TableProgress::State::kCompleted);
    EXPECT_EQ(table.files, 1u);
    uint64_t rows = 0;
    uint64_t bytes = 0;
    for (const RequestFile& f : files) {
      if (f.table_name == table.table && !f.is_manifest) {
        rows += f.rows;
        bytes += f.bytes;
      }
    }
    EXPECT_GT(table.rows, 0u);
    EXPECT_GE(table.rows, rows);  // rows read; some may be dropped by the policy
    EXPECT_EQ(table.bytes, bytes);
  }
  EXPECT_FALSE(queue.Progress("00000000-0000-4000-8000-000000000000").has_value());
  ASSERT_TRUE(WaitIdle());
  QueueStats stats = queue.stats();
  EXPECT_EQ(stats.accepted, 1u);
  EXPECT_EQ(stats.completed, 1u);
  EXPECT_EQ(stats.failed, 0u);
  EXPECT_EQ(stats.queued, 0u);
  EXPECT_EQ(stats.running, 0u);
}

TEST_F(RequestQueueTest, ProgressIsRecordedPerTableWhileRunning) {
  RequestQueue& queue = NewQueue(1, 10, 1);
  gate_->Close();
  gate_->Allow(1);  // cctv runs, incident waits at the gate
  ASSERT_TRUE(queue.Start().ok());
  auto request = queue.Submit(Start(0), End(0));
  ASSERT_TRUE(request.ok());
  ASSERT_TRUE(gate_->WaitForWaiting(1));
  // One of two tables done: 50 % in the store (the stepping clock never throttles).
  EXPECT_EQ(Row(request->id).progress, 50.0);
  auto progress = queue.Progress(request->id);
  ASSERT_TRUE(progress.has_value());
  ASSERT_EQ(progress->size(), 2u);
  EXPECT_EQ((*progress)[0].state, TableProgress::State::kCompleted);
  EXPECT_EQ((*progress)[1].table, "incident");
  EXPECT_EQ((*progress)[1].state, TableProgress::State::kRunning);
  EXPECT_EQ((*progress)[1].rows, 0u);
  EXPECT_EQ(queue.stats().running, 1u);
  gate_->Open();
  ASSERT_TRUE(WaitFinal(request->id));
  EXPECT_EQ(Row(request->id).state, RequestState::kCompleted);
}

TEST_F(RequestQueueTest, BurstPastTheQueueLimitIsRefusedExactlyAndTheRestCompletes) {
  constexpr size_t kWorkers = 2;
  constexpr size_t kMaxQueued = 3;
  RequestQueue& queue = NewQueue(kWorkers, kMaxQueued, kWorkers);
  gate_->Close();
  ASSERT_TRUE(queue.Start().ok());
  std::vector<std::string> accepted;
  for (int n = 0; n < static_cast<int>(kWorkers); ++n) {
    auto request = queue.Submit(Start(n), End(n));
    ASSERT_TRUE(request.ok()) << request.status().ToString();
    accepted.push_back(request->id);
  }
  ASSERT_TRUE(gate_->WaitForWaiting(kWorkers));  // every worker is busy
  int refused = 0;
  for (int n = kWorkers; n < static_cast<int>(kWorkers) + 7; ++n) {
    auto request = queue.Submit(Start(n), End(n));
    if (request.ok()) {
      accepted.push_back(request->id);
      continue;
    }
    ++refused;
    EXPECT_EQ(request.status().code(), StatusCode::kResourceExhausted);
    EXPECT_EQ(request.status().message(),
              "the export queue is full (3 requests waiting); try again later");
  }
  EXPECT_EQ(refused, 4);
  EXPECT_EQ(accepted.size(), kWorkers + kMaxQueued);
  EXPECT_EQ(RequestCount(), kWorkers + kMaxQueued);  // refusals recorded nothing
  QueueStats stats = queue.stats();
  EXPECT_EQ(stats.queued, kMaxQueued);
  EXPECT_EQ(stats.running, kWorkers);
  EXPECT_EQ(stats.refused, 4u);

  gate_->Open();
  for (const std::string& id : accepted) {
    ASSERT_TRUE(WaitFinal(id));
    EXPECT_EQ(Row(id).state, RequestState::kCompleted) << Row(id).error;
  }
  ASSERT_TRUE(WaitIdle());
  stats = queue.stats();
  EXPECT_EQ(stats.accepted, kWorkers + kMaxQueued);
  EXPECT_EQ(stats.completed, kWorkers + kMaxQueued);
  EXPECT_EQ(stats.failed, 0u);
  // With room again, a new request is accepted.
  EXPECT_TRUE(queue.Submit(Start(20), End(20)).ok());
}

TEST_F(RequestQueueTest, NoMoreExportsRunThanTheSharedSlotLimit) {
  RequestQueue& queue = NewQueue(/*workers=*/4, 20, /*slot_limit=*/2);
  gate_->Close();
  ASSERT_TRUE(queue.Start().ok());
  std::vector<std::string> ids;
  for (int n = 0; n < 8; ++n) ids.push_back(queue.Submit(Start(n), End(n))->id);
  ASSERT_TRUE(gate_->WaitForWaiting(2));
  ASSERT_TRUE(WaitUntil([&] { return queue.stats().running == 4; }));  // 2 wait for a slot
  EXPECT_EQ(slots_->in_use(), 2u);
  EXPECT_EQ(gate_->waiting(), 2u);
  gate_->Open();
  for (const std::string& id : ids) ASSERT_TRUE(WaitFinal(id));
  ASSERT_TRUE(WaitIdle());
  EXPECT_EQ(gate_->peak(), 2u);
  EXPECT_EQ(gate_->scans(), 16);
  EXPECT_EQ(slots_->in_use(), 0u);
}

TEST_F(RequestQueueTest, ASlotHeldElsewhereCountsAgainstTheLimit) {
  RequestQueue& queue = NewQueue(/*workers=*/4, 20, /*slot_limit=*/2);
  // A daily table job holds one of the two slots: on-demand exports run one at a time.
  ExportSlots::Slot daily = std::move(slots_->Acquire(nullptr)).value();
  ASSERT_TRUE(queue.Start().ok());
  std::vector<std::string> ids;
  for (int n = 0; n < 4; ++n) ids.push_back(queue.Submit(Start(n), End(n))->id);
  for (const std::string& id : ids) ASSERT_TRUE(WaitFinal(id));
  ASSERT_TRUE(WaitIdle());
  EXPECT_EQ(gate_->peak(), 1u);
  EXPECT_EQ(gate_->scans(), 8);
  EXPECT_EQ(slots_->in_use(), 1u);
}

TEST_F(RequestQueueTest, RefusesBadInputAndSubmissionsOutsideItsLifetime) {
  RequestQueue& queue = NewQueue(1, 10, 1);
  auto early = queue.Submit(Start(0), End(0));
  EXPECT_EQ(early.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(early.status().message(), kQueueNotStarted);
  ASSERT_TRUE(queue.Start().ok());
  EXPECT_EQ(queue.Start().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(queue.Submit(kDay, kDay).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(queue.Submit(kDay, kDay + 86'401).status().code(), StatusCode::kInvalidArgument);
  queue.Stop();
  auto late = queue.Submit(Start(0), End(0));
  EXPECT_EQ(late.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(late.status().message(), "the export queue is shutting down");
  EXPECT_EQ(RequestCount(), 0u);
  queue.Stop();  // idempotent
}

TEST_F(RequestQueueTest, SameRangeInProgressReturnsTheRunningRequest) {
  RequestQueue& queue = NewQueue(1, 10, 1);
  gate_->Close();
  ASSERT_TRUE(queue.Start().ok());
  auto first = queue.Submit(Start(0), End(0));
  ASSERT_TRUE(first.ok());
  auto again = queue.Submit(Start(0), End(0));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->id, first->id);
  auto other = queue.Submit(Start(0), End(0) + 1);  // overlapping is not the same range
  ASSERT_TRUE(other.ok());
  EXPECT_NE(other->id, first->id);
  EXPECT_EQ(RequestCount(), 2u);
  EXPECT_EQ(queue.stats().coalesced, 1u);
  gate_->Open();
  ASSERT_TRUE(WaitFinal(first->id));
  ASSERT_TRUE(WaitFinal(other->id));
}

TEST_F(RequestQueueTest, SameRangeCompletedUnderTheCurrentPolicyIsReused) {
  RequestQueue& queue = NewQueue(1, 10, 1);
  ASSERT_TRUE(queue.Start().ok());
  auto first = queue.Submit(Start(0), End(0));
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(WaitFinal(first->id));
  int scans = gate_->scans();
  auto again = queue.Submit(Start(0), End(0));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->id, first->id);
  EXPECT_EQ(again->state, RequestState::kCompleted);
  EXPECT_EQ(gate_->scans(), scans);  // nothing exported again
  EXPECT_EQ(RequestCount(), 1u);
}

TEST_F(RequestQueueTest, CompletedRequestWhoseFilesAreGoneIsRetiredAndRunAgain) {
  RequestQueue& queue = NewQueue(1, 10, 1);
  ASSERT_TRUE(queue.Start().ok());
  auto first = queue.Submit(Start(0), End(0));
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(WaitFinal(first->id));
  ASSERT_TRUE(store_->Delete(Dir("incident", 0) + "/incident_000.parquet").ok());
  auto second = queue.Submit(Start(0), End(0));
  ASSERT_TRUE(second.ok());
  EXPECT_NE(second->id, first->id);
  ExportRequest old = Row(first->id);
  EXPECT_EQ(old.state, RequestState::kFailed);
  EXPECT_EQ(old.error, "expired: its files are no longer in the object store; request it again");
  ASSERT_TRUE(WaitFinal(second->id));
  EXPECT_EQ(Row(second->id).state, RequestState::kCompleted);
  EXPECT_EQ(Keys(Dir("incident", 0)).size(), 2u);
}

TEST_F(RequestQueueTest, PolicyChangeRetiresTheOldExportBeforeTheNewOneRuns) {
  RequestQueue& queue = NewQueue(1, 10, 1);
  ASSERT_TRUE(queue.Start().ok());
  auto first = queue.Submit(Start(0), End(0));
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(WaitFinal(first->id));
  ASSERT_EQ(Keys().size(), 4u);  // two tables, a file and a manifest each

  PolicySnapshot changed = TwoTablePolicy();
  for (ColumnClassification& column : changed.columns) {
    if (column.table_name == "cctv" && column.column_name == "vehicle_count") {
      column.classification = "de";
    }
  }
  auto version = metadata_->ReplacePolicy(changed);
  ASSERT_TRUE(version.ok());
  ASSERT_GT(*version, first->policy_version);

  gate_->Close();
  auto second = queue.Submit(Start(0), End(0));
  ASSERT_TRUE(second.ok());
  EXPECT_NE(second->id, first->id);
  EXPECT_EQ(second->policy_version, *version);
  ExportRequest old = Row(first->id);
  EXPECT_EQ(old.state, RequestState::kFailed);
  EXPECT_EQ(old.error, "superseded: the policy changed; request it again");
  EXPECT_TRUE(metadata_->ListRequestFiles(first->id)->empty());
  EXPECT_TRUE(Keys().empty()) << "files made under the old policy must be gone";

  gate_->Open();
  ASSERT_TRUE(WaitFinal(second->id));
  EXPECT_EQ(Row(second->id).state, RequestState::kCompleted);
  EXPECT_EQ(Keys().size(), 4u);
  auto manifest = store_->Get(Dir("cctv", 0) + "/manifest");
  ASSERT_TRUE(manifest.ok());
  auto json = nlohmann::json::parse(*manifest);
  EXPECT_EQ(json["export"]["policy_version"], *version);
  for (const auto& element : json["schema"]["elements"])
    EXPECT_NE(element["name"], "vehicle_count");
}

TEST_F(RequestQueueTest, CancellingAQueuedRequestTakesItOutOfTheQueue) {
  RequestQueue& queue = NewQueue(1, 10, 1);
  gate_->Close();
  ASSERT_TRUE(queue.Start().ok());
  auto running = queue.Submit(Start(0), End(0));
  ASSERT_TRUE(gate_->WaitForWaiting(1));
  auto queued = queue.Submit(Start(1), End(1));
  ASSERT_TRUE(queued.ok());
  EXPECT_EQ(queue.stats().queued, 1u);
  ASSERT_TRUE(queue.Cancel(queued->id).ok());
  EXPECT_EQ(queue.stats().queued, 0u);
  ExportRequest row = Row(queued->id);
  EXPECT_EQ(row.state, RequestState::kCancelled);
  EXPECT_EQ(row.error, "cancelled by request");

  Status again = queue.Cancel(queued->id);
  EXPECT_EQ(again.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(again.message(),
            fmt::format("request '{}' already finished: it is CANCELLED", queued->id));
  Status unknown = queue.Cancel("00000000-0000-4000-8000-000000000000");
  EXPECT_EQ(unknown.code(), StatusCode::kNotFound);
  EXPECT_EQ(unknown.message(), "request '00000000-0000-4000-8000-000000000000' does not exist");

  gate_->Open();
  ASSERT_TRUE(WaitFinal(running->id));
  EXPECT_EQ(Row(running->id).state, RequestState::kCompleted);
  EXPECT_EQ(queue.Cancel(running->id).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(gate_->scans(), 2);  // the cancelled request never reached the warehouse
  ASSERT_TRUE(WaitIdle());
  QueueStats stats = queue.stats();
  EXPECT_EQ(stats.cancelled, 1u);
  EXPECT_EQ(stats.completed, 1u);
}

TEST_F(RequestQueueTest, CancellingARunningRequestRemovesWhatItHadWritten) {
  RequestQueue& queue = NewQueue(1, 10, 1);
  gate_->Close();
  gate_->Allow(1);  // cctv is published, incident waits
  ASSERT_TRUE(queue.Start().ok());
  auto request = queue.Submit(Start(0), End(0));
  ASSERT_TRUE(request.ok());
  ASSERT_TRUE(gate_->WaitForWaiting(1));
  ASSERT_EQ(Keys().size(), 2u);                 // cctv's file and manifest
  ASSERT_TRUE(queue.Cancel(request->id).ok());  // returns once the run has ended
  ExportRequest row = Row(request->id);
  EXPECT_EQ(row.state, RequestState::kCancelled);
  EXPECT_TRUE(Keys().empty());
  EXPECT_TRUE(metadata_->ListRequestFiles(request->id)->empty());
  auto progress = queue.Progress(request->id);
  ASSERT_TRUE(progress.has_value());
  EXPECT_EQ((*progress)[1].state, TableProgress::State::kFailed);
  QueueStats stats = queue.stats();
  EXPECT_EQ(stats.cancelled, 1u);
  EXPECT_EQ(stats.running, 0u);
  EXPECT_EQ(slots_->in_use(), 0u);
  EXPECT_EQ(queue.Cancel(request->id).code(), StatusCode::kFailedPrecondition);
}

TEST_F(RequestQueueTest, CancellingARequestWaitingForASlot) {
  RequestQueue& queue = NewQueue(2, 10, 1);
  gate_->Close();
  ASSERT_TRUE(queue.Start().ok());
  auto first = queue.Submit(Start(0), End(0));
  ASSERT_TRUE(gate_->WaitForWaiting(1));
  auto second = queue.Submit(Start(1), End(1));
  ASSERT_TRUE(WaitUntil([&] { return queue.stats().running == 2; }));
  ASSERT_TRUE(queue.Cancel(second->id).ok());
  EXPECT_EQ(Row(second->id).state, RequestState::kCancelled);
  gate_->Open();
  ASSERT_TRUE(WaitFinal(first->id));
  EXPECT_EQ(gate_->scans(), 2);
}

TEST_F(RequestQueueTest, StartRecoversInProgressRequestsAndRemovesTheirPartialFiles) {
  // A crash left a request IN_PROGRESS with a partial file of each table.
  ExportRequest orphan;
  orphan.id = "6f1c1e4e-3c2a-4d7b-9a51-2d3b1f0e9a77";
  orphan.start_time = Start(3);
  orphan.end_time = End(3);
  orphan.progress = 40;
  orphan.policy_version = *metadata_->PolicyVersion();
  ASSERT_TRUE(metadata_->CreateRequest(orphan).ok());
  PutObject(Dir("cctv", 3) + "/cctv_000.parquet", "half a file");
  PutObject(Dir("incident", 3) + "/incident_004.parquet", "a stray rotation");
  PutObject(Dir("way", 3) + "/way_000.parquet", "table disabled since");
  PutObject(Dir("cctv", 4) + "/cctv_000.parquet", "another range: kept");

  RequestQueue& queue = NewQueue(1, 10, 1);
  ASSERT_TRUE(queue.Start().ok());
  ASSERT_TRUE(WaitFinal(orphan.id));
  EXPECT_EQ(queue.stats().recovered, 1u);
  ExportRequest row = Row(orphan.id);
  EXPECT_EQ(row.state, RequestState::kCompleted) << row.error;
  EXPECT_EQ(Keys(),
            (std::vector<std::string>{
                Dir("cctv", 3) + "/cctv_000.parquet", Dir("cctv", 3) + "/manifest",
                Dir("cctv", 4) + "/cctv_000.parquet", Dir("incident", 3) + "/incident_000.parquet",
                Dir("incident", 3) + "/manifest"}));
  auto data = store_->Get(Dir("cctv", 3) + "/cctv_000.parquet");
  ASSERT_TRUE(data.ok());
  EXPECT_EQ(data->substr(0, 4), "PAR1");
}

TEST_F(RequestQueueTest, StopInterruptsARunAndTheNextQueueFinishesIt) {
  RequestQueue& queue = NewQueue(1, 10, 1);
  gate_->Close();
  gate_->Allow(1);  // cctv is published, incident waits
  ASSERT_TRUE(queue.Start().ok());
  auto running = queue.Submit(Start(0), End(0));
  ASSERT_TRUE(gate_->WaitForWaiting(1));
  auto queued = queue.Submit(Start(1), End(1));
  ASSERT_TRUE(queued.ok());
  ASSERT_EQ(Keys().size(), 2u);
  queue.Stop();
  EXPECT_EQ(Row(running->id).state, RequestState::kInProgress);
  EXPECT_EQ(Row(running->id).progress, 50.0);
  EXPECT_EQ(Row(queued->id).state, RequestState::kInProgress);
  EXPECT_TRUE(Keys().empty()) << "an interrupted run removes what it wrote";
  QueueStats stats = queue.stats();
  EXPECT_EQ(stats.cancelled, 0u);
  EXPECT_EQ(stats.failed, 0u);
  EXPECT_EQ(stats.running, 0u);
  EXPECT_EQ(slots_->in_use(), 0u);

  gate_->Open();
  RequestQueue& next = NewQueue(1, 10, 1);
  ASSERT_TRUE(next.Start().ok());
  ASSERT_TRUE(WaitFinal(running->id));
  ASSERT_TRUE(WaitFinal(queued->id));
  // The interrupted one resumes (its lease was freed by Stop); the other never started.
  EXPECT_EQ(next.stats().recovered, 1u);
  EXPECT_EQ(Row(running->id).state, RequestState::kCompleted);
  EXPECT_EQ(Row(queued->id).state, RequestState::kCompleted);
  EXPECT_EQ(Keys().size(), 8u);
  EXPECT_EQ(RequestCount(), 2u);
}

TEST_F(RequestQueueTest, CancellingAnInProgressRequestThisQueueDoesNotHold) {
  ExportRequest foreign;
  foreign.id = "0b7e2f8a-51c4-4e0f-8d6b-7c9a1e3f5d21";
  foreign.start_time = Start(5);
  foreign.end_time = End(5);
  ASSERT_TRUE(metadata_->CreateRequest(foreign).ok());
  PutObject(Dir("cctv", 5) + "/cctv_000.parquet", "partial");
  RequestQueue& queue = NewQueue(1, 10, 1);
  gate_->Close();
  // Not started: nothing was recovered, so the queue does not hold it.
  ASSERT_TRUE(queue.Cancel(foreign.id).ok());
  EXPECT_EQ(Row(foreign.id).state, RequestState::kCancelled);
  EXPECT_TRUE(Keys().empty());
}

}  // namespace
}  // namespace de
