#include "parquet/file_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "parquet/bloom_filter.h"
#include "parquet/test_parquet_reader.h"
#include "parquet/xxhash64.h"

namespace de::parquet {
namespace {

using testing::ReadColumnChunk;
using testing::ReadFooter;
using testing::Value;
using testing::WriteParquet;

WriterOptions Uncompressed() {
  WriterOptions options;
  options.codec = Codec::kUncompressed;
  return options;
}

// A batch of `rows` rows: id int64 (REQUIRED) = start + i, name string = "name-(i % 7)".
Batch IdNameBatch(const Schema& schema, int64_t start, size_t rows) {
  Batch batch(schema);
  for (size_t i = 0; i < rows; ++i) {
    batch.column(0).Append<int64_t>(start + static_cast<int64_t>(i));
    batch.column(1).AppendBytes("name-" + std::to_string((start + i) % 7));
  }
  EXPECT_TRUE(batch.FinishRows(rows).ok());
  return batch;
}

Schema IdNameSchema() {
  return Schema{{{"id", DataType::Int64(), false}, {"name", DataType::String(), true}}};
}

Schema AllTypesSchema() {
  return Schema{{{"b", DataType::Bool()},
                 {"i16", DataType::Int16()},
                 {"i32", DataType::Int32(), false},
                 {"i64", DataType::Int64()},
                 {"f", DataType::Float()},
                 {"d", DataType::Double()},
                 {"dec9", DataType::Decimal(9, 2)},
                 {"dec18", DataType::Decimal(18, 4)},
                 {"dec38", DataType::Decimal(38, 10)},
                 {"dec20", DataType::Decimal(20, 0)},
                 {"s", DataType::String()},
                 {"j", DataType::Json()},
                 {"bin", DataType::Binary()},
                 {"date", DataType::Date()},
                 {"ts", DataType::Timestamp(true)},
                 {"lts", DataType::Timestamp(false)},
                 {"u", DataType::Uuid()}}};
}

// Row i of AllTypesSchema; every nullable column is NULL on row 1.
Batch AllTypesBatch(size_t rows) {
  Batch batch(AllTypesSchema());
  for (size_t i = 0; i < rows; ++i) {
    const auto v = static_cast<int64_t>(i);
    for (size_t c = 0; c < batch.num_columns(); ++c) {
      ColumnVector& col = batch.column(c);
      if (i == 1 && c != 2) {
        col.AppendNull();
        continue;
      }
      switch (col.type().id) {
        case TypeId::kBool:
          col.Append<uint8_t>(i % 2);
          break;
        case TypeId::kInt16:
          col.Append<int16_t>(static_cast<int16_t>(-v));
          break;
        case TypeId::kInt32:
        case TypeId::kDate:
          col.Append<int32_t>(static_cast<int32_t>(v * 10));
          break;
        case TypeId::kInt64:
        case TypeId::kTimestamp:
          col.Append<int64_t>(v * 1000);
          break;
        case TypeId::kFloat:
          col.Append<float>(static_cast<float>(v) / 2);
          break;
        case TypeId::kDouble:
          col.Append<double>(static_cast<double>(v) / 4);
          break;
        case TypeId::kDecimal:
          if (col.type().precision <= 18) {
            col.Append<int64_t>(v - 1);
          } else {
            col.Append<__int128>(static_cast<__int128>(v) - 1);
          }
          break;
        case TypeId::kString:
        case TypeId::kJson:
        case TypeId::kBinary:
          col.AppendBytes("v" + std::to_string(i));
          break;
        case TypeId::kUuid: {
          uint8_t bytes[16] = {};
          bytes[15] = static_cast<uint8_t>(i);
          col.AppendFixedBytes(bytes);
          break;
        }
      }
    }
  }
  EXPECT_TRUE(batch.FinishRows(rows).ok());
  return batch;
}

TEST(FileWriterTest, FooterRoundTrip) {
  Batch batch = AllTypesBatch(3);
  WriterOptions options;  // snappy
  options.created_by = "data-exporter version 0.1.0";
  options.key_value_metadata = {{"b-key", "1"}, {"a-key", "2"}};
  const std::string file = WriteParquet(batch.schema(), options, {&batch});
  const Value footer = ReadFooter(file);

  EXPECT_EQ(footer[1].i, 1);  // version
  EXPECT_EQ(footer[3].i, 3);  // num_rows
  ASSERT_EQ(footer[4].list.size(), 1u);
  EXPECT_EQ(footer[6].bin, "data-exporter version 0.1.0");
  ASSERT_EQ(footer[5].list.size(), 2u);  // key_value_metadata, in the given order
  EXPECT_EQ(footer[5].list[0][1].bin, "b-key");
  EXPECT_EQ(footer[5].list[0][2].bin, "1");
  EXPECT_EQ(footer[5].list[1][1].bin, "a-key");

  const auto& schema = footer[2].list;
  ASSERT_EQ(schema.size(), 18u);
  EXPECT_EQ(schema[0][4].bin, "schema");
  EXPECT_EQ(schema[0][5].i, 17);  // num_children
  EXPECT_FALSE(schema[0].has(1));
  EXPECT_EQ(schema[3][3].i, 0);  // i32 is REQUIRED
  EXPECT_EQ(schema[1][3].i, 1);  // b is OPTIONAL

  ASSERT_EQ(footer[7].list.size(), 17u);                                // column_orders
  for (const Value& order : footer[7].list) EXPECT_TRUE(order.has(1));  // TYPE_ORDER

  const Value& group = footer[4].list[0];
  EXPECT_EQ(group[3].i, 3);  // num_rows
  EXPECT_EQ(group[7].i, 0);  // ordinal
  EXPECT_EQ(group[5].i, 4);  // file_offset: right after the magic
  ASSERT_EQ(group[1].list.size(), 17u);
  int64_t expected_offset = 4;
  int64_t compressed = 0;
  for (size_t c = 0; c < 17; ++c) {
    const Value& meta = group[1].list[c][3];
    EXPECT_EQ(meta[3].list.at(0).bin, schema[c + 1][4].bin);  // path_in_schema
    EXPECT_EQ(meta[1].i, schema[c + 1][1].i);                 // type
    EXPECT_EQ(meta[4].i, 1);                                  // SNAPPY
    EXPECT_EQ(meta[5].i, 3);                                  // num_values
    const int64_t first_page = meta.has(11) ? meta[11].i : meta[9].i;
    EXPECT_EQ(first_page, expected_offset) << c;
    expected_offset += meta[7].i;
    compressed += meta[7].i;
    EXPECT_EQ(meta[12][3].i, c == 2 ? 0 : 1) << c;  // statistics.null_count
  }
  EXPECT_EQ(group[6].i, compressed);
  // Then the page index: every chunk's ColumnIndex, then every OffsetIndex, then the footer.
  for (int field : {6, 4}) {
    for (size_t c = 0; c < 17; ++c) {
      const Value& chunk = group[1].list[c];
      EXPECT_EQ(chunk[field].i, expected_offset) << field << " " << c;
      expected_offset += chunk[field + 1].i;
    }
  }
  uint32_t footer_length;
  std::memcpy(&footer_length, file.data() + file.size() - 8, 4);
  EXPECT_EQ(static_cast<size_t>(expected_offset), file.size() - 8 - footer_length);
}

// The Thrift struct of `length` bytes at `offset` in `file`.
Value ReadStructAt(const std::string& file, int64_t offset, int64_t length) {
  testing::CompactDecoder decoder(
      std::string_view(file).substr(static_cast<size_t>(offset), static_cast<size_t>(length)));
  Value v = decoder.ReadStruct();
  EXPECT_EQ(decoder.position(), static_cast<size_t>(length));
  return v;
}

std::string Le64(int64_t v) { return std::string(reinterpret_cast<const char*>(&v), 8); }

// Row i's name in PagedBatch: scattered, so pages' bounds are in no order; NULL for rows
// 100..199.
std::optional<std::string> PagedName(size_t i) {
  if (i >= 100 && i < 200) return std::nullopt;
  return "n" + std::to_string(i * 7919 % 1000);
}

// id = 3 * row, ascending (REQUIRED), and name = PagedName(row).
Batch PagedBatch(size_t rows) {
  Batch batch(IdNameSchema());
  for (size_t i = 0; i < rows; ++i) {
    batch.column(0).Append<int64_t>(static_cast<int64_t>(i) * 3);
    if (const std::optional<std::string> name = PagedName(i)) {
      batch.column(1).AppendBytes(*name);
    } else {
      batch.column(1).AppendNull();
    }
  }
  EXPECT_TRUE(batch.FinishRows(rows).ok());
  return batch;
}

TEST(FileWriterTest, PageIndexDescribesEveryPage) {
  Batch batch = PagedBatch(1000);
  WriterOptions options = Uncompressed();
  options.dictionary = false;
  options.data_page_size = 800;  // 100 int64 values, about 100 names a page
  const std::string file = WriteParquet(batch.schema(), options, {&batch});
  const Value footer = ReadFooter(file);
  const Value& group = footer[4].list.at(0);
  for (int c = 0; c < 2; ++c) {
    const Value& chunk = group[1].list.at(static_cast<size_t>(c));
    const testing::ChunkValues values = ReadColumnChunk(file, footer, 0, c, c == 1);
    const Value offsets = ReadStructAt(file, chunk[4].i, chunk[5].i);
    const Value index = ReadStructAt(file, chunk[6].i, chunk[7].i);
    const auto& locations = offsets[1].list;
    ASSERT_EQ(locations.size(), values.pages.size()) << c;
    ASSERT_GE(locations.size(), 5u) << c;
    ASSERT_EQ(index[1].list.size(), locations.size());
    // Pages are contiguous from the data page offset to the chunk's end, and their first rows
    // add up their value counts.
    int64_t offset = chunk[3][9].i, row = 0;
    for (size_t p = 0; p < locations.size(); ++p) {
      EXPECT_EQ(locations[p][1].i, offset) << c << " " << p;
      EXPECT_EQ(locations[p][3].i, row) << c << " " << p;
      offset += locations[p][2].i;
      row += values.pages[p].num_values;
    }
    EXPECT_EQ(offset, chunk[3][9].i + chunk[3][7].i);
    // Each page's bounds and NULL count are those of its rows.
    for (size_t p = 0; p < locations.size(); ++p) {
      const auto first = static_cast<size_t>(locations[p][3].i);
      const auto end = first + static_cast<size_t>(values.pages[p].num_values);
      std::optional<std::string> min, max;
      int64_t nulls = 0;
      for (size_t r = first; r < end; ++r) {
        const auto& v = values.rows[r];
        if (!v) {
          ++nulls;
          continue;
        }
        const std::string& bytes = *v;
        auto less = [&](const std::string& a, const std::string& b) {
          if (c == 1) return a < b;
          int64_t x, y;
          std::memcpy(&x, a.data(), 8);
          std::memcpy(&y, b.data(), 8);
          return x < y;
        };
        if (!min || less(bytes, *min)) min = bytes;
        if (!max || less(*max, bytes)) max = bytes;
      }
      EXPECT_EQ(index[1].list[p].b, !min.has_value()) << c << " " << p;  // null_pages
      EXPECT_EQ(index[2].list[p].bin, min.value_or("")) << c << " " << p;
      EXPECT_EQ(index[3].list[p].bin, max.value_or("")) << c << " " << p;
      EXPECT_EQ(index[5].list[p].i, nulls) << c << " " << p;
    }
  }
  const Value id_index = ReadStructAt(file, group[1].list[0][6].i, group[1].list[0][7].i);
  EXPECT_EQ(id_index[4].i, 1);  // ASCENDING
  EXPECT_EQ(id_index[2].list[0].bin, Le64(0));
  const Value name_index = ReadStructAt(file, group[1].list[1][6].i, group[1].list[1][7].i);
  EXPECT_EQ(name_index[4].i, 0);  // UNORDERED
}

TEST(FileWriterTest, PageIndexOfDictionaryPagesAndDescendingValues) {
  Batch batch(IdNameSchema());
  for (int64_t i = 0; i < 3000; ++i) {
    batch.column(0).Append<int64_t>(1000 - i / 10);  // few distinct: dictionary-encoded
    batch.column(1).AppendBytes(std::string(100, static_cast<char>('a' + (i % 3))));
  }
  ASSERT_TRUE(batch.FinishRows(3000).ok());
  WriterOptions options = Uncompressed();
  options.data_page_size = 256;
  options.max_statistics_bytes = 8;
  const std::string file = WriteParquet(batch.schema(), options, {&batch});
  const Value footer = ReadFooter(file);
  const Value& chunk = footer[4].list.at(0)[1].list.at(0);
  ASSERT_TRUE(chunk[3].has(11));  // a dictionary page
  const Value index = ReadStructAt(file, chunk[6].i, chunk[7].i);
  ASSERT_GT(index[2].list.size(), 2u);
  EXPECT_EQ(index[4].i, 2);  // DESCENDING
  EXPECT_EQ(index[3].list.front().bin, Le64(1000));
  EXPECT_EQ(index[2].list.back().bin, Le64(701));
  // Long byte arrays: bounds truncated to max_statistics_bytes, the upper one incremented.
  const Value& names = footer[4].list.at(0)[1].list.at(1);
  const Value name_index = ReadStructAt(file, names[6].i, names[7].i);
  EXPECT_EQ(name_index[2].list[0].bin, "aaaaaaaa");
  EXPECT_EQ(name_index[3].list[0].bin, "cccccccd");
}

TEST(FileWriterTest, NoPageIndexWhenTurnedOffAndNoColumnIndexForNaNOnlyPages) {
  Batch batch = PagedBatch(100);
  WriterOptions options;
  options.page_index = false;
  Value footer = ReadFooter(WriteParquet(batch.schema(), options, {&batch}));
  for (const Value& chunk : footer[4].list.at(0)[1].list) {
    for (int field : {4, 5, 6, 7}) EXPECT_FALSE(chunk.has(field)) << field;
  }
  const Schema schema{{{"f", DataType::Double(), true}, {"s", DataType::String(), true}}};
  Batch nan(schema);
  for (int i = 0; i < 10; ++i) {
    nan.column(0).Append<double>(std::nan(""));
    nan.column(1).AppendNull();
  }
  ASSERT_TRUE(nan.FinishRows(10).ok());
  const std::string file = WriteParquet(schema, WriterOptions(), {&nan});
  footer = ReadFooter(file);
  const Value& chunk = footer[4].list.at(0)[1].list.at(0);
  EXPECT_TRUE(chunk.has(4));   // the OffsetIndex still locates the pages
  EXPECT_FALSE(chunk.has(6));  // but no page has bounds to index
  // A page of only NULLs is a null page without bounds.
  const Value& nulls = footer[4].list.at(0)[1].list.at(1);
  const Value index = ReadStructAt(file, nulls[6].i, nulls[7].i);
  ASSERT_EQ(index[1].list.size(), 1u);
  EXPECT_TRUE(index[1].list[0].b);
  EXPECT_EQ(index[2].list[0].bin, "");
  EXPECT_EQ(index[3].list[0].bin, "");
  EXPECT_EQ(index[5].list[0].i, 10);
}

TEST(FileWriterTest, BloomFiltersHoldEveryValueOfTheirChunk) {
  Batch batch = PagedBatch(5000);
  WriterOptions options;
  options.row_group_rows = 2000;
  options.bloom_filter_columns = {"id", "name"};
  options.bloom_filter_fpp = 0.01;
  const std::string file = WriteParquet(batch.schema(), options, {&batch});
  const Value footer = ReadFooter(file);
  ASSERT_EQ(footer[4].list.size(), 3u);
  int64_t first_row = 0;
  for (size_t g = 0; g < 3; ++g) {
    const Value& group = footer[4].list[g];
    for (size_t c = 0; c < 2; ++c) {
      const Value& meta = group[1].list[c][3];
      ASSERT_TRUE(meta.has(14)) << g << " " << c;
      // Right after the row group's chunks.
      const Value& last = group[1].list[1][3];
      const int64_t chunks_end = (last.has(11) ? last[11].i : last[9].i) + last[7].i;
      EXPECT_EQ(meta[14].i, chunks_end + (c == 0 ? 0 : group[1].list[0][3][15].i));
      testing::CompactDecoder decoder(std::string_view(file).substr(
          static_cast<size_t>(meta[14].i), static_cast<size_t>(meta[15].i)));
      const Value header = decoder.ReadStruct();
      const auto bytes = static_cast<size_t>(header[1].i);
      ASSERT_EQ(decoder.position() + bytes, static_cast<size_t>(meta[15].i));
      std::vector<uint32_t> words(bytes / 4);
      std::memcpy(words.data(), file.data() + meta[14].i + decoder.position(), bytes);
      const size_t blocks = bytes / 32;
      for (int64_t r = first_row; r < first_row + group[3].i; ++r) {
        if (c == 0) {
          const int64_t id = r * 3;
          EXPECT_TRUE(BloomFilterMayContain(words.data(), blocks, XxHash64(&id, 8))) << r;
        } else if (const auto name = PagedName(static_cast<size_t>(r))) {
          EXPECT_TRUE(BloomFilterMayContain(words.data(), blocks, XxHash64(*name))) << r;
        }
      }
      if (c == 0) {
        int accepted = 0;
        for (int64_t id = 1; id < 30000; id += 3) {  // never a multiple of 3
          accepted += BloomFilterMayContain(words.data(), blocks, XxHash64(&id, 8));
        }
        EXPECT_LT(accepted, 300);  // 10,000 probes at 1%: about 100
      }
    }
    first_row += group[3].i;
  }
}

TEST(FileWriterTest, BloomFilterOptionsAreChecked) {
  const Schema schema{{{"id", DataType::Int64()}, {"ok", DataType::Bool()}}};
  auto open = [&](WriterOptions options) {
    StringOutputStream sink;
    return FileWriter::Open(schema, options, &sink).status();
  };
  WriterOptions options;
  options.bloom_filter_columns = {"missing"};
  EXPECT_NE(open(options).message().find("'missing' is not in the schema"), std::string::npos);
  options.bloom_filter_columns = {"ok"};
  EXPECT_NE(open(options).message().find("'ok' is boolean"), std::string::npos);
  options.bloom_filter_columns = {"id"};
  for (double fpp : {0.0, 1.0, -0.5, std::nan("")}) {
    options.bloom_filter_fpp = fpp;
    EXPECT_NE(open(options).message().find("bloom_filter_fpp"), std::string::npos) << fpp;
  }
  options.bloom_filter_fpp = 0.1;
  for (size_t bytes : {size_t{0}, size_t{16}, size_t{1000}, size_t{256} << 20}) {
    options.bloom_filter_max_bytes = bytes;
    EXPECT_NE(open(options).message().find("bloom_filter_max_bytes"), std::string::npos) << bytes;
  }
  options.bloom_filter_max_bytes = 32;
  EXPECT_TRUE(open(options).ok());
}

TEST(FileWriterTest, CompressionThreadsMustBeOneToSixtyFour) {
  WriterOptions bad;
  for (int threads : {0, 65}) {
    bad.threads = threads;
    EXPECT_NE(bad.Validate().message().find("threads must be 1..64"), std::string::npos);
  }
}

TEST(FileWriterTest, SchemaCarriesLogicalAndConvertedTypes) {
  Batch batch = AllTypesBatch(2);
  const Value footer = ReadFooter(WriteParquet(batch.schema(), WriterOptions(), {&batch}));
  struct Expected {
    const char* name;
    int physical;
    int type_length;  // -1: absent
    int converted;    // -1: absent
    int logical;      // LogicalType union member, 0: absent
  };
  const Expected expected[] = {
      {"b", 0, -1, -1, 0},    {"i16", 1, -1, 16, 10}, {"i32", 1, -1, 17, 10},
      {"i64", 2, -1, 18, 10}, {"f", 4, -1, -1, 0},    {"d", 5, -1, -1, 0},
      {"dec9", 1, -1, 5, 5},  {"dec18", 2, -1, 5, 5}, {"dec38", 7, 16, 5, 5},
      {"dec20", 7, 9, 5, 5},  {"s", 6, -1, 0, 1},     {"j", 6, -1, 19, 12},
      {"bin", 6, -1, -1, 0},  {"date", 1, -1, 6, 6},  {"ts", 2, -1, 10, 8},
      {"lts", 2, -1, 10, 8},  {"u", 7, 16, -1, 14},
  };
  const auto& schema = footer[2].list;
  for (size_t i = 0; i < std::size(expected); ++i) {
    const Expected& e = expected[i];
    const Value& element = schema[i + 1];
    SCOPED_TRACE(e.name);
    EXPECT_EQ(element[4].bin, e.name);
    EXPECT_EQ(element[1].i, e.physical);
    EXPECT_EQ(element.has(2) ? element[2].i : -1, e.type_length);
    EXPECT_EQ(element.has(6) ? element[6].i : -1, e.converted);
    EXPECT_EQ(element.has(10), e.logical != 0);
    if (e.logical != 0) {
      ASSERT_EQ(element[10].fields->size(), 1u);
      EXPECT_TRUE(element[10].has(e.logical));
    }
  }
  // INT(16, signed), INT(64, signed)
  EXPECT_EQ(schema[2][10][10][1].i, 16);
  EXPECT_TRUE(schema[2][10][10][2].b);
  EXPECT_EQ(schema[4][10][10][1].i, 64);
  // DECIMAL(38, 10): logical scale/precision and the SchemaElement's own fields 7 and 8.
  EXPECT_EQ(schema[9][10][5][1].i, 10);
  EXPECT_EQ(schema[9][10][5][2].i, 38);
  EXPECT_EQ(schema[9][7].i, 10);
  EXPECT_EQ(schema[9][8].i, 38);
  // TIMESTAMP(MICROS, isAdjustedToUTC) follows DataType::utc.
  EXPECT_TRUE(schema[15][10][8][1].b);
  EXPECT_TRUE(schema[15][10][8][2].has(2));  // unit MICROS
  EXPECT_FALSE(schema[16][10][8][1].b);
}

TEST(FileWriterTest, NullInRequiredColumnIsRejectedAndNamesTheColumn) {
  const Schema schema = IdNameSchema();
  StringOutputStream sink;
  auto writer = FileWriter::Open(schema, WriterOptions(), &sink);
  ASSERT_TRUE(writer.ok());
  Batch bad(schema);
  bad.column(0).Append<int64_t>(1);
  bad.column(0).AppendNull();
  bad.column(1).AppendBytes("a");
  bad.column(1).AppendBytes("b");
  ASSERT_TRUE(bad.FinishRows(2).ok());
  Status status = (*writer)->Write(bad);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("'id'"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("row 1"), std::string::npos) << status.message();
  // Nothing was written, so the writer stays usable.
  Batch good = IdNameBatch(schema, 0, 5);
  EXPECT_TRUE((*writer)->Write(good).ok());
  EXPECT_TRUE((*writer)->Close().ok());
  EXPECT_EQ(ReadFooter(sink.data())[3].i, 5);
}

TEST(FileWriterTest, SchemaMismatchIsRejected) {
  StringOutputStream sink;
  auto writer = FileWriter::Open(IdNameSchema(), WriterOptions(), &sink);
  ASSERT_TRUE(writer.ok());
  Schema other{{{"id", DataType::Int32(), false}, {"name", DataType::String(), true}}};
  Batch batch(other);
  batch.column(0).Append<int32_t>(1);
  batch.column(1).AppendBytes("x");
  ASSERT_TRUE(batch.FinishRows(1).ok());
  Status status = (*writer)->Write(batch);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("int32"), std::string::npos) << status.message();
}

TEST(FileWriterTest, OpenRejectsBadSchemasAndOptions) {
  StringOutputStream sink;
  EXPECT_EQ(FileWriter::Open(Schema{}, WriterOptions(), &sink).status().code(),
            StatusCode::kInvalidArgument);
  Schema duplicate{{{"a", DataType::Int32()}, {"a", DataType::Int64()}}};
  EXPECT_EQ(FileWriter::Open(duplicate, WriterOptions(), &sink).status().code(),
            StatusCode::kInvalidArgument);
  for (int precision : {0, 39}) {
    Schema decimal{{{"d", DataType::Decimal(precision, 0)}}};
    EXPECT_EQ(FileWriter::Open(decimal, WriterOptions(), &sink).status().code(),
              StatusCode::kInvalidArgument)
        << precision;
  }
  auto invalid = [](auto mutate, const char* field) {
    WriterOptions options;
    mutate(options);
    Status status = options.Validate();
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << field;
    EXPECT_NE(status.message().find(field), std::string::npos) << status.message();
  };
  invalid([](WriterOptions& o) { o.data_page_size = 0; }, "data_page_size");
  invalid([](WriterOptions& o) { o.dictionary_page_limit = 0; }, "dictionary_page_limit");
  invalid([](WriterOptions& o) { o.row_group_bytes = 0; }, "row_group_bytes");
  invalid([](WriterOptions& o) { o.row_group_rows = 0; }, "row_group_rows");
  invalid([](WriterOptions& o) { o.max_statistics_bytes = 0; }, "max_statistics_bytes");
  invalid(
      [](WriterOptions& o) {
        o.codec = Codec::kGzip;
        o.compression_level = 10;
      },
      "compression_level");
  invalid(
      [](WriterOptions& o) {
        o.codec = Codec::kZstd;
        o.compression_level = 99;
      },
      "compression_level");
  invalid([](WriterOptions& o) { o.key_value_metadata = {{"", "x"}}; }, "key_value_metadata");
  EXPECT_TRUE(WriterOptions().Validate().ok());
}

TEST(FileWriterTest, ParseAndNameCodecs) {
  EXPECT_EQ(*ParseCodec("snappy"), Codec::kSnappy);
  EXPECT_EQ(*ParseCodec("ZSTD"), Codec::kZstd);
  EXPECT_EQ(*ParseCodec("gzip"), Codec::kGzip);
  EXPECT_EQ(*ParseCodec("uncompressed"), Codec::kUncompressed);
  EXPECT_EQ(*ParseCodec("none"), Codec::kUncompressed);
  EXPECT_EQ(ParseCodec("lz4").status().code(), StatusCode::kInvalidArgument);
  for (Codec c : {Codec::kSnappy, Codec::kZstd, Codec::kGzip, Codec::kUncompressed}) {
    EXPECT_EQ(*ParseCodec(CodecName(c)), c);
  }
}

TEST(FileWriterTest, EveryCodecRoundTrips) {
  const Schema schema = IdNameSchema();
  Batch batch = IdNameBatch(schema, 0, 5000);
  for (Codec codec : {Codec::kUncompressed, Codec::kSnappy, Codec::kZstd, Codec::kGzip}) {
    SCOPED_TRACE(CodecName(codec));
    WriterOptions options;
    options.codec = codec;
    options.data_page_size = 4096;
    const std::string file = WriteParquet(schema, options, {&batch});
    const Value footer = ReadFooter(file);
    const std::map<Codec, int> thrift_codec = {
        {Codec::kUncompressed, 0}, {Codec::kSnappy, 1}, {Codec::kGzip, 2}, {Codec::kZstd, 6}};
    EXPECT_EQ(footer[4].list[0][1].list[0][3][4].i, thrift_codec.at(codec));
    auto ids = ReadColumnChunk(file, footer, 0, 0, false);
    auto names = ReadColumnChunk(file, footer, 0, 1, true);
    ASSERT_EQ(ids.rows.size(), 5000u);
    for (size_t i = 0; i < 5000; ++i) {
      int64_t id;
      std::memcpy(&id, ids.rows[i]->data(), 8);
      ASSERT_EQ(id, static_cast<int64_t>(i));
      ASSERT_EQ(*names.rows[i], "name-" + std::to_string(i % 7));
    }
    EXPECT_GT(ids.pages.size(), 1u);  // 40 KB of ids in 4 KB pages
  }
}

// The same input gives the same bytes: run after run, and whatever the number of compression
// threads (pages, page index and bloom filters included).
TEST(FileWriterTest, OutputIsDeterministic) {
  const Schema schema = AllTypesSchema();
  Batch a = AllTypesBatch(3000);
  for (Codec codec : {Codec::kSnappy, Codec::kZstd, Codec::kGzip}) {
    for (size_t page_size : {size_t{512}, size_t{2048}}) {
      WriterOptions options;
      options.codec = codec;
      options.row_group_rows = 1000;
      options.data_page_size = page_size;
      options.bloom_filter_columns = {"i64", "s"};
      const std::string first = WriteParquet(schema, options, {&a, &a});
      const std::string second = WriteParquet(schema, options, {&a, &a});
      EXPECT_EQ(first, second) << CodecName(codec);
      EXPECT_EQ(ReadFooter(first)[4].list.size(), 6u);
      for (int threads : {2, 3, 8}) {
        options.threads = threads;
        EXPECT_EQ(WriteParquet(schema, options, {&a, &a}), first) << CodecName(codec) << threads;
      }
    }
  }
}

TEST(FileWriterTest, BatchesAreSplitIntoRowGroupsByRows) {
  const Schema schema = IdNameSchema();
  WriterOptions options = Uncompressed();
  options.row_group_rows = 100;
  Batch big = IdNameBatch(schema, 0, 250);
  Batch small = IdNameBatch(schema, 250, 30);
  StringOutputStream sink;
  auto writer = FileWriter::Open(schema, options, &sink);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Write(big).ok());
  EXPECT_EQ((*writer)->num_row_groups(), 2);
  EXPECT_GT((*writer)->buffered_bytes(), 0u);  // rows 200..249 are buffered
  ASSERT_TRUE((*writer)->Write(small).ok());
  ASSERT_TRUE((*writer)->Close().ok());
  EXPECT_EQ((*writer)->rows_written(), 280u);
  EXPECT_EQ((*writer)->bytes_written(), sink.data().size());
  const Value footer = ReadFooter(sink.data());
  ASSERT_EQ(footer[4].list.size(), 3u);
  EXPECT_EQ(footer[4].list[0][3].i, 100);
  EXPECT_EQ(footer[4].list[1][3].i, 100);
  EXPECT_EQ(footer[4].list[2][3].i, 80);
  EXPECT_EQ(footer[3].i, 280);
  // Row group 2 starts with id 200 and holds both batches' rows in order.
  auto ids = ReadColumnChunk(sink.data(), footer, 2, 0, false);
  for (size_t i = 0; i < 80; ++i) {
    int64_t id;
    std::memcpy(&id, ids.rows[i]->data(), 8);
    EXPECT_EQ(id, static_cast<int64_t>(200 + i));
  }
}

