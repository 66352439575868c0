#include "warehouse/postgres/copy_binary_decoder.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace de {
namespace {

// Builds a binary COPY stream by hand, following the format in the PostgreSQL manual.
class CopyStream {
 public:
  CopyStream() { bytes_.append("PGCOPY\n\377\r\n\0", 11).append(8, '\0'); }

  CopyStream& Row(int16_t fields) { return U16(static_cast<uint16_t>(fields)); }
  CopyStream& Null() { return U32(0xffffffffu); }
  CopyStream& Field(std::string_view value) {
    U32(static_cast<uint32_t>(value.size()));
    bytes_.append(value);
    return *this;
  }
  CopyStream& Bool(bool v) { return Field(std::string(1, v ? '\1' : '\0')); }
  CopyStream& Int2(int16_t v) { return Field(Be(static_cast<uint16_t>(v), 2)); }
  CopyStream& Int4(int32_t v) { return Field(Be(static_cast<uint32_t>(v), 4)); }
  CopyStream& Int8(int64_t v) { return Field(Be(static_cast<uint64_t>(v), 8)); }
  CopyStream& Float4(float v) {
    uint32_t bits;
    std::memcpy(&bits, &v, 4);
    return Field(Be(bits, 4));
  }
  CopyStream& Float8(double v) {
    uint64_t bits;
    std::memcpy(&bits, &v, 8);
    return Field(Be(bits, 8));
  }
  // A numeric in its binary form from its parts.
  CopyStream& NumericRaw(int16_t weight, uint16_t sign, int16_t dscale,
                         std::vector<int16_t> digits) {
    std::string v = Be(digits.size(), 2) + Be(static_cast<uint16_t>(weight), 2) + Be(sign, 2) +
                    Be(static_cast<uint16_t>(dscale), 2);
    for (int16_t d : digits) v += Be(static_cast<uint16_t>(d), 2);
    return Field(v);
  }
  // A numeric from its decimal text ("-123.4500"), encoded as PostgreSQL's numeric_send does:
  // base-10000 groups aligned on the point, leading and trailing zero groups dropped.
  CopyStream& Numeric(std::string_view text) {
    bool negative = !text.empty() && text[0] == '-';
    if (negative) text.remove_prefix(1);
    size_t point = text.find('.');
    std::string integer(text.substr(0, point));
    std::string fraction =
        point == std::string_view::npos ? "" : std::string(text.substr(point + 1));
    int16_t dscale = static_cast<int16_t>(fraction.size());
    integer.insert(0, (4 - integer.size() % 4) % 4, '0');
    fraction.append((4 - fraction.size() % 4) % 4, '0');
    std::vector<int16_t> digits;
    for (size_t i = 0; i < integer.size(); i += 4)
      digits.push_back(std::stoi(integer.substr(i, 4)));
    for (size_t i = 0; i < fraction.size(); i += 4)
      digits.push_back(std::stoi(fraction.substr(i, 4)));
    int weight = static_cast<int>(integer.size() / 4) - 1;
    size_t first = 0;
    while (first < digits.size() && digits[first] == 0) ++first, --weight;
    while (digits.size() > first && digits.back() == 0) digits.pop_back();
    digits.erase(digits.begin(), digits.begin() + static_cast<long>(first));
    if (digits.empty()) weight = 0;
    return NumericRaw(static_cast<int16_t>(weight), negative ? 0x4000 : 0, dscale, digits);
  }
  CopyStream& Trailer() { return U16(0xffff); }
  CopyStream& Raw(std::string_view bytes) {
    bytes_.append(bytes);
    return *this;
  }

  const std::string& bytes() const { return bytes_; }

