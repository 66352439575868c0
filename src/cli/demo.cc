#include "cli/demo.h"

#include <openssl/rand.h>

#include <filesystem>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/progress.h"
#include "cli/report.h"
#include "cli/serve.h"
#include "cli/services.h"
#include "common/secret_file.h"
#include "export/layout.h"
#include "policy/demo_policy.h"
#include "warehouse/sqlite/demo_warehouse.h"

namespace de {
namespace {

// The demo's day: 2026-11-20 00:00:00 UTC. Fixed, so every demo run exports the same files.
constexpr int64_t kDemoDayStart = 1'795'132'800;

// Creates the sample warehouse unless one is there already.
Status EnsureDemoWarehouse(const Config& config) {
  if (std::filesystem::exists(config.warehouse.path)) return Status::Ok();
  fmt::print("creating the demo warehouse {} ({} rows) ...\n", config.warehouse.path,
             WithThousands(kDemoTotalRows));
  std::fflush(stdout);
  return CreateDemoWarehouse(config.warehouse.path, kDemoDayStart);
}

// Loads the demo policy into the metadata store unless it already has export tables.
Status EnsureDemoPolicy(MetadataStore* metadata) {
  ASSIGN_OR_RETURN(std::vector<ExportTable> existing, metadata->ListExportTables());
  if (!existing.empty()) return Status::Ok();
  return metadata->ReplacePolicy(DemoPolicySnapshot()).status();
}

// The demo policy pseudonymises plate numbers with the hash treatment, which needs a key. When
// none is configured the demo makes one, random and private to this data directory.
Result<Config> WithDemoHashKey(Config config) {
  if (!config.policy.hash_key.empty() || !config.policy.hash_key_file.empty()) return config;
  std::string path = config.service.data_dir + "/demo-hash.key";
  config.policy.hash_key_file = path;
  if (std::filesystem::exists(path)) return config;
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) return Internal("OpenSSL RAND_bytes failed");
  std::string hex;
  for (unsigned char b : bytes) hex += fmt::format("{:02x}", b);
  RETURN_IF_ERROR(CreateSecretFile(path, hex + "\n", "demo hash key"));
  fmt::print(
      "created {}, the key of the demo policy's hash treatment (other commands use it with\n"
      "  policy.hash_key_file = \"{}\" or DATA_EXPORTER_POLICY_HASH_KEY_FILE)\n",
      path, path);
  return config;
}

// `text` as one single-quoted shell word.
std::string ShellQuote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// A curl call that POSTs `query` to the API, ready to paste into a shell.
std::string CurlCommand(const std::string& url, const std::string& query, bool with_token) {
  std::string body = nlohmann::json{{"query", query}}.dump();
  std::string auth = with_token ? " -H \"Authorization: Bearer $API_TOKEN\"" : "";
  return fmt::format("curl -s {}/graphql -H 'Content-Type: application/json'{} \\\n    -d {}", url,
                     auth, ShellQuote(body));
}

void PrintApiExamples(const ApiService& service, const std::string& request_id) {
  std::string url = service.LocalUrl();
  bool token = service.auth_required();
  fmt::print("\nThe GraphQL API is on {}/graphql{}. Try:\n", url,
             token ? " (set API_TOKEN to your bearer token first)" : "");
  fmt::print("  # start an export of the demo day's first hour; answers with its request id\n");
  fmt::print("  {}\n", CurlCommand(url,
                                   fmt::format("mutation {{ requestData(startTime: {}, endTime: "
                                               "{}) }}",
                                               kDemoDayStart, kDemoDayStart + 3'600),
                                   token));
  fmt::print("  # status and download links of the demo's export\n");
  fmt::print("  {}\n",
             CurlCommand(url,
                         fmt::format("mutation {{ requestStatus(requestId: \"{}\") {{ status "
                                     "progress dataRequestDownloadLinks }} }}",
                                     request_id),
                         token));
}

// How to run the daily export of the demo day; with the demo's own hash key when it made one.
void PrintDailyHint(const Config& base_config, const Config& config) {
  bool own_key = base_config.policy.hash_key.empty() && base_config.policy.hash_key_file.empty();
  std::string key_env = own_key ? fmt::format("DATA_EXPORTER_POLICY_HASH_KEY_FILE={} ",
                                              ShellQuote(config.policy.hash_key_file))
                                : "";
  fmt::print(
      "\nThe daily export of the demo day (files under .../YYYY/MM/DD/, with the\n"
      "classification tables; the day is local to schedule.time_zone):\n"
      "  {}data-exporter run-daily --date {}\n",
      key_env, UtcIso8601(kDemoDayStart).substr(0, 10));
}

Status RunDemoUnsafe(const Config& base_config, const DemoArgs& args) {
  RETURN_IF_ERROR(EnsureDemoWarehouse(base_config));
  ASSIGN_OR_RETURN(Config config, WithDemoHashKey(base_config));
  ASSIGN_OR_RETURN(Services services, OpenServices(config, {}));
  RETURN_IF_ERROR(EnsureDemoPolicy(services.metadata.get()));
  std::unique_ptr<ApiService> service;
  if (!args.exit_after_export) {
    // Start first: a taken port should fail before any work is done.
    ASSIGN_OR_RETURN(service, ApiService::Start(&services, /*run_scheduler=*/false));
  }
  fmt::print("Data Exporter demo: exporting {} .. {} from {}\n", UtcIso8601(kDemoDayStart),
             UtcIso8601(kDemoDayStart + 86'400), config.warehouse.path);
  ASSIGN_OR_RETURN(
      ExportReport report,
      RunExportAndReport(services, kDemoDayStart, kDemoDayStart + 86'400, std::nullopt, stdout));
  if (service == nullptr) return Status::Ok();
  PrintApiExamples(*service, report.request_id);
  PrintDailyHint(base_config, config);
  fmt::print("\nServing the API and the links on {} (objects in {}). Press Ctrl-C to stop.\n",
             service->LocalUrl(), services.store_uri);
  std::fflush(stdout);
  WaitForStopSignal();
  service->Stop();
  return Status::Ok();
}

}  // namespace

int RunDemo(const Config& base_config, const DemoArgs& args) {
  Result<Config> config = WithPort(base_config, args.port);
  if (!config.ok()) return ReportFailure(config.status());
  BlockStopSignals();
  Status status = RunDemoUnsafe(*config, args);
  return status.ok() ? kExitOk : ReportFailure(status);
}

}  // namespace de
