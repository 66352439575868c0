#include "columnar/column_vector.h"

#include <gtest/gtest.h>

namespace de {
namespace {

TEST(ColumnVectorTest, FixedWidthWithNulls) {
  ColumnVector c(DataType::Int64());
  for (int64_t i = 0; i < 20; ++i) {
    if (i % 3 == 0) {
      c.AppendNull();
    } else {
      c.Append<int64_t>(i * 10);
    }
  }
  EXPECT_EQ(c.size(), 20u);
  EXPECT_EQ(c.null_count(), 7u);
  EXPECT_TRUE(c.IsNull(0));
  EXPECT_TRUE(c.IsValid(1));
  EXPECT_EQ(c.Value<int64_t>(19), 190);
  EXPECT_EQ(c.Value<int64_t>(18), 0);  // NULL rows hold zero
  c.SetNull(19);
  EXPECT_EQ(c.null_count(), 8u);
  c.Clear();
  EXPECT_EQ(c.size(), 0u);
  EXPECT_EQ(c.null_count(), 0u);
  c.Append<int64_t>(5);
  EXPECT_TRUE(c.IsValid(0));
}

TEST(ColumnVectorTest, StringsShareOneArena) {
  ColumnVector c(DataType::String());
  c.AppendBytes("hello");
  c.AppendNull();
  c.AppendBytes("");
  c.AppendBytes("wörld");
  ASSERT_EQ(c.size(), 4u);
  EXPECT_EQ(c.Bytes(0), "hello");
  EXPECT_TRUE(c.IsNull(1));
  EXPECT_EQ(c.Bytes(1), "");
  EXPECT_TRUE(c.IsValid(2));
  EXPECT_EQ(c.Bytes(2), "");
  EXPECT_EQ(c.Bytes(3), "wörld");
  EXPECT_EQ(c.arena_bytes(), 5u + 6u);
  EXPECT_EQ(c.offsets()[4], 11u);
}

TEST(ColumnVectorTest, UuidAndDecimal128) {
  ColumnVector u(DataType::Uuid());
  uint8_t bytes[16];
  for (int i = 0; i < 16; ++i) bytes[i] = static_cast<uint8_t>(i);
  u.AppendFixedBytes(bytes);
  u.AppendNull();
  EXPECT_EQ(u.values<uint8_t>()[15], 15);
  EXPECT_EQ(u.values<uint8_t>()[16], 0);
  ColumnVector d(DataType::Decimal(30, 2));
  EXPECT_EQ(d.type().byte_width(), 16);
  __int128 big = static_cast<__int128>(1) << 100;
  d.Append<__int128>(-big);
  EXPECT_EQ(d.Value<__int128>(0), -big);
}

TEST(BatchTest, FinishRowsChecksLengths) {
  Schema schema{{{"a", DataType::Int32(), false}, {"b", DataType::String(), true}}};
  Batch batch(schema);
  batch.column(0).Append<int32_t>(1);
  batch.column(1).AppendBytes("x");
  EXPECT_TRUE(batch.FinishRows(1).ok());
  batch.column(0).Append<int32_t>(2);
  Status s = batch.FinishRows(2);
  EXPECT_EQ(s.code(), StatusCode::kInternal);
  EXPECT_NE(s.message().find("'b'"), std::string::npos);
  batch.Clear();
  EXPECT_EQ(batch.num_rows(), 0u);
  EXPECT_EQ(batch.column(1).size(), 0u);
}

TEST(DataTypeTest, RoundTripsNames) {
  for (DataType t :
       {DataType::Bool(), DataType::Int16(), DataType::Decimal(38, 10), DataType::Timestamp(true),
        DataType::Timestamp(false), DataType::Uuid(), DataType::Json()}) {
    auto parsed = ParseDataType(t.ToString());
    ASSERT_TRUE(parsed.has_value()) << t.ToString();
    EXPECT_EQ(*parsed, t);
  }
  EXPECT_FALSE(ParseDataType("decimal(40,2)").has_value());
  EXPECT_FALSE(ParseDataType("decimal(5,6)").has_value());
  EXPECT_FALSE(ParseDataType("varchar").has_value());
}

}  // namespace
}  // namespace de
