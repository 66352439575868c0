#include "export/on_demand.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "common/uuid.h"
#include "policy/policy_applier.h"

namespace de {

Status ValidateRange(int64_t start_time, int64_t end_time) {
  if (start_time < 0) return InvalidArgument("startTime {} is before 1970", start_time);
  if (end_time <= start_time) {
    return InvalidArgument("endTime {} must be after startTime {}", end_time, start_time);
  }
  if (end_time - start_time > kMaxRangeSeconds) {
    return InvalidArgument("range of {} s is longer than the maximum of {} s (1 day)",
                           end_time - start_time, kMaxRangeSeconds);
  }
  return Status::Ok();
}

OnDemandExporter::OnDemandExporter(Warehouse* warehouse, MetadataStore* metadata,
                                   ObjectStore* store, Clock* clock, ExportOptions options,
                                   OnDemandLayout layout)
    : warehouse_(warehouse),
      metadata_(metadata),
      store_(store),
      clock_(clock),
      exporter_(warehouse, store, std::move(options)),
      layout_(std::move(layout)) {}

Result<OnDemandExporter::PlannedTables> OnDemandExporter::PlanTables(
    const std::optional<std::string>& table) {
  ASSIGN_OR_RETURN(PolicySnapshot policy, metadata_->LoadPolicy());
  PlannedTables planned;
  planned.policy_version = policy.version;
  bool found = false;
  for (const ExportTable& t : policy.export_tables) {
    if (!t.enabled || (table && t.table_name != *table)) continue;
    found = true;
    ASSIGN_OR_RETURN(TableSchema schema, warehouse_->DescribeTable(t.table_name));
    ASSIGN_OR_RETURN(ExportPlan plan, BuildExportPlan(t, schema, policy));
    // Refuses a plan whose treatments cannot run (a hash without a key) before any work.
    RETURN_IF_ERROR(PolicyApplier::CheckContext(plan, exporter_.options().treatments));
    planned.plans.push_back(std::move(plan));
  }
  if (table && !found) return NotFound("table '{}' is not an enabled export table", *table);
  if (!found) return FailedPrecondition("no export table is enabled");
  return planned;
}

Result<ExportRequest> OnDemandExporter::Submit(int64_t start_time, int64_t end_time,
                                               const std::optional<std::string>& table,
                                               const std::string& owner, int64_t lease_micros) {
  RETURN_IF_ERROR(ValidateRange(start_time, end_time));
  ASSIGN_OR_RETURN(PlannedTables planned, PlanTables(table));
  ExportRequest request;
  ASSIGN_OR_RETURN(request.id, NewUuidV4());
  request.start_time = start_time;
  request.end_time = end_time;
  request.state = RequestState::kInProgress;
  request.created_at = clock_->NowMicros();
  request.updated_at = request.created_at;
  request.policy_version = planned.policy_version;
  if (!owner.empty()) {
    request.owner = owner;
    request.lease_expires_at = metadata_->NowMicros() + lease_micros;
  }
  RETURN_IF_ERROR(metadata_->CreateRequest(request));
  return request;
}

Result<TableExportResult> OnDemandExporter::ExportOne(const ExportRequest& request,
                                                      const ExportPlan& plan,
                                                      CancellationToken* cancel,
                                                      ExportObserver* observer,
                                                      RequestProgress* progress) {
  for (const std::string& column : plan.UnclassifiedColumns()) {
    spdlog::warn("table {}: column {} is unclassified and was not exported", plan.table, column);
  }
  TableExportTarget target;
  target.request_id = request.id;
  target.start_time = request.start_time;
  target.end_time = request.end_time;
  target.data_key = [&](int index) {
    return layout_.DataFile(plan.table, request.start_time, request.end_time, index);
  };
  target.manifest_key = layout_.Manifest(plan.table, request.start_time, request.end_time);
  return exporter_.Export(plan, target, cancel, [&](uint64_t rows) {
    if (observer != nullptr) observer->OnRows(plan.table, rows);
    // A lost progress write is not worth failing the export for; the final state is written
    // by FinishRequest.
    Status written = progress->Rows(rows);
    if (!written.ok()) {
      spdlog::warn("request {}: progress not recorded: {}", request.id, written.ToString());
    }
  });
}

void OnDemandExporter::RemoveFiles(const std::vector<TableExportResult>& tables) {
  std::vector<std::string> keys;
  for (const TableExportResult& t : tables) {
    for (const RequestFile& f : t.files) keys.push_back(f.key);
  }
  DeleteObjects(store_, keys);
}

Status OnDemandExporter::ExportTables(const ExportRequest& request,
                                      const std::optional<std::string>& table,
                                      CancellationToken* cancel, ExportObserver* observer,
                                      std::vector<TableExportResult>* tables) {
  ASSIGN_OR_RETURN(PlannedTables planned, PlanTables(table));
  const std::vector<ExportPlan>& plans = planned.plans;
  if (observer != nullptr) {
    std::vector<std::string> names;
    for (const ExportPlan& plan : plans) names.push_back(plan.table);
    observer->OnPlanned(names);
  }
  RequestProgress progress(metadata_, clock_, request.id, request.progress);
  for (size_t i = 0; i < plans.size(); ++i) {
    if (observer != nullptr) observer->OnTableStarted(plans[i].table, i, plans.size());
    // The warehouse gives no row estimate yet: progress inside a table is asymptotic.
    progress.StartTable(i, plans.size(), std::nullopt);
    ASSIGN_OR_RETURN(TableExportResult one,
                     ExportOne(request, plans[i], cancel, observer, &progress));
    if (observer != nullptr) observer->OnTableFinished(one);
    tables->push_back(std::move(one));
    if (i + 1 == plans.size()) break;
    Status written = progress.FinishTable();
    // The row is no longer ours to finish (someone else ended it): stop here.
    if (written.code() == StatusCode::kFailedPrecondition ||
        written.code() == StatusCode::kNotFound) {
      return written;
    }
    if (!written.ok()) {
      spdlog::warn("request {}: progress not recorded: {}", request.id, written.ToString());
    }
  }
  return Status::Ok();
}

Result<OnDemandResult> OnDemandExporter::Run(const ExportRequest& request,
                                             const std::optional<std::string>& table,
                                             CancellationToken* cancel, ExportObserver* observer,
                                             const CancellationToken* shutdown) {
  OnDemandResult result;
  Status failure = ExportTables(request, table, cancel, observer, &result.tables);
  if (!failure.ok() && shutdown != nullptr && shutdown->cancelled()) {
    RemoveFiles(result.tables);
    spdlog::info(
        "request {} interrupted by shutdown after {} table(s); it resumes on the next "
        "start",
        request.id, result.tables.size());
    return Cancelled(
        "request {} was interrupted by a shutdown; it stays IN_PROGRESS and resumes "
        "on the next start",
        request.id);
  }

  std::vector<RequestFile> files;
  RequestState state = RequestState::kCompleted;
  if (!failure.ok()) {
    RemoveFiles(result.tables);
    result.tables.clear();
    bool cancelled =
        failure.code() == StatusCode::kCancelled || (cancel != nullptr && cancel->cancelled());
    state = cancelled ? RequestState::kCancelled : RequestState::kFailed;
  } else {
    for (const TableExportResult& t : result.tables) {
      files.insert(files.end(), t.files.begin(), t.files.end());
    }
  }
  Status finished =
      metadata_->FinishRequestAs(request.id, request.owner, state, failure.message(), files);
  if (!finished.ok()) {
    // Files of a request that is not COMPLETED must not stay behind; an IN_PROGRESS row is
    // resumed from the start by the next recovery.
    RemoveFiles(result.tables);
    return finished.WithContext(fmt::format("recording the end of request {}", request.id));
  }
  ASSIGN_OR_RETURN(std::optional<ExportRequest> final_row, metadata_->GetRequest(request.id));
  if (!final_row) return Internal("request {} vanished", request.id);
  result.request = *final_row;
  if (!failure.ok()) return failure;
  return result;
}

}  // namespace de
