// de-bench-export: one table export through the product's own pipeline (config, backends,
// policy, TableExporter: warehouse -> batches -> policy -> Parquet -> store), over a range of
// any length. `data-exporter export` refuses ranges over one day, as the API does; the benchmark
// table spans a month, so the benchmark runs the same code with the whole month as its range.
//
//   de-bench-export --config FILE --table T --start EPOCH_S --end EPOCH_S
//
// Prints one JSON object: rows read/written, bytes and files written, wall seconds, rows/s.
// Exit status 0, or 1 with the error on stderr.
#include <chrono>
#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/services.h"
#include "common/config.h"
#include "common/logging.h"
#include "common/uuid.h"
#include "export/layout.h"
#include "export/table_export.h"
#include "policy/export_plan.h"

namespace de {
namespace {

struct Args {
  std::string config;
  std::string table;
  int64_t start = 0;
  int64_t end = 0;
};

Result<nlohmann::json> Run(const Args& args) {
  ASSIGN_OR_RETURN(Config config, LoadConfig(args.config, true, ProcessEnvironment()));
  RETURN_IF_ERROR(InitLogging(LogOptions{LogFormat::kAuto, "warn"}));
  ASSIGN_OR_RETURN(Services services, OpenServices(config, ServiceNeeds{}));
  ASSIGN_OR_RETURN(PolicySnapshot policy, services.metadata->LoadPolicy());
  const ExportTable* table = nullptr;
  for (const ExportTable& t : policy.export_tables) {
    if (t.table_name == args.table) table = &t;
  }
  if (table == nullptr) return NotFound("'{}' is not an export table", args.table);
  ASSIGN_OR_RETURN(TableSchema schema, services.warehouse->DescribeTable(args.table));
  ASSIGN_OR_RETURN(ExportPlan plan, BuildExportPlan(*table, schema, policy));
  ASSIGN_OR_RETURN(ExportOptions options, ExportOptionsFromConfig(config, services.store_uri));

  OnDemandLayout layout(config.storage.prefix, config.storage.env);
  TableExportTarget target;
  ASSIGN_OR_RETURN(target.request_id, NewUuidV4());
  target.start_time = args.start;
  target.end_time = args.end;
  target.data_key = [&](int index) {
    return layout.DataFile(args.table, args.start, args.end, index);
  };
  target.manifest_key = layout.Manifest(args.table, args.start, args.end);

  TableExporter exporter(services.warehouse.get(), services.store.get(), options);
  const auto t0 = std::chrono::steady_clock::now();
  ASSIGN_OR_RETURN(TableExportResult result, exporter.Export(plan, target, nullptr, nullptr));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return nlohmann::json{{"table", args.table},
                        {"rows_read", result.rows_read},
                        {"rows_written", result.rows_written},
                        {"bytes_written", result.bytes_written},
                        {"files", result.data_file_count()},
                        {"seconds", seconds},
                        {"rows_per_second", static_cast<double>(result.rows_read) / seconds}};
}

}  // namespace
}  // namespace de

int main(int argc, char** argv) {
  de::Args args;
  CLI::App app{"One table export through the exporter's pipeline, over any range (benchmarks)"};
  app.add_option("--config", args.config, "data-exporter TOML configuration")->required();
  app.add_option("--table", args.table, "export table")->required();
  app.add_option("--start", args.start, "range start, epoch seconds")->required();
  app.add_option("--end", args.end, "range end (exclusive), epoch seconds")->required();
  CLI11_PARSE(app, argc, argv);
  if (args.end <= args.start) {
    std::fprintf(stderr, "de-bench-export: --end must be after --start\n");
    return 2;
  }
  de::Result<nlohmann::json> out = de::Run(args);
  if (!out.ok()) {
    std::fprintf(stderr, "de-bench-export: %s\n", out.status().ToString().c_str());
    return 1;
  }
  std::printf("%s\n", out->dump().c_str());
  return 0;
}
