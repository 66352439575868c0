// `data-exporter serve`: the export service (DESIGN.md §4.2) until SIGINT/SIGTERM: the GraphQL
// API on /graphql, downloads on /download/, /healthz, /readyz and /metrics, with the request
// queue running on-demand exports behind it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "api/auth.h"
#include "api/graphql_http.h"
#include "api/http_server.h"
#include "api/request_queue.h"
#include "cli/daily.h"
#include "cli/services.h"
#include "common/config.h"
#include "export/export_slots.h"
#include "graphql/engine.h"

namespace de {

struct ServeArgs {
  int port = -1;  // -1: http.port from the config; 0: any free port
};

// Applies a --port override: the server's port and the links' base URL follow it, unless the
// base URL was configured explicitly. Port 0 is resolved here to a free port of http.host (so
// download links can name it before the server starts; another process could take it in
// between, and the server then fails to start with an error naming the address).
Result<Config> WithPort(const Config& config, int port);

// The running service over a Services bundle. Lifecycle: Start() → Stop() (or destruction).
// Thread-safety: Stop() and port() may be called from any thread.
class ApiService {
 public:
  // Checks the auth requirement (auth.h; kFailedPrecondition when http.host is not loopback and
  // no token is configured), builds the schema, starts the queue (export.max_concurrency
  // workers and slots, export.max_queued_requests; interrupted requests are recovered), the
  // daily scheduler (schedule.*; it catches up on missed days and shares the slots) and then
  // the HTTP server. kUnavailable naming the address when the port is taken. `services` must
  // have a warehouse and a store, and outlive the service.
  // `run_scheduler` false leaves the scheduler off (the demo: no background runs); reruns
  // through the API still work.
  static Result<std::unique_ptr<ApiService>> Start(Services* services, bool run_scheduler = true);

  ~ApiService();

  // Drains HTTP (no new requests; running ones answer), then stops the scheduler and the queue
  // (running exports are interrupted and stay IN_PROGRESS / RUNNING for the next start).
  // Idempotent.
  void Stop();

  uint16_t port() const { return server_->port(); }
  // "http://127.0.0.1:PORT": where a client on this machine reaches the service.
  std::string LocalUrl() const;
  bool auth_required() const { return auth_.required(); }
  // The daily scheduler, or null when schedule.cron is "off".
  const DailyScheduler* scheduler() const { return daily_ ? daily_->scheduler.get() : nullptr; }

 private:
  explicit ApiService(Services* services, Authenticator auth);

  Services* services_;
  Authenticator auth_;
  std::unique_ptr<OnDemandExporter> exporter_;
  std::unique_ptr<ExportSlots> slots_;
  std::unique_ptr<RequestQueue> queue_;
  std::unique_ptr<DailyStack> daily_;  // shares slots_ with the queue
  std::unique_ptr<graphql::Schema> schema_;
  std::unique_ptr<graphql::Engine> engine_;
  std::unique_ptr<GraphqlHttpHandler> graphql_;
  std::unique_ptr<HttpServer> server_;
};

// Blocks until SIGINT or SIGTERM. Call BlockStopSignals() first, before any thread starts.
void WaitForStopSignal();
void BlockStopSignals();

int RunServe(const Config& config, const ServeArgs& args);

}  // namespace de
