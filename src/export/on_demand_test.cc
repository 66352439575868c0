// The on-demand flow against the real embedded backends (SQLite warehouse and metadata, local
// object store in a temporary directory), with a fault-injecting wrapper around the real store.
#include "export/on_demand.h"

#include <gtest/gtest.h>

#include <fmt/format.h>
#include <atomic>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>

#include "export/embedded_backends_testing.h"
#include "export/links.h"
#include "metadata/sqlite/sqlite_metadata_store.h"
#include "policy/demo_policy.h"
#include "storage/local/local_object_store.h"
#include "warehouse/sqlite/demo_warehouse.h"
#include "warehouse/sqlite/sqlite_warehouse.h"

namespace de {
namespace {

constexpr int64_t kDay = 1'795'132'800;  // 2026-11-20T00:00:00Z

// Wraps a real store; fails the Nth stream Close() (1-based) with kUnavailable, or never.
class FaultyObjectStore final : public ObjectStore {
 public:
  explicit FaultyObjectStore(ObjectStore* inner) : inner_(inner) {}
  void FailCloseNumber(int n) { fail_at_ = n; }

  Result<std::unique_ptr<OutputStream>> Put(const std::string& key,
                                            const PutOptions& options) override {
    ASSIGN_OR_RETURN(auto stream, inner_->Put(key, options));
    return std::unique_ptr<OutputStream>(new Stream(std::move(stream), this));
  }
  Result<std::string> Get(const std::string& key) override { return inner_->Get(key); }
  Result<std::vector<ObjectInfo>> List(const std::string& prefix) override {
    return inner_->List(prefix);
  }
  Status Copy(const std::string& from, const std::string& to) override {
    return inner_->Copy(from, to);
  }
  Status Delete(const std::string& key) override { return inner_->Delete(key); }
  Result<PresignedUrl> Presign(const std::string& key, int64_t expires) override {
    return inner_->Presign(key, expires);
  }
  Status Ping() override { return inner_->Ping(); }

 private:
  class Stream final : public OutputStream {
   public:
    Stream(std::unique_ptr<OutputStream> inner, FaultyObjectStore* store)
        : inner_(std::move(inner)), store_(store) {}
    Status Write(std::string_view bytes) override { return inner_->Write(bytes); }
    Status Close() override {
      if (++store_->closes_ == store_->fail_at_) {
        inner_->Abort();
        return Unavailable("injected: store went away");
      }
      return inner_->Close();
    }
    void Abort() override { inner_->Abort(); }
    uint64_t position() const override { return inner_->position(); }

   private:
    std::unique_ptr<OutputStream> inner_;
    FaultyObjectStore* store_;
  };

  ObjectStore* inner_;
  std::atomic<int> closes_{0};
  int fail_at_ = -1;
};

class OnDemandTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    warehouse_path_ = new std::string(::testing::TempDir() + "/on_demand_demo.db");
    ASSERT_TRUE(CreateDemoWarehouse(*warehouse_path_, kDay).ok());
  }
  static void TearDownTestSuite() {
    std::filesystem::remove(*warehouse_path_);
    delete warehouse_path_;
  }

  void SetUp() override {
    dir_ = testing_support::FreshTestDirectory("on_demand");
    testing_support::EmbeddedBackends backends;
    ASSERT_NO_FATAL_FAILURE(backends.Open(*warehouse_path_, dir_, &clock_));
    warehouse_ = std::move(backends.warehouse);
    metadata_ = std::move(backends.metadata);
    store_ = std::move(backends.store);
    faulty_ = std::make_unique<FaultyObjectStore>(store_.get());
    LoadDemoPolicy();
  }

  void LoadDemoPolicy() { ASSERT_TRUE(metadata_->ReplacePolicy(DemoPolicySnapshot()).ok()); }

