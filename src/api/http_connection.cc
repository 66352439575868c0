#include "api/http_connection.h"

#include <array>

#include <spdlog/spdlog.h>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/url/parse.hpp>

#include "api/file_slice_body.h"

namespace de::http_internal {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;

constexpr std::string_view kServerName = "data-exporter";
// After refusing a request whose body is not read, the body still arriving is read and discarded
// for at most this long / this much, so closing does not reset the connection before the client
// has read the response.
constexpr std::chrono::seconds kLingerTime{1};
constexpr size_t kLingerBytes = 1 << 20;

// A response message and its serializer, kept alive together while being written.
template <class Body>
struct Outgoing {
  explicit Outgoing(http::response<Body>&& m) : message(std::move(m)), serializer(message) {}
  http::response<Body> message;
  http::response_serializer<Body> serializer;
};

Result<HttpRequest> ToHttpRequest(http::request<http::string_body>&& message,
                                  const std::string& remote_address) {
  HttpRequest request;
  request.method = message.method();
  request.target = std::string(message.target());
  auto url = boost::urls::parse_origin_form(request.target);
  if (!url) return InvalidArgument("malformed request target");
  request.path = std::string(url->encoded_path());
  for (auto param : url->params(boost::urls::encoding_opts(/*space_as_plus=*/true))) {
    request.query.emplace_back(std::move(param.key), std::move(param.value));
  }
  for (const auto& field : message) {
    request.headers.Add(std::string(field.name_string()), std::string(field.value()));
  }
  request.body = std::move(message.body());
  request.remote_address = remote_address;
  return request;
}

HttpResponse InvokeHandler(const HttpHandler& handler, const HttpRequest& request) {
  try {
    return handler(request);
  } catch (const std::exception& e) {
    spdlog::error("HTTP handler for {} {} threw: {}", http::to_string(request.method), request.path,
                  e.what());
  } catch (...) {
    spdlog::error("HTTP handler for {} {} threw", http::to_string(request.method), request.path);
  }
  return HttpResponse::Text(HttpStatus::internal_server_error, "internal error\n");
}

// Liveness: answered on the I/O thread, touches nothing shared.
HttpResponse HealthResponse(HttpMethod method) {
  if (method == HttpMethod::get || method == HttpMethod::head) {
    return HttpResponse::Text(HttpStatus::ok, "ok");
  }
  HttpResponse response =
      HttpResponse::Text(HttpStatus::method_not_allowed, "method not allowed\n");
  response.headers.Add("Allow", "GET, HEAD");
  return response;
}

bool IsDisconnect(beast::error_code ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::operation_aborted || ec == beast::error::timeout ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == http::error::partial_message;
}

}  // namespace

bool ConnectionRegistry::Add(const std::shared_ptr<HttpConnection>& connection) {
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_) return false;
  live_[connection.get()] = connection;
  return true;
}

void ConnectionRegistry::Remove(const HttpConnection* connection) {
  std::lock_guard<std::mutex> lock(mu_);
  if (live_.erase(connection) > 0 && live_.empty()) empty_.notify_all();
}

std::vector<std::shared_ptr<HttpConnection>> ConnectionRegistry::CloseAndSnapshot() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
  }
  return Snapshot();
}

std::vector<std::shared_ptr<HttpConnection>> ConnectionRegistry::Snapshot() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::shared_ptr<HttpConnection>> connections;
  for (const auto& [raw, weak] : live_) {
    if (auto connection = weak.lock()) connections.push_back(std::move(connection));
  }
  return connections;
}

bool ConnectionRegistry::WaitEmpty(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  return empty_.wait_for(lock, timeout, [&] { return live_.empty(); });
}

HttpConnection::HttpConnection(asio::ip::tcp::socket socket, ServerContext& server)
    : server_(server), stream_(std::move(socket)) {
  beast::error_code ec;
  auto peer = stream_.socket().remote_endpoint(ec);
  if (!ec) remote_address_ = peer.address().to_string();
}

HttpConnection::~HttpConnection() { server_.connections.Remove(this); }

void HttpConnection::Start() {
  if (!server_.connections.Add(shared_from_this())) {
    Close();
    return;
  }
  asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->ReadHeader(); });
}

void HttpConnection::BeginShutdown() {
  asio::post(stream_.get_executor(), [self = shared_from_this()] {
    if (self->phase_ == Phase::kReading) self->Close();
  });
}

void HttpConnection::ForceClose() {
  asio::post(stream_.get_executor(), [self = shared_from_this()] { self->Close(); });
}

