#include "parquet/rle_encoder.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "parquet/test_parquet_reader.h"

namespace de::parquet {
namespace {

std::vector<uint8_t> Bytes(const ByteBuffer& b) { return {b.data(), b.data() + b.size()}; }

std::vector<uint8_t> Hybrid(const std::vector<uint32_t>& values, int width) {
  ByteBuffer out;
  EncodeRleBitPackedHybrid(values.data(), values.size(), width, &out);
  return Bytes(out);
}

std::vector<uint8_t> Levels(const std::vector<uint8_t>& bitmap, size_t count) {
  ByteBuffer out;
  EncodeBitLevels(bitmap.data(), count, &out);
  return Bytes(out);
}

TEST(BitPackTest, SpecificationExample) {
  // Encodings.md: 0..7 with bit width 3, packed LSB first:
  //   bit:   0-2 3-5 6-8 9-11 12-14 15-17 18-20 21-23
  //   value:  0   1   2   3    4     5     6     7
  // byte 0 = bits 0-7: value 1 sets bit 3, value 2 sets bit 7       -> 0b10001000 = 0x88
  // byte 1 = bits 8-15: value 3 sets 9,10; 4 sets 14; 5 sets 15     -> 0b11000110 = 0xC6
  // byte 2 = bits 16-23: 5 sets 17; 6 sets 19,20; 7 sets 21,22,23   -> 0b11111010 = 0xFA
  std::vector<uint32_t> values = {0, 1, 2, 3, 4, 5, 6, 7};
  ByteBuffer out;
  AppendBitPacked(values.data(), values.size(), 3, &out);
  EXPECT_EQ(Bytes(out), (std::vector<uint8_t>{0x88, 0xC6, 0xFA}));
}

TEST(BitPackTest, PadsTheLastGroupWithZeros) {
  // Three 1-bit ones fill bits 0-2 of one group of 8: 0b00000111.
  std::vector<uint32_t> ones = {1, 1, 1};
  ByteBuffer out;
  AppendBitPacked(ones.data(), ones.size(), 1, &out);
  EXPECT_EQ(Bytes(out), (std::vector<uint8_t>{0x07}));
  // 32-bit values are just little-endian words; one value pads to 8 words.
  std::vector<uint32_t> word = {0x01020304};
  ByteBuffer wide;
  AppendBitPacked(word.data(), word.size(), 32, &wide);
  std::vector<uint8_t> expected = {0x04, 0x03, 0x02, 0x01};
  expected.resize(32, 0);
  EXPECT_EQ(Bytes(wide), expected);
}

TEST(HybridTest, DistinctValuesFormOneBitPackedRun) {
  // Header varint((1 group << 1) | 1) = 0x03, then the packed bytes above.
  EXPECT_EQ(Hybrid({0, 1, 2, 3, 4, 5, 6, 7}, 3), (std::vector<uint8_t>{0x03, 0x88, 0xC6, 0xFA}));
}

TEST(HybridTest, RepeatsFormRleRuns) {
  // Ten 5s: header varint(10 << 1) = 0x14, value in ceil(3 / 8) = 1 byte.
  EXPECT_EQ(Hybrid(std::vector<uint32_t>(10, 5), 3), (std::vector<uint8_t>{0x14, 0x05}));
  // Nine 300s with width 9: value in 2 little-endian bytes, 300 = 0x012C.
  EXPECT_EQ(Hybrid(std::vector<uint32_t>(9, 300), 9), (std::vector<uint8_t>{0x12, 0x2C, 0x01}));
}

TEST(HybridTest, LiteralBorrowsFromARepeatToFillItsLastGroup) {
  // [1, 2, 3] + sixteen 4s + [5], width 3. The literal [1, 2, 3] must hold a multiple of 8
  // values, so it borrows five 4s: [1,2,3,4,4,4,4,4]; the remaining eleven 4s are an RLE run.
  //   values 1,2,3,4,4,4,4,4 at bits 0,3,6,9,12,15,18,21:
  //   1 -> bit 0; 2 -> bit 4; 3 -> bits 6,7; each 4 -> bit start+2 = 11,14,17,20,23
  //   byte 0 = bits 0,4,6,7 = 0xD1; byte 1 = bits 11,14 = 0x48; byte 2 = bits 17,20,23 = 0x92
  // then RLE: varint(11 << 1) = 0x16, value 0x04; then the final literal [5] padded to a group:
  // header 0x03, bytes 0x05 0x00 0x00.
  std::vector<uint32_t> values = {1, 2, 3};
  values.insert(values.end(), 16, 4);
  values.push_back(5);
  EXPECT_EQ(Hybrid(values, 3),
            (std::vector<uint8_t>{0x03, 0xD1, 0x48, 0x92, 0x16, 0x04, 0x03, 0x05, 0x00, 0x00}));
}

TEST(HybridTest, RandomRoundTripsThroughTheTestDecoder) {
  std::mt19937 rng(42);
  for (int width = 1; width <= 32; ++width) {
    std::vector<uint32_t> values;
    const uint64_t mask = width == 32 ? 0xFFFFFFFFull : (uint64_t{1} << width) - 1;
    while (values.size() < 5000) {
      const auto v = static_cast<uint32_t>(rng() & mask);
      const size_t run = rng() % 4 == 0 ? rng() % 40 : 1;
      values.insert(values.end(), run, v);
    }
    std::vector<uint8_t> encoded = Hybrid(values, width);
    std::string data(encoded.begin(), encoded.end());
    size_t consumed = 0;
    EXPECT_EQ(testing::DecodeHybrid(data, width, values.size(), &consumed), values) << width;
    EXPECT_EQ(consumed, data.size()) << width;
  }
}

TEST(BitLevelsTest, AllPresentIsOneRleRun) {
  // 100 ones: varint(100 << 1) = varint(200) = 0xC8 0x01, value byte 0x01.
  std::vector<uint8_t> bitmap(13, 0xFF);
  bitmap[12] = 0x0F;  // 100 = 12 * 8 + 4
  EXPECT_EQ(Levels(bitmap, 100), (std::vector<uint8_t>{0xC8, 0x01, 0x01}));
}

TEST(BitLevelsTest, MixedBytesAreCopiedIntoBitPackedRuns) {
  // Levels 1,1,0,0,1,1,0,1 are byte 0b10110011 = 0xB3: header 0x03 then the byte.
  EXPECT_EQ(Levels({0xB3}, 8), (std::vector<uint8_t>{0x03, 0xB3}));
  // 64 ones then 1,0,1: eight 0xFF bytes make an RLE run of 64 (varint(128) = 0x80 0x01, value
  // 0x01); the tail 0b101 does not continue it, so it is a padded literal: 0x03 0x05.
  std::vector<uint8_t> bitmap(8, 0xFF);
  bitmap.push_back(0x05);
  EXPECT_EQ(Levels(bitmap, 67), (std::vector<uint8_t>{0x80, 0x01, 0x01, 0x03, 0x05}));
  // 67 ones: the run takes the partial tail too: varint(134) = 0x86 0x01.
  bitmap.back() = 0x07;
  EXPECT_EQ(Levels(bitmap, 67), (std::vector<uint8_t>{0x86, 0x01, 0x01}));
}

TEST(BitLevelsTest, RandomRoundTripsThroughTheTestDecoder) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 50; ++trial) {
    const size_t count = 1 + rng() % 3000;
    std::vector<uint32_t> levels;
    while (levels.size() < count) {
      const uint32_t v = rng() % 2;
      const size_t run = rng() % 3 == 0 ? rng() % 100 : 1 + rng() % 3;
      for (size_t i = 0; i < run && levels.size() < count; ++i) levels.push_back(v);
    }
    std::vector<uint8_t> bitmap((count + 7) / 8, 0);
    for (size_t i = 0; i < count; ++i) bitmap[i / 8] |= static_cast<uint8_t>(levels[i] << (i % 8));
    std::vector<uint8_t> encoded = Levels(bitmap, count);
    std::string data(encoded.begin(), encoded.end());
    size_t consumed = 0;
    EXPECT_EQ(testing::DecodeHybrid(data, 1, count, &consumed), levels);
    EXPECT_EQ(consumed, data.size());
  }
}

TEST(IndexBitWidthTest, CoversEveryIndex) {
  EXPECT_EQ(IndexBitWidth(1), 1);
  EXPECT_EQ(IndexBitWidth(2), 1);
  EXPECT_EQ(IndexBitWidth(3), 2);
  EXPECT_EQ(IndexBitWidth(256), 8);
  EXPECT_EQ(IndexBitWidth(257), 9);
  EXPECT_EQ(IndexBitWidth(5000), 13);
}

}  // namespace
}  // namespace de::parquet
