// Operational routes beside the API (DESIGN.md §4.2): `/readyz` (readiness: the metadata store,
// the warehouse and the object store answer) and `/metrics` (Prometheus text format 0.0.4: the
// request queue, export slots and requests by state). Neither needs a token: they expose no data,
// only health and counts. `/healthz` (liveness) is built into HttpServer.
#pragma once

#include <string>
#include <string_view>

#include "api/http_message.h"
#include "api/http_server.h"
#include "api/request_queue.h"
#include "export/export_slots.h"
#include "metadata/metadata_store.h"
#include "storage/object_store.h"
#include "warehouse/warehouse.h"

namespace de {

inline constexpr std::string_view kReadyzPath = "/readyz";
inline constexpr std::string_view kMetricsPath = "/metrics";

// What the routes look at; every pointer must outlive the server. `warehouse` and `store` may be
// null (not checked then).
struct OpsTargets {
  MetadataStore* metadata = nullptr;
  Warehouse* warehouse = nullptr;
  ObjectStore* store = nullptr;
  const RequestQueue* queue = nullptr;
  const ExportSlots* slots = nullptr;
};

// 200 "ready" when every backend's Ping succeeds; 503 with one line per failing backend
// ("metadata: <message>") otherwise. Thread-safe.
HttpResponse ReadinessResponse(const OpsTargets& targets);

// The metrics page. Thread-safe.
std::string MetricsText(const OpsTargets& targets);

// Registers GET (and HEAD) on kReadyzPath and kMetricsPath.
void MountOpsRoutes(HttpServer& server, const OpsTargets& targets);

}  // namespace de
