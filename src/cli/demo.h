// `data-exporter demo`: the product's main job on the embedded default, visible in the terminal.
// Creates (once) a sample SQLite warehouse with one day of data and a sample policy in ./var,
// exports that day on demand, prints per-table counts and the download links, and serves the
// links until Ctrl-C (or exits, with --exit-after-export).
#pragma once

#include "common/config.h"

namespace de {

struct DemoArgs {
  bool exit_after_export = false;
  int port = -1;  // -1: http.port from the config
};

int RunDemo(const Config& config, const DemoArgs& args);

}  // namespace de
