#include "parquet/byte_array_column_writer.h"

#include <gtest/gtest.h>

#include <string>

#include "parquet/test_parquet_reader.h"

namespace de::parquet {
namespace {

using testing::ReadColumnChunk;
using testing::ReadFooter;
using testing::WriteParquet;

// A column holding only empty values has an empty arena whose data pointer is null; PLAIN
// encoding must not hand that pointer to memcpy (undefined behaviour, fatal under UBSan).
// Found by the interop matrix (tests/interop).
TEST(ByteArrayColumnWriterTest, PlainEncodesEmptyValuesFromAnEmptyArena) {
  const Schema schema{{{"s", DataType::String(), false}}};
  Batch batch(schema);
  for (int i = 0; i < 3; ++i) batch.column(0).AppendBytes("");
  ASSERT_TRUE(batch.FinishRows(3).ok());
  WriterOptions options;
  options.codec = Codec::kUncompressed;
  options.dictionary = false;

  const std::string file = WriteParquet(schema, options, {&batch});

  const auto chunk = ReadColumnChunk(file, ReadFooter(file), 0, 0, false);
  ASSERT_EQ(chunk.rows.size(), 3u);
  for (const auto& value : chunk.rows) EXPECT_EQ(value, "");
}

}  // namespace
}  // namespace de::parquet