  static std::string Be(uint64_t v, int width) {
    std::string out;
    for (int i = width - 1; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
    return out;
  }

 private:
  CopyStream& U16(uint16_t v) { return Raw(Be(v, 2)); }
  CopyStream& U32(uint32_t v) { return Raw(Be(v, 4)); }

  std::string bytes_;
};

Schema SchemaOf(const std::vector<PgColumn>& columns) {
  Schema schema;
  for (const PgColumn& c : columns) schema.fields.push_back({c.name, c.target});
  return schema;
}

CopyBinaryDecoder MakeDecoder(const std::vector<PgColumn>& columns) {
  Result<CopyBinaryDecoder> decoder = CopyBinaryDecoder::Create("t", columns);
  EXPECT_TRUE(decoder.ok()) << decoder.status().ToString();
  return std::move(decoder).value();
}

// Decodes `stream` fed in the given chunk sizes (the rest in one piece); returns the status of
// the first failing Feed or of Finish.
Status Decode(const std::vector<PgColumn>& columns, std::string_view stream, Batch* batch,
              const std::vector<size_t>& chunks = {}) {
  CopyBinaryDecoder decoder = MakeDecoder(columns);
  size_t pos = 0;
  for (size_t n : chunks) {
    n = std::min(n, stream.size() - pos);
    Result<size_t> rows = decoder.Feed(stream.substr(pos, n), batch);
    if (!rows.ok()) return rows.status();
    pos += n;
  }
  Result<size_t> rows = decoder.Feed(stream.substr(pos), batch);
  if (!rows.ok()) return rows.status();
  return decoder.Finish();
}

std::vector<PgColumn> OneColumn(PgType pg, DataType target) { return {{"c", pg, target}}; }

// Decodes a one-row, one-column stream whose only field is built by `field`.
template <typename Fn>
Status DecodeOne(PgType pg, DataType target, Fn field, Batch* batch) {
  CopyStream s;
  s.Row(1);
  field(s);
  s.Trailer();
  return Decode(OneColumn(pg, target), s.bytes(), batch);
}

__int128 Int128FromText(std::string_view text) {
  bool negative = text[0] == '-';
  if (negative) text.remove_prefix(1);
  __int128 v = 0;
  for (char c : text) v = v * 10 + (c - '0');
  return negative ? -v : v;
}

TEST(PgTypeTest, FromOid) {
  EXPECT_EQ(PgTypeFromOid(20), PgType::kInt8);
  EXPECT_EQ(PgTypeFromOid(1043), PgType::kText);
  EXPECT_EQ(PgTypeFromOid(1184), PgType::kTimestamptz);
  EXPECT_EQ(PgTypeFromOid(3802), PgType::kJsonb);
  EXPECT_EQ(PgTypeFromOid(1007), std::nullopt);  // int4[]
}

TEST(CopyBinaryDecoderTest, RejectsUnsupportedTarget) {
  Result<CopyBinaryDecoder> d =
      CopyBinaryDecoder::Create("orders", {{"total", PgType::kInt8, DataType::Int32()}});
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(d.status().message(),
            "warehouse table 'orders', column 'total': PostgreSQL type bigint cannot be read as "
            "int32");
  EXPECT_FALSE(
      CopyBinaryDecoder::Create("t", {{"ts", PgType::kTimestamptz, DataType::Timestamp(false)}})
          .ok());
}

TEST(CopyBinaryDecoderTest, EmptyStream) {
  Batch batch(SchemaOf(OneColumn(PgType::kInt4, DataType::Int32())));
  CopyStream s;
  s.Trailer();
  ASSERT_TRUE(Decode(OneColumn(PgType::kInt4, DataType::Int32()), s.bytes(), &batch).ok());
  EXPECT_EQ(batch.num_rows(), 0u);
}

TEST(CopyBinaryDecoderTest, IntegersBoolAndFloats) {
  std::vector<PgColumn> cols = {
      {"b", PgType::kBool, DataType::Bool()},       {"i2", PgType::kInt2, DataType::Int16()},
      {"i2w", PgType::kInt2, DataType::Int64()},    {"i4", PgType::kInt4, DataType::Int32()},
      {"i8", PgType::kInt8, DataType::Int64()},     {"f4", PgType::kFloat4, DataType::Float()},
      {"f4w", PgType::kFloat4, DataType::Double()}, {"f8", PgType::kFloat8, DataType::Double()},
  };
  CopyStream s;
  s.Row(8).Bool(true).Int2(INT16_MIN).Int2(-7).Int4(INT32_MAX).Int8(INT64_MIN).Float4(1.5f);
  s.Float4(-0.25f).Float8(-1e300);
  s.Row(8).Bool(false).Int2(INT16_MAX).Int2(32767).Int4(INT32_MIN).Int8(INT64_MAX).Float4(0);
  s.Float4(3.0f).Float8(0.1);
  s.Row(8).Null().Null().Null().Null().Null().Null().Null().Null();
  s.Trailer();
  Batch batch(SchemaOf(cols));
  Status st = Decode(cols, s.bytes(), &batch);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_EQ(batch.num_rows(), 3u);
  EXPECT_EQ(batch.column(0).Value<uint8_t>(0), 1);
  EXPECT_EQ(batch.column(0).Value<uint8_t>(1), 0);
  EXPECT_EQ(batch.column(1).Value<int16_t>(0), INT16_MIN);
  EXPECT_EQ(batch.column(1).Value<int16_t>(1), INT16_MAX);
  EXPECT_EQ(batch.column(2).Value<int64_t>(0), -7);
  EXPECT_EQ(batch.column(3).Value<int32_t>(0), INT32_MAX);
  EXPECT_EQ(batch.column(3).Value<int32_t>(1), INT32_MIN);
  EXPECT_EQ(batch.column(4).Value<int64_t>(0), INT64_MIN);
  EXPECT_EQ(batch.column(4).Value<int64_t>(1), INT64_MAX);
  EXPECT_EQ(batch.column(5).Value<float>(0), 1.5f);
  EXPECT_EQ(batch.column(6).Value<double>(0), -0.25);
  EXPECT_EQ(batch.column(7).Value<double>(0), -1e300);
  EXPECT_EQ(batch.column(7).Value<double>(1), 0.1);
  for (size_t c = 0; c < 8; ++c) {
    EXPECT_TRUE(batch.column(c).IsValid(1));
    EXPECT_TRUE(batch.column(c).IsNull(2)) << c;
    EXPECT_EQ(batch.column(c).null_count(), 1u);
  }
}

TEST(CopyBinaryDecoderTest, TextJsonJsonbByteaUuid) {
  std::vector<PgColumn> cols = {
      {"t", PgType::kText, DataType::String()}, {"j", PgType::kJson, DataType::Json()},
      {"jb", PgType::kJsonb, DataType::Json()}, {"b", PgType::kBytea, DataType::Binary()},
      {"u", PgType::kUuid, DataType::Uuid()},   {"us", PgType::kUuid, DataType::String()},
  };
  const std::string uuid("\x12\x34\x56\x78\x9a\xbc\xde\xf0\x01\x23\x45\x67\x89\xab\xcd\xef", 16);
  CopyStream s;
  s.Row(6).Field("h\xc3\xa9llo").Field("{\"a\": [1, 2]}").Field("\x01{\"a\": 1}");
  s.Field(std::string("\0\xff\n", 3)).Field(uuid).Field(uuid);
  s.Row(6).Field("").Null().Field("\x01null").Field("").Null().Null();
  s.Trailer();
  Batch batch(SchemaOf(cols));
  Status st = Decode(cols, s.bytes(), &batch);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_EQ(batch.num_rows(), 2u);
  EXPECT_EQ(batch.column(0).Bytes(0), "h\xc3\xa9llo");
  EXPECT_EQ(batch.column(0).Bytes(1), "");
  EXPECT_TRUE(batch.column(0).IsValid(1));
  EXPECT_EQ(batch.column(1).Bytes(0), "{\"a\": [1, 2]}");
  EXPECT_TRUE(batch.column(1).IsNull(1));
  EXPECT_EQ(batch.column(2).Bytes(0), "{\"a\": 1}");
  EXPECT_EQ(batch.column(2).Bytes(1), "null");
  EXPECT_EQ(batch.column(3).Bytes(0), std::string("\0\xff\n", 3));
  EXPECT_EQ(std::memcmp(batch.column(4).values<uint8_t>(), uuid.data(), 16), 0);
  EXPECT_TRUE(batch.column(4).IsNull(1));
  EXPECT_EQ(batch.column(5).Bytes(0), "12345678-9abc-def0-0123-456789abcdef");
}

TEST(CopyBinaryDecoderTest, DatesAndTimestamps) {
  std::vector<PgColumn> cols = {
      {"d", PgType::kDate, DataType::Date()},
      {"ts", PgType::kTimestamp, DataType::Timestamp(false)},
      {"tz", PgType::kTimestamptz, DataType::Timestamp(true)},
  };
  CopyStream s;
  // PostgreSQL counts from 2000-01-01: 1970-01-01 is day -10957, µs -946684800000000.
  s.Row(3).Int4(-10957).Int8(-946684800000000).Int8(0);
  s.Row(3).Int4(-10958).Int8(-946684800000001).Int8(-1);  // 1969-12-31, 23:59:59.999999
  s.Row(3).Int4(25626 - 10957).Int8(4116745845123456 - 946684800000000).Null();    // 2040-02-29
  s.Row(3).Int4(-25567 - 10957).Int8(-2208988799999999 - 946684800000000).Null();  // 1900
  s.Trailer();
  Batch batch(SchemaOf(cols));
  Status st = Decode(cols, s.bytes(), &batch);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_EQ(batch.num_rows(), 4u);
  EXPECT_EQ(batch.column(0).Value<int32_t>(0), 0);
  EXPECT_EQ(batch.column(1).Value<int64_t>(0), 0);
  EXPECT_EQ(batch.column(2).Value<int64_t>(0), 946684800000000);  // 2000-01-01T00:00:00Z
  EXPECT_EQ(batch.column(0).Value<int32_t>(1), -1);
  EXPECT_EQ(batch.column(1).Value<int64_t>(1), -1);
  EXPECT_EQ(batch.column(2).Value<int64_t>(1), 946684799999999);
  EXPECT_EQ(batch.column(0).Value<int32_t>(2), 25626);
  EXPECT_EQ(batch.column(1).Value<int64_t>(2), 4116745845123456);  // 2100-06-15 12:30:45.123456
  EXPECT_EQ(batch.column(0).Value<int32_t>(3), -25567);
  EXPECT_EQ(batch.column(1).Value<int64_t>(3), -2208988799999999);  // 1900-01-01 00:00:00.000001
  EXPECT_TRUE(batch.column(2).IsNull(3));
}

TEST(CopyBinaryDecoderTest, Time) {
  std::vector<PgColumn> cols = {{"t", PgType::kTime, DataType::Int64()},
                                {"ts", PgType::kTime, DataType::String()}};
  CopyStream s;
  s.Row(2).Int8(0).Int8(0);
  s.Row(2).Int8(45296789000).Int8(45296789000);  // 12:34:56.789
  s.Row(2).Int8(86399999999).Int8(86399999999);
  s.Row(2).Int8(86400000000).Int8(86400000000);  // 24:00:00 is a valid PostgreSQL time
  s.Trailer();
  Batch batch(SchemaOf(cols));
  Status st = Decode(cols, s.bytes(), &batch);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(batch.column(0).Value<int64_t>(1), 45296789000);
  EXPECT_EQ(batch.column(1).Bytes(0), "00:00:00");
  EXPECT_EQ(batch.column(1).Bytes(1), "12:34:56.789");
  EXPECT_EQ(batch.column(1).Bytes(2), "23:59:59.999999");
  EXPECT_EQ(batch.column(1).Bytes(3), "24:00:00");
}

TEST(CopyBinaryDecoderTest, InfinityRejected) {
  struct Case {
    PgType pg;
    DataType target;
    std::string field;
    std::string value;
  };
  std::vector<Case> cases = {
      {PgType::kDate, DataType::Date(), CopyStream::Be(0x7fffffff, 4), "'infinity' (date)"},
      {PgType::kDate, DataType::Date(), CopyStream::Be(0x80000000, 4), "'-infinity' (date)"},
      {PgType::kTimestamp, DataType::Timestamp(false), CopyStream::Be(INT64_MAX, 8),
       "'infinity' (timestamp)"},
      {PgType::kTimestamptz, DataType::Timestamp(true),
       CopyStream::Be(static_cast<uint64_t>(INT64_MIN), 8), "'-infinity' (timestamptz)"},
  };
  for (const Case& c : cases) {
    std::vector<PgColumn> cols = {{"id", PgType::kInt4, DataType::Int32()},
                                  {"when", c.pg, c.target}};
    CopyStream s;
    s.Row(2).Int4(1).Null().Row(2).Int4(2).Field(c.field).Trailer();
    Batch batch(SchemaOf(cols));
    Status st = Decode(cols, s.bytes(), &batch);
    EXPECT_EQ(st.code(), StatusCode::kDataLoss);
    EXPECT_EQ(st.message(), "warehouse table 't', column 'when', row 2 of the COPY stream: value " +
                                c.value + " cannot be exported");
  }
}

struct DecimalCase {
  std::string text;
  int precision;
  int scale;
  std::string unscaled;  // empty: kDataLoss expected
};

TEST(CopyBinaryDecoderTest, NumericToDecimal) {
  std::vector<DecimalCase> cases = {
      {"0", 10, 2, "0"},
      {"0.00", 10, 2, "0"},
      {"12.34", 4, 2, "1234"},
      {"-12345.6789", 10, 4, "-123456789"},
      {"0.0001", 5, 4, "1"},
      {"-0.0001", 5, 4, "-1"},
      {"0.00012", 6, 5, "12"},
      {"10000", 5, 0, "10000"},
      {"123456789012345678", 18, 0, "123456789012345678"},
      {"-999999999999999999", 18, 0, "-999999999999999999"},
      {"12.5", 18, 6, "12500000"},
      {"99999999999999999999999999999999999999", 38, 0, "99999999999999999999999999999999999999"},
      {"-99999999999999999999999999999999999999", 38, 0, "-99999999999999999999999999999999999999"},
      {"-0.99999999999999999999999999999999999999", 38, 38,
       "-99999999999999999999999999999999999999"},
      {"1234567890123456789.0123456789", 38, 10, "12345678901234567890123456789"},
      {"12.345", 5, 2, ""},    // digit beyond the scale
      {"1000", 3, 0, ""},      // too many digits
      {"100000", 38, 34, ""},  // 10^39 unscaled
      {"99999999999999999999999999999999999999.5", 38, 0, ""},
  };
  for (const DecimalCase& c : cases) {
    SCOPED_TRACE(c.text);
    DataType type = DataType::Decimal(c.precision, c.scale);
    Batch batch(SchemaOf(OneColumn(PgType::kNumeric, type)));
    Status st = DecodeOne(
        PgType::kNumeric, type, [&](CopyStream& s) { s.Numeric(c.text); }, &batch);
    if (c.unscaled.empty()) {
      EXPECT_EQ(st.code(), StatusCode::kDataLoss);
      EXPECT_EQ(st.message(), "warehouse table 't', column 'c', row 1 of the COPY stream: value '" +
                                  c.text + "' does not fit " + type.ToString());
      continue;
    }
    ASSERT_TRUE(st.ok()) << st.ToString();
    if (c.precision <= 18) {
      EXPECT_EQ(batch.column(0).Value<int64_t>(0),
                static_cast<int64_t>(Int128FromText(c.unscaled)));
    } else {
      EXPECT_TRUE(batch.column(0).Value<__int128>(0) == Int128FromText(c.unscaled));
    }
  }
}

TEST(CopyBinaryDecoderTest, NumericHandBuilt) {
  // 0.0001 as PostgreSQL sends it: 1 digit, weight -1, dscale 4, digit 1.
  DataType type = DataType::Decimal(9, 4);
  Batch batch(SchemaOf(OneColumn(PgType::kNumeric, type)));
  ASSERT_TRUE(
      DecodeOne(
          PgType::kNumeric, type, [](CopyStream& s) { s.NumericRaw(-1, 0, 4, {1}); }, &batch)
          .ok());
  EXPECT_EQ(batch.column(0).Value<int64_t>(0), 1);
  // 20000.5 = digits {2, 0, 5000}, weight 1.
  batch.Clear();
  ASSERT_TRUE(DecodeOne(
                  PgType::kNumeric, type,
                  [](CopyStream& s) {
                    s.NumericRaw(1, 0x4000, 1, {2, 0, 5000});
                  },
                  &batch)
                  .ok());
  EXPECT_EQ(batch.column(0).Value<int64_t>(0), -200005000);
}

TEST(CopyBinaryDecoderTest, NumericSpecialsRejectedAsDecimal) {
  for (auto [sign, text] : std::vector<std::pair<uint16_t, std::string>>{
           {0xC000, "NaN"}, {0xD000, "Infinity"}, {0xF000, "-Infinity"}}) {
    DataType type = DataType::Decimal(10, 2);
    Batch batch(SchemaOf(OneColumn(PgType::kNumeric, type)));
    Status st = DecodeOne(
        PgType::kNumeric, type, [&](CopyStream& s) { s.NumericRaw(0, sign, 0, {}); }, &batch);
    EXPECT_EQ(st.message(), "warehouse table 't', column 'c', row 1 of the COPY stream: value '" +
                                text + "' does not fit decimal(10,2)");
  }
}

TEST(CopyBinaryDecoderTest, NumericToStringAndDouble) {
  std::vector<std::string> texts = {
      "0",     "0.00", "-12345.6789",  "0.0001",
      "10000", "1.50", "-0.000012300", "123456789012345678901234567890.123"};
  std::vector<PgColumn> cols = {{"s", PgType::kNumeric, DataType::String()},
                                {"d", PgType::kNumeric, DataType::Double()}};
  CopyStream s;
  for (const std::string& t : texts) s.Row(2).Numeric(t).Numeric(t);
  s.Row(2).NumericRaw(0, 0xC000, 0, {}).NumericRaw(0, 0xF000, 0, {});
  s.Trailer();
  Batch batch(SchemaOf(cols));
  Status st = Decode(cols, s.bytes(), &batch);
  ASSERT_TRUE(st.ok()) << st.ToString();
  for (size_t i = 0; i < texts.size(); ++i) {
    EXPECT_EQ(batch.column(0).Bytes(i), texts[i]);
    EXPECT_EQ(batch.column(1).Value<double>(i), std::strtod(texts[i].c_str(), nullptr));
  }
  EXPECT_EQ(batch.column(0).Bytes(texts.size()), "NaN");
  EXPECT_EQ(batch.column(1).Value<double>(texts.size()), -HUGE_VAL);
}

// Every type in one stream, for the chunking tests.
std::vector<PgColumn> AllColumns() {
  return {
      {"b", PgType::kBool, DataType::Bool()},
      {"i2", PgType::kInt2, DataType::Int16()},
      {"i4", PgType::kInt4, DataType::Int32()},
      {"i8", PgType::kInt8, DataType::Int64()},
      {"f4", PgType::kFloat4, DataType::Float()},
      {"f8", PgType::kFloat8, DataType::Double()},
      {"n", PgType::kNumeric, DataType::Decimal(38, 6)},
      {"ns", PgType::kNumeric, DataType::String()},
      {"t", PgType::kText, DataType::String()},
      {"j", PgType::kJsonb, DataType::Json()},
      {"by", PgType::kBytea, DataType::Binary()},
      {"u", PgType::kUuid, DataType::Uuid()},
      {"d", PgType::kDate, DataType::Date()},
      {"ts", PgType::kTimestamptz, DataType::Timestamp(true)},
      {"tm", PgType::kTime, DataType::String()},
  };
}

std::string AllTypesStream(int rows) {
  // Signature, flags 0 and a 4-byte header extension, which readers skip.
  std::string header = CopyStream().bytes().substr(0, 15) + CopyStream::Be(4, 4) + "ext!";
  std::string rows_bytes;
  for (int r = 0; r < rows; ++r) {
    CopyStream row;
    row.Row(15);
    if (r % 5 == 4) {
      for (int c = 0; c < 15; ++c) row.Null();
    } else {
      std::string text(static_cast<size_t>(r * 7 % 40), static_cast<char>('a' + r % 26));
      row.Bool(r % 2).Int2(static_cast<int16_t>(r - 100)).Int4(r * 1000003).Int8(-r * 99999989LL);
      row.Float4(static_cast<float>(r) / 3).Float8(r * 1.25e10).Numeric(std::to_string(r) + ".5");
      row.Numeric("-" + std::to_string(r * 31) + ".0007").Field(text);
      row.Field("\x01[" + std::to_string(r) + "]")
          .Field(std::string(static_cast<size_t>(r % 3), '\0'));
      row.Field(std::string(16, static_cast<char>(r))).Int4(r * 400 - 20000);
      row.Int8(static_cast<int64_t>(r) * 86400000000LL * 37 - 9000000000000000LL);
      row.Int8(static_cast<int64_t>(r) * 1000001 % 86400000000LL);
    }
    rows_bytes += row.bytes().substr(19);
  }
  return header + rows_bytes + CopyStream::Be(0xffff, 2);
}

void ExpectSameBatches(const Batch& a, const Batch& b) {
  ASSERT_EQ(a.num_rows(), b.num_rows());
  for (size_t c = 0; c < a.num_columns(); ++c) {
    const ColumnVector& x = a.column(c);
    const ColumnVector& y = b.column(c);
    int width = x.type().byte_width();
    for (size_t i = 0; i < a.num_rows(); ++i) {
      ASSERT_EQ(x.IsValid(i), y.IsValid(i)) << "column " << c << " row " << i;
      if (x.type().is_variable_width()) {
        ASSERT_EQ(x.Bytes(i), y.Bytes(i)) << "column " << c << " row " << i;
      } else {
        ASSERT_EQ(std::memcmp(x.values<uint8_t>() + i * static_cast<size_t>(width),
                              y.values<uint8_t>() + i * static_cast<size_t>(width),
                              static_cast<size_t>(width)),
                  0)
            << "column " << c << " row " << i;
      }
    }
  }
}

TEST(CopyBinaryDecoderTest, HeaderExtensionAndSpotValues) {
  std::string stream = AllTypesStream(10);
  Batch batch(SchemaOf(AllColumns()));
  Status st = Decode(AllColumns(), stream, &batch);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_EQ(batch.num_rows(), 10u);
  EXPECT_EQ(batch.column(2).Value<int32_t>(3), 3000009);
  EXPECT_TRUE(batch.column(6).Value<__int128>(3) == 3500000);
  EXPECT_EQ(batch.column(7).Bytes(3), "-93.0007");
  EXPECT_EQ(batch.column(9).Bytes(3), "[3]");
  EXPECT_EQ(batch.column(14).Bytes(1), "00:00:01.000001");
  EXPECT_TRUE(batch.column(8).IsNull(4));
}

TEST(CopyBinaryDecoderTest, EveryChunkSplitGivesTheSameBatch) {
  const std::string stream = AllTypesStream(12);
  Batch whole(SchemaOf(AllColumns()));
  ASSERT_TRUE(Decode(AllColumns(), stream, &whole).ok());
  // Byte by byte.
  {
    Batch batch(SchemaOf(AllColumns()));
    Status st = Decode(AllColumns(), stream, &batch, std::vector<size_t>(stream.size(), 1));
    ASSERT_TRUE(st.ok()) << st.ToString();
    ExpectSameBatches(whole, batch);
  }
  // Every single split point.
  for (size_t split = 0; split <= stream.size(); ++split) {
    Batch batch(SchemaOf(AllColumns()));
    Status st = Decode(AllColumns(), stream, &batch, {split});
    ASSERT_TRUE(st.ok()) << "split " << split << ": " << st.ToString();
    ExpectSameBatches(whole, batch);
  }
  // Random chunk sizes.
  std::mt19937 rng(42);
  for (int round = 0; round < 50; ++round) {
    std::vector<size_t> chunks;
    std::uniform_int_distribution<size_t> size(0, 80);
    for (size_t total = 0; total < stream.size();) total += chunks.emplace_back(size(rng));
    Batch batch(SchemaOf(AllColumns()));
    ASSERT_TRUE(Decode(AllColumns(), stream, &batch, chunks).ok()) << "round " << round;
    ExpectSameBatches(whole, batch);
  }
}

TEST(CopyBinaryDecoderTest, FeedReturnsRowsAppended) {
  const std::string stream = AllTypesStream(3);
  CopyBinaryDecoder decoder = MakeDecoder(AllColumns());
  Batch batch(SchemaOf(AllColumns()));
  size_t half = stream.size() / 2;
  Result<size_t> a = decoder.Feed(std::string_view(stream).substr(0, half), &batch);
  Result<size_t> b = decoder.Feed(std::string_view(stream).substr(half), &batch);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a + *b, 3u);
  EXPECT_EQ(batch.num_rows(), 3u);
  EXPECT_EQ(decoder.rows_decoded(), 3u);
  EXPECT_TRUE(decoder.Finish().ok());
}

TEST(CopyBinaryDecoderTest, EveryTruncationIsRejectedAtFinish) {
  const std::string stream = AllTypesStream(3);
  for (size_t n = 0; n < stream.size(); ++n) {
    Batch batch(SchemaOf(AllColumns()));
    Status st = Decode(AllColumns(), std::string_view(stream).substr(0, n), &batch);
    ASSERT_EQ(st.code(), StatusCode::kDataLoss) << n;
    ASSERT_NE(st.message().find("truncated"), std::string::npos) << st.message();
  }
  Batch batch(SchemaOf(AllColumns()));
  Status st = Decode(AllColumns(), std::string_view(stream).substr(0, 30), &batch);
  EXPECT_EQ(st.message(),
            "warehouse table 't', COPY stream after row 0: stream truncated inside row 1 (7 bytes "
            "received)");
  st = Decode(AllColumns(), std::string_view(stream).substr(0, stream.size() - 2), &batch);
  EXPECT_EQ(st.message(),
            "warehouse table 't', COPY stream after row 3: stream truncated before its trailer");
}

// Feeds `stream` to a decoder of one int4 column "id" and one text column "name".
Status DecodeTwo(std::string_view stream) {
  std::vector<PgColumn> cols = {{"id", PgType::kInt4, DataType::Int32()},
                                {"name", PgType::kText, DataType::String()}};
  Batch batch(SchemaOf(cols));
  return Decode(cols, stream, &batch);
}

TEST(CopyBinaryDecoderTest, GarbageIsRejected) {
  EXPECT_EQ(DecodeTwo("PGCOPY\nXXXX").message(),
            "warehouse table 't', COPY stream after row 0: not a binary COPY stream (wrong "
            "signature)");
  EXPECT_EQ(DecodeTwo("id,name\n1,x\n").code(), StatusCode::kDataLoss);
  {
    CopyStream s;
    s.Row(2).Int4(1).Field("a").Row(3).Int4(2).Field("b").Null().Trailer();
    EXPECT_EQ(DecodeTwo(s.bytes()).message(),
              "warehouse table 't', row 2 of the COPY stream has 3 fields, expected 2");
  }
  {
    CopyStream s;
    s.Row(2).Int4(1).Raw(CopyStream::Be(0xfffffffe, 4)).Trailer();
    EXPECT_EQ(DecodeTwo(s.bytes()).message(),
              "warehouse table 't', column 'name', row 1 of the COPY stream: bad field length -2");
  }
  {
    CopyStream s;
    s.Row(2).Field("abc").Field("a").Trailer();
    EXPECT_EQ(DecodeTwo(s.bytes()).message(),
              "warehouse table 't', column 'id', row 1 of the COPY stream: a integer value must "
              "be 4 bytes, the stream has 3");
  }
  {
    CopyStream s;
    s.Row(2).Int4(1).Field("a").Trailer().Raw("x");
    EXPECT_EQ(DecodeTwo(s.bytes()).message(),
              "warehouse table 't', COPY stream after row 1: 1 bytes after the trailer");
  }
  {
    std::string oids = CopyStream().bytes();
    oids[12] = 1;  // flags bit 16 (bits 16..23 are the second flags byte)
    EXPECT_EQ(DecodeTwo(oids + CopyStream::Be(0xffff, 2)).message(),
              "warehouse table 't', COPY stream after row 0: the stream includes OIDs (not "
              "supported)");
  }
  {
    Batch batch(SchemaOf(OneColumn(PgType::kJsonb, DataType::Json())));
    Status st = DecodeOne(
        PgType::kJsonb, DataType::Json(), [](CopyStream& s) { s.Field("\x02{}"); }, &batch);
    EXPECT_EQ(st.message(),
              "warehouse table 't', column 'c', row 1 of the COPY stream: unsupported jsonb "
              "format version 2");
  }
  {
    Batch batch(SchemaOf(OneColumn(PgType::kNumeric, DataType::String())));
    Status st = DecodeOne(
        PgType::kNumeric, DataType::String(),
        [](CopyStream& s) { s.Field(CopyStream::Be(3, 2) + std::string(6, 0)); }, &batch);
    EXPECT_EQ(st.message(),
              "warehouse table 't', column 'c', row 1 of the COPY stream: malformed numeric value "
              "(3 digits in 8 bytes, scale 0)");
  }
}

TEST(CopyBinaryDecoderTest, BatchMustMatchColumns) {
  CopyBinaryDecoder decoder = MakeDecoder(OneColumn(PgType::kInt4, DataType::Int32()));
  Batch batch(SchemaOf(OneColumn(PgType::kInt8, DataType::Int64())));
  EXPECT_EQ(decoder.Feed("", &batch).status().code(), StatusCode::kInvalidArgument);
}

// Against a real server: set DE_PG_CONNINFO to a libpq connection string (scripts/pg-cluster
// starts one). Runs psql's COPY … TO STDOUT (FORMAT binary) and decodes its output.
std::string RunPsqlCopy(const std::string& select, std::string* error) {
  std::string sql_path = testing::TempDir() + "copy_binary_decoder_test.sql";
  std::FILE* sql = std::fopen(sql_path.c_str(), "w");
  if (sql == nullptr) return *error = "cannot write " + sql_path, "";
  std::fprintf(sql, "COPY (%s) TO STDOUT (FORMAT binary);\n", select.c_str());
  std::fclose(sql);
  // The shell expands $DE_PG_CONNINFO itself, so it is never pasted into the command text.
  std::string command =
      "PGCLIENTENCODING=UTF8 psql -X -q -v ON_ERROR_STOP=1 -d \"$DE_PG_CONNINFO\" -f '" + sql_path +
      "'";
  std::FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return *error = "popen failed", "";
  std::string out;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof(buf), pipe)) > 0;) out.append(buf, n);
  int rc = pclose(pipe);
  std::remove(sql_path.c_str());
  if (rc != 0) *error = "psql exited with status " + std::to_string(rc);
  return out;
}

