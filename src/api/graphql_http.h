// The /graphql route: GraphQL over HTTP (https://graphql.github.io/graphql-over-http/draft/) on
// top of graphql::Engine.
//
//   POST /graphql  Content-Type: application/json (charset, if given, utf-8), body
//                  {"query": ..., "operationName": ..., "variables": {...}, "extensions": {...}};
//                  each optional member may be null. One operation per request: a JSON array
//                  (batching) is refused.
//   GET  /graphql?query=...&operationName=...&variables=<JSON>&extensions=<JSON>
//                  queries only: a mutation over GET is 405 with `Allow: POST`.
//
// Response media type from Accept: application/graphql-response+json or application/json, by
// q-value (RFC 9110 §12.5.1; a range whose charset is not utf-8 does not match); on a tie an
// explicitly named type beats one matched by a wildcard, and application/graphql-response+json
// beats application/json. `*/*`, `application/*` or no Accept header give application/json.
// Neither acceptable: 406.
//
// Status codes:
//   - a request that is not a well-formed GraphQL-over-HTTP request (malformed JSON, not an
//     object, query missing or not a string, operationName/variables/extensions of the wrong
//     type, no body): 400; no or another Content-Type on POST: 415; body over the server's
//     limit: 413 (answered by HttpServer).
//   - missing or invalid bearer token (auth.h): 401 with `WWW-Authenticate: Bearer`.
//   - application/json: 200 for every well-formed request, whatever the GraphQL errors.
//   - application/graphql-response+json: 200 when the response has `data` (even null); 400 when
//     the request stopped before execution (parse, limit, validation, unknown operation,
//     variable coercion).
// Every error body is a GraphQL response: {"errors":[{"message", "locations", "path",
// "extensions": {"code"}}]}; request-level errors carry code BAD_REQUEST, UNAUTHENTICATED,
// NOT_ACCEPTABLE or UNSUPPORTED_MEDIA_TYPE.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "api/auth.h"
#include "api/http_message.h"
#include "api/http_server.h"
#include "graphql/engine.h"

namespace de {

inline constexpr std::string_view kGraphqlPath = "/graphql";

enum class GraphqlMediaType { kGraphqlResponseJson, kJson };

// "application/graphql-response+json; charset=utf-8" or "application/json; charset=utf-8".
std::string_view ContentTypeFor(GraphqlMediaType type);

// The response media type for an Accept header value (nullopt: no header), see above; nullopt
// when neither type is acceptable.
std::optional<GraphqlMediaType> NegotiateMediaType(std::optional<std::string_view> accept);

// Thread-safe: Handle may run on every handler thread at once. `engine` and `auth` must outlive
// the handler.
class GraphqlHttpHandler {
 public:
  GraphqlHttpHandler(const graphql::Engine* engine, const Authenticator* auth)
      : engine_(engine), auth_(auth) {}

  // Answers one GET, HEAD or POST request to kGraphqlPath.
  HttpResponse Handle(const HttpRequest& request) const;

 private:
  const graphql::Engine* engine_;
  const Authenticator* auth_;
};

// Registers GET (and so HEAD) and POST on kGraphqlPath. `handler` must outlive the server.
void MountGraphqlRoute(HttpServer& server, const GraphqlHttpHandler& handler);

}  // namespace de
