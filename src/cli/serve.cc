#include "cli/serve.h"

#include <pthread.h>
#include <signal.h>

#include <cstdio>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "api/download_handler.h"
#include "api/export_api.h"
#include "api/ops_routes.h"
#include "cli/commands.h"
#include "export/layout.h"

namespace de {
namespace {

// A port of `host` that is free right now.
Result<int> PickFreePort(const std::string& host) {
  namespace ip = boost::asio::ip;
  boost::system::error_code ec;
  ip::address address = ip::make_address(host, ec);
  if (ec) return InvalidArgument("http.host {} is not an IP address", host);
  boost::asio::io_context io;
  ip::tcp::acceptor acceptor(io);
  ip::tcp::endpoint endpoint(address, 0);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (ec) return Unavailable("no free port on {}: {}", host, ec.message());
  return static_cast<int>(acceptor.local_endpoint().port());
}

// Where a client on this machine reaches a server bound to `host`.
std::string ReachableHost(const std::string& host) {
  if (host == "0.0.0.0" || host.empty()) return "127.0.0.1";
  if (host == "::") return "[::1]";
  if (host.find(':') != std::string::npos) return "[" + host + "]";
  return host;
}

}  // namespace

Result<Config> WithPort(const Config& config, int port) {
  if (port < 0 && config.http.port != 0) return config;
  if (port < 0) port = 0;
  Config out = config;
  bool default_base = config.storage.public_base_url ==
                      fmt::format("http://{}:{}", config.http.host, config.http.port);
  if (port == 0) {
    ASSIGN_OR_RETURN(port, PickFreePort(config.http.host));
  }
  out.http.port = port;
  if (default_base) out.storage.public_base_url = fmt::format("http://{}:{}", out.http.host, port);
  return out;
}

ApiService::ApiService(Services* services, Authenticator auth)
    : services_(services), auth_(std::move(auth)) {}

ApiService::~ApiService() { Stop(); }

Result<std::unique_ptr<ApiService>> ApiService::Start(Services* services, bool run_scheduler) {
  const Config& config = services->config;
  ASSIGN_OR_RETURN(Authenticator auth, AuthenticatorFromConfig(config));
  std::unique_ptr<ApiService> service(new ApiService(services, std::move(auth)));
  size_t concurrency = static_cast<size_t>(config.exporter.max_concurrency);
  service->exporter_ = services->NewOnDemandExporter();
  service->slots_ = std::make_unique<ExportSlots>(concurrency);
  service->queue_ = std::make_unique<RequestQueue>(
      service->exporter_.get(), services->metadata.get(), services->store.get(),
      service->slots_.get(),
      RequestQueueOptions{.workers = concurrency,
                          .max_queued = static_cast<size_t>(config.exporter.max_queued_requests),
                          .owner = services->replica_id,
                          .lease_micros = config.metadata.lease_seconds * 1'000'000});

  ASSIGN_OR_RETURN(DailyStack daily, BuildDailyStack(*services, service->slots_.get()));
  service->daily_ = std::make_unique<DailyStack>(std::move(daily));

  ExportApiDeps deps{service->queue_.get(), services->metadata.get(), services->store.get(),
                     services->warehouse.get(), config.storage.link_expiry_seconds};
  deps.daily = service->daily_->scheduler.get();
  ASSIGN_OR_RETURN(service->schema_, BuildExportSchema(deps));
  service->engine_ = std::make_unique<graphql::Engine>(service->schema_.get(),
                                                       EngineLimitsFromConfig(config.graphql));
  service->graphql_ = std::make_unique<GraphqlHttpHandler>(service->engine_.get(), &service->auth_);

  HttpServerOptions options;
  options.bind_address = config.http.host;
  options.port = static_cast<uint16_t>(config.http.port);
  options.threads = static_cast<int>(config.http.threads);
  options.max_body_bytes = static_cast<size_t>(config.http.max_body_bytes);
  service->server_ = std::make_unique<HttpServer>(options);
  MountGraphqlRoute(*service->server_, *service->graphql_);
  // Local files are downloaded through this server; S3 links go to S3 itself.
  if (services->local_store != nullptr)
    MountDownloadRoute(*service->server_, *services->local_store);
  MountOpsRoutes(*service->server_,
                 OpsTargets{services->metadata.get(), services->warehouse.get(),
                            services->store.get(), service->queue_.get(), service->slots_.get()});

  RETURN_IF_ERROR(service->queue_->Start().WithContext("request queue"));
  Status started = service->server_->Start();
  if (started.ok() && run_scheduler && service->daily_->scheduler) {
    service->daily_->scheduler->Start();
  }
  if (!started.ok()) {
    service->queue_->Stop();
    return started.WithContext(
        fmt::format("HTTP server on {}:{} (choose another with --port or "
                    "DATA_EXPORTER_HTTP_PORT)",
                    options.bind_address, options.port));
  }
  return service;
}

void ApiService::Stop() {
  if (server_) server_->Stop();
  if (daily_ && daily_->scheduler) daily_->scheduler->Stop();
  if (queue_) queue_->Stop();
}

std::string ApiService::LocalUrl() const {
  return fmt::format("http://{}:{}", ReachableHost(services_->config.http.host), port());
}

void BlockStopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

void WaitForStopSignal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  int signal = 0;
  sigwait(&set, &signal);
  spdlog::info("received {}, stopping", signal == SIGINT ? "SIGINT" : "SIGTERM");
}

int RunServe(const Config& base_config, const ServeArgs& args) {
  Result<Config> config = WithPort(base_config, args.port);
  if (!config.ok()) return ReportFailure(config.status());
  // A server that must not start open to the network is refused before anything is opened.
  if (auto auth = AuthenticatorFromConfig(*config); !auth.ok()) return ReportFailure(auth.status());
  BlockStopSignals();
  Result<Services> services = OpenServices(*config, {});
  if (!services.ok()) return ReportFailure(services.status());
  Result<std::unique_ptr<ApiService>> service = ApiService::Start(&*services);
  if (!service.ok()) return ReportFailure(service.status());
  std::string url = (*service)->LocalUrl();
  fmt::print("serving on {} (GraphQL: {}/graphql{})\n", url, url,
             (*service)->auth_required() ? ", bearer token required" : "");
  if (const DailyScheduler* scheduler = (*service)->scheduler()) {
    Result<int64_t> next = scheduler->NextFire();
    fmt::print("daily runs: \"{}\" in {}, next at {}\n", scheduler->schedule().expression(),
               scheduler->schedule().zone().name(),
               next.ok() ? UtcIso8601(*next) : std::string("never"));
  } else {
    fmt::print("daily runs: no built-in schedule (schedule.cron = \"off\")\n");
  }
  std::fflush(stdout);
  spdlog::info("serving on http://{}:{}", config->http.host, (*service)->port());
  WaitForStopSignal();
  (*service)->Stop();
  spdlog::info("stopped");
  return kExitOk;
}

}  // namespace de
