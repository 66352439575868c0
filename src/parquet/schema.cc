#include "parquet/schema.h"

#include <set>
#include <string_view>

namespace de::parquet {
namespace {

using format::ConvertedType;
using format::LogicalType;
using Kind = format::LogicalType::Kind;

format::Type PhysicalType(const DataType& type) {
  switch (type.id) {
    case TypeId::kBool:
      return format::Type::kBoolean;
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kDate:
      return format::Type::kInt32;
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return format::Type::kInt64;
    case TypeId::kFloat:
      return format::Type::kFloat;
    case TypeId::kDouble:
      return format::Type::kDouble;
    case TypeId::kDecimal:
      if (type.precision <= 9) return format::Type::kInt32;
      if (type.precision <= 18) return format::Type::kInt64;
      return format::Type::kFixedLenByteArray;
    case TypeId::kString:
    case TypeId::kJson:
    case TypeId::kBinary:
      return format::Type::kByteArray;
    case TypeId::kUuid:
      return format::Type::kFixedLenByteArray;
  }
  return format::Type::kByteArray;
}

LogicalType Integer(int bits) {
  LogicalType t;
  t.kind = Kind::kInteger;
  t.bit_width = static_cast<int8_t>(bits);
  t.is_signed = true;
  return t;
}

// Sets the logical type and, where the format defines one, the converted type.
void Annotate(const DataType& type, format::SchemaElement* e) {
  auto set = [e](Kind kind, std::optional<ConvertedType> converted) {
    e->logical_type.kind = kind;
    e->converted_type = converted;
  };
  switch (type.id) {
    case TypeId::kInt16:
      e->logical_type = Integer(16);
      e->converted_type = ConvertedType::kInt16;
      break;
    case TypeId::kInt32:
      e->logical_type = Integer(32);
      e->converted_type = ConvertedType::kInt32;
      break;
    case TypeId::kInt64:
      e->logical_type = Integer(64);
      e->converted_type = ConvertedType::kInt64;
      break;
    case TypeId::kDecimal:
      set(Kind::kDecimal, ConvertedType::kDecimal);
      e->logical_type.precision = e->precision.emplace(type.precision);
      e->logical_type.scale = e->scale.emplace(type.scale);
      break;
    case TypeId::kString:
      set(Kind::kString, ConvertedType::kUtf8);
      break;
    case TypeId::kJson:
      set(Kind::kJson, ConvertedType::kJson);
      break;
    case TypeId::kDate:
      set(Kind::kDate, ConvertedType::kDate);
      break;
    case TypeId::kTimestamp:
      set(Kind::kTimestamp, ConvertedType::kTimestampMicros);
      e->logical_type.adjusted_to_utc = type.utc;
      break;
    case TypeId::kUuid:
      set(Kind::kUuid, std::nullopt);
      break;
    case TypeId::kBool:
    case TypeId::kFloat:
    case TypeId::kDouble:
    case TypeId::kBinary:
      break;
  }
}

}  // namespace

int DecimalByteWidth(int precision) {
  // Smallest n with 2^(8n - 1) - 1 >= 10^precision - 1, the largest unscaled magnitude.
  unsigned __int128 limit = 1;
  for (int i = 0; i < precision; ++i) limit *= 10;
  int bytes = 1;
  while ((static_cast<unsigned __int128>(1) << (8 * bytes - 1)) < limit) ++bytes;
  return bytes;
}

Result<std::vector<ColumnDescriptor>> DescribeSchema(const Schema& schema) {
  if (schema.fields.empty()) return InvalidArgument("a Parquet file needs at least one column");
  std::set<std::string_view> names;
  std::vector<ColumnDescriptor> columns;
  columns.reserve(schema.fields.size());
  for (const Field& field : schema.fields) {
    if (field.name.empty()) return InvalidArgument("column names must not be empty");
    if (!names.insert(field.name).second) {
      return InvalidArgument("duplicate column name '{}'", field.name);
    }
    const DataType& type = field.type;
    if (type.id == TypeId::kDecimal &&
        (type.precision < 1 || type.precision > 38 || type.scale > type.precision)) {
      return InvalidArgument(
          "column '{}': decimal({},{}) needs precision 1..38 and scale "
          "0..precision",
          field.name, type.precision, type.scale);
    }
    ColumnDescriptor column;
    column.name = field.name;
    column.type = type;
    column.required = !field.nullable;
    column.physical = PhysicalType(type);
    if (type.id == TypeId::kUuid) column.type_length = 16;
    if (column.physical == format::Type::kFixedLenByteArray && type.id == TypeId::kDecimal) {
      column.type_length = DecimalByteWidth(type.precision);
    }
    columns.push_back(std::move(column));
  }
  return columns;
}

std::vector<format::SchemaElement> MakeSchemaElements(
    const std::vector<ColumnDescriptor>& columns) {
  std::vector<format::SchemaElement> elements(columns.size() + 1);
  elements[0].name = "schema";
  elements[0].num_children = static_cast<int32_t>(columns.size());
  for (size_t i = 0; i < columns.size(); ++i) {
    const ColumnDescriptor& c = columns[i];
    format::SchemaElement& e = elements[i + 1];
    e.name = c.name;
    e.type = c.physical;
    if (c.physical == format::Type::kFixedLenByteArray) e.type_length = c.type_length;
    e.repetition_type = c.required ? format::Repetition::kRequired : format::Repetition::kOptional;
    Annotate(c.type, &e);
  }
  return elements;
}

}  // namespace de::parquet