TEST(CopyBinaryDecoderLiveTest, DecodesPsqlOutputForEveryType) {
  if (std::getenv("DE_PG_CONNINFO") == nullptr) GTEST_SKIP() << "DE_PG_CONNINFO is not set";
  const std::string select =
      "SELECT * FROM (VALUES "
      "(true, (-32768)::int2, 2147483647::int4, (-9223372036854775808)::int8, 1.5::float4, "
      "(-1e300)::float8, '-99999999999999999999999999999999.999999'::numeric(38,6), "
      "'0.0001'::numeric(5,4), 0::numeric(5,2), 'h\u00e9llo'::text, 'ab'::char(4), "
      "'{\"a\": [1, 2]}'::json, '{\"b\": 1}'::jsonb, '\\x00ff'::bytea, "
      "'12345678-9abc-def0-0123-456789abcdef'::uuid, '1969-12-31'::date, '2040-02-29'::date, "
      "'1900-01-01 00:00:00.000001'::timestamp, '2100-06-15 12:30:45.123456+00'::timestamptz, "
      "'12:34:56.789'::time, to_json(ARRAY[1, 2, NULL]), '-12345.678900'::numeric), "
      "(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
      "NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)) v";
  std::vector<PgColumn> cols = {
      {"b", PgType::kBool, DataType::Bool()},
      {"i2", PgType::kInt2, DataType::Int16()},
      {"i4", PgType::kInt4, DataType::Int32()},
      {"i8", PgType::kInt8, DataType::Int64()},
      {"f4", PgType::kFloat4, DataType::Float()},
      {"f8", PgType::kFloat8, DataType::Double()},
      {"n38", PgType::kNumeric, DataType::Decimal(38, 6)},
      {"n_small", PgType::kNumeric, DataType::Decimal(5, 4)},
      {"n_zero", PgType::kNumeric, DataType::Decimal(5, 2)},
      {"t", PgType::kText, DataType::String()},
      {"c", PgType::kText, DataType::String()},
      {"j", PgType::kJson, DataType::Json()},
      {"jb", PgType::kJsonb, DataType::Json()},
      {"by", PgType::kBytea, DataType::Binary()},
      {"u", PgType::kUuid, DataType::Uuid()},
      {"d1", PgType::kDate, DataType::Date()},
      {"d2", PgType::kDate, DataType::Date()},
      {"ts", PgType::kTimestamp, DataType::Timestamp(false)},
      {"tz", PgType::kTimestamptz, DataType::Timestamp(true)},
      {"tm", PgType::kTime, DataType::String()},
      {"arr", PgType::kJson, DataType::Json()},
      {"ns", PgType::kNumeric, DataType::String()},
  };
  std::string error;
  std::string stream = RunPsqlCopy(select, &error);
  ASSERT_EQ(error, "");
  for (size_t chunk : {size_t{1}, size_t{7}, stream.size()}) {
    SCOPED_TRACE(chunk);
    Batch batch(SchemaOf(cols));
    Status st = Decode(cols, stream, &batch, std::vector<size_t>(stream.size() / chunk, chunk));
    ASSERT_TRUE(st.ok()) << st.ToString();
    ASSERT_EQ(batch.num_rows(), 2u);
    EXPECT_EQ(batch.column(0).Value<uint8_t>(0), 1);
    EXPECT_EQ(batch.column(1).Value<int16_t>(0), INT16_MIN);
    EXPECT_EQ(batch.column(2).Value<int32_t>(0), INT32_MAX);
    EXPECT_EQ(batch.column(3).Value<int64_t>(0), INT64_MIN);
    EXPECT_EQ(batch.column(4).Value<float>(0), 1.5f);
    EXPECT_EQ(batch.column(5).Value<double>(0), -1e300);
    EXPECT_TRUE(batch.column(6).Value<__int128>(0) ==
                Int128FromText("-99999999999999999999999999999999999999"));
    EXPECT_EQ(batch.column(7).Value<int64_t>(0), 1);
    EXPECT_EQ(batch.column(8).Value<int64_t>(0), 0);
    EXPECT_EQ(batch.column(9).Bytes(0), "h\xc3\xa9llo");
    EXPECT_EQ(batch.column(10).Bytes(0), "ab  ");
    EXPECT_EQ(batch.column(11).Bytes(0), "{\"a\": [1, 2]}");
    EXPECT_EQ(batch.column(12).Bytes(0), "{\"b\": 1}");
    EXPECT_EQ(batch.column(13).Bytes(0), std::string("\0\xff", 2));
    EXPECT_EQ(batch.column(14).Value<uint8_t>(0), 0x12);
    EXPECT_EQ(batch.column(15).Value<int32_t>(0), -1);
    EXPECT_EQ(batch.column(16).Value<int32_t>(0), 25626);
    EXPECT_EQ(batch.column(17).Value<int64_t>(0), -2208988799999999);
    EXPECT_EQ(batch.column(18).Value<int64_t>(0), 4116745845123456);
    EXPECT_EQ(batch.column(19).Bytes(0), "12:34:56.789");
    EXPECT_EQ(batch.column(20).Bytes(0), "[1,2,null]");
    EXPECT_EQ(batch.column(21).Bytes(0), "-12345.678900");
    for (size_t c = 0; c < cols.size(); ++c) EXPECT_TRUE(batch.column(c).IsNull(1)) << c;
  }
}

TEST(CopyBinaryDecoderLiveTest, InfinityFromServerIsRejected) {
  if (std::getenv("DE_PG_CONNINFO") == nullptr) GTEST_SKIP() << "DE_PG_CONNINFO is not set";
  std::string error;
  std::string stream = RunPsqlCopy(
      "SELECT * FROM (VALUES ('2020-01-01'::timestamptz), ('infinity'::timestamptz)) v(ts)",
      &error);
  ASSERT_EQ(error, "");
  std::vector<PgColumn> cols = {{"ts", PgType::kTimestamptz, DataType::Timestamp(true)}};
  Batch batch(SchemaOf(cols));
  EXPECT_EQ(Decode(cols, stream, &batch).message(),
            "warehouse table 't', column 'ts', row 2 of the COPY stream: value 'infinity' "
            "(timestamptz) cannot be exported");
}

}  // namespace
}  // namespace de
