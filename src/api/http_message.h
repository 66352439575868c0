// HTTP requests and responses as the API's handlers see them: plain values, independent of the
// server's transport (Boost.Beast), so handlers (downloads, GraphQL, health, metrics) are easy to
// call directly in tests.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/beast/http/status.hpp>
#include <boost/beast/http/verb.hpp>

#include "common/status.h"
#include "storage/local/unique_fd.h"

namespace de {

using HttpMethod = boost::beast::http::verb;
using HttpStatus = boost::beast::http::status;

// Header fields in arrival order; names compare case-insensitively.
class HttpHeaders {
 public:
  struct Field {
    std::string name;
    std::string value;
  };

  // Appends a field (a repeated name is kept as a separate field).
  void Add(std::string name, std::string value);
  // Replaces every field named `name` by one with `value`.
  void Set(std::string_view name, std::string value);
  // The first value of `name`, or nullopt.
  std::optional<std::string_view> Get(std::string_view name) const;

  const std::vector<Field>& fields() const { return fields_; }

 private:
  std::vector<Field> fields_;
};

struct HttpRequest {
  HttpMethod method = HttpMethod::get;
  std::string target;  // as received: path and query, percent-encoded
  std::string path;    // the target's path, still percent-encoded
  std::vector<std::pair<std::string, std::string>> query;  // decoded ('+' is a space), in order
  HttpHeaders headers;
  std::string body;            // at most the server's max_body_bytes
  std::string remote_address;  // the peer's IP address

  // The first decoded value of query parameter `name`, or nullopt.
  std::optional<std::string_view> QueryParam(std::string_view name) const;
  // How many times query parameter `name` occurs.
  size_t QueryParamCount(std::string_view name) const;
};

// Part of an open file sent as a response body; the server reads it in bounded chunks.
struct FileSlice {
  UniqueFd fd;
  uint64_t offset = 0;
  uint64_t length = 0;
};

// What a handler returns. The server adds Content-Length, Connection and Server; for HEAD it
// sends the headers only (Content-Length still describes the body).
struct HttpResponse {
  HttpStatus status = HttpStatus::ok;
  HttpHeaders headers;
  std::string body;
  std::optional<FileSlice> file;  // when set, streamed instead of `body`

  // `body` as text/plain; charset=utf-8.
  static HttpResponse Text(HttpStatus status, std::string body);
  // `body` (already JSON) as application/json.
  static HttpResponse Json(HttpStatus status, std::string body);
  // A text response for an error Status: its code chooses the HTTP status, its message (which
  // never holds secrets, see status.h) is the body. kInternal hides the message.
  static HttpResponse FromStatus(const Status& status);
};

// The HTTP status that corresponds to a Status code (e.g. kNotFound → 404, kUnavailable → 503).
HttpStatus HttpStatusFor(StatusCode code);

}  // namespace de
