#include "parquet/thrift_compact_reader.h"

#include <limits>

namespace de::parquet::thrift {
namespace {

constexpr uint8_t kMaxTypeCode = 13;  // UUID, the last type of the compact protocol
constexpr uint8_t kUuidCode = 13;

bool IsBool(CompactType type) {
  return type == CompactType::kBoolTrue || type == CompactType::kBoolFalse;
}

int64_t UnZigZag(uint64_t value) {
  return static_cast<int64_t>(value >> 1) ^ -static_cast<int64_t>(value & 1);
}

}  // namespace

Status ExpectType(const FieldHeader& field, CompactType expected, std::string_view what) {
  const bool match = IsBool(expected) ? IsBool(field.type) : field.type == expected;
  if (match) return Status::Ok();
  return DataLoss("malformed Thrift: {} (field {}) has wire type {}, expected {}", what, field.id,
                  static_cast<int>(field.type), static_cast<int>(expected));
}

Status CompactReader::Malformed(std::string_view what) const {
  return DataLoss("malformed Thrift at byte {} of {}: {}", pos_, data_.size(), what);
}

Status CompactReader::Enter() {
  if (depth_ >= kMaxDepth) return Malformed("nesting deeper than 64 levels");
  ++depth_;
  return Status::Ok();
}

Result<uint8_t> CompactReader::ReadByte() {
  if (pos_ >= data_.size()) return Malformed("truncated");
  return static_cast<uint8_t>(data_[pos_++]);
}

Status CompactReader::SkipBytes(size_t n) {
  if (n > remaining()) return Malformed("truncated");
  pos_ += n;
  return Status::Ok();
}

Result<uint64_t> CompactReader::ReadVarint() {
  uint64_t value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    ASSIGN_OR_RETURN(const uint8_t byte, ReadByte());
    // The tenth byte holds bit 63 only; anything more overflows 64 bits.
    if (shift == 63 && byte > 1) return Malformed("varint overflows 64 bits");
    value |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) return value;
  }
  return Malformed("varint longer than 10 bytes");  // unreachable: the tenth byte returns
}

Result<int8_t> CompactReader::ReadI8() {
  ASSIGN_OR_RETURN(const uint8_t byte, ReadByte());
  return static_cast<int8_t>(byte);
}

Result<int16_t> CompactReader::ReadI16() {
  ASSIGN_OR_RETURN(const int32_t value, ReadI32());
  if (value < std::numeric_limits<int16_t>::min() || value > std::numeric_limits<int16_t>::max()) {
    return Malformed("i16 out of range");
  }
  return static_cast<int16_t>(value);
}

Result<int32_t> CompactReader::ReadI32() {
  ASSIGN_OR_RETURN(const uint64_t raw, ReadVarint());
  if (raw > std::numeric_limits<uint32_t>::max()) return Malformed("i32 out of range");
  return static_cast<int32_t>(UnZigZag(raw));
}

Result<int64_t> CompactReader::ReadI64() {
  ASSIGN_OR_RETURN(const uint64_t raw, ReadVarint());
  return UnZigZag(raw);
}

Result<std::string_view> CompactReader::ReadBinary() {
  ASSIGN_OR_RETURN(const uint64_t size, ReadVarint());
  if (size > remaining()) return Malformed("binary length beyond the end of the data");
  std::string_view value = data_.substr(pos_, static_cast<size_t>(size));
  pos_ += static_cast<size_t>(size);
  return value;
}

Result<ListHeader> CompactReader::ReadListHeader() {
  ASSIGN_OR_RETURN(const uint8_t header, ReadByte());
  const uint8_t type = header & 0x0F;
  uint64_t size = header >> 4;
  if (size == 15) {
    ASSIGN_OR_RETURN(size, ReadVarint());
    if (size > static_cast<uint64_t>(std::numeric_limits<int32_t>::max())) {
      return Malformed("list size out of range");
    }
  }
  if (type == 0 || type > kMaxTypeCode) return Malformed("unknown list element type");
  // Every element takes at least one byte, so a larger count is corrupt.
  if (size > remaining()) return Malformed("list size beyond the end of the data");
  ListHeader list;
  list.element_type = IsBool(static_cast<CompactType>(type)) ? CompactType::kBoolTrue
                                                             : static_cast<CompactType>(type);
  list.size = static_cast<uint32_t>(size);
  return list;
}

Result<std::optional<FieldHeader>> CompactReader::ReadFieldHeader(int16_t* last_id) {
  ASSIGN_OR_RETURN(const uint8_t header, ReadByte());
  if (header == 0) return std::optional<FieldHeader>();
  const uint8_t type = header & 0x0F;
  if (type == 0 || type > kMaxTypeCode) return Malformed("unknown field type");
  const int delta = header >> 4;
  FieldHeader field;
  field.type = static_cast<CompactType>(type);
  if (delta == 0) {
    ASSIGN_OR_RETURN(field.id, ReadI16());
  } else {
    const int id = *last_id + delta;
    if (id > std::numeric_limits<int16_t>::max()) return Malformed("field id out of range");
    field.id = static_cast<int16_t>(id);
  }
  *last_id = field.id;
  return std::optional<FieldHeader>(field);
}

Status CompactReader::Skip(CompactType type) {
  if (IsBool(type)) return Status::Ok();  // the value was in the field header
  return SkipElement(type);
}

Status CompactReader::SkipElements(CompactType type, uint64_t count) {
  for (uint64_t i = 0; i < count; ++i) RETURN_IF_ERROR(SkipElement(type));
  return Status::Ok();
}

Status CompactReader::SkipElement(CompactType type) {
  switch (type) {
    case CompactType::kBoolTrue:
    case CompactType::kBoolFalse:
    case CompactType::kByte:
      return SkipBytes(1);
    case CompactType::kI16:
    case CompactType::kI32:
    case CompactType::kI64:
      return ReadVarint().status();
    case CompactType::kDouble:
      return SkipBytes(8);
    case CompactType::kBinary:
      return ReadBinary().status();
    case CompactType::kList:
    case CompactType::kSet: {
      RETURN_IF_ERROR(Enter());
      ASSIGN_OR_RETURN(const ListHeader list, ReadListHeader());
      RETURN_IF_ERROR(SkipElements(list.element_type, list.size));
      Leave();
      return Status::Ok();
    }
    case CompactType::kMap: {
      RETURN_IF_ERROR(Enter());
      ASSIGN_OR_RETURN(const uint64_t size, ReadVarint());
      if (size == 0) {
        Leave();
        return Status::Ok();
      }
      ASSIGN_OR_RETURN(const uint8_t types, ReadByte());
      const uint8_t key = types >> 4;
      const uint8_t value = types & 0x0F;
      if (key == 0 || key > kMaxTypeCode || value == 0 || value > kMaxTypeCode) {
        return Malformed("unknown map key or value type");
      }
      // Every key and every value takes at least one byte.
      if (size > remaining() / 2) return Malformed("map size beyond the end of the data");
      for (uint64_t i = 0; i < size; ++i) {
        RETURN_IF_ERROR(SkipElement(static_cast<CompactType>(key)));
        RETURN_IF_ERROR(SkipElement(static_cast<CompactType>(value)));
      }
      Leave();
      return Status::Ok();
    }
    case CompactType::kStruct:
      return ReadStruct([this](const FieldHeader& field) { return Skip(field.type); });
    case CompactType::kStop:
      break;
  }
  if (static_cast<uint8_t>(type) == kUuidCode) return SkipBytes(16);
  return Malformed("unknown element type");
}

}  // namespace de::parquet::thrift
