#include "export/links.h"

namespace de {

std::string_view RequestStatusText(RequestState state) {
  switch (state) {
    case RequestState::kInProgress:
      return "In Progress";
    case RequestState::kCompleted:
      return "Completed";
    case RequestState::kFailed:
      return "Failed";
    case RequestState::kCancelled:
      return "Cancelled";
  }
  return "Failed";
}

Result<std::map<std::string, TableLinks>> PresignRequestLinks(MetadataStore* metadata,
                                                              ObjectStore* store,
                                                              const std::string& request_id,
                                                              int64_t expires_in_seconds) {
  ASSIGN_OR_RETURN(std::optional<ExportRequest> request, metadata->GetRequest(request_id));
  if (!request) return NotFound("request {} does not exist", request_id);
  return PresignRequestLinks(metadata, store, *request, expires_in_seconds);
}

Result<std::map<std::string, TableLinks>> PresignRequestLinks(MetadataStore* metadata,
                                                              ObjectStore* store,
                                                              const ExportRequest& request,
                                                              int64_t expires_in_seconds) {
  if (request.state != RequestState::kCompleted) {
    return FailedPrecondition("request {} is {}, links exist only once it is completed", request.id,
                              RequestStatusText(request.state));
  }
  ASSIGN_OR_RETURN(std::vector<RequestFile> files, metadata->ListRequestFiles(request.id));
  std::map<std::string, TableLinks> links;
  for (const RequestFile& f : files) {
    ASSIGN_OR_RETURN(PresignedUrl url, store->Presign(f.key, expires_in_seconds));
    TableLinks& table = links[f.table_name];
    if (f.is_manifest) {
      table.manifest = std::move(url);
    } else {
      table.files.push_back(std::move(url));
    }
  }
  return links;
}

}  // namespace de
