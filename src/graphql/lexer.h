// The GraphQL lexer (specification §2.1, October 2021): turns a UTF-8 source into tokens one at a
// time, on demand, so that the parser's limits stop the work early. Internal to graphql/; the
// parser is its only user besides the tests.
//
// Thread safety: a Lexer is used by one thread; it reads the source it was given, which must
// outlive it and every Token's `raw` view.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "graphql/ast.h"

namespace de::graphql::internal {

// Kinds from kName on carry a value (Token::HasValue relies on the order).
enum class TokenKind : uint8_t {
  kStartOfFile,
  kEndOfFile,
  kBang,
  kDollar,
  kAmp,
  kParenL,
  kParenR,
  kSpread,
  kColon,
  kEquals,
  kAt,
  kBracketL,
  kBracketR,
  kBraceL,
  kPipe,
  kBraceR,
  kName,
  kInt,
  kFloat,
  kString,
  kBlockString,
  kComment,
};

// How error messages name a kind: "'{'" for punctuators, "Name", "<EOF>" otherwise.
std::string_view TokenKindDescription(TokenKind kind);

struct Token {
  TokenKind kind = TokenKind::kStartOfFile;
  size_t start = 0;  // byte offsets into the source: [start, end)
  size_t end = 0;
  SourceLocation location;  // of `start`
  std::string_view raw;     // kName, kInt, kFloat: the text; kComment: the text after '#'
  std::string value;        // kString, kBlockString: the decoded (and dedented) value

  // Names, numbers, strings and comments have a value; punctuators and <EOF> do not.
  bool HasValue() const { return kind >= TokenKind::kName; }
  std::string_view Value() const { return IsString() ? std::string_view(value) : raw; }
  bool IsString() const { return kind == TokenKind::kString || kind == TokenKind::kBlockString; }
};

// "Name 'foo'", "'{'", "<EOF>", "String 'x'": how graphql-js and graphql-core name a token.
std::string DescribeToken(const Token& token);

// A lexical or syntax error: where (byte offset) and what, without the "Syntax Error: " prefix.
struct SyntaxError {
  size_t offset = 0;
  std::string message;
};

class Lexer {
 public:
  explicit Lexer(std::string_view source);

  Lexer(const Lexer&) = delete;
  Lexer& operator=(const Lexer&) = delete;

  // Reads the next token after the previous one, comments included; <EOF> repeats at the end.
  // Returns false on a lexical error (error() says which); the lexer must not be used after.
  bool Next(Token* token);

  const SyntaxError& error() const { return error_; }

  // Line and column (Unicode code points, 1-based) of a byte offset. Scans from the start, so
  // it is meant for the one error of a parse, not for every token.
  SourceLocation LocationOf(size_t offset) const;

 private:
  bool Fail(size_t offset, std::string message);
  void NewLine(size_t line_start);
  SourceLocation TokenLocation(size_t offset);
  void MakeToken(TokenKind kind, size_t start, size_t end, Token* token);

  bool ReadComment(size_t start, Token* token);
  bool ReadNumber(size_t start, Token* token);
  bool ReadDigits(size_t* pos);
  bool ReadName(size_t start, Token* token);
  bool ReadString(size_t start, Token* token);
  bool ReadEscape(size_t pos, std::string* out, size_t* size);
  bool ReadUnicodeFixed(size_t pos, std::string* out, size_t* size);
  bool ReadUnicodeBraced(size_t pos, std::string* out, size_t* size);
  bool ReadBlockString(size_t start, Token* token);
  bool UnexpectedCharacter(size_t pos);

  // "'a'", "'\"'", "U+00E9" or "<EOF>" for the character at `pos`.
  std::string PrintCodePointAt(size_t pos) const;
  // Up to `count` code points from `pos`, as written in the source.
  std::string_view SliceCodePoints(size_t pos, size_t count) const;

  std::string_view source_;
  size_t pos_ = 0;         // where the next token search starts
  int line_ = 1;           // line of pos_
  size_t line_start_ = 0;  // byte offset where line_ starts
  // Column cache for TokenLocation: the column of col_offset_ on the line starting at
  // col_line_start_, so that columns are counted once per line, not once per token.
  size_t col_line_start_ = 0;
  size_t col_offset_ = 0;
  int col_ = 1;
  SyntaxError error_;
};

// ---- Helpers shared with the tests ------------------------------------------------------------

// Decodes one UTF-8 character at `pos` (< text.size()) into *code_point and returns its length.
// A byte that does not start a well-formed sequence (overlong, surrogate, above U+10FFFF,
// truncated) decodes alone to U+DC00 + byte, as Python's "surrogateescape" does, so that it is
// reported as an invalid character rather than skipped.
size_t DecodeUtf8(std::string_view text, size_t pos, uint32_t* code_point);

// Appends a Unicode scalar value as UTF-8.
void AppendUtf8(uint32_t code_point, std::string* out);

// The specification's BlockStringValue(): common indentation removed from all lines but the
// first, leading and trailing blank lines dropped, lines joined with "\n". `raw` is the text
// between the quotes with `\"""` already unescaped; lines end at "\n", "\r\n" or "\r".
std::string BlockStringValue(std::string_view raw);

}  // namespace de::graphql::internal
