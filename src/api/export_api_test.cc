// The export schema with the real engine, the real request queue and the real embedded backends
// (SQLite demo warehouse and metadata, local object store in a temporary directory).
#include "api/export_api.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <thread>

#include "api/auth.h"
#include "common/uuid.h"
#include "export/embedded_backends_testing.h"
#include "export/layout.h"
#include "metadata/sqlite/sqlite_metadata_store.h"
#include "policy/demo_policy.h"
#include "storage/local/local_object_store.h"
#include "warehouse/sqlite/demo_warehouse.h"
#include "warehouse/sqlite/sqlite_warehouse.h"

namespace de {
namespace {

using graphql::Json;

constexpr int64_t kDay = 1'795'132'800;  // 2026-11-20T00:00:00Z
constexpr auto kPatience = std::chrono::seconds(120);

bool WaitUntil(const std::function<bool()>& done) {
  auto deadline = std::chrono::steady_clock::now() + kPatience;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

Json NotRequested() {
  return Json::parse(
      R"({"status":"Request has not been requested","progress":0.0,"dataRequestDownloadLinks":null})");
}

class ExportApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    warehouse_path_ = new std::string(::testing::TempDir() + "/export_api_demo.db");
    std::filesystem::remove(*warehouse_path_);
    ASSERT_TRUE(CreateDemoWarehouse(*warehouse_path_, kDay).ok());
  }
  static void TearDownTestSuite() {
    std::filesystem::remove(*warehouse_path_);
    delete warehouse_path_;
  }

  void SetUp() override {
    dir_ = testing_support::FreshTestDirectory("export_api");
    testing_support::EmbeddedBackends backends;
    ASSERT_NO_FATAL_FAILURE(
        backends.Open(*warehouse_path_, dir_, &clock_, "http://127.0.0.1:8080"));
    warehouse_ = std::move(backends.warehouse);
    metadata_ = std::move(backends.metadata);
    store_ = std::move(backends.store);
    ASSERT_TRUE(metadata_->ReplacePolicy(DemoPolicySnapshot()).ok());

    ExportOptions export_options;
    export_options.batch_rows = 4096;
    export_options.store_uri = "file://" + store_->root();
    export_options.treatments.hash_key = "export-api-test-hash-key";
    exporter_ =
        std::make_unique<OnDemandExporter>(warehouse_.get(), metadata_.get(), store_.get(), &clock_,
                                           export_options, OnDemandLayout("exports", "test"));
    slots_ = std::make_unique<ExportSlots>(1);
  }

  void TearDown() override {
    if (queue_) queue_->Stop();
    std::filesystem::remove_all(dir_);
  }

