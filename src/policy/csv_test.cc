#include "policy/csv.h"

#include <gtest/gtest.h>

namespace de {
namespace {

using Fields = std::vector<std::string>;

TEST(CsvTest, PlainRecordsWithLines) {
  auto records = ParseCsv("a,b,c\n1,,3\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].fields, (Fields{"a", "b", "c"}));
  EXPECT_EQ(records[0].line, 1);
  EXPECT_EQ(records[1].fields, (Fields{"1", "", "3"}));
  EXPECT_EQ(records[1].line, 2);
  EXPECT_TRUE(records[1].problem.empty());
}

TEST(CsvTest, LastRecordWithoutLineEndAndTrailingEmptyField) {
  auto records = ParseCsv("a,b\nx,");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].fields, (Fields{"x", ""}));
}

TEST(CsvTest, QuotedFieldsHoldCommasQuotesAndLineBreaks) {
  auto records = ParseCsv("h1,h2\n\"a,b\",\"say \"\"hi\"\"\"\n\"two\nlines\",x\nnext,row\n");
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[1].fields, (Fields{"a,b", "say \"hi\""}));
  EXPECT_EQ(records[2].fields, (Fields{"two\nlines", "x"}));
  EXPECT_EQ(records[2].line, 3);  // the line the record starts on
  EXPECT_EQ(records[3].line, 5);
  EXPECT_EQ(records[3].fields, (Fields{"next", "row"}));
}

TEST(CsvTest, EmptyQuotedFieldAndSpacesKept) {
  auto records = ParseCsv("\"\", a ,\"\"\n");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].fields, (Fields{"", " a ", ""}));
}

TEST(CsvTest, BomAndCrlfAccepted) {
  auto records = ParseCsv("\xEF\xBB\xBFh1,h2\r\n\"x\r\ny\",z\r\nlast,one\r\n");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].fields, (Fields{"h1", "h2"}));
  EXPECT_EQ(records[1].fields, (Fields{"x\r\ny", "z"}));  // data inside quotes is kept as is
  EXPECT_EQ(records[2].fields, (Fields{"last", "one"}));
  EXPECT_EQ(records[2].line, 4);
}

TEST(CsvTest, BlankLinesSkippedButCounted) {
  auto records = ParseCsv("\nh1,h2\n\n  \t\r\n1,2\n\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].line, 2);
  EXPECT_EQ(records[1].line, 5);
}

TEST(CsvTest, UnterminatedQuoteNamesTheLineItOpensOn) {
  auto records = ParseCsv("h1,h2\nok,\"multi\nline\"\nx,\"never closed\nmore\nlines\n");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_TRUE(records[1].problem.empty());
  EXPECT_EQ(records[2].line, 4);
  EXPECT_EQ(records[2].problem, "unterminated quoted field 2");
}

TEST(CsvTest, TextAfterClosingQuoteIsAProblemAndReadingGoesOn) {
  auto records = ParseCsv("\"a\"b,c\nd,e\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].problem, "text after the closing quote of field 1");
  EXPECT_EQ(records[0].line, 1);
  EXPECT_EQ(records[1].fields, (Fields{"d", "e"}));
  EXPECT_TRUE(records[1].problem.empty());
}

TEST(CsvTest, QuoteInsideUnquotedFieldIsAProblem) {
  auto records = ParseCsv("h1,h2\nab,c\"d\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].problem,
            "quote inside unquoted field 2; quote the whole field and double the quote");
  EXPECT_EQ(records[1].line, 2);
}

TEST(CsvTest, NulByteAndInvalidUtf8NameTheirLine) {
  auto nul = ParseCsv(std::string_view("a,b\nc,d\ne,f\0g\n", 14));
  ASSERT_EQ(nul.size(), 1u);
  EXPECT_EQ(nul[0].line, 3);
  EXPECT_EQ(nul[0].problem, "NUL byte (the file must be UTF-8 text)");

  auto latin1 = ParseCsv("a,b\nM\xFCller,x\n");
  ASSERT_EQ(latin1.size(), 1u);
  EXPECT_EQ(latin1[0].line, 2);
  EXPECT_EQ(latin1[0].problem, "invalid UTF-8 (the file must be UTF-8 text)");
}

TEST(CsvTest, FindInvalidCsvText) {
  std::string_view what;
  EXPECT_EQ(FindInvalidCsvText("plain, \xC3\xBC \xE2\x82\xAC \xF0\x9F\x98\x80", &what),
            std::string_view::npos);
  EXPECT_EQ(FindInvalidCsvText("ab\xC0\x80", &what), 2u);  // overlong NUL
  EXPECT_EQ(what, "invalid UTF-8");
  EXPECT_EQ(FindInvalidCsvText("\xED\xA0\x80", &what), 0u);      // surrogate
  EXPECT_EQ(FindInvalidCsvText("x\xE2\x82", &what), 1u);         // truncated
  EXPECT_EQ(FindInvalidCsvText("\xF4\x90\x80\x80", &what), 0u);  // above U+10FFFF
  EXPECT_EQ(FindInvalidCsvText(std::string_view("a\0", 2), &what), 1u);
  EXPECT_EQ(what, "NUL byte");
}

TEST(CsvTest, WriterQuotesOnlyWhenNeeded) {
  std::string out;
  AppendCsvRecord({"plain", "with,comma", "with \"quote\"", "cr\rlf\n", "", " spaced "}, &out);
  EXPECT_EQ(out, "plain,\"with,comma\",\"with \"\"quote\"\"\",\"cr\rlf\n\",, spaced \n");
  std::string lone;
  AppendCsvRecord({" "}, &lone);
  EXPECT_EQ(lone, "\" \"\n");  // not a blank line
}

TEST(CsvTest, RoundTrip) {
  std::vector<Fields> rows = {{"a", "b\"c", "d,e"},
                              {"multi\nline", "crlf\r\ninside", "\xE6\x97\xA5\xE6\x9C\xAC"},
                              {"", "", ""},
                              {"\"", ",", "\""}};
  std::string text;
  for (const Fields& r : rows) AppendCsvRecord({r[0], r[1], r[2]}, &text);
  AppendCsvRecord({""}, &text);
  auto records = ParseCsv(text);
  ASSERT_EQ(records.size(), rows.size() + 1);
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(records[i].fields, rows[i]) << i;
    EXPECT_TRUE(records[i].problem.empty());
  }
  EXPECT_EQ(records.back().fields, Fields{""});
}

}  // namespace
}  // namespace de
