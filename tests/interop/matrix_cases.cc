#include "tests/interop/matrix_cases.h"

#include <numeric>
#include <utility>

#include <fmt/format.h>

namespace de::interop {
namespace {

using parquet::Codec;
using parquet::WriterOptions;

constexpr Codec kCodecs[] = {Codec::kUncompressed, Codec::kSnappy, Codec::kGzip, Codec::kZstd};

struct NamedType {
  const char* name;
  DataType type;
};

// Every column type of the writer's mapping table, named for use in column names.
const std::vector<NamedType>& AllTypes() {
  static const std::vector<NamedType> kTypes = {
      {"bool", DataType::Bool()},
      {"int16", DataType::Int16()},
      {"int32", DataType::Int32()},
      {"int64", DataType::Int64()},
      {"float", DataType::Float()},
      {"double", DataType::Double()},
      {"decimal_5_2", DataType::Decimal(5, 2)},    // INT32
      {"decimal_15_4", DataType::Decimal(15, 4)},  // INT64
      {"decimal_30_6", DataType::Decimal(30, 6)},  // FIXED_LEN_BYTE_ARRAY
      {"string", DataType::String()},
      {"json", DataType::Json()},
      {"binary", DataType::Binary()},
      {"date", DataType::Date()},
      {"timestamp", DataType::Timestamp(false)},
      {"timestamptz", DataType::Timestamp(true)},
      {"uuid", DataType::Uuid()},
  };
  return kTypes;
}

ColumnSpec Column(const NamedType& t, bool nullable, ValueProfile profile) {
  return {Field{fmt::format("{}_{}", t.name, nullable ? "opt" : "req"), t.type, nullable}, profile};
}

// Every type, REQUIRED and OPTIONAL, all with `profile` (REQUIRED columns of kAllNull are left
// out).
std::vector<ColumnSpec> AllColumns(ValueProfile profile) {
  std::vector<ColumnSpec> columns;
  for (bool nullable : {false, true}) {
    if (!nullable && profile == ValueProfile::kAllNull) continue;
    for (const NamedType& t : AllTypes()) columns.push_back(Column(t, nullable, profile));
  }
  return columns;
}

// Only the byte-array types (string, json, binary), REQUIRED and OPTIONAL.
std::vector<ColumnSpec> ByteArrayColumns(ValueProfile profile) {
  std::vector<ColumnSpec> columns;
  for (bool nullable : {false, true}) {
    for (const NamedType& t : AllTypes()) {
      if (t.type.is_variable_width()) columns.push_back(Column(t, nullable, profile));
    }
  }
  return columns;
}

WriterOptions Options(Codec codec, bool dictionary) {
  WriterOptions options;
  options.codec = codec;
  options.dictionary = dictionary;
  options.created_by = "data-exporter interop-matrix";
  options.key_value_metadata = {{"de.interop.generator", "parquet_matrix"},
                                {"de.interop.note", "ünïcode ✓ 😀"},
                                {"de.interop.empty", ""}};
  return options;
}

// A bloom filter on every column that can have one (all but the booleans).
void WithBloomFilters(MatrixCase& c, double fpp) {
  for (const ColumnSpec& column : c.columns) {
    if (column.field.type.id != TypeId::kBool) {
      c.options.bloom_filter_columns.push_back(column.field.name);
    }
  }
  c.options.bloom_filter_fpp = fpp;
}

std::vector<size_t> Batches(size_t batch, size_t count) {
  return std::vector<size_t>(count, batch);
}

const char* EncodingName(bool dictionary) { return dictionary ? "dict" : "plain"; }

// Every type x REQUIRED/OPTIONAL x PLAIN/dictionary x every codec, in batches of uneven size.
void AddTypeMatrix(std::vector<MatrixCase>& cases) {
  for (bool dictionary : {false, true}) {
    for (Codec codec : kCodecs) {
      MatrixCase c;
      c.name = fmt::format("matrix_{}_{}", EncodingName(dictionary), parquet::CodecName(codec));
      c.description = "every type, REQUIRED and OPTIONAL, typical values, uneven batches";
      c.columns = AllColumns(ValueProfile::kTypical);
      c.options = Options(codec, dictionary);
      c.batch_rows = {1, 0, 255, 344};
      c.dictionary_use = dictionary ? DictionaryUse::kEveryChunk : DictionaryUse::kNone;
      cases.push_back(std::move(c));
    }
  }
}

void AddEdgeCases(std::vector<MatrixCase>& cases) {
  for (bool dictionary : {false, true}) {
    MatrixCase edge;
    edge.name = fmt::format("edge_values_{}", EncodingName(dictionary));
    edge.description = "limits of each type, NaN/infinities/-0, empty and non-ASCII strings";
    edge.columns = AllColumns(ValueProfile::kEdge);
    for (const char* name : {"float", "double"}) {
      NamedType t{name, name[0] == 'f' ? DataType::Float() : DataType::Double()};
      ColumnSpec nan_only = Column(t, true, ValueProfile::kNaN);
      nan_only.field.name = fmt::format("{}_nan_only", name);
      edge.columns.push_back(std::move(nan_only));
    }
    edge.options = Options(dictionary ? Codec::kZstd : Codec::kUncompressed, dictionary);
    edge.batch_rows = {40, 40, 40};
    WithBloomFilters(edge, 0.01);
    cases.push_back(std::move(edge));

    MatrixCase all_null;
    all_null.name = fmt::format("all_null_{}", EncodingName(dictionary));
    all_null.description = "every OPTIONAL type, NULL on every row";
    all_null.columns = AllColumns(ValueProfile::kAllNull);
    all_null.options = Options(dictionary ? Codec::kSnappy : Codec::kGzip, dictionary);
    all_null.batch_rows = {100, 100};
    WithBloomFilters(all_null, 0.01);  // filters of no value
    cases.push_back(std::move(all_null));

    MatrixCase long_text;
    long_text.name = fmt::format("long_strings_{}", EncodingName(dictionary));
    long_text.description = "string/json/binary values over 64 KiB (statistics truncation)";
    long_text.columns = ByteArrayColumns(ValueProfile::kLongText);
    long_text.options = Options(dictionary ? Codec::kSnappy : Codec::kZstd, dictionary);
    long_text.batch_rows = {5, 7};
    cases.push_back(std::move(long_text));
  }
}

void AddSizeCases(std::vector<MatrixCase>& cases) {
  MatrixCase empty;
  empty.name = "zero_rows";
  empty.description = "every type, no rows at all";
  empty.columns = AllColumns(ValueProfile::kTypical);
  empty.options = Options(Codec::kSnappy, true);
  empty.batch_rows = {0};
  cases.push_back(std::move(empty));

  MatrixCase one;
  one.name = "one_row";
  one.description = "every type, a single row; default created_by, no key-value metadata";
  one.columns = AllColumns(ValueProfile::kTypical);
  one.options.codec = Codec::kZstd;  // every other option at its default
  one.batch_rows = {1};
  cases.push_back(std::move(one));
}

void AddLayoutCases(std::vector<MatrixCase>& cases) {
  MatrixCase fallback;
  fallback.name = "dictionary_fallback";
  fallback.description =
      "4 repeated values, then distinct ones, and a 1 KiB dictionary page limit: dictionary "
      "pages, then PLAIN";
  fallback.columns = AllColumns(ValueProfile::kRepeatThenDistinct);
  fallback.options = Options(Codec::kSnappy, true);
  fallback.options.dictionary_page_limit = 1024;
  fallback.batch_rows = Batches(500, 4);
  fallback.dictionary_use = DictionaryUse::kFallback;
  WithBloomFilters(fallback, 0.05);
  cases.push_back(std::move(fallback));

  MatrixCase row_groups;
  row_groups.name = "row_groups";
  row_groups.description = "row_group_rows = 100: eleven row groups, the last one partial";
  row_groups.columns = AllColumns(ValueProfile::kTypical);
  row_groups.options = Options(Codec::kGzip, true);
  row_groups.options.compression_level = 9;
  row_groups.options.row_group_rows = 100;
  row_groups.batch_rows = Batches(50, 21);
  row_groups.dictionary_use = DictionaryUse::kEveryChunk;
  WithBloomFilters(row_groups, 0.01);
  cases.push_back(std::move(row_groups));

  MatrixCase no_index = cases.back();
  no_index.name = "no_page_index";
  no_index.description = "row_groups without the page index and bloom filters";
  no_index.options.page_index = false;
  no_index.options.bloom_filter_columns.clear();
  cases.push_back(std::move(no_index));

  for (bool dictionary : {false, true}) {
    MatrixCase pages;
    pages.name = fmt::format("data_pages_{}", EncodingName(dictionary));
    pages.description = "data_page_size = 256 bytes: several data (or dictionary index) pages";
    // Few values keep the dictionary worth it, so every chunk has several index pages.
    pages.columns = AllColumns(dictionary ? ValueProfile::kFewValues : ValueProfile::kTypical);
    pages.dictionary_use = DictionaryUse::kEveryChunk;
    pages.options = Options(Codec::kZstd, dictionary);
    pages.options.compression_level = 19;
    pages.options.data_page_size = 256;
    pages.batch_rows = Batches(1000, 4);
    pages.min_data_pages = 2;
    pages.options.threads = 3;  // pages compressed by two workers
    WithBloomFilters(pages, 0.001);
    cases.push_back(std::move(pages));
  }

  MatrixCase rotation;
  rotation.name = "rotation";
  rotation.description = "RotatingFileWriter with max_file_bytes = 24 KiB, batches of 100 rows";
  rotation.columns = AllColumns(ValueProfile::kTypical);
  rotation.options = Options(Codec::kSnappy, true);
  rotation.batch_rows = Batches(100, 20);
  rotation.max_file_bytes = 24 * 1024;
  rotation.dictionary_use = DictionaryUse::kEveryChunk;
  cases.push_back(std::move(rotation));

  MatrixCase rotation_empty = cases.back();
  rotation_empty.name = "rotation_empty";
  rotation_empty.description = "RotatingFileWriter given no rows still writes one file";
  rotation_empty.batch_rows = {};
  cases.push_back(std::move(rotation_empty));
}

}  // namespace

std::string_view DictionaryUseName(DictionaryUse use) {
  switch (use) {
    case DictionaryUse::kNone:
      return "none";
    case DictionaryUse::kAny:
      return "any";
    case DictionaryUse::kEveryChunk:
      return "every_chunk";
    case DictionaryUse::kFallback:
      return "fallback";
  }
  return "any";
}

size_t MatrixCase::total_rows() const {
  return std::accumulate(batch_rows.begin(), batch_rows.end(), size_t{0});
}

std::vector<MatrixCase> MatrixCases() {
  std::vector<MatrixCase> cases;
  AddTypeMatrix(cases);
  AddEdgeCases(cases);
  AddSizeCases(cases);
  AddLayoutCases(cases);
  for (MatrixCase& c : cases) {
    if (!c.options.dictionary) c.dictionary_use = DictionaryUse::kNone;
  }
  return cases;
}

}  // namespace de::interop
