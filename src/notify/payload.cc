#include "notify/payload.h"

namespace de {

std::string DailyRunPayload(const DailyRunSummary& summary) {
  return DailyRunSummaryJson(summary).dump(-1, ' ', false,
                                           nlohmann::json::error_handler_t::replace);
}

}  // namespace de
