// `serve`'s service as a whole: real backends from a Config (SQLite demo warehouse and metadata,
// local store in a temporary directory), the request queue, the GraphQL API and downloads over
// the real HTTP server on an ephemeral port.
#include "cli/serve.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include <nlohmann/json.hpp>

#include "api/http_test_client.h"
#include "policy/demo_policy.h"
#include "warehouse/sqlite/demo_warehouse.h"

namespace de {
namespace {

using Json = nlohmann::json;
using testing::ClientResponse;
using testing::Fetch;
using Verb = boost::beast::http::verb;

constexpr int64_t kDay = 1'795'132'800;  // 2026-11-20T00:00:00Z

class ServeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/serve_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    config_.service.data_dir = dir_;
    config_.http.port = 0;
    config_.policy.hash_key = "serve-test-hash-key-0123456789";
    config_.schedule.cron = "off";  // the scheduler's own tests drive it with a fake clock
    config_.ResolveDefaults();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Opens the services of config_ over a fresh demo warehouse and policy.
  void OpenDemoServices() {
    ASSERT_TRUE(CreateDemoWarehouse(config_.warehouse.path, kDay).ok());
    auto config = WithPort(config_, -1);
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    auto services = OpenServices(*config, {});
    ASSERT_TRUE(services.ok()) << services.status().ToString();
    services_ = std::make_unique<Services>(std::move(services).value());
    ASSERT_TRUE(services_->metadata->ReplacePolicy(DemoPolicySnapshot()).ok());
  }

  ClientResponse Graphql(uint16_t port, const std::string& query, std::string token = "") {
    std::vector<std::pair<std::string, std::string>> headers = {
        {"Content-Type", "application/json"}};
    if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
    return Fetch(port, Verb::post, "/graphql", headers, Json{{"query", query}}.dump());
  }

  std::string dir_;
  Config config_;
  std::unique_ptr<Services> services_;
};

TEST_F(ServeTest, PortZeroIsResolvedAndLinksFollowIt) {
  auto resolved = WithPort(config_, -1);
  ASSERT_TRUE(resolved.ok());
  EXPECT_GT(resolved->http.port, 0);
  EXPECT_EQ(resolved->storage.public_base_url,
            fmt::format("http://127.0.0.1:{}", resolved->http.port));
  auto explicit_port = WithPort(config_, 9123);
  ASSERT_TRUE(explicit_port.ok());
  EXPECT_EQ(explicit_port->http.port, 9123);
  EXPECT_EQ(explicit_port->storage.public_base_url, "http://127.0.0.1:9123");
  config_.storage.public_base_url = "https://exports.example.com";
  auto kept = WithPort(config_, 0);
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(kept->storage.public_base_url, "https://exports.example.com");
}

TEST_F(ServeTest, RequestDataThenStatusThenDownloadOverHttp) {
  OpenDemoServices();
  auto service = ApiService::Start(services_.get());
  ASSERT_TRUE(service.ok()) << service.status().ToString();
  uint16_t port = (*service)->port();
  EXPECT_EQ((*service)->LocalUrl(), fmt::format("http://127.0.0.1:{}", port));

  ClientResponse submitted = Graphql(
      port,
      fmt::format("mutation {{ requestData(startTime: {}, endTime: {}) }}", kDay, kDay + 3'600));
  ASSERT_EQ(submitted.status, 200) << submitted.body;
  std::string id = Json::parse(submitted.body)["data"]["requestData"].get<std::string>();

  const std::string status_query = fmt::format(
      "mutation {{ requestStatus(requestId: \"{}\") {{ status progress dataRequestDownloadLinks "
      "}} }}",
      id);
  Json status;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < deadline) {
    status = Json::parse(Graphql(port, status_query).body)["data"]["requestStatus"];
    if (status["status"] != "In Progress") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(status["status"], "Completed") << status.dump();
  EXPECT_EQ(status["progress"], 100.0);
  std::string url = status["dataRequestDownloadLinks"]["cctv"][0].get<std::string>();
  std::string prefix = fmt::format("http://127.0.0.1:{}", port);
  ASSERT_TRUE(url.starts_with(prefix)) << url;
  ClientResponse download = Fetch(port, Verb::get, url.substr(prefix.size()));
  EXPECT_EQ(download.status, 200);
  EXPECT_EQ(download.body.substr(0, 4), "PAR1");

  ClientResponse ready = Fetch(port, Verb::get, "/readyz");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.body, "ready\n");
  ClientResponse metrics = Fetch(port, Verb::get, "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_EQ(metrics.Header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(metrics.body.find("data_exporter_requests{state=\"COMPLETED\"} 1\n"), std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find("data_exporter_requests_completed_total 1\n"), std::string::npos);
  EXPECT_NE(metrics.body.find("data_exporter_export_slots_limit 4\n"), std::string::npos);
  EXPECT_NE(metrics.body.find("data_exporter_warehouse_open_scans 0\n"), std::string::npos);
  EXPECT_NE(metrics.body.find("data_exporter_warehouse_open_scans_peak 1\n"), std::string::npos)
      << metrics.body;
  (*service)->Stop();
  EXPECT_EQ(Fetch(port, Verb::get, "/healthz").status, 0);  // stopped: connection refused
}

TEST_F(ServeTest, NonLoopbackWithoutTokensIsRefused) {
  config_.http.host = "0.0.0.0";
  OpenDemoServices();
  auto service = ApiService::Start(services_.get());
  ASSERT_FALSE(service.ok());
  EXPECT_EQ(service.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(service.status().message().find("http.host 0.0.0.0 is not a loopback address"),
            std::string::npos);
}

TEST_F(ServeTest, TokensGuardTheApiButNotDownloadsOrHealth) {
  config_.api.tokens = {TokenHashEntry("reader")};
  OpenDemoServices();
  auto service = ApiService::Start(services_.get());
  ASSERT_TRUE(service.ok()) << service.status().ToString();
  uint16_t port = (*service)->port();
  EXPECT_TRUE((*service)->auth_required());
  ClientResponse refused = Graphql(port, "{ exportTables { tableName } }");
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(refused.Header("www-authenticate"), "Bearer realm=\"data-exporter\"");
  ClientResponse allowed = Graphql(port, "{ exportTables { tableName } }", "reader");
  EXPECT_EQ(allowed.status, 200);
  EXPECT_EQ(allowed.body,
            R"({"data":{"exportTables":[{"tableName":"cctv"},{"tableName":"incident"},)"
            R"({"tableName":"way"},{"tableName":"way_metrics_long"}]}})");
  ClientResponse forbidden = Graphql(
      port,
      "mutation { cancelRequest(requestId: \"00000000-0000-4000-8000-000000000000\") { id } }",
      "reader");
  EXPECT_EQ(Json::parse(forbidden.body)["errors"][0]["extensions"]["code"], "FORBIDDEN");
  EXPECT_EQ(Fetch(port, Verb::get, "/healthz").status, 200);
  EXPECT_EQ(Fetch(port, Verb::get, "/readyz").status, 200);
  // A download link is checked by its signature alone (this one is invalid: 403, not 401).
  EXPECT_EQ(Fetch(port, Verb::get, "/download/x.parquet?expires=1&sig=00").status, 403);
}

}  // namespace
}  // namespace de
