// Throughput of the Parquet writer on a "way-like" table (road segments): ids, timestamps, a
// low-cardinality source, doubles, a float, a nullable int32, a bool, a road name with ~5000
// distinct values and a GeoJSON LineString of 0.5-4 KB per row. The data is generated once,
// deterministically, before timing; files go to a sink that only counts bytes.
//
//   items_per_second   rows written per second
//   bytes_per_second   input (uncompressed columnar) bytes per second
//   file_bytes_per_row size of the output file per row
//
// Each iteration writes a new file: the 49152 rows once (one row group, all buffers fresh), or
// `passes` times (several row groups per file, buffers reused, as with 512 MB files).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "parquet/file_writer.h"
#include "policy/policy_applier.h"

namespace de::parquet {
namespace {

constexpr size_t kRowsPerBatch = 8192;
constexpr size_t kBatches = 6;

class CountingSink final : public OutputStream {
 public:
  Status Write(std::string_view bytes) override {
    position_ += bytes.size();
    return Status::Ok();
  }
  Status Close() override { return Status::Ok(); }
  void Abort() override {}
  uint64_t position() const override { return position_; }

 private:
  uint64_t position_ = 0;
};

Schema WaySchema() {
  return Schema{{{"way_id", DataType::Int64(), false},
                 {"updated_at", DataType::Timestamp(true), false},
                 {"source", DataType::String(), false},
                 {"length_m", DataType::Double()},
                 {"start_lat", DataType::Double()},
                 {"start_lon", DataType::Double()},
                 {"confidence", DataType::Float()},
                 {"lanes", DataType::Int32()},
                 {"oneway", DataType::Bool()},
                 {"road_name", DataType::String()},
                 {"geometry", DataType::Json()}}};
}

std::string RoadName(std::mt19937_64& rng) {
  static const char* kPrefixes[] = {"North", "South", "East",  "West",  "Old",
                                    "New",   "Upper", "Lower", "Great", "Little"};
  static const char* kNames[] = {"Collins",    "Flinders", "Bourke",   "Swanston",   "Elizabeth",
                                 "Spencer",    "King",     "William",  "Queen",      "Russell",
                                 "Exhibition", "Spring",   "Lonsdale", "Latrobe",    "Victoria",
                                 "Chapel",     "Punt",     "Toorak",   "Glenferrie", "Burke"};
  static const char* kKinds[] = {"Street", "Road",      "Avenue", "Highway",  "Lane",
                                 "Parade", "Boulevard", "Drive",  "Crescent", "Way"};
  const uint64_t n = rng() % 5000;  // ~5000 distinct names
  return std::string(kPrefixes[n % 10]) + " " + kNames[(n / 10) % 20] + " " +
         kKinds[(n / 200) % 10] + (n >= 2000 ? " " + std::to_string(n / 2000) : "");
}

void AppendLineString(std::mt19937_64& rng, std::string* out) {
  const int points = 20 + static_cast<int>(rng() % 140);  // ~0.5 to 4 KB
  double lon = 144.9 + static_cast<double>(rng() % 100000) / 1e6;
  double lat = -37.8 - static_cast<double>(rng() % 100000) / 1e6;
  out->assign("{\"type\":\"LineString\",\"coordinates\":[");
  char point[64];
  for (int i = 0; i < points; ++i) {
    lon += static_cast<double>(static_cast<int64_t>(rng() % 2001) - 1000) / 1e6;
    lat += static_cast<double>(static_cast<int64_t>(rng() % 2001) - 1000) / 1e6;
    std::snprintf(point, sizeof(point), "%s[%.7f,%.7f]", i == 0 ? "" : ",", lon, lat);
    out->append(point);
  }
  out->append("]}");
}

std::vector<Batch> MakeWayBatches() {
  static const char* kSources[] = {"FUSION", "HERE", "TOMTOM"};
  std::mt19937_64 rng(20240601);
  std::vector<Batch> batches;
  std::string geometry;
  int64_t way_id = 1'000'000'000;
  int64_t updated_at = 1'717'200'000'000'000;  // 2024-06-01 in microseconds
  for (size_t b = 0; b < kBatches; ++b) {
    Batch batch(WaySchema());
    for (size_t c = 0; c < batch.num_columns(); ++c) {
      batch.column(c).Reserve(kRowsPerBatch, c == 10 ? kRowsPerBatch * 2500 : kRowsPerBatch * 24);
    }
    for (size_t i = 0; i < kRowsPerBatch; ++i) {
      way_id += 1 + static_cast<int64_t>(rng() % 5);
      updated_at += static_cast<int64_t>(rng() % 2'000'000);
      batch.column(0).Append<int64_t>(way_id);
      batch.column(1).Append<int64_t>(updated_at);
      batch.column(2).AppendBytes(kSources[rng() % 3]);
      batch.column(3).Append<double>(static_cast<double>(rng() % 10'000'000) / 1000.0);
      batch.column(4).Append<double>(-37.8 - static_cast<double>(rng() % 1'000'000) / 1e6);
      batch.column(5).Append<double>(144.9 + static_cast<double>(rng() % 1'000'000) / 1e6);
      batch.column(6).Append<float>(static_cast<float>(rng() % 1000) / 1000.0f);
      if (rng() % 10 == 0) {
        batch.column(7).AppendNull();
      } else {
        batch.column(7).Append<int32_t>(1 + static_cast<int32_t>(rng() % 6));
      }
      batch.column(8).Append<uint8_t>(rng() % 4 == 0);
      batch.column(9).AppendBytes(RoadName(rng));
      AppendLineString(rng, &geometry);
      batch.column(10).AppendBytes(geometry);
    }
    if (!batch.FinishRows(kRowsPerBatch).ok()) std::abort();
    batches.push_back(std::move(batch));
  }
  return batches;
}

const std::vector<Batch>& WayBatches() {
  static const std::vector<Batch> batches = MakeWayBatches();
  return batches;
}

uint64_t InputBytes(const Batch& batch) {
  uint64_t bytes = 0;
  for (size_t c = 0; c < batch.num_columns(); ++c) {
    const ColumnVector& column = batch.column(c);
    bytes += column.type().is_variable_width()
                 ? column.arena_bytes()
                 : column.size() * static_cast<size_t>(column.type().byte_width());
  }
  return bytes;
}

// Times writing one file per iteration: `passes` times over the way batches, each turned into the
// batch to write by `prepare` (which may pause the timer for setup it does not want measured).
// Reports rows/s, input bytes/s and the file's bytes per row.
template <typename Prepare>
void TimeFiles(benchmark::State& state, const Schema& schema, const WriterOptions& options,
               int passes, Prepare prepare) {
  const std::vector<Batch>& batches = WayBatches();
  uint64_t rows = 0, input = 0, output = 0;
  for (auto _ : state) {
    CountingSink sink;
    auto writer = FileWriter::Open(schema, options, &sink);
    Status s = writer.status();
    for (int pass = 0; s.ok() && pass < passes; ++pass) {
      for (size_t b = 0; s.ok() && b < batches.size(); ++b) {
        Result<const Batch*> batch = prepare(batches[b]);
        s = batch.ok() ? (*writer)->Write(**batch) : batch.status();
        rows += batches[b].num_rows();
        input += InputBytes(batches[b]);
      }
    }
    if (s.ok()) s = (*writer)->Close();
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      return;
    }
    output = sink.position();
  }
  state.SetItemsProcessed(static_cast<int64_t>(rows));
  state.SetBytesProcessed(static_cast<int64_t>(input));
  state.counters["file_bytes_per_row"] =
      static_cast<double>(output) / static_cast<double>(kRowsPerBatch * kBatches * passes);
}

void BM_WriteWayTable(benchmark::State& state, Codec codec, bool dictionary, int passes) {
  WriterOptions options;
  options.codec = codec;
  options.dictionary = dictionary;
  TimeFiles(state, WaySchema(), options, passes,
            [](const Batch& batch) -> Result<const Batch*> { return &batch; });
}

BENCHMARK_CAPTURE(BM_WriteWayTable, snappy, Codec::kSnappy, true, 1)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_WriteWayTable, zstd, Codec::kZstd, true, 1)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_WriteWayTable, snappy_4_row_groups, Codec::kSnappy, true, 4)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_WriteWayTable, zstd_4_row_groups, Codec::kZstd, true, 4)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_WriteWayTable, uncompressed, Codec::kUncompressed, true, 1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_WriteWayTable, snappy_no_dictionary, Codec::kSnappy, false, 1)
    ->Unit(benchmark::kMillisecond);

