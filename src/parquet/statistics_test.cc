#include "parquet/statistics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace de::parquet {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

TEST(IntegerMinMaxTest, SignedOrder) {
  IntegerMinMax<int64_t> s;
  EXPECT_FALSE(s.has_value());
  const int64_t values[] = {5, -7, std::numeric_limits<int64_t>::max(), 0,
                            std::numeric_limits<int64_t>::min()};
  s.Update(values, 3);
  EXPECT_EQ(s.min(), -7);
  EXPECT_EQ(s.max(), std::numeric_limits<int64_t>::max());
  s.Update(values + 3, 2);
  EXPECT_EQ(s.min(), std::numeric_limits<int64_t>::min());
  s.Reset();
  s.Update(42);
  EXPECT_EQ(s.min(), 42);
  EXPECT_EQ(s.max(), 42);
}

TEST(IntegerMinMaxTest, Decimal128IsSigned) {
  IntegerMinMax<__int128> s;
  const __int128 big = static_cast<__int128>(1) << 100;
  const __int128 values[] = {big, -big, 3};
  s.Update(values, 3);
  EXPECT_TRUE(s.min() == -big);
  EXPECT_TRUE(s.max() == big);
  // Big-endian two's complement in 9 bytes: -2 is FF..FE.
  EXPECT_EQ(BigEndianBytes(-2, 9), std::string(8, '\xFF') + "\xFE");
  EXPECT_EQ(BigEndianBytes(258, 3), std::string("\x00\x01\x02", 3));
}

TEST(FloatMinMaxTest, NaNIsExcludedAndCounted) {
  FloatMinMax<double> s;
  const double values[] = {kNaN, 1.5, -2.0, kNaN};
  s.Update(values, 4);
  EXPECT_TRUE(s.has_value());
  EXPECT_EQ(s.min(), -2.0);
  EXPECT_EQ(s.max(), 1.5);
  EXPECT_EQ(s.nan_count(), 2);
}

TEST(FloatMinMaxTest, OnlyNaNHasNoBounds) {
  FloatMinMax<float> s;
  const float values[] = {std::nanf(""), -std::nanf("")};
  s.Update(values, 2);
  EXPECT_FALSE(s.has_value());
  EXPECT_EQ(s.nan_count(), 2);
  FloatMinMax<float> empty;
  EXPECT_FALSE(empty.has_value());
}

TEST(FloatMinMaxTest, ZeroBoundsAreWrittenAsNegativeMinAndPositiveMax) {
  FloatMinMax<double> s;
  const double zeros[] = {0.0, -0.0};
  s.Update(zeros, 2);
  EXPECT_TRUE(std::signbit(s.min()));
  EXPECT_FALSE(std::signbit(s.max()));
  FloatMinMax<double> positive;
  positive.Update(0.0);
  EXPECT_TRUE(std::signbit(positive.min()));  // a +0.0 min is still written as -0.0
  FloatMinMax<double> negative;
  negative.Update(-0.0);
  EXPECT_FALSE(std::signbit(negative.max()));  // a -0.0 max is written as +0.0
  FloatMinMax<double> mixed;
  const double around[] = {-0.0, 3.0};
  mixed.Update(around, 2);
  EXPECT_TRUE(std::signbit(mixed.min()));
  EXPECT_EQ(mixed.max(), 3.0);
}

TEST(FloatMinMaxTest, Infinities) {
  FloatMinMax<double> s;
  const double values[] = {kInf, kNaN, -kInf, 1.0};
  s.Update(values, 4);
  EXPECT_EQ(s.min(), -kInf);
  EXPECT_EQ(s.max(), kInf);
  FloatMinMax<double> only_positive;
  only_positive.Update(kInf);
  EXPECT_TRUE(only_positive.has_value());
  EXPECT_EQ(only_positive.min(), kInf);
  EXPECT_EQ(only_positive.max(), kInf);
  FloatMinMax<double> only_negative;
  only_negative.Update(-kInf);
  EXPECT_EQ(only_negative.min(), -kInf);
  EXPECT_EQ(only_negative.max(), -kInf);
}

