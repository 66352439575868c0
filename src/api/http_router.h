// HttpRouter: maps a method and a request path to a handler.
//
// A route is an exact path ("/graphql") or, when it ends in '/', a prefix ("/download/" matches
// "/download/a/b"). Paths are compared percent-encoded, as received. An exact route beats a
// prefix, a longer prefix beats a shorter one; the best-matching path decides alone whether the
// method is allowed (405 with an Allow list) — a shorter prefix is not consulted. HEAD falls back
// to a path's GET handler.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "api/http_message.h"

namespace de {

// Runs on one of the server's handler threads; must be thread-safe. Exceptions are caught by the
// server and answered with 500, but handlers should return errors as responses.
using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

// Not thread-safe while routes are added; Find() may run concurrently once adding is done.
class HttpRouter {
 public:
  enum class Outcome { kFound, kNotFound, kMethodNotAllowed };
  struct Match {
    Outcome outcome = Outcome::kNotFound;
    const HttpHandler* handler = nullptr;  // set when kFound; owned by the router
    std::string allow;                     // set when kMethodNotAllowed: "GET, HEAD"
  };

  // Registers `handler` for `method` on `path_or_prefix` (must start with '/'); replaces an
  // earlier handler for the same method and path.
  void Add(HttpMethod method, std::string path_or_prefix, HttpHandler handler);

  Match Find(HttpMethod method, std::string_view path) const;

 private:
  using MethodTable = std::map<HttpMethod, HttpHandler>;

  static Match Choose(const MethodTable& methods, HttpMethod method);

  std::map<std::string, MethodTable, std::less<>> exact_;
  std::map<std::string, MethodTable, std::less<>> prefixes_;
};

}  // namespace de
