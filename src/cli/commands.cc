#include "cli/commands.h"

#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <optional>
#include <string>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "api/auth.h"
#include "cli/daily.h"
#include "cli/demo.h"
#include "cli/policy_commands.h"
#include "cli/progress.h"
#include "cli/report.h"
#include "cli/serve.h"
#include "cli/services.h"
#include "common/logging.h"
#include "common/uuid.h"
#include "common/version.h"
#include "export/links.h"

namespace de {
namespace {

struct GlobalOptions {
  std::string config_path = "data-exporter.toml";
  std::string log_format;
  std::string log_level;
};

struct ExportArgs {
  std::string start;
  std::string end;
  std::string table;
};

struct StatusArgs {
  std::string request_id;
  bool json = false;
};

int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk:
      return kExitOk;
    case StatusCode::kInvalidArgument:
    case StatusCode::kFailedPrecondition:
    case StatusCode::kAlreadyExists:
    case StatusCode::kPolicyViolation:
      return kExitBadInput;
    case StatusCode::kNotFound:
      return kExitNotFound;
    case StatusCode::kCancelled:
      return kExitInterrupted;
    default:
      return kExitFailed;
  }
}

Result<int64_t> ParseEpochSeconds(std::string_view flag, const std::string& text) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return InvalidArgument("{} '{}' is not an integer number of epoch seconds", flag, text);
  }
  return value;
}

Result<Config> LoadConfigFor(const GlobalOptions& global, bool config_given) {
  ASSIGN_OR_RETURN(Config config,
                   LoadConfig(global.config_path, config_given, ProcessEnvironment()));
  if (!global.log_format.empty()) config.service.log_format = global.log_format;
  if (!global.log_level.empty()) config.service.log_level = global.log_level;
  LogOptions log;
  ASSIGN_OR_RETURN(log.format, ParseLogFormat(config.service.log_format));
  log.level = config.service.log_level;
  RETURN_IF_ERROR(InitLogging(log));
  return config;
}

int RunExport(const Config& config, const ExportArgs& args) {
  Result<int64_t> start = ParseEpochSeconds("--start", args.start);
  if (!start.ok()) return ReportFailure(start.status());
  Result<int64_t> end = ParseEpochSeconds("--end", args.end);
  if (!end.ok()) return ReportFailure(end.status());
  // Checked before anything is opened, so a refused range creates no data directory or database;
  // Submit checks it again for every other caller.
  if (Status range = ValidateRange(*start, *end); !range.ok()) return ReportFailure(range);
  Result<Services> services = OpenServices(config, {});
  if (!services.ok()) return ReportFailure(services.status());
  std::optional<std::string> table;
  if (!args.table.empty()) table = args.table;
  Result<ExportReport> report = RunExportAndReport(*services, *start, *end, table, stdout);
  if (!report.ok()) return ReportFailure(report.status());
  return kExitOk;
}

int RunStatus(const Config& config, const StatusArgs& args) {
  if (!IsUuid(args.request_id)) {
    return ReportFailure(InvalidArgument("request id '{}' is not a UUID", args.request_id));
  }
  Result<Services> services = OpenServices(config, {.warehouse = false, .store = true});
  if (!services.ok()) return ReportFailure(services.status());
  Result<std::optional<ExportRequest>> request = services->metadata->GetRequest(args.request_id);
  if (!request.ok()) return ReportFailure(request.status());
  nlohmann::ordered_json out;
  if (!request->has_value()) {
    out = {{"status", kNotRequestedText}, {"progress", 0.0}, {"dataRequestDownloadLinks", nullptr}};
  } else {
    const ExportRequest& r = **request;
    out = {{"status", RequestStatusText(r.state)},
           {"progress", r.progress},
           {"dataRequestDownloadLinks", nullptr}};
    if (!r.error.empty()) out["error"] = r.error;
    if (r.state == RequestState::kCompleted) {
      auto links = PresignRequestLinks(services->metadata.get(), services->store.get(), r.id,
                                       config.storage.link_expiry_seconds);
      if (!links.ok()) return ReportFailure(links.status());
      nlohmann::ordered_json by_table = nlohmann::ordered_json::object();
      for (const auto& [name, table] : *links) {
        auto& urls = by_table[name] = nlohmann::ordered_json::array();
        for (const PresignedUrl& u : table.files) urls.push_back(u.url);
      }
      out["dataRequestDownloadLinks"] = std::move(by_table);
    }
  }
  if (args.json) {
    fmt::print("{}\n", out.dump(2));
  } else {
    fmt::print("status    {}\nprogress  {:.1f}\n", out["status"].get<std::string>(),
               out["progress"].get<double>());
    if (out.contains("error")) fmt::print("error     {}\n", out["error"].get<std::string>());
    if (!out["dataRequestDownloadLinks"].is_null()) {
      for (const auto& [name, urls] : out["dataRequestDownloadLinks"].items()) {
        fmt::print("{}\n", name);
        for (const auto& u : urls) fmt::print("  {}\n", u.get<std::string>());
      }
    }
  }
  return request->has_value() ? kExitOk : kExitNotFound;
}

int RunTokenNew(bool admin) {
  Result<std::string> token = NewApiToken();
  if (!token.ok()) return ReportFailure(token.status());
  std::string_view key = admin ? "admin_tokens" : "tokens";
  fmt::print(
      "{}\n\n"
      "This is the new bearer token; it is shown only once, and only its hash is stored.\n"
      "Add the hash to the configuration file, section [api] (keep any entries already there):\n"
      "\n  {} = [\"{}\"]\n\n"
      "or set DATA_EXPORTER_API_{}={} (comma-separated for several).\n"
      "Clients send it as: Authorization: Bearer <token>\n",
      *token, key, TokenHashEntry(*token), admin ? "ADMIN_TOKENS" : "TOKENS",
      TokenHashEntry(*token));
  return kExitOk;
}

}  // namespace

