// The four policy tables of one PolicySnapshot as Parquet files (DESIGN.md §1: each daily run
// writes them under …/YYYY/MM/DD/classifications/), so consumers can see which rules the day's
// files were cut under. Columns keep the metadata tables' names; empty optional text is NULL.
#pragma once

#include <string>
#include <vector>

#include "columnar/column_vector.h"
#include "common/status.h"
#include "metadata/metadata_store.h"
#include "parquet/file_writer.h"
#include "storage/object_store.h"

namespace de {

// One classification table as a batch: name (as in ClassificationTableNames()) and rows.
struct ClassificationTable {
  std::string name;
  Batch rows;
};

// The four tables of `policy`, in the order of ClassificationTableNames().
std::vector<ClassificationTable> ClassificationTables(const PolicySnapshot& policy);

// Writes one table as a single Parquet file to `key` (atomically replacing it). `options`'
// key_value_metadata gets "data_exporter.policy_version".
Status WriteClassificationFile(const ClassificationTable& table, int64_t policy_version,
                               parquet::WriterOptions options, ObjectStore* store,
                               const std::string& key);

}  // namespace de
