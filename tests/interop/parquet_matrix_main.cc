// parquet_matrix OUT_DIR [CASE...]
//
// Writes the Parquet interop matrix (matrix_cases.cc) into OUT_DIR: for each case NAME.parquet
// (or NAME_000.parquet, NAME_001.parquet ... for RotatingFileWriter cases) and, beside each
// file, NAME.expected.json describing what independent readers must find in it (format:
// tests/interop/README.md). With CASE arguments only those cases are written.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/output_stream.h"
#include "common/status.h"
#include "parquet/file_writer.h"
#include "tests/interop/expected_json.h"
#include "tests/interop/matrix_cases.h"

namespace de::interop {
namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

Schema SchemaOf(const MatrixCase& c) {
  Schema schema;
  for (const ColumnSpec& spec : c.columns) schema.fields.push_back(spec.field);
  return schema;
}

// The expected values of every column, in row order, filled while the batches are written.
using ColumnValues = std::vector<Json>;

// Generates the case's batches, hands each to `write` and returns every value written.
Result<ColumnValues> WriteBatches(const MatrixCase& c,
                                  const std::function<Status(const Batch&)>& write) {
  Schema schema = SchemaOf(c);
  std::vector<Rng> rngs;
  ColumnValues values(c.columns.size(), Json::array());
  for (const ColumnSpec& spec : c.columns)
    rngs.push_back(Rng::ForName(c.name + "/" + spec.field.name));
  uint64_t first_row = 0;
  Batch batch(schema);
  for (size_t rows : c.batch_rows) {
    batch.Clear();
    for (size_t i = 0; i < c.columns.size(); ++i) {
      AppendValues(c.columns[i].field, c.columns[i].profile, first_row, rows, rngs[i],
                   batch.column(i));
      AppendExpectedValues(batch.column(i), values[i]);
    }
    RETURN_IF_ERROR(batch.FinishRows(rows));
    RETURN_IF_ERROR(write(batch));
    first_row += rows;
  }
  return values;
}

// Row counts of the row groups of a file of `rows` rows: full groups of row_group_rows, then the
// rest (every case keeps row groups far below row_group_bytes). No row group for no rows.
Json ExpectedRowGroups(uint64_t rows, const parquet::WriterOptions& options) {
  Json groups = Json::array();
  for (uint64_t start = 0; start < rows; start += options.row_group_rows) {
    groups.push_back(std::min<uint64_t>(options.row_group_rows, rows - start));
  }
  return groups;
}

Json DescribeOptions(const parquet::WriterOptions& o) {
  return {{"codec", std::string(parquet::CodecName(o.codec))},
          {"compression_level", o.compression_level},
          {"dictionary", o.dictionary},
          {"dictionary_page_limit", o.dictionary_page_limit},
          {"data_page_size", o.data_page_size},
          {"row_group_bytes", o.row_group_bytes},
          {"row_group_rows", o.row_group_rows},
          {"max_statistics_bytes", o.max_statistics_bytes},
          {"threads", o.threads},
          {"page_index", o.page_index},
          {"bloom_filter_columns", o.bloom_filter_columns},
          {"bloom_filter_fpp", o.bloom_filter_fpp}};
}

// The expectation for one file holding rows [first_row, first_row + rows) of the case.
Json DescribeFile(const MatrixCase& c, const std::string& file_name, const ColumnValues& values,
                  uint64_t first_row, uint64_t rows) {
  Json kv = Json::array();
  for (const auto& [key, value] : c.options.key_value_metadata) {
    kv.push_back({{"key", key}, {"value", value}});
  }
  Json columns = Json::array();
  for (size_t i = 0; i < c.columns.size(); ++i) {
    Json column = DescribeField(c.columns[i].field);
    auto begin = values[i].begin() + static_cast<std::ptrdiff_t>(first_row);
    column["values"] = Json(std::vector<Json>(begin, begin + static_cast<std::ptrdiff_t>(rows)));
    columns.push_back(std::move(column));
  }
  return {{"format_version", 1},
          {"case", c.name},
          {"description", c.description},
          {"file", file_name},
          {"writer_options", DescribeOptions(c.options)},
          {"created_by", c.options.created_by},
          {"key_value_metadata", std::move(kv)},
          {"num_rows", rows},
          {"row_groups", ExpectedRowGroups(rows, c.options)},
          {"min_data_pages", c.min_data_pages},
          {"dictionary_use", DictionaryUseName(c.dictionary_use)},
          {"rotation", nullptr},
          {"columns", std::move(columns)}};
}

Status WriteJson(const fs::path& path, const Json& json) {
  std::string text;
  try {
    text = json.dump(1) + "\n";
  } catch (const Json::exception& e) {
    return Internal("cannot serialise {}: {}", path.string(), e.what());
  }
  ASSIGN_OR_RETURN(auto sink, OpenFileOutputStream(path.string()));
  RETURN_IF_ERROR(sink->Write(text));
  return sink->Close();
}

fs::path ExpectedPath(const fs::path& dir, std::string_view stem) {
  return dir / fmt::format("{}.expected.json", stem);
}

Status WriteSingleFile(const MatrixCase& c, const fs::path& dir) {
  std::string file_name = c.name + ".parquet";
  ASSIGN_OR_RETURN(auto sink, OpenFileOutputStream((dir / file_name).string()));
  ASSIGN_OR_RETURN(auto writer, parquet::FileWriter::Open(SchemaOf(c), c.options, sink.get()));
  ASSIGN_OR_RETURN(ColumnValues values,
                   WriteBatches(c, [&](const Batch& batch) { return writer->Write(batch); }));
  RETURN_IF_ERROR(writer->Close());
  RETURN_IF_ERROR(sink->Close());
  Json expected = DescribeFile(c, file_name, values, 0, c.total_rows());
  RETURN_IF_ERROR(WriteJson(ExpectedPath(dir, c.name), expected));
  fmt::print("wrote {} ({} rows, {} row groups, {} bytes)\n", file_name, c.total_rows(),
             writer->num_row_groups(), writer->bytes_written());
  return Status::Ok();
}

std::string RotatedStem(const MatrixCase& c, int index) {
  return fmt::format("{}_{:03}", c.name, index);
}

// One expected.json per rotated file, each naming the rows of the case it holds.
Status DescribeRotatedFiles(const MatrixCase& c, const fs::path& dir, const ColumnValues& values,
                            const std::vector<parquet::RotatingFileWriter::FileInfo>& files) {
  uint64_t first_row = 0;
  for (const auto& info : files) {
    std::string stem = RotatedStem(c, info.index);
    Json expected = DescribeFile(c, stem + ".parquet", values, first_row, info.rows);
    expected["rotation"] = {{"set", c.name},
                            {"index", info.index},
                            {"file_count", files.size()},
                            {"first_row", first_row},
                            {"total_rows", c.total_rows()},
                            {"batch_rows", c.batch_rows.empty() ? 0 : c.batch_rows.front()},
                            {"max_file_bytes", c.max_file_bytes},
                            {"reported_bytes", info.bytes}};
    RETURN_IF_ERROR(WriteJson(ExpectedPath(dir, stem), expected));
    first_row += info.rows;
  }
  if (first_row != c.total_rows()) {
    return Internal("{}: files hold {} rows, {} written", c.name, first_row, c.total_rows());
  }
  fmt::print("wrote {} ({} rows in {} files)\n", c.name, c.total_rows(), files.size());
  return Status::Ok();
}

Status WriteRotatingFiles(const MatrixCase& c, const fs::path& dir) {
  parquet::RotatingFileWriter writer(
      SchemaOf(c), c.options, c.max_file_bytes,
      [&](int index) -> Result<std::unique_ptr<OutputStream>> {
        return OpenFileOutputStream((dir / (RotatedStem(c, index) + ".parquet")).string());
      });
  Result<ColumnValues> values =
      WriteBatches(c, [&](const Batch& batch) { return writer.Write(batch); });
  Status closed = values.ok() ? writer.Close() : values.status();
  if (!closed.ok()) {
    writer.Abort();
    return closed;
  }
  return DescribeRotatedFiles(c, dir, *values, writer.files());
}

Status WriteMatrix(const fs::path& dir, const std::vector<std::string>& only) {
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) return Internal("cannot create {}: {}", dir.string(), error.message());
  for (const MatrixCase& c : MatrixCases()) {
    if (!only.empty() && std::find(only.begin(), only.end(), c.name) == only.end()) continue;
    Status status = c.max_file_bytes > 0 ? WriteRotatingFiles(c, dir) : WriteSingleFile(c, dir);
    if (!status.ok()) return status.WithContext(c.name);
  }
  return Status::Ok();
}

}  // namespace
}  // namespace de::interop

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s OUT_DIR [CASE...]\n", argv[0]);
    return 2;
  }
  std::vector<std::string> only(argv + 2, argv + argc);
  de::Status status = de::interop::WriteMatrix(argv[1], only);
  if (!status.ok()) {
    std::fprintf(stderr, "parquet_matrix: %s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}
