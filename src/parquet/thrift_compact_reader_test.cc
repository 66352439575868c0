#include "parquet/thrift_compact_reader.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

#include "parquet/thrift_compact.h"

namespace de::parquet::thrift {
namespace {

std::string Raw(std::initializer_list<uint8_t> bytes) {
  return std::string(bytes.begin(), bytes.end());
}

// Skips every field of one struct; returns the reader's status.
Status SkipStruct(CompactReader& r) {
  return r.ReadStruct([&](const FieldHeader& f) { return r.Skip(f.type); });
}

void ExpectDataLoss(const Status& status, std::string_view needle) {
  EXPECT_EQ(status.code(), StatusCode::kDataLoss) << status.ToString();
  EXPECT_NE(status.message().find(needle), std::string::npos) << status.message();
}

// What the writer's own encoding decodes to: one value per field, read by type.
struct Decoded {
  std::vector<int> ids;
  int8_t i8 = 0;
  int16_t i16 = 0;
  int32_t i32 = 0;
  int64_t i64 = 0;
  std::string binary;
  bool flag_true = false;
  bool flag_false = true;
  int32_t nested_i32 = 0;
  std::vector<int32_t> ints;
  std::vector<std::string> strings;
  int32_t far_id_value = 0;
};

TEST(CompactReaderTest, ReadsWhatTheWriterWrites) {
  std::string out;
  CompactWriter w(&out);
  w.BeginStruct();
  w.I8Field(1, -2);
  w.I16Field(2, -300);
  w.I32Field(3, std::numeric_limits<int32_t>::min());
  w.I64Field(4, std::numeric_limits<int64_t>::max());
  w.BinaryField(5, std::string("a\0b", 3));
  w.BoolField(6, true);
  w.BoolField(7, false);
  w.BeginStructField(8);
  w.I32Field(1, 77);
  w.EndStruct();
  w.BeginListField(9, CompactType::kI32, 3);
  for (int32_t v : {0, -1, 1 << 30}) w.I32Element(v);
  w.BeginListField(10, CompactType::kBinary, 20);  // long-form list header
  for (int i = 0; i < 20; ++i) w.BinaryElement(std::to_string(i));
  w.I32Field(300, 5);  // long-form field header
  w.EndStruct();

  CompactReader r(out);
  Decoded d;
  Status status = r.ReadStruct([&](const FieldHeader& f) -> Status {
    d.ids.push_back(f.id);
    switch (f.id) {
      case 1: {
        RETURN_IF_ERROR(ExpectType(f, CompactType::kByte, "i8"));
        ASSIGN_OR_RETURN(d.i8, r.ReadI8());
        return Status::Ok();
      }
      case 2: {
        RETURN_IF_ERROR(ExpectType(f, CompactType::kI16, "i16"));
        ASSIGN_OR_RETURN(d.i16, r.ReadI16());
        return Status::Ok();
      }
      case 3: {
        RETURN_IF_ERROR(ExpectType(f, CompactType::kI32, "i32"));
        ASSIGN_OR_RETURN(d.i32, r.ReadI32());
        return Status::Ok();
      }
      case 4: {
        RETURN_IF_ERROR(ExpectType(f, CompactType::kI64, "i64"));
        ASSIGN_OR_RETURN(d.i64, r.ReadI64());
        return Status::Ok();
      }
      case 5: {
        RETURN_IF_ERROR(ExpectType(f, CompactType::kBinary, "binary"));
        ASSIGN_OR_RETURN(std::string_view bytes, r.ReadBinary());
        d.binary = std::string(bytes);
        return Status::Ok();
      }
      case 6:
      case 7:
        RETURN_IF_ERROR(ExpectType(f, CompactType::kBoolTrue, "bool"));
        (f.id == 6 ? d.flag_true : d.flag_false) = BoolValue(f);
        return Status::Ok();
      case 8:
        return r.ReadStruct([&](const FieldHeader& inner) -> Status {
          EXPECT_EQ(inner.id, 1);
          ASSIGN_OR_RETURN(d.nested_i32, r.ReadI32());
          return Status::Ok();
        });
      case 9:
      case 10: {
        ASSIGN_OR_RETURN(ListHeader list, r.ReadListHeader());
        for (uint32_t i = 0; i < list.size; ++i) {
          if (f.id == 9) {
            ASSIGN_OR_RETURN(int32_t v, r.ReadI32());
            d.ints.push_back(v);
          } else {
            ASSIGN_OR_RETURN(std::string_view s, r.ReadBinary());
            d.strings.emplace_back(s);
          }
        }
        return Status::Ok();
      }
      default: {
        ASSIGN_OR_RETURN(d.far_id_value, r.ReadI32());
        return Status::Ok();
      }
    }
  });
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(r.remaining(), 0u);
  EXPECT_EQ(d.ids, (std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 300}));
  EXPECT_EQ(d.i8, -2);
  EXPECT_EQ(d.i16, -300);
  EXPECT_EQ(d.i32, std::numeric_limits<int32_t>::min());
  EXPECT_EQ(d.i64, std::numeric_limits<int64_t>::max());
  EXPECT_EQ(d.binary, std::string("a\0b", 3));
  EXPECT_TRUE(d.flag_true);
  EXPECT_FALSE(d.flag_false);
  EXPECT_EQ(d.nested_i32, 77);
  EXPECT_EQ(d.ints, (std::vector<int32_t>{0, -1, 1 << 30}));
  ASSERT_EQ(d.strings.size(), 20u);
  EXPECT_EQ(d.strings[19], "19");
  EXPECT_EQ(d.far_id_value, 5);
}

// Fields of every wire type, hand-encoded, followed by an i32 field 2 = 7 that must still be
// found after skipping them.
std::string EveryTypeThenMarker() {
  return Raw({
      0x11,  // 1: bool true
      0x12,  // 2: bool false
      0x13,
      0xFF,  // 3: i8
      0x14,
      0x03,  // 4: i16
      0x15,
      0x80,
      0x01,  // 5: i32 (two-byte varint)
      0x16,
      0xFF,
      0xFF,
      0xFF,
      0xFF,
      0xFF,
      0xFF,
      0xFF,
      0xFF,
      0xFF,
      0x01,  // 6: i64, 10 bytes
      0x17,
      1,
      2,
      3,
      4,
      5,
      6,
      7,
      8,  // 7: double
      0x18,
      0x02,
      'h',
      'i',  // 8: binary
      0x19,
      0x31,
      0x01,
      0x00,
      0x02,  // 9: list<bool> of 3 (type 1)
      0x1A,
      0x22,
      0x00,
      0x01,  // 10: set<bool> of 2 (type 2)
      0x1B,
      0x00,  // 11: empty map
      0x0B,
      0x16,
      0x02,
      0x85,
      0x00,
      0x04,
      0x01,
      0x06,
      0x02,  // id 11 again (long form):
             //   map<binary,i32> {"": 2, "\x06": 1}
      0x1C,
      0x11,
      0x1C,
      0x00,
      0x00,  // 12: struct { bool, struct {} }
      0x1D,
      0,
      1,
      2,
      3,
      4,
      5,
      6,
      7,
      8,
      9,
      10,
      11,
      12,
      13,
      14,
      15,  // 13: uuid
      0x09,
      0x28,
      0x19,
      0x1C,
      0x00,  // id 20 (long form): list<list<struct>>
      0x0C,
      0x01,
      0x00,  // id -1 (long form): empty struct
      0x05,
      0x04,
      0x0E,  // id 2 (long form): i32 7, the marker
      0x00,
  });
}

TEST(CompactReaderTest, SkipsEveryWireType) {
  const std::string bytes = EveryTypeThenMarker();
  CompactReader r(bytes);
  std::vector<int> ids;
  int32_t marker = 0;
  Status status = r.ReadStruct([&](const FieldHeader& f) -> Status {
    ids.push_back(f.id);
    if (f.id == 2 && f.type == CompactType::kI32) {
      ASSIGN_OR_RETURN(marker, r.ReadI32());
      return Status::Ok();
    }
    return r.Skip(f.type);
  });
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(r.remaining(), 0u);
  EXPECT_EQ(ids, (std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 11, 12, 13, 20, -1, 2}));
  EXPECT_EQ(marker, 7);
}

