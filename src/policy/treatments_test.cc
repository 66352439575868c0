#include "policy/treatments.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "policy/text_treatments.h"

namespace de {
namespace {

using Texts = std::vector<std::optional<std::string>>;
template <typename T>
using Values = std::vector<std::optional<T>>;

ColumnVector TextColumn(DataType type, const Texts& values) {
  ColumnVector c(type);
  for (const auto& v : values) {
    if (v) {
      c.AppendBytes(*v);
    } else {
      c.AppendNull();
    }
  }
  return c;
}

template <typename T>
ColumnVector FixedColumn(DataType type, const Values<T>& values) {
  ColumnVector c(type);
  for (const auto& v : values) {
    if (v) {
      c.Append<T>(*v);
    } else {
      c.AppendNull();
    }
  }
  return c;
}

Texts TextsOf(const ColumnVector& c) {
  Texts result;
  for (size_t i = 0; i < c.size(); ++i) {
    if (c.IsNull(i)) {
      result.push_back(std::nullopt);
    } else {
      result.emplace_back(c.Bytes(i));
    }
  }
  return result;
}

template <typename T>
Values<T> ValuesOf(const ColumnVector& c) {
  Values<T> result;
  for (size_t i = 0; i < c.size(); ++i) {
    if (c.IsNull(i)) {
      result.push_back(std::nullopt);
    } else {
      result.push_back(c.Value<T>(i));
    }
  }
  return result;
}

Treatment Parse(std::string_view text) {
  auto t = ParseTreatment(text);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return t.ok() ? *t : Treatment{};
}

TreatmentContext KeyContext(std::string key) {
  TreatmentContext context;
  context.hash_key = std::move(key);
  return context;
}

// Applies a treatment that must succeed; the output has TreatedType's type.
ColumnVector Apply(std::string_view treatment, const ColumnVector& in,
                   const uint8_t* select = nullptr,
                   const TreatmentContext& context = KeyContext("k")) {
  Treatment t = Parse(treatment);
  auto type = TreatedType(t, in.type());
  EXPECT_TRUE(type.ok()) << type.status().ToString();
  ColumnVector out(type.ok() ? *type : in.type());
  Status s = ApplyTreatment(t, context, in, select, &out, nullptr);
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(out.size(), in.size());
  return out;
}

// The status of a treatment that must fail, with `out` of type `out_type`.
Status ApplyError(std::string_view treatment, const ColumnVector& in, DataType out_type,
                  const uint8_t* select = nullptr,
                  const TreatmentContext& context = KeyContext("k")) {
  ColumnVector out(out_type);
  return ApplyTreatment(Parse(treatment), context, in, select, &out, nullptr);
}

std::string FromHex(std::string_view hex) {
  std::string bytes;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    bytes.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return bytes;
}

// ---- HMAC-SHA256: RFC 4231 §4.2-4.8 -------------------------------------------------------

TEST(HmacSha256HexTest, Rfc4231TestCases) {
  EXPECT_EQ(HmacSha256Hex(std::string(20, '\x0b'), "Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(HmacSha256Hex(std::string(20, '\xaa'), std::string(50, '\xdd')),
            "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
  EXPECT_EQ(HmacSha256Hex(FromHex("0102030405060708090a0b0c0d0e0f10111213141516171819"),
                          std::string(50, '\xcd')),
            "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
  // Test case 5 is truncated to 128 bits in the RFC.
  EXPECT_EQ(HmacSha256Hex(std::string(20, '\x0c'), "Test With Truncation").substr(0, 32),
            "a3b6167473100ee06e0c796c2955552b");
  EXPECT_EQ(HmacSha256Hex(std::string(131, '\xaa'),
                          "Test Using Larger Than Block-Size Key - Hash Key First"),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  EXPECT_EQ(HmacSha256Hex(std::string(131, '\xaa'),
                          "This is a test using a larger than block-size key and a larger than "
                          "block-size data. The key needs to be hashed before being used by the "
                          "HMAC algorithm."),
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

TEST(HmacSha256HexTest, EmptyKeyAndMessage) {
  // Python: hmac.new(b"", b"", hashlib.sha256).hexdigest()
  EXPECT_EQ(HmacSha256Hex("", ""),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

// ---- hash ---------------------------------------------------------------------------------

TEST(HashTreatmentTest, StringsHashTheirBytesWithTheContextKey) {
  // RFC 4231 test case 2, row after row: the keyed state is restored for every value.
  const std::string tc2 = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
  ColumnVector in = TextColumn(DataType::String(), {"what do ya want for nothing?", std::nullopt,
                                                    "", "what do ya want for nothing?"});
  ColumnVector out = Apply("hash", in, nullptr, KeyContext("Jefe"));
  EXPECT_EQ(out.type(), DataType::String());
  EXPECT_EQ(TextsOf(out), (Texts{tc2, std::nullopt, HmacSha256Hex("Jefe", ""), tc2}));
}

TEST(HashTreatmentTest, BinaryAndJsonHashTheirRawBytes) {
  ColumnVector binary = TextColumn(DataType::Binary(), {std::string(50, '\xdd')});
  EXPECT_EQ(TextsOf(Apply("hash", binary, nullptr, KeyContext(std::string(20, '\xaa')))),
            (Texts{"773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"}));
  ColumnVector json = TextColumn(DataType::Json(), {R"({"a": 1})"});
  EXPECT_EQ(TextsOf(Apply("hash", json, nullptr, KeyContext("key"))),
            (Texts{HmacSha256Hex("key", R"({"a": 1})")}));
}

TEST(HashTreatmentTest, IntegersHashTheirDecimalText) {
  const std::string key = "secret";
  ColumnVector i16 = FixedColumn<int16_t>(DataType::Int16(), {-12, std::nullopt, 32767});
  EXPECT_EQ(TextsOf(Apply("hash", i16, nullptr, KeyContext(key))),
            (Texts{HmacSha256Hex(key, "-12"), std::nullopt, HmacSha256Hex(key, "32767")}));
  ColumnVector i32 = FixedColumn<int32_t>(DataType::Int32(), {0, -2147483647 - 1});
  EXPECT_EQ(TextsOf(Apply("hash", i32, nullptr, KeyContext(key))),
            (Texts{HmacSha256Hex(key, "0"), HmacSha256Hex(key, "-2147483648")}));
  ColumnVector i64 =
      FixedColumn<int64_t>(DataType::Int64(), {std::numeric_limits<int64_t>::min(), 1234567890123});
  EXPECT_EQ(
      TextsOf(Apply("hash", i64, nullptr, KeyContext(key))),
      (Texts{HmacSha256Hex(key, "-9223372036854775808"), HmacSha256Hex(key, "1234567890123")}));
  // The pseudonym of an integer is the pseudonym of the same number stored as text.
  ColumnVector text = TextColumn(DataType::String(), {"-12"});
  EXPECT_EQ(TextsOf(Apply("hash", text, nullptr, KeyContext(key)))[0],
            TextsOf(Apply("hash", i16, nullptr, KeyContext(key)))[0]);
}

TEST(HashTreatmentTest, UuidsHashTheirCanonicalLowerCaseText) {
  const uint8_t bytes[16] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                             0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF};
  ColumnVector in(DataType::Uuid());
  in.AppendNull();
  in.AppendFixedBytes(bytes);
  ColumnVector out = Apply("hash", in, nullptr, KeyContext("k"));
  EXPECT_EQ(TextsOf(out),
            (Texts{std::nullopt, HmacSha256Hex("k", "00112233-4455-6677-8899-aabbccddeeff")}));
}

TEST(HashTreatmentTest, OutputIsLowerCaseHex) {
  ColumnVector out =
      Apply("hash", TextColumn(DataType::String(), {"a", "b", "c"}), nullptr, KeyContext("x"));
  for (const auto& v : TextsOf(out)) {
    ASSERT_TRUE(v);
    EXPECT_EQ(v->size(), 64u);
    EXPECT_EQ(v->find_first_not_of("0123456789abcdef"), std::string::npos) << *v;
  }
  EXPECT_NE(TextsOf(out)[0], TextsOf(out)[1]);
}

TEST(HashTreatmentTest, DifferentKeysGiveDifferentPseudonyms) {
  ColumnVector in = TextColumn(DataType::String(), {"alice"});
  EXPECT_NE(TextsOf(Apply("hash", in, nullptr, KeyContext("k1"))),
            TextsOf(Apply("hash", in, nullptr, KeyContext("k2"))));
}

TEST(HashTreatmentTest, EmptyKeyIsAFailedPreconditionNamingBothConfigKeys) {
  ColumnVector in = TextColumn(DataType::String(), {"alice"});
  Status s = ApplyError("hash", in, DataType::String(), nullptr, TreatmentContext{});
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("policy.hash_key "), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("policy.hash_key_file"), std::string::npos) << s.message();
  // Also for a column without values: the configuration is wrong either way.
  ColumnVector empty(DataType::Int64());
  EXPECT_EQ(ApplyError("hash", empty, DataType::String(), nullptr, TreatmentContext{}).code(),
            StatusCode::kFailedPrecondition);
}

TEST(HashTreatmentTest, SelectionHashesOnlySelectedStrings) {
  ColumnVector in = TextColumn(DataType::String(), {"a", "b", std::nullopt, "d"});
  const uint8_t select[] = {1, 0, 1, 0};
  EXPECT_EQ(TextsOf(Apply("hash", in, select, KeyContext("k"))),
            (Texts{HmacSha256Hex("k", "a"), "b", std::nullopt, "d"}));
}

TEST(HashTreatmentTest, SelectionOnATypeChangingHashIsRefused) {
  ColumnVector in = FixedColumn<int64_t>(DataType::Int64(), {1, 2});
  const uint8_t select[] = {1, 0};
  EXPECT_EQ(ApplyError("hash", in, DataType::String(), select).code(),
            StatusCode::kInvalidArgument);
}

// ---- mask ---------------------------------------------------------------------------------

TEST(MaskTreatmentTest, KeepsTheLastNAsciiCharacters) {
  ColumnVector in =
      TextColumn(DataType::String(), {"4111111111111111", "abcde", "abcd", "abc", "", "x"});
  EXPECT_EQ(TextsOf(Apply("mask:4", in)),
            (Texts{"************1111", "*bcde", "abcd", "abc", "", "x"}));
}

TEST(MaskTreatmentTest, CountsUtf8CodePointsNotBytes) {
  // "Zoë Ñúñez": 9 code points, 12 bytes.
  ColumnVector in = TextColumn(DataType::String(), {"Zoë Ñúñez", "a😀b", "ëë"});
  EXPECT_EQ(TextsOf(Apply("mask:3", in)), (Texts{"******ñez", "a😀b", "ëë"}));
  EXPECT_EQ(TextsOf(Apply("mask:1", in)), (Texts{"********z", "**b", "*ë"}));
  EXPECT_EQ(TextsOf(Apply("mask:2", in)), (Texts{"*******ez", "*😀b", "ëë"}));
  EXPECT_EQ(TextsOf(Apply("mask:6", in)), (Texts{"*** Ñúñez", "a😀b", "ëë"}));
}

TEST(MaskTreatmentTest, ZeroHidesEverythingAndLargeNKeepsEverything) {
  ColumnVector in = TextColumn(DataType::String(), {"Zoë Ñúñez", "abc", ""});
  EXPECT_EQ(TextsOf(Apply("mask:0", in)), (Texts{"*********", "***", ""}));
  EXPECT_EQ(TextsOf(Apply("mask:9", in)), (Texts{"Zoë Ñúñez", "abc", ""}));
  EXPECT_EQ(TextsOf(Apply("mask:1000", in)), (Texts{"Zoë Ñúñez", "abc", ""}));
}

TEST(MaskTreatmentTest, NullsStayNullAndUnselectedRowsStay) {
  ColumnVector in = TextColumn(DataType::String(), {"secret", std::nullopt, "secret", "secret"});
  const uint8_t select[] = {1, 1, 0, 1};
  EXPECT_EQ(TextsOf(Apply("mask:2", in, select)),
            (Texts{"****et", std::nullopt, "secret", "****et"}));
}

// ---- round: doubles and floats ------------------------------------------------------------

double RoundOne(std::string_view treatment, double v) {
  ColumnVector out = Apply(treatment, FixedColumn<double>(DataType::Double(), {v}));
  return out.Value<double>(0);
}

TEST(RoundTreatmentTest, DoublesRoundTheirShortestDecimalHalfAwayFromZero) {
  // 2.675 is stored as 2.67499999999999982...; the decimal a person typed rounds up.
  EXPECT_EQ(RoundOne("round:2", 2.675), 2.68);
  EXPECT_EQ(RoundOne("round:2", 1.005), 1.01);
  EXPECT_EQ(RoundOne("round:2", -2.675), -2.68);
  EXPECT_EQ(RoundOne("round:0", -1.5), -2.0);
  EXPECT_EQ(RoundOne("round:0", 1.5), 2.0);
  EXPECT_EQ(RoundOne("round:0", 2.5), 3.0);  // not banker's rounding
  EXPECT_EQ(RoundOne("round:0", 0.49999999999999994), 0.0);
  EXPECT_EQ(RoundOne("round:2", 0.125), 0.13);
  EXPECT_EQ(RoundOne("round:2", -0.125), -0.13);
  EXPECT_EQ(RoundOne("round:2", 9.995), 10.0);
  EXPECT_EQ(RoundOne("round:2", -9.995), -10.0);
  EXPECT_EQ(RoundOne("round:0", 99.5), 100.0);
  EXPECT_EQ(RoundOne("round:1", 123.456), 123.5);
  EXPECT_EQ(RoundOne("round:0", 123.456), 123.0);
  EXPECT_EQ(RoundOne("round:3", 52.520008), 52.52);
  EXPECT_EQ(RoundOne("round:15", 0.1), 0.1);
  EXPECT_EQ(RoundOne("round:15", 1e-7), 1e-7);
  EXPECT_EQ(RoundOne("round:0", 4503599627370495.5), 4503599627370496.0);  // largest with .5
}

TEST(RoundTreatmentTest, DoublesWithoutFractionOrNotFiniteAreUnchanged) {
  EXPECT_EQ(RoundOne("round:2", 1e300), 1e300);
  EXPECT_EQ(RoundOne("round:0", -1e300), -1e300);
  EXPECT_EQ(RoundOne("round:0", 9007199254740993.0), 9007199254740993.0);
  EXPECT_EQ(RoundOne("round:3", std::numeric_limits<double>::infinity()),
            std::numeric_limits<double>::infinity());
  EXPECT_EQ(RoundOne("round:3", -std::numeric_limits<double>::infinity()),
            -std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(RoundOne("round:3", std::numeric_limits<double>::quiet_NaN())));
}

TEST(RoundTreatmentTest, RoundingToZeroGivesPositiveZero) {
  double r = RoundOne("round:2", -0.001);
  EXPECT_EQ(r, 0.0);
  EXPECT_FALSE(std::signbit(r));
  EXPECT_EQ(RoundOne("round:15", std::numeric_limits<double>::denorm_min()), 0.0);
  EXPECT_FALSE(std::signbit(RoundOne("round:15", -std::numeric_limits<double>::denorm_min())));
  EXPECT_FALSE(std::signbit(RoundOne("round:0", -0.0)));
}

TEST(RoundTreatmentTest, ThousandthsRoundLikeTheirDecimalDigits) {
  // Every k/1000 in [-200, 200]: its shortest text has the digits of k, so round:2 must give
  // the nearest double to round-half-away(k / 10) / 100, computed here on integers. About a
  // tenth of these values are exact decimal ties that binary cannot hold.
  ColumnVector in(DataType::Double());
  std::vector<double> expected2;
  std::vector<double> expected1;
  for (int64_t k = -200'000; k <= 200'000; ++k) {
    in.Append<double>(static_cast<double>(k) / 1000.0);
    int64_t magnitude = k < 0 ? -k : k;
    int64_t hundredths = (magnitude + 5) / 10;
    int64_t tenths = (magnitude + 50) / 100;
    expected2.push_back((k < 0 ? -1.0 : 1.0) * static_cast<double>(hundredths) / 100.0);
    expected1.push_back((k < 0 ? -1.0 : 1.0) * static_cast<double>(tenths) / 10.0);
  }
  ColumnVector out2 = Apply("round:2", in);
  ColumnVector out1 = Apply("round:1", in);
  int mismatches = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    double want2 = expected2[i] == 0 ? 0.0 : expected2[i];
    double want1 = expected1[i] == 0 ? 0.0 : expected1[i];
    if (out2.Value<double>(i) != want2 || out1.Value<double>(i) != want1) {
      if (++mismatches < 10) {
        ADD_FAILURE() << in.Value<double>(i) << " -> " << out2.Value<double>(i) << " / "
                      << out1.Value<double>(i) << ", want " << want2 << " / " << want1;
      }
    }
  }
  EXPECT_EQ(mismatches, 0);
}

TEST(RoundTreatmentTest, ExactBinaryTiesRoundAwayFromZero) {
  ColumnVector in(DataType::Double());
  for (int k = -4000; k <= 4000; ++k) in.Append<double>(k / 8.0);  // ..., 0.125, 0.25, 0.375
  ColumnVector out = Apply("round:2", in);
  for (int k = -4000; k <= 4000; ++k) {
    // k/8 in thousandths is 125 * k; round half away to hundredths.
    int64_t thousandths = 125 * static_cast<int64_t>(k < 0 ? -k : k);
    double want = (k < 0 ? -1.0 : 1.0) * static_cast<double>((thousandths + 5) / 10) / 100.0;
    if (want == 0) want = 0.0;
    ASSERT_EQ(out.Value<double>(static_cast<size_t>(k + 4000)), want) << k / 8.0;
  }
}

TEST(RoundTreatmentTest, Floats) {
  ColumnVector in =
      FixedColumn<float>(DataType::Float(), {2.675f, -1.5f, 1e30f, std::nullopt, 0.125f, -0.001f,
                                             std::numeric_limits<float>::infinity()});
  Values<float> out = ValuesOf<float>(Apply("round:2", in));
  EXPECT_EQ(out, (Values<float>{2.68f, -1.5f, 1e30f, std::nullopt, 0.13f, 0.0f,
                                std::numeric_limits<float>::infinity()}));
  EXPECT_FALSE(std::signbit(*out[5]));
  EXPECT_EQ(ValuesOf<float>(Apply("round:0", in))[1], -2.0f);
}

TEST(RoundTreatmentTest, SelectionAndNulls) {
  ColumnVector in =
      FixedColumn<double>(DataType::Double(), {1.25, 1.25, std::nullopt, 1.25, std::nullopt});
  const uint8_t select[] = {1, 0, 1, 0, 0};
  EXPECT_EQ(ValuesOf<double>(Apply("round:1", in, select)),
            (Values<double>{1.3, 1.25, std::nullopt, 1.25, std::nullopt}));
}

TEST(RoundTreatmentTest, IntegersAreUnchanged) {
  ColumnVector in = FixedColumn<int32_t>(DataType::Int32(), {15, std::nullopt, -15});
  ColumnVector out = Apply("round:0", in);
  EXPECT_EQ(out.type(), DataType::Int32());
  EXPECT_EQ(ValuesOf<int32_t>(out), (Values<int32_t>{15, std::nullopt, -15}));
}

// ---- round: decimals ----------------------------------------------------------------------

TEST(RoundTreatmentTest, Decimal64RoundsTheUnscaledValue) {
  DataType type = DataType::Decimal(10, 3);
  ColumnVector in = FixedColumn<int64_t>(
      type, {12345, -12345, 12344, -12344, std::nullopt, 12500, -12500, 0, 999});
  EXPECT_EQ(ValuesOf<int64_t>(Apply("round:2", in)),
            (Values<int64_t>{12350, -12350, 12340, -12340, std::nullopt, 12500, -12500, 0, 1000}));
  EXPECT_EQ(ValuesOf<int64_t>(Apply("round:0", in)),
            (Values<int64_t>{12000, -12000, 12000, -12000, std::nullopt, 13000, -13000, 0, 1000}));
  // N >= scale: nothing to round.
  EXPECT_EQ(ValuesOf<int64_t>(Apply("round:3", in)), ValuesOf<int64_t>(in));
  EXPECT_EQ(ValuesOf<int64_t>(Apply("round:9", in)), ValuesOf<int64_t>(in));
  EXPECT_EQ(Apply("round:2", in).type(), type);
}

TEST(RoundTreatmentTest, Decimal64ThatOutgrowsItsPrecisionBecomesNull) {
  // decimal(4,2): 99.99 -> 100.00 needs 5 digits.
  ColumnVector in =
      FixedColumn<int64_t>(DataType::Decimal(4, 2), {9999, -9999, 9949, 9950, -9950, 9449});
  EXPECT_EQ(ValuesOf<int64_t>(Apply("round:0", in)),
            (Values<int64_t>{std::nullopt, std::nullopt, 9900, std::nullopt, std::nullopt, 9400}));
  EXPECT_EQ(ValuesOf<int64_t>(Apply("round:1", in)),
            (Values<int64_t>{std::nullopt, std::nullopt, 9950, 9950, -9950, 9450}));
  // decimal(18,18), the widest int64 decimal: 0.5 rounds to 1, which does not fit.
  int64_t half = 500'000'000'000'000'000;
  ColumnVector unit = FixedColumn<int64_t>(DataType::Decimal(18, 18), {half, half - 1, -half});
  EXPECT_EQ(ValuesOf<int64_t>(Apply("round:0", unit)),
            (Values<int64_t>{std::nullopt, 0, std::nullopt}));
}

__int128 Int128(std::string_view digits) {
  bool negative = !digits.empty() && digits[0] == '-';
  __int128 v = 0;
  for (char c : digits.substr(negative ? 1 : 0)) v = v * 10 + (c - '0');
  return negative ? -v : v;
}

TEST(RoundTreatmentTest, Decimal128RoundsTheUnscaledValue) {
  DataType type = DataType::Decimal(30, 4);
  ColumnVector in = FixedColumn<__int128>(
      type, {Int128("123456789012345678901234567850"), Int128("-123456789012345678901234567849"),
             std::nullopt, Int128("5000")});
  Values<__int128> out = ValuesOf<__int128>(Apply("round:2", in));
  ASSERT_EQ(out.size(), 4u);
  EXPECT_TRUE(out[0] == Int128("123456789012345678901234567900"));
  EXPECT_TRUE(out[1] == Int128("-123456789012345678901234567800"));
  EXPECT_FALSE(out[2].has_value());
  EXPECT_TRUE(out[3] == Int128("5000"));
  Values<__int128> whole = ValuesOf<__int128>(Apply("round:0", in));
  EXPECT_TRUE(whole[0] == Int128("123456789012345678901234570000"));
  EXPECT_TRUE(whole[1] == Int128("-123456789012345678901234570000"));
  EXPECT_TRUE(whole[3] == Int128("10000"));
}

TEST(RoundTreatmentTest, Decimal128AtPrecision38DoesNotOverflow) {
  const __int128 max = Int128("99999999999999999999999999999999999999");  // 10^38 - 1
  ColumnVector in =
      FixedColumn<__int128>(DataType::Decimal(38, 2), {max, -max, max - 49, max - 50, -(max - 49)});
  Values<__int128> out = ValuesOf<__int128>(Apply("round:0", in));
  EXPECT_FALSE(out[0].has_value());
  EXPECT_FALSE(out[1].has_value());
  EXPECT_FALSE(out[2].has_value());  // ...999.50 rounds up to 10^36 units
  EXPECT_TRUE(out[3] == Int128("99999999999999999999999999999999999900"));  // ...999.49
  EXPECT_FALSE(out[4].has_value());
  Values<__int128> tenth = ValuesOf<__int128>(Apply("round:1", in));
  EXPECT_FALSE(tenth[0].has_value());
  EXPECT_TRUE(tenth[2] == max - 49);
  EXPECT_TRUE(tenth[3] == max - 49);
  EXPECT_TRUE(tenth[4] == -(max - 49));

  // decimal(38,38): the largest step (10^38) and limit together.
  const __int128 half = Int128("50000000000000000000000000000000000000");
  ColumnVector unit = FixedColumn<__int128>(DataType::Decimal(38, 38),
                                            {half, half - 1, -half, -(half - 1), max, -max});
  Values<__int128> zero = ValuesOf<__int128>(Apply("round:0", unit));
  EXPECT_FALSE(zero[0].has_value());
  EXPECT_TRUE(zero[1] == 0);
  EXPECT_FALSE(zero[2].has_value());
  EXPECT_TRUE(zero[3] == 0);
  EXPECT_FALSE(zero[4].has_value());
  EXPECT_FALSE(zero[5].has_value());
}

TEST(RoundTreatmentTest, StoredDecimalsBeyondTheirPrecisionBecomeNull) {
  // Not valid data, but rounding must neither pass it on nor overflow on it.
  ColumnVector small = FixedColumn<int64_t>(DataType::Decimal(4, 2), {123456, 123450, 1234});
  EXPECT_EQ(ValuesOf<int64_t>(Apply("round:1", small)),
            (Values<int64_t>{std::nullopt, std::nullopt, 1230}));
  // The largest __int128 in decimal(38,1): rounding up would pass 2^127 - 1.
  const __int128 huge = static_cast<__int128>((static_cast<unsigned __int128>(1) << 127) - 1);
  ColumnVector wide = FixedColumn<__int128>(DataType::Decimal(38, 1), {huge, -huge});
  Values<__int128> out = ValuesOf<__int128>(Apply("round:0", wide));
  EXPECT_FALSE(out[0].has_value());
  EXPECT_FALSE(out[1].has_value());
}

// ---- truncate_time ------------------------------------------------------------------------

constexpr int64_t kHour = 3'600'000'000;
constexpr int64_t kDay = 24 * kHour;

TEST(TruncateTimeTreatmentTest, FloorsToTheHour) {
  ColumnVector in =
      FixedColumn<int64_t>(DataType::Timestamp(true),
                           {1773500966535897,  // 2026-03-14T15:09:26.535897
                            -14182939876544,   // 1969-07-20T20:17:40.123456
                            0, -1, kHour - 1, kHour, -kHour, -kHour - 1, std::nullopt});
  EXPECT_EQ(ValuesOf<int64_t>(Apply("truncate_time:hour", in)),
            (Values<int64_t>{1773500400000000, -14184000000000, 0, -kHour, 0, kHour, -kHour,
                             -2 * kHour, std::nullopt}));
}

TEST(TruncateTimeTreatmentTest, FloorsToTheDay) {
  ColumnVector in =
      FixedColumn<int64_t>(DataType::Timestamp(false),
                           {1773500966535897, -14182939876544, -1, kDay + 5, -kDay, std::nullopt});
  ColumnVector out = Apply("truncate_time:day", in);
  EXPECT_EQ(out.type(), DataType::Timestamp(false));
  EXPECT_EQ(ValuesOf<int64_t>(out),
            (Values<int64_t>{1773446400000000, -14256000000000, -kDay, kDay, -kDay, std::nullopt}));
}

TEST(TruncateTimeTreatmentTest, ExtremesDoNotOverflow) {
  const int64_t min = std::numeric_limits<int64_t>::min();
  const int64_t max = std::numeric_limits<int64_t>::max();
  ColumnVector in = FixedColumn<int64_t>(DataType::Timestamp(true), {min, max});
  // INT64_MIN has no hour boundary at or below it: NULL rather than a wrapped value.
  EXPECT_EQ(ValuesOf<int64_t>(Apply("truncate_time:hour", in)),
            (Values<int64_t>{std::nullopt, max - max % kHour}));
}

TEST(TruncateTimeTreatmentTest, SelectionKeepsOtherRows) {
  ColumnVector in = FixedColumn<int64_t>(DataType::Timestamp(true), {kHour + 1, kHour + 1});
  const uint8_t select[] = {0, 1};
  EXPECT_EQ(ValuesOf<int64_t>(Apply("truncate_time:hour", in, select)),
            (Values<int64_t>{kHour + 1, kHour}));
}

TEST(TruncateTimeTreatmentTest, DatesAreAlreadyWholeDays) {
  ColumnVector in = FixedColumn<int32_t>(DataType::Date(), {-1, 20000, std::nullopt});
  EXPECT_EQ(ValuesOf<int32_t>(Apply("truncate_time:day", in)),
            (Values<int32_t>{-1, 20000, std::nullopt}));
  EXPECT_EQ(ApplyError("truncate_time:hour", in, DataType::Date()).code(),
            StatusCode::kInvalidArgument);
}

// ---- null, drop, none ---------------------------------------------------------------------

TEST(NullTreatmentTest, EveryRowBecomesNullAndTheTypeIsKept) {
  ColumnVector in = FixedColumn<int64_t>(DataType::Int64(), {1, std::nullopt, 3});
  ColumnVector out = Apply("null", in);
  EXPECT_EQ(out.type(), DataType::Int64());
  EXPECT_EQ(out.null_count(), 3u);
  EXPECT_EQ(ValuesOf<int64_t>(out), (Values<int64_t>{std::nullopt, std::nullopt, std::nullopt}));
  ColumnVector text = TextColumn(DataType::Json(), {"{}", "[]"});
  EXPECT_EQ(TextsOf(Apply("null", text)), (Texts{std::nullopt, std::nullopt}));
}

TEST(NullTreatmentTest, OnlySelectedRowsBecomeNull) {
  ColumnVector in = TextColumn(DataType::String(), {"a", "b", "c"});
  const uint8_t select[] = {0, 1, 0};
  EXPECT_EQ(TextsOf(Apply("null", in, select)), (Texts{"a", std::nullopt, "c"}));
}

TEST(CopyTreatmentTest, DropAndNoneCopyEveryType) {
  ColumnVector strings = TextColumn(DataType::Binary(), {std::string("\0\xff", 2), std::nullopt});
  ColumnVector wide = FixedColumn<__int128>(DataType::Decimal(38, 0), {Int128("-7"), std::nullopt});
  ColumnVector flags = FixedColumn<uint8_t>(DataType::Bool(), {1, std::nullopt, 0});
  for (std::string_view t : {"", "drop"}) {
    EXPECT_EQ(TextsOf(Apply(t, strings)), TextsOf(strings));
    Values<__int128> w = ValuesOf<__int128>(Apply(t, wide));
    EXPECT_TRUE(w[0] == Int128("-7"));
    EXPECT_FALSE(w[1].has_value());
    EXPECT_EQ(ValuesOf<uint8_t>(Apply(t, flags)), (Values<uint8_t>{1, std::nullopt, 0}));
  }
}

TEST(CopyTreatmentTest, EmptyColumn) {
  ColumnVector in(DataType::String());
  EXPECT_EQ(Apply("mask:2", in).size(), 0u);
  EXPECT_EQ(Apply("hash", in).size(), 0u);
}

TEST(CopyTreatmentTest, OutputIsClearedFirst) {
  Treatment t = Parse("mask:1");
  ColumnVector out(DataType::String());
  out.AppendBytes("left over");
  ColumnVector in = TextColumn(DataType::String(), {"ab"});
  ASSERT_TRUE(ApplyTreatment(t, {}, in, nullptr, &out, nullptr).ok());
  EXPECT_EQ(TextsOf(out), (Texts{"*b"}));
}

TEST(TreatmentTest, ManyRowsWithNullsAcrossValidityBytes) {
  ColumnVector in(DataType::String());
  Texts want;
  for (int i = 0; i < 1000; ++i) {
    if (i % 7 == 3) {
      in.AppendNull();
      want.push_back(std::nullopt);
    } else {
      std::string v = "v" + std::to_string(i);
      in.AppendBytes(v);
      want.push_back(std::string(v.size() - 1, '*') + v.back());
    }
  }
  EXPECT_EQ(TextsOf(Apply("mask:1", in)), want);
}

// ---- round_coords and scrub (wiring only: text_treatments_test covers the text) -----------

TEST(RoundCoordsTreatmentTest, TextThatIsNotAGeometryBecomesNull) {
  ColumnVector in = TextColumn(DataType::String(), {"not a geometry", std::nullopt, "nope"});
  const uint8_t select[] = {1, 1, 0};
  EXPECT_EQ(TextsOf(Apply("round_coords:3", in, select)),
            (Texts{std::nullopt, std::nullopt, "nope"}));
  ColumnVector json = TextColumn(DataType::Json(), {"{\"no\": \"geometry\"}"});
  ColumnVector out = Apply("round_coords:3", json);
  EXPECT_EQ(out.type(), DataType::Json());
  EXPECT_EQ(TextsOf(out), (Texts{std::nullopt}));
}

TEST(RoundCoordsTreatmentTest, RoundsAGeoJsonValue) {
  ColumnVector in = TextColumn(DataType::Json(),
                               {R"({"type":"Point","coordinates":[13.404954,52.520008]})", "{}"});
  EXPECT_EQ(TextsOf(Apply("round_coords:3", in)),
            (Texts{R"({"type":"Point","coordinates":[13.405,52.52]})", std::nullopt}));
}

TEST(ScrubTreatmentTest, WritesWhatScrubIntoWritesAndKeepsNullsAndUnselectedRows) {
  const std::string text = "call +49 30 1234567 or mail jo@example.org";
  std::string want;
  ScrubInto(text, &want);
  ColumnVector in = TextColumn(DataType::String(), {text, std::nullopt, text});
  const uint8_t select[] = {1, 1, 0};
  EXPECT_EQ(TextsOf(Apply("scrub", in, select)), (Texts{want, std::nullopt, text}));
  EXPECT_NE(want.find(kScrubbedEmail), std::string::npos) << want;
  ColumnVector json = TextColumn(DataType::Json(), {"{}"});
  EXPECT_EQ(ApplyError("scrub", json, DataType::Json()).code(), StatusCode::kInvalidArgument);
}

// ---- compress -----------------------------------------------------------------------------

// An independent base64 decoder (RFC 4648 §4); nullopt on anything but padded standard text.
std::optional<std::string> Base64Decode(std::string_view text) {
  auto sextet = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  if (text.size() % 4 != 0) return std::nullopt;
  std::string bytes;
  for (size_t i = 0; i < text.size(); i += 4) {
    bool last = i + 4 == text.size();
    int pad = 0;
    uint32_t v = 0;
    for (size_t j = 0; j < 4; ++j) {
      char c = text[i + j];
      if (c == '=' && last && j >= 2) {
        ++pad;
        v <<= 6;
        continue;
      }
      int s = sextet(c);
      if (s < 0 || pad > 0) return std::nullopt;
      v = (v << 6) | static_cast<uint32_t>(s);
    }
    bytes.push_back(static_cast<char>(v >> 16));
    if (pad < 2) bytes.push_back(static_cast<char>((v >> 8) & 0xFF));
    if (pad < 1) bytes.push_back(static_cast<char>(v & 0xFF));
  }
  return bytes;
}

// gunzip with zlib's inflate (gzip wrapper only); nullopt unless it is one complete member.
std::optional<std::string> Gunzip(const std::string& gz) {
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 16) != Z_OK) return std::nullopt;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  zs.avail_in = static_cast<uInt>(gz.size());
  std::string out;
  char chunk[16384];
  int rc = Z_OK;
  while (rc == Z_OK) {
    zs.next_out = reinterpret_cast<Bytef*>(chunk);
    zs.avail_out = sizeof(chunk);
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(chunk, sizeof(chunk) - zs.avail_out);
  }
  bool complete = rc == Z_STREAM_END && zs.avail_in == 0;
  inflateEnd(&zs);
  if (!complete) return std::nullopt;
  return out;
}

std::optional<std::string> Decode(std::string_view encoded) {
  auto gz = Base64Decode(encoded);
  if (!gz) return std::nullopt;
  if (gz->size() < 18 || (*gz)[0] != '\x1f' || (*gz)[1] != '\x8b' || (*gz)[2] != 8) {
    return std::nullopt;  // not an RFC 1952 deflate member
  }
  return Gunzip(*gz);
}

std::string PseudoRandomText(size_t n) {
  std::string s;
  uint32_t x = 12345;
  while (s.size() < n) {
    x = x * 1103515245u + 12345u;
    s.push_back(static_cast<char>('a' + (x >> 16) % 26));
    if ((x >> 8) % 9 == 0) s.push_back(' ');
  }
  s.resize(n);
  return s;
}

std::string AllBytes() {
  std::string s;
  for (int i = 0; i < 256; ++i) s.push_back(static_cast<char>(i));
  return s;
}

TEST(GzipBase64Test, DecodesAndGunzipsToTheOriginal) {
  for (const std::string& v : {std::string(), std::string("a"), std::string("ab"), AllBytes(),
                               PseudoRandomText(70'000), std::string(100'000, 'x')}) {
    std::string encoded = GzipBase64(v);
    EXPECT_EQ(encoded.find_first_not_of(
                  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="),
              std::string::npos);
    EXPECT_EQ(Decode(encoded), v) << v.size();
  }
}

struct Compressed {
  Texts out;
  Texts overflow;
};

Compressed Compress(const ColumnVector& in, size_t max, const uint8_t* select = nullptr) {
  TreatmentContext context;
  context.max_string_bytes = max;
  ColumnVector out(in.type());
  ColumnVector overflow(DataType::String());
  overflow.AppendBytes("stale");
  Status s = ApplyTreatment(Parse("compress"), context, in, select, &out, &overflow);
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(overflow.size(), in.size());
  return {TextsOf(out), TextsOf(overflow)};
}

TEST(CompressTreatmentTest, OverlongValuesMoveToTheOverflowColumn) {
  const std::string long_text = PseudoRandomText(70'000);
  const std::string at_limit(65'535, 'y');
  ColumnVector in =
      TextColumn(DataType::String(), {long_text, at_limit, std::nullopt, "short", at_limit + "y"});
  Compressed c = Compress(in, 65'535);
  EXPECT_EQ(c.out, (Texts{std::nullopt, at_limit, std::nullopt, "short", std::nullopt}));
  ASSERT_EQ(c.overflow.size(), 5u);
  ASSERT_TRUE(c.overflow[0]);
  EXPECT_EQ(Decode(*c.overflow[0]), long_text);
  EXPECT_FALSE(c.overflow[1]);
  EXPECT_FALSE(c.overflow[2]);
  EXPECT_FALSE(c.overflow[3]);
  ASSERT_TRUE(c.overflow[4]);
  EXPECT_EQ(Decode(*c.overflow[4]), at_limit + "y");
}

TEST(CompressTreatmentTest, BinaryWithEveryByteValue) {
  ColumnVector in = TextColumn(DataType::Binary(), {AllBytes(), AllBytes().substr(0, 100)});
  Compressed c = Compress(in, 100);
  EXPECT_EQ(c.out, (Texts{std::nullopt, AllBytes().substr(0, 100)}));
  ASSERT_TRUE(c.overflow[0]);
  EXPECT_EQ(Decode(*c.overflow[0]), AllBytes());
  EXPECT_FALSE(c.overflow[1]);
}

TEST(CompressTreatmentTest, UnselectedRowsStayWhole) {
  ColumnVector in = TextColumn(DataType::Json(), {"[1,2,3,4]", "[1,2,3,4]"});
  const uint8_t select[] = {0, 1};
  Compressed c = Compress(in, 4, select);
  EXPECT_EQ(c.out, (Texts{"[1,2,3,4]", std::nullopt}));
  ASSERT_TRUE(c.overflow[1]);
  EXPECT_FALSE(c.overflow[0]);
  EXPECT_EQ(Decode(*c.overflow[1]), "[1,2,3,4]");
}

TEST(CompressTreatmentTest, NeedsAStringOverflowColumn) {
  ColumnVector in = TextColumn(DataType::String(), {"x"});
  ColumnVector out(DataType::String());
  EXPECT_EQ(ApplyTreatment(Parse("compress"), {}, in, nullptr, &out, nullptr).code(),
            StatusCode::kInvalidArgument);
  ColumnVector binary(DataType::Binary());
  EXPECT_EQ(ApplyTreatment(Parse("compress"), {}, in, nullptr, &out, &binary).code(),
            StatusCode::kInvalidArgument);
}

// ---- type errors --------------------------------------------------------------------------

TEST(TreatmentTest, TypesATreatmentDoesNotApplyToAreRefused) {
  ColumnVector ints = FixedColumn<int64_t>(DataType::Int64(), {1});
  ColumnVector text = TextColumn(DataType::String(), {"x"});
  ColumnVector doubles = FixedColumn<double>(DataType::Double(), {1.5});
  EXPECT_EQ(ApplyError("mask:2", ints, DataType::Int64()).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ApplyError("round:2", text, DataType::String()).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ApplyError("truncate_time:day", ints, DataType::Int64()).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ApplyError("hash", doubles, DataType::String()).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ApplyError("compress", ints, DataType::Int64()).code(), StatusCode::kInvalidArgument);
  Status s = ApplyError("round_coords:2", doubles, DataType::Double());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("round_coords:2"), std::string::npos) << s.message();
}

TEST(TreatmentTest, OutputOfTheWrongTypeIsRefused) {
  ColumnVector ints = FixedColumn<int64_t>(DataType::Int64(), {1});
  EXPECT_EQ(ApplyError("hash", ints, DataType::Int64()).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ApplyError("null", ints, DataType::Int32()).code(), StatusCode::kInvalidArgument);
  ColumnVector dec = FixedColumn<int64_t>(DataType::Decimal(10, 2), {1});
  EXPECT_EQ(ApplyError("round:1", dec, DataType::Decimal(10, 1)).code(),
            StatusCode::kInvalidArgument);
  ColumnVector same = FixedColumn<int64_t>(DataType::Int64(), {1});
  EXPECT_EQ(ApplyTreatment(Parse("null"), {}, same, nullptr, &same, nullptr).code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace de
