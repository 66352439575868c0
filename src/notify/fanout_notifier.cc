#include "notify/fanout_notifier.h"

#include <spdlog/spdlog.h>

namespace de {

Status FanoutNotifier::Notify(const DailyRunSummary& summary) {
  for (const auto& notifier : notifiers_) {
    Status status = notifier->Notify(summary);
    if (!status.ok()) {
      spdlog::warn("daily run {}: notifier {} failed: {}", summary.run_date, notifier->name(),
                   status.ToString());
    }
  }
  return Status::Ok();
}

}  // namespace de
