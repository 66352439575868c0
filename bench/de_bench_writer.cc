// de-bench-writer: the Parquet writer alone, on a table held in memory, for the side-by-side
// run with DuckDB's writer (bench/run). Loads every row of a PostgreSQL table once (binary COPY
// through the product's PostgresWarehouse, not timed), then answers commands on stdin, one per
// line, each with one JSON line on stdout:
//
//   write PATH [codec=snappy] [threads=1] [page_index=0|1] [bloom=COLUMN,COLUMN…] [bloom_fpp=P]
//       writes all rows to PATH (one file, the exporter's default row groups and pages) and
//       answers {"seconds":…, "bytes":…, "rows":…}; the file is left for the caller
//   quit
//
//   de-bench-writer --conninfo CONNINFO --table T
//
// The first line on stdout, once the table is loaded: {"loaded_rows":N, "load_seconds":…}.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "common/logging.h"
#include "parquet/file_writer.h"
#include "warehouse/postgres/postgres_warehouse.h"

namespace de {
namespace {

double SecondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Writes straight to a file descriptor in large writes, as the local store does.
class FileSink final : public OutputStream {
 public:
  explicit FileSink(std::FILE* file) : file_(file) {}
  ~FileSink() override {
    if (file_ != nullptr) std::fclose(file_);
  }
  Status Write(std::string_view bytes) override {
    if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
      return Internal("write failed");
    }
    position_ += bytes.size();
    return Status::Ok();
  }
  Status Close() override {
    const int rc = std::fclose(file_);
    file_ = nullptr;
    return rc == 0 ? Status::Ok() : Internal("close failed");
  }
  void Abort() override {}
  uint64_t position() const override { return position_; }

 private:
  std::FILE* file_;
  uint64_t position_ = 0;
};

struct Table {
  Schema schema;
  std::vector<Batch> batches;
  uint64_t rows = 0;
};

Result<Table> Load(const std::string& conninfo, const std::string& name) {
  PostgresOptions options;
  options.conninfo = conninfo;
  ASSIGN_OR_RETURN(auto warehouse, PostgresWarehouse::Open(options));
  ASSIGN_OR_RETURN(TableSchema schema, warehouse->DescribeTable(name));
  ScanSpec spec;
  spec.table = name;
  for (const WarehouseColumn& c : schema.columns) spec.columns.push_back(c.name);
  ASSIGN_OR_RETURN(auto reader, warehouse->Scan(spec, nullptr));
  Table table{reader->schema(), {}, 0};
  while (true) {
    Batch batch(table.schema);
    ASSIGN_OR_RETURN(bool more, reader->Next(&batch));
    if (!more) break;
    table.rows += batch.num_rows();
    table.batches.push_back(std::move(batch));
  }
  return table;
}

Result<parquet::WriterOptions> ParseOptions(std::istringstream& words) {
  parquet::WriterOptions options;
  std::string word;
  while (words >> word) {
    const size_t eq = word.find('=');
    if (eq == std::string::npos) return InvalidArgument("expected key=value, got '{}'", word);
    const std::string key = word.substr(0, eq), value = word.substr(eq + 1);
    if (key == "codec") {
      ASSIGN_OR_RETURN(options.codec, parquet::ParseCodec(value));
    } else if (key == "threads") {
      options.threads = std::stoi(value);
    } else if (key == "page_index") {
      options.page_index = value == "1";
    } else if (key == "bloom") {
      std::istringstream names(value);
      for (std::string name; std::getline(names, name, ',');) {
        options.bloom_filter_columns.push_back(name);
      }
    } else if (key == "bloom_fpp") {
      options.bloom_filter_fpp = std::stod(value);
    } else {
      return InvalidArgument("unknown option '{}'", key);
    }
  }
  RETURN_IF_ERROR(options.Validate());
  return options;
}

Result<nlohmann::json> Write(const Table& table, const std::string& path,
                             const parquet::WriterOptions& options) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) return Internal("cannot open {}", path);
  FileSink sink(file);
  const auto t0 = std::chrono::steady_clock::now();
  ASSIGN_OR_RETURN(auto writer, parquet::FileWriter::Open(table.schema, options, &sink));
  for (const Batch& batch : table.batches) RETURN_IF_ERROR(writer->Write(batch));
  RETURN_IF_ERROR(writer->Close());
  RETURN_IF_ERROR(sink.Close());
  const double seconds = SecondsSince(t0);
  return nlohmann::json{{"seconds", seconds}, {"bytes", sink.position()}, {"rows", table.rows}};
}

int Serve(const Table& table) {
  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream words(line);
    std::string command, path;
    words >> command;
    if (command == "quit") break;
    nlohmann::json answer;
    if (command != "write" || !(words >> path)) {
      answer = {{"error", "expected 'write PATH [key=value…]' or 'quit'"}};
    } else {
      Result<parquet::WriterOptions> options = ParseOptions(words);
      Result<nlohmann::json> out =
          options.ok() ? Write(table, path, *options) : Result<nlohmann::json>(options.status());
      answer = out.ok() ? *out : nlohmann::json{{"error", out.status().ToString()}};
    }
    std::cout << answer.dump() << std::endl;
  }
  return 0;
}

}  // namespace
}  // namespace de

int main(int argc, char** argv) {
  std::string conninfo, table_name;
  CLI::App app{"The Parquet writer alone on a table loaded into memory (benchmarks)"};
  app.add_option("--conninfo", conninfo, "libpq connection string")->required();
  app.add_option("--table", table_name, "table to load")->required();
  CLI11_PARSE(app, argc, argv);
  if (!de::InitLogging(de::LogOptions{de::LogFormat::kHuman, "warn"}).ok()) return 1;
  const auto t0 = std::chrono::steady_clock::now();
  de::Result<de::Table> table = de::Load(conninfo, table_name);
  if (!table.ok()) {
    std::fprintf(stderr, "de-bench-writer: %s\n", table.status().ToString().c_str());
    return 1;
  }
  std::cout
      << nlohmann::json{{"loaded_rows", table->rows}, {"load_seconds", de::SecondsSince(t0)}}.dump()
      << std::endl;
  return de::Serve(*table);
}
