#include "cli/policy_commands.h"

#include <filesystem>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/services.h"
#include "policy/export_plan.h"
#include "policy/policy_applier.h"
#include "policy/policy_csv.h"

namespace de {
namespace {

DescribeTableFn Describer(Warehouse* warehouse) {
  return [warehouse](const std::string& table) { return warehouse->DescribeTable(table); };
}

Status Import(const Config& config, const PolicyArgs& args) {
  std::error_code ec;
  if (!std::filesystem::is_directory(args.directory, ec)) {
    return NotFound("policy directory {} does not exist or is not a directory", args.directory);
  }
  ASSIGN_OR_RETURN(PolicyCsv csv, ReadPolicyCsv(args.directory));
  ASSIGN_OR_RETURN(Services services, OpenServices(config, {.warehouse = true, .store = false}));
  RETURN_IF_ERROR(ValidatePolicy(csv.policy, Describer(services.warehouse.get()), &csv));
  ASSIGN_OR_RETURN(int64_t before, services.metadata->PolicyVersion());
  ASSIGN_OR_RETURN(int64_t version, services.metadata->ReplacePolicy(csv.policy));
  if (version == before) {
    fmt::print("policy unchanged: version {}\n", version);
  } else {
    fmt::print(
        "policy imported from {}: version {} ({} export tables, {} column rules, {} source rules, "
        "{} metric rules)\n",
        args.directory, version, csv.policy.export_tables.size(), csv.policy.columns.size(),
        csv.policy.sources.size(), csv.policy.metrics.size());
  }
  return Status::Ok();
}

Status Export(const Config& config, const PolicyArgs& args) {
  ASSIGN_OR_RETURN(Services services, OpenServices(config, {.warehouse = false, .store = false}));
  ASSIGN_OR_RETURN(PolicySnapshot policy, services.metadata->LoadPolicy());
  RETURN_IF_ERROR(WritePolicyCsv(policy, args.directory));
  fmt::print("policy version {} written to {}\n", policy.version, args.directory);
  return Status::Ok();
}

Result<bool> Check(const Config& config) {
  ASSIGN_OR_RETURN(Services services, OpenServices(config, {.warehouse = true, .store = false}));
  ASSIGN_OR_RETURN(PolicySnapshot policy, services.metadata->LoadPolicy());
  DescribeTableFn describe = Describer(services.warehouse.get());
  bool clean = true;
  fmt::print("policy version {}\n", policy.version);
  Status valid = ValidatePolicy(policy, describe, nullptr);
  if (!valid.ok()) {
    clean = false;
    fmt::print("rules that do not fit the warehouse:\n{}\n", valid.message());
  }
  ASSIGN_OR_RETURN(std::vector<std::string> uncovered, UncoveredColumns(policy, describe));
  if (!uncovered.empty()) {
    clean = false;
    fmt::print("columns no rule covers (not exported; classify them):\n");
    for (const std::string& c : uncovered) fmt::print("  {}\n", c);
  }
  ASSIGN_OR_RETURN(std::string key, HashKeyFromConfig(config));
  for (const ExportTable& table : policy.export_tables) {
    if (!table.enabled) continue;
    Result<TableSchema> schema = describe(table.table_name);
    if (!schema.ok()) continue;  // reported by ValidatePolicy
    Result<ExportPlan> plan = BuildExportPlan(table, *schema, policy);
    if (!plan.ok()) {
      clean = false;
      fmt::print("table {} cannot be exported: {}\n", table.table_name, plan.status().message());
    } else if (Status runnable = PolicyApplier::CheckContext(*plan, TreatmentContext{key});
               !runnable.ok()) {
      clean = false;
      fmt::print("{}\n", runnable.message());
    }
  }
  if (clean) fmt::print("every column of every enabled export table is covered\n");
  return clean;
}

Status Explain(const Config& config, const PolicyArgs& args) {
  ASSIGN_OR_RETURN(Services services, OpenServices(config, {.warehouse = true, .store = false}));
  ASSIGN_OR_RETURN(PolicySnapshot policy, services.metadata->LoadPolicy());
  for (const ExportTable& table : policy.export_tables) {
    if (table.table_name != args.table) continue;
    ASSIGN_OR_RETURN(TableSchema schema, services.warehouse->DescribeTable(table.table_name));
    ASSIGN_OR_RETURN(ExportPlan plan, BuildExportPlan(table, schema, policy));
    fmt::print("{}{}", table.enabled ? "" : "(disabled: not exported until enabled)\n",
               plan.ToString());
    return Status::Ok();
  }
  return NotFound("table '{}' is not an export table (see export_tables.csv)", args.table);
}

}  // namespace

int RunPolicyImport(const Config& config, const PolicyArgs& args) {
  Status status = Import(config, args);
  return status.ok() ? kExitOk : ReportFailure(status);
}

int RunPolicyExport(const Config& config, const PolicyArgs& args) {
  Status status = Export(config, args);
  return status.ok() ? kExitOk : ReportFailure(status);
}

int RunPolicyCheck(const Config& config) {
  Result<bool> clean = Check(config);
  if (!clean.ok()) return ReportFailure(clean.status());
  return *clean ? kExitOk : kExitFailed;
}

int RunPolicyExplain(const Config& config, const PolicyArgs& args) {
  Status status = Explain(config, args);
  return status.ok() ? kExitOk : ReportFailure(status);
}

}  // namespace de
