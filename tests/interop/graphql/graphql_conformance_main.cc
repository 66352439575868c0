// graphql_conformance CASES.jsonl
//
// The C++ half of the GraphQL conformance suite (run_conformance.py is the other half and runs
// graphql-core, the reference implementation). Reads one case per line:
//
//   {"id": "...", "action": "run" | "parse", "schema": "/path/schema.graphql",
//    "resolvers": {"Query.fail": "error", "Query.echo": "echo"}, "root": {...},
//    "query": "...", "operationName": null | "...", "variables": null | {...},
//    "limits": {"max_tokens": 2000, ...}}
//
// and prints one JSON line per case, in order, flushed after each:
//
//   {"id": "...", "phase": "parse" | "validate" | "not_allowed" | "executed" | "parsed",
//    "has_data": true | false, "response": {"errors": [...], "data": ...}}
//   {"id": "...", "fatal": "what went wrong"}   (bad case line, schema that does not build)
//
// Resolvers: the engine has no root value, so every root field (Query, Mutation) gets a resolver
// returning root[field] from the case's root value; that is what graphql-core's default resolver
// does with `root_value`. Every other field keeps the engine's default resolver. The named test
// resolvers (mirrored in run_conformance.py) replace a field's resolver:
//   error: the value as the default resolver would read it, except that an object
//          {"$error": "message"} becomes a field error with that message;
//   echo:  the field's coerced arguments as one JSON object, keys sorted.
// Exit status: 0 after the last case (mismatches are the runner's business), 2 on bad usage.
#include <any>
#include <chrono>
#include <exception>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <utility>

#include "common/status.h"
#include "graphql/engine.h"
#include "graphql/json.h"
#include "graphql/parser.h"
#include "graphql/schema.h"

namespace de::graphql {
namespace {

// What every resolver of a case sees as its context: the case's root value.
struct CaseContext {
  const Json* root = nullptr;
};

const Json& NullJson() {
  static const Json kNull = nullptr;
  return kNull;
}

// root[field] for root fields (parent is null there), parent[field] below.
const Json& FieldValue(const ResolveInfo& info) {
  const Json* source = &info.parent;
  if (info.parent.is_null()) {
    const auto* context = std::any_cast<CaseContext>(&info.context);
    source = context != nullptr ? context->root : nullptr;
  }
  if (source == nullptr || !source->is_object()) return NullJson();
  auto it = source->find(std::string(info.field_name));
  return it == source->end() ? NullJson() : *it;
}

Result<Json> ErrorMarkerResolver(const ResolveInfo& info) {
  const Json& value = FieldValue(info);
  if (value.is_object() && value.contains("$error")) {
    const Json& message = value["$error"];
    return Status(StatusCode::kInternal,
                  message.is_string() ? message.get<std::string>() : message.dump());
  }
  return value;
}

// `value` with the members of every object sorted by key (argument order is not specified).
Json SortedKeys(const Json& value) {
  if (value.is_array()) {
    Json out = Json::array();
    for (const Json& item : value) out.push_back(SortedKeys(item));
    return out;
  }
  if (!value.is_object()) return value;
  std::map<std::string, const Json*> members;
  for (const auto& [key, member] : value.items()) members[key] = &member;
  Json out = Json::object();
  for (const auto& [key, member] : members) out[key] = SortedKeys(*member);
  return out;
}

Result<Json> EchoResolver(const ResolveInfo& info) { return SortedKeys(info.args); }

Result<Json> RootValueResolver(const ResolveInfo& info) { return FieldValue(info); }

// "Type.field" → ("Type", "field").
std::pair<std::string, std::string> SplitFieldName(const std::string& qualified) {
  size_t dot = qualified.find('.');
  if (dot == std::string::npos) return {qualified, ""};
  return {qualified.substr(0, dot), qualified.substr(dot + 1)};
}

Status BindTestResolvers(Schema& schema, const Json& resolvers) {
  if (!resolvers.is_object()) return Status::Ok();
  for (const auto& [qualified, kind] : resolvers.items()) {
    auto [type, field] = SplitFieldName(qualified);
    std::string kind_name = kind.is_string() ? kind.get<std::string>() : kind.dump();
    Resolver resolver;
    if (kind_name == "error") {
      resolver = ErrorMarkerResolver;
    } else if (kind_name == "echo") {
      resolver = EchoResolver;
    } else {
      return InvalidArgument("unknown test resolver \"{}\" for {}", kind_name, qualified);
    }
    RETURN_IF_ERROR(schema.BindResolver(type, field, std::move(resolver)));
  }
  return Status::Ok();
}

// Every root field not bound to a test resolver reads the case's root value.
Status BindRootResolvers(Schema& schema, const Json& resolvers) {
  for (const Type* root : {schema.query_type(), schema.mutation_type()}) {
    if (root == nullptr) continue;
    for (const Field& field : root->fields) {
      std::string qualified = root->name + "." + field.name;
      if (resolvers.is_object() && resolvers.contains(qualified)) continue;
      RETURN_IF_ERROR(schema.BindResolver(root->name, field.name, RootValueResolver));
    }
  }
  return Status::Ok();
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot open schema file {}", path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Result<std::unique_ptr<Schema>> LoadSchema(const std::string& path, const Json& resolvers) {
  ASSIGN_OR_RETURN(std::string sdl, ReadFile(path));
  auto schema = BuildSchema(sdl);
  if (!schema.ok()) return schema.status().WithContext(path);
  RETURN_IF_ERROR(BindTestResolvers(**schema, resolvers));
  RETURN_IF_ERROR(BindRootResolvers(**schema, resolvers));
  return std::move(*schema);
}

EngineLimits LimitsFrom(const Json& limits) {
  EngineLimits out;
  if (!limits.is_object()) return out;
  out.max_query_bytes = limits.value("max_query_bytes", out.max_query_bytes);
  out.max_tokens = limits.value("max_tokens", out.max_tokens);
  out.max_parse_depth = limits.value("max_parse_depth", out.max_parse_depth);
  out.max_field_depth = limits.value("max_field_depth", out.max_field_depth);
  out.max_aliases = limits.value("max_aliases", out.max_aliases);
  out.max_directives = limits.value("max_directives", out.max_directives);
  out.max_errors = limits.value("max_errors", out.max_errors);
  if (limits.contains("timeout_ms"))
    out.timeout = std::chrono::milliseconds(limits["timeout_ms"].get<int64_t>());
  return out;
}

const char* PhaseName(EngineResponse::Phase phase) {
  switch (phase) {
    case EngineResponse::Phase::kParse:
      return "parse";
    case EngineResponse::Phase::kValidate:
      return "validate";
    case EngineResponse::Phase::kNotAllowed:
      return "not_allowed";
    case EngineResponse::Phase::kExecuted:
      return "executed";
  }
  return "unknown";
}

// Schemas by (path, resolvers): a schema's resolvers are bound once, before first use.
class SchemaCache {
 public:
  Result<const Schema*> Get(const std::string& path, const Json& resolvers) {
    std::string key = path + "\n" + resolvers.dump();
    auto it = schemas_.find(key);
    if (it == schemas_.end()) {
      ASSIGN_OR_RETURN(std::unique_ptr<Schema> schema, LoadSchema(path, resolvers));
      it = schemas_.emplace(key, std::move(schema)).first;
    }
    return static_cast<const Schema*>(it->second.get());
  }

