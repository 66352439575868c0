// GraphQL errors (specification §7.1.2) and their JSON form.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/status.h"
#include "graphql/ast.h"
#include "graphql/json.h"

namespace de::graphql {

using PathSegment = std::variant<std::string, int>;

struct GraphQLError {
  std::string message;
  std::vector<SourceLocation> locations;
  std::vector<PathSegment> path;  // empty for request errors
  std::string code;               // extensions.code; empty = no extensions

  // {"message":..., "locations":[{"line":..,"column":..}], "path":[...],
  //  "extensions":{"code":...}}, members left out when empty.
  Json ToJson() const;
};

// The extensions.code for an error a resolver returned: BAD_USER_INPUT (kInvalidArgument),
// NOT_FOUND, UNAUTHENTICATED, FORBIDDEN (kPermissionDenied), TOO_MANY_REQUESTS
// (kResourceExhausted), FAILED_PRECONDITION (the service is not set up for it, e.g. no hash
// key), UNAVAILABLE (kUnavailable, kDeadlineExceeded: retry later), else INTERNAL. Codes of
// validation/parse errors are set by their phase: GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED,
// BAD_USER_INPUT (variable coercion, and an operation that cannot be selected or run),
// LIMIT_EXCEEDED, METHOD_NOT_ALLOWED (a mutation over GET), TIMEOUT.
std::string_view ErrorCodeFor(StatusCode code);

}  // namespace de::graphql