void HttpConnection::ReadHeader() {
  phase_ = Phase::kReading;
  input_pending_ = false;
  parser_.emplace();
  parser_->header_limit(static_cast<uint32_t>(server_.options.max_header_bytes));
  parser_->body_limit(server_.options.max_body_bytes);
  stream_.expires_after(server_.options.read_timeout);
  http::async_read_header(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
}

void HttpConnection::OnHeader(beast::error_code ec) {
  if (ec) return OnReadError(ec);
  boost::optional<uint64_t> length = parser_->content_length();
  if (length && *length > server_.options.max_body_bytes) {
    return SendError(HttpStatus::payload_too_large, "request body too large\n");
  }
  if (parser_->is_done()) return Dispatch();
  if (beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
    auto proceed = std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
    return http::async_write(stream_, *proceed,
                             [self = shared_from_this(), proceed](beast::error_code ec, size_t) {
                               if (ec) return self->Close();
                               self->ReadBody();
                             });
  }
  ReadBody();
}

void HttpConnection::ReadBody() {
  http::async_read(stream_, buffer_, *parser_,
                   [self = shared_from_this()](beast::error_code ec, size_t) { self->OnBody(ec); });
}

void HttpConnection::OnBody(beast::error_code ec) {
  if (ec) return OnReadError(ec);
  Dispatch();
}

void HttpConnection::OnReadError(beast::error_code ec) {
  if (phase_ == Phase::kClosed || IsDisconnect(ec)) return Close();
  if (ec == http::error::header_limit) {
    return SendError(HttpStatus::request_header_fields_too_large, "request headers too large\n");
  }
  if (ec == http::error::body_limit) {
    return SendError(HttpStatus::payload_too_large, "request body too large\n");
  }
  SendError(HttpStatus::bad_request, "malformed request\n");
}

void HttpConnection::Dispatch() {
  phase_ = Phase::kHandling;
  http::request<http::string_body> message = parser_->release();
  head_request_ = message.method() == http::verb::head;
  keep_alive_ = message.keep_alive();
  Result<HttpRequest> request = ToHttpRequest(std::move(message), remote_address_);
  if (!request.ok()) return SendError(HttpStatus::bad_request, request.status().message() + "\n");
  if (request->path == "/healthz") return Send(HealthResponse(request->method));
  HttpRouter::Match match = server_.router.Find(request->method, request->path);
  switch (match.outcome) {
    case HttpRouter::Outcome::kNotFound:
      return Send(HttpResponse::Text(HttpStatus::not_found, "not found\n"));
    case HttpRouter::Outcome::kMethodNotAllowed: {
      HttpResponse response =
          HttpResponse::Text(HttpStatus::method_not_allowed, "method not allowed\n");
      response.headers.Add("Allow", match.allow);
      return Send(std::move(response));
    }
    case HttpRouter::Outcome::kFound:
      return RunOnHandlerPool(match.handler, std::move(request).value());
  }
}

void HttpConnection::RunOnHandlerPool(const HttpHandler* handler, HttpRequest request) {
  // The work guard keeps the I/O threads running (through Stop) until the response is handed
  // back to this connection's strand.
  asio::post(*server_.handlers, [self = shared_from_this(), handler, request = std::move(request),
                                 work = asio::make_work_guard(server_.io)]() mutable {
    HttpResponse response = InvokeHandler(*handler, request);
    asio::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
      self->Send(std::move(response));
    });
  });
}

void HttpConnection::SendError(HttpStatus status, std::string text) {
  keep_alive_ = false;
  head_request_ = false;
  input_pending_ = true;
  phase_ = Phase::kHandling;
  Send(HttpResponse::Text(status, std::move(text)));
}

void HttpConnection::Send(HttpResponse response) {
  if (phase_ == Phase::kClosed) return;
  phase_ = Phase::kWriting;
  keep_alive_ = keep_alive_ && !server_.stopping.load();
  try {
    if (response.file) {
      http::response<FileSliceBody> message{response.status, 11};
      message.body() = std::move(*response.file);
      for (const auto& field : response.headers.fields()) message.insert(field.name, field.value);
      SendMessage(std::move(message));
    } else {
      http::response<http::string_body> message{response.status, 11, std::move(response.body)};
      for (const auto& field : response.headers.fields()) message.insert(field.name, field.value);
      SendMessage(std::move(message));
    }
  } catch (const std::exception& e) {
    spdlog::error("HTTP response could not be sent: {}", e.what());
    Close();
  }
}

template <class Body>
void HttpConnection::SendMessage(http::response<Body> message) {
  message.set(http::field::server, kServerName);
  message.keep_alive(keep_alive_);
  message.prepare_payload();
  if (head_request_) {
    http::response<http::empty_body> head(std::move(message.base()));
    return WriteSome(std::make_shared<Outgoing<http::empty_body>>(std::move(head)));
  }
  WriteSome(std::make_shared<Outgoing<Body>>(std::move(message)));
}

template <class OutgoingMessage>
void HttpConnection::WriteSome(std::shared_ptr<OutgoingMessage> outgoing) {
  stream_.expires_after(server_.options.write_timeout);
  http::async_write_some(stream_, outgoing->serializer,
                         [self = shared_from_this(), outgoing](beast::error_code ec, size_t) {
                           if (!ec && !outgoing->serializer.is_done())
                             return self->WriteSome(std::move(outgoing));
                           self->AfterWrite(ec);
                         });
}

void HttpConnection::AfterWrite(beast::error_code ec) {
  if (ec) {
    if (!IsDisconnect(ec))
      spdlog::warn("HTTP write to {} failed: {}", remote_address_, ec.message());
    return Close();
  }
  if (keep_alive_ && !server_.stopping.load()) return ReadHeader();
  if (input_pending_) return LingerAndClose();
  Close();
}

void HttpConnection::LingerAndClose() {
  phase_ = Phase::kClosed;
  beast::error_code ignored;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  DiscardInput(0);
}

void HttpConnection::DiscardInput(size_t discarded) {
  auto sink = std::make_shared<std::array<char, 16 * 1024>>();
  stream_.expires_after(kLingerTime);
  stream_.async_read_some(asio::buffer(*sink), [self = shared_from_this(), sink, discarded](
                                                   beast::error_code ec, size_t n) {
    if (ec || discarded + n > kLingerBytes) {
      beast::error_code ignored;
      self->stream_.socket().close(ignored);
      return;
    }
    self->DiscardInput(discarded + n);
  });
}

void HttpConnection::Close() {
  if (phase_ == Phase::kClosed) {
    beast::error_code ignored;
    stream_.socket().close(ignored);
    return;
  }
  phase_ = Phase::kClosed;
  beast::error_code ignored;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  stream_.socket().close(ignored);
}

}  // namespace de::http_internal
