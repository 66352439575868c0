#include "parquet/thrift_compact.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "parquet/format.h"
#include "parquet/test_parquet_reader.h"

namespace de::parquet::thrift {
namespace {

std::vector<uint8_t> Bytes(const std::string& s) { return {s.begin(), s.end()}; }

TEST(CompactWriterTest, ScalarFieldsUseDeltaHeadersAndZigZagVarints) {
  std::string out;
  CompactWriter w(&out);
  w.BeginStruct();
  w.I32Field(1, 1);        // header (1 << 4) | 5 = 0x15; zigzag(1) = 2
  w.I64Field(2, -1);       // header (1 << 4) | 6 = 0x16; zigzag(-1) = 1
  w.BinaryField(4, "ab");  // header (2 << 4) | 8 = 0x28; length 2; 'a' 'b'
  w.I32Field(20, 3);       // delta 16 > 15: type byte 0x05, zigzag(20) = 40 = 0x28; zigzag(3) = 6
  w.BoolField(21, true);   // header (1 << 4) | 1 = 0x11, value in the type nibble
  w.BoolField(22, false);  // header (1 << 4) | 2 = 0x12
  w.EndStruct();           // stop byte
  EXPECT_EQ(Bytes(out), (std::vector<uint8_t>{0x15, 0x02, 0x16, 0x01, 0x28, 0x02, 0x61, 0x62, 0x05,
                                              0x28, 0x06, 0x11, 0x12, 0x00}));
}

TEST(CompactWriterTest, MultiByteVarints) {
  std::string out;
  CompactWriter w(&out);
  w.BeginStruct();
  // zigzag(300) = 600 = 0b100_1011000: low 7 bits 0x58 with the continuation bit -> 0xD8, then 4.
  w.I64Field(1, 300);
  // zigzag(-150) = 299 = 0b10_0101011: 0x2B | 0x80 = 0xAB, then 2.
  w.I32Field(2, -150);
  // i8 is a raw byte: -2 -> 0xFE (header (1 << 4) | 3 = 0x13).
  w.I8Field(3, -2);
  // i16 is zigzag too: zigzag(7) = 14 (header (1 << 4) | 4 = 0x14).
  w.I16Field(4, 7);
  w.EndStruct();
  EXPECT_EQ(Bytes(out), (std::vector<uint8_t>{0x16, 0xD8, 0x04, 0x15, 0xAB, 0x02, 0x13, 0xFE, 0x14,
                                              0x0E, 0x00}));
}

TEST(CompactWriterTest, NestedStructsRestoreTheFieldIdAndListsHaveSizeHeaders) {
  std::string out;
  CompactWriter w(&out);
  w.BeginStruct();
  w.BeginStructField(3);                             // (3 << 4) | 12 = 0x3C
  w.I32Field(1, 7);                                  // 0x15, zigzag(7) = 14 = 0x0E
  w.EndStruct();                                     // 0x00; the outer struct's last id is 3 again
  w.I32Field(4, 0);                                  // delta 1: 0x15, 0x00
  w.BeginListField(5, CompactType::kI32, 3);         // (1 << 4) | 9 = 0x19; (3 << 4) | 5 = 0x35
  w.I32Element(1);                                   // 0x02
  w.I32Element(2);                                   // 0x04
  w.I32Element(-3);                                  // zigzag(-3) = 5
  w.BeginListField(6, CompactType::kBinary, 15);     // 0x19; 15 elements: 0xF8, then varint 15
  for (int i = 0; i < 15; ++i) w.BinaryElement("");  // 0x00 each (length 0)
  w.BeginListField(7, CompactType::kStruct, 1);      // 0x19; (1 << 4) | 12 = 0x1C
  w.BeginStruct();
  w.EndStruct();  // an empty struct is just its stop byte
  w.EndStruct();
  std::vector<uint8_t> expected = {0x3C, 0x15, 0x0E, 0x00, 0x15, 0x00, 0x19,
                                   0x35, 0x02, 0x04, 0x05, 0x19, 0xF8, 0x0F};
  expected.insert(expected.end(), 15, 0x00);
  expected.insert(expected.end(), {0x19, 0x1C, 0x00, 0x00});
  EXPECT_EQ(Bytes(out), expected);
}

TEST(CompactWriterTest, DataPageHeaderMatchesHandEncoding) {
  format::PageHeader header;
  header.type = format::PageType::kDataPage;
  header.uncompressed_page_size = 100;
  header.compressed_page_size = 50;
  header.data_page_header.num_values = 10;
  header.data_page_header.encoding = format::Encoding::kPlain;
  std::string out;
  format::SerializePageHeader(header, &out);
  EXPECT_EQ(Bytes(out),
            (std::vector<uint8_t>{0x15, 0x00,        // 1: type DATA_PAGE (0)
                                  0x15, 0xC8, 0x01,  // 2: uncompressed_page_size 100 -> zigzag 200
                                  0x15, 0x64,        // 3: compressed_page_size 50 -> zigzag 100
                                  0x2C,              // 5: data_page_header (delta 2, struct)
                                  0x15, 0x14,        //   1: num_values 10 -> 20
                                  0x15, 0x00,        //   2: encoding PLAIN
                                  0x15, 0x06,        //   3: definition_level_encoding RLE (3) -> 6
                                  0x15, 0x06,        //   4: repetition_level_encoding RLE
                                  0x00,              //   end of DataPageHeader
                                  0x00}));           // end of PageHeader
}

TEST(CompactWriterTest, DictionaryPageHeaderRoundTripsThroughTheTestDecoder) {
  format::PageHeader header;
  header.type = format::PageType::kDictionaryPage;
  header.uncompressed_page_size = 1 << 20;
  header.compressed_page_size = 12345;
  header.dictionary_page_header.num_values = 5000;
  std::string out;
  format::SerializePageHeader(header, &out);
  testing::CompactDecoder decoder(out);
  testing::Value v = decoder.ReadStruct();
  EXPECT_EQ(decoder.position(), out.size());
  EXPECT_EQ(v[1].i, 2);
  EXPECT_EQ(v[2].i, 1 << 20);
  EXPECT_EQ(v[3].i, 12345);
  EXPECT_FALSE(v.has(5));
  EXPECT_EQ(v[7][1].i, 5000);
  EXPECT_EQ(v[7][2].i, 0);  // PLAIN
}

}  // namespace
}  // namespace de::parquet::thrift
