// The data-exporter command line (DESIGN.md §4.3).
#pragma once

#include "common/status.h"

namespace de {

// Process exit codes, for scripts.
enum ExitCode : int {
  kExitOk = 0,
  kExitFailed = 1,    // the work ran and failed (export failed, store unavailable, ...)
  kExitBadInput = 2,  // usage, configuration, argument or policy errors; nothing changed
  kExitNotFound = 3,  // a named thing does not exist (request id, table, warehouse file)
  kExitInterrupted = 130,
};

// Prints "data-exporter: <message>" on stderr and returns the exit code for `status`:
// kExitBadInput for invalid arguments, config or policy, kExitNotFound for a missing named thing,
// kExitInterrupted when cancelled, kExitFailed otherwise. The one way every command reports an
// error, so scripts see the same codes from all of them.
int ReportFailure(const Status& status);

// Parses argv and runs the chosen command; returns the process exit code.
int RunCli(int argc, char** argv);

}  // namespace de
