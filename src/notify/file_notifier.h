// FileNotifier: a JSON-lines sink. Each run's payload (notify/payload.h) is appended to a file as
// one line, for log shippers and for operators without a webhook.
#pragma once

#include <mutex>
#include <string>
#include <string_view>

#include "export/daily_summary.h"

namespace de {

// Thread-safe: appends from this process are serialised by a mutex; between processes each line
// goes out in one write() on an O_APPEND descriptor, so lines do not interleave on a local file
// system.
class FileNotifier final : public Notifier {
 public:
  // `path` is the file to append to; it and its parent directories are created when missing.
  explicit FileNotifier(std::string path) : path_(std::move(path)) {}

  std::string name() const override { return "file " + path_; }

  // Appends the payload and a newline, then fsyncs the file. Errors (the path named in the
  // message): what the file system says, e.g. kPermissionDenied, kNotFound, kResourceExhausted
  // (disk full), kInternal for a parent that is not a directory.
  Status Notify(const DailyRunSummary& summary) override;

  // Appends `line` (which must not contain a newline) and a newline; what Notify does.
  Status AppendLine(std::string_view line);

 private:
  const std::string path_;
  std::mutex mu_;  // serialises AppendLine within the process
};

}  // namespace de
