// An encoder for the Thrift compact protocol, enough to serialize Parquet's metadata structs
// (parquet.thrift): structs with delta-encoded field headers, bool/i8/i16/i32/i64/binary fields,
// and lists of i32, binary and structs.
//
// Wire format (Thrift compact protocol specification):
//   integers     i16/i32/i64 are zigzag-encoded, then written as ULEB128 varints; i8 is one byte
//   binary       varint length, then the bytes
//   field header (delta << 4) | type when 1 <= delta <= 15, where delta = id - previous id in the
//                same struct; otherwise the type byte followed by the zigzag varint i16 id
//   bool field   the value lives in the header's type nibble: 1 = true, 2 = false
//   list header  (size << 4) | element type when size < 15; else 0xF0 | type, then varint size
//   struct end   a stop byte 0x00
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace de::parquet::thrift {

// Type codes used in field headers and list headers.
enum class CompactType : uint8_t {
  kStop = 0,
  kBoolTrue = 1,
  kBoolFalse = 2,
  kByte = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
};

inline uint64_t ZigZag(int64_t value) {
  return (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63);
}

// Appends compact-protocol bytes to a string. Not thread-safe.
//
// Usage: a top-level struct is BeginStruct() ... EndStruct(). Fields must be written in
// increasing id order within a struct (the delta form needs it for compactness, not for
// correctness). A struct-typed field is BeginStructField(id) ... EndStruct(); a list field is
// BeginListField(id, type, size) followed by exactly `size` elements; struct elements are
// BeginStruct() ... EndStruct().
class CompactWriter {
 public:
  explicit CompactWriter(std::string* out) : out_(out) {}

  void BeginStruct();
  void EndStruct();

  void BoolField(int16_t id, bool value);
  void I8Field(int16_t id, int8_t value);
  void I16Field(int16_t id, int16_t value) { IntegerField(id, CompactType::kI16, value); }
  void I32Field(int16_t id, int32_t value) { IntegerField(id, CompactType::kI32, value); }
  void I64Field(int16_t id, int64_t value) { IntegerField(id, CompactType::kI64, value); }
  void BinaryField(int16_t id, std::string_view value);
  void BeginStructField(int16_t id);
  void BeginListField(int16_t id, CompactType element_type, size_t size);

  // A bool list element is one byte, 1 true and 2 false (the compact protocol's element form);
  // its list header's element type is kBoolTrue.
  void BoolElement(bool value) { Byte(value ? 1 : 2); }
  void I32Element(int32_t value) { Varint(ZigZag(value)); }
  void I64Element(int64_t value) { Varint(ZigZag(value)); }
  void BinaryElement(std::string_view value);

 private:
  static constexpr int kMaxDepth = 32;

  void FieldHeader(int16_t id, CompactType type);
  void IntegerField(int16_t id, CompactType type, int64_t value);
  void Varint(uint64_t value);
  void Byte(uint8_t value) { out_->push_back(static_cast<char>(value)); }

  std::string* out_;
  int16_t last_field_id_ = 0;
  int16_t saved_ids_[kMaxDepth] = {};
  int depth_ = 0;
};

}  // namespace de::parquet::thrift
