// The manifest written beside each table's files: the shape of Redshift's
// `UNLOAD ... MANIFEST VERBOSE` file, so tools that read those read ours, plus our own "export"
// block with the request, the policy version and the reconciliation counts (DESIGN.md §1, §3.4).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "columnar/data_type.h"

namespace de {

struct ManifestEntry {
  std::string url;  // where the file lives: "{store uri}/{key}"
  uint64_t content_length = 0;
  uint64_t record_count = 0;
};

struct ManifestExport {
  std::string request_id;
  std::string table;
  int64_t start_time = 0;  // epoch seconds
  int64_t end_time = 0;
  int64_t policy_version = 0;
  uint64_t rows_read = 0;
  uint64_t rows_dropped_by_policy = 0;
  uint64_t rows_written = 0;
  std::vector<std::string> unclassified_columns;
  std::vector<std::string> dropped_columns;
  std::vector<std::string> treated_columns;
};

// The manifest as pretty JSON text (deterministic key order).
std::string RenderManifest(const std::vector<ManifestEntry>& entries, const Schema& schema,
                           const ManifestExport& info);

// Redshift's name for a column type in a VERBOSE manifest ("bigint", "character varying", ...).
std::string RedshiftTypeName(const DataType& type);

}  // namespace de
