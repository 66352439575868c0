// A small HTTP/1.1 client for the api tests: real sockets on 127.0.0.1, every operation bounded by
// a timeout so a misbehaving server fails a test instead of hanging it. Test-only (header-only so
// it stays out of the de_api library).
#pragma once

#include <chrono>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace de::testing {

struct ClientResponse {
  int status = 0;  // 0: no response (connection failed, closed or timed out)
  std::string error;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  bool keep_alive = false;

  std::string Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
  }
};

// One connection; requests are sent one after another on it (keep-alive). Not thread-safe.
class HttpTestClient {
 public:
  explicit HttpTestClient(uint16_t port,
                          std::chrono::milliseconds timeout = std::chrono::seconds(20))
      : port_(port), timeout_(timeout), stream_(io_) {}

  // Connects if not connected. False if the server refuses.
  bool Connect() {
    if (connected_) return true;
    boost::beast::error_code result = boost::asio::error::timed_out;
    stream_.expires_after(timeout_);
    stream_.async_connect(
        boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port_),
        [&](boost::beast::error_code ec) { result = ec; });
    Run();
    connected_ = !result;
    return connected_;
  }

  ClientResponse Send(boost::beast::http::verb method, const std::string& target,
                      std::vector<std::pair<std::string, std::string>> headers = {},
                      std::string body = "") {
    namespace http = boost::beast::http;
    ClientResponse response;
    if (!Connect()) {
      response.error = "connect failed";
      return response;
    }
    http::request<http::string_body> request{method, target, 11};
    request.set(http::field::host, "127.0.0.1");
    for (auto& [name, value] : headers) request.set(name, value);
    request.body() = std::move(body);
    if (method != http::verb::get && method != http::verb::head) request.prepare_payload();
    boost::beast::error_code ec = boost::asio::error::timed_out;
    stream_.expires_after(timeout_);
    http::async_write(stream_, request, [&](boost::beast::error_code e, size_t) { ec = e; });
    Run();
    if (ec) {
      response.error = "write: " + ec.message();
      return response;
    }
    return Receive(method == http::verb::head);
  }

  // Reads one response (e.g. after raw bytes were sent).
  ClientResponse Receive(bool head = false) {
    namespace http = boost::beast::http;
    ClientResponse response;
    http::response_parser<http::string_body> parser;
    parser.body_limit(std::numeric_limits<uint64_t>::max());
    parser.skip(head);
    boost::beast::error_code ec = boost::asio::error::timed_out;
    stream_.expires_after(timeout_);
    http::async_read(stream_, buffer_, parser, [&](boost::beast::error_code e, size_t) { ec = e; });
    Run();
    if (ec) {
      response.error = "read: " + ec.message();
      return response;
    }
    auto& message = parser.get();
    response.status = static_cast<int>(message.result_int());
    response.keep_alive = message.keep_alive();
    for (const auto& field : message) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      response.headers[name] = std::string(field.value());
    }
    response.body = std::move(message.body());
    return response;
  }

  // Writes bytes as they are. False on error.
  bool SendRaw(const std::string& bytes) {
    if (!Connect()) return false;
    boost::beast::error_code ec = boost::asio::error::timed_out;
    stream_.expires_after(timeout_);
    boost::asio::async_write(stream_, boost::asio::buffer(bytes),
                             [&](boost::beast::error_code e, size_t) { ec = e; });
    Run();
    return !ec;
  }

  // True if the server closed the connection (EOF or reset) within `wait`.
  bool ClosedByServer(std::chrono::milliseconds wait) {
    char byte;
    boost::beast::error_code ec = boost::asio::error::timed_out;
    stream_.expires_after(wait);
    stream_.async_read_some(boost::asio::buffer(&byte, 1),
                            [&](boost::beast::error_code e, size_t) { ec = e; });
    Run();
    return ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset;
  }

 private:
  void Run() {
    io_.restart();
    io_.run();
  }

  uint16_t port_;
  std::chrono::milliseconds timeout_;
  boost::asio::io_context io_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  bool connected_ = false;
};

// One request on a fresh connection.
inline ClientResponse Fetch(uint16_t port, boost::beast::http::verb method,
                            const std::string& target,
                            std::vector<std::pair<std::string, std::string>> headers = {},
                            std::string body = "") {
  HttpTestClient client(port);
  return client.Send(method, target, std::move(headers), std::move(body));
}

}  // namespace de::testing