 private:
  std::map<std::string, std::unique_ptr<Schema>> schemas_;
};

Json ParseOnly(const Json& c) {
  EngineLimits limits = LimitsFrom(c.value("limits", Json()));
  ParseOptions options;
  options.max_tokens = limits.max_tokens;
  options.max_depth = limits.max_parse_depth;
  ParseResult parsed = Parse(c.at("query").get<std::string>(), options);
  Json out = {{"phase", parsed.ok ? "parsed" : "parse"}, {"has_data", false}};
  out["response"] = Json::object();
  if (!parsed.ok) out["response"]["errors"] = Json::array({parsed.error.ToJson()});
  return out;
}

Result<Json> RunCase(SchemaCache& cache, const Json& c) {
  std::string action = c.value("action", "run");
  if (action == "parse") return ParseOnly(c);
  Json resolvers = c.value("resolvers", Json::object());
  ASSIGN_OR_RETURN(const Schema* schema, cache.Get(c.at("schema").get<std::string>(), resolvers));
  Json root = c.value("root", Json());
  Engine engine(schema, LimitsFrom(c.value("limits", Json())));
  EngineRequest request;
  request.query = c.at("query").get<std::string>();
  const Json& operation = c.value("operationName", NullJson());
  if (operation.is_string()) request.operation_name = operation.get<std::string>();
  const Json& variables = c.value("variables", NullJson());
  if (!variables.is_null()) request.variables = variables;
  request.context = CaseContext{&root};
  EngineResponse response = engine.Run(std::move(request));
  return Json{{"phase", PhaseName(response.phase)},
              {"has_data", response.result.has_data},
              {"response", response.result.ToJson()}};
}

// One output line; it carries the case's id whenever the line had one, so that the runner stays
// in step even when a case fails here.
Json RunLine(SchemaCache& cache, const std::string& line) {
  Json c = Json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (c.is_discarded() || !c.is_object()) return Json{{"fatal", "case line is not a JSON object"}};
  Json out;
  try {
    Result<Json> result = RunCase(cache, c);
    out = result.ok() ? std::move(*result) : Json{{"fatal", result.status().ToString()}};
  } catch (const std::exception& e) {
    out = {{"fatal", std::string("exception: ") + e.what()}};
  }
  out["id"] = c.value("id", "");
  return out;
}

int Main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: graphql_conformance CASES.jsonl\n";
    return 2;
  }
  std::ifstream in(argv[1]);
  if (!in) {
    std::cerr << "graphql_conformance: cannot open " << argv[1] << "\n";
    return 2;
  }
  SchemaCache cache;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::cout << RunLine(cache, line).dump(-1, ' ', false, Json::error_handler_t::replace)
              << std::endl;
  }
  return 0;
}

}  // namespace
}  // namespace de::graphql

int main(int argc, char** argv) { return de::graphql::Main(argc, argv); }
