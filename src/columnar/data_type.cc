#include "columnar/data_type.h"

#include <charconv>

#include <fmt/format.h>

namespace de {

int DataType::byte_width() const {
  switch (id) {
    case TypeId::kBool:
      return 1;
    case TypeId::kInt16:
      return 2;
    case TypeId::kInt32:
    case TypeId::kFloat:
    case TypeId::kDate:
      return 4;
    case TypeId::kInt64:
    case TypeId::kDouble:
    case TypeId::kTimestamp:
      return 8;
    case TypeId::kDecimal:
      return precision <= 18 ? 8 : 16;
    case TypeId::kUuid:
      return 16;
    case TypeId::kString:
    case TypeId::kJson:
    case TypeId::kBinary:
      return 0;
  }
  return 0;
}

std::string DataType::ToString() const {
  switch (id) {
    case TypeId::kBool:
      return "bool";
    case TypeId::kInt16:
      return "int16";
    case TypeId::kInt32:
      return "int32";
    case TypeId::kInt64:
      return "int64";
    case TypeId::kFloat:
      return "float";
    case TypeId::kDouble:
      return "double";
    case TypeId::kDecimal:
      return fmt::format("decimal({},{})", precision, scale);
    case TypeId::kString:
      return "string";
    case TypeId::kJson:
      return "json";
    case TypeId::kBinary:
      return "binary";
    case TypeId::kDate:
      return "date";
    case TypeId::kTimestamp:
      return utc ? "timestamptz" : "timestamp";
    case TypeId::kUuid:
      return "uuid";
  }
  return "unknown";
}

std::optional<DataType> ParseDataType(std::string_view text) {
  static const std::pair<std::string_view, DataType> kSimple[] = {
      {"bool", DataType::Bool()},
      {"int16", DataType::Int16()},
      {"int32", DataType::Int32()},
      {"int64", DataType::Int64()},
      {"float", DataType::Float()},
      {"double", DataType::Double()},
      {"string", DataType::String()},
      {"json", DataType::Json()},
      {"binary", DataType::Binary()},
      {"date", DataType::Date()},
      {"timestamp", DataType::Timestamp(false)},
      {"timestamptz", DataType::Timestamp(true)},
      {"uuid", DataType::Uuid()},
  };
  for (const auto& [name, type] : kSimple) {
    if (text == name) return type;
  }
  if (text.starts_with("decimal(") && text.ends_with(")")) {
    std::string_view inner = text.substr(8, text.size() - 9);
    size_t comma = inner.find(',');
    if (comma == std::string_view::npos) return std::nullopt;
    int p = 0, s = 0;
    auto [pe, pec] = std::from_chars(inner.data(), inner.data() + comma, p);
    auto [se, sec] = std::from_chars(inner.data() + comma + 1, inner.data() + inner.size(), s);
    if (pec != std::errc() || sec != std::errc() || pe != inner.data() + comma ||
        se != inner.data() + inner.size() || p < 1 || p > 38 || s < 0 || s > p) {
      return std::nullopt;
    }
    return DataType::Decimal(p, s);
  }
  return std::nullopt;
}

int Schema::FieldIndex(std::string_view name) const {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace de