// The demo policy's kind of rules on the way-like table: a source-dependent mx column, two
// rounded coordinates, the GeoJSON rounded by round_coords, the rest nr.
ExportPlan WayPlan() {
  TableSchema table{"way", {}};
  for (const Field& f : WaySchema().fields) {
    table.columns.push_back({f.name, f.type.ToString(), f.type, f.nullable});
  }
  PolicySnapshot policy;
  policy.version = 1;
  policy.export_tables = {{"way", true, "updated_at", "source", ""}};
  for (const Field& f : WaySchema().fields) {
    std::string code = "nr";
    std::string treatment;
    if (f.name == "length_m") code = "mx";
    if (f.name == "start_lat" || f.name == "start_lon") code = "hwc", treatment = "round:3";
    if (f.name == "geometry") code = "hwc", treatment = "round_coords:4";
    policy.columns.push_back({"way", f.name, code, treatment, false});
  }
  policy.sources = {{"FUSION", "nr"}, {"HERE", "de"}, {"TOMTOM", "hwc"}};
  auto plan = BuildExportPlan(policy.export_tables[0], table, policy);
  if (!plan.ok()) std::abort();
  return *plan;
}

// The same table through the policy engine and then the writer; the input batches are copied
// outside the timed region (the applier moves unchanged columns out of its input).
void BM_WriteWayTableWithPolicy(benchmark::State& state, Codec codec) {
  ExportPlan plan = WayPlan();
  auto applier = PolicyApplier::Create(plan, TreatmentContext{});
  if (!applier.ok()) std::abort();
  WriterOptions options;
  options.codec = codec;
  Batch in(plan.ScanSchema());
  Batch out(plan.OutputSchema());
  TimeFiles(state, plan.OutputSchema(), options, 1,
            [&](const Batch& batch) -> Result<const Batch*> {
              state.PauseTiming();
              in = batch;
              state.ResumeTiming();
              uint64_t dropped = 0;
              RETURN_IF_ERROR((*applier)->Apply(&in, &out, &dropped));
              return &out;
            });
}

BENCHMARK_CAPTURE(BM_WriteWayTableWithPolicy, snappy, Codec::kSnappy)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_WriteWayTableWithPolicy, zstd, Codec::kZstd)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace de::parquet

BENCHMARK_MAIN();
