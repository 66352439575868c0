// The cases of the Parquet interop matrix: which files parquet_matrix writes and how.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "columnar/data_type.h"
#include "parquet/file_writer.h"
#include "tests/interop/matrix_values.h"

namespace de::interop {

struct ColumnSpec {
  Field field;
  ValueProfile profile = ValueProfile::kTypical;
};

// Which column chunks of non-boolean columns holding a value must be dictionary-encoded. The
// writer may give a dictionary up when its first page is no smaller than PLAIN, so only cases
// whose values repeat enough expect it in every chunk.
enum class DictionaryUse {
  kNone,        // no chunk has a dictionary page (options.dictionary = false)
  kAny,         // dictionary-encoded or PLAIN, chunk by chunk
  kEveryChunk,  // every chunk starts with a dictionary page
  kFallback,    // every chunk has RLE_DICTIONARY pages, then PLAIN pages
};

// One Parquet file (or one set of files, with max_file_bytes) and the way it is written.
struct MatrixCase {
  // File stem: NAME.parquet, or NAME_000.parquet, NAME_001.parquet ... with max_file_bytes.
  std::string name;
  std::string description;
  std::vector<ColumnSpec> columns;
  parquet::WriterOptions options;
  // Rows of each FileWriter::Write call, in order; a 0 writes an empty batch.
  std::vector<size_t> batch_rows;
  // > 0: written with RotatingFileWriter and this max_file_bytes.
  uint64_t max_file_bytes = 0;
  // How the dictionary must show in the file (with options.dictionary = false: kNone).
  DictionaryUse dictionary_use = DictionaryUse::kAny;
  // Every column chunk holding at least one value must have at least this many data pages.
  int min_data_pages = 1;

  size_t total_rows() const;
};

// "none", "any", "every_chunk", "fallback": the spelling in NAME.expected.json.
std::string_view DictionaryUseName(DictionaryUse use);

// Every case, in a fixed order. Case names are unique.
std::vector<MatrixCase> MatrixCases();

}  // namespace de::interop
