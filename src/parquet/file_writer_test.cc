#include "parquet/file_writer.h"

#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "parquet/test_parquet_reader.h"

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
  uint32_t footer_length;
  std::memcpy(&footer_length, file.data() + file.size() - 8, 4);
  EXPECT_EQ(static_cast<size_t>(expected_offset), file.size() - 8 - footer_length);
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

TEST(FileWriterTest, OutputIsDeterministic) {
  const Schema schema = AllTypesSchema();
  Batch a = AllTypesBatch(3000);
  for (Codec codec : {Codec::kSnappy, Codec::kZstd, Codec::kGzip}) {
    WriterOptions options;
    options.codec = codec;
    options.row_group_rows = 1000;
    options.data_page_size = 2048;
    const std::string first = WriteParquet(schema, options, {&a, &a});
    const std::string second = WriteParquet(schema, options, {&a, &a});
    EXPECT_EQ(first, second) << CodecName(codec);
    EXPECT_EQ(ReadFooter(first)[4].list.size(), 6u);
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
