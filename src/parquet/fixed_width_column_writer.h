// The column writer for fixed-width values: INT32 (int16, int32, date, decimal <= 9 digits),
// INT64 (int64, timestamp, decimal <= 18 digits), FLOAT, DOUBLE and FIXED_LEN_BYTE_ARRAY (uuid,
// decimal > 18 digits). One template, parameterised by a Traits type that says how a value is
// stored in the ColumnVector, PLAIN-encoded and ordered for statistics:
//
//   using Source   the value type in the ColumnVector
//   using Stats    the min/max accumulator
//   size_t width() const                          PLAIN bytes per value
//   void Encode(const Source*, size_t n, uint8_t* out) const
//   Status Check(const Source*, size_t n) const   reject values the physical type cannot hold
//   static void UpdateStats(Stats&, const Source*, size_t n)       every PLAIN-encoded value
//   static void UpdateStatsForEntry(Stats&, const Source&)         each new dictionary entry
//   static void UpdateStatsForIndexed(Stats&, const Source*, size_t n)
//                                                  every dictionary-encoded value (NaN counts)
//   void FillStatistics(const Stats&, format::Statistics*) const
//   static int CompareBounds(std::string_view a, std::string_view b)   two FillStatistics bounds
#pragma once

#include <algorithm>
#include <bit>
#include <cstring>
#include <type_traits>

#include "parquet/bit_util.h"
#include "parquet/column_writer.h"
#include "parquet/dictionary.h"
#include "parquet/statistics.h"
#include "parquet/xxhash64.h"

namespace de::parquet {

template <size_t kBytes>
struct UnsignedOfSize;
template <>
struct UnsignedOfSize<2> {
  using Type = uint16_t;
};
template <>
struct UnsignedOfSize<4> {
  using Type = uint32_t;
};
template <>
struct UnsignedOfSize<8> {
  using Type = uint64_t;
};
template <>
struct UnsignedOfSize<16> {
  using Type = unsigned __int128;
};

template <typename Traits>
class FixedWidthColumnWriter final : public DictionaryColumnWriter {
  using Source = typename Traits::Source;
  using Key = typename UnsignedOfSize<sizeof(Source)>::Type;

 public:
  FixedWidthColumnWriter(const ColumnDescriptor& descriptor, const WriterOptions& options,
                         PageCompression compression, Traits traits)
      : DictionaryColumnWriter(descriptor, options, compression), traits_(traits) {}

  Status Append(const ColumnVector& column, size_t offset, size_t count) override {
    while (count > 0) {
      size_t rows = RowsUntilPageFull(count, traits_.width());
      const Source* values = nullptr;
      const size_t n = Gather(column, offset, rows, &values);
      RETURN_IF_ERROR(traits_.Check(values, n));
      if (dictionary_active_) {
        const size_t encoded = EncodeIndices(values, n);
        Traits::UpdateStatsForIndexed(stats_, values, encoded);
        if (page_index()) Traits::UpdateStats(page_stats_, values, encoded);
        const bool full = encoded < n;
        if (full) rows = RowsHolding(column, offset, rows, encoded);
        AppendRows(column, offset, rows);
        if (full) RETURN_IF_ERROR(FallBackToPlain());
      } else {
        uint8_t* plain = values_.Extend(n * traits_.width());
        traits_.Encode(values, n, plain);
        Traits::UpdateStats(stats_, values, n);
        if (page_index()) Traits::UpdateStats(page_stats_, values, n);
        if (bloom() != nullptr) HashPlain(plain, n);
        AppendRows(column, offset, rows);
      }
      RETURN_IF_ERROR(FlushPageIfFull());
      offset += rows;
      count -= rows;
    }
    return Status::Ok();
  }

