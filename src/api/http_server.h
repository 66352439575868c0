// HttpServer: the service's HTTP/1.1 endpoint (DESIGN.md §4.2), on Boost.Beast.
//
// Sockets are served by I/O threads; handlers run on a separate pool of handler threads, so a
// slow handler never blocks reading, writing or the built-in liveness route `/healthz`, which is
// answered on the I/O thread without touching anything shared. Connections are kept alive;
// malformed requests get 400, oversize headers 431, oversize bodies 413, unknown paths 404 and a
// wrong method on a known path 405.
//
// Lifecycle (STYLE.md habit 6): construct → Route()… → Start() → Stop(). Stop drains: it stops
// accepting, closes idle connections, lets every handler that is running finish and its response
// be written (for at most drain_timeout), then joins all threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "api/http_router.h"
#include "common/status.h"

namespace de {

struct HttpServerOptions {
  std::string bind_address = "127.0.0.1";  // IPv4 or IPv6 literal
  uint16_t port = 0;                       // 0: an ephemeral port, see HttpServer::port()
  int threads = 2;                         // handler threads
  int io_threads = 1;                      // socket I/O threads
  size_t max_header_bytes = 16 * 1024;     // request line + headers; larger → 431
  size_t max_body_bytes = 64 * 1024;       // request body; larger → 413
  // Longest a client may take to send one request, and to send the next on a kept-alive
  // connection.
  std::chrono::milliseconds read_timeout{30'000};
  // Longest a client may stall while a response is being sent.
  std::chrono::milliseconds write_timeout{60'000};
  // Longest Stop() waits for in-flight responses before closing their connections.
  std::chrono::milliseconds drain_timeout{10'000};

  // kInvalidArgument naming the first field out of range.
  Status Validate() const;
};

// Thread-safety: Route() before Start() from one thread; Start(), Stop() and port() may be called
// from any thread.
class HttpServer {
 public:
  explicit HttpServer(HttpServerOptions options);
  // Stops the server if it is running.
  ~HttpServer();

  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Registers `handler` for `method` on an exact path, or on every path below `path_or_prefix`
  // when it ends in '/' (see http_router.h). Precondition: Start() has not been called.
  // `/healthz` is built in and cannot be replaced.
  void Route(HttpMethod method, std::string path_or_prefix, HttpHandler handler);

  // Validates the options, raises the process's soft open-file limit to its hard limit (each
  // connection holds a descriptor), binds and listens, and starts the threads. kInvalidArgument for
  // bad options or address; kUnavailable if the address cannot be bound; kFailedPrecondition if
  // called twice.
  Status Start();

  // Drains and stops (see above). Returns once every thread has been joined. Idempotent; a
  // server that was never started just becomes stopped. Must not be called from a handler.
  void Stop();

  // The bound port (the ephemeral one when options.port was 0); 0 before Start().
  uint16_t port() const;

 private:
  struct Core;
  std::unique_ptr<Core> core_;
};

}  // namespace de