TEST(CompactReaderTest, EveryTruncationIsDataLoss) {
  const std::string bytes = EveryTypeThenMarker();
  for (size_t n = 0; n < bytes.size(); ++n) {
    CompactReader r(std::string_view(bytes).substr(0, n));
    const Status status = SkipStruct(r);
    EXPECT_EQ(status.code(), StatusCode::kDataLoss) << "prefix " << n;
  }
}

TEST(CompactReaderTest, NestingIsLimited) {
  // Struct field 1 inside struct field 1 inside ...: one byte per level.
  std::string structs(CompactReader::kMaxDepth + 1, '\x1C');
  structs.append(CompactReader::kMaxDepth + 1, '\0');
  CompactReader deep(structs);
  ExpectDataLoss(SkipStruct(deep), "nesting deeper than 64");

  // Lists of one list of one list ...
  std::string lists = "\x19";
  lists.append(200, '\x19');
  CompactReader deep_lists(lists);
  ExpectDataLoss(SkipStruct(deep_lists), "nesting deeper than 64");

  // kMaxDepth - 1 nested structs inside the top-level one are fine.
  std::string ok(CompactReader::kMaxDepth - 1, '\x1C');
  ok.append(CompactReader::kMaxDepth, '\0');
  CompactReader shallow(ok);
  EXPECT_TRUE(SkipStruct(shallow).ok());
}

