// `data-exporter policy import DIR | export DIR | check | explain TABLE` (DESIGN.md §3.1, §4.3):
// the classification policy as CSV files, checked against the warehouse.
#pragma once

#include <string>

#include "common/config.h"

namespace de {

struct PolicyArgs {
  std::string directory;  // import / export
  std::string table;      // explain
};

// Reads the four CSV files of args.directory, checks them against the warehouse and replaces the
// stored policy in one transaction. Any problem is printed as FILE:LINE: message and nothing
// changes (exit code 2).
int RunPolicyImport(const Config& config, const PolicyArgs& args);
// Writes the stored policy as the four CSV files into args.directory.
int RunPolicyExport(const Config& config, const PolicyArgs& args);
// Checks the stored policy against the warehouse as it is now: rules that no longer fit, and
// warehouse columns no rule covers. Exit code 0 when there is nothing to report, 1 otherwise.
int RunPolicyCheck(const Config& config);
// Prints the export plan of one export table.
int RunPolicyExplain(const Config& config, const PolicyArgs& args);

}  // namespace de