 protected:
  void FillStatistics(format::Statistics* stats) const override {
    traits_.FillStatistics(stats_, stats);
  }
  void ResetChunk() override {
    DictionaryColumnWriter::ResetChunk();
    stats_.Reset();
  }
  bool TakePageBounds(std::string* min, std::string* max) override {
    format::Statistics bounds;
    traits_.FillStatistics(page_stats_, &bounds);
    page_stats_.Reset();
    if (!bounds.min_value || !bounds.max_value) return false;
    *min = std::move(*bounds.min_value);
    *max = std::move(*bounds.max_value);
    return true;
  }
  int CompareBounds(std::string_view a, std::string_view b) const override {
    return Traits::CompareBounds(a, b);
  }
  size_t DictionaryEntries() const override { return dictionary_.size(); }
  size_t DictionaryBytes() const override { return dictionary_.size() * traits_.width(); }
  std::string_view DictionaryPlain() override {
    Source* entries = DictionaryValues(dictionary_.size());
    for (size_t i = 0; i < dictionary_.size(); ++i) {
      std::memcpy(&entries[i], &dictionary_.keys()[i], sizeof(Source));
    }
    dictionary_plain_.Clear();
    traits_.Encode(entries, dictionary_.size(),
                   dictionary_plain_.Extend(dictionary_.size() * traits_.width()));
    return dictionary_plain_.view();
  }
  void ClearDictionary() override { dictionary_.Clear(); }
  void DecodeIndices(const uint32_t* indices, size_t count, ByteBuffer* out) override {
    Source* dense = DictionaryValues(count);
    const Key* keys = dictionary_.keys();
    for (size_t i = 0; i < count; ++i) std::memcpy(&dense[i], &keys[indices[i]], sizeof(Source));
    traits_.Encode(dense, count, out->Extend(count * traits_.width()));
  }

 private:
  Source* Staging(size_t count) {
    staging_.Resize(count * sizeof(Source));
    return reinterpret_cast<Source*>(staging_.data());
  }
  Source* DictionaryValues(size_t count) {
    dictionary_values_.Resize(count * sizeof(Source));
    return reinterpret_cast<Source*>(dictionary_values_.data());
  }

  // Points `*values` at the non-NULL values of rows [offset, offset + rows), copying them into
  // a dense staging array if the column has NULLs; returns their number.
  size_t Gather(const ColumnVector& column, size_t offset, size_t rows, const Source** values) {
    const Source* all = column.values<Source>();
    if (column.null_count() == 0) {
      *values = all + offset;
      return rows;
    }
    Source* dense = Staging(rows);
    const uint8_t* validity = column.validity();
    size_t n = 0;
    for (size_t row = offset; row < offset + rows; ++row) {
      dense[n] = all[row];
      n += GetBit(validity, row);
    }
    *values = dense;
    return n;
  }

  // Adds the hashes of `n` PLAIN-encoded values to the bloom filter.
  void HashPlain(const uint8_t* plain, size_t n) {
    const size_t width = traits_.width();
    for (size_t i = 0; i < n; ++i) bloom()->Add(XxHash64(plain + i * width, width));
  }

  // Rows of [offset, offset + rows) before the value with index `values` among non-NULL ones.
  static size_t RowsHolding(const ColumnVector& column, size_t offset, size_t rows, size_t values) {
    if (column.null_count() == 0) return values;
    return FindNthSetBit(column.validity(), offset, rows, values);
  }

  // Appends dictionary indices for `values`; stops before the first value whose new entry
  // would pass dictionary_page_limit. Returns how many values were encoded.
  size_t EncodeIndices(const Source* values, size_t n) {
    uint32_t* out = AppendIndices(n);
    const size_t width = traits_.width();
    const size_t max_entries = options_.dictionary_page_limit / width;
    for (size_t i = 0; i < n; ++i) {
      Key key;
      std::memcpy(&key, &values[i], sizeof(Key));
      typename FixedDictionary<Key>::Slot slot;
      int64_t index = dictionary_.Find(key, &slot);
      if (index < 0) {
        if (dictionary_.size() >= max_entries) {
          TrimIndices(index_count() - (n - i));
          page_plain_bytes_ += i * width;
          return i;
        }
        index = dictionary_.Insert(key, slot);
        Traits::UpdateStatsForEntry(stats_, values[i]);
        if (bloom() != nullptr) {
          uint8_t plain[16];  // the widest PLAIN value
          traits_.Encode(&values[i], 1, plain);
          HashPlain(plain, 1);
        }
      }
      out[i] = static_cast<uint32_t>(index);
    }
    page_plain_bytes_ += n * width;
    return n;
  }

