#include "policy/rules.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace de {
namespace {

TEST(ClassificationTest, ParsesTheFourCodesExactly) {
  EXPECT_EQ(ParseClassification("nr"), Classification::kNr);
  EXPECT_EQ(ParseClassification("mx"), Classification::kMx);
  EXPECT_EQ(ParseClassification("de"), Classification::kDe);
  EXPECT_EQ(ParseClassification("hwc"), Classification::kHwc);
  for (std::string_view bad : {"", "NR", "Hwc", " nr", "nr ", "n", "hwcx", "unknown"}) {
    EXPECT_EQ(ParseClassification(bad), std::nullopt) << bad;
  }
}

TEST(ClassificationTest, NameRoundTrips) {
  for (Classification c :
       {Classification::kNr, Classification::kMx, Classification::kDe, Classification::kHwc}) {
    EXPECT_EQ(ParseClassification(ClassificationName(c)), c);
  }
  EXPECT_EQ(ClassificationName(Classification::kHwc), "hwc");
}

Treatment Make(TreatmentKind kind, int digits = 0, TimeUnit unit = TimeUnit::kHour) {
  Treatment t;
  t.kind = kind;
  t.digits = digits;
  t.unit = unit;
  return t;
}

struct ParseCase {
  std::string_view text;
  Treatment want;
};

std::vector<ParseCase> ValidCases() {
  return {
      {"", Make(TreatmentKind::kNone)},
      {"drop", Make(TreatmentKind::kDrop)},
      {"null", Make(TreatmentKind::kNull)},
      {"hash", Make(TreatmentKind::kHash)},
      {"scrub", Make(TreatmentKind::kScrub)},
      {"compress", Make(TreatmentKind::kCompress)},
      {"mask:0", Make(TreatmentKind::kMask, 0)},
      {"mask:4", Make(TreatmentKind::kMask, 4)},
      {"mask:1000", Make(TreatmentKind::kMask, kMaxMaskDigits)},
      {"round:0", Make(TreatmentKind::kRound, 0)},
      {"round:2", Make(TreatmentKind::kRound, 2)},
      {"round:15", Make(TreatmentKind::kRound, kMaxRoundDigits)},
      {"round_coords:0", Make(TreatmentKind::kRoundCoords, 0)},
      {"round_coords:3", Make(TreatmentKind::kRoundCoords, 3)},
      {"round_coords:15", Make(TreatmentKind::kRoundCoords, 15)},
      {"truncate_time:hour", Make(TreatmentKind::kTruncateTime, 0, TimeUnit::kHour)},
      {"truncate_time:day", Make(TreatmentKind::kTruncateTime, 0, TimeUnit::kDay)},
  };
}

TEST(ParseTreatmentTest, ParsesEveryTreatment) {
  for (const ParseCase& c : ValidCases()) {
    auto t = ParseTreatment(c.text);
    ASSERT_TRUE(t.ok()) << c.text << ": " << t.status().ToString();
    EXPECT_EQ(*t, c.want) << c.text;
  }
}

TEST(ParseTreatmentTest, ToStringIsTheCanonicalSpellingAndRoundTrips) {
  for (const ParseCase& c : ValidCases()) {
    EXPECT_EQ(c.want.ToString(), c.text);
    auto back = ParseTreatment(c.want.ToString());
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, c.want) << c.text;
  }
}

TEST(ParseTreatmentTest, RejectsMalformedTreatmentsNamingTheText) {
  for (std::string_view bad : {
           "mask",
           "mask:",
           "mask:x",
           "mask:-1",
           "mask:1001",
           "mask:4x",
           "mask: 4",
           "mask:+4",
           "mask:99999999999999999999",
           "round",
           "round:-1",
           "round:16",
           "round:2.5",
           "round_coords",
           "round_coords:16",
           "round_coords:-1",
           "truncate_time",
           "truncate_time:",
           "truncate_time:week",
           "truncate_time:Hour",
           "truncate_time:day:1",
           "hash:3",
           "drop:",
           "null:1",
           "scrub:x",
           "compress:9",
           "Hash",
           "DROP",
           " hash",
           "hash ",
           "sha256",
           "mask4",
           ":",
           "round_coord:3",
       }) {
    auto t = ParseTreatment(bad);
    ASSERT_FALSE(t.ok()) << "'" << bad << "' parsed as " << t->ToString();
    EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(t.status().message().find(std::string("'") + std::string(bad) + "'"),
              std::string::npos)
        << t.status().message();
  }
}

