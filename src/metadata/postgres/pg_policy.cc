#include "metadata/postgres/pg_policy.h"

#include <string_view>

#include "metadata/policy_rows.h"
#include "metadata/postgres/pg_statements.h"

namespace de::metadata_pg {
namespace {

// One policy table's SQL and row mapping; its name, key and checks are metadata::PolicyRules.
// Empty optional strings are stored as NULL (NULLIF), as in SQLite.
template <typename Row>
struct PgPolicyTable;

template <>
struct PgPolicyTable<ExportTable> {
  static constexpr std::string_view kSelect =
      "SELECT table_name, enabled, time_column, source_column, metric_column FROM export_tables "
      "ORDER BY table_name COLLATE \"C\"";
  static constexpr std::string_view kInsert =
      "INSERT INTO export_tables (table_name, enabled, time_column, source_column, "
      "metric_column) VALUES ($1, $2::boolean, $3, NULLIF($4, ''), NULLIF($5, ''))";
  static ExportTable Read(const PGresult* r, int i) {
    return {CellText(r, i, 0), CellBool(r, i, 1), CellText(r, i, 2), CellText(r, i, 3),
            CellText(r, i, 4)};
  }
  static std::vector<std::string> Params(const ExportTable& row) {
    return {row.table_name, Param(row.enabled), row.time_column, row.source_column,
            row.metric_column};
  }
};

template <>
struct PgPolicyTable<ColumnClassification> {
  static constexpr std::string_view kSelect =
      "SELECT table_name, column_name, classification, treatment, pii FROM "
      "data_column_classification WHERE $1 = '' OR table_name = $1 "
      "ORDER BY table_name COLLATE \"C\", column_name COLLATE \"C\"";
  static constexpr std::string_view kInsert =
      "INSERT INTO data_column_classification (table_name, column_name, classification, "
      "treatment, pii) VALUES ($1, $2, $3, NULLIF($4, ''), $5::boolean)";
  static ColumnClassification Read(const PGresult* r, int i) {
    return {CellText(r, i, 0), CellText(r, i, 1), CellText(r, i, 2), CellText(r, i, 3),
            CellBool(r, i, 4)};
  }
  static std::vector<std::string> Params(const ColumnClassification& row) {
    return {row.table_name, row.column_name, row.classification, row.treatment, Param(row.pii)};
  }
};

template <>
struct PgPolicyTable<SourceClassification> {
  static constexpr std::string_view kSelect =
      "SELECT source, classification FROM actual_data_classifications "
      "ORDER BY source COLLATE \"C\"";
  static constexpr std::string_view kInsert =
      "INSERT INTO actual_data_classifications (source, classification) VALUES ($1, $2)";
  static SourceClassification Read(const PGresult* r, int i) {
    return {CellText(r, i, 0), CellText(r, i, 1)};
  }
  static std::vector<std::string> Params(const SourceClassification& row) {
    return {row.source, row.classification};
  }
};

template <>
struct PgPolicyTable<MetricClassification> {
  static constexpr std::string_view kSelect =
      "SELECT table_name, metric_name, classification, treatment FROM "
      "long_table_data_classifications "
      "ORDER BY table_name COLLATE \"C\", metric_name COLLATE \"C\"";
  static constexpr std::string_view kInsert =
      "INSERT INTO long_table_data_classifications (table_name, metric_name, classification, "
      "treatment) VALUES ($1, $2, $3, NULLIF($4, ''))";
  static MetricClassification Read(const PGresult* r, int i) {
    return {CellText(r, i, 0), CellText(r, i, 1), CellText(r, i, 2), CellText(r, i, 3)};
  }
  static std::vector<std::string> Params(const MetricClassification& row) {
    return {row.table_name, row.metric_name, row.classification, row.treatment};
  }
};

template <typename Row>
Result<std::vector<Row>> SelectRows(PGconn* conn, const std::vector<std::string>& params = {}) {
  std::string what = fmt::format("reading {}", metadata::PolicyRules<Row>::kName);
  ASSIGN_OR_RETURN(pg::PgResult result,
                   Run(conn, PgPolicyTable<Row>::kSelect, params, PGRES_TUPLES_OK, what));
  std::vector<Row> rows;
  rows.reserve(PQntuples(result.get()));
  for (int i = 0; i < PQntuples(result.get()); ++i) {
    rows.push_back(PgPolicyTable<Row>::Read(result.get(), i));
  }
  return rows;
}

// Replaces every row of the table; the caller holds a transaction.
template <typename Row>
Status WriteRows(PGconn* conn, const std::vector<Row>& rows) {
  std::string_view name = metadata::PolicyRules<Row>::kName;
  std::string what = fmt::format("writing {}", name);
  // The table name is one of our four constants, never input.
  RETURN_IF_ERROR(RunCommand(conn, fmt::format("DELETE FROM {}", name), {}, what));
  for (const Row& row : rows) {
    RETURN_IF_ERROR(
        RunCommand(conn, PgPolicyTable<Row>::kInsert, PgPolicyTable<Row>::Params(row), what));
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<ExportTable>> SelectExportTables(PGconn* conn) {
  return SelectRows<ExportTable>(conn);
}

Result<std::vector<ColumnClassification>> SelectColumns(PGconn* conn, const std::string& table) {
  return SelectRows<ColumnClassification>(conn, {table});
}

Result<int64_t> SelectPolicyVersion(PGconn* conn, bool for_update) {
  ASSIGN_OR_RETURN(pg::PgResult result,
                   Run(conn,
                       for_update ? "SELECT policy_version FROM policy_state WHERE id = 1 FOR "
                                    "UPDATE"
                                  : "SELECT policy_version FROM policy_state WHERE id = 1",
                       {}, PGRES_TUPLES_OK, "reading the policy version"));
  if (PQntuples(result.get()) == 0) return DataLoss("policy_state has no row");
  return CellInt(result.get(), 0, 0, "policy_state.policy_version");
}

Result<PolicySnapshot> SelectPolicy(PGconn* conn, bool lock_version) {
  PolicySnapshot policy;
  ASSIGN_OR_RETURN(policy.version, SelectPolicyVersion(conn, lock_version));
  ASSIGN_OR_RETURN(policy.export_tables, SelectRows<ExportTable>(conn));
  ASSIGN_OR_RETURN(policy.columns, SelectColumns(conn, ""));
  ASSIGN_OR_RETURN(policy.sources, SelectRows<SourceClassification>(conn));
  ASSIGN_OR_RETURN(policy.metrics, SelectRows<MetricClassification>(conn));
  return policy;
}

Status WritePolicy(PGconn* conn, const PolicySnapshot& stored, const PolicySnapshot& next,
                   int64_t version) {
  if (next.export_tables != stored.export_tables) {
    RETURN_IF_ERROR(WriteRows(conn, next.export_tables));
  }
  if (next.columns != stored.columns) RETURN_IF_ERROR(WriteRows(conn, next.columns));
  if (next.sources != stored.sources) RETURN_IF_ERROR(WriteRows(conn, next.sources));
  if (next.metrics != stored.metrics) RETURN_IF_ERROR(WriteRows(conn, next.metrics));
  return RunCommand(conn, "UPDATE policy_state SET policy_version = $1::bigint WHERE id = 1",
                    {Param(version)}, "bumping the policy version");
}

}  // namespace de::metadata_pg