TEST(CompactReaderTest, CorruptSizesAndValuesAreDataLoss) {
  struct Case {
    std::string bytes;
    std::string_view error;
  };
  const std::vector<Case> cases = {
      // list<i32> claiming INT32_MAX elements in a few bytes
      {Raw({0x19, 0xF5, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x00}), "list size beyond the end"},
      // list size above INT32_MAX
      {Raw({0x19, 0xF5, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x00}), "list size out of range"},
      // binary of 2^40 bytes
      {Raw({0x18, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20, 0x00}), "binary length beyond the end"},
      // map of 3 entries in 3 bytes
      {Raw({0x1B, 0x03, 0x55, 0x02, 0x02, 0x00}), "map size beyond the end"},
      {Raw({0x1B, 0x01, 0xE5, 0x02, 0x02, 0x00}), "unknown map key or value type"},
      // 11-byte varint
      {Raw({0x16, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x00}),
       "varint overflows"},
      {Raw({0x1E, 0x00}), "unknown field type"},
      {Raw({0x10, 0x00}), "unknown field type"},  // type 0 with a delta is not a stop
      {Raw({0x19, 0x0F, 0x00}), "unknown list element type"},
      // long-form field id beyond i16
      {Raw({0x05, 0x80, 0x80, 0x04, 0x00, 0x00}), "i16 out of range"},
  };
  for (const Case& c : cases) {
    CompactReader r(c.bytes);
    ExpectDataLoss(SkipStruct(r), c.error);
  }

  // An i32 whose varint holds more than 32 bits.
  const std::string wide = Raw({0x15, 0x80, 0x80, 0x80, 0x80, 0x10, 0x00});
  CompactReader r(wide);
  ExpectDataLoss(r.ReadStruct([&](const FieldHeader&) { return r.ReadI32().status(); }),
                 "i32 out of range");

  // Delta headers cannot walk the field id past 32767.
  std::string far = Raw({0x05, 0xFC, 0xFF, 0x03, 0x00});  // id 32766 (zigzag 65532), i32 0
  far += Raw({0x25, 0x00, 0x00});                         // delta 2 -> 32768
  CompactReader f(far);
  ExpectDataLoss(SkipStruct(f), "field id out of range");
}

TEST(CompactReaderTest, ExpectTypeNamesTheField) {
  FieldHeader field{4, CompactType::kBinary};
  EXPECT_TRUE(ExpectType(field, CompactType::kBinary, "x").ok());
  ExpectDataLoss(ExpectType(field, CompactType::kI32, "SchemaElement.name"),
                 "SchemaElement.name (field 4) has wire type 8, expected 5");
  EXPECT_TRUE(ExpectType({1, CompactType::kBoolFalse}, CompactType::kBoolTrue, "b").ok());
  EXPECT_FALSE(BoolValue({1, CompactType::kBoolFalse}));
  EXPECT_TRUE(BoolValue({1, CompactType::kBoolTrue}));
}

}  // namespace
}  // namespace de::parquet::thrift
