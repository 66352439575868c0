// Column chunk statistics: min/max accumulators in the sort order of each type (ColumnOrder
// TYPE_ORDER in parquet.thrift) and their PLAIN encoding into format::Statistics.
//
//   signed integers, dates, timestamps, decimals   signed comparison of the value
//   FLOAT / DOUBLE     numeric comparison; NaN is left out of min/max and counted in nan_count;
//                      a zero min is written as -0.0 and a zero max as +0.0
//   BOOLEAN            false < true
//   BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY (UUID)   unsigned byte-wise (lexicographic) comparison;
//                      long byte arrays are truncated to bounds (see TruncateMin/TruncateMax)
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "parquet/format.h"

namespace de::parquet {

// Min/max of integers (signed or unsigned, up to 128 bits) in their natural order.
template <typename T>
class IntegerMinMax {
 public:
  void Update(T v) { Update(&v, 1); }
  void Update(const T* values, size_t count) {
    if (count == 0) return;
    if (!has_value_) {
      min_ = max_ = values[0];
      has_value_ = true;
    }
    T lo = min_, hi = max_;
    for (size_t i = 0; i < count; ++i) {
      lo = values[i] < lo ? values[i] : lo;
      hi = values[i] > hi ? values[i] : hi;
    }
    min_ = lo;
    max_ = hi;
  }
  bool has_value() const { return has_value_; }
  T min() const { return min_; }
  T max() const { return max_; }
  void Reset() { has_value_ = false; }

 private:
  T min_{};
  T max_{};
  bool has_value_ = false;
};

// Min/max of floats or doubles over non-NaN values, plus the NaN count.
template <typename T>
class FloatMinMax {
 public:
  // Bounds and NaN count over `count` values.
  void Update(const T* values, size_t count) {
    T lo = min_, hi = max_;
    int64_t nans = 0;
    for (size_t i = 0; i < count; ++i) {
      const T v = values[i];
      nans += v != v;
      lo = v < lo ? v : lo;  // false for NaN
      hi = v > hi ? v : hi;
    }
    min_ = lo;
    max_ = hi;
    nan_count_ += nans;
    has_value_ |= static_cast<int64_t>(count) > nans;
  }
  void Update(T v) { Update(&v, 1); }
  // Bounds only: for a dictionary entry, whose occurrences are counted by CountNaN.
  void UpdateBounds(T v) {
    if (v != v) return;
    min_ = v < min_ ? v : min_;
    max_ = v > max_ ? v : max_;
    has_value_ = true;
  }
  // NaN count only.
  void CountNaN(const T* values, size_t count) {
    int64_t nans = 0;
    for (size_t i = 0; i < count; ++i) nans += values[i] != values[i];
    nan_count_ += nans;
  }
  bool has_value() const { return has_value_; }
  // The -0.0 / +0.0 rule: a zero min is -0.0, a zero max is +0.0.
  T min() const { return min_ == 0 ? -T{0} : min_; }
  T max() const { return max_ == 0 ? T{0} : max_; }
  int64_t nan_count() const { return nan_count_; }
  void Reset() { *this = FloatMinMax(); }

 private:
  T min_ = std::numeric_limits<T>::infinity();
  T max_ = -std::numeric_limits<T>::infinity();
  int64_t nan_count_ = 0;
  bool has_value_ = false;
};

// Min/max of byte strings in unsigned byte-wise order. Keeps copies of the current bounds.
class BytesMinMax {
 public:
  void Update(std::string_view v) { Update(v, v); }
  // Merges a batch's own min and max (min <= max).
  void Update(std::string_view min, std::string_view max) {
    if (!has_value_ || min < std::string_view(min_)) min_.assign(min);
    if (!has_value_ || max > std::string_view(max_)) max_.assign(max);
    has_value_ = true;
  }
  bool has_value() const { return has_value_; }
  const std::string& min() const { return min_; }
  const std::string& max() const { return max_; }
  void Reset() {
    has_value_ = false;
    min_.clear();
    max_.clear();
  }

 private:
  std::string min_;
  std::string max_;
  bool has_value_ = false;
};

// A lower bound of `value` at most `limit` bytes long: a prefix, cut at a character boundary
// when `utf8` so the bound stays valid UTF-8.
std::string TruncateMin(std::string_view value, size_t limit, bool utf8);

// An upper bound of `value` at most `limit` bytes long: a prefix whose last byte (or, when
// `utf8`, last character) is incremented, dropping trailing 0xFF bytes (or U+10FFFF) first.
// nullopt when no such bound exists (the prefix is all 0xFF, or limit is 0).
std::optional<std::string> TruncateMax(std::string_view value, size_t limit, bool utf8);

// The little-endian PLAIN bytes of a fixed-width value.
template <typename T>
std::string PlainBytes(T value) {
  std::string out(sizeof(T), '\0');
  std::memcpy(out.data(), &value, sizeof(T));
  return out;
}

// The `width` low bytes of a two's complement value, big-endian (FIXED_LEN_BYTE_ARRAY decimals).
std::string BigEndianBytes(__int128 value, int width);

// Sets min/max of byte-array statistics, truncating values longer than `limit` bytes and
// marking truncated bounds as inexact.
void SetByteArrayBounds(const BytesMinMax& bounds, size_t limit, bool utf8,
                        format::Statistics* stats);

// Sets exact min/max.
inline void SetExactBounds(std::string min, std::string max, format::Statistics* stats) {
  stats->min_value = std::move(min);
  stats->max_value = std::move(max);
  stats->is_min_value_exact = true;
  stats->is_max_value_exact = true;
}

}  // namespace de::parquet