  std::unique_ptr<OnDemandExporter> Exporter(uint64_t max_file_bytes = uint64_t{512} << 20) {
    ExportOptions options;
    options.max_file_bytes = max_file_bytes;
    options.batch_rows = 4096;
    options.store_uri = "file://" + store_->root();
    options.treatments.hash_key = "on-demand-test-hash-key";
    return std::make_unique<OnDemandExporter>(warehouse_.get(), metadata_.get(), faulty_.get(),
                                              &clock_, options, OnDemandLayout("exports", "test"));
  }

  size_t ObjectCount() {
    auto objects = store_->List("");
    EXPECT_TRUE(objects.ok());
    return objects->size();
  }

  size_t RequestCount() {
    auto requests = metadata_->ListRequests(1000);
    EXPECT_TRUE(requests.ok());
    return requests->size();
  }

  static std::string* warehouse_path_;
  std::string dir_;
  FakeClock clock_{kDay * 1'000'000 + 86'400'000'000};
  std::unique_ptr<Warehouse> warehouse_;
  std::unique_ptr<MetadataStore> metadata_;
  std::unique_ptr<LocalObjectStore> store_;
  std::unique_ptr<FaultyObjectStore> faulty_;
};

std::string* OnDemandTest::warehouse_path_ = nullptr;

TEST_F(OnDemandTest, ExportsOneTableIntoTheDocumentedLayout) {
  auto exporter = Exporter();
  auto request = exporter->Submit(kDay, kDay + 3600, "cctv");
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  auto result = exporter->Run(*request, "cctv", nullptr, nullptr);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->request.state, RequestState::kCompleted);
  EXPECT_EQ(result->request.progress, 100.0);
  ASSERT_EQ(result->tables.size(), 1u);
  const TableExportResult& cctv = result->tables[0];
  EXPECT_GT(cctv.rows_written, 0u);
  EXPECT_LT(cctv.rows_written, static_cast<uint64_t>(kDemoCctvRows));  // one hour of the day
  std::string dir = "exports/test/data_exporter_service/cctv/20261120/1795132800_1795136400/";
  ASSERT_EQ(cctv.files.size(), 2u);
  EXPECT_EQ(cctv.files[0].key, dir + "cctv_000.parquet");
  EXPECT_EQ(cctv.files[1].key, dir + "manifest");
  auto manifest = store_->Get(dir + "manifest");
  ASSERT_TRUE(manifest.ok());
  auto json = nlohmann::json::parse(*manifest);
  EXPECT_EQ(json["export"]["request_id"], request->id);
  EXPECT_EQ(json["export"]["rows_written"], cctv.rows_written);
  EXPECT_EQ(json["entries"][0]["meta"]["record_count"], cctv.rows_written);
  // The demo policy: plates hashed, notes nulled, the firmware column unclassified.
  std::vector<std::string> names;
  for (const auto& element : json["schema"]["elements"]) names.push_back(element["name"]);
  EXPECT_EQ(names, (std::vector<std::string>{"camera_id", "observed_at", "vehicle_count",
                                             "pedestrian_count", "plate_number", "operator_note"}));
  EXPECT_EQ(json["export"]["unclassified_columns"], nlohmann::json::array({"firmware_version"}));
  EXPECT_EQ(json["export"]["treated_columns"],
            nlohmann::json::array({"plate_number (hash)", "operator_note (null)"}));
  auto links = PresignRequestLinks(metadata_.get(), store_.get(), request->id, 86'400);
  ASSERT_TRUE(links.ok()) << links.status().ToString();
  ASSERT_EQ(links->count("cctv"), 1u);
  EXPECT_EQ(links->at("cctv").files.size(), 1u);
  EXPECT_EQ(links->at("cctv").files[0].expires_at, clock_.NowSeconds() + 86'400);
}

// A bug between plan and encoder that writes a forbidden column is caught by the audit: the file
// is never published and the table export fails.
TEST_F(OnDemandTest, AuditRefusesAFileWithAColumnThePolicyForbids) {
  auto schema = warehouse_->DescribeTable("cctv");
  ASSERT_TRUE(schema.ok());
  PolicySnapshot policy = DemoPolicySnapshot();
  policy.version = 9;
  auto plan = BuildExportPlan(policy.export_tables[0], *schema, policy);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_EQ(plan->table, "cctv");
  // Tamper: export the unclassified firmware column as if it were allowed.
  const WarehouseColumn& firmware =
      schema->columns[static_cast<size_t>(schema->ColumnIndex("firmware_version"))];
  plan->scan_columns.push_back(firmware);
  OutputColumn leak;
  leak.name = firmware.name;
  leak.type = firmware.type;
  leak.input = static_cast<int>(plan->scan_columns.size() - 1);
  plan->outputs.push_back(leak);

  ExportOptions options;
  options.treatments.hash_key = "on-demand-test-hash-key";
  TableExporter exporter(warehouse_.get(), store_.get(), options);
  TableExportTarget target;
  target.request_id = "00000000-0000-4000-8000-000000000000";
  target.start_time = kDay;
  target.end_time = kDay + 3600;
  target.data_key = [](int index) { return fmt::format("audit/cctv_{:03}.parquet", index); };
  target.manifest_key = "audit/manifest";
  auto result = exporter.Export(*plan, target, nullptr, nullptr);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kPolicyViolation);
  EXPECT_NE(result.status().message().find("firmware_version is not classified"), std::string::npos)
      << result.status().message();
  EXPECT_EQ(ObjectCount(), 0u);
}

TEST_F(OnDemandTest, RotatesFilesAndCountsReconcile) {
  auto exporter = Exporter(/*max_file_bytes=*/64 * 1024);
  auto request = exporter->Submit(kDay, kDay + 86'400, "way");
  ASSERT_TRUE(request.ok());
  auto result = exporter->Run(*request, "way", nullptr, nullptr);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const TableExportResult& way = result->tables[0];
  ASSERT_GT(way.files.size(), 3u);  // several data files + manifest
  uint64_t rows = 0;
  for (size_t i = 0; i + 1 < way.files.size(); ++i) {
    EXPECT_EQ(way.files[i].file_index, static_cast<int>(i));
    EXPECT_TRUE(way.files[i].key.ends_with(fmt::format("way_{:03}.parquet", i)));
    rows += way.files[i].rows;
  }
  EXPECT_EQ(rows, static_cast<uint64_t>(kDemoWayRows));
  EXPECT_EQ(way.rows_read, way.rows_dropped_by_policy + way.rows_written);
  EXPECT_EQ(way.rows_written, rows);
}

TEST_F(OnDemandTest, StoreFailureMidwayLeavesNoFilesAndFailsTheRequest) {
  auto exporter = Exporter();
  auto request = exporter->Submit(kDay, kDay + 86'400, std::nullopt);
  ASSERT_TRUE(request.ok());
  faulty_->FailCloseNumber(5);  // two tables published (file + manifest each), then a failure
  auto result = exporter->Run(*request, std::nullopt, nullptr, nullptr);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(result.status().message().find("injected"), std::string::npos);
  EXPECT_EQ(ObjectCount(), 0u) << "files of a failed request must be removed";
  auto row = metadata_->GetRequest(request->id);
  ASSERT_TRUE(row.ok() && row->has_value());
  EXPECT_EQ((*row)->state, RequestState::kFailed);
  EXPECT_NE((*row)->error.find("injected"), std::string::npos);
  auto files = metadata_->ListRequestFiles(request->id);
  ASSERT_TRUE(files.ok());
  EXPECT_TRUE(files->empty());
  auto links = PresignRequestLinks(metadata_.get(), store_.get(), request->id, 60);
  EXPECT_EQ(links.status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(OnDemandTest, ManifestFailureRemovesTheTablesDataFiles) {
  auto exporter = Exporter();
  auto request = exporter->Submit(kDay, kDay + 86'400, "incident");
  ASSERT_TRUE(request.ok());
  faulty_->FailCloseNumber(2);  // the data file closes, the manifest fails
  auto result = exporter->Run(*request, "incident", nullptr, nullptr);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(ObjectCount(), 0u);
}

TEST_F(OnDemandTest, FailureAfterSomeRotatedFilesRemovesThemAll) {
  auto exporter = Exporter(/*max_file_bytes=*/64 * 1024);
  auto request = exporter->Submit(kDay, kDay + 86'400, "way");
  ASSERT_TRUE(request.ok());
  faulty_->FailCloseNumber(3);  // way_000 and way_001 are published, way_002 fails
  auto result = exporter->Run(*request, "way", nullptr, nullptr);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("table way"), std::string::npos)
      << result.status().message();
  EXPECT_EQ(ObjectCount(), 0u);
  EXPECT_EQ((*metadata_->GetRequest(request->id))->state, RequestState::kFailed);
}

TEST_F(OnDemandTest, CancelledRequestLeavesNothing) {
  auto exporter = Exporter();
  auto request = exporter->Submit(kDay, kDay + 86'400, std::nullopt);
  ASSERT_TRUE(request.ok());
  CancellationToken cancel;
  cancel.Cancel();
  auto result = exporter->Run(*request, std::nullopt, &cancel, nullptr);
  EXPECT_EQ(result.status().code(), StatusCode::kCancelled);
  EXPECT_EQ(ObjectCount(), 0u);
  auto row = metadata_->GetRequest(request->id);
  EXPECT_EQ((*row)->state, RequestState::kCancelled);
}

TEST_F(OnDemandTest, RefusedSubmissionsChangeNothing) {
  auto exporter = Exporter();
  EXPECT_EQ(exporter->Submit(kDay, kDay, std::nullopt).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(exporter->Submit(kDay, kDay + 86'401, std::nullopt).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(exporter->Submit(-5, 10, std::nullopt).status().code(), StatusCode::kInvalidArgument);
  auto unknown = exporter->Submit(kDay, kDay + 60, "nope");
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);
  EXPECT_NE(unknown.status().message().find("'nope'"), std::string::npos);
  EXPECT_EQ(RequestCount(), 0u);
  EXPECT_EQ(ObjectCount(), 0u);
}

TEST_F(OnDemandTest, EmptyRangeStillPublishesAnEmptyFileAndManifest) {
  auto exporter = Exporter();
  // A range before the demo day: no rows.
  auto request = exporter->Submit(kDay - 7200, kDay - 3600, "incident");
  ASSERT_TRUE(request.ok());
  auto result = exporter->Run(*request, "incident", nullptr, nullptr);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->tables[0].rows_written, 0u);
  EXPECT_EQ(result->tables[0].files.size(), 2u);
}

// Calls `on_finished` after each table; records what it is told.
class RecordingObserver final : public ExportObserver {
 public:
  explicit RecordingObserver(std::function<void(const TableExportResult&)> on_finished = {})
      : on_finished_(std::move(on_finished)) {}
  void OnPlanned(const std::vector<std::string>& tables) override { planned = tables; }
  void OnTableStarted(const std::string& table, size_t index, size_t count) override {
    started.push_back(fmt::format("{} {}/{}", table, index, count));
  }
  void OnRows(const std::string&, uint64_t rows_read) override {
    EXPECT_GT(rows_read, last_rows_by_batch);
    last_rows_by_batch = rows_read;
  }
  void OnTableFinished(const TableExportResult& result) override {
    last_rows_by_batch = 0;
    finished.push_back(result.table);
    if (on_finished_) on_finished_(result);
  }

  std::vector<std::string> planned;
  std::vector<std::string> started;
  std::vector<std::string> finished;
  uint64_t last_rows_by_batch = 0;

 private:
  std::function<void(const TableExportResult&)> on_finished_;
};

TEST_F(OnDemandTest, SubmitStampsThePolicyVersionItPlannedWith) {
  auto exporter = Exporter();
  int64_t version = *metadata_->PolicyVersion();
  auto request = exporter->Submit(kDay, kDay + 600, "incident");
  ASSERT_TRUE(request.ok());
  EXPECT_EQ(request->policy_version, version);
  EXPECT_EQ((*metadata_->GetRequest(request->id))->policy_version, version);
}

TEST_F(OnDemandTest, ObserverSeesThePlanAndEveryTable) {
  auto exporter = Exporter();
  auto request = exporter->Submit(kDay, kDay + 600, std::nullopt);
  ASSERT_TRUE(request.ok());
  RecordingObserver observer;
  auto result = exporter->Run(*request, std::nullopt, nullptr, &observer);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  std::vector<std::string> tables = {"cctv", "incident", "way", "way_metrics_long"};
  EXPECT_EQ(observer.planned, tables);
  EXPECT_EQ(observer.finished, tables);
  EXPECT_EQ(observer.started, (std::vector<std::string>{"cctv 0/4", "incident 1/4", "way 2/4",
                                                        "way_metrics_long 3/4"}));
}

TEST_F(OnDemandTest, ShutdownLeavesTheRequestInProgressWithoutFilesAndItCanResume) {
  auto exporter = Exporter();
  auto request = exporter->Submit(kDay, kDay + 600, std::nullopt);
  ASSERT_TRUE(request.ok());
  CancellationToken cancel;
  CancellationToken shutdown;
  RecordingObserver observer([&](const TableExportResult&) {
    shutdown.Cancel();
    cancel.Cancel();
  });
  auto result = exporter->Run(*request, std::nullopt, &cancel, &observer, &shutdown);
  EXPECT_EQ(result.status().code(), StatusCode::kCancelled);
  EXPECT_EQ(result.status().message(),
            fmt::format("request {} was interrupted by a shutdown; it stays IN_PROGRESS and "
                        "resumes on the next start",
                        request->id));
  EXPECT_EQ(observer.finished, (std::vector<std::string>{"cctv"}));
  EXPECT_EQ(ObjectCount(), 0u) << "the finished table's files are removed too";
  EXPECT_EQ((*metadata_->GetRequest(request->id))->state, RequestState::kInProgress);

  auto resumed = exporter->Run(*request, std::nullopt, nullptr, nullptr);
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  EXPECT_EQ(resumed->request.state, RequestState::kCompleted);
  EXPECT_EQ(ObjectCount(), 8u);
}

TEST_F(OnDemandTest, UserCancelWithoutShutdownStillCancels) {
  auto exporter = Exporter();
  auto request = exporter->Submit(kDay, kDay + 600, std::nullopt);
  ASSERT_TRUE(request.ok());
  CancellationToken cancel;
  CancellationToken shutdown;  // never fires
  RecordingObserver observer([&](const TableExportResult&) { cancel.Cancel(); });
  auto result = exporter->Run(*request, std::nullopt, &cancel, &observer, &shutdown);
  EXPECT_EQ(result.status().code(), StatusCode::kCancelled);
  EXPECT_EQ(ObjectCount(), 0u);
  EXPECT_EQ((*metadata_->GetRequest(request->id))->state, RequestState::kCancelled);
}

TEST_F(OnDemandTest, ARequestFinishedElsewhereMidRunLeavesNoFiles) {
  auto exporter = Exporter();
  auto request = exporter->Submit(kDay, kDay + 600, std::nullopt);
  ASSERT_TRUE(request.ok());
  // Another process cancels the request while this one exports it.
  RecordingObserver observer([&](const TableExportResult& table) {
    if (table.table == "cctv") {
      EXPECT_TRUE(
          metadata_->FinishRequest(request->id, RequestState::kCancelled, "elsewhere", {}).ok());
    }
  });
  auto result = exporter->Run(*request, std::nullopt, nullptr, &observer);
  EXPECT_EQ(result.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(ObjectCount(), 0u);
  auto row = metadata_->GetRequest(request->id);
  EXPECT_EQ((*row)->state, RequestState::kCancelled);
  EXPECT_EQ((*row)->error, "elsewhere");
}

}  // namespace
}  // namespace de
