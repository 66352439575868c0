// The notification payload as text: DailyRunSummaryJson (export/daily_summary.h) rendered once,
// so every notifier (JSON file, webhook, SNS) sends the same bytes.
#pragma once

#include <string>

#include "export/daily_summary.h"

namespace de {

// The payload as compact JSON on one line, without a trailing newline. Bytes that are not valid
// UTF-8 (e.g. in an error message from a backend) are replaced by U+FFFD, so this never fails.
std::string DailyRunPayload(const DailyRunSummary& summary);

}  // namespace de
