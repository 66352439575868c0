// Logical column types shared by the warehouse readers, the policy engine and the Parquet writer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace de {

// Physical representation of each type inside a ColumnVector:
//   kBool        uint8_t, 0 or 1
//   kInt16/32/64 int16_t / int32_t / int64_t
//   kFloat       float;  kDouble double
//   kDecimal     unscaled value: int64_t when precision <= 18, __int128 when 19..38
//   kString      UTF-8 bytes in the arena (offsets + arena)
//   kJson        UTF-8 JSON text in the arena
//   kBinary      raw bytes in the arena
//   kDate        int32_t days since 1970-01-01
//   kTimestamp   int64_t microseconds since 1970-01-01T00:00:00; an instant in UTC when
//                `utc` is true, a local wall-clock time without zone when false
//   kUuid        16 bytes, RFC 4122 byte order
enum class TypeId : uint8_t {
  kBool,
  kInt16,
  kInt32,
  kInt64,
  kFloat,
  kDouble,
  kDecimal,
  kString,
  kJson,
  kBinary,
  kDate,
  kTimestamp,
  kUuid,
};

struct DataType {
  TypeId id = TypeId::kString;
  uint8_t precision = 0;  // kDecimal only: 1..38
  uint8_t scale = 0;      // kDecimal only: 0..precision
  bool utc = false;       // kTimestamp only

  static DataType Bool() { return {TypeId::kBool}; }
  static DataType Int16() { return {TypeId::kInt16}; }
  static DataType Int32() { return {TypeId::kInt32}; }
  static DataType Int64() { return {TypeId::kInt64}; }
  static DataType Float() { return {TypeId::kFloat}; }
  static DataType Double() { return {TypeId::kDouble}; }
  static DataType Decimal(int precision, int scale) {
    return {TypeId::kDecimal, static_cast<uint8_t>(precision), static_cast<uint8_t>(scale)};
  }
  static DataType String() { return {TypeId::kString}; }
  static DataType Json() { return {TypeId::kJson}; }
  static DataType Binary() { return {TypeId::kBinary}; }
  static DataType Date() { return {TypeId::kDate}; }
  static DataType Timestamp(bool utc) { return {TypeId::kTimestamp, 0, 0, utc}; }
  static DataType Uuid() { return {TypeId::kUuid}; }

  // True for kString, kJson and kBinary, stored as offsets + arena.
  bool is_variable_width() const {
    return id == TypeId::kString || id == TypeId::kJson || id == TypeId::kBinary;
  }
  // Bytes per value for fixed-width types; 0 for variable-width ones.
  int byte_width() const;

  // "int64", "decimal(12,2)", "timestamp", "timestamptz", ... Parsed back by ParseDataType.
  std::string ToString() const;

  friend bool operator==(const DataType&, const DataType&) = default;
};

// Parses the spelling produced by DataType::ToString; nullopt if it is not one.
std::optional<DataType> ParseDataType(std::string_view text);

// One named column of a schema.
struct Field {
  std::string name;
  DataType type;
  bool nullable = true;

  friend bool operator==(const Field&, const Field&) = default;
};

struct Schema {
  std::vector<Field> fields;

  // Index of the field called `name`, or -1.
  int FieldIndex(std::string_view name) const;
  size_t size() const { return fields.size(); }

  friend bool operator==(const Schema&, const Schema&) = default;
};

}  // namespace de
