#include "api/export_api.h"

#include <algorithm>
#include <any>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api/auth.h"
#include "api/daily_api.h"
#include "api/resolver_binding.h"
#include "common/uuid.h"
#include "export/layout.h"
#include "export/links.h"
#include "export/on_demand.h"

namespace de {
namespace {

using graphql::Json;
using graphql::ResolveInfo;

constexpr int kMaxListLimit = 1'000;

// A request id from an argument, lower-cased (ids are stored that way), or nullopt when it is
// not a UUID at all.
std::optional<std::string> RequestIdArg(const Json& args, const char* name) {
  const std::string& text = args.at(name).get_ref<const std::string&>();
  if (!IsUuid(text)) return std::nullopt;
  std::string id = text;
  std::transform(id.begin(), id.end(), id.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return id;
}

// An id as it may appear in an error message: at most 64 characters of it.
std::string Shown(const std::string& id) { return id.size() <= 64 ? id : id.substr(0, 64) + "..."; }

Json NullIfEmpty(const std::string& text) { return text.empty() ? Json(nullptr) : Json(text); }

// The four words of the original API; FAILED and CANCELLED both read "Failed".
std::string_view StatusWords(RequestState state) {
  return state == RequestState::kCancelled ? RequestStatusText(RequestState::kFailed)
                                           : RequestStatusText(state);
}

Json RequestJson(const ExportRequest& r) {
  return Json{{"id", r.id},
              {"startTime", r.start_time},
              {"endTime", r.end_time},
              {"state", RequestStateName(r.state)},
              {"status", StatusWords(r.state)},
              {"progress", r.progress},
              {"error", NullIfEmpty(r.error)},
              {"createdAt", UtcIso8601(r.created_at / 1'000'000)},
              {"updatedAt", UtcIso8601(r.updated_at / 1'000'000)}};
}

// --- requestStatus ---

Json NotRequested() {
  return Json{{"status", kNotRequestedText},
              {"progress", 0.0},
              {"dataRequestDownloadLinks", nullptr},
              {"linksExpireAt", nullptr}};
}

// Sets `out`'s dataRequestDownloadLinks, { table: [url, ...] } of the data files in file order,
// and linksExpireAt, the earliest expiry among them.
Status SetDownloadLinks(const ExportApiDeps& deps, const ExportRequest& request, Json& out) {
  ASSIGN_OR_RETURN(auto links, PresignRequestLinks(deps.metadata, deps.store, request,
                                                   deps.link_expiry_seconds));
  Json tables = Json::object();
  std::optional<int64_t> expires_at;
  for (const auto& [table, table_links] : links) {
    Json urls = Json::array();
    for (const PresignedUrl& url : table_links.files) {
      urls.push_back(url.url);
      expires_at = std::min(expires_at.value_or(url.expires_at), url.expires_at);
    }
    tables[table] = std::move(urls);
  }
  out["dataRequestDownloadLinks"] = std::move(tables);
  out["linksExpireAt"] = expires_at ? Json(UtcIso8601(*expires_at)) : Json(nullptr);
  return Status::Ok();
}

Result<Json> RequestStatus(const ExportApiDeps& deps, const ResolveInfo& info) {
  std::optional<std::string> id = RequestIdArg(info.args, "requestId");
  if (!id) return NotRequested();
  ASSIGN_OR_RETURN(std::optional<ExportRequest> request, deps.metadata->GetRequest(*id));
  if (!request) return NotRequested();
  Json out{{"status", StatusWords(request->state)},
           {"progress", request->progress},
           {"dataRequestDownloadLinks", nullptr},
           {"linksExpireAt", nullptr}};
  if (request->state == RequestState::kCompleted) {
    RETURN_IF_ERROR(SetDownloadLinks(deps, *request, out));
  }
  return out;
}

// --- requestData, cancelRequest ---

Result<Json> RequestData(const ExportApiDeps& deps, const ResolveInfo& info) {
  int64_t start = info.args.at("startTime").get<int64_t>();
  int64_t end = info.args.at("endTime").get<int64_t>();
  RETURN_IF_ERROR(ValidateRange(start, end));
  ASSIGN_OR_RETURN(ExportRequest request, deps.queue->Submit(start, end));
  return Json(request.id);
}

Result<Json> CancelRequest(const ExportApiDeps& deps, const ResolveInfo& info) {
  if (!IsAdminCaller(info)) return PermissionDenied("cancelRequest needs an admin token");
  std::optional<std::string> id = RequestIdArg(info.args, "requestId");
  if (!id) {
    return NotFound("no request has id {}",
                    Shown(info.args.at("requestId").get_ref<const std::string&>()));
  }
  Status cancelled = deps.queue->Cancel(*id);
  if (cancelled.code() == StatusCode::kFailedPrecondition) {
    return InvalidArgument("{}", cancelled.message());  // already finished: the caller's mistake
  }
  RETURN_IF_ERROR(cancelled);
  ASSIGN_OR_RETURN(std::optional<ExportRequest> request, deps.metadata->GetRequest(*id));
  if (!request) return NotFound("no request has id {}", *id);
  return RequestJson(*request);
}

// --- requests, request, Request.tables ---

Result<Json> Requests(const ExportApiDeps& deps, const ResolveInfo& info) {
  int limit = 50;
  if (auto it = info.args.find("limit"); it != info.args.end() && !it->is_null()) {
    limit = it->get<int>();
  }
  if (limit < 1 || limit > kMaxListLimit) {
    return InvalidArgument("limit must be 1 to {}, got {}", kMaxListLimit, limit);
  }
  std::vector<ExportRequest> requests;
  if (auto it = info.args.find("state"); it != info.args.end() && !it->is_null()) {
    std::optional<RequestState> state = ParseRequestState(it->get_ref<const std::string&>());
    if (!state) return InvalidArgument("unknown request state {}", it->dump());
    ASSIGN_OR_RETURN(requests, deps.metadata->ListRequestsInState(*state));
    std::reverse(requests.begin(), requests.end());  // newest first
  } else {
    ASSIGN_OR_RETURN(requests, deps.metadata->ListRequests(limit));
  }
  Json out = Json::array();
  for (size_t i = 0; i < requests.size() && i < static_cast<size_t>(limit); ++i) {
    out.push_back(RequestJson(requests[i]));
  }
  return out;
}

Result<Json> OneRequest(const ExportApiDeps& deps, const ResolveInfo& info) {
  std::optional<std::string> id = RequestIdArg(info.args, "id");
  if (!id) return Json(nullptr);
  ASSIGN_OR_RETURN(std::optional<ExportRequest> request, deps.metadata->GetRequest(*id));
  return request ? RequestJson(*request) : Json(nullptr);
}

std::string_view TableStateName(TableProgress::State state) {
  switch (state) {
    case TableProgress::State::kPending:
      return "PENDING";
    case TableProgress::State::kRunning:
      return "RUNNING";
    case TableProgress::State::kCompleted:
      return "COMPLETED";
    case TableProgress::State::kFailed:
      return "FAILED";
  }
  return "FAILED";
}

// Per-table totals of a completed request's published files. `manifestKey` is read by
// RequestTable.manifestUrl only (it is not a schema field).
Result<Json> TablesFromFiles(const ExportApiDeps& deps, const std::string& id) {
  ASSIGN_OR_RETURN(std::vector<RequestFile> files, deps.metadata->ListRequestFiles(id));
  std::map<std::string, Json> tables;
  for (const RequestFile& f : files) {
    auto [it, added] = tables.try_emplace(f.table_name);
    Json& table = it->second;
    if (added) {
      table = Json{{"table", f.table_name}, {"state", "COMPLETED"},  {"rows", 0.0}, {"files", 0},
                   {"bytes", 0.0},          {"manifestKey", nullptr}};
    }
    if (f.is_manifest) {
      table["manifestKey"] = f.key;
      continue;
    }
    table["rows"] = table["rows"].get<double>() + static_cast<double>(f.rows);
    table["bytes"] = table["bytes"].get<double>() + static_cast<double>(f.bytes);
    table["files"] = table["files"].get<int>() + 1;
  }
  Json out = Json::array();
  for (auto& [name, table] : tables) out.push_back(std::move(table));
  return out;
}

Result<Json> RequestTables(const ExportApiDeps& deps, const ResolveInfo& info) {
  const std::string& id = info.parent.at("id").get_ref<const std::string&>();
  if (info.parent.at("state").get<std::string>() == RequestStateName(RequestState::kCompleted)) {
    return TablesFromFiles(deps, id);
  }
  Json out = Json::array();
  std::optional<std::vector<TableProgress>> progress = deps.queue->Progress(id);
  if (!progress) return out;
  for (const TableProgress& p : *progress) {
    out.push_back(Json{{"table", p.table},
                       {"state", TableStateName(p.state)},
                       {"rows", static_cast<double>(p.rows)},
                       {"files", static_cast<int64_t>(p.files)},
                       {"bytes", static_cast<double>(p.bytes)},
                       {"manifestKey", nullptr}});
  }
  return out;
}

Result<Json> ManifestUrl(const ExportApiDeps& deps, const ResolveInfo& info) {
  auto key = info.parent.find("manifestKey");
  if (key == info.parent.end() || !key->is_string()) return Json(nullptr);
  ASSIGN_OR_RETURN(PresignedUrl url,
                   deps.store->Presign(key->get<std::string>(), deps.link_expiry_seconds));
  return Json(url.url);
}

// --- exportTables, policy, catalog ---

Result<Json> ExportTables(const ExportApiDeps& deps, const ResolveInfo&) {
  ASSIGN_OR_RETURN(std::vector<ExportTable> tables, deps.metadata->ListExportTables());
  Json out = Json::array();
  for (const ExportTable& t : tables) {
    out.push_back(Json{{"tableName", t.table_name},
                       {"enabled", t.enabled},
                       {"timeColumn", t.time_column},
                       {"sourceColumn", NullIfEmpty(t.source_column)},
                       {"metricColumn", NullIfEmpty(t.metric_column)}});
  }
  return out;
}

Json EmptySummary(const std::string& table) {
  return Json{{"table", table}, {"columns", 0}, {"nr", 0},      {"mx", 0},         {"de", 0},
              {"hwc", 0},       {"pii", 0},     {"treated", 0}, {"metricRules", 0}};
}

void Increment(Json& summary, const std::string& member) {
  if (summary.contains(member)) summary[member] = summary[member].get<int>() + 1;
}

Result<Json> Policy(const ExportApiDeps& deps, const ResolveInfo&) {
  ASSIGN_OR_RETURN(PolicySnapshot policy, deps.metadata->LoadPolicy());
  std::map<std::string, Json> tables;
  auto summary = [&](const std::string& table) -> Json& {
    return tables.try_emplace(table, EmptySummary(table)).first->second;
  };
  for (const ExportTable& t : policy.export_tables) summary(t.table_name);
  for (const ColumnClassification& c : policy.columns) {
    Json& s = summary(c.table_name);
    Increment(s, "columns");
    Increment(s, c.classification);
    if (c.pii) Increment(s, "pii");
    if (!c.treatment.empty()) Increment(s, "treated");
  }
  for (const MetricClassification& m : policy.metrics)
    Increment(summary(m.table_name), "metricRules");
  Json out{{"version", policy.version}, {"tables", Json::array()}, {"sources", Json::array()}};
  for (auto& [name, s] : tables) out["tables"].push_back(std::move(s));
  for (const SourceClassification& s : policy.sources) {
    out["sources"].push_back(Json{{"source", s.source}, {"classification", s.classification}});
  }
  return out;
}

Result<Json> CatalogTableJson(const ExportApiDeps& deps, const std::string& table, bool exported,
                              const std::map<std::string, const ColumnClassification*>& rules) {
  ASSIGN_OR_RETURN(TableSchema schema, deps.warehouse->DescribeTable(table));
  Json columns = Json::array();
  for (const WarehouseColumn& column : schema.columns) {
    auto rule = rules.find(table + '\n' + column.name);
    const ColumnClassification* c = rule == rules.end() ? nullptr : rule->second;
    columns.push_back(Json{{"name", column.name},
                           {"type", column.declared_type},
                           {"nullable", column.nullable},
                           {"classification", c ? Json(c->classification) : Json(nullptr)},
                           {"treatment", c ? NullIfEmpty(c->treatment) : Json(nullptr)},
                           {"pii", c != nullptr && c->pii}});
  }
  return Json{{"name", table}, {"exported", exported}, {"columns", std::move(columns)}};
}

Result<Json> Catalog(const ExportApiDeps& deps, const ResolveInfo&) {
  if (deps.warehouse == nullptr) return Unavailable("no warehouse is configured");
  ASSIGN_OR_RETURN(std::vector<std::string> names, deps.warehouse->ListTables());
  ASSIGN_OR_RETURN(std::vector<ExportTable> export_tables, deps.metadata->ListExportTables());
  ASSIGN_OR_RETURN(std::vector<ColumnClassification> columns,
                   deps.metadata->ListColumnClassifications(""));
  std::map<std::string, const ColumnClassification*> rules;
  for (const ColumnClassification& c : columns) rules[c.table_name + '\n' + c.column_name] = &c;
  Json out = Json::array();
  for (const std::string& name : names) {
    bool exported =
        std::any_of(export_tables.begin(), export_tables.end(),
                    [&](const ExportTable& t) { return t.table_name == name && t.enabled; });
    ASSIGN_OR_RETURN(Json table, CatalogTableJson(deps, name, exported, rules));
    out.push_back(std::move(table));
  }
  return out;
}

constexpr ResolverBinding kBindings[] = {
    {"Query", "requestStatus", RequestStatus},
    {"Query", "requests", Requests},
    {"Query", "request", OneRequest},
    {"Query", "exportTables", ExportTables},
    {"Query", "policy", Policy},
    {"Query", "catalog", Catalog},
    {"Mutation", "requestData", RequestData},
    {"Mutation", "requestStatus", RequestStatus},
    {"Mutation", "cancelRequest", CancelRequest},
    {"Request", "tables", RequestTables},
    {"RequestTable", "manifestUrl", ManifestUrl},
};

}  // namespace

Result<std::unique_ptr<graphql::Schema>> BuildExportSchema(const ExportApiDeps& deps) {
  ASSIGN_OR_RETURN(std::unique_ptr<graphql::Schema> schema,
                   graphql::BuildSchema(ExportSchemaSdl()));
  RETURN_IF_ERROR(BindResolvers(*schema, deps, kBindings));
  RETURN_IF_ERROR(BindDailyRunResolvers(*schema, deps));
  RETURN_IF_ERROR(schema->CheckRootResolvers());
  return schema;
}

graphql::EngineLimits EngineLimitsFromConfig(const GraphqlConfig& config) {
  graphql::EngineLimits limits;
  limits.max_query_bytes = static_cast<size_t>(config.max_query_bytes);
  limits.max_tokens = static_cast<size_t>(config.max_tokens);
  limits.max_parse_depth = static_cast<int>(config.max_parse_depth);
  limits.max_field_depth = static_cast<int>(config.max_field_depth);
  limits.max_aliases = static_cast<int>(config.max_aliases);
  limits.max_directives = static_cast<int>(config.max_directives);
  limits.max_errors = static_cast<size_t>(config.max_errors);
  limits.timeout = std::chrono::milliseconds(config.timeout_ms);
  return limits;
}

}  // namespace de