  void StartQueue(size_t max_queued = 100) {
    queue_ = std::make_unique<RequestQueue>(exporter_.get(), metadata_.get(), store_.get(),
                                            slots_.get(), RequestQueueOptions{1, max_queued});
    ASSERT_TRUE(queue_->Start().ok());
    ExportApiDeps deps{queue_.get(), metadata_.get(), store_.get(), warehouse_.get(), 86'400};
    auto schema = BuildExportSchema(deps);
    ASSERT_TRUE(schema.ok()) << schema.status().ToString();
    schema_ = std::move(schema).value();
    engine_ = std::make_unique<graphql::Engine>(schema_.get(), graphql::EngineLimits{});
  }

  // Runs `query` as a caller with `role`; returns the response JSON.
  Json Run(const std::string& query, Json variables = Json::object(),
           ApiCaller::Role role = ApiCaller::Role::kAdmin) {
    graphql::EngineRequest request;
    request.query = query;
    request.variables = std::move(variables);
    request.context = ApiCaller{role, true};
    return engine_->Run(std::move(request)).result.ToJson();
  }

  Json StatusOf(const std::string& id) {
    return Run(
        "query S($id: String!) { requestStatus(requestId: $id) { status progress "
        "dataRequestDownloadLinks } }",
        {{"id", id}})["data"]["requestStatus"];
  }

  std::string RequestData(int64_t start, int64_t end) {
    Json response =
        Run(fmt::format("mutation {{ requestData(startTime: {}, endTime: {}) }}", start, end));
    EXPECT_FALSE(response.contains("errors")) << response.dump();
    return response["data"]["requestData"].get<std::string>();
  }

  bool WaitCompleted(const std::string& id) {
    return WaitUntil([&] { return StatusOf(id)["status"] == "Completed"; });
  }

  static std::string* warehouse_path_;
  std::string dir_;
  FakeClock clock_{(kDay + 2 * 86'400) * int64_t{1'000'000}};
  std::unique_ptr<Warehouse> warehouse_;
  std::unique_ptr<MetadataStore> metadata_;
  std::unique_ptr<LocalObjectStore> store_;
  std::unique_ptr<OnDemandExporter> exporter_;
  std::unique_ptr<ExportSlots> slots_;
  std::unique_ptr<RequestQueue> queue_;
  std::unique_ptr<graphql::Schema> schema_;
  std::unique_ptr<graphql::Engine> engine_;
};

std::string* ExportApiTest::warehouse_path_ = nullptr;

TEST_F(ExportApiTest, EmbeddedSdlKeepsTheOriginalMutations) {
  std::string_view sdl = ExportSchemaSdl();
  EXPECT_NE(sdl.find("requestData(startTime: Int!, endTime: Int!): String!"), std::string::npos);
  EXPECT_NE(sdl.find("requestStatus(requestId: String!): RequestStatus!"), std::string::npos);
  StartQueue();
  Json fields = Run(R"({ __type(name: "RequestStatus") { fields { name type { kind name
                    ofType { name } } } } })")["data"]["__type"]["fields"];
  EXPECT_EQ(fields, Json::parse(R"([
    {"name":"status","type":{"kind":"NON_NULL","name":null,"ofType":{"name":"String"}}},
    {"name":"progress","type":{"kind":"NON_NULL","name":null,"ofType":{"name":"Float"}}},
    {"name":"dataRequestDownloadLinks","type":{"kind":"SCALAR","name":"JSON","ofType":null}},
    {"name":"linksExpireAt","type":{"kind":"SCALAR","name":"String","ofType":null}}])"));
  Json mutations = Run("{ __schema { mutationType { fields { name } } } }");
  EXPECT_EQ(mutations["data"]["__schema"]["mutationType"]["fields"],
            Json::parse(R"([{"name":"requestData"},{"name":"requestStatus"},
                            {"name":"cancelRequest"},{"name":"rerunDailyExport"}])"));
}

