// Internal to HttpServer: the state the server shares with its connections, and one connection
// serving HTTP/1.1 requests one after another (keep-alive).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "api/http_router.h"
#include "api/http_server.h"

namespace de::http_internal {

class HttpConnection;

// The live connections, so Stop() can drain them. Thread-safe.
class ConnectionRegistry {
 public:
  // Adds `connection`; returns false (and does not add it) once the server is stopping.
  bool Add(const std::shared_ptr<HttpConnection>& connection);
  void Remove(const HttpConnection* connection);
  // Refuses further Add()s and returns the connections alive now.
  std::vector<std::shared_ptr<HttpConnection>> CloseAndSnapshot();
  std::vector<std::shared_ptr<HttpConnection>> Snapshot();
  // Waits until no connection is left; false on timeout.
  bool WaitEmpty(std::chrono::milliseconds timeout);

 private:
  std::mutex mu_;
  std::condition_variable empty_;
  bool closed_ = false;                                                            // guarded by mu_
  std::unordered_map<const HttpConnection*, std::weak_ptr<HttpConnection>> live_;  // mu_
};

// What connections share with the server. Lives longer than every connection.
struct ServerContext {
  explicit ServerContext(HttpServerOptions server_options) : options(std::move(server_options)) {}

  const HttpServerOptions options;
  HttpRouter router;                                 // read-only once started
  std::atomic<bool> stopping{false};                 // set by Stop()
  ConnectionRegistry connections;                    // thread-safe
  std::optional<boost::asio::thread_pool> handlers;  // created by Start()
  boost::asio::io_context io;                        // destroyed first: drops pending handlers
};

// One accepted socket. Every member is touched only on the connection's strand.
class HttpConnection : public std::enable_shared_from_this<HttpConnection> {
 public:
  HttpConnection(boost::asio::ip::tcp::socket socket, ServerContext& server);
  ~HttpConnection();

  // Registers with the server and starts reading the first request.
  void Start();
  // Server stopping: close now if idle, else after the response in flight.
  void BeginShutdown();
  // Drain timed out: close the socket whatever is in flight.
  void ForceClose();

 private:
  enum class Phase { kReading, kHandling, kWriting, kClosed };

  void ReadHeader();
  void OnHeader(boost::beast::error_code ec);
  void ReadBody();
  void OnBody(boost::beast::error_code ec);
  // Closes quietly on disconnects and timeouts; answers protocol errors (400, 413, 431).
  void OnReadError(boost::beast::error_code ec);
  void Dispatch();
  void RunOnHandlerPool(const HttpHandler* handler, HttpRequest request);
  void Send(HttpResponse response);
  void SendError(HttpStatus status, std::string text);
  template <class Body>
  void SendMessage(boost::beast::http::response<Body> message);
  template <class Outgoing>
  void WriteSome(std::shared_ptr<Outgoing> outgoing);
  void AfterWrite(boost::beast::error_code ec);
  void LingerAndClose();
  void DiscardInput(size_t discarded);
  void Close();

  ServerContext& server_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::string remote_address_;
  Phase phase_ = Phase::kReading;
  bool head_request_ = false;   // the request being answered is a HEAD
  bool keep_alive_ = false;     // after this response, read the next request
  bool input_pending_ = false;  // a refused request's bytes may still be arriving
};

}  // namespace de::http_internal
