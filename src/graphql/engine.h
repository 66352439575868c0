// One GraphQL request from text to response: limits → parse → shape limits → validate →
// execute. What api/ calls; knows nothing of HTTP.
#pragma once

#include <any>
#include <chrono>
#include <optional>
#include <string>

#include "graphql/executor.h"
#include "graphql/parser.h"
#include "graphql/schema.h"
#include "graphql/validation.h"

namespace de::graphql {

struct EngineLimits {
  size_t max_query_bytes = 16 * 1024;
  size_t max_tokens = 2'000;
  int max_parse_depth = 64;
  int max_field_depth = 10;
  int max_aliases = 15;
  int max_directives = 50;
  size_t max_errors = 100;
  std::chrono::milliseconds timeout{30'000};
};

struct EngineRequest {
  std::string query;
  std::optional<std::string> operation_name;
  Json variables = Json::object();
  std::any context;
  bool allow_mutations = true;  // false for GET: a mutation then stops at kNotAllowed
};

struct EngineResponse {
  // Where the request stopped: a parse, limit or validation error means no execution ("data"
  // absent); kNotAllowed: the selected operation is a mutation and mutations were not allowed.
  //   kParse: variables neither an object nor null ("Variables must be provided as an object.",
  //     BAD_USER_INPUT), query text over max_query_bytes ("Query text is N bytes; the limit is
  //     M.", LIMIT_EXCEEDED), or a syntax error or token/nesting limit (GRAPHQL_PARSE_FAILED).
  //   kValidate: shape limits (LIMIT_EXCEEDED; validation then does not run), else the
  //     validation errors (GRAPHQL_VALIDATION_FAILED).
  //   kNotAllowed: "Mutations are not allowed over GET; use POST." at the operation.
  //   kExecuted: Execute ran; operation-selection and variable errors leave has_data false.
  enum class Phase { kParse, kValidate, kNotAllowed, kExecuted };
  Phase phase = Phase::kExecuted;
  ExecutionResult result;
};

// Thread-safety: Run may be called from many threads at once.
class Engine {
 public:
  Engine(const Schema* schema, EngineLimits limits) : schema_(schema), limits_(limits) {}
  EngineResponse Run(EngineRequest request) const;
  const EngineLimits& limits() const { return limits_; }

 private:
  const Schema* schema_;
  EngineLimits limits_;
};

}  // namespace de::graphql
