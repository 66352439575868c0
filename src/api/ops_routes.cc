#include "api/ops_routes.h"

#include <fmt/format.h>

namespace de {
namespace {

void Metric(std::string* out, std::string_view name, std::string_view type, std::string_view help,
            uint64_t value) {
  *out += fmt::format("# HELP {0} {1}\n# TYPE {0} {2}\n{0} {3}\n", name, help, type, value);
}

void QueueMetrics(const RequestQueue& queue, std::string* out) {
  QueueStats s = queue.stats();
  Metric(out, "data_exporter_queue_waiting", "gauge", "On-demand requests waiting for a worker.",
         s.queued);
  Metric(out, "data_exporter_queue_running", "gauge",
         "On-demand requests taken by a worker (waiting for a slot or exporting).", s.running);
  Metric(out, "data_exporter_requests_accepted_total", "counter",
         "New on-demand requests queued since start.", s.accepted);
  Metric(out, "data_exporter_requests_refused_total", "counter",
         "requestData calls refused with TOO_MANY_REQUESTS since start.", s.refused);
  Metric(out, "data_exporter_requests_coalesced_total", "counter",
         "requestData calls answered with an existing request for the same range.", s.coalesced);
  Metric(out, "data_exporter_requests_recovered_total", "counter",
         "Interrupted requests queued again at start.", s.recovered);
  Metric(out, "data_exporter_requests_completed_total", "counter",
         "Requests this process completed.", s.completed);
  Metric(out, "data_exporter_requests_failed_total", "counter", "Requests this process failed.",
         s.failed);
  Metric(out, "data_exporter_requests_cancelled_total", "counter",
         "Requests cancelled in this process.", s.cancelled);
}

void RequestsByState(MetadataStore* metadata, std::string* out) {
  std::string lines;
  for (RequestState state : {RequestState::kInProgress, RequestState::kCompleted,
                             RequestState::kFailed, RequestState::kCancelled}) {
    Result<std::vector<ExportRequest>> requests = metadata->ListRequestsInState(state);
    if (!requests.ok()) return;  // the metadata store is down: /readyz says so
    lines += fmt::format("data_exporter_requests{{state=\"{}\"}} {}\n", RequestStateName(state),
                         requests->size());
  }
  *out += "# HELP data_exporter_requests On-demand requests in the metadata store, by state.\n";
  *out += "# TYPE data_exporter_requests gauge\n" + lines;
}

}  // namespace

HttpResponse ReadinessResponse(const OpsTargets& targets) {
  std::string problems;
  auto check = [&](std::string_view name, auto* backend) {
    if (backend == nullptr) return;
    Status status = backend->Ping();
    if (!status.ok()) problems += fmt::format("{}: {}\n", name, status.message());
  };
  check("metadata", targets.metadata);
  check("warehouse", targets.warehouse);
  check("object store", targets.store);
  if (problems.empty()) return HttpResponse::Text(HttpStatus::ok, "ready\n");
  return HttpResponse::Text(HttpStatus::service_unavailable, problems);
}

std::string MetricsText(const OpsTargets& targets) {
  std::string out;
  if (targets.queue != nullptr) QueueMetrics(*targets.queue, &out);
  if (targets.slots != nullptr) {
    Metric(&out, "data_exporter_export_slots_in_use", "gauge",
           "Warehouse exports running now (MAX_CONCURRENCY_LIMIT bounds them).",
           targets.slots->in_use());
    Metric(&out, "data_exporter_export_slots_limit", "gauge",
           "MAX_CONCURRENCY_LIMIT: warehouse exports allowed at once.", targets.slots->limit());
  }
  if (targets.warehouse != nullptr) {
    const ScanGauge& scans = targets.warehouse->scan_gauge();
    Metric(&out, "data_exporter_warehouse_open_scans", "gauge",
           "Warehouse queries open now (on-demand and daily), counted by the backend.",
           scans.open());
    Metric(&out, "data_exporter_warehouse_open_scans_peak", "gauge",
           "Most warehouse queries open at once since the process started.", scans.peak());
  }
  if (targets.metadata != nullptr) RequestsByState(targets.metadata, &out);
  return out;
}

void MountOpsRoutes(HttpServer& server, const OpsTargets& targets) {
  server.Route(HttpMethod::get, std::string(kReadyzPath),
               [targets](const HttpRequest&) { return ReadinessResponse(targets); });
  server.Route(HttpMethod::get, std::string(kMetricsPath), [targets](const HttpRequest&) {
    HttpResponse response;
    response.headers.Add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    response.body = MetricsText(targets);
    return response;
  });
}

}  // namespace de
