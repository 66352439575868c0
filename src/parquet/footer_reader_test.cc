#include "parquet/footer_reader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "parquet/file_writer.h"
#include "parquet/format.h"
#include "parquet/thrift_compact.h"

namespace de::parquet {
namespace {

using namespace std::string_literals;
using thrift::CompactType;
using thrift::CompactWriter;
using Kind = format::LogicalType::Kind;

// Every DataType the writer maps, each as a nullable and a required column.
Schema EveryTypeSchema() {
  const std::vector<std::pair<std::string, DataType>> types = {
      {"bool", DataType::Bool()},
      {"int16", DataType::Int16()},
      {"int32", DataType::Int32()},
      {"int64", DataType::Int64()},
      {"float", DataType::Float()},
      {"double", DataType::Double()},
      {"dec1", DataType::Decimal(1, 0)},
      {"dec9", DataType::Decimal(9, 2)},
      {"dec10", DataType::Decimal(10, 10)},
      {"dec18", DataType::Decimal(18, 4)},
      {"dec19", DataType::Decimal(19, 3)},
      {"dec38", DataType::Decimal(38, 10)},
      {"string", DataType::String()},
      {"json", DataType::Json()},
      {"binary", DataType::Binary()},
      {"date", DataType::Date()},
      {"ts_utc", DataType::Timestamp(true)},
      {"ts_local", DataType::Timestamp(false)},
      {"uuid", DataType::Uuid()},
  };
  Schema schema;
  for (const auto& [name, type] : types) {
    schema.fields.push_back({name, type, true});
    schema.fields.push_back({name + "_req", type, false});
  }
  return schema;
}

// `rows` rows of `schema`; nullable columns are NULL on odd rows.
Batch FillBatch(const Schema& schema, size_t rows) {
  Batch batch(schema);
  for (size_t i = 0; i < rows; ++i) {
    for (size_t c = 0; c < batch.num_columns(); ++c) {
      ColumnVector& col = batch.column(c);
      if (schema.fields[c].nullable && i % 2 == 1) {
        col.AppendNull();
        continue;
      }
      const auto v = static_cast<int64_t>(i);
      switch (col.type().id) {
        case TypeId::kBool:
          col.Append<uint8_t>(i % 2);
          break;
        case TypeId::kInt16:
          col.Append<int16_t>(static_cast<int16_t>(v));
          break;
        case TypeId::kInt32:
        case TypeId::kDate:
          col.Append<int32_t>(static_cast<int32_t>(v));
          break;
        case TypeId::kInt64:
        case TypeId::kTimestamp:
          col.Append<int64_t>(v * 1000);
          break;
        case TypeId::kFloat:
          col.Append<float>(static_cast<float>(v));
          break;
        case TypeId::kDouble:
          col.Append<double>(static_cast<double>(v));
          break;
        case TypeId::kDecimal:
          if (col.type().precision <= 18) {
            col.Append<int64_t>(v);
          } else {
            col.Append<__int128>(static_cast<__int128>(v));
          }
          break;
        case TypeId::kString:
        case TypeId::kJson:
        case TypeId::kBinary:
          col.AppendBytes("\"v" + std::to_string(i) + "\"");
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

struct WrittenFile {
  std::string bytes;
  int num_row_groups = 0;
};

WrittenFile Write(const Schema& schema, const WriterOptions& options, size_t rows) {
  StringOutputStream sink;
  auto writer = FileWriter::Open(schema, options, &sink);
  EXPECT_TRUE(writer.ok()) << writer.status().ToString();
  if (!writer.ok()) return {};
  if (rows > 0) {
    EXPECT_TRUE((*writer)->Write(FillBatch(schema, rows)).ok());
  }
  EXPECT_TRUE((*writer)->Close().ok());
  return {sink.data(), (*writer)->num_row_groups()};
}

// The last footer length + 8 bytes of a file: exactly what ParseFooter needs.
std::string Tail(const std::string& file) {
  Result<uint32_t> length = FooterLength(std::string_view(file).substr(file.size() - 8));
  EXPECT_TRUE(length.ok()) << length.status().ToString();
  return file.substr(file.size() - *length - 8);
}

// FileMetaData bytes followed by their length and the magic.
std::string WithTrailer(std::string metadata) {
  const auto length = static_cast<uint32_t>(metadata.size());
  for (int i = 0; i < 4; ++i) metadata.push_back(static_cast<char>(length >> (8 * i)));
  return metadata + "PAR1";
}

void ExpectDataLoss(const Status& status, std::string_view needle) {
  EXPECT_EQ(status.code(), StatusCode::kDataLoss) << status.ToString();
  EXPECT_NE(status.message().find(needle), std::string::npos) << status.message();
}

TEST(FooterReaderTest, RoundTripsEveryTypeAndTheFileMetadata) {
  const Schema schema = EveryTypeSchema();
  WriterOptions options;
  options.created_by = "data-exporter version 0.1.0 (build 5f3a)";
  options.key_value_metadata = {{"de.policy_version", "42"}, {"de.table", "trips"}, {"e", ""}};
  const WrittenFile file = Write(schema, options, 5);
  const std::string tail = Tail(file.bytes);

  for (const std::string& input : {tail, file.bytes}) {  // the exact tail, or more in front
    Result<FileFooter> footer = ParseFooter(input);
    ASSERT_TRUE(footer.ok()) << footer.status().ToString();
    EXPECT_EQ(footer->num_rows, 5);
    EXPECT_EQ(footer->num_row_groups, 1);
    EXPECT_EQ(footer->created_by, "data-exporter version 0.1.0 (build 5f3a)");
    EXPECT_EQ(footer->key_value_metadata, options.key_value_metadata);
    ASSERT_EQ(footer->schema.size(), schema.size() + 1);
    EXPECT_EQ(footer->schema[0].name, "schema");
    EXPECT_EQ(footer->schema[0].num_children, static_cast<int32_t>(schema.size()));

    Result<Schema> read = SchemaFromFooter(*footer);
    ASSERT_TRUE(read.ok()) << read.status().ToString();
    EXPECT_EQ(*read, schema);
  }
}

TEST(FooterReaderTest, CountsRowGroupsAndReadsEmptyFiles) {
  const Schema schema{{{"id", DataType::Int64(), false}, {"name", DataType::String()}}};
  WriterOptions options;
  options.row_group_rows = 2;
  const WrittenFile file = Write(schema, options, 5);
  ASSERT_EQ(file.num_row_groups, 3);
  Result<FileFooter> footer = ParseFooter(Tail(file.bytes));
  ASSERT_TRUE(footer.ok()) << footer.status().ToString();
  EXPECT_EQ(footer->num_rows, 5);
  EXPECT_EQ(footer->num_row_groups, 3);
  EXPECT_EQ(footer->created_by, "data-exporter");  // the default
  EXPECT_TRUE(footer->key_value_metadata.empty());

  const WrittenFile empty = Write(schema, WriterOptions(), 0);
  Result<FileFooter> empty_footer = ParseFooter(empty.bytes);
  ASSERT_TRUE(empty_footer.ok()) << empty_footer.status().ToString();
  EXPECT_EQ(empty_footer->num_rows, 0);
  EXPECT_EQ(empty_footer->num_row_groups, empty.num_row_groups);
  Result<Schema> read = SchemaFromFooter(*empty_footer);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(*read, schema);
}

TEST(FooterReaderTest, FooterLengthReadsTheTrailer) {
  Result<uint32_t> length = FooterLength("\x10\x02\x00\x00PAR1"s);
  ASSERT_TRUE(length.ok()) << length.status().ToString();
  EXPECT_EQ(*length, 0x210u);
  Result<uint32_t> longer = FooterLength("PAR1 data \xff\xff\xff\xffPAR1"s);  // last 8 used
  ASSERT_TRUE(longer.ok());
  EXPECT_EQ(*longer, 0xFFFFFFFFu);

  ExpectDataLoss(FooterLength("\x10\x00\x00PAR1"s).status(), "fewer than the 8-byte trailer");
  ExpectDataLoss(FooterLength("\x10\x00\x00\x00PARE"s).status(), "encrypted footer");
  ExpectDataLoss(FooterLength("\x10\x00\x00\x00PAR2"s).status(), "PAR1 magic is missing");
  ExpectDataLoss(ParseFooter("").status(), "fewer than the 8-byte trailer");
}

TEST(FooterReaderTest, TruncatedOrOversizedTailsAreDataLoss) {
  const WrittenFile file = Write(EveryTypeSchema(), WriterOptions(), 3);
  const std::string tail = Tail(file.bytes);
  const size_t footer_bytes = tail.size() - 8;
  // The tail must hold the whole footer: every shorter cut from the front is reported.
  for (size_t cut = 1; cut <= footer_bytes; ++cut) {
    ExpectDataLoss(ParseFooter(std::string_view(tail).substr(cut)).status(),
                   fmt::format("footer length {} is larger than the {} bytes", footer_bytes,
                               footer_bytes - cut));
  }
  // Cut at the end: the magic is gone.
  ExpectDataLoss(ParseFooter(std::string_view(tail).substr(0, tail.size() - 1)).status(),
                 "PAR1 magic is missing");
  // A length beyond the tail.
  std::string oversized = tail;
  oversized[footer_bytes + 3] = '\x7F';
  ExpectDataLoss(ParseFooter(oversized).status(), "is larger than the");
  // A shorter length leaves the start of the struct out; a zero length is not a struct at all.
  std::string zero = tail;
  for (int i = 0; i < 4; ++i) zero[footer_bytes + i] = '\0';
  ExpectDataLoss(ParseFooter(zero).status(), "malformed Thrift at byte 0 of 0: truncated");
}

format::SchemaElement Root(int32_t children) {
  format::SchemaElement root;
  root.name = "schema";
  root.num_children = children;
  return root;
}

format::SchemaElement Leaf(std::string name, format::Type type) {
  format::SchemaElement leaf;
  leaf.name = std::move(name);
  leaf.type = type;
  leaf.repetition_type = format::Repetition::kOptional;
  return leaf;
}

std::string SerializedFooter(std::vector<format::SchemaElement> schema) {
  format::FileMetaData metadata;
  metadata.schema = std::move(schema);
  std::string bytes;
  format::SerializeFileMetaData(metadata, &bytes);
  return WithTrailer(bytes);
}

TEST(FooterReaderTest, NestedAndMalformedSchemasAreDataLoss) {
  // root { id: INT64; address (group) { street: BYTE_ARRAY; zip: INT32 } }
  format::SchemaElement address;
  address.name = "address";
  address.repetition_type = format::Repetition::kOptional;
  address.num_children = 2;
  const std::vector<format::SchemaElement> nested = {
      Root(2), Leaf("id", format::Type::kInt64), address, Leaf("street", format::Type::kByteArray),
      Leaf("zip", format::Type::kInt32)};
  ExpectDataLoss(ParseFooter(SerializedFooter(nested)).status(),
                 "column 'address' is a group; only flat schemas are supported");
  FileFooter footer;
  footer.schema = nested;
  ExpectDataLoss(SchemaFromFooter(footer).status(), "column 'address' is a group");

  format::SchemaElement tags = Leaf("tags", format::Type::kByteArray);
  tags.repetition_type = static_cast<format::Repetition>(2);  // REPEATED
  ExpectDataLoss(ParseFooter(SerializedFooter({Root(1), tags})).status(),
                 "column 'tags' is repeated");

  ExpectDataLoss(ParseFooter(SerializedFooter({Root(3), Leaf("a", format::Type::kInt32),
                                               Leaf("b", format::Type::kInt32)}))
                     .status(),
                 "the root has 3 children but 2 columns follow it");
  format::SchemaElement leaf_root = Leaf("schema", format::Type::kInt32);
  ExpectDataLoss(ParseFooter(SerializedFooter({leaf_root})).status(),
                 "the root 'schema' is not a group");
  ExpectDataLoss(ParseFooter(SerializedFooter({})).status(), "the schema is empty");
}

// A footer whose one leaf `ts` is a REQUIRED INT64 TIMESTAMP(unit, utc), written field by field
// with fields the reader must skip: a field_id on the leaf, a KeyValue without a value, and
// unknown FileMetaData fields of every wire type.
std::string HandWrittenFooter(int16_t timestamp_unit) {
  std::string out;
  CompactWriter w(&out);
  w.BeginStruct();
  w.I32Field(1, 2);
  w.BeginListField(2, CompactType::kStruct, 2);
  w.BeginStruct();
  w.BinaryField(4, "root");
  w.I32Field(5, 1);
  w.EndStruct();
  w.BeginStruct();
  w.I32Field(1, 2);  // INT64
  w.I32Field(3, 0);  // REQUIRED
  w.BinaryField(4, "ts");
  w.I32Field(6, 10);  // TIMESTAMP_MICROS
  w.I32Field(9, 42);  // field_id
  w.BeginStructField(10);
  w.BeginStructField(8);  // TIMESTAMP
  w.BoolField(1, true);
  w.BeginStructField(2);
  w.BeginStructField(timestamp_unit);
  w.EndStruct();
  w.EndStruct();
  w.EndStruct();
  w.EndStruct();
  w.EndStruct();
  w.I64Field(3, 9);
  w.BeginListField(4, CompactType::kStruct, 1);
  w.BeginStruct();
  w.BeginListField(1, CompactType::kStruct, 0);
  w.I64Field(3, 9);
  w.EndStruct();
  w.BeginListField(5, CompactType::kStruct, 2);
  w.BeginStruct();
  w.BinaryField(1, "no-value");
  w.EndStruct();
  w.BeginStruct();
  w.BinaryField(1, "k");
  w.BinaryField(2, "v");
  w.EndStruct();
  w.BinaryField(6, "hand");
  w.BoolField(7, false);
  w.I8Field(8, 1);
  w.BeginListField(9, CompactType::kBinary, 2);
  w.BinaryElement("x");
  w.BinaryElement("y");
  w.BeginStructField(10);
  w.BeginStructField(1);
  w.I64Field(1, -1);
  w.EndStruct();
  w.EndStruct();
  // Long-form headers (ids 100..103) for types the encoder does not write: double, map, set,
  // uuid.
  const std::string more = {'\x07', '\xC8', '\x01', 1,      2,      3, 4, 5,
                            6,      7,      8,                                  // 100: double
                            '\x0B', '\xCA', '\x01', 1,      '\x58', 2, 1, 'k',  // 101: map<i32,bin>
                            '\x0A', '\xCC', '\x01', '\x26', 2,      4,          // 102: set<i64>
                            '\x0D', '\xCE', '\x01'};                            // 103: uuid
  out += more;
  out.append(16, '\xAB');
  w.EndStruct();
  return WithTrailer(out);
}

TEST(FooterReaderTest, SkipsFieldsItDoesNotNeed) {
  Result<FileFooter> footer = ParseFooter(HandWrittenFooter(2));  // MICROS
  ASSERT_TRUE(footer.ok()) << footer.status().ToString();
  EXPECT_EQ(footer->num_rows, 9);
  EXPECT_EQ(footer->num_row_groups, 1);
  EXPECT_EQ(footer->created_by, "hand");
  const std::vector<std::pair<std::string, std::string>> kv = {{"no-value", ""}, {"k", "v"}};
  EXPECT_EQ(footer->key_value_metadata, kv);
  Result<Schema> schema = SchemaFromFooter(*footer);
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  EXPECT_EQ(*schema, (Schema{{{"ts", DataType::Timestamp(true), false}}}));

  ExpectDataLoss(ParseFooter(HandWrittenFooter(1)).status(),
                 "column 'ts': TIMESTAMP unit MILLIS is not supported");
  ExpectDataLoss(ParseFooter(HandWrittenFooter(3)).status(), "unit NANOS");
}

struct MutationOutcomes {
  int ok = 0;         // ParseFooter accepted the bytes
  int schema_ok = 0;  // ... and so did SchemaFromFooter
  int data_loss = 0;  // ParseFooter said kDataLoss
};

// Parses `rounds` deterministic mutations (1-4 flipped or replaced bytes, mostly in the footer,
// sometimes in its length) of `tail`. Fails the test on any outcome other than OK or kDataLoss;
// the ASan build checks that no mutation reads out of bounds.
MutationOutcomes ParseMutations(const std::string& tail, uint32_t seed, int rounds) {
  std::mt19937 rng(seed);
  MutationOutcomes outcomes;
  for (int round = 0; round < rounds; ++round) {
    // An exactly sized heap copy, so that ASan sees any read past the end.
    auto bytes = std::make_unique<char[]>(tail.size());
    std::copy(tail.begin(), tail.end(), bytes.get());
    const int mutations = 1 + static_cast<int>(rng() % 4);
    for (int m = 0; m < mutations; ++m) {
      const size_t limit = rng() % 16 == 0 ? tail.size() - 4 : tail.size() - 8;
      const size_t pos = rng() % limit;
      if (rng() % 2 == 0) {
        bytes[pos] = static_cast<char>(bytes[pos] ^ (1u << (rng() % 8)));
      } else {
        bytes[pos] = static_cast<char>(rng());
      }
    }
    Result<FileFooter> footer = ParseFooter(std::string_view(bytes.get(), tail.size()));
    if (!footer.ok()) {
      EXPECT_EQ(footer.status().code(), StatusCode::kDataLoss) << footer.status().ToString();
      ++outcomes.data_loss;
      continue;
    }
    ++outcomes.ok;
    Result<Schema> schema = SchemaFromFooter(*footer);
    if (schema.ok()) {
      ++outcomes.schema_ok;
    } else {
      EXPECT_EQ(schema.status().code(), StatusCode::kDataLoss) << schema.status().ToString();
    }
  }
  return outcomes;
}

TEST(FooterReaderTest, MutatedFootersAreOkOrDataLoss) {
  WriterOptions options;
  options.key_value_metadata = {{"k", "v"}};
  const WrittenFile file = Write(EveryTypeSchema(), options, 4);
  const MutationOutcomes written = ParseMutations(Tail(file.bytes), 20240611, 3000);
  EXPECT_GT(written.ok, 100);
  EXPECT_GT(written.data_loss, 100);
  EXPECT_GT(written.schema_ok, 0);
  EXPECT_LT(written.schema_ok, written.ok);

  // The hand-written footer holds the wire types the writer never uses (double, map, set, uuid).
  const MutationOutcomes hand = ParseMutations(HandWrittenFooter(2), 7, 2000);
  EXPECT_GT(hand.ok, 10);
  EXPECT_GT(hand.data_loss, 100);
}

TEST(FooterReaderTest, MissingFieldsAndTrailingBytesAreDataLoss) {
  std::string out;
  CompactWriter w(&out);
  w.BeginStruct();
  w.I32Field(1, 1);
  w.BeginListField(2, CompactType::kStruct, 1);
  w.BeginStruct();
  w.BinaryField(4, "schema");
  w.I32Field(5, 0);
  w.EndStruct();
  w.BeginListField(4, CompactType::kStruct, 0);  // num_rows (3) is missing
  w.EndStruct();
  ExpectDataLoss(ParseFooter(WithTrailer(out)).status(),
                 "required field FileMetaData.num_rows is missing");

  std::string nameless;
  CompactWriter n(&nameless);
  n.BeginStruct();
  n.BeginListField(2, CompactType::kStruct, 1);
  n.BeginStruct();
  n.I32Field(5, 0);
  n.EndStruct();
  n.EndStruct();
  ExpectDataLoss(ParseFooter(WithTrailer(nameless)).status(), "SchemaElement.name is missing");

  // A schema field that is not a list, and a list of the wrong element type.
  ExpectDataLoss(ParseFooter(WithTrailer("\x15\x02\x15\x02\x00"s)).status(),
                 "FileMetaData.schema (field 2) has wire type 5, expected 9");
  ExpectDataLoss(ParseFooter(WithTrailer("\x29\x15\x02\x00"s)).status(),
                 "FileMetaData.schema is a list of type 5, expected structs");

  const WrittenFile file = Write(Schema{{{"a", DataType::Int32()}}}, WriterOptions(), 1);
  const std::string tail = Tail(file.bytes);
  ExpectDataLoss(ParseFooter(WithTrailer(tail.substr(0, tail.size() - 8) + '\0')).status(),
                 "1 bytes follow the FileMetaData struct");
}

// A valid footer for columns a (int32), b (string), c (decimal(30,2)); each case breaks one
// leaf.
FileFooter ValidFooter() {
  const Schema schema{{{"a", DataType::Int32()},
                       {"b", DataType::String(), false},
                       {"c", DataType::Decimal(30, 2)}}};
  Result<FileFooter> footer = ParseFooter(Write(schema, WriterOptions(), 2).bytes);
  EXPECT_TRUE(footer.ok()) << footer.status().ToString();
  Result<Schema> read = SchemaFromFooter(*footer);
  EXPECT_TRUE(read.ok() && *read == schema);
  return *footer;
}

TEST(FooterReaderTest, SchemaFromFooterRejectsShapesTheWriterNeverProduces) {
  struct Case {
    std::string label;
    std::function<void(std::vector<format::SchemaElement>&)> mutate;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"INT96", [](auto& s) { s[1].type = static_cast<format::Type>(3); },
       "column 'a': INT96 + INTEGER(32, signed), converted type 17 is not how this exporter "
       "writes int32 (INT32 + INTEGER(32, signed), converted type 17)"},
      {"plain INT32",
       [](auto& s) {
         s[1].logical_type = {};
         s[1].converted_type.reset();
       },
       "column 'a': INT32 + none is not a column type this exporter writes"},
      {"unsigned", [](auto& s) { s[1].logical_type.is_signed = false; },
       "column 'a': INT32 + INTEGER(32, unsigned), converted type 17 is not how this exporter "
       "writes int32"},
      {"int8", [](auto& s) { s[1].logical_type.bit_width = 8; },
       "column 'a': INT32 + INTEGER(8, signed), converted type 17 is not a column type"},
      {"TIME", [](auto& s) { s[1].logical_type.kind = static_cast<Kind>(7); },
       "column 'a': INT32 + TIME, converted type 17 is not a column type"},
      {"no converted type", [](auto& s) { s[2].converted_type.reset(); },
       "column 'b': BYTE_ARRAY + STRING is not how this exporter writes string"},
      {"no repetition", [](auto& s) { s[2].repetition_type.reset(); },
       "column 'b' has no repetition type"},
      {"repeated", [](auto& s) { s[2].repetition_type = static_cast<format::Repetition>(2); },
       "column 'b' is repeated"},
      {"decimal length", [](auto& s) { s[3].type_length = 16; },
       "column 'c': FIXED_LEN_BYTE_ARRAY(16) + DECIMAL(30,2), converted type 5, scale 2, "
       "precision 30 is not how this exporter writes decimal(30,2) (FIXED_LEN_BYTE_ARRAY(13)"},
      {"decimal physical",
       [](auto& s) {
         s[3].type = format::Type::kByteArray;
         s[3].type_length.reset();
       },
       "column 'c': BYTE_ARRAY + DECIMAL(30,2)"},
      {"decimal precision", [](auto& s) { s[3].logical_type.precision = 39; },
       "column 'c': FIXED_LEN_BYTE_ARRAY(13) + DECIMAL(39,2), converted type 5, scale 2, "
       "precision 30 is not a column type this exporter writes"},
      {"decimal scale", [](auto& s) { s[3].logical_type.scale = -1; }, "DECIMAL(30,-1)"},
      {"decimal element scale", [](auto& s) { s[3].scale = 3; },
       "column 'c': FIXED_LEN_BYTE_ARRAY(13) + DECIMAL(30,2), converted type 5, scale 3"},
      {"duplicate", [](auto& s) { s[3] = s[1]; },
       "not one this exporter writes: duplicate column name 'a'"},
      {"empty name", [](auto& s) { s[1].name.clear(); }, "column names must not be empty"},
      {"no columns",
       [](auto& s) {
         s = {s[0]};
         s[0].num_children = 0;
       },
       "needs at least one column"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.label);
    FileFooter footer = ValidFooter();
    c.mutate(footer.schema);
    ExpectDataLoss(SchemaFromFooter(footer).status(), c.error);
  }
}

TEST(FooterReaderTest, SchemaFromFooterAcceptsLeavesWithZeroChildren) {
  FileFooter footer = ValidFooter();
  footer.schema[1].num_children = 0;  // some writers set it on leaves
  Result<Schema> schema = SchemaFromFooter(footer);
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  EXPECT_EQ(schema->fields[0], (Field{"a", DataType::Int32(), true}));
}

}  // namespace
}  // namespace de::parquet