// Every type, one per physical family.
std::vector<DataType> AllTypes() {
  return {DataType::Bool(),           DataType::Int16(),         DataType::Int32(),
          DataType::Int64(),          DataType::Float(),         DataType::Double(),
          DataType::Decimal(10, 2),   DataType::Decimal(38, 10), DataType::String(),
          DataType::Json(),           DataType::Binary(),        DataType::Date(),
          DataType::Timestamp(false), DataType::Timestamp(true), DataType::Uuid()};
}

// TreatedType for every treatment kind on every type, against the table in rules.h.
struct TypeCase {
  std::string_view treatment;
  std::set<TypeId> applies_to;
  std::optional<DataType> output;  // nullopt: the input type
};

TEST(TreatedTypeTest, EveryTreatmentOnEveryType) {
  using T = TypeId;
  const std::set<TypeId> kAll = {T::kBool,   T::kInt16,     T::kInt32,  T::kInt64, T::kFloat,
                                 T::kDouble, T::kDecimal,   T::kString, T::kJson,  T::kBinary,
                                 T::kDate,   T::kTimestamp, T::kUuid};
  const std::vector<TypeCase> cases = {
      {"", kAll, std::nullopt},
      {"drop", kAll, std::nullopt},
      {"null", kAll, std::nullopt},
      {"hash",
       {T::kString, T::kJson, T::kBinary, T::kInt16, T::kInt32, T::kInt64, T::kUuid},
       DataType::String()},
      {"mask:4", {T::kString}, std::nullopt},
      {"scrub", {T::kString}, std::nullopt},
      {"round:2",
       {T::kFloat, T::kDouble, T::kDecimal, T::kInt16, T::kInt32, T::kInt64},
       std::nullopt},
      {"round_coords:3", {T::kString, T::kJson}, std::nullopt},
      {"truncate_time:hour", {T::kTimestamp}, std::nullopt},
      {"truncate_time:day", {T::kTimestamp, T::kDate}, std::nullopt},
      {"compress", {T::kString, T::kJson, T::kBinary}, std::nullopt},
  };
  for (const TypeCase& c : cases) {
    auto treatment = ParseTreatment(c.treatment);
    ASSERT_TRUE(treatment.ok());
    for (const DataType& type : AllTypes()) {
      auto out = TreatedType(*treatment, type);
      std::string what = std::string(c.treatment) + " on " + type.ToString();
      if (c.applies_to.count(type.id)) {
        ASSERT_TRUE(out.ok()) << what << ": " << out.status().ToString();
        EXPECT_EQ(*out, c.output.value_or(type)) << what;
      } else {
        ASSERT_FALSE(out.ok()) << what << " gave " << out->ToString();
        EXPECT_EQ(out.status().code(), StatusCode::kInvalidArgument) << what;
        // The message names the treatment and the type.
        EXPECT_NE(out.status().message().find(treatment->ToString()), std::string::npos)
            << out.status().message();
        EXPECT_NE(out.status().message().find(type.ToString()), std::string::npos)
            << out.status().message();
      }
    }
  }
}

TEST(TreatedTypeTest, DecimalsAndTimestampsKeepTheirParameters) {
  auto round = ParseTreatment("round:0");
  ASSERT_TRUE(round.ok());
  auto dec = TreatedType(*round, DataType::Decimal(38, 10));
  ASSERT_TRUE(dec.ok());
  EXPECT_EQ(*dec, DataType::Decimal(38, 10));
  auto day = ParseTreatment("truncate_time:day");
  ASSERT_TRUE(day.ok());
  auto tz = TreatedType(*day, DataType::Timestamp(true));
  ASSERT_TRUE(tz.ok());
  EXPECT_TRUE(tz->utc);
}

TEST(CompressedColumnNameTest, AppendsTheSuffix) {
  EXPECT_EQ(CompressedColumnName("note"), "note_compressed");
  EXPECT_EQ(CompressedColumnName(""), "_compressed");
}

}  // namespace
}  // namespace de
