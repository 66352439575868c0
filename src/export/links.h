// Download links of a finished request, presigned afresh on every call (DESIGN.md §4.1:
// `dataRequestDownloadLinks` is { table: [url, ...] } once the request is COMPLETED).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "metadata/metadata_store.h"
#include "storage/object_store.h"

namespace de {

struct TableLinks {
  std::vector<PresignedUrl> files;  // data files in order
  PresignedUrl manifest;
};

// Links per table, ordered by table name. kFailedPrecondition unless the request is COMPLETED
// (links are never handed out for anything else); kNotFound for an unknown request.
Result<std::map<std::string, TableLinks>> PresignRequestLinks(MetadataStore* metadata,
                                                              ObjectStore* store,
                                                              const std::string& request_id,
                                                              int64_t expires_in_seconds);
// The same for a request the caller has just read (one metadata read fewer on the hot path).
Result<std::map<std::string, TableLinks>> PresignRequestLinks(MetadataStore* metadata,
                                                              ObjectStore* store,
                                                              const ExportRequest& request,
                                                              int64_t expires_in_seconds);

// What users see as a request's status: "In Progress", "Completed", "Failed", "Cancelled".
std::string_view RequestStatusText(RequestState state);
inline constexpr std::string_view kNotRequestedText = "Request has not been requested";

}  // namespace de
