#include "export/table_export.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "common/version.h"
#include "export/layout.h"
#include "export/manifest.h"
#include "export/policy_audit.h"
#include "policy/policy_applier.h"

namespace de {
namespace {

// Tracks each object whose stream closed successfully, so a failure can delete it again.
class PublishingStream final : public OutputStream {
 public:
  PublishingStream(std::unique_ptr<OutputStream> inner, std::string key,
                   std::vector<std::string>* published)
      : inner_(std::move(inner)), key_(std::move(key)), published_(published) {}

  Status Write(std::string_view bytes) override { return inner_->Write(bytes); }
  Status Close() override {
    RETURN_IF_ERROR(inner_->Close());
    published_->push_back(key_);
    return Status::Ok();
  }
  void Abort() override { inner_->Abort(); }
  uint64_t position() const override { return inner_->position(); }

 private:
  std::unique_ptr<OutputStream> inner_;
  std::string key_;
  std::vector<std::string>* published_;
};

}  // namespace

void DeleteObjects(ObjectStore* store, const std::vector<std::string>& keys) {
  if (keys.empty() || store->DeleteMany(keys).ok()) return;
  // One by one, so each key that stays is named.
  for (const std::string& key : keys) {
    Status s = store->Delete(key);
    if (!s.ok()) spdlog::error("could not remove {} of a failed export: {}", key, s.ToString());
  }
}

size_t TableExportResult::data_file_count() const {
  size_t count = 0;
  for (const RequestFile& f : files) count += f.is_manifest ? 0 : 1;
  return count;
}

parquet::WriterOptions TableExporter::FileOptions(const ExportPlan& plan,
                                                  const TableExportTarget& target) const {
  parquet::WriterOptions writer = options_.writer;
  writer.created_by = fmt::format("{} version {}", kProductName, kVersion);
  writer.key_value_metadata = {
      {"data_exporter.version", std::string(kVersion)},
      {"data_exporter.request_id", target.request_id},
      {"data_exporter.table", plan.table},
      {"data_exporter.start_time", std::to_string(target.start_time)},
      {"data_exporter.end_time", std::to_string(target.end_time)},
      {"data_exporter.policy_version", std::to_string(plan.policy_version)},
  };
  // Bloom filters for the configured names this table exports (after its policy), booleans
  // left out; the filters hold only values the file holds.
  writer.bloom_filter_columns.clear();
  for (const Field& field : plan.OutputSchema().fields) {
    const auto& wanted = options_.writer.bloom_filter_columns;
    if (field.type.id != TypeId::kBool &&
        std::find(wanted.begin(), wanted.end(), field.name) != wanted.end()) {
      writer.bloom_filter_columns.push_back(field.name);
    }
  }
  return writer;
}

Result<TableExportResult> TableExporter::Export(const ExportPlan& plan,
                                                const TableExportTarget& target,
                                                CancellationToken* cancel,
                                                const RowsObserver& observer) {
  std::vector<std::string> published;
  Result<TableExportResult> result = ExportUnsafe(plan, target, cancel, observer, &published);
  if (!result.ok()) {
    DeleteObjects(store_, published);
    return result.status().WithContext("table " + plan.table);
  }
  return result;
}

Result<TableExportResult> TableExporter::ExportUnsafe(const ExportPlan& plan,
                                                      const TableExportTarget& target,
                                                      CancellationToken* cancel,
                                                      const RowsObserver& observer,
                                                      std::vector<std::string>* published) {
  // Refuse before the warehouse is asked anything when a treatment cannot run.
  ASSIGN_OR_RETURN(std::unique_ptr<PolicyApplier> applier,
                   PolicyApplier::Create(plan, options_.treatments));
  ScanSpec spec;
  spec.table = plan.table;
  spec.columns = plan.ScanColumnNames();
  spec.time_filter =
      TimeFilter{plan.time_column, target.start_time * 1'000'000, target.end_time * 1'000'000};
  if (plan.is_long()) {
    // Rows of metrics that may not leave are not even read.
    spec.in_filters.push_back(
        {plan.scan_columns[static_cast<size_t>(plan.metric_input)].name, plan.allowed_metrics});
  }
  if (options_.order_by_time) spec.order_by = plan.time_column;
  spec.batch_rows = options_.batch_rows;
  spec.batch_bytes = options_.batch_bytes;
  ASSIGN_OR_RETURN(std::unique_ptr<BatchReader> reader, warehouse_->Scan(spec, cancel));
  for (size_t i = 0; i < plan.scan_columns.size(); ++i) {
    // The plan was made from an earlier look at the table; a column whose type changed since
    // would be treated under the wrong assumptions.
    if (i >= reader->schema().size() ||
        reader->schema().fields[i].type != plan.scan_columns[i].type) {
      return FailedPrecondition("table {} changed while the export was starting; retry",
                                plan.table);
    }
  }

  Schema schema = plan.OutputSchema();
  parquet::RotatingFileWriter writer(
      schema, FileOptions(plan, target), options_.max_file_bytes,
      [&](int index) -> Result<std::unique_ptr<OutputStream>> {
        std::string key = target.data_key(index);
        ASSIGN_OR_RETURN(auto stream,
                         store_->Put(key, PutOptions{"application/vnd.apache.parquet"}));
        auto publishing = std::make_unique<PublishingStream>(std::move(stream), key, published);
        return AuditingStream(std::move(publishing), &applier->plan());
      });

  TableExportResult result;
  result.table = plan.table;
  // On an early return the writer's destructor aborts the unfinished file; files it already
  // closed are in `published` and removed by Export.
  Batch batch(reader->schema());
  Batch allowed(schema);
  while (true) {
    if (cancel != nullptr && cancel->cancelled()) return Cancelled("export cancelled");
    ASSIGN_OR_RETURN(bool more, reader->Next(&batch));
    if (!more) break;
    result.rows_read += batch.num_rows();
    uint64_t dropped = 0;
    RETURN_IF_ERROR(applier->Apply(&batch, &allowed, &dropped));
    result.rows_dropped_by_policy += dropped;
    RETURN_IF_ERROR(writer.Write(allowed));
    if (observer) observer(result.rows_read);
  }
  RETURN_IF_ERROR(writer.Close());
  for (const auto& file : writer.files()) result.rows_written += file.rows;
  if (result.rows_read != result.rows_dropped_by_policy + result.rows_written) {
    return Internal("reconciliation failed: read {} != dropped {} + written {}", result.rows_read,
                    result.rows_dropped_by_policy, result.rows_written);
  }
  std::vector<ManifestEntry> entries;
  for (const auto& file : writer.files()) {
    std::string key = target.data_key(file.index);
    result.files.push_back({plan.table, file.index, key, file.bytes, file.rows, false});
    result.bytes_written += file.bytes;
    entries.push_back({options_.store_uri + "/" + key, file.bytes, file.rows});
  }
  result.unclassified_columns = plan.UnclassifiedColumns();
  result.dropped_columns = plan.DroppedColumns();
  result.treated_columns = plan.TreatedColumns();
  result.reported = plan.reported;
  if (target.manifest_key.empty()) return result;
  ManifestExport info{target.request_id,
                      plan.table,
                      target.start_time,
                      target.end_time,
                      plan.policy_version,
                      result.rows_read,
                      result.rows_dropped_by_policy,
                      result.rows_written,
                      result.unclassified_columns,
                      result.dropped_columns,
                      result.treated_columns};
  std::string manifest = RenderManifest(entries, schema, info);
  ASSIGN_OR_RETURN(auto stream, store_->Put(target.manifest_key, PutOptions{"application/json"}));
  PublishingStream manifest_stream(std::move(stream), target.manifest_key, published);
  RETURN_IF_ERROR(manifest_stream.Write(manifest));
  RETURN_IF_ERROR(manifest_stream.Close());
  result.files.push_back({plan.table, static_cast<int>(writer.files().size()), target.manifest_key,
                          manifest.size(), 0, true});
  return result;
}

}  // namespace de
