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

Result<std::vector<ExportPlan>> OnDemandExporter::PlanTables(
    const std::optional<std::string>& table) {
  ASSIGN_OR_RETURN(PolicySnapshot policy, metadata_->LoadPolicy());
  std::vector<ExportPlan> plans;
  bool found = false;
  for (const ExportTable& t : policy.export_tables) {
    if (!t.enabled || (table && t.table_name != *table)) continue;
    found = true;
    ASSIGN_OR_RETURN(TableSchema schema, warehouse_->DescribeTable(t.table_name));
    ASSIGN_OR_RETURN(ExportPlan plan, BuildExportPlan(t, schema, policy));
    // Refuses a plan whose treatments cannot run (a hash without a key) before any work.
    RETURN_IF_ERROR(PolicyApplier::CheckContext(plan, exporter_.options().treatments));
    plans.push_back(std::move(plan));
  }
  if (table && !found) return NotFound("table '{}' is not an enabled export table", *table);
  if (!found) return FailedPrecondition("no export table is enabled");
  return plans;
}

Result<ExportRequest> OnDemandExporter::Submit(int64_t start_time, int64_t end_time,
                                               const std::optional<std::string>& table) {
  RETURN_IF_ERROR(ValidateRange(start_time, end_time));
  RETURN_IF_ERROR(PlanTables(table));
  ExportRequest request;
  ASSIGN_OR_RETURN(request.id, NewUuidV4());
  request.start_time = start_time;
  request.end_time = end_time;
  request.state = RequestState::kInProgress;
  request.created_at = clock_->NowMicros();
  request.updated_at = request.created_at;
  RETURN_IF_ERROR(metadata_->CreateRequest(request));
  return request;
}

Result<TableExportResult> OnDemandExporter::ExportOne(const ExportRequest& request,
                                                      const ExportPlan& plan,
                                                      CancellationToken* cancel,
                                                      ExportObserver* observer) {
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
  });
}

void OnDemandExporter::RemoveFiles(const std::vector<TableExportResult>& tables) {
  std::vector<std::string> keys;
  for (const TableExportResult& t : tables) {
    for (const RequestFile& f : t.files) keys.push_back(f.key);
  }
  DeleteObjects(store_, keys);
}

Result<OnDemandResult> OnDemandExporter::Run(const ExportRequest& request,
                                             const std::optional<std::string>& table,
                                             CancellationToken* cancel, ExportObserver* observer) {
  OnDemandResult result;
  Status failure;
  Result<std::vector<ExportPlan>> tables = PlanTables(table);
  if (!tables.ok()) failure = tables.status();
  for (size_t i = 0; failure.ok() && i < tables->size(); ++i) {
    const ExportPlan& plan = (*tables)[i];
    if (observer != nullptr) observer->OnTableStarted(plan.table, i, tables->size());
    Result<TableExportResult> one = ExportOne(request, plan, cancel, observer);
    if (!one.ok()) {
      failure = one.status();
      break;
    }
    if (observer != nullptr) observer->OnTableFinished(*one);
    result.tables.push_back(std::move(one).value());
    double progress = 100.0 * static_cast<double>(i + 1) / static_cast<double>(tables->size());
    if (i + 1 < tables->size()) failure = metadata_->UpdateProgress(request.id, progress);
  }

  std::vector<RequestFile> files;
  RequestState state = RequestState::kCompleted;
  if (!failure.ok()) {
    RemoveFiles(result.tables);
    result.tables.clear();
    state =
        failure.code() == StatusCode::kCancelled ? RequestState::kCancelled : RequestState::kFailed;
  } else {
    for (const TableExportResult& t : result.tables) {
      files.insert(files.end(), t.files.begin(), t.files.end());
    }
  }
  RETURN_IF_ERROR(metadata_->FinishRequest(request.id, state, failure.message(), files));
  ASSIGN_OR_RETURN(std::optional<ExportRequest> final_row, metadata_->GetRequest(request.id));
  if (!final_row) return Internal("request {} vanished", request.id);
  result.request = *final_row;
  if (!failure.ok()) return failure;
  return result;
}

}  // namespace de
