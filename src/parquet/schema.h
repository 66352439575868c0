// Mapping from our columnar schema to Parquet leaf columns: physical type, type length,
// repetition, logical and converted types (see the table in file_writer.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "columnar/data_type.h"
#include "common/status.h"
#include "parquet/format.h"

namespace de::parquet {

// One leaf column of the file.
struct ColumnDescriptor {
  std::string name;
  DataType type;
  bool required = false;  // Field.nullable == false: no definition levels
  format::Type physical = format::Type::kInt32;
  int32_t type_length = 0;  // FIXED_LEN_BYTE_ARRAY only

  // True for STRING and JSON, whose statistics bounds must stay valid UTF-8.
  bool is_utf8() const { return type.id == TypeId::kString || type.id == TypeId::kJson; }
};

// Bytes of the smallest big-endian two's complement integer that holds every unscaled value of
// a decimal of `precision` digits (1..38).
int DecimalByteWidth(int precision);

// Describes each field of `schema`. Errors: kInvalidArgument for an empty schema, an empty or
// duplicate column name, or a decimal whose precision is outside 1..38 or scale outside
// 0..precision.
Result<std::vector<ColumnDescriptor>> DescribeSchema(const Schema& schema);

// The FileMetaData.schema list: a root group named "schema" followed by one element per leaf.
std::vector<format::SchemaElement> MakeSchemaElements(const std::vector<ColumnDescriptor>& columns);

}  // namespace de::parquet
