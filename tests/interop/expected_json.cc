#include "tests/interop/expected_json.h"

#include <cmath>
#include <string>

#include <fmt/format.h>

namespace de::interop {
namespace {

using Int128 = __int128;
using UInt128 = unsigned __int128;
using Json = nlohmann::json;

std::string Hex(std::string_view bytes) {
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (char c : bytes) hex += fmt::format("{:02x}", static_cast<uint8_t>(c));
  return hex;
}

// Decimal digits of a magnitude.
std::string Digits(UInt128 magnitude) {
  std::string digits;
  do {
    digits.push_back(static_cast<char>('0' + static_cast<int>(magnitude % 10)));
    magnitude /= 10;
  } while (magnitude != 0);
  return {digits.rbegin(), digits.rend()};
}

// "-123.45" for unscaled -12345 and scale 2; "0.05", "-0.05", "7" (scale 0).
std::string DecimalToString(Int128 unscaled, int scale) {
  const bool negative = unscaled < 0;
  std::string digits =
      Digits(negative ? -static_cast<UInt128>(unscaled) : static_cast<UInt128>(unscaled));
  const auto fraction = static_cast<size_t>(scale);
  if (digits.size() <= fraction) digits = std::string(fraction + 1 - digits.size(), '0') + digits;
  std::string text = digits;
  if (fraction > 0) {
    const size_t point = digits.size() - fraction;
    text = digits.substr(0, point) + "." + digits.substr(point);
  }
  return negative ? "-" + text : text;
}

// Proleptic Gregorian calendar date of a day number (days since 1970-01-01), as YYYY-MM-DD.
std::string DateToString(int32_t days) {
  int64_t z = int64_t{days} + 719'468;
  int64_t era = (z >= 0 ? z : z - 146'096) / 146'097;
  int64_t day_of_era = z - era * 146'097;
  int64_t year_of_era =
      (day_of_era - day_of_era / 1'460 + day_of_era / 36'524 - day_of_era / 146'096) / 365;
  int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  int64_t mp = (5 * day_of_year + 2) / 153;
  int64_t day = day_of_year - (153 * mp + 2) / 5 + 1;
  int64_t month = mp < 10 ? mp + 3 : mp - 9;
  int64_t year = year_of_era + era * 400 + (month <= 2 ? 1 : 0);
  return fmt::format("{:04}-{:02}-{:02}", year, month, day);
}

Json FloatToJson(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  return value;  // shortest round-trip form; -0.0 stays "-0.0"
}

Json DecimalValue(const ColumnVector& column, size_t row) {
  const DataType& type = column.type();
  Int128 unscaled =
      type.precision > 18 ? column.Value<Int128>(row) : Int128{column.Value<int64_t>(row)};
  return DecimalToString(unscaled, type.scale);
}

Json ValueToJson(const ColumnVector& column, size_t row) {
  switch (column.type().id) {
    case TypeId::kBool:
      return column.Value<uint8_t>(row) != 0;
    case TypeId::kInt16:
      return column.Value<int16_t>(row);
    case TypeId::kInt32:
      return column.Value<int32_t>(row);
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return std::to_string(column.Value<int64_t>(row));
    case TypeId::kFloat:
      return FloatToJson(column.Value<float>(row));
    case TypeId::kDouble:
      return FloatToJson(column.Value<double>(row));
    case TypeId::kDecimal:
      return DecimalValue(column, row);
    case TypeId::kString:
    case TypeId::kJson:
      return std::string(column.Bytes(row));
    case TypeId::kBinary:
      return Hex(column.Bytes(row));
    case TypeId::kDate:
      return DateToString(column.Value<int32_t>(row));
    case TypeId::kUuid:
      return Hex({reinterpret_cast<const char*>(column.values<uint8_t>() + 16 * row), 16});
  }
  return nullptr;
}

Json IntegerLogicalType(int bit_width) {
  return {{"type", "INTEGER"}, {"bit_width", bit_width}, {"signed", true}};
}

// physical_type, type_length, converted_type, logical_type.
void DescribeParquetType(const DataType& type, Json& out) {
  out["type_length"] = nullptr;
  out["converted_type"] = nullptr;
  out["logical_type"] = nullptr;
  switch (type.id) {
    case TypeId::kBool:
      out["physical_type"] = "BOOLEAN";
      break;
    case TypeId::kInt16:
      out["physical_type"] = "INT32";
      out["converted_type"] = "INT_16";
      out["logical_type"] = IntegerLogicalType(16);
      break;
    case TypeId::kInt32:
      out["physical_type"] = "INT32";
      out["converted_type"] = "INT_32";
      out["logical_type"] = IntegerLogicalType(32);
      break;
    case TypeId::kInt64:
      out["physical_type"] = "INT64";
      out["converted_type"] = "INT_64";
      out["logical_type"] = IntegerLogicalType(64);
      break;
    case TypeId::kFloat:
      out["physical_type"] = "FLOAT";
      break;
    case TypeId::kDouble:
      out["physical_type"] = "DOUBLE";
      break;
    case TypeId::kDecimal:
      out["physical_type"] = type.precision <= 9    ? "INT32"
                             : type.precision <= 18 ? "INT64"
                                                    : "FIXED_LEN_BYTE_ARRAY";
      if (type.precision > 18) out["type_length"] = DecimalFixedWidth(type.precision);
      out["converted_type"] = "DECIMAL";
      out["logical_type"] = {
          {"type", "DECIMAL"}, {"precision", type.precision}, {"scale", type.scale}};
      break;
    case TypeId::kString:
      out["physical_type"] = "BYTE_ARRAY";
      out["converted_type"] = "UTF8";
      out["logical_type"] = {{"type", "STRING"}};
      break;
    case TypeId::kJson:
      out["physical_type"] = "BYTE_ARRAY";
      out["converted_type"] = "JSON";
      out["logical_type"] = {{"type", "JSON"}};
      break;
    case TypeId::kBinary:
      out["physical_type"] = "BYTE_ARRAY";
      break;
    case TypeId::kDate:
      out["physical_type"] = "INT32";
      out["converted_type"] = "DATE";
      out["logical_type"] = {{"type", "DATE"}};
      break;
    case TypeId::kTimestamp:
      // LogicalTypes.md: writers must annotate local (not UTC-adjusted) timestamps with the
      // legacy TIMESTAMP_MICROS converted type too.
      out["physical_type"] = "INT64";
      out["converted_type"] = "TIMESTAMP_MICROS";
      out["logical_type"] = {{"type", "TIMESTAMP"}, {"unit", "MICROS"}, {"utc", type.utc}};
      break;
    case TypeId::kUuid:
      out["physical_type"] = "FIXED_LEN_BYTE_ARRAY";
      out["type_length"] = 16;
      out["logical_type"] = {{"type", "UUID"}};
      break;
  }
}

}  // namespace

int DecimalFixedWidth(int precision) {
  Int128 max_unscaled = 1;
  for (int i = 0; i < precision; ++i) max_unscaled *= 10;
  max_unscaled -= 1;
  for (int width = 1; width < 16; ++width) {
    Int128 max_signed = (Int128{1} << (8 * width - 1)) - 1;
    if (max_unscaled <= max_signed) return width;
  }
  return 16;
}

Json DescribeField(const Field& field) {
  Json out = {{"name", field.name}, {"type", field.type.ToString()}, {"nullable", field.nullable}};
  DescribeParquetType(field.type, out);
  return out;
}

void AppendExpectedValues(const ColumnVector& column, Json& values) {
  for (size_t row = 0; row < column.size(); ++row) {
    values.push_back(column.IsNull(row) ? Json(nullptr) : ValueToJson(column, row));
  }
}

}  // namespace de::interop
