#include "metadata/metadata_store.h"

namespace de {

std::string_view RequestStateName(RequestState state) {
  switch (state) {
    case RequestState::kInProgress:
      return "IN_PROGRESS";
    case RequestState::kCompleted:
      return "COMPLETED";
    case RequestState::kFailed:
      return "FAILED";
    case RequestState::kCancelled:
      return "CANCELLED";
  }
  return "UNKNOWN";
}

std::optional<RequestState> ParseRequestState(std::string_view name) {
  for (RequestState s : {RequestState::kInProgress, RequestState::kCompleted, RequestState::kFailed,
                         RequestState::kCancelled}) {
    if (RequestStateName(s) == name) return s;
  }
  return std::nullopt;
}

bool PolicySnapshot::SameRules(const PolicySnapshot& other) const {
  return export_tables == other.export_tables && columns == other.columns &&
         sources == other.sources && metrics == other.metrics;
}

}  // namespace de
