#include "cli/serve.h"

#include <pthread.h>
#include <signal.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "api/download_handler.h"
#include "cli/commands.h"

namespace de {

Config WithPort(const Config& config, int port) {
  if (port < 0) return config;
  Config out = config;
  bool default_base = config.storage.public_base_url ==
                      fmt::format("http://{}:{}", config.http.host, config.http.port);
  out.http.port = port;
  if (default_base) out.storage.public_base_url = fmt::format("http://{}:{}", out.http.host, port);
  return out;
}

Result<std::unique_ptr<HttpServer>> StartHttpServer(const Services& services) {
  HttpServerOptions options;
  options.bind_address = services.config.http.host;
  options.port = static_cast<uint16_t>(services.config.http.port);
  options.threads = static_cast<int>(services.config.http.threads);
  auto server = std::make_unique<HttpServer>(options);
  MountDownloadRoute(*server, *services.store);
  Status started = server->Start();
  if (!started.ok()) {
    return started.WithContext(
        fmt::format("HTTP server on {}:{} (choose another with --port or "
                    "DATA_EXPORTER_HTTP_PORT)",
                    options.bind_address, options.port));
  }
  return server;
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
  Config config = WithPort(base_config, args.port);
  BlockStopSignals();
  Result<Services> services = OpenServices(config, {.warehouse = false, .store = true});
  if (!services.ok()) return ReportFailure(services.status());
  Result<std::unique_ptr<HttpServer>> server = StartHttpServer(*services);
  if (!server.ok()) return ReportFailure(server.status());
  spdlog::info("serving on http://{}:{}", config.http.host, (*server)->port());
  WaitForStopSignal();
  (*server)->Stop();
  return kExitOk;
}

}  // namespace de