TEST(BytesMinMaxTest, UnsignedByteWiseOrder) {
  BytesMinMax s;
  s.Update("z");
  s.Update("\xC3\xA9");  // "é": lead byte 0xC3 > 'z' (0x7A) when compared unsigned
  s.Update("abc");
  s.Update("ab");  // a prefix sorts first
  s.Update(std::string_view("\x00\xFF", 2));
  EXPECT_EQ(s.min(), std::string("\x00\xFF", 2));
  EXPECT_EQ(s.max(), "\xC3\xA9");
  BytesMinMax t;
  t.Update("ab");
  t.Update("abc");
  t.Update("\xFF");
  EXPECT_EQ(t.min(), "ab");
  EXPECT_EQ(t.max(), "\xFF");
}

TEST(TruncateTest, BinaryBounds) {
  EXPECT_EQ(TruncateMin("abcdef", 3, false), "abc");
  EXPECT_EQ(TruncateMin("ab", 3, false), "ab");
  EXPECT_EQ(TruncateMax("abcdef", 3, false), "abd");
  EXPECT_EQ(TruncateMax("ab", 3, false), "ab");  // short enough: unchanged
  // Trailing 0xFF bytes carry into the byte before them.
  EXPECT_EQ(TruncateMax("ab\xFF\xFFz", 4, false), "ac");
  EXPECT_EQ(TruncateMax("\xFF\xFF\xFF", 2, false), std::nullopt);
}

TEST(TruncateTest, Utf8BoundsStayValid) {
  // "aé..." cut at 2 bytes would split é (C3 A9): the lower bound keeps "a".
  EXPECT_EQ(TruncateMin("a\xC3\xA9xyz", 2, true), "a");
  // The upper bound increments the last whole character: é (U+00E9) -> ê (U+00EA).
  EXPECT_EQ(TruncateMax("a\xC3\xA9xyz", 3, true), "a\xC3\xAA");
  // 0x7F -> U+0080 needs two bytes and does not fit in 2: increment 'a' instead.
  EXPECT_EQ(TruncateMax("a\x7Fzz", 2, true), "b");
  // U+D7FF + 1 skips the surrogates: U+E000.
  EXPECT_EQ(TruncateMax("\xED\x9F\xBFx", 3, true), "\xEE\x80\x80");
  // U+10FFFF cannot be incremented and nothing precedes it: no upper bound.
  EXPECT_EQ(TruncateMax("\xF4\x8F\xBF\xBFx", 4, true), std::nullopt);
  // Malformed UTF-8 falls back to the byte-wise bound.
  EXPECT_EQ(TruncateMax("ab\x80zz", 3, true), "ab\x81");
}

TEST(TruncateTest, ByteArrayBoundsAreMarkedInexactWhenTruncated) {
  BytesMinMax bounds;
  bounds.Update("short");
  bounds.Update(std::string(100, 'x'));
  format::Statistics stats;
  SetByteArrayBounds(bounds, 10, true, &stats);
  EXPECT_EQ(stats.min_value, "short");
  EXPECT_EQ(stats.is_min_value_exact, true);
  EXPECT_EQ(stats.max_value, std::string(9, 'x') + "y");
  EXPECT_EQ(stats.is_max_value_exact, false);
  BytesMinMax ff;
  ff.Update(std::string(20, '\xFF'));
  format::Statistics none;
  SetByteArrayBounds(ff, 10, false, &none);
  EXPECT_EQ(none.min_value, std::string(10, '\xFF'));
  EXPECT_EQ(none.is_min_value_exact, false);
  EXPECT_FALSE(none.max_value.has_value());
  EXPECT_FALSE(none.is_max_value_exact.has_value());
}

}  // namespace
}  // namespace de::parquet