  Traits traits_;
  typename Traits::Stats stats_;
  typename Traits::Stats page_stats_;  // of the open page, for the page index
  FixedDictionary<Key> dictionary_;
  ByteBuffer dictionary_plain_;
  ByteBuffer staging_;            // dense non-NULL values of the rows being appended
  ByteBuffer dictionary_values_;  // entries or decoded indices as Source values
};

// ---- Traits ----

// Compares two PLAIN-encoded (little-endian) values of type T.
template <typename T>
int ComparePlain(std::string_view a, std::string_view b) {
  T x, y;
  std::memcpy(&x, a.data(), sizeof(T));
  std::memcpy(&y, b.data(), sizeof(T));
  return x < y ? -1 : (y < x ? 1 : 0);
}

// Integers, dates, timestamps: stored as the physical int32/int64 (int16 widened).
template <typename S, typename P>
struct IntegerTraits {
  using Source = S;
  using Stats = IntegerMinMax<S>;

  size_t width() const { return sizeof(P); }
  void Encode(const S* values, size_t n, uint8_t* out) const {
    if constexpr (sizeof(S) == sizeof(P)) {
      if (n != 0) std::memcpy(out, values, n * sizeof(P));
    } else {
      for (size_t i = 0; i < n; ++i) {
        const P widened = values[i];
        std::memcpy(out + i * sizeof(P), &widened, sizeof(P));
      }
    }
  }
  Status Check(const S*, size_t) const { return Status::Ok(); }
  static void UpdateStats(Stats& stats, const S* values, size_t n) { stats.Update(values, n); }
  static void UpdateStatsForEntry(Stats& stats, const S& value) { stats.Update(value); }
  static void UpdateStatsForIndexed(Stats&, const S*, size_t) {}
  void FillStatistics(const Stats& stats, format::Statistics* out) const {
    if (!stats.has_value()) return;
    SetExactBounds(PlainBytes<P>(static_cast<P>(stats.min())),
                   PlainBytes<P>(static_cast<P>(stats.max())), out);
  }
  static int CompareBounds(std::string_view a, std::string_view b) { return ComparePlain<P>(a, b); }
};

// Returns kDataLoss unless every value's magnitude is below 10^precision.
template <typename S>
Status CheckDecimalRange(const S* values, size_t n, int precision) {
  S limit = 1;
  for (int i = 0; i < precision; ++i) limit *= 10;
  bool bad = false;
  for (size_t i = 0; i < n; ++i) bad |= (values[i] >= limit) | (values[i] <= -limit);
  if (!bad) return Status::Ok();
  return DataLoss("a decimal value has more than {} digits", precision);
}

// DECIMAL with precision <= 18: unscaled int64, written as INT32 (<= 9 digits) or INT64.
template <typename P>
struct Decimal64Traits : IntegerTraits<int64_t, P> {
  explicit Decimal64Traits(int precision) : precision(precision) {}
  void Encode(const int64_t* values, size_t n, uint8_t* out) const {
    for (size_t i = 0; i < n; ++i) {
      const auto narrowed = static_cast<P>(values[i]);  // Check() ran first
      std::memcpy(out + i * sizeof(P), &narrowed, sizeof(P));
    }
  }
  Status Check(const int64_t* values, size_t n) const {
    return CheckDecimalRange(values, n, precision);
  }
  int precision;
};

template <typename T>
struct FloatTraits {
  using Source = T;
  using Stats = FloatMinMax<T>;

