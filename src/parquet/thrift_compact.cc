#include "parquet/thrift_compact.h"

#include <cstdlib>

#include "parquet/bit_util.h"

namespace de::parquet::thrift {

void CompactWriter::BeginStruct() {
  if (depth_ == kMaxDepth) std::abort();  // our metadata nests at most 6 levels
  saved_ids_[depth_++] = last_field_id_;
  last_field_id_ = 0;
}

void CompactWriter::EndStruct() {
  Byte(static_cast<uint8_t>(CompactType::kStop));
  last_field_id_ = saved_ids_[--depth_];
}

void CompactWriter::BoolField(int16_t id, bool value) {
  FieldHeader(id, value ? CompactType::kBoolTrue : CompactType::kBoolFalse);
}

void CompactWriter::I8Field(int16_t id, int8_t value) {
  FieldHeader(id, CompactType::kByte);
  Byte(static_cast<uint8_t>(value));
}

void CompactWriter::BinaryField(int16_t id, std::string_view value) {
  FieldHeader(id, CompactType::kBinary);
  BinaryElement(value);
}

void CompactWriter::BeginStructField(int16_t id) {
  FieldHeader(id, CompactType::kStruct);
  BeginStruct();
}

void CompactWriter::BeginListField(int16_t id, CompactType element_type, size_t size) {
  FieldHeader(id, CompactType::kList);
  const auto type = static_cast<uint8_t>(element_type);
  if (size < 15) {
    Byte(static_cast<uint8_t>(size << 4) | type);
  } else {
    Byte(0xF0 | type);
    Varint(size);
  }
}

void CompactWriter::BinaryElement(std::string_view value) {
  Varint(value.size());
  out_->append(value);
}

void CompactWriter::FieldHeader(int16_t id, CompactType type) {
  const int delta = id - last_field_id_;
  if (delta > 0 && delta <= 15) {
    Byte(static_cast<uint8_t>(delta << 4) | static_cast<uint8_t>(type));
  } else {
    Byte(static_cast<uint8_t>(type));
    Varint(ZigZag(id));
  }
  last_field_id_ = id;
}

void CompactWriter::IntegerField(int16_t id, CompactType type, int64_t value) {
  FieldHeader(id, type);
  Varint(ZigZag(value));
}

void CompactWriter::Varint(uint64_t value) {
  uint8_t bytes[10];
  const size_t n = PutUleb128(value, bytes);
  out_->append(reinterpret_cast<const char*>(bytes), n);
}

}  // namespace de::parquet::thrift
