// PolicyApplier: runs an ExportPlan's per-row and per-cell rules over columnar batches, between
// the warehouse reader and the Parquet writer (DESIGN.md §2 hot path: batches -> policy ->
// encode). Whole columns at a time: per-row decisions become selection masks, treatments run
// vectorised (treatments.h), and columns that pass unchanged are moved, not copied.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "columnar/column_vector.h"
#include "common/status.h"
#include "policy/export_plan.h"
#include "policy/treatments.h"

namespace de {

// Not thread-safe: one per table export.
class PolicyApplier {
 public:
  // kFailedPrecondition when the plan needs a hash key and the context has none (an export must
  // refuse to start rather than fail half-way).
  static Result<std::unique_ptr<PolicyApplier>> Create(ExportPlan plan, TreatmentContext context);
  // The check Create makes, without building an applier: for refusing a request up front.
  static Status CheckContext(const ExportPlan& plan, const TreatmentContext& context);

  // `in` holds rows read with plan.ScanSchema(); `out` (created with plan.OutputSchema()) is
  // cleared and refilled with the rows that may be exported, every cell decided by its rule.
  // Columns of `in` may be moved into `out`: `in` must be cleared (BatchReader::Next does) before
  // it is used again. `rows_dropped` receives the number of rows of `in` that are not exported
  // (long tables: rows whose metric is not allowed — normally filtered by the query already).
  Status Apply(Batch* in, Batch* out, uint64_t* rows_dropped);

  const ExportPlan& plan() const { return plan_; }

 private:
  PolicyApplier(ExportPlan plan, TreatmentContext context);

  // What happens to one cell; computed per row for one output column.
  enum Action : uint8_t { kKeep = 0, kMakeNull = 1, kFirstTreatment = 2 };

  // Per-row rule index of the batch's rows: source classification and metric rule.
  void ClassifyRows(const Batch& in);
  // Rows of the batch whose metric may be exported; false if every row may.
  bool SelectRows(const Batch& in, std::vector<uint8_t>* keep) const;
  // Fills `actions` (one per row) and `treatments` for output column `column`.
  void PlanCells(const OutputColumn& column, std::vector<uint8_t>* actions,
                 std::vector<const Treatment*>* treatments) const;
  Status ProduceColumn(size_t index, Batch* in, Batch* out);

  ExportPlan plan_;
  TreatmentContext context_;
  std::vector<bool> input_shared_;  // per scan column: read by more than one output

  // Per batch, per row.
  std::vector<const RowRule*> source_rule_;  // nullptr = source unlisted or NULL
  std::vector<const RowRule*> metric_rule_;  // nullptr = metric not allowed or NULL
  Batch filtered_;                           // rows kept, when some are dropped
  std::vector<uint8_t> actions_;
  std::vector<uint8_t> select_;
  std::vector<const Treatment*> treatments_;  // of the column being produced
  ColumnVector scratch_;                      // reused across batches (keeps its capacity)
};

}  // namespace de
