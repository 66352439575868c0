// A decoder for the Thrift compact protocol (the counterpart of thrift_compact.h), built to read
// Parquet metadata from untrusted bytes: every read is bounds-checked, nesting is limited to
// kMaxDepth, and a list, set or map may not claim more elements than there are bytes left, so a
// corrupt length can neither overrun the input nor trigger a huge allocation.
//
// Wire format facts beyond those in thrift_compact.h:
//   double        8 bytes little-endian;  uuid 16 bytes (type 13)
//   bool element  one byte inside a list, set or map (the field form keeps it in the header)
//   set           encoded like a list
//   map           varint size; when non-zero one byte (key type << 4) | value type, then the pairs
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "common/status.h"
#include "parquet/thrift_compact.h"

namespace de::parquet::thrift {

// A struct field's header. For a bool field, `type` is kBoolTrue or kBoolFalse and is the value.
struct FieldHeader {
  int16_t id = 0;
  CompactType type = CompactType::kStop;
};

struct ListHeader {
  CompactType element_type = CompactType::kStop;  // kBoolTrue stands for both bool codes
  uint32_t size = 0;                              // <= the bytes left after the header
};

// Reads compact-protocol values from a byte range it does not own (`data` must outlive the
// reader and every string_view it returns). Not thread-safe.
//
// Every error is kDataLoss with a message naming the byte offset; after an error the position is
// unspecified and the reader should be dropped.
//
// Usage: ReadStruct(on_field) calls on_field(header) once per field; the callback consumes the
// field's value with the Read* call for its type (after ExpectType) or with Skip(header.type).
class CompactReader {
 public:
  // Nesting of structs, lists, sets and maps. Parquet's metadata needs fewer than 10 levels.
  static constexpr int kMaxDepth = 64;

  explicit CompactReader(std::string_view data) : data_(data) {}

  template <typename OnField>
  Status ReadStruct(OnField&& on_field);

  Result<int8_t> ReadI8();
  Result<int16_t> ReadI16();
  Result<int32_t> ReadI32();
  Result<int64_t> ReadI64();
  Result<std::string_view> ReadBinary();
  // A list or set header; the caller then reads exactly `size` elements.
  Result<ListHeader> ReadListHeader();

  // Skips the value of a field whose header carried `type`, whatever it holds.
  Status Skip(CompactType type);

  size_t position() const { return pos_; }
  size_t remaining() const { return data_.size() - pos_; }

 private:
  // Returns nullopt at the stop byte; `last_id` carries the delta base of the enclosing struct.
  Result<std::optional<FieldHeader>> ReadFieldHeader(int16_t* last_id);
  Result<uint64_t> ReadVarint();
  Result<uint8_t> ReadByte();
  Status SkipBytes(size_t n);
  Status SkipElement(CompactType type);
  Status SkipElements(CompactType type, uint64_t count);
  Status Enter();
  void Leave() { --depth_; }
  Status Malformed(std::string_view what) const;

  std::string_view data_;
  size_t pos_ = 0;
  int depth_ = 0;
};

// OK when `field` has the `expected` wire type (either bool code matches kBoolTrue), else
// kDataLoss naming `what` (e.g. "FileMetaData.num_rows").
Status ExpectType(const FieldHeader& field, CompactType expected, std::string_view what);

// The value of a bool field. Precondition: ExpectType(field, kBoolTrue, ...) is OK.
inline bool BoolValue(const FieldHeader& field) { return field.type == CompactType::kBoolTrue; }

template <typename OnField>
Status CompactReader::ReadStruct(OnField&& on_field) {
  RETURN_IF_ERROR(Enter());
  int16_t last_id = 0;
  for (;;) {
    Result<std::optional<FieldHeader>> header = ReadFieldHeader(&last_id);
    if (!header.ok()) return header.status();
    if (!header->has_value()) break;
    RETURN_IF_ERROR(on_field(**header));
  }
  Leave();
  return Status::Ok();
}

}  // namespace de::parquet::thrift
