#include "cli/report.h"

#include <unistd.h>

#include <fmt/format.h>

#include "cli/progress.h"
#include "export/layout.h"
#include "export/lease_keeper.h"
#include "export/links.h"

namespace de {
namespace {

void PrintSummary(const OnDemandResult& result, std::FILE* out) {
  fmt::print(out, "\n{:<18} {:>5} {:>10} {:>8} {:>10} {:>10}\n", "table", "files", "rows read",
             "dropped", "written", "bytes");
  for (const TableExportResult& t : result.tables) {
    fmt::print(out, "{:<18} {:>5} {:>10} {:>8} {:>10} {:>10}\n", t.table, t.data_file_count(),
               WithThousands(t.rows_read), WithThousands(t.rows_dropped_by_policy),
               WithThousands(t.rows_written), HumanBytes(t.bytes_written));
  }
  // What the policy did to each table, so the operator sees it without reading manifests.
  for (const TableExportResult& t : result.tables) {
    if (!t.treated_columns.empty()) {
      fmt::print(out, "  {}: treated: {}\n", t.table, fmt::join(t.treated_columns, ", "));
    }
    std::vector<std::string> left_out;
    for (const ReportedColumn& r : t.reported) {
      left_out.push_back(fmt::format("{} ({})", r.column, ReasonName(r.reason)));
    }
    if (!left_out.empty()) {
      fmt::print(out, "  {}: not exported: {}\n", t.table, fmt::join(left_out, ", "));
    }
  }
}

Status PrintLinks(const Services& services, const std::string& request_id, std::FILE* out) {
  int64_t expiry = services.config.storage.link_expiry_seconds;
  ASSIGN_OR_RETURN(auto links, PresignRequestLinks(services.metadata.get(), services.store.get(),
                                                   request_id, expiry));
  fmt::print(out, "\nDownload links (valid for {} h):\n", expiry / 3600);
  for (const auto& [table, table_links] : links) {
    fmt::print(out, "{}\n", table);
    for (const PresignedUrl& url : table_links.files) fmt::print(out, "  {}\n", url.url);
    fmt::print(out, "  manifest: {}\n", table_links.manifest.url);
  }
  return Status::Ok();
}

}  // namespace

Result<ExportReport> RunExportAndReport(const Services& services, int64_t start_time,
                                        int64_t end_time, const std::optional<std::string>& table,
                                        std::FILE* out) {
  std::unique_ptr<OnDemandExporter> exporter = services.NewOnDemandExporter();
  // The request is claimed by this process from the start (no replica's queue takes it) and
  // its lease is kept while it runs; if the lease is lost, the run stops.
  const int64_t lease_micros = services.config.metadata.lease_seconds * 1'000'000;
  ASSIGN_OR_RETURN(ExportRequest request, exporter->Submit(start_time, end_time, table,
                                                           services.replica_id, lease_micros));
  fmt::print(out, "request {}: {} .. {}\n", request.id, UtcIso8601(start_time),
             UtcIso8601(end_time));
  std::fflush(out);
  CancellationToken lost;
  MetadataStore* metadata = services.metadata.get();
  const std::string owner = services.replica_id;
  LeaseKeeper keeper(
      "request",
      [&](const std::vector<std::string>& ids) {
        return metadata->RenewRequestLeases(owner, ids, lease_micros);
      },
      lease_micros);
  keeper.Hold(request.id, [&] { lost.Cancel(); });
  ProgressPrinter progress(stderr, ::isatty(STDERR_FILENO) != 0);
  Result<OnDemandResult> result = exporter->Run(request, table, &lost, &progress);
  keeper.Drop(request.id);
  if (!result.ok()) {
    return result.status().WithContext(fmt::format("request {} failed", request.id));
  }
  PrintSummary(*result, out);
  RETURN_IF_ERROR(PrintLinks(services, request.id, out));
  std::fflush(out);
  return ExportReport{request.id, std::move(result).value()};
}

}  // namespace de