  size_t width() const { return sizeof(T); }
  void Encode(const T* values, size_t n, uint8_t* out) const {
    if (n != 0) std::memcpy(out, values, n * sizeof(T));
  }
  Status Check(const T*, size_t) const { return Status::Ok(); }
  static void UpdateStats(Stats& stats, const T* values, size_t n) { stats.Update(values, n); }
  static void UpdateStatsForEntry(Stats& stats, const T& value) { stats.UpdateBounds(value); }
  static void UpdateStatsForIndexed(Stats& stats, const T* values, size_t n) {
    stats.CountNaN(values, n);
  }
  void FillStatistics(const Stats& stats, format::Statistics* out) const {
    out->nan_count = stats.nan_count();
    if (stats.has_value()) SetExactBounds(PlainBytes(stats.min()), PlainBytes(stats.max()), out);
  }
  static int CompareBounds(std::string_view a, std::string_view b) { return ComparePlain<T>(a, b); }
};

// DECIMAL with precision > 18: unscaled __int128, written as a big-endian two's complement
// FIXED_LEN_BYTE_ARRAY of DecimalByteWidth(precision) bytes.
struct Decimal128Traits {
  using Source = __int128;
  using Stats = IntegerMinMax<__int128>;

  size_t width() const { return static_cast<size_t>(bytes); }
  void Encode(const __int128* values, size_t n, uint8_t* out) const {
    for (size_t i = 0; i < n; ++i) {
      auto v = static_cast<unsigned __int128>(values[i]);
      for (int b = bytes - 1; b >= 0; --b) {
        out[b] = static_cast<uint8_t>(v);
        v >>= 8;
      }
      out += bytes;
    }
  }
  Status Check(const __int128* values, size_t n) const {
    return CheckDecimalRange(values, n, precision);
  }
  static void UpdateStats(Stats& stats, const __int128* values, size_t n) {
    stats.Update(values, n);
  }
  static void UpdateStatsForEntry(Stats& stats, const __int128& value) { stats.Update(value); }
  static void UpdateStatsForIndexed(Stats&, const __int128*, size_t) {}
  void FillStatistics(const Stats& stats, format::Statistics* out) const {
    if (!stats.has_value()) return;
    SetExactBounds(BigEndianBytes(stats.min(), bytes), BigEndianBytes(stats.max(), bytes), out);
  }
  // Big-endian two's complement of equal widths: the sign byte signed, the rest unsigned.
  static int CompareBounds(std::string_view a, std::string_view b) {
    const auto sign_a = static_cast<int8_t>(a[0]), sign_b = static_cast<int8_t>(b[0]);
    if (sign_a != sign_b) return sign_a < sign_b ? -1 : 1;
    return a.substr(1).compare(b.substr(1));
  }
  int bytes;
  int precision;
};

// UUID: 16 raw bytes as FIXED_LEN_BYTE_ARRAY(16), ordered byte-wise (unsigned).
struct UuidTraits {
  struct Source {
    uint8_t bytes[16];
  };
  using Stats = IntegerMinMax<unsigned __int128>;  // the bytes read big-endian

  size_t width() const { return 16; }
  void Encode(const Source* values, size_t n, uint8_t* out) const {
    if (n != 0) std::memcpy(out, values, n * 16);
  }
  Status Check(const Source*, size_t) const { return Status::Ok(); }
  static void UpdateStats(Stats& stats, const Source* values, size_t n) {
    for (size_t i = 0; i < n; ++i) {
      unsigned __int128 v = 0;
      for (uint8_t byte : values[i].bytes) v = (v << 8) | byte;
      stats.Update(v);
    }
  }
  static void UpdateStatsForEntry(Stats& stats, const Source& value) {
    UpdateStats(stats, &value, 1);
  }
  static void UpdateStatsForIndexed(Stats&, const Source*, size_t) {}
  void FillStatistics(const Stats& stats, format::Statistics* out) const {
    if (!stats.has_value()) return;
    SetExactBounds(BigEndianBytes(static_cast<__int128>(stats.min()), 16),
                   BigEndianBytes(static_cast<__int128>(stats.max()), 16), out);
  }
  static int CompareBounds(std::string_view a, std::string_view b) { return a.compare(b); }
};

}  // namespace de::parquet
