// Process-wide logging on spdlog: a human format on a terminal, JSON lines for log shippers.
// Secrets are never passed to the logger (see config.h: secrets live in Secret values).
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace de {

enum class LogFormat {
  kAuto,   // human on a TTY, JSON lines otherwise
  kHuman,  // "2026-11-21 10:00:00.123 info  message"
  kJson,   // {"ts":"2026-11-21T10:00:00.123Z","level":"info","msg":"message"}
};

Result<LogFormat> ParseLogFormat(std::string_view text);

struct LogOptions {
  LogFormat format = LogFormat::kAuto;
  std::string level = "info";  // trace, debug, info, warn, error, off
};

// Replaces the default logger with one writing to stderr in the chosen format. Call once at
// start-up, before threads start. kInvalidArgument for an unknown level.
Status InitLogging(const LogOptions& options);

}  // namespace de
