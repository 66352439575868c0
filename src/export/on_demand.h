// On-demand export of a time range (DESIGN.md §1): every enabled export table, or one, into the
// on-demand layout, tracked in request_table. Links are handed out only once the request is
// COMPLETED; a failed or cancelled request leaves no files behind.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/cancellation.h"
#include "common/clock.h"
#include "common/status.h"
#include "export/layout.h"
#include "export/request_progress.h"
#include "export/table_export.h"
#include "metadata/metadata_store.h"

namespace de {

// The longest range one request may cover.
inline constexpr int64_t kMaxRangeSeconds = 86'400;

// kInvalidArgument unless 0 <= start < end and end - start <= 86,400.
Status ValidateRange(int64_t start_time, int64_t end_time);

// Receives progress of a running request. Called on the exporting thread.
class ExportObserver {
 public:
  virtual ~ExportObserver() = default;
  // The tables the run will export, in order (called once, before the first table starts).
  virtual void OnPlanned(const std::vector<std::string>& tables) { (void)tables; }
  virtual void OnTableStarted(const std::string& table, size_t index, size_t count) = 0;
  virtual void OnRows(const std::string& table, uint64_t rows_read) = 0;
  virtual void OnTableFinished(const TableExportResult& result) = 0;
};

struct OnDemandResult {
  ExportRequest request;  // final state
  std::vector<TableExportResult> tables;
};

// Thread-safe: concurrent Run calls on different requests are fine.
class OnDemandExporter {
 public:
  OnDemandExporter(Warehouse* warehouse, MetadataStore* metadata, ObjectStore* store, Clock* clock,
                   ExportOptions options, OnDemandLayout layout);

  // Validates the range, the table filter and the policy of every table the request covers
  // (its plan can be built and run), then records a new IN_PROGRESS request stamped with the
  // policy version it was planned under. Nothing is written when it fails: kInvalidArgument for
  // a bad range, kNotFound for a table that is not an enabled export table, kFailedPrecondition
  // when no table is enabled, when a table's plan cannot be built (e.g. no column may be
  // exported) or it needs a hash key and none is set; kAlreadyExists when another request for
  // the range is IN_PROGRESS. With an `owner`, the request is created claimed by it for
  // lease_micros (the caller runs it and keeps the lease); without, it waits unclaimed for a
  // worker of any replica (RequestQueue).
  Result<ExportRequest> Submit(int64_t start_time, int64_t end_time,
                               const std::optional<std::string>& table,
                               const std::string& owner = "", int64_t lease_micros = 0);

  // Exports a submitted request to the end and records the outcome (COMPLETED with its files,
  // or FAILED/CANCELLED with the error; failed requests' files are removed). The outcome is
  // recorded only while request.owner still holds the request (FinishRequestAs). The returned
  // Status is the export's error, if any; the request row is final either way (unless the metadata
  // store itself failed: then the files are removed and the row stays IN_PROGRESS).
  //
  // Progress (request_table.progress) grows with finished tables and rows read, never goes
  // below request.progress, and is written at most twice a second.
  //
  // `cancel` stops the run: it ends CANCELLED. If `shutdown` has fired by the time the run
  // stops early (for whatever reason), the run was interrupted by a shutdown instead: its files
  // are removed, the row stays IN_PROGRESS for the next start to resume, and kCancelled comes
  // back with a message saying so. The policy is planned afresh from the current snapshot; a
  // request stamped with an older version than it ran under is only ever retired too eagerly,
  // never handed out under the wrong policy.
  Result<OnDemandResult> Run(const ExportRequest& request, const std::optional<std::string>& table,
                             CancellationToken* cancel, ExportObserver* observer,
                             const CancellationToken* shutdown = nullptr);

  const OnDemandLayout& layout() const { return layout_; }

 private:
  struct PlannedTables {
    int64_t policy_version = 0;
    std::vector<ExportPlan> plans;
  };

  // The plans of the tables a request covers, from one snapshot of the policy.
  Result<PlannedTables> PlanTables(const std::optional<std::string>& table);
  // Exports every planned table into `tables`, in order; stops at the first error.
  Status ExportTables(const ExportRequest& request, const std::optional<std::string>& table,
                      CancellationToken* cancel, ExportObserver* observer,
                      std::vector<TableExportResult>* tables);
  Result<TableExportResult> ExportOne(const ExportRequest& request, const ExportPlan& plan,
                                      CancellationToken* cancel, ExportObserver* observer,
                                      RequestProgress* progress);
  void RemoveFiles(const std::vector<TableExportResult>& tables);

  Warehouse* warehouse_;
  MetadataStore* metadata_;
  ObjectStore* store_;
  Clock* clock_;
  TableExporter exporter_;
  OnDemandLayout layout_;
};

}  // namespace de
