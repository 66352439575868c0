#include "parquet/xxhash64.h"

#include <gtest/gtest.h>

#include <string>

namespace de::parquet {
namespace {

// Expected values computed with the reference implementation (libxxhash 0.8.1's XXH64, seed 0).
TEST(XxHash64Test, ReferenceValues) {
  EXPECT_EQ(XxHash64(""), 0xef46db3751d8e999ULL);
  EXPECT_EQ(XxHash64("a"), 0xd24ec4f1a98c6e5bULL);
  EXPECT_EQ(XxHash64("abc"), 0x44bc2cf5ad770999ULL);
  EXPECT_EQ(XxHash64("message digest"), 0x066ed728fceeb3beULL);
  // 48 bytes: one 32-byte stripe, then 8-byte lanes.
  EXPECT_EQ(XxHash64("abcdefghijklmnopqrstuvwxyz0123456789abcdefghijkl"), 0xce1bb13f7bbadbd4ULL);
  std::string bytes;
  for (int i = 0; i < 768; ++i) bytes.push_back(static_cast<char>(i % 256));
  EXPECT_EQ(XxHash64(bytes), 0x8e03c838c596036fULL);
  // PLAIN int64 and int32 values, as bloom filters hash them.
  const int64_t i64[] = {0, 1, -1, 123456789};
  const uint64_t i64_hash[] = {0x34c96acdcadb1bbbULL, 0x9f29cb17a2a49995ULL, 0x85d136adb773c6c9ULL,
                               0xcb7c2941b198004dULL};
  for (int i = 0; i < 4; ++i) EXPECT_EQ(XxHash64(&i64[i], 8), i64_hash[i]) << i64[i];
  const int32_t i32[] = {7, -3};
  EXPECT_EQ(XxHash64(&i32[0], 4), 0xb7ca480e9b960d0eULL);
  EXPECT_EQ(XxHash64(&i32[1], 4), 0x04e10135e7b47abaULL);
}

TEST(XxHash64Test, EveryTailLengthDiffers) {
  // Lengths 0..70 cover each combination of stripes, 8-byte lanes, a 4-byte lane and bytes.
  std::string text;
  uint64_t previous = XxHash64(text);
  for (int i = 0; i < 70; ++i) {
    text.push_back(static_cast<char>('a' + i % 26));
    const uint64_t h = XxHash64(text);
    EXPECT_NE(h, previous) << i;
    EXPECT_EQ(h, XxHash64(text.data(), text.size(), 0));
    previous = h;
  }
  EXPECT_NE(XxHash64("abc", 3, 1), XxHash64("abc", 3, 0));
}

}  // namespace
}  // namespace de::parquet