TEST_F(ExportApiTest, BadRangesAreBadUserInputAndRecordNothing) {
  StartQueue();
  struct Case {
    int64_t start;
    int64_t end;
    std::string message;
  };
  const Case cases[] = {
      {kDay, kDay, fmt::format("endTime {} must be after startTime {}", kDay, kDay)},
      {kDay, kDay - 1, fmt::format("endTime {} must be after startTime {}", kDay - 1, kDay)},
      {kDay, kDay + 86'401, "range of 86401 s is longer than the maximum of 86400 s (1 day)"},
      {-5, 10, "startTime -5 is before 1970"},
  };
  for (const Case& c : cases) {
    Json response =
        Run("mutation M($s: Int!, $e: Int!) { requestData(startTime: $s, endTime: $e) }",
            {{"s", c.start}, {"e", c.end}});
    EXPECT_EQ(response, Json::parse(fmt::format(
                            R"({{"errors":[{{"message":{},"locations":[{{"line":1,"column":34}}],)"
                            R"("path":["requestData"],"extensions":{{"code":"BAD_USER_INPUT"}}}}],)"
                            R"("data":null}})",
                            Json(c.message).dump())))
        << response.dump();
  }
  // Int is 32-bit: a 64-bit epoch is refused before anything runs.
  Json big = Run("mutation { requestData(startTime: 4294967296, endTime: 4294967300) }");
  EXPECT_FALSE(big.contains("data"));
  EXPECT_EQ(big["errors"][0]["message"],
            "Int cannot represent non 32-bit signed integer value: 4294967296");
  Json variable =
      Run("mutation M($s: Int!) { requestData(startTime: $s, endTime: 1) }", {{"s", 4294967296}});
  EXPECT_FALSE(variable.contains("data"));
  EXPECT_EQ(variable["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
  auto requests = metadata_->ListRequests(10);
  ASSERT_TRUE(requests.ok());
  EXPECT_TRUE(requests->empty());
}

TEST_F(ExportApiTest, UnknownOrMalformedIdsAreNotRequested) {
  StartQueue();
  auto random = NewUuidV4();
  ASSERT_TRUE(random.ok());
  for (const std::string& id : {*random, std::string("not-a-uuid"), std::string(""),
                                std::string("'; DROP TABLE request_table; --")}) {
    EXPECT_EQ(StatusOf(id), NotRequested()) << id;
    Json mutation =
        Run("mutation M($id: String!) { requestStatus(requestId: $id) { status "
            "progress dataRequestDownloadLinks } }",
            {{"id", id}});
    Json expected = {{"data", {{"requestStatus", NotRequested()}}}};
    EXPECT_EQ(mutation, expected) << id;
    EXPECT_EQ(Run("query R($id: String!) { request(id: $id) { id } }", {{"id", id}}),
              Json::parse(R"({"data":{"request":null}})"));
  }
}

TEST_F(ExportApiTest, RequestCompletesWithLinksGroupedByTable) {
  StartQueue();
  std::string id = RequestData(kDay, kDay + 3'600);
  EXPECT_TRUE(IsUuid(id)) << id;
  // The same range again is the same request.
  EXPECT_EQ(RequestData(kDay, kDay + 3'600), id);
  ASSERT_TRUE(WaitCompleted(id)) << StatusOf(id).dump();

  auto files = metadata_->ListRequestFiles(id);
  ASSERT_TRUE(files.ok());
  Json expected = Json::object();
  int64_t expires_at = 0;
  for (const RequestFile& f : *files) {
    if (f.is_manifest) continue;
    auto url = store_->Presign(f.key, 86'400);
    ASSERT_TRUE(url.ok());
    expected[f.table_name].push_back(url->url);
    expires_at = url->expires_at;
  }
  // The links' real expiry is reported with them (the local store's clock is fixed here).
  Json expiry = Run("query S($id: String!) { requestStatus(requestId: $id) { linksExpireAt } }",
                    {{"id", id}});
  EXPECT_EQ(expiry["data"]["requestStatus"]["linksExpireAt"], UtcIso8601(expires_at));
  EXPECT_EQ(Run("query S($id: String!) { requestStatus(requestId: $id) { linksExpireAt } }",
                {{"id", "not-a-uuid"}})["data"]["requestStatus"]["linksExpireAt"],
            nullptr);
  ASSERT_EQ(expected.size(), 4u);
  Json status = StatusOf(id);
  EXPECT_EQ(status["status"], "Completed");
  EXPECT_EQ(status["progress"], 100.0);
  EXPECT_EQ(status["dataRequestDownloadLinks"], expected);
  for (const auto& [table, urls] : status["dataRequestDownloadLinks"].items()) {
    std::string first = urls[0].get<std::string>();
    EXPECT_NE(first.find("/" + table + "_000.parquet?"), std::string::npos) << first;
  }
}

TEST_F(ExportApiTest, RequestsListPerTableProgressAndManifestLinks) {
  StartQueue();
  std::string id = RequestData(kDay + 3'600, kDay + 7'200);
  ASSERT_TRUE(WaitCompleted(id));
  Json response = Run(R"({ requests(limit: 5) { id startTime endTime state status progress error
                           tables { table state rows files bytes manifestUrl } } })");
  ASSERT_FALSE(response.contains("errors")) << response.dump();
  Json requests = response["data"]["requests"];
  ASSERT_EQ(requests.size(), 1u);
  Json request = requests[0];
  EXPECT_EQ(request["id"], id);
  EXPECT_EQ(request["startTime"], kDay + 3'600);
  EXPECT_EQ(request["endTime"], kDay + 7'200);
  EXPECT_EQ(request["state"], "COMPLETED");
  EXPECT_EQ(request["status"], "Completed");
  EXPECT_EQ(request["error"], nullptr);

  auto files = metadata_->ListRequestFiles(id);
  ASSERT_TRUE(files.ok());
  std::vector<std::string> names;
  for (const Json& table : request["tables"]) {
    std::string name = table["table"].get<std::string>();
    names.push_back(name);
    EXPECT_EQ(table["state"], "COMPLETED");
    double rows = 0;
    int data_files = 0;
    std::string manifest_key;
    for (const RequestFile& f : *files) {
      if (f.table_name != name) continue;
      if (f.is_manifest) {
        manifest_key = f.key;
      } else {
        rows += static_cast<double>(f.rows);
        ++data_files;
      }
    }
    EXPECT_EQ(table["rows"], rows) << name;
    EXPECT_EQ(table["files"], data_files) << name;
    auto manifest = store_->Presign(manifest_key, 86'400);
    ASSERT_TRUE(manifest.ok());
    EXPECT_EQ(table["manifestUrl"], manifest->url);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"cctv", "incident", "way", "way_metrics_long"}));

  EXPECT_EQ(Run("{ requests(state: FAILED) { id } }"), Json::parse(R"({"data":{"requests":[]}})"));
  EXPECT_EQ(Run("{ requests(state: COMPLETED) { id } }")["data"]["requests"][0]["id"], id);
  Json bad_limit = Run("{ requests(limit: 0) { id } }");
  EXPECT_EQ(bad_limit["errors"][0]["message"], "limit must be 1 to 1000, got 0");
  EXPECT_EQ(bad_limit["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
  std::string upper = id;  // ids are case-insensitive, as UUIDs are
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  Json one = Run("query R($id: String!) { request(id: $id) { id state } }", {{"id", upper}});
  EXPECT_EQ(one["data"]["request"]["id"], id);
  EXPECT_EQ(one["data"]["request"]["state"], "COMPLETED");
}

TEST_F(ExportApiTest, FullQueueAnswersTooManyRequests) {
  StartQueue(/*max_queued=*/2);
  // Hold the only export slot: the worker takes a request and waits; the rest queue up.
  auto slot = slots_->Acquire(nullptr);
  ASSERT_TRUE(slot.ok());
  std::vector<std::string> accepted;
  accepted.push_back(RequestData(kDay, kDay + 600));
  ASSERT_TRUE(WaitUntil([&] { return queue_->stats().running == 1; }));
  accepted.push_back(RequestData(kDay + 600, kDay + 1'200));
  accepted.push_back(RequestData(kDay + 1'200, kDay + 1'800));
  Json refused = Run("mutation { requestData(startTime: 1795134600, endTime: 1795135200) }");
  ASSERT_EQ(refused["errors"].size(), 1u) << refused.dump();
  EXPECT_EQ(refused["errors"][0]["extensions"]["code"], "TOO_MANY_REQUESTS");
  EXPECT_EQ(refused["errors"][0]["path"], Json::parse(R"(["requestData"])"));
  EXPECT_EQ(refused["data"], nullptr);
  EXPECT_EQ(queue_->stats().refused, 1u);
  // Reads keep working while the queue is full.
  EXPECT_EQ(StatusOf(accepted[2])["status"], "In Progress");

  *slot = ExportSlots::Slot();  // release
  for (const std::string& id : accepted) EXPECT_TRUE(WaitCompleted(id)) << id;
}

TEST_F(ExportApiTest, CancelRequestNeedsAnAdmin) {
  StartQueue();
  auto slot = slots_->Acquire(nullptr);
  ASSERT_TRUE(slot.ok());
  std::string id = RequestData(kDay, kDay + 900);
  const std::string cancel =
      "mutation C($id: String!) { cancelRequest(requestId: $id) { id state status error } }";

  Json forbidden = Run(cancel, {{"id", id}}, ApiCaller::Role::kUser);
  EXPECT_EQ(forbidden, Json::parse(R"({"errors":[{"message":"cancelRequest needs an admin token",
      "locations":[{"line":1,"column":28}],"path":["cancelRequest"],
      "extensions":{"code":"FORBIDDEN"}}],"data":null})"));
  EXPECT_EQ(StatusOf(id)["status"], "In Progress");

  auto unknown = NewUuidV4();
  ASSERT_TRUE(unknown.ok());
  Json not_found = Run(cancel, {{"id", *unknown}});
  EXPECT_EQ(not_found["errors"][0]["extensions"]["code"], "NOT_FOUND");
  EXPECT_EQ(Run(cancel, {{"id", "nope"}})["errors"][0]["message"], "no request has id nope");

  Json cancelled = Run(cancel, {{"id", id}});
  ASSERT_FALSE(cancelled.contains("errors")) << cancelled.dump();
  EXPECT_EQ(cancelled["data"]["cancelRequest"]["id"], id);
  EXPECT_EQ(cancelled["data"]["cancelRequest"]["state"], "CANCELLED");
  EXPECT_EQ(cancelled["data"]["cancelRequest"]["status"], "Failed");
  EXPECT_EQ(StatusOf(id), Json::parse(R"({"status":"Failed","progress":0.0,
                                        "dataRequestDownloadLinks":null})"));
  Json again = Run(cancel, {{"id", id}});
  EXPECT_EQ(again["errors"][0]["extensions"]["code"], "BAD_USER_INPUT") << again.dump();
  *slot = ExportSlots::Slot();
}

TEST_F(ExportApiTest, ReadOnlyQueriesShowConfigurationPolicyAndCatalog) {
  StartQueue();
  PolicySnapshot demo = DemoPolicySnapshot();
  Json tables = Run("{ exportTables { tableName enabled timeColumn sourceColumn metricColumn } }");
  ASSERT_FALSE(tables.contains("errors")) << tables.dump();
  ASSERT_EQ(tables["data"]["exportTables"].size(), demo.export_tables.size());
  for (size_t i = 0; i < demo.export_tables.size(); ++i) {
    const ExportTable& t = demo.export_tables[i];
    Json row = tables["data"]["exportTables"][i];
    EXPECT_EQ(row["tableName"], t.table_name);
    EXPECT_EQ(row["enabled"], t.enabled);
    EXPECT_EQ(row["timeColumn"], t.time_column);
    EXPECT_EQ(row["sourceColumn"], t.source_column.empty() ? Json(nullptr) : Json(t.source_column));
    EXPECT_EQ(row["metricColumn"], t.metric_column.empty() ? Json(nullptr) : Json(t.metric_column));
  }

  Json policy =
      Run("{ policy { version tables { table columns nr mx de hwc pii treated "
          "metricRules } sources { source classification } } }");
  ASSERT_FALSE(policy.contains("errors")) << policy.dump();
  auto version = metadata_->PolicyVersion();
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(policy["data"]["policy"]["version"], *version);
  int columns = 0;
  int de_columns = 0;
  int metric_rules = 0;
  for (const Json& t : policy["data"]["policy"]["tables"]) {
    columns += t["columns"].get<int>();
    de_columns += t["de"].get<int>();
    metric_rules += t["metricRules"].get<int>();
    EXPECT_EQ(t["columns"],
              t["nr"].get<int>() + t["mx"].get<int>() + t["de"].get<int>() + t["hwc"].get<int>());
  }
  EXPECT_EQ(columns, static_cast<int>(demo.columns.size()));
  EXPECT_EQ(de_columns, std::count_if(demo.columns.begin(), demo.columns.end(),
                                      [](const auto& c) { return c.classification == "de"; }));
  EXPECT_EQ(metric_rules, static_cast<int>(demo.metrics.size()));
  ASSERT_EQ(policy["data"]["policy"]["sources"].size(), demo.sources.size());
  EXPECT_EQ(policy["data"]["policy"]["sources"][0]["source"], demo.sources[0].source);

  Json catalog =
      Run("{ catalog { name exported columns { name type nullable classification "
          "treatment pii } } }");
  ASSERT_FALSE(catalog.contains("errors")) << catalog.dump();
  auto names = warehouse_->ListTables();
  ASSERT_TRUE(names.ok());
  ASSERT_EQ(catalog["data"]["catalog"].size(), names->size());
  Json cctv;
  for (const Json& t : catalog["data"]["catalog"]) {
    if (t["name"] == "cctv") cctv = t;
  }
  ASSERT_TRUE(cctv.is_object()) << catalog.dump();
  EXPECT_EQ(cctv["exported"], true);
  ASSERT_EQ(cctv["columns"].size(), 7u);
  EXPECT_EQ(cctv["columns"][0]["name"], "camera_id");
  EXPECT_EQ(cctv["columns"][0]["type"], "INTEGER");
  EXPECT_EQ(cctv["columns"][0]["nullable"], false);
  for (const Json& column : cctv["columns"]) {
    auto rule = std::find_if(demo.columns.begin(), demo.columns.end(), [&](const auto& c) {
      return c.table_name == "cctv" && c.column_name == column["name"];
    });
    if (rule == demo.columns.end()) {
      EXPECT_EQ(column["classification"], nullptr) << column.dump();
      continue;
    }
    EXPECT_EQ(column["classification"], rule->classification) << column.dump();
    EXPECT_EQ(column["treatment"], rule->treatment.empty() ? Json(nullptr) : Json(rule->treatment));
    EXPECT_EQ(column["pii"], rule->pii);
  }
}

}  // namespace
}  // namespace de
