#include "graphql/lexer.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

// Expected values were taken from graphql-core 3.2.8 (`graphql.language.Lexer` and `parse`), except
// where a comment says otherwise.

namespace de::graphql::internal {
namespace {

struct Lexed {
  TokenKind kind;
  std::string value;  // Token::Value()
  int line;
  int column;
  friend bool operator==(const Lexed&, const Lexed&) = default;
};

void PrintTo(const Lexed& t, std::ostream* os) {
  *os << TokenKindDescription(t.kind) << " '" << t.value << "' " << t.line << ":" << t.column;
}

// All tokens up to and including <EOF>, comments included.
std::vector<Lexed> Lex(std::string_view source) {
  Lexer lexer(source);
  std::vector<Lexed> out;
  Token token;
  while (true) {
    if (!lexer.Next(&token)) {
      ADD_FAILURE() << "lexing failed: " << lexer.error().message;
      return out;
    }
    out.push_back(
        {token.kind, std::string(token.Value()), token.location.line, token.location.column});
    if (token.kind == TokenKind::kEndOfFile) return out;
  }
}

// The first token's decoded value, for string cases.
std::string LexValue(std::string_view source) {
  std::vector<Lexed> tokens = Lex(source);
  return tokens.empty() ? "<none>" : tokens.front().value;
}

struct LexError {
  std::string message;
  int line;
  int column;
  friend bool operator==(const LexError&, const LexError&) = default;
};

void PrintTo(const LexError& e, std::ostream* os) {
  *os << e.message << " at " << e.line << ":" << e.column;
}

LexError LexFailure(std::string_view source) {
  Lexer lexer(source);
  Token token;
  do {
    if (!lexer.Next(&token)) {
      SourceLocation location = lexer.LocationOf(lexer.error().offset);
      return {lexer.error().message, location.line, location.column};
    }
  } while (token.kind != TokenKind::kEndOfFile);
  return {"<no error>", 0, 0};
}

TEST(LexerTest, Punctuators) {
  EXPECT_EQ(Lex("!$&()...:=@[]{|}"), (std::vector<Lexed>{
                                         {TokenKind::kBang, "", 1, 1},
                                         {TokenKind::kDollar, "", 1, 2},
                                         {TokenKind::kAmp, "", 1, 3},
                                         {TokenKind::kParenL, "", 1, 4},
                                         {TokenKind::kParenR, "", 1, 5},
                                         {TokenKind::kSpread, "", 1, 6},
                                         {TokenKind::kColon, "", 1, 9},
                                         {TokenKind::kEquals, "", 1, 10},
                                         {TokenKind::kAt, "", 1, 11},
                                         {TokenKind::kBracketL, "", 1, 12},
                                         {TokenKind::kBracketR, "", 1, 13},
                                         {TokenKind::kBraceL, "", 1, 14},
                                         {TokenKind::kPipe, "", 1, 15},
                                         {TokenKind::kBraceR, "", 1, 16},
                                         {TokenKind::kEndOfFile, "", 1, 17},
                                     }));
}

TEST(LexerTest, NamesNumbersStringsAndComments) {
  EXPECT_EQ(Lex("_a1 A_ __ 12 -1.5e3 \"s\" \"\"\"b\"\"\" #c"),
            (std::vector<Lexed>{
                {TokenKind::kName, "_a1", 1, 1},
                {TokenKind::kName, "A_", 1, 5},
                {TokenKind::kName, "__", 1, 8},
                {TokenKind::kInt, "12", 1, 11},
                {TokenKind::kFloat, "-1.5e3", 1, 14},
                {TokenKind::kString, "s", 1, 21},
                {TokenKind::kBlockString, "b", 1, 25},
                {TokenKind::kComment, "c", 1, 33},
                {TokenKind::kEndOfFile, "", 1, 35},
            }));
}

TEST(LexerTest, EmptySourceIsEndOfFileRepeatedly) {
  Lexer lexer("");
  Token token;
  ASSERT_TRUE(lexer.Next(&token));
  EXPECT_EQ(token.kind, TokenKind::kEndOfFile);
  EXPECT_EQ(token.location, (SourceLocation{1, 1}));
  ASSERT_TRUE(lexer.Next(&token));
  EXPECT_EQ(token.kind, TokenKind::kEndOfFile);
}

TEST(LexerTest, IgnoredTokensAndByteOrderMark) {
  // Tab, comma and U+FEFF are ignored; the BOM counts as one column.
  EXPECT_EQ(Lex("\t,\xEF\xBB\xBF a"),
            (std::vector<Lexed>{{TokenKind::kName, "a", 1, 5}, {TokenKind::kEndOfFile, "", 1, 6}}));
}

TEST(LexerTest, LineTerminators) {
  EXPECT_EQ(Lex("a\r\nb\rc\nd"), (std::vector<Lexed>{{TokenKind::kName, "a", 1, 1},
                                                     {TokenKind::kName, "b", 2, 1},
                                                     {TokenKind::kName, "c", 3, 1},
                                                     {TokenKind::kName, "d", 4, 1},
                                                     {TokenKind::kEndOfFile, "", 4, 2}}));
}

TEST(LexerTest, CommentsRunToTheEndOfTheLine) {
  EXPECT_EQ(Lex("a # c1\n# c2\r\nb"), (std::vector<Lexed>{{TokenKind::kName, "a", 1, 1},
                                                          {TokenKind::kComment, " c1", 1, 3},
                                                          {TokenKind::kComment, " c2", 2, 1},
                                                          {TokenKind::kName, "b", 3, 1},
                                                          {TokenKind::kEndOfFile, "", 3, 2}}));
}

TEST(LexerTest, ColumnsCountCodePoints) {
  // "é" is two bytes, "😀" four; each is one column.
  EXPECT_EQ(Lex("\"é\" a \"😀\" b"), (std::vector<Lexed>{{TokenKind::kString, "é", 1, 1},
                                                        {TokenKind::kName, "a", 1, 5},
                                                        {TokenKind::kString, "😀", 1, 7},
                                                        {TokenKind::kName, "b", 1, 11},
                                                        {TokenKind::kEndOfFile, "", 1, 12}}));
}

TEST(LexerTest, ValidNumbers) {
  EXPECT_EQ(Lex("0 -0 123 -1.5 1e10 1E+2 1.5e-3"), (std::vector<Lexed>{
                                                       {TokenKind::kInt, "0", 1, 1},
                                                       {TokenKind::kInt, "-0", 1, 3},
                                                       {TokenKind::kInt, "123", 1, 6},
                                                       {TokenKind::kFloat, "-1.5", 1, 10},
                                                       {TokenKind::kFloat, "1e10", 1, 15},
                                                       {TokenKind::kFloat, "1E+2", 1, 20},
                                                       {TokenKind::kFloat, "1.5e-3", 1, 25},
                                                       {TokenKind::kEndOfFile, "", 1, 31},
                                                   }));
}

TEST(LexerTest, InvalidNumbers) {
  EXPECT_EQ(LexFailure("01"), (LexError{"Invalid number, unexpected digit after 0: '1'.", 1, 2}));
  EXPECT_EQ(LexFailure("00"), (LexError{"Invalid number, unexpected digit after 0: '0'.", 1, 2}));
  EXPECT_EQ(LexFailure("0x1"), (LexError{"Invalid number, expected digit but got: 'x'.", 1, 2}));
  EXPECT_EQ(LexFailure("1."), (LexError{"Invalid number, expected digit but got: <EOF>.", 1, 3}));
  EXPECT_EQ(LexFailure("1.e1"), (LexError{"Invalid number, expected digit but got: 'e'.", 1, 3}));
  EXPECT_EQ(LexFailure("-"), (LexError{"Invalid number, expected digit but got: <EOF>.", 1, 2}));
  EXPECT_EQ(LexFailure("-a"), (LexError{"Invalid number, expected digit but got: 'a'.", 1, 2}));
  EXPECT_EQ(LexFailure("1e"), (LexError{"Invalid number, expected digit but got: <EOF>.", 1, 3}));
  EXPECT_EQ(LexFailure("1a"), (LexError{"Invalid number, expected digit but got: 'a'.", 1, 2}));
  EXPECT_EQ(LexFailure("1_"), (LexError{"Invalid number, expected digit but got: '_'.", 1, 2}));
  EXPECT_EQ(LexFailure("1.5."), (LexError{"Invalid number, expected digit but got: '.'.", 1, 4}));
  EXPECT_EQ(LexFailure("1ex"), (LexError{"Invalid number, expected digit but got: 'x'.", 1, 3}));
  EXPECT_EQ(LexFailure("12e3.4"), (LexError{"Invalid number, expected digit but got: '.'.", 1, 5}));
  EXPECT_EQ(LexFailure("+1"), (LexError{"Unexpected character: '+'.", 1, 1}));
}

TEST(LexerTest, SimpleEscapes) {
  EXPECT_EQ(LexValue(R"("\"\\\/\b\f\n\r\t")"), "\"\\/\b\f\n\r\t");
  EXPECT_EQ(LexValue("\"\""), "");
  // Control characters other than line terminators are allowed inside a string.
  EXPECT_EQ(LexValue("\"\x01\x7f\""), "\x01\x7f");
}

TEST(LexerTest, UnicodeEscapes) {
  EXPECT_EQ(LexValue(R"("\u0041\u00e9\u00E9")"), "Aéé");
  EXPECT_EQ(LexValue(R"("\u{1F600}")"), "😀");
  EXPECT_EQ(LexValue(R"("\u{0041}x")"), "Ax");
  EXPECT_EQ(LexValue(R"("\u{00000041}")"), "A");  // eight digits, the most allowed
  EXPECT_EQ(LexValue(R"("\u{10FFFF}")"), "\xF4\x8F\xBF\xBF");
  // A surrogate pair written as two escapes is one code point (October 2021).
  EXPECT_EQ(LexValue(R"("\uD83D\uDE00")"), "😀");
  EXPECT_EQ(LexValue(R"("\ud83d\ude00!")"), "😀!");
}

TEST(LexerTest, InvalidUnicodeEscapes) {
  EXPECT_EQ(LexFailure(R"("\uD800")"),
            (LexError{R"(Invalid Unicode escape sequence: '\uD800'.)", 1, 2}));
  EXPECT_EQ(LexFailure(R"("\uDC00")"),
            (LexError{R"(Invalid Unicode escape sequence: '\uDC00'.)", 1, 2}));
  EXPECT_EQ(LexFailure(R"("\uD800\u0041")"),
            (LexError{R"(Invalid Unicode escape sequence: '\uD800'.)", 1, 2}));
  EXPECT_EQ(LexFailure(R"("\uD800\uD800")"),
            (LexError{R"(Invalid Unicode escape sequence: '\uD800'.)", 1, 2}));
  EXPECT_EQ(LexFailure(R"("\uXYZW")"),
            (LexError{R"(Invalid Unicode escape sequence: '\uXYZW'.)", 1, 2}));
  EXPECT_EQ(LexFailure(R"({a(x:"\u1")})"),
            (LexError{R"(Invalid Unicode escape sequence: '\u1")}'.)", 1, 7}));
  EXPECT_EQ(LexFailure(R"("\u{110000}")"),
            (LexError{R"(Invalid Unicode escape sequence: '\u{110000}'.)", 1, 2}));
  EXPECT_EQ(LexFailure(R"("\u{D800}")"),
            (LexError{R"(Invalid Unicode escape sequence: '\u{D800}'.)", 1, 2}));
  EXPECT_EQ(LexFailure(R"("\u{}")"),
            (LexError{R"(Invalid Unicode escape sequence: '\u{}'.)", 1, 2}));
  EXPECT_EQ(LexFailure(R"("\u{1F60)"),
            (LexError{R"(Invalid Unicode escape sequence: '\u{1F60'.)", 1, 2}));
  EXPECT_EQ(LexFailure(R"("\u{000000041}")"),
            (LexError{R"(Invalid Unicode escape sequence: '\u{000000041'.)", 1, 2}));
  EXPECT_EQ(LexFailure(R"({a(x:"\u{é}")})"),
            (LexError{R"(Invalid Unicode escape sequence: '\u{é'.)", 1, 7}));
  // graphql-core raises IndexError on these truncated escapes; we report the escape.
  EXPECT_EQ(LexFailure(R"("\u12)"),
            (LexError{R"(Invalid Unicode escape sequence: '\u12'.)", 1, 2}));
  EXPECT_EQ(LexFailure(R"("\)"), (LexError{R"(Invalid character escape sequence: '\'.)", 1, 2}));
}

TEST(LexerTest, InvalidStrings) {
  EXPECT_EQ(LexFailure(R"("\q")"), (LexError{R"(Invalid character escape sequence: '\q'.)", 1, 2}));
  EXPECT_EQ(LexFailure("\"abc"), (LexError{"Unterminated string.", 1, 5}));
  EXPECT_EQ(LexFailure("\"a\nb\""), (LexError{"Unterminated string.", 1, 3}));
  EXPECT_EQ(LexFailure("\"a\rb\""), (LexError{"Unterminated string.", 1, 3}));
  EXPECT_EQ(LexFailure("{ a(x: \"é)}"), (LexError{"Unterminated string.", 1, 12}));
  // Malformed UTF-8 is reported like Python's surrogateescape would show it.
  EXPECT_EQ(LexFailure("\"a\xFF\""), (LexError{"Invalid character within String: U+DCFF.", 1, 3}));
  EXPECT_EQ(LexFailure("\"\"\"a\xC3\"\"\""),
            (LexError{"Invalid character within String: U+DCC3.", 1, 5}));
}

TEST(LexerTest, UnexpectedCharacters) {
  EXPECT_EQ(LexFailure("'x'"), (LexError{"Unexpected single quote character ('), did you mean to "
                                         "use a double quote (\")?",
                                         1, 1}));
  EXPECT_EQ(LexFailure(".."), (LexError{"Unexpected character: '.'.", 1, 1}));
  EXPECT_EQ(LexFailure(".a"), (LexError{"Unexpected character: '.'.", 1, 1}));
  EXPECT_EQ(LexFailure("~"), (LexError{"Unexpected character: '~'.", 1, 1}));
  EXPECT_EQ(LexFailure("{a\x07}"), (LexError{"Unexpected character: U+0007.", 1, 3}));
  EXPECT_EQ(LexFailure(std::string_view("a\0", 2)),
            (LexError{"Unexpected character: U+0000.", 1, 2}));
  EXPECT_EQ(LexFailure("{ a(x: é) }"), (LexError{"Unexpected character: U+00E9.", 1, 8}));
  EXPECT_EQ(LexFailure("a \xE2\x80\xA8"), (LexError{"Unexpected character: U+2028.", 1, 3}));
  EXPECT_EQ(LexFailure("a \x80"), (LexError{"Invalid character: U+DC80.", 1, 3}));
  EXPECT_EQ(LexFailure("# ok\xFF"), (LexError{"Invalid character: U+DCFF.", 1, 5}));
}

TEST(LexerTest, BlockStrings) {
  EXPECT_EQ(LexValue("\"\"\"\n  a\n    b\n\n  c\n  \"\"\""), "a\n  b\n\nc");
  EXPECT_EQ(LexValue("\"\"\"  x\"\"\""), "  x");  // the first line keeps its indentation
  EXPECT_EQ(LexValue("\"\"\"\n\n  \n\"\"\""), "");
  EXPECT_EQ(LexValue("\"\"\"\"\"\""), "");
  EXPECT_EQ(LexValue("\"\"\"a\\\"\"\"b\"\"\""), "a\"\"\"b");
  EXPECT_EQ(LexValue("\"\"\" \\\"\"\" \"\"\""), " \"\"\" ");
  EXPECT_EQ(LexValue("\"\"\"\t\ta\n\t\tb\"\"\""), "\t\ta\nb");
  EXPECT_EQ(LexValue("\"\"\"a\n  b\n c\"\"\""), "a\n b\nc");
  EXPECT_EQ(LexValue("\"\"\"\n\t  \n  x\n\t y \n   \n\"\"\""), "x\ny ");
  // Escapes other than \""" are kept as written.
  EXPECT_EQ(LexValue(R"("""a\nb\u0041""")"), R"(a\nb\u0041)");
}

TEST(LexerTest, BlockStringLinesMoveTheFollowingTokens) {
  EXPECT_EQ(Lex("a\r\n  \"\"\"x\r\ny\ry\"\"\" z"),
            (std::vector<Lexed>{{TokenKind::kName, "a", 1, 1},
                                {TokenKind::kBlockString, "x\ny\ny", 2, 3},
                                {TokenKind::kName, "z", 4, 6},
                                {TokenKind::kEndOfFile, "", 4, 7}}));
}

TEST(LexerTest, UnterminatedBlockStrings) {
  EXPECT_EQ(LexFailure("\"\"\""), (LexError{"Unterminated string.", 1, 4}));
  EXPECT_EQ(LexFailure("\"\"\"abc\"\""), (LexError{"Unterminated string.", 1, 9}));
  // graphql-core says 2:1 here: its get_location() drops a trailing empty line.
  EXPECT_EQ(LexFailure("\"\"\"a\n\n"), (LexError{"Unterminated string.", 3, 1}));
}

TEST(LexerTest, DescribeToken) {
  Token token;
  token.kind = TokenKind::kName;
  token.raw = "foo";
  EXPECT_EQ(DescribeToken(token), "Name 'foo'");
  token.kind = TokenKind::kSpread;
  EXPECT_EQ(DescribeToken(token), "'...'");
  token.kind = TokenKind::kEndOfFile;
  EXPECT_EQ(DescribeToken(token), "<EOF>");
  token.kind = TokenKind::kBlockString;
  token.value = "x";
  EXPECT_EQ(DescribeToken(token), "BlockString 'x'");
}

TEST(Utf8Test, DecodesWellFormedSequences) {
  uint32_t cp = 0;
  EXPECT_EQ(DecodeUtf8("A", 0, &cp), 1u);
  EXPECT_EQ(cp, 0x41u);
  EXPECT_EQ(DecodeUtf8("é", 0, &cp), 2u);
  EXPECT_EQ(cp, 0xE9u);
  EXPECT_EQ(DecodeUtf8("€", 0, &cp), 3u);
  EXPECT_EQ(cp, 0x20ACu);
  EXPECT_EQ(DecodeUtf8("😀", 0, &cp), 4u);
  EXPECT_EQ(cp, 0x1F600u);
}

TEST(Utf8Test, MalformedBytesDecodeOneByOne) {
  uint32_t cp = 0;
  EXPECT_EQ(DecodeUtf8("\xC0\xAF", 0, &cp), 1u);  // overlong '/'
  EXPECT_EQ(cp, 0xDCC0u);
  EXPECT_EQ(DecodeUtf8("\xED\xA0\x80", 0, &cp), 1u);  // encoded surrogate
  EXPECT_EQ(cp, 0xDCEDu);
  EXPECT_EQ(DecodeUtf8("\xF4\x90\x80\x80", 0, &cp), 1u);  // above U+10FFFF
  EXPECT_EQ(cp, 0xDCF4u);
  EXPECT_EQ(DecodeUtf8("\xE2\x82", 0, &cp), 1u);  // truncated
  EXPECT_EQ(cp, 0xDCE2u);
  EXPECT_EQ(DecodeUtf8("\x80", 0, &cp), 1u);  // stray continuation byte
  EXPECT_EQ(cp, 0xDC80u);
}

TEST(Utf8Test, AppendUtf8RoundTrips) {
  for (uint32_t cp : {0x0u, 0x7Fu, 0x80u, 0x7FFu, 0x800u, 0xFFFFu, 0x10000u, 0x10FFFFu}) {
    std::string text;
    AppendUtf8(cp, &text);
    uint32_t decoded = 0;
    EXPECT_EQ(DecodeUtf8(text, 0, &decoded), text.size());
    EXPECT_EQ(decoded, cp);
  }
}

TEST(BlockStringValueTest, SpecificationAlgorithm) {
  EXPECT_EQ(BlockStringValue(""), "");
  EXPECT_EQ(BlockStringValue("   "), "");
  EXPECT_EQ(BlockStringValue("\n    Hello,\n      World!\n\n    Yours,\n      GraphQL.\n  "),
            "Hello,\n  World!\n\nYours,\n  GraphQL.");
  // Blank lines do not count towards the common indentation.
  EXPECT_EQ(BlockStringValue("\n  a\n\n \n  b"), "a\n\n\nb");
  // The first line is never dedented and does not set the indentation.
  EXPECT_EQ(BlockStringValue("  first\n    second"), "  first\nsecond");
  // CRLF and CR end lines too; the result uses LF.
  EXPECT_EQ(BlockStringValue("\r\n  a\r  b\r\n"), "a\nb");
  // Tabs are whitespace.
  EXPECT_EQ(BlockStringValue("\n\ta\n\t\tb"), "a\n\tb");
}

}  // namespace
}  // namespace de::graphql::internal
