// Exports one table: warehouse scan -> columnar batches -> Parquet files -> object store, then
// the manifest (written last). Either every file of the table is published, or none is.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/cancellation.h"
#include "common/status.h"
#include "metadata/metadata_store.h"
#include "parquet/file_writer.h"
#include "policy/export_plan.h"
#include "policy/treatments.h"
#include "storage/object_store.h"
#include "warehouse/warehouse.h"

namespace de {

// Knobs shared by every table export (validated once by the caller from Config).
struct ExportOptions {
  parquet::WriterOptions writer;  // codec, row groups, pages
  uint64_t max_file_bytes = uint64_t{512} << 20;
  size_t batch_rows = 65536;
  // A batch is also cut once its strings pass this many bytes. Two batches are alive at a time
  // (the warehouse's and the policy's output), so this bounds a wide table's batch memory.
  size_t batch_bytes = size_t{16} << 20;
  // Ask the warehouse to sort each table's rows by its time column (a sort of the whole range
  // there); otherwise rows come in the warehouse's own order.
  bool order_by_time = false;
  std::string store_uri;        // manifest entry urls: "{store_uri}/{key}"
  TreatmentContext treatments;  // hash key, compress threshold
};

// Where one table's export goes and what it covers.
struct TableExportTarget {
  std::string request_id;
  int64_t start_time = 0;  // epoch seconds, inclusive
  int64_t end_time = 0;    // epoch seconds, exclusive
  // Key of data file `index`, and of the manifest.
  std::function<std::string(int index)> data_key;
  std::string manifest_key;  // empty: no manifest (the daily layout has none)
};

// What a finished table export produced, with the reconciliation counts of DESIGN.md §3.4.
struct TableExportResult {
  std::string table;
  std::vector<RequestFile> files;  // data files in order, then the manifest
  uint64_t rows_read = 0;
  uint64_t rows_dropped_by_policy = 0;
  uint64_t rows_written = 0;
  uint64_t bytes_written = 0;  // data files only
  std::vector<std::string> unclassified_columns;
  std::vector<std::string> dropped_columns;  // classified but not exported
  std::vector<std::string> treated_columns;  // "column (treatment)"
  std::vector<ReportedColumn> reported;      // every column left out, with the reason

  // Number of Parquet files (files without the manifest).
  size_t data_file_count() const;
};

// Deletes every object in `keys`, logging (not returning) failures: used to clean up after an
// export that failed, where the original error is what the caller reports.
void DeleteObjects(ObjectStore* store, const std::vector<std::string>& keys);

// Called after each batch with the rows read so far; must be cheap.
using RowsObserver = std::function<void(uint64_t rows_read)>;

// Runs table exports. Thread-safe when its warehouse and store are.
class TableExporter {
 public:
  TableExporter(Warehouse* warehouse, ObjectStore* store, ExportOptions options)
      : warehouse_(warehouse), store_(store), options_(std::move(options)) {}

  // Exports the rows of plan.table whose time column lies in [start, end), with the plan's rules
  // applied to every batch and every file audited before it is published. On any error every
  // object this call published is deleted again before the error is returned (kCancelled when
  // `cancel` fired; kFailedPrecondition when the plan needs a hash key and none is set;
  // kPolicyViolation when a file fails the audit; kInternal if the reconciliation counts
  // disagree).
  Result<TableExportResult> Export(const ExportPlan& plan, const TableExportTarget& target,
                                   CancellationToken* cancel, const RowsObserver& observer);

  const ExportOptions& options() const { return options_; }

 private:
  Result<TableExportResult> ExportUnsafe(const ExportPlan& plan, const TableExportTarget& target,
                                         CancellationToken* cancel, const RowsObserver& observer,
                                         std::vector<std::string>* published);
  parquet::WriterOptions FileOptions(const ExportPlan& plan, const TableExportTarget& target) const;

  Warehouse* warehouse_;
  ObjectStore* store_;
  ExportOptions options_;
};

}  // namespace de
