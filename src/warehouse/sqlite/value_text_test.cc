#include "warehouse/sqlite/value_text.h"

#include <gtest/gtest.h>

namespace de {
namespace {

constexpr int64_t kMicros = 1'000'000;
// 2024-03-01 00:00:00 UTC
constexpr int64_t kMarch2024 = 1'709'251'200;

TEST(DateTextTest, ParsesRealDatesOnly) {
  EXPECT_EQ(ParseDateText("1970-01-01"), 0);
  EXPECT_EQ(ParseDateText("2024-03-01"), kMarch2024 / 86'400);
  EXPECT_EQ(ParseDateText("1969-12-31"), -1);
  EXPECT_EQ(ParseDateText("2024-02-29"), kMarch2024 / 86'400 - 1);
  for (const char* bad : {"2023-02-29", "2024-13-01", "2024-00-10", "2024-1-01", "2024-01-01 ",
                          "24-01-01", "2024/01/01", "", "2024-01-32", "abcd-ef-gh"}) {
    EXPECT_FALSE(ParseDateText(bad).has_value()) << bad;
  }
}

TEST(TimestampTextTest, ParsesCanonicalAndIsoForms) {
  int64_t march = kMarch2024 * kMicros;
  EXPECT_EQ(ParseTimestampText("2024-03-01 00:00:00", false), march);
  EXPECT_EQ(ParseTimestampText("2024-03-01T00:00:01", false), march + kMicros);
  EXPECT_EQ(ParseTimestampText("2024-03-01 00:00:00.5", false), march + 500'000);
  EXPECT_EQ(ParseTimestampText("2024-03-01 00:00:00.000001", false), march + 1);
  EXPECT_EQ(ParseTimestampText("1969-12-31 23:59:59.5", false), -500'000);
  EXPECT_EQ(ParseTimestampText("0000-01-01 00:00:00", false), kMinTextTimestampMicros);
  EXPECT_EQ(ParseTimestampText("9999-12-31 23:59:59.999999", false), kMaxTextTimestampMicros);
}

TEST(TimestampTextTest, ZonesOnlyWhenAllowedAndConvertedToUtc) {
  int64_t march = kMarch2024 * kMicros;
  EXPECT_EQ(ParseTimestampText("2024-03-01 10:00:00+10:00", true), march);
  EXPECT_EQ(ParseTimestampText("2024-03-01T10:30:00+1030", true), march);
  EXPECT_EQ(ParseTimestampText("2024-02-29 20:00:00-04", true), march);
  EXPECT_EQ(ParseTimestampText("2024-03-01T00:00:00Z", true), march);
  EXPECT_EQ(ParseTimestampText("2024-03-01 00:00:00.25Z", true), march + 250'000);
  EXPECT_FALSE(ParseTimestampText("2024-03-01 00:00:00Z", false).has_value());
  EXPECT_FALSE(ParseTimestampText("2024-03-01 10:00:00+10:00", false).has_value());
}

TEST(TimestampTextTest, RejectsEverythingElse) {
  for (const char* bad :
       {"2024-03-01", "2024-03-01 24:00:00", "2024-03-01 23:60:00", "2024-03-01 23:59:60",
        "2024-03-01 1:00:00", "2024-03-01 00:00:00.", "2024-03-01 00:00:00.1234567",
        "2024-03-01 00:00:00 ", "2024-03-01X00:00:00", "2024-02-30 00:00:00",
        "2024-03-01 00:00:00+25:00", "2024-03-01 00:00:00+10:", "2024-03-01 00:00:00+1",
        "2024-03-01 00:00:00z", "2024-03-01 00:00"}) {
    EXPECT_FALSE(ParseTimestampText(bad, true).has_value()) << bad;
  }
}

TEST(TimestampTextTest, CanonicalFormDropsTrailingFractionZeros) {
  int64_t march = kMarch2024 * kMicros;
  EXPECT_EQ(FormatCanonicalTimestamp(march), "2024-03-01 00:00:00");
  EXPECT_EQ(FormatCanonicalTimestamp(march + 500'000), "2024-03-01 00:00:00.5");
  EXPECT_EQ(FormatCanonicalTimestamp(march + 120), "2024-03-01 00:00:00.00012");
  EXPECT_EQ(FormatCanonicalTimestamp(-1), "1969-12-31 23:59:59.999999");
  EXPECT_EQ(FormatCanonicalTimestamp(kMinTextTimestampMicros), "0000-01-01 00:00:00");
  EXPECT_EQ(FormatCanonicalTimestamp(kMaxTextTimestampMicros), "9999-12-31 23:59:59.999999");
  for (int64_t t : {march, march + 1, march - 1, int64_t{0}, int64_t{-86'400'000'001}}) {
    EXPECT_EQ(ParseTimestampText(FormatCanonicalTimestamp(t), false), t);
  }
}

TEST(DecimalTextTest, ExactAtScale) {
  EXPECT_EQ(*ParseDecimalText("1.23", 5, 2), 123);
  EXPECT_EQ(*ParseDecimalText("-1.2", 5, 2), -120);
  EXPECT_EQ(*ParseDecimalText("+001.2300", 5, 2), 123);
  EXPECT_EQ(*ParseDecimalText(".5", 5, 2), 50);
  EXPECT_EQ(*ParseDecimalText("7.", 5, 2), 700);
  EXPECT_EQ(*ParseDecimalText("999.99", 5, 2), 99'999);
  EXPECT_EQ(*ParseDecimalText("0.0000", 5, 4), 0);
  __int128 expected = 0;
  for (char c : std::string_view("12345678901234567890123456789123456789")) {
    expected = expected * 10 + (c - '0');
  }
  EXPECT_TRUE(*ParseDecimalText("12345678901234567890123456789.123456789", 38, 9) == expected);
  EXPECT_TRUE(*ParseDecimalText("-12345678901234567890123456789.123456789", 38, 9) == -expected);
}

TEST(DecimalTextTest, RejectsInexactOversizedAndMalformed) {
  EXPECT_NE(ParseDecimalText("1.234", 5, 2).status().message().find("more than 2 digits"),
            std::string::npos);
  EXPECT_NE(ParseDecimalText("1000.00", 5, 2).status().message().find("precision 5"),
            std::string::npos);
  for (const char* bad : {"", ".", "-", "1e5", "1.2.3", "abc", " 1", "1,5", "0x10", "--1"}) {
    EXPECT_FALSE(ParseDecimalText(bad, 10, 2).ok()) << bad;
  }
}

TEST(UuidTextTest, ParsesBothCases) {
  uint8_t bytes[16];
  ASSERT_TRUE(ParseUuidText("123e4567-E89B-12d3-a456-426614174000", bytes));
  EXPECT_EQ(bytes[0], 0x12);
  EXPECT_EQ(bytes[6], 0x12);
  EXPECT_EQ(bytes[15], 0x00);
  EXPECT_EQ(bytes[14], 0x40);
  EXPECT_FALSE(ParseUuidText("123e4567e89b12d3a456426614174000", bytes));
  EXPECT_FALSE(ParseUuidText("123e4567-e89b-12d3-a456-42661417400g", bytes));
  EXPECT_FALSE(ParseUuidText("123e4567-e89b-12d3-a456_426614174000", bytes));
}

TEST(Utf8Test, AcceptsWellFormedOnly) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii text that is longer than eight bytes"));
  EXPECT_TRUE(IsValidUtf8("Müller – 東京 🚦"));
  EXPECT_FALSE(IsValidUtf8("\xC3"));              // truncated
  EXPECT_FALSE(IsValidUtf8("abcdefgh\xC3\x28"));  // bad continuation
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xFF"));
}

}  // namespace
}  // namespace de
