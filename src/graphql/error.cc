#include "graphql/error.h"

namespace de::graphql {

Json GraphQLError::ToJson() const {
  Json out = Json::object();
  out["message"] = message;
  if (!locations.empty()) {
    Json list = Json::array();
    for (const SourceLocation& loc : locations) {
      list.push_back(Json{{"line", loc.line}, {"column", loc.column}});
    }
    out["locations"] = std::move(list);
  }
  if (!path.empty()) {
    Json list = Json::array();
    for (const PathSegment& segment : path) {
      if (const auto* key = std::get_if<std::string>(&segment)) {
        list.push_back(*key);
      } else {
        list.push_back(std::get<int>(segment));
      }
    }
    out["path"] = std::move(list);
  }
  if (!code.empty()) out["extensions"] = Json{{"code", code}};
  return out;
}

std::string_view ErrorCodeFor(StatusCode code) {
  switch (code) {
    case StatusCode::kInvalidArgument:
      return "BAD_USER_INPUT";
    case StatusCode::kNotFound:
      return "NOT_FOUND";
    case StatusCode::kUnauthenticated:
      return "UNAUTHENTICATED";
    case StatusCode::kPermissionDenied:
      return "FORBIDDEN";
    case StatusCode::kResourceExhausted:
      return "TOO_MANY_REQUESTS";
    case StatusCode::kFailedPrecondition:
      return "FAILED_PRECONDITION";
    case StatusCode::kUnavailable:
    case StatusCode::kDeadlineExceeded:
      return "UNAVAILABLE";
    default:
      return "INTERNAL";
  }
}

}  // namespace de::graphql
