// The JSON description of what a Parquet file of the interop matrix must contain, written beside
// it as NAME.expected.json and checked by read_parquet.mjs. The format is documented in
// tests/interop/README.md; in short, one entry per column:
//   {"name", "type" (DataType::ToString), "nullable", "physical_type", "type_length",
//    "converted_type", "logical_type", "values": [...]}
// with values encoded exactly (64-bit integers, decimals and timestamps as strings, binary and
// UUID as lowercase hex, NaN and infinities as the strings "NaN", "Infinity", "-Infinity").
#pragma once

#include <nlohmann/json.hpp>

#include "columnar/column_vector.h"
#include "columnar/data_type.h"

namespace de::interop {

// Name, our type, nullability and the Parquet physical, converted and logical types the writer
// must give the field (the mapping table of parquet/file_writer.h and the Parquet spec), without
// "values".
nlohmann::json DescribeField(const Field& field);

// Appends every value of `column` to the JSON array `values` in the documented encoding.
void AppendExpectedValues(const ColumnVector& column, nlohmann::json& values);

// Width in bytes of the FIXED_LEN_BYTE_ARRAY holding a decimal of `precision` (19..38): the
// smallest n with 10^precision - 1 <= 2^(8n-1) - 1.
int DecimalFixedWidth(int precision);

}  // namespace de::interop
