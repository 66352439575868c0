#include "export/classification_files.h"

#include <utility>

#include "export/daily_export.h"

namespace de {
namespace {

Field Text(std::string name, bool nullable = false) {
  return Field{std::move(name), DataType::String(), nullable};
}
Field Flag(std::string name) { return Field{std::move(name), DataType::Bool(), false}; }

// Appends `value`, or NULL when it is empty (an unset optional column of the metadata tables).
void AppendOptional(ColumnVector& column, const std::string& value) {
  if (value.empty()) {
    column.AppendNull();
  } else {
    column.AppendBytes(value);
  }
}

void AppendFlag(ColumnVector& column, bool value) { column.Append<uint8_t>(value ? 1 : 0); }

// A batch of `schema` filled by `append(row, batch)` for each of `rows`.
template <typename Row, typename Append>
Batch Fill(Schema schema, const std::vector<Row>& rows, Append append) {
  Batch batch(std::move(schema));
  for (const Row& row : rows) append(row, batch);
  // Every column got exactly one value per row above.
  if (!batch.FinishRows(rows.size()).ok()) std::abort();
  return batch;
}

}  // namespace

const std::vector<std::string>& ClassificationTableNames() {
  static const std::vector<std::string> kNames = {"export_tables", "data_column_classification",
                                                  "actual_data_classifications",
                                                  "long_table_data_classifications"};
  return kNames;
}

std::vector<ClassificationTable> ClassificationTables(const PolicySnapshot& policy) {
  const std::vector<std::string>& names = ClassificationTableNames();
  std::vector<ClassificationTable> tables;
  tables.push_back(
      {names[0], Fill(Schema{{Text("table_name"), Flag("enabled"), Text("time_column"),
                              Text("source_column", true), Text("metric_column", true)}},
                      policy.export_tables, [](const ExportTable& t, Batch& b) {
                        b.column(0).AppendBytes(t.table_name);
                        AppendFlag(b.column(1), t.enabled);
                        b.column(2).AppendBytes(t.time_column);
                        AppendOptional(b.column(3), t.source_column);
                        AppendOptional(b.column(4), t.metric_column);
                      })});
  tables.push_back(
      {names[1], Fill(Schema{{Text("table_name"), Text("column_name"), Text("classification"),
                              Text("treatment", true), Flag("pii")}},
                      policy.columns, [](const ColumnClassification& c, Batch& b) {
                        b.column(0).AppendBytes(c.table_name);
                        b.column(1).AppendBytes(c.column_name);
                        b.column(2).AppendBytes(c.classification);
                        AppendOptional(b.column(3), c.treatment);
                        AppendFlag(b.column(4), c.pii);
                      })});
  tables.push_back({names[2], Fill(Schema{{Text("source"), Text("classification")}}, policy.sources,
                                   [](const SourceClassification& s, Batch& b) {
                                     b.column(0).AppendBytes(s.source);
                                     b.column(1).AppendBytes(s.classification);
                                   })});
  tables.push_back({names[3], Fill(Schema{{Text("table_name"), Text("metric_name"),
                                           Text("classification"), Text("treatment", true)}},
                                   policy.metrics, [](const MetricClassification& m, Batch& b) {
                                     b.column(0).AppendBytes(m.table_name);
                                     b.column(1).AppendBytes(m.metric_name);
                                     b.column(2).AppendBytes(m.classification);
                                     AppendOptional(b.column(3), m.treatment);
                                   })});
  return tables;
}

Status WriteClassificationFile(const ClassificationTable& table, int64_t policy_version,
                               parquet::WriterOptions options, ObjectStore* store,
                               const std::string& key) {
  options.key_value_metadata.emplace_back("data_exporter.policy_version",
                                          std::to_string(policy_version));
  options.key_value_metadata.emplace_back("data_exporter.table", table.name);
  ASSIGN_OR_RETURN(std::unique_ptr<OutputStream> stream,
                   store->Put(key, PutOptions{"application/vnd.apache.parquet"}));
  ASSIGN_OR_RETURN(std::unique_ptr<parquet::FileWriter> writer,
                   parquet::FileWriter::Open(table.rows.schema(), options, stream.get()));
  if (table.rows.num_rows() > 0) RETURN_IF_ERROR(writer->Write(table.rows));
  RETURN_IF_ERROR(writer->Close());
  return stream->Close();
}

}  // namespace de
