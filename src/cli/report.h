// Runs one on-demand export from the command line and prints what it produced: a table of
// files and reconciliation counts per table, then the download links.
#pragma once

#include <cstdio>
#include <optional>
#include <string>

#include "cli/services.h"

namespace de {

struct ExportReport {
  std::string request_id;
  OnDemandResult result;
};

// Submits and runs the export (progress on stderr), then prints the summary and links to `out`.
// Returns the export's error (after printing it) if it failed.
Result<ExportReport> RunExportAndReport(const Services& services, int64_t start_time,
                                        int64_t end_time, const std::optional<std::string>& table,
                                        std::FILE* out);

}  // namespace de
