#include "api/http_server.h"

#include <sys/resource.h>

#include <limits>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "api/http_connection.h"

namespace de {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

Status HttpServerOptions::Validate() const {
  if (threads < 1 || threads > 256)
    return InvalidArgument("http threads {} not in 1..256", threads);
  if (io_threads < 1 || io_threads > 64) {
    return InvalidArgument("http io_threads {} not in 1..64", io_threads);
  }
  if (max_header_bytes < 1024 || max_header_bytes > std::numeric_limits<uint32_t>::max()) {
    return InvalidArgument("http max_header_bytes {} is below 1024 or too large", max_header_bytes);
  }
  if (read_timeout.count() <= 0 || write_timeout.count() <= 0 || drain_timeout.count() < 0) {
    return InvalidArgument("http timeouts must be positive");
  }
  return Status::Ok();
}

struct HttpServer::Core : http_internal::ServerContext {
  enum class State { kNew, kRunning, kStopped };

  using ServerContext::ServerContext;

  void Accept();
  void AcceptLater();
  void RunIo();
  Status Listen();
  void Drain();

  std::mutex lifecycle_mu;  // serializes Route/Start/Stop; guards state and io_threads
  State state = State::kNew;
  std::vector<std::thread> io_threads;
  std::optional<tcp::acceptor> acceptor;  // used on its own strand once started
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> keep_running;
  std::atomic<uint16_t> port{0};
};

void HttpServer::Core::Accept() {
  acceptor->async_accept(
      asio::make_strand(io), [this](boost::system::error_code ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted || !acceptor->is_open()) return;
        if (ec) {
          spdlog::warn("HTTP accept failed: {}", ec.message());
          return AcceptLater();
        }
        std::make_shared<http_internal::HttpConnection>(std::move(socket), *this)->Start();
        Accept();
      });
}

// After an accept error (e.g. out of file descriptors), pause instead of spinning.
void HttpServer::Core::AcceptLater() {
  auto timer = std::make_shared<asio::steady_timer>(acceptor->get_executor(),
                                                    std::chrono::milliseconds(100));
  timer->async_wait([this, timer](boost::system::error_code) {
    if (acceptor->is_open()) Accept();
  });
}

void HttpServer::Core::RunIo() {
  for (;;) {
    try {
      io.run();
      return;
    } catch (const std::exception& e) {
      spdlog::error("HTTP I/O thread caught: {}", e.what());
    }
  }
}

Status HttpServer::Core::Listen() {
  boost::system::error_code ec;
  asio::ip::address address = asio::ip::make_address(options.bind_address, ec);
  if (ec)
    return InvalidArgument("http bind address '{}' is not an IP address", options.bind_address);
  tcp::endpoint endpoint(address, options.port);
  acceptor.emplace(asio::make_strand(io));
  acceptor->open(endpoint.protocol(), ec);
  if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor->bind(endpoint, ec);
  if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (!ec) port = acceptor->local_endpoint(ec).port();
  if (ec) {
    acceptor.reset();
    return Unavailable("cannot listen on {}:{}: {}", options.bind_address, options.port,
                       ec.message());
  }
  return Status::Ok();
}

void HttpServer::Core::Drain() {
  stopping = true;
  asio::post(acceptor->get_executor(), [this] {
    boost::system::error_code ignored;
    acceptor->close(ignored);
  });
  for (const auto& connection : connections.CloseAndSnapshot()) connection->BeginShutdown();
  keep_running.reset();
  if (!connections.WaitEmpty(options.drain_timeout)) {
    spdlog::warn("HTTP server: responses still in flight after {} ms; closing them",
                 options.drain_timeout.count());
    for (const auto& connection : connections.Snapshot()) connection->ForceClose();
  }
  for (std::thread& thread : io_threads) thread.join();
  io_threads.clear();
  handlers->join();
}

HttpServer::HttpServer(HttpServerOptions options)
    : core_(std::make_unique<Core>(std::move(options))) {}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Route(HttpMethod method, std::string path_or_prefix, HttpHandler handler) {
  std::lock_guard<std::mutex> lock(core_->lifecycle_mu);
  if (core_->state != Core::State::kNew) {
    spdlog::error("HTTP route {} added after Start(); ignored", path_or_prefix);
    return;
  }
  if (path_or_prefix.empty() || path_or_prefix.front() != '/' || path_or_prefix == "/healthz") {
    spdlog::error("HTTP route '{}' cannot be registered; ignored", path_or_prefix);
    return;
  }
  core_->router.Add(method, std::move(path_or_prefix), std::move(handler));
}

namespace {

// Every open connection holds a descriptor. Debian's default soft limit (1024) would refuse
// connections long before the server is busy, so the soft limit is raised to the hard one.
void RaiseOpenFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return;
  rlim_t before = limit.rlim_cur;
  limit.rlim_cur = limit.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &limit) == 0) {
    spdlog::debug("open-file limit raised from {} to {}", before, limit.rlim_cur);
  }
}

}  // namespace

Status HttpServer::Start() {
  std::lock_guard<std::mutex> lock(core_->lifecycle_mu);
  if (core_->state != Core::State::kNew) return FailedPrecondition("HTTP server already started");
  RETURN_IF_ERROR(core_->options.Validate());
  RaiseOpenFileLimit();
  RETURN_IF_ERROR(core_->Listen());
  core_->handlers.emplace(static_cast<size_t>(core_->options.threads));
  core_->keep_running.emplace(core_->io.get_executor());
  core_->Accept();
  for (int i = 0; i < core_->options.io_threads; ++i) {
    core_->io_threads.emplace_back([core = core_.get()] { core->RunIo(); });
  }
  core_->state = Core::State::kRunning;
  spdlog::info("HTTP server listening on {}:{}", core_->options.bind_address, core_->port.load());
  return Status::Ok();
}

void HttpServer::Stop() {
  std::lock_guard<std::mutex> lock(core_->lifecycle_mu);
  if (core_->state == Core::State::kRunning) {
    core_->Drain();
    spdlog::info("HTTP server on port {} stopped", core_->port.load());
  }
  core_->state = Core::State::kStopped;
}

uint16_t HttpServer::port() const { return core_->port.load(); }

}  // namespace de