TEST(FileWriterTest, RowGroupsCloseWhenTheirSizePassesRowGroupBytes) {
  const Schema schema = IdNameSchema();
  WriterOptions options = Uncompressed();
  // A row is 8 (id) + 4 + 6 ("name-N") = 18 input bytes: 1000 bytes close a group every 56 rows.
  options.row_group_bytes = 1000;
  Batch batch = IdNameBatch(schema, 0, 200);
  const Value footer = ReadFooter(WriteParquet(schema, options, {&batch}));
  ASSERT_EQ(footer[4].list.size(), 4u);
  EXPECT_EQ(footer[4].list[0][3].i, 56);
  EXPECT_EQ(footer[4].list[1][3].i, 56);
  EXPECT_EQ(footer[4].list[2][3].i, 56);
  EXPECT_EQ(footer[4].list[3][3].i, 32);
}

TEST(FileWriterTest, EmptyFileHasSchemaAndNoRowGroups) {
  const Value footer = ReadFooter(WriteParquet(IdNameSchema(), WriterOptions(), {}));
  EXPECT_EQ(footer[3].i, 0);
  EXPECT_TRUE(footer[4].list.empty());
  EXPECT_EQ(footer[2].list.size(), 3u);
}

// A sink that fails once more than `limit` bytes were written.
class FailingSink final : public OutputStream {
 public:
  explicit FailingSink(size_t limit) : limit_(limit) {}
  Status Write(std::string_view bytes) override {
    if (position_ + bytes.size() > limit_) return Unavailable("disk full");
    position_ += bytes.size();
    return Status::Ok();
  }
  Status Close() override { return Status::Ok(); }
  void Abort() override {}
  uint64_t position() const override { return position_; }

