#include "cli/demo.h"

#include <filesystem>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "cli/commands.h"
#include "cli/progress.h"
#include "cli/report.h"
#include "cli/serve.h"
#include "cli/services.h"
#include "export/layout.h"
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
  DemoPolicyRows policy = DemoPolicy();
  std::vector<ColumnClassification> rules;
  for (const DemoColumnClassification& c : policy.column_classifications) {
    rules.push_back({c.table_name, c.column_name, c.classification, c.treatment, c.pii});
  }
  RETURN_IF_ERROR(metadata->ReplaceColumnClassifications(rules));
  for (const DemoExportTable& t : policy.export_tables) {
    RETURN_IF_ERROR(metadata->UpsertExportTable(
        {t.table_name, t.enabled, t.time_column, t.source_column, t.metric_column}));
  }
  return Status::Ok();
}

Status RunDemoUnsafe(const Config& config, const DemoArgs& args) {
  RETURN_IF_ERROR(EnsureDemoWarehouse(config));
  ASSIGN_OR_RETURN(Services services, OpenServices(config, {}));
  RETURN_IF_ERROR(EnsureDemoPolicy(services.metadata.get()));
  std::unique_ptr<HttpServer> server;
  if (!args.exit_after_export) {
    // Bind first: a taken port should fail before any work is done.
    ASSIGN_OR_RETURN(server, StartHttpServer(services));
  }
  fmt::print("Data Exporter demo: exporting {} .. {} from {}\n", UtcIso8601(kDemoDayStart),
             UtcIso8601(kDemoDayStart + 86'400), config.warehouse.path);
  RETURN_IF_ERROR(
      RunExportAndReport(services, kDemoDayStart, kDemoDayStart + 86'400, std::nullopt, stdout));
  if (server == nullptr) return Status::Ok();
  fmt::print("\nServing the links on {} (objects in {}). Press Ctrl-C to stop.\n",
             config.storage.public_base_url, services.store->root());
  std::fflush(stdout);
  WaitForStopSignal();
  server->Stop();
  return Status::Ok();
}

}  // namespace

int RunDemo(const Config& base_config, const DemoArgs& args) {
  Config config = WithPort(base_config, args.port);
  BlockStopSignals();
  Status status = RunDemoUnsafe(config, args);
  return status.ok() ? kExitOk : ReportFailure(status);
}

}  // namespace de