int ReportFailure(const Status& status) {
  fmt::print(stderr, "data-exporter: {}\n", status.message());
  return ExitCodeFor(status);
}

int RunCli(int argc, char** argv) {
  CLI::App app{fmt::format(
      "data-exporter {}: exports warehouse tables as Parquet files, with the data-classification "
      "policy applied, and hands out download links that expire",
      kVersion)};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string(kVersion));
  GlobalOptions global;
  CLI::Option* config_option =
      app.add_option("--config", global.config_path,
                     "TOML configuration file (default data-exporter.toml if it exists)");
  app.add_option("--log-format", global.log_format, "auto | human | json")
      ->check(CLI::IsMember({"auto", "human", "json"}));
  app.add_option("--log-level", global.log_level, "trace | debug | info | warn | error | off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));

  DemoArgs demo_args;
  CLI::App* demo = app.add_subcommand(
      "demo", "Create a sample warehouse (once), export its day, print links and serve them");
  demo->add_flag("--exit-after-export", demo_args.exit_after_export,
                 "Stop after printing the links instead of serving them");
  demo->add_option("--port", demo_args.port, "HTTP port for the download links (default: config)")
      ->check(CLI::Range(0, 65535));

  ExportArgs export_args;
  CLI::App* export_cmd = app.add_subcommand(
      "export", "Export [--start, --end) of every enabled table (or --table) on demand");
  export_cmd->add_option("--start", export_args.start, "Start of the range, epoch seconds")
      ->required();
  export_cmd->add_option("--end", export_args.end, "End of the range (exclusive), epoch seconds")
      ->required();
  export_cmd->add_option("--table", export_args.table, "Export only this table");

  RunDailyArgs daily_args;
  CLI::App* daily_cmd = app.add_subcommand(
      "run-daily",
      "Export one local day of every enabled table into the daily layout, then notify; exit 0 "
      "SUCCESS, 4 PARTIAL-SUCCESS, 1 FAILED");
  daily_cmd->add_option("--date", daily_args.date,
                        "Day to export, YYYY-MM-DD in schedule.time_zone (default: yesterday)");
  daily_cmd->add_option("--table", daily_args.table, "Export only this table");
  daily_cmd->add_flag("--force", daily_args.force,
                      "Export tables already COMPLETED for the day again, replacing their files");

  StatusArgs status_args;
  CLI::App* status_cmd = app.add_subcommand("status", "Show a request's status and links");
  status_cmd->add_option("REQUEST_ID", status_args.request_id, "Request id (UUID)")->required();
  status_cmd->add_flag("--json", status_args.json, "Print the requestStatus JSON");

  ServeArgs serve_args;
  CLI::App* serve = app.add_subcommand(
      "serve",
      "Serve the GraphQL API, downloads and health checks, and run exports, until stopped");
  serve->add_option("--port", serve_args.port, "HTTP port (default: config; 0: any free port)")
      ->check(CLI::Range(0, 65535));

  bool token_admin = false;
  CLI::App* token = app.add_subcommand("token", "Make API bearer tokens");
  token->require_subcommand(1);
  CLI::App* token_new = token->add_subcommand(
      "new", "Print a fresh random token and the hash line for the configuration");
  token_new->add_flag("--admin", token_admin, "A token for admin mutations too (admin_tokens)");

  PolicyArgs policy_args;
  CLI::App* policy = app.add_subcommand(
      "policy", "Import, export, check or explain the data-classification policy");
  policy->require_subcommand(1);
  CLI::App* policy_import = policy->add_subcommand(
      "import", "Replace the policy with the CSV files of DIR (all-or-nothing)");
  policy_import->add_option("DIR", policy_args.directory, "Directory with the four CSV files")
      ->required();
  CLI::App* policy_export =
      policy->add_subcommand("export", "Write the policy as CSV files into DIR");
  policy_export->add_option("DIR", policy_args.directory, "Directory to write")->required();
  CLI::App* policy_check = policy->add_subcommand(
      "check", "List warehouse columns no rule covers and rules that no longer fit");
  CLI::App* policy_explain =
      policy->add_subcommand("explain", "Print what the policy exports of TABLE, and how");
  policy_explain->add_option("TABLE", policy_args.table, "Export table")->required();

  CLI::App* config_cmd = app.add_subcommand(
      "config", "Print the configuration in effect (file + environment) as TOML");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitBadInput;
  }
  // Needs no configuration: works before one exists.
  if (token_new->parsed()) return RunTokenNew(token_admin);
  Result<Config> config = LoadConfigFor(global, config_option->count() > 0);
  if (!config.ok()) return ReportFailure(config.status());

  if (demo->parsed()) return RunDemo(*config, demo_args);
  if (export_cmd->parsed()) return RunExport(*config, export_args);
  if (status_cmd->parsed()) return RunStatus(*config, status_args);
  if (daily_cmd->parsed()) return RunDaily(*config, daily_args);
  if (serve->parsed()) return RunServe(*config, serve_args);
  if (policy_import->parsed()) return RunPolicyImport(*config, policy_args);
  if (policy_export->parsed()) return RunPolicyExport(*config, policy_args);
  if (policy_check->parsed()) return RunPolicyCheck(*config);
  if (policy_explain->parsed()) return RunPolicyExplain(*config, policy_args);
  if (config_cmd->parsed()) {
    fmt::print("{}", RenderConfigToml(*config));
    return kExitOk;
  }
  return kExitBadInput;
}

}  // namespace de
