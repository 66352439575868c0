#include "warehouse/sqlite/sqlite_types.h"

#include <gtest/gtest.h>

namespace de {
namespace {

struct MappingCase {
  const char* declared;
  const char* expected;  // DataType::ToString, or "" for no mapping
};

class SqliteTypeMappingTest : public ::testing::TestWithParam<MappingCase> {};

TEST_P(SqliteTypeMappingTest, MapsDeclaredType) {
  const MappingCase& c = GetParam();
  std::optional<DataType> type = DataTypeFromSqliteDeclaration(c.declared);
  if (std::string(c.expected).empty()) {
    EXPECT_FALSE(type.has_value()) << c.declared << " mapped to " << type->ToString();
  } else {
    ASSERT_TRUE(type.has_value()) << c.declared;
    EXPECT_EQ(type->ToString(), c.expected) << c.declared;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, SqliteTypeMappingTest,
    ::testing::Values(
        MappingCase{"INTEGER", "int64"}, MappingCase{"int", "int64"},
        MappingCase{"BigInt", "int64"}, MappingCase{"INT8", "int64"},
        MappingCase{"unsigned  big   int", "int64"}, MappingCase{"MEDIUMINT", "int32"},
        MappingCase{"INT4", "int32"}, MappingCase{"SMALLINT", "int16"},
        MappingCase{"tinyint", "int16"}, MappingCase{"INT2", "int16"},
        MappingCase{"REAL", "double"}, MappingCase{"DOUBLE", "double"},
        MappingCase{"double precision", "double"}, MappingCase{"FLOAT", "double"},
        MappingCase{"FLOAT8", "double"}, MappingCase{"TEXT", "string"},
        MappingCase{"CLOB", "string"}, MappingCase{"VARCHAR(255)", "string"},
        MappingCase{"varchar", "string"}, MappingCase{"CHAR(3)", "string"},
        MappingCase{"CHARACTER VARYING(10)", "string"}, MappingCase{"NVARCHAR(100)", "string"},
        MappingCase{"NCHAR(55)", "string"}, MappingCase{"NATIVE CHARACTER(70)", "string"},
        MappingCase{"VARYING CHARACTER(255)", "string"}, MappingCase{"BLOB", "binary"},
        MappingCase{"BOOLEAN", "bool"}, MappingCase{"bool", "bool"}, MappingCase{"DATE", "date"},
        MappingCase{"TIMESTAMP", "timestamp"}, MappingCase{"timestamp(6)", "timestamp"},
        MappingCase{"DATETIME", "timestamp"},
        MappingCase{"TIMESTAMP WITHOUT TIME ZONE", "timestamp"},
        MappingCase{"TIMESTAMPTZ", "timestamptz"},
        MappingCase{"timestamp with time zone", "timestamptz"},
        MappingCase{"TIMESTAMP(3) WITH TIME ZONE", "timestamptz"},
        MappingCase{"NUMERIC(12,2)", "decimal(12,2)"},
        MappingCase{"decimal( 5 , 4 )", "decimal(5,4)"},
        MappingCase{"NUMERIC(38,38)", "decimal(38,38)"},
        MappingCase{"NUMERIC(10)", "decimal(10,0)"}, MappingCase{"DECIMAL(1,0)", "decimal(1,0)"},
        MappingCase{"JSON", "json"}, MappingCase{"uuid", "uuid"},
        // No mapping: fail closed.
        MappingCase{"", ""}, MappingCase{"NUMERIC", ""}, MappingCase{"DECIMAL", ""},
        MappingCase{"NUMERIC(39,2)", ""}, MappingCase{"NUMERIC(0)", ""},
        MappingCase{"NUMERIC(5,6)", ""}, MappingCase{"NUMERIC(5,-1)", ""},
        MappingCase{"NUMERIC(5,2,1)", ""}, MappingCase{"NUMERIC(a,b)", ""},
        MappingCase{"NUMERIC(5", ""}, MappingCase{"STRING", ""}, MappingCase{"INTEGER(5)", ""},
        MappingCase{"VARCHAR(1,2)", ""}, MappingCase{"GEOMETRY", ""}, MappingCase{"POINT", ""},
        MappingCase{"INTEGERS", ""}, MappingCase{"TIMESTAMP WITH LOCAL TIME ZONE", ""},
        MappingCase{"FLOAT4", ""}, MappingCase{"JSONB", ""}));

}  // namespace
}  // namespace de
