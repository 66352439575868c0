#include "parquet/dictionary.h"

#include <gtest/gtest.h>

#include <bit>
#include <string>

namespace de::parquet {
namespace {

TEST(FixedDictionaryTest, IndicesFollowFirstSeenOrderAcrossGrowth) {
  FixedDictionary<uint64_t> dict;
  for (uint64_t round = 0; round < 2; ++round) {
    for (uint64_t v = 0; v < 10000; ++v) {
      const uint64_t key = v * 7919 + 13;
      FixedDictionary<uint64_t>::Slot slot;
      int64_t index = dict.Find(key, &slot);
      if (round == 0) {
        ASSERT_EQ(index, -1);
        index = dict.Insert(key, slot);
      }
      ASSERT_EQ(index, static_cast<int64_t>(v));
    }
  }
  EXPECT_EQ(dict.size(), 10000u);
  EXPECT_EQ(dict.keys()[5], 5u * 7919 + 13);
  dict.Clear();
  FixedDictionary<uint64_t>::Slot slot;
  EXPECT_EQ(dict.size(), 0u);
  EXPECT_EQ(dict.Find(13, &slot), -1);
}

TEST(FixedDictionaryTest, KeysAreBitPatterns) {
  FixedDictionary<uint64_t> dict;
  FixedDictionary<uint64_t>::Slot slot;
  const auto positive = std::bit_cast<uint64_t>(0.0);
  const auto negative = std::bit_cast<uint64_t>(-0.0);
  ASSERT_EQ(dict.Find(positive, &slot), -1);
  dict.Insert(positive, slot);
  EXPECT_EQ(dict.Find(negative, &slot), -1);  // -0.0 is its own entry
}

TEST(FixedDictionaryTest, SixteenByteKeys) {
  FixedDictionary<unsigned __int128> dict;
  FixedDictionary<unsigned __int128>::Slot slot;
  const unsigned __int128 a = static_cast<unsigned __int128>(1) << 100;
  const unsigned __int128 b = 1;
  dict.Insert(a, (dict.Find(a, &slot), slot));
  dict.Insert(b, (dict.Find(b, &slot), slot));
  EXPECT_EQ(dict.Find(a, &slot), 0);
  EXPECT_EQ(dict.Find(b, &slot), 1);
}

TEST(ByteArrayDictionaryTest, ArenaIsThePlainDictionaryPage) {
  ByteArrayDictionary dict;
  ByteArrayDictionary::Slot slot;
  const std::string values[] = {"ab", "", std::string("\x00z", 2)};
  for (const std::string& v : values) {
    ASSERT_EQ(dict.Find(v, &slot), -1);
    dict.Insert(v, slot);
  }
  EXPECT_EQ(dict.Find("", &slot), 1);
  EXPECT_EQ(dict.Find("a", &slot), -1);
  EXPECT_EQ(dict.Value(2), values[2]);
  // PLAIN: 4-byte little-endian length, then the bytes, per entry in index order.
  const std::string expected(
      "\x02\x00\x00\x00"
      "ab"
      "\x00\x00\x00\x00"
      "\x02\x00\x00\x00\x00z",
      16);
  EXPECT_EQ(dict.plain(), expected);
}

TEST(ByteArrayDictionaryTest, ManyEntriesSurviveRehashing) {
  ByteArrayDictionary dict;
  ByteArrayDictionary::Slot slot;
  for (int i = 0; i < 20000; ++i) {
    const std::string v = "road-" + std::to_string(i);
    ASSERT_EQ(dict.Find(v, &slot), -1);
    EXPECT_EQ(dict.Insert(v, slot), static_cast<uint32_t>(i));
  }
  for (int i = 0; i < 20000; i += 97) {
    EXPECT_EQ(dict.Find("road-" + std::to_string(i), &slot), i);
  }
  dict.Clear();
  EXPECT_EQ(dict.size(), 0u);
  EXPECT_TRUE(dict.plain().empty());
  EXPECT_EQ(dict.Find("road-1", &slot), -1);
}

TEST(HashBytesTest, DependsOnEveryByteAndTheLength) {
  const std::string base(40, 'a');
  for (size_t i = 0; i < base.size(); ++i) {
    std::string changed = base;
    changed[i] = 'b';
    EXPECT_NE(HashBytes(base.data(), base.size()), HashBytes(changed.data(), changed.size())) << i;
  }
  EXPECT_NE(HashBytes("a", 1), HashBytes("aa", 2));
  EXPECT_NE(HashBytes("", 0), HashBytes("\0", 1));
}

}  // namespace
}  // namespace de::parquet
