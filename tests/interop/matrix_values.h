// Deterministic column values for the Parquet interop matrix.
//
// Every value comes from a fixed-seed SplitMix64 generator, so two runs of the matrix produce the
// same batches (and, the writer being deterministic, the same files).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "columnar/column_vector.h"
#include "columnar/data_type.h"

namespace de::interop {

// How the values of one column are chosen.
enum class ValueProfile {
  kTypical,    // mostly from a small per-column pool (dictionary-friendly), some random; ~1/7 NULL
  kEdge,       // cycles through the type's edge values: limits, NaN, infinities, empty, non-ASCII
  kDistinct,   // a different value on every row (defeats the dictionary); bool stays typical
  kFewValues,  // 4 different values in runs of 8 (a dictionary pays off from the first rows)
  // kFewValues for the first 400 rows, then kDistinct: a dictionary proves itself on the first
  // page, then outgrows a small dictionary_page_limit.
  kRepeatThenDistinct,
  kLongText,  // byte arrays: every third value is longer than 64 KiB; other types typical
  kAllNull,   // NULL on every row (a REQUIRED field gets typical values)
  kNaN,       // float and double only: NaN on every non-NULL row
};

// SplitMix64: tiny, fast and identical on every platform.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  // Seeds from a name (FNV-1a), so a column's values depend only on its case and name.
  static Rng ForName(std::string_view name);

  uint64_t Next();
  // Uniform in [0, n); precondition: n > 0.
  uint64_t Below(uint64_t n) { return Next() % n; }
  bool OneIn(uint64_t n) { return Below(n) == 0; }

 private:
  uint64_t state_;
};

// Appends `rows` values (rows first_row .. first_row + rows - 1 of the column) of `field`'s type
// to `column`. A REQUIRED field never gets a NULL. Consumes `rng` the same way however the rows
// are split into calls.
void AppendValues(const Field& field, ValueProfile profile, uint64_t first_row, size_t rows,
                  Rng& rng, ColumnVector& column);

}  // namespace de::interop
