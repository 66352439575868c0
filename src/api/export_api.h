// The export API (DESIGN.md §4.1): the schema of api/schema.graphql, compiled into the binary and
// built at start-up, with its resolvers bound to the request queue, the metadata store, the object
// store and the warehouse.
//
//   requestData      validates the range (BAD_USER_INPUT), queues the request (TOO_MANY_REQUESTS
//                    when the queue is full) and returns its id.
//   requestStatus    "In Progress" | "Completed" | "Failed" (FAILED and CANCELLED) |
//                    "Request has not been requested" (unknown or malformed id: not an error);
//                    links only when Completed: fresh presigned URLs of the data files grouped by
//                    table, in file order. Manifests are not in these lists (the original API's
//                    callers read every URL as a Parquet file); Request.tables.manifestUrl has
//                    them.
//   requests, request, exportTables, policy, catalog: read-only queries.
//   cancelRequest    admin only (FORBIDDEN otherwise).
//   dailyRuns, dailyRun, rerunDailyExport: daily runs and their table jobs (api/daily_api.h);
//                    rerunDailyExport is admin only and answers UNAVAILABLE without a launcher.
//
// Resolvers read the caller from the GraphQL context: a std::any holding an ApiCaller (auth.h);
// without one the caller is an ordinary user.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "api/request_queue.h"
#include "common/config.h"
#include "common/status.h"
#include "export/daily_export.h"
#include "graphql/engine.h"
#include "graphql/schema.h"
#include "metadata/metadata_store.h"
#include "storage/object_store.h"
#include "warehouse/warehouse.h"

namespace de {

// What the resolvers work with; every pointer must outlive the schema.
struct ExportApiDeps {
  RequestQueue* queue = nullptr;
  MetadataStore* metadata = nullptr;
  ObjectStore* store = nullptr;
  Warehouse* warehouse = nullptr;
  int64_t link_expiry_seconds = 86'400;  // lifetime of the links requestStatus hands out
  // Starts reruns of a day (rerunDailyExport); the scheduler. Null when this server runs none:
  // the mutation then answers UNAVAILABLE (the daily queries still read the metadata store).
  DailyRunLauncher* daily = nullptr;
};

// The SDL of api/schema.graphql, embedded at build time.
std::string_view ExportSchemaSdl();

// Builds the schema from ExportSchemaSdl() and binds every resolver. An error here means the SDL
// and this code disagree (kInvalidArgument from the SDL, kNotFound/kFailedPrecondition from
// binding): a bug, reported at start-up rather than on the first request.
Result<std::unique_ptr<graphql::Schema>> BuildExportSchema(const ExportApiDeps& deps);

// The engine limits of the [graphql] configuration section.
graphql::EngineLimits EngineLimitsFromConfig(const GraphqlConfig& config);

}  // namespace de
