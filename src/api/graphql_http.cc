#include "api/graphql_http.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <utility>
#include <variant>
#include <vector>

#include <fmt/format.h>

namespace de {
namespace {

using graphql::Json;

constexpr std::string_view kGraphqlResponseType = "application/graphql-response+json";
constexpr std::string_view kJsonType = "application/json";
constexpr std::string_view kGraphqlResponseSubtype = "graphql-response+json";
constexpr std::string_view kJsonSubtype = "json";

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Splits a header value at `separator`s outside quoted strings.
std::vector<std::string_view> SplitOutsideQuotes(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  bool quoted = false;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (quoted && text[i] == '\\') {
      ++i;
    } else if (text[i] == '"') {
      quoted = !quoted;
    } else if (!quoted && text[i] == separator) {
      parts.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  parts.push_back(text.substr(start));
  return parts;
}

// A media type or range with its parameters: "application/json; charset=utf-8; q=0.5".
struct MediaRange {
  std::string type;                    // lower case; "*" for a wildcard
  std::string subtype;                 // lower case; "*" for a wildcard
  std::optional<std::string> charset;  // lower case, unquoted
  double q = 1.0;
  bool valid = true;  // false: malformed, ignored
};

std::string Unquote(std::string_view value) {
  if (value.size() < 2 || value.front() != '"' || value.back() != '"') return std::string(value);
  std::string out;
  for (size_t i = 1; i + 1 < value.size(); ++i) {
    if (value[i] == '\\' && i + 2 < value.size()) ++i;
    out += value[i];
  }
  return out;
}

// qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ), RFC 9110 §12.4.2.
std::optional<double> ParseQ(std::string_view text) {
  if (text.empty() || text.size() > 5 || (text[0] != '0' && text[0] != '1')) return std::nullopt;
  if (text.size() > 1 && text[1] != '.') return std::nullopt;
  for (size_t i = 2; i < text.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
  }
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || value > 1.0) return std::nullopt;
  return value;
}

MediaRange ParseMediaRange(std::string_view text) {
  MediaRange range;
  std::vector<std::string_view> parts = SplitOutsideQuotes(text, ';');
  std::string_view type = Trim(parts[0]);
  size_t slash = type.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == type.size()) {
    range.valid = false;
    return range;
  }
  range.type = Lower(Trim(type.substr(0, slash)));
  range.subtype = Lower(Trim(type.substr(slash + 1)));
  if (range.type == "*" && range.subtype != "*") range.valid = false;
  for (size_t i = 1; i < parts.size(); ++i) {
    std::string_view parameter = Trim(parts[i]);
    size_t eq = parameter.find('=');
    if (eq == std::string_view::npos) continue;
    std::string name = Lower(Trim(parameter.substr(0, eq)));
    std::string value = Unquote(Trim(parameter.substr(eq + 1)));
    if (name == "q") {
      std::optional<double> q = ParseQ(value);
      if (!q) range.valid = false;
      range.q = q.value_or(0);
    } else if (name == "charset") {
      range.charset = Lower(value);
    }
  }
  return range;
}

// How well `range` names application/`subtype`: 2 exactly, 1 as application/*, 0 as */*, -1 not
// at all (another type, or a charset other than UTF-8).
int Specificity(const MediaRange& range, std::string_view subtype) {
  if (!range.valid) return -1;
  if (range.charset && *range.charset != "utf-8" && *range.charset != "utf8") return -1;
  if (range.type == "*") return 0;
  if (range.type != "application") return -1;
  if (range.subtype == "*") return 1;
  return range.subtype == subtype ? 2 : -1;
}

struct Preference {
  double q = 0;
  int specificity = -1;  // -1: no range applies
};

// The q-value of application/`subtype`: from the most specific range that applies.
Preference PreferenceFor(const std::vector<MediaRange>& ranges, std::string_view subtype) {
  Preference best;
  for (const MediaRange& range : ranges) {
    int specificity = Specificity(range, subtype);
    if (specificity > best.specificity ||
        (specificity == best.specificity && specificity >= 0 && range.q > best.q)) {
      best = {range.q, specificity};
    }
  }
  return best;
}

Json ErrorJson(std::string_view message, std::string_view code) {
  Json error = Json::object();
  error["message"] = message;
  error["extensions"] = Json{{"code", code}};
  return Json{{"errors", Json::array({error})}};
}

std::string Dump(const Json& json) {
  // Replacement characters instead of an exception for invalid UTF-8 echoed from a request.
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

HttpResponse GraphqlResponse(HttpStatus status, GraphqlMediaType type, const Json& body) {
  HttpResponse response;
  response.status = status;
  response.headers.Add("Content-Type", std::string(ContentTypeFor(type)));
  response.body = Dump(body);
  return response;
}

// What a GraphQL-over-HTTP request carries, once it is known to be well formed.
struct GraphqlParams {
  std::string query;
  std::optional<std::string> operation_name;
  Json variables = Json::object();
};

// A request that is not a well-formed GraphQL-over-HTTP request: status and message.
struct RequestProblem {
  HttpStatus status = HttpStatus::bad_request;
  std::string message;
  std::string code = "BAD_REQUEST";
};

using ParamsOrProblem = std::variant<GraphqlParams, RequestProblem>;

RequestProblem BadRequest(std::string message) {
  return RequestProblem{HttpStatus::bad_request, std::move(message)};
}

// operationName, variables and extensions from a JSON request object (POST) or from decoded
// query parameters (GET, where variables and extensions are JSON text).
std::optional<RequestProblem> ReadOptionalMembers(const Json& object, GraphqlParams* params) {
  if (auto it = object.find("operationName"); it != object.end() && !it->is_null()) {
    if (!it->is_string()) return BadRequest("operationName must be a string or null");
    if (!it->get_ref<const std::string&>().empty()) params->operation_name = it->get<std::string>();
  }
  if (auto it = object.find("variables"); it != object.end() && !it->is_null()) {
    if (!it->is_object()) return BadRequest("variables must be an object (map) or null");
    params->variables = *it;
  }
  if (auto it = object.find("extensions"); it != object.end() && !it->is_null()) {
    if (!it->is_object()) return BadRequest("extensions must be an object (map) or null");
  }
  return std::nullopt;
}

ParamsOrProblem ParamsFromJsonObject(const Json& object) {
  auto query = object.find("query");
  if (query == object.end() || query->is_null()) {
    return BadRequest("the request has no query: send {\"query\": \"...\"}");
  }
  if (!query->is_string()) return BadRequest("query must be a string");
  GraphqlParams params;
  params.query = query->get<std::string>();
  if (std::optional<RequestProblem> problem = ReadOptionalMembers(object, &params)) {
    return *problem;
  }
  return params;
}

// Checks Content-Type: application/json, charset (if any) UTF-8.
std::optional<RequestProblem> CheckContentType(std::optional<std::string_view> content_type) {
  constexpr std::string_view kHint = "send the request as Content-Type: application/json";
  if (!content_type || Trim(*content_type).empty()) {
    return RequestProblem{HttpStatus::unsupported_media_type,
                          fmt::format("the request has no Content-Type; {}", kHint),
                          "UNSUPPORTED_MEDIA_TYPE"};
  }
  MediaRange type = ParseMediaRange(*content_type);
  bool json = type.valid && type.type == "application" && type.subtype == "json";
  bool utf8 = !type.charset || *type.charset == "utf-8" || *type.charset == "utf8";
  if (json && utf8) return std::nullopt;
  std::string shown(content_type->substr(0, 100));
  return RequestProblem{HttpStatus::unsupported_media_type,
                        fmt::format("Content-Type '{}' is not supported; {} (UTF-8)", shown, kHint),
                        "UNSUPPORTED_MEDIA_TYPE"};
}

ParamsOrProblem ParamsFromPost(const HttpRequest& request) {
  if (std::optional<RequestProblem> problem = CheckContentType(request.headers.Get("content-type")))
    return *problem;
  if (request.body.empty()) {
    return BadRequest("the request body is empty: send {\"query\": \"...\"}");
  }
  Json body;
  try {
    body = Json::parse(request.body);
  } catch (const Json::parse_error& e) {
    return BadRequest(fmt::format("the request body is not valid JSON (at byte {})", e.byte));
  } catch (const Json::out_of_range&) {
    return BadRequest("the request body holds a number too large to represent");
  }
  if (body.is_array()) {
    return BadRequest("batching is not supported: send one operation per request");
  }
  if (!body.is_object()) return BadRequest("the request body must be a JSON object");
  return ParamsFromJsonObject(body);
}

ParamsOrProblem ParamsFromGet(const HttpRequest& request) {
  Json object = Json::object();
  for (std::string_view name : {"query", "operationName", "variables", "extensions"}) {
    size_t count = request.QueryParamCount(name);
    if (count > 1)
      return BadRequest(fmt::format("query parameter {} is given {} times", name, count));
    if (count == 0) continue;
    std::string value(*request.QueryParam(name));
    if (name == "query" || name == "operationName") {
      object[std::string(name)] = value;
      continue;
    }
    try {
      object[std::string(name)] = Json::parse(value);
    } catch (const Json::parse_error& e) {
      return BadRequest(
          fmt::format("query parameter {} is not valid JSON (at byte {})", name, e.byte));
    } catch (const Json::out_of_range&) {
      return BadRequest(
          fmt::format("query parameter {} holds a number too large to represent", name));
    }
  }
  return ParamsFromJsonObject(object);
}

HttpResponse ProblemResponse(const RequestProblem& problem, GraphqlMediaType type) {
  return GraphqlResponse(problem.status, type, ErrorJson(problem.message, problem.code));
}

HttpResponse UnauthenticatedResponse(const Status& status, bool token_presented,
                                     GraphqlMediaType type) {
  HttpResponse response = GraphqlResponse(HttpStatus::unauthorized, type,
                                          ErrorJson(status.message(), "UNAUTHENTICATED"));
  // RFC 6750 §3: name the error only when credentials were presented.
  response.headers.Add("WWW-Authenticate",
                       token_presented ? "Bearer realm=\"data-exporter\", error=\"invalid_token\""
                                       : "Bearer realm=\"data-exporter\"");
  return response;
}

HttpResponse ExecutedResponse(const graphql::EngineResponse& engine_response,
                              GraphqlMediaType type) {
  const graphql::ExecutionResult& result = engine_response.result;
  Json body = result.ToJson();
  if (engine_response.phase == graphql::EngineResponse::Phase::kNotAllowed) {
    if (result.errors.empty()) {
      body = ErrorJson("mutations are not allowed over GET: send them with POST", "BAD_REQUEST");
    }
    HttpResponse response = GraphqlResponse(HttpStatus::method_not_allowed, type, body);
    response.headers.Add("Allow", "POST");
    return response;
  }
  // application/json: 200 for every well-formed request. application/graphql-response+json: a
  // response without data (the request never executed) is 400.
  bool failed = type == GraphqlMediaType::kGraphqlResponseJson && !result.has_data;
  return GraphqlResponse(failed ? HttpStatus::bad_request : HttpStatus::ok, type, body);
}

}  // namespace

std::string_view ContentTypeFor(GraphqlMediaType type) {
  return type == GraphqlMediaType::kGraphqlResponseJson
             ? "application/graphql-response+json; charset=utf-8"
             : "application/json; charset=utf-8";
}

std::optional<GraphqlMediaType> NegotiateMediaType(std::optional<std::string_view> accept) {
  if (!accept || Trim(*accept).empty()) return GraphqlMediaType::kJson;
  std::vector<MediaRange> ranges;
  for (std::string_view part : SplitOutsideQuotes(*accept, ',')) {
    if (Trim(part).empty()) continue;
    ranges.push_back(ParseMediaRange(part));
  }
  Preference graphql = PreferenceFor(ranges, kGraphqlResponseSubtype);
  Preference json = PreferenceFor(ranges, kJsonSubtype);
  bool graphql_ok = graphql.specificity >= 0 && graphql.q > 0;
  bool json_ok = json.specificity >= 0 && json.q > 0;
  if (!graphql_ok && !json_ok) return std::nullopt;
  if (!json_ok) return GraphqlMediaType::kGraphqlResponseJson;
  if (!graphql_ok) return GraphqlMediaType::kJson;
  if (graphql.q != json.q) {
    return graphql.q > json.q ? GraphqlMediaType::kGraphqlResponseJson : GraphqlMediaType::kJson;
  }
  if (graphql.specificity != json.specificity) {
    return graphql.specificity > json.specificity ? GraphqlMediaType::kGraphqlResponseJson
                                                  : GraphqlMediaType::kJson;
  }
  // Both named explicitly: the preferred type. Both only through a wildcard: the legacy one,
  // which every client understands.
  return graphql.specificity == 2 ? GraphqlMediaType::kGraphqlResponseJson
                                  : GraphqlMediaType::kJson;
}

HttpResponse GraphqlHttpHandler::Handle(const HttpRequest& request) const {
  std::optional<std::string_view> accept = request.headers.Get("accept");
  std::optional<GraphqlMediaType> type = NegotiateMediaType(accept);
  if (!type) {
    std::string shown(accept->substr(0, 200));
    return GraphqlResponse(HttpStatus::not_acceptable, GraphqlMediaType::kJson,
                           ErrorJson(fmt::format("Accept '{}' allows neither {} nor {}", shown,
                                                 kGraphqlResponseType, kJsonType),
                                     "NOT_ACCEPTABLE"));
  }
  std::optional<std::string_view> authorization = request.headers.Get("authorization");
  Result<ApiCaller> caller = auth_->Authenticate(authorization);
  if (!caller.ok())
    return UnauthenticatedResponse(caller.status(), authorization.has_value(), *type);

  bool post = request.method == HttpMethod::post;
  ParamsOrProblem params = post ? ParamsFromPost(request) : ParamsFromGet(request);
  if (const auto* problem = std::get_if<RequestProblem>(&params)) {
    return ProblemResponse(*problem, *type);
  }
  GraphqlParams& ok = std::get<GraphqlParams>(params);
  graphql::EngineRequest engine_request;
  engine_request.query = std::move(ok.query);
  engine_request.operation_name = std::move(ok.operation_name);
  engine_request.variables = std::move(ok.variables);
  engine_request.context = *caller;
  engine_request.allow_mutations = post;
  return ExecutedResponse(engine_->Run(std::move(engine_request)), *type);
}

void MountGraphqlRoute(HttpServer& server, const GraphqlHttpHandler& handler) {
  auto handle = [&handler](const HttpRequest& request) { return handler.Handle(request); };
  server.Route(HttpMethod::get, std::string(kGraphqlPath), handle);
  server.Route(HttpMethod::post, std::string(kGraphqlPath), handle);
}

}  // namespace de