 private:
  size_t limit_;
  uint64_t position_ = 0;
};

TEST(FileWriterTest, SinkErrorsAreReturnedAndTheWriterStops) {
  const Schema schema = IdNameSchema();
  WriterOptions options = Uncompressed();
  options.row_group_rows = 10;
  Batch batch = IdNameBatch(schema, 0, 100);
  FailingSink sink(200);
  auto writer = FileWriter::Open(schema, options, &sink);
  ASSERT_TRUE(writer.ok());
  Status status = (*writer)->Write(batch);
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
  EXPECT_EQ((*writer)->Write(batch).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ((*writer)->Close().code(), StatusCode::kFailedPrecondition);
}

// The sink failing part-way through a chunk of many pages, with and without compression
// threads: the error comes back, and the writer still closes and is destroyed cleanly.
TEST(FileWriterTest, SinkFailingInsideAChunkOfManyPagesLeavesTheWriterWhole) {
  const Schema schema = IdNameSchema();
  for (int threads : {1, 3}) {
    for (size_t limit : {10u, 700u, 2000u, 5000u}) {
      WriterOptions options = Uncompressed();
      options.data_page_size = 256;
      options.threads = threads;
      Batch batch = IdNameBatch(schema, 0, 2000);
      FailingSink sink(limit);
      auto writer = FileWriter::Open(schema, options, &sink);
      ASSERT_TRUE(writer.ok());
      Status status = (*writer)->Write(batch);
      if (status.ok()) status = (*writer)->Close();
      EXPECT_EQ(status.code(), StatusCode::kUnavailable) << threads << " " << limit;
      EXPECT_EQ((*writer)->Close().code(), StatusCode::kFailedPrecondition);
    }
  }
}

// A sink whose bytes and state outlive it, in `files`, so tests can read closed files.
struct SinkRecord {
  std::string data;
  bool closed = false;
  bool aborted = false;
};

class RecordingSink final : public OutputStream {
 public:
  explicit RecordingSink(SinkRecord* record) : record_(record) {}
  Status Write(std::string_view bytes) override {
    record_->data.append(bytes);
    return Status::Ok();
  }
  Status Close() override {
    record_->closed = true;
    return Status::Ok();
  }
  void Abort() override { record_->aborted = true; }
  uint64_t position() const override { return record_->data.size(); }

 private:
  SinkRecord* record_;
};

RotatingFileWriter::SinkFactory RecordingFactory(std::map<int, SinkRecord>* files) {
  return [files](int index) -> Result<std::unique_ptr<OutputStream>> {
    return std::unique_ptr<OutputStream>(std::make_unique<RecordingSink>(&(*files)[index]));
  };
}

TEST(RotatingFileWriterTest, RotatesAfterABatchWhenTheFileIsFull) {
  const Schema schema = IdNameSchema();
  WriterOptions options = Uncompressed();
  options.row_group_rows = 50;
  std::map<int, SinkRecord> files;
  RotatingFileWriter writer(schema, options, 2000, RecordingFactory(&files));
  for (int b = 0; b < 10; ++b) {
    Batch batch = IdNameBatch(schema, b * 60, 60);
    ASSERT_TRUE(writer.Write(batch).ok());
  }
  ASSERT_TRUE(writer.Close().ok());
  ASSERT_GT(writer.files().size(), 2u);
  ASSERT_EQ(files.size(), writer.files().size());
  uint64_t rows = 0;
  for (size_t i = 0; i < writer.files().size(); ++i) {
    const auto& info = writer.files()[i];
    const SinkRecord& record = files.at(static_cast<int>(i));
    EXPECT_EQ(info.index, static_cast<int>(i));
    EXPECT_TRUE(record.closed);
    EXPECT_EQ(info.bytes, record.data.size());
    const Value footer = ReadFooter(record.data);
    EXPECT_EQ(static_cast<uint64_t>(footer[3].i), info.rows);
    EXPECT_EQ(info.rows % 60, 0u);  // files rotate between batches
    rows += info.rows;
    if (i + 1 < writer.files().size()) {
      EXPECT_GE(info.bytes, 2000u);
    }
  }
  EXPECT_EQ(rows, 600u);
}

TEST(RotatingFileWriterTest, ZeroRowsStillWriteOneFile) {
  std::map<int, SinkRecord> files;
  RotatingFileWriter writer(IdNameSchema(), WriterOptions(), 1 << 20, RecordingFactory(&files));
  ASSERT_TRUE(writer.Close().ok());
  ASSERT_EQ(writer.files().size(), 1u);
  EXPECT_EQ(writer.files()[0].rows, 0u);
  EXPECT_TRUE(files[0].closed);
  EXPECT_EQ(ReadFooter(files[0].data)[3].i, 0);
}

TEST(RotatingFileWriterTest, AbortDiscardsTheOpenFile) {
  std::map<int, SinkRecord> files;
  {
    RotatingFileWriter writer(IdNameSchema(), WriterOptions(), 1 << 20, RecordingFactory(&files));
    Batch batch = IdNameBatch(IdNameSchema(), 0, 10);
    ASSERT_TRUE(writer.Write(batch).ok());
  }  // destroyed without Close
  EXPECT_TRUE(files[0].aborted);
  EXPECT_FALSE(files[0].closed);
}

TEST(RotatingFileWriterTest, FactoryErrorsAreReturned) {
  RotatingFileWriter writer(
      IdNameSchema(), WriterOptions(), 1 << 20,
      [](int) -> Result<std::unique_ptr<OutputStream>> { return PermissionDenied("no bucket"); });
  Batch batch = IdNameBatch(IdNameSchema(), 0, 1);
  EXPECT_EQ(writer.Write(batch).code(), StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace de::parquet
