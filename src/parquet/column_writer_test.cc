#include "parquet/column_writer.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstring>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "parquet/test_parquet_reader.h"

namespace de::parquet {
namespace {

using testing::ReadColumnChunk;
using testing::ReadFooter;
using testing::Value;
using testing::WriteParquet;

template <typename T>
std::string LittleEndian(T v) {
  std::string s(sizeof(T), '\0');
  std::memcpy(s.data(), &v, sizeof(T));
  return s;
}

std::string BigEndian(__int128 v, int width) {
  std::string s(static_cast<size_t>(width), '\0');
  for (int i = width - 1; i >= 0; --i, v >>= 8) s[static_cast<size_t>(i)] = static_cast<char>(v);
  return s;
}

// ---- One case per type family: how to make, append and PLAIN-encode a value ----

template <typename V, typename Physical = V>
struct IntegerCase {
  using T = V;
  static T Random(std::mt19937_64& rng) { return static_cast<T>(rng()); }
  static void Append(ColumnVector& c, T v) { c.Append<T>(v); }
  static std::string Plain(T v) { return LittleEndian<Physical>(v); }
  static bool Skip(T) { return false; }
};
struct Int16Case : IntegerCase<int16_t, int32_t> {
  static DataType Type() { return DataType::Int16(); }
};
struct Int32Case : IntegerCase<int32_t> {
  static DataType Type() { return DataType::Int32(); }
};
struct Int64Case : IntegerCase<int64_t> {
  static DataType Type() { return DataType::Int64(); }
};
struct DateCase : IntegerCase<int32_t> {
  static DataType Type() { return DataType::Date(); }
};
struct TimestampCase : IntegerCase<int64_t> {
  static DataType Type() { return DataType::Timestamp(true); }
};

template <int kPrecision, typename Physical>
struct Decimal64Case : IntegerCase<int64_t, Physical> {
  static DataType Type() { return DataType::Decimal(kPrecision, 2); }
  static int64_t Random(std::mt19937_64& rng) {
    int64_t limit = 1;
    for (int i = 0; i < kPrecision; ++i) limit *= 10;
    return static_cast<int64_t>(rng() % static_cast<uint64_t>(2 * limit - 1)) - (limit - 1);
  }
};
using Decimal9Case = Decimal64Case<9, int32_t>;
using Decimal18Case = Decimal64Case<18, int64_t>;

struct Decimal30Case {
  using T = __int128;
  static DataType Type() { return DataType::Decimal(30, 5); }
  static T Random(std::mt19937_64& rng) {
    const __int128 v = (static_cast<__int128>(rng() >> 20) << 52) | (rng() >> 12);  // < 2^96
    return rng() % 2 ? v : -v;
  }
  static void Append(ColumnVector& c, T v) { c.Append<__int128>(v); }
  static std::string Plain(T v) { return BigEndian(v, 13); }  // 13 bytes hold 30 digits
  static bool Skip(T) { return false; }
};

template <typename F>
struct FloatCase {
  using T = F;
  static T Random(std::mt19937_64& rng) {
    switch (rng() % 16) {
      case 0:
        return std::numeric_limits<F>::quiet_NaN();
      case 1:
        return -F{0};
      case 2:
        return F{0};
      default:
        return static_cast<F>(static_cast<int64_t>(rng() % 2000001) - 1000000) / 7;
    }
  }
  static void Append(ColumnVector& c, T v) { c.Append<T>(v); }
  static std::string Plain(T v) { return LittleEndian(v); }
  static bool Skip(T v) { return std::isnan(v); }
};
struct FloatTypeCase : FloatCase<float> {
  static DataType Type() { return DataType::Float(); }
};
struct DoubleCase : FloatCase<double> {
  static DataType Type() { return DataType::Double(); }
};

struct BoolCase {
  using T = bool;
  static DataType Type() { return DataType::Bool(); }
  static T Random(std::mt19937_64& rng) { return rng() % 3 == 0; }
  static void Append(ColumnVector& c, T v) { c.Append<uint8_t>(v ? 1 : 0); }
  static std::string Plain(T v) { return std::string(1, v ? '\1' : '\0'); }
  static bool Skip(T) { return false; }
};

template <TypeId kId>
struct BytesCase {
  using T = std::string;
  static DataType Type() { return DataType{kId}; }
  static T Random(std::mt19937_64& rng) {
    std::string s(rng() % 40, '\0');
    for (char& ch : s) ch = kId == TypeId::kBinary ? static_cast<char>(rng()) : "abcé"[rng() % 5];
    return s;
  }
  static void Append(ColumnVector& c, const T& v) { c.AppendBytes(v); }
  static std::string Plain(const T& v) { return v; }
  static bool Skip(const T&) { return false; }
};
using StringCase = BytesCase<TypeId::kString>;
using BinaryCase = BytesCase<TypeId::kBinary>;

struct UuidCase {
  using T = std::array<uint8_t, 16>;
  static DataType Type() { return DataType::Uuid(); }
  static T Random(std::mt19937_64& rng) {
    T v;
    for (uint8_t& b : v) b = static_cast<uint8_t>(rng());
    return v;
  }
  static void Append(ColumnVector& c, const T& v) { c.AppendFixedBytes(v.data()); }
  static std::string Plain(const T& v) { return std::string(v.begin(), v.end()); }
  static bool Skip(const T&) { return false; }
};

template <typename Case>
class ColumnWriterTypedTest : public ::testing::Test {};

using Cases = ::testing::Types<BoolCase, Int16Case, Int32Case, Int64Case, DateCase, TimestampCase,
                               Decimal9Case, Decimal18Case, Decimal30Case, FloatTypeCase,
                               DoubleCase, StringCase, BinaryCase, UuidCase>;
TYPED_TEST_SUITE(ColumnWriterTypedTest, Cases);

// Writes 3000 rows (half of them drawn from 40 recurring values, so dictionaries pay off) in
// row groups of 1200 and checks every value and each chunk's statistics.
TYPED_TEST(ColumnWriterTypedTest, RoundTripsValuesAndStatistics) {
  using Case = TypeParam;
  using T = typename Case::T;
  std::mt19937_64 rng(1234);
  std::vector<T> pool;
  for (int i = 0; i < 40; ++i) pool.push_back(Case::Random(rng));
  for (bool nullable : {true, false}) {
    for (bool dictionary : {true, false}) {
      for (size_t page_size : {size_t{300}, size_t{1} << 20}) {
        SCOPED_TRACE(::testing::Message() << "nullable " << nullable << " dictionary " << dictionary
                                          << " page " << page_size);
        const Schema schema{{{"c", Case::Type(), nullable}}};
        Batch batch(schema);
        std::vector<std::optional<T>> expected;
        for (int i = 0; i < 3000; ++i) {
          if (nullable && rng() % 6 == 0) {
            batch.column(0).AppendNull();
            expected.emplace_back(std::nullopt);
            continue;
          }
          const T v = rng() % 2 ? pool[rng() % pool.size()] : Case::Random(rng);
          Case::Append(batch.column(0), v);
          expected.emplace_back(v);
        }
        ASSERT_TRUE(batch.FinishRows(3000).ok());
        WriterOptions options;
        options.dictionary = dictionary;
        options.data_page_size = page_size;
        options.row_group_rows = 1200;
        const std::string file = WriteParquet(schema, options, {&batch});
        const Value footer = ReadFooter(file);
        ASSERT_EQ(footer[4].list.size(), 3u);
        size_t row = 0;
        for (int group = 0; group < 3; ++group) {
          auto chunk = ReadColumnChunk(file, footer, group, 0, nullable);
          std::optional<T> min, max;
          int64_t nulls = 0;
          int64_t skipped = 0;  // NaNs
          for (const auto& got : chunk.rows) {
            const std::optional<T>& want = expected[row++];
            ASSERT_EQ(got.has_value(), want.has_value()) << row;
            if (!want) {
              ++nulls;
              continue;
            }
            ASSERT_EQ(*got, Case::Plain(*want)) << row;
            if (Case::Skip(*want)) {
              ++skipped;
              continue;
            }
            if (!min || *want < *min) min = *want;
            if (!max || *max < *want) max = *want;
          }
          const Value& stats = footer[4].list[group][1].list[0][3][12];
          EXPECT_EQ(stats[3].i, nulls);
          if constexpr (std::is_floating_point_v<T>) {
            EXPECT_EQ(stats[9].i, skipped);
          }
          ASSERT_EQ(stats.has(6), min.has_value());
          if (min) {
            if constexpr (std::is_floating_point_v<T>) {
              if (*min == 0) min = -T{0};
              if (*max == 0) max = T{0};
            }
            EXPECT_EQ(stats[6].bin, Case::Plain(*min));
            EXPECT_EQ(stats[5].bin, Case::Plain(*max));
            EXPECT_TRUE(stats[8].b);  // exact
          }
          if (dictionary && page_size > 1000 && !std::is_same_v<T, bool>) {
            EXPECT_EQ(chunk.pages.front().type, 2) << "the recurring values pay for a dictionary";
          }
        }
      }
    }
  }
}

// ---- Exact encodings ----

// The body of the first data page of column 0 in a one-row-group file written uncompressed
// without dictionaries.
std::string FirstDataPage(const Batch& batch) {
  WriterOptions options;
  options.codec = Codec::kUncompressed;
  options.dictionary = false;
  const std::string file = WriteParquet(batch.schema(), options, {&batch});
  const bool optional = batch.schema().fields[0].nullable;
  return ReadColumnChunk(file, ReadFooter(file), 0, 0, optional).pages.at(0).body;
}

TEST(PlainEncodingTest, FixedWidthValuesAreLittleEndian) {
  Batch ints(Schema{{{"c", DataType::Int32(), false}}});
  ints.column(0).Append<int32_t>(1);
  ints.column(0).Append<int32_t>(-2);  // two's complement FE FF FF FF
  ASSERT_TRUE(ints.FinishRows(2).ok());
  EXPECT_EQ(FirstDataPage(ints), std::string("\x01\x00\x00\x00\xFE\xFF\xFF\xFF", 8));

  Batch shorts(Schema{{{"c", DataType::Int16(), false}}});
  shorts.column(0).Append<int16_t>(-1);  // widened to INT32: FF FF FF FF
  ASSERT_TRUE(shorts.FinishRows(1).ok());
  EXPECT_EQ(FirstDataPage(shorts), std::string(4, '\xFF'));

  Batch doubles(Schema{{{"c", DataType::Double(), false}}});
  doubles.column(0).Append<double>(1.0);  // IEEE 754: 0x3FF0000000000000, little-endian
  ASSERT_TRUE(doubles.FinishRows(1).ok());
  EXPECT_EQ(FirstDataPage(doubles), std::string("\x00\x00\x00\x00\x00\x00\xF0\x3F", 8));
}

TEST(PlainEncodingTest, DecimalsAreBigEndianTwosComplementOfMinimalWidth) {
  // decimal(20, 0) needs 9 bytes (2^71 > 10^20 > 2^63); -2 is FF x8 then FE.
  Batch batch(Schema{{{"c", DataType::Decimal(20, 0), false}}});
  batch.column(0).Append<__int128>(-2);
  batch.column(0).Append<__int128>(258);  // 00 x7 01 02
  ASSERT_TRUE(batch.FinishRows(2).ok());
  EXPECT_EQ(FirstDataPage(batch),
            std::string(8, '\xFF') + "\xFE" + std::string(7, '\0') + "\x01\x02");
}

TEST(PlainEncodingTest, ByteArraysHaveLengthPrefixesAndLevelsComeFirst) {
  Batch batch(Schema{{{"c", DataType::String(), true}}});
  batch.column(0).AppendBytes("ab");
  batch.column(0).AppendNull();
  batch.column(0).AppendBytes("c");
  ASSERT_TRUE(batch.FinishRows(3).ok());
  // Levels 1,0,1: one bit-packed group, header 0x03, bits 0b101 = 0x05; prefixed by their
  // length 2 (4 bytes, little-endian). Then only the two present values, each length-prefixed.
  EXPECT_EQ(FirstDataPage(batch), std::string("\x02\x00\x00\x00\x03\x05"
                                              "\x02\x00\x00\x00"
                                              "ab"
                                              "\x01\x00\x00\x00"
                                              "c",
                                              17));
}

TEST(PlainEncodingTest, BooleansAreBitPackedLsbFirst) {
  Batch batch(Schema{{{"c", DataType::Bool(), false}}});
  for (int v : {1, 0, 1, 1, 0, 0, 0, 0, 1}) batch.column(0).Append<uint8_t>(v);
  ASSERT_TRUE(batch.FinishRows(9).ok());
  // Values 1,0,1,1,0,0,0,0 -> 0b00001101 = 0x0D; the ninth value 1 -> 0x01.
  EXPECT_EQ(FirstDataPage(batch), std::string("\x0D\x01", 2));
}

TEST(PlainEncodingTest, DictionaryPagesHoldPlainEntriesAndIndexPagesABitWidth) {
  Batch batch(Schema{{{"c", DataType::String(), false}}});
  for (const char* v : {"x", "y", "x", "x", "x", "x", "x", "x", "x", "x"}) {
    batch.column(0).AppendBytes(v);
  }
  ASSERT_TRUE(batch.FinishRows(10).ok());
  WriterOptions options;
  options.codec = Codec::kUncompressed;
  const std::string file = WriteParquet(batch.schema(), options, {&batch});
  auto chunk = ReadColumnChunk(file, ReadFooter(file), 0, 0, false);
  ASSERT_EQ(chunk.pages.size(), 2u);
  EXPECT_EQ(chunk.pages[0].type, 2);
  EXPECT_EQ(chunk.pages[0].body, std::string("\x01\x00\x00\x00x\x01\x00\x00\x00y", 10));
  // Indices 0,1,0,0,0,0,0,0,0,0 with bit width 1 (the byte 0x01 first). The eight zeros after
  // [0, 1] could form a run, but the literal must first borrow six of them to fill its group,
  // leaving two: too few, so all ten values are one bit-packed run of 2 groups: header
  // (2 << 1) | 1 = 0x05, then 0b00000010 = 0x02 and 0x00.
  EXPECT_EQ(chunk.pages[1].encoding, 8);
  EXPECT_EQ(chunk.pages[1].body, std::string("\x01\x05\x02\x00", 4));
}

// ---- Dictionary decisions ----

TEST(DictionaryTest, FallsBackToPlainWhenTheDictionaryPassesItsLimit) {
  const Schema schema{{{"c", DataType::String(), true}}};
  Batch batch(schema);
  std::vector<std::string> expected;
  for (int i = 0; i < 3000; ++i) expected.push_back("v" + std::to_string(i % 10));
  for (int i = 0; i < 2000; ++i) expected.push_back(fmt::format("unique-{:05}", i));
  for (const std::string& v : expected) batch.column(0).AppendBytes(v);
  ASSERT_TRUE(batch.FinishRows(expected.size()).ok());
  WriterOptions options;
  options.codec = Codec::kZstd;
  options.dictionary_page_limit = 2000;
  options.data_page_size = 500;
  const std::string file = WriteParquet(schema, options, {&batch});
  const Value footer = ReadFooter(file);
  auto chunk = ReadColumnChunk(file, footer, 0, 0, true);
  for (size_t i = 0; i < expected.size(); ++i) ASSERT_EQ(*chunk.rows[i], expected[i]) << i;

  // Dictionary page first; it holds the 10 "vN" entries (6 PLAIN bytes each) and as many
  // 16-byte "unique-NNNNN" entries as fit in 2000 bytes: (2000 - 60) / 16 = 121.
  ASSERT_EQ(chunk.pages[0].type, 2);
  EXPECT_EQ(chunk.pages[0].num_values, 131);
  EXPECT_LE(chunk.pages[0].body.size(), 2000u);
  size_t dictionary_pages = 0, plain_pages = 0;
  for (size_t i = 1; i < chunk.pages.size(); ++i) {
    const int encoding = chunk.pages[i].encoding;
    if (encoding == 8) {
      EXPECT_EQ(plain_pages, 0u) << "no dictionary page after a PLAIN one";
      ++dictionary_pages;
    } else {
      EXPECT_EQ(encoding, 0);
      ++plain_pages;
    }
  }
  EXPECT_GT(dictionary_pages, 1u);
  EXPECT_GT(plain_pages, 1u);

  const Value& meta = footer[4].list[0][1].list[0][3];
  std::vector<int64_t> encodings;
  for (const Value& e : meta[2].list) encodings.push_back(e.i);
  EXPECT_EQ(encodings, (std::vector<int64_t>{0, 3, 8}));  // PLAIN, RLE (levels), RLE_DICTIONARY
  EXPECT_EQ(meta[11].i, 4);                               // dictionary_page_offset
  EXPECT_GT(meta[9].i, meta[11].i);                       // data_page_offset
  const auto& stats = meta[13].list;  // encoding_stats: dictionary page, PLAIN and dict pages
  ASSERT_EQ(stats.size(), 3u);
  EXPECT_EQ(stats[0][1].i, 2);
  EXPECT_EQ(stats[1][2].i, 0);
  EXPECT_EQ(stats[1][3].i, static_cast<int64_t>(plain_pages));
  EXPECT_EQ(stats[2][2].i, 8);
  EXPECT_EQ(stats[2][3].i, static_cast<int64_t>(dictionary_pages));
}

TEST(DictionaryTest, IsDroppedWhenItDoesNotPayOff) {
  const Schema schema{{{"id", DataType::Int64(), false}}};
  Batch batch(schema);
  for (int64_t i = 0; i < 20000; ++i) batch.column(0).Append<int64_t>(i * 3);
  ASSERT_TRUE(batch.FinishRows(20000).ok());
  WriterOptions options;
  options.data_page_size = 16 << 10;
  const std::string file = WriteParquet(schema, options, {&batch});
  const Value footer = ReadFooter(file);
  auto chunk = ReadColumnChunk(file, footer, 0, 0, false);
  for (const auto& page : chunk.pages) {
    EXPECT_EQ(page.type, 0);
    EXPECT_EQ(page.encoding, 0);
    EXPECT_LE(page.body.size(), (16u << 10) + 8);
  }
  EXPECT_FALSE(footer[4].list[0][1].list[0][3].has(11));
  int64_t v;
  std::memcpy(&v, chunk.rows[19999]->data(), 8);
  EXPECT_EQ(v, 59997);
}

TEST(DictionaryTest, NearlyDistinctValuesGiveItUpEarly) {
  const Schema schema{{{"id", DataType::Int64(), false}}};
  Batch batch(schema);
  for (int64_t i = 0; i < 20000; ++i) batch.column(0).Append<int64_t>(i);
  ASSERT_TRUE(batch.FinishRows(20000).ok());
  const std::string file = WriteParquet(schema, WriterOptions(), {&batch});
  auto chunk = ReadColumnChunk(file, ReadFooter(file), 0, 0, false);
  // Judged after an eighth of min(data_page_size, dictionary_page_limit / 2) = 64 KiB of PLAIN
  // values, 8192 int64s: the entries take all of it, so that page is PLAIN and so is the rest.
  ASSERT_EQ(chunk.pages.size(), 2u);
  EXPECT_EQ(chunk.pages[0].type, 0);
  EXPECT_EQ(chunk.pages[0].encoding, 0);
  EXPECT_EQ(chunk.pages[0].num_values, 8192);
  EXPECT_EQ(chunk.pages[1].num_values, 20000 - 8192);
}

TEST(DictionaryTest, AllNullColumnHasNoValuesAndNoBounds) {
  const Schema schema{{{"c", DataType::String(), true}, {"d", DataType::Double(), true}}};
  Batch batch(schema);
  for (int i = 0; i < 100; ++i) {
    batch.column(0).AppendNull();
    batch.column(1).AppendNull();
  }
  ASSERT_TRUE(batch.FinishRows(100).ok());
  const std::string file = WriteParquet(schema, WriterOptions(), {&batch});
  const Value footer = ReadFooter(file);
  for (int c = 0; c < 2; ++c) {
    auto chunk = ReadColumnChunk(file, footer, 0, c, true);
    ASSERT_EQ(chunk.rows.size(), 100u);
    for (const auto& row : chunk.rows) EXPECT_FALSE(row.has_value());
    const Value& stats = footer[4].list[0][1].list[static_cast<size_t>(c)][3][12];
    EXPECT_EQ(stats[3].i, 100);
    EXPECT_FALSE(stats.has(5));
    EXPECT_FALSE(stats.has(6));
  }
}

// ---- Statistics as written ----

TEST(StatisticsInFileTest, FloatsLeaveOutNaNAndNormalizeZeros) {
  const Schema schema{{{"d", DataType::Double(), false}, {"n", DataType::Float(), false}}};
  Batch batch(schema);
  for (double v : {std::nan(""), 0.0, -0.0, std::nan("")}) {
    batch.column(0).Append<double>(v);
    batch.column(1).Append<float>(std::nanf(""));
  }
  ASSERT_TRUE(batch.FinishRows(4).ok());
  const Value footer = ReadFooter(WriteParquet(schema, WriterOptions(), {&batch}));
  const Value& d = footer[4].list[0][1].list[0][3][12];
  EXPECT_EQ(d[6].bin, LittleEndian(-0.0));
  EXPECT_EQ(d[5].bin, LittleEndian(0.0));
  EXPECT_EQ(d[9].i, 2);  // nan_count
  const Value& n = footer[4].list[0][1].list[1][3][12];
  EXPECT_FALSE(n.has(5));
  EXPECT_FALSE(n.has(6));
  EXPECT_EQ(n[9].i, 4);
}

TEST(StatisticsInFileTest, LongStringsAreTruncatedToInexactBounds) {
  const Schema schema{{{"s", DataType::String(), false}}};
  Batch batch(schema);
  batch.column(0).AppendBytes(std::string(100, 'a'));
  batch.column(0).AppendBytes("b" + std::string(100, '\xFF'));
  ASSERT_TRUE(batch.FinishRows(2).ok());
  WriterOptions options;
  options.max_statistics_bytes = 8;
  const Value footer = ReadFooter(WriteParquet(schema, options, {&batch}));
  const Value& stats = footer[4].list[0][1].list[0][3][12];
  EXPECT_EQ(stats[6].bin, std::string(8, 'a'));
  EXPECT_FALSE(stats[8].b);
  EXPECT_EQ(stats[5].bin, "c");  // "b\xFF..." cut to 8 bytes, 0xFF bytes carried into 'b'
  EXPECT_FALSE(stats[7].b);
  EXPECT_FALSE(stats.has(1));  // deprecated max
  EXPECT_FALSE(stats.has(2));  // deprecated min
}

TEST(DecimalTest, ValuesOutsideThePrecisionAreDataLoss) {
  const Schema schema{{{"d", DataType::Decimal(4, 2), true}}};
  Batch batch(schema);
  batch.column(0).Append<int64_t>(9999);
  batch.column(0).Append<int64_t>(10000);
  ASSERT_TRUE(batch.FinishRows(2).ok());
  StringOutputStream sink;
  auto writer = FileWriter::Open(schema, WriterOptions(), &sink);
  ASSERT_TRUE(writer.ok());
  Status status = (*writer)->Write(batch);
  EXPECT_EQ(status.code(), StatusCode::kDataLoss);
  EXPECT_NE(status.message().find("'d'"), std::string::npos) << status.message();
}

}  // namespace
}  // namespace de::parquet
