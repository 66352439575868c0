// `data-exporter serve`: the HTTP endpoint (downloads, health) until SIGINT/SIGTERM.
#pragma once

#include <memory>

#include "api/http_server.h"
#include "cli/services.h"
#include "common/config.h"

namespace de {

struct ServeArgs {
  int port = -1;  // -1: http.port from the config
};

// Applies a --port override: the server's port and the links' base URL follow it, unless the
// base URL was configured explicitly.
Config WithPort(const Config& config, int port);

// Starts the HTTP server over `services` (downloads from its store, /healthz). kUnavailable
// naming the address if the port is taken.
Result<std::unique_ptr<HttpServer>> StartHttpServer(const Services& services);

// Blocks until SIGINT or SIGTERM. Call BlockStopSignals() first, before any thread starts.
void WaitForStopSignal();
void BlockStopSignals();

int RunServe(const Config& config, const ServeArgs& args);

}  // namespace de
