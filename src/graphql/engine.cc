#include "graphql/engine.h"

#include <fmt/format.h>

namespace de::graphql {
namespace {

EngineResponse Stop(EngineResponse::Phase phase, std::vector<GraphQLError> errors) {
  EngineResponse response;
  response.phase = phase;
  response.result.has_data = false;
  response.result.errors = std::move(errors);
  return response;
}

EngineResponse Stop(EngineResponse::Phase phase, GraphQLError error) {
  std::vector<GraphQLError> errors;
  errors.push_back(std::move(error));
  return Stop(phase, std::move(errors));
}

void DefaultCode(std::vector<GraphQLError>* errors, const char* code) {
  for (GraphQLError& error : *errors) {
    if (error.code.empty()) error.code = code;
  }
}

}  // namespace

EngineResponse Engine::Run(EngineRequest request) const {
  using Phase = EngineResponse::Phase;
  if (!request.variables.is_object() && !request.variables.is_null()) {
    return Stop(Phase::kParse,
                GraphQLError{"Variables must be provided as an object.", {}, {}, "BAD_USER_INPUT"});
  }
  if (request.query.size() > limits_.max_query_bytes) {
    return Stop(Phase::kParse,
                GraphQLError{fmt::format("Query text is {} bytes; the limit is {}.",
                                         request.query.size(), limits_.max_query_bytes),
                             {},
                             {},
                             "LIMIT_EXCEEDED"});
  }
  ParseResult parsed = Parse(request.query, {limits_.max_tokens, limits_.max_parse_depth});
  if (!parsed.ok) {
    if (parsed.error.code.empty()) parsed.error.code = "GRAPHQL_PARSE_FAILED";
    return Stop(Phase::kParse, std::move(parsed.error));
  }
  const Document& document = parsed.document;
  std::vector<GraphQLError> errors = CheckShapeLimits(
      document, {limits_.max_field_depth, limits_.max_aliases, limits_.max_directives});
  if (errors.empty()) errors = Validate(*schema_, document, limits_.max_errors);
  if (!errors.empty()) {
    DefaultCode(&errors, "GRAPHQL_VALIDATION_FAILED");
    return Stop(Phase::kValidate, std::move(errors));
  }
  const OperationDefinition* operation = SelectOperation(document, request.operation_name);
  if (operation != nullptr && operation->type == OperationType::kMutation &&
      !request.allow_mutations) {
    return Stop(Phase::kNotAllowed, GraphQLError{"Mutations are not allowed over GET; use POST.",
                                                 {operation->location},
                                                 {},
                                                 "METHOD_NOT_ALLOWED"});
  }
  ExecutionRequest execution;
  execution.document = &document;
  execution.operation_name = std::move(request.operation_name);
  execution.variables = std::move(request.variables);
  execution.context = std::move(request.context);
  EngineResponse response;
  response.phase = Phase::kExecuted;
  response.result = Execute(*schema_, execution, {limits_.timeout, limits_.max_errors});
  return response;
}

}  // namespace de::graphql
