#include "parquet/bloom_filter.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "parquet/xxhash64.h"

namespace de::parquet {
namespace {

TEST(BloomFilterTest, SizeFollowsTheSpecificationsFormula) {
  // ~9.6 bits per value at 1% (BloomFilter.md: 1.2 MB for a million values).
  EXPECT_EQ(BloomFilterBytes(1'000'000, 0.01, size_t{128} << 20), size_t{2} << 20);
  EXPECT_EQ(BloomFilterBytes(0, 0.01, 1 << 20), 32u);
  EXPECT_EQ(BloomFilterBytes(10, 0.01, 1 << 20), 32u);
  EXPECT_EQ(BloomFilterBytes(100, 0.01, 1 << 20), 128u);
  EXPECT_EQ(BloomFilterBytes(100'000'000, 0.001, 1 << 20), size_t{1} << 20);  // capped
}

TEST(BloomFilterTest, NoFalseNegativesAndAboutTheRequestedFalsePositives) {
  BloomFilterBuilder builder;
  for (int64_t v = 0; v < 20'000; ++v) {
    builder.Add(XxHash64(&v, 8));
    builder.Add(XxHash64(&v, 8));  // duplicates count once
  }
  std::string out;
  builder.Build(0.01, 1 << 20, &out);
  EXPECT_TRUE(builder.empty());
  // Header: numBytes (i32 field 1), then three unions with member 1 set.
  const size_t bytes = BloomFilterBytes(20'000, 0.01, 1 << 20);
  ASSERT_GT(out.size(), bytes);
  const size_t header = out.size() - bytes;
  const auto* words = reinterpret_cast<const uint32_t*>(out.data() + header);
  std::vector<uint32_t> aligned(bytes / 4);
  std::memcpy(aligned.data(), words, bytes);
  for (int64_t v = 0; v < 20'000; ++v) {
    ASSERT_TRUE(BloomFilterMayContain(aligned.data(), bytes / 32, XxHash64(&v, 8))) << v;
  }
  int false_positives = 0;
  for (int64_t v = 1'000'000; v < 1'100'000; ++v) {
    false_positives += BloomFilterMayContain(aligned.data(), bytes / 32, XxHash64(&v, 8));
  }
  // Sized for 1% and rounded up to a power of two: at most ~1%.
  EXPECT_LT(false_positives, 1'200);
}

TEST(BloomFilterTest, HeaderIsTheThriftStruct) {
  BloomFilterBuilder builder;
  builder.Add(XxHash64("x"));
  std::string out;
  builder.Build(0.05, 1 << 20, &out);
  // i32 field 1 (delta 1, type 5) = zigzag(32) = 64, then fields 2..4 (delta 1, struct type 12)
  // each holding field 1 (struct) with a stop byte, the union's stop, and the outer stop.
  const std::string expected = std::string("\x15\x40", 2) + std::string("\x1c\x1c\x00\x00", 4) +
                               std::string("\x1c\x1c\x00\x00", 4) +
                               std::string("\x1c\x1c\x00\x00", 4) + std::string("\x00", 1);
  ASSERT_EQ(out.size(), expected.size() + 32);
  EXPECT_EQ(out.substr(0, expected.size()), expected);
}

}  // namespace
}  // namespace de::parquet
