// MetadataStore: the product's own tables (DESIGN.md §3.1): on-demand requests, which warehouse
// tables are exported, and the classification policy. Backends: sqlite/ (embedded default) and,
// next, postgres/ (shared by several replicas). Both apply the same versioned migrations.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace de {

// Lifecycle of an on-demand request. Stored as the upper-case names below.
enum class RequestState {
  kInProgress,  // "IN_PROGRESS": accepted, being exported
  kCompleted,   // "COMPLETED": every table published; links may be handed out
  kFailed,      // "FAILED": `error` says why; its files were removed
  kCancelled,   // "CANCELLED": stopped on request; its files were removed
};
std::string_view RequestStateName(RequestState state);
std::optional<RequestState> ParseRequestState(std::string_view name);

// One row of request_table.
struct ExportRequest {
  std::string id;          // de_request_id, UUID v4
  int64_t start_time = 0;  // epoch seconds, inclusive
  int64_t end_time = 0;    // epoch seconds, exclusive
  RequestState state = RequestState::kInProgress;
  double progress = 0;           // 0..100
  std::string error;             // empty unless kFailed
  int64_t created_at = 0;        // epoch microseconds
  int64_t updated_at = 0;        // epoch microseconds
  std::string owner;             // replica that works on it
  int64_t lease_expires_at = 0;  // epoch microseconds; 0 = no lease
  int64_t policy_version = 0;    // policy version it was planned under; 0 = unknown (pre-v4 row)
};

// One published file of a completed request (request_files); links are presigned from `key`
// each time they are asked for.
struct RequestFile {
  std::string table_name;
  int file_index = 0;  // 0 for {table}_000.parquet
  std::string key;     // object-store key
  uint64_t bytes = 0;
  uint64_t rows = 0;
  bool is_manifest = false;
};

// One row of export_tables.
struct ExportTable {
  std::string table_name;
  bool enabled = true;
  std::string time_column;    // timestamp column the requested range applies to
  std::string source_column;  // empty = none
  std::string metric_column;  // empty = not a long table
  friend bool operator==(const ExportTable&, const ExportTable&) = default;
};

// One row of data_column_classification.
struct ColumnClassification {
  std::string table_name;
  std::string column_name;
  std::string classification;  // nr | mx | de | hwc
  std::string treatment;       // empty = none
  bool pii = false;
  friend bool operator==(const ColumnClassification&, const ColumnClassification&) = default;
};

// One row of actual_data_classifications: the rule for every row whose source column holds
// `source` (DESIGN.md §3.2).
struct SourceClassification {
  std::string source;
  std::string classification;  // nr | mx | de | hwc
  friend bool operator==(const SourceClassification&, const SourceClassification&) = default;
};

// One row of long_table_data_classifications: the rule for rows of a long-format table whose
// metric column holds `metric_name`.
struct MetricClassification {
  std::string table_name;
  std::string metric_name;
  std::string classification;  // nr | mx | de | hwc
  std::string treatment;       // empty = none
  friend bool operator==(const MetricClassification&, const MetricClassification&) = default;
};

// The four policy tables at one policy version, read in one transaction.
struct PolicySnapshot {
  int64_t version = 0;
  std::vector<ExportTable> export_tables;     // ordered by table_name
  std::vector<ColumnClassification> columns;  // ordered by table_name, column_name
  std::vector<SourceClassification> sources;  // ordered by source
  std::vector<MetricClassification> metrics;  // ordered by table_name, metric_name

  // Equal content (the version is not compared).
  bool SameRules(const PolicySnapshot& other) const;
};

// Thread-safe: every method may be called from any thread.
class MetadataStore {
 public:
  virtual ~MetadataStore() = default;

  // --- request_table ---
  // Inserts a new request; kAlreadyExists if the id is taken.
  virtual Status CreateRequest(const ExportRequest& request) = 0;
  // The request, or nullopt if no request has that id.
  virtual Result<std::optional<ExportRequest>> GetRequest(const std::string& id) = 0;
  // Newest first, at most `limit`.
  virtual Result<std::vector<ExportRequest>> ListRequests(int limit) = 0;
  // Every request in `state`, oldest first (by created_at, then id).
  virtual Result<std::vector<ExportRequest>> ListRequestsInState(RequestState state) = 0;
  // Every request for exactly [start_time, end_time), in any state, oldest first (by
  // created_at, then id).
  virtual Result<std::vector<ExportRequest>> FindRequestsByRange(int64_t start_time,
                                                                 int64_t end_time) = 0;
  // Sets progress (0..100) of an IN_PROGRESS request; kFailedPrecondition if it is not.
  virtual Status UpdateProgress(const std::string& id, double progress) = 0;
  // Moves an IN_PROGRESS request to a final state in one transaction, recording its files when
  // kCompleted (progress becomes 100). kFailedPrecondition if it is not IN_PROGRESS, kNotFound if
  // it does not exist.
  virtual Status FinishRequest(const std::string& id, RequestState state, const std::string& error,
                               const std::vector<RequestFile>& files) = 0;
  // Files of a request, ordered by table then index (manifest last per table).
  virtual Result<std::vector<RequestFile>> ListRequestFiles(const std::string& id) = 0;
  // Takes back a COMPLETED request whose files must no longer be handed out (exported under a
  // policy that is no longer in force, or gone from the object store): in one transaction it
  // becomes FAILED with `error` and its request_files rows are removed. The caller reads the
  // files first and deletes the objects afterwards. kFailedPrecondition if it is not COMPLETED,
  // kNotFound if it does not exist; nothing changes on any error.
  virtual Status RetireRequest(const std::string& id, const std::string& error) = 0;

  // --- policy: export_tables, data_column_classification, actual_data_classifications,
  // long_table_data_classifications and the policy version ---
  virtual Result<std::vector<ExportTable>> ListExportTables() = 0;
  // Inserts or replaces the row with this table_name and bumps the policy version (unless the
  // row is unchanged).
  virtual Status UpsertExportTable(const ExportTable& table) = 0;
  // Rows of one table, or of every table when `table` is empty; ordered by table, column.
  virtual Result<std::vector<ColumnClassification>> ListColumnClassifications(
      const std::string& table) = 0;
  // All four policy tables and the version they form, read in one transaction.
  virtual Result<PolicySnapshot> LoadPolicy() = 0;
  // Replaces all four policy tables in one transaction (policy.version is ignored). The version
  // is bumped when the content differs from what is stored, and kept when it is the same;
  // returns the version now in effect. All-or-nothing: kInvalidArgument naming the row for an
  // empty name or an unknown classification code, kAlreadyExists naming the duplicate key;
  // nothing changes on any error. (Semantic checks against the warehouse are policy/'s job.)
  virtual Result<int64_t> ReplacePolicy(const PolicySnapshot& policy) = 0;
  // Increases on every policy change; starts at 1 with the first migration.
  virtual Result<int64_t> PolicyVersion() = 0;

  // Cheap reachability check for readiness probes.
  virtual Status Ping() = 0;
};

}  // namespace de
