#include "graphql/lexer.h"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

namespace de::graphql::internal {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsNameContinue(char c) { return IsNameStart(c) || IsDigit(c); }
bool IsSurrogate(uint32_t cp) { return cp >= 0xD800 && cp <= 0xDFFF; }
bool IsContinuation(unsigned char b) { return (b & 0xC0) == 0x80; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The value of four hex digits at `pos`, or -1 when any is missing or not a hex digit.
int ReadHex4(std::string_view text, size_t pos) {
  if (pos + 4 > text.size()) return -1;
  int value = 0;
  for (size_t i = pos; i < pos + 4; ++i) {
    int digit = HexValue(text[i]);
    if (digit < 0) return -1;
    value = (value << 4) | digit;
  }
  return value;
}

// The character of a single-character escape (`\n` -> '\n'), or 0 when `c` is not one.
char SimpleEscape(char c) {
  switch (c) {
    case '"':
      return '"';
    case '\\':
      return '\\';
    case '/':
      return '/';
    case 'b':
      return '\b';
    case 'f':
      return '\f';
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    default:
      return 0;
  }
}

TokenKind PunctuatorKind(char c) {
  switch (c) {
    case '!':
      return TokenKind::kBang;
    case '$':
      return TokenKind::kDollar;
    case '&':
      return TokenKind::kAmp;
    case '(':
      return TokenKind::kParenL;
    case ')':
      return TokenKind::kParenR;
    case ':':
      return TokenKind::kColon;
    case '=':
      return TokenKind::kEquals;
    case '@':
      return TokenKind::kAt;
    case '[':
      return TokenKind::kBracketL;
    case ']':
      return TokenKind::kBracketR;
    case '{':
      return TokenKind::kBraceL;
    case '}':
      return TokenKind::kBraceR;
    case '|':
      return TokenKind::kPipe;
    default:
      return TokenKind::kStartOfFile;  // not a punctuator
  }
}

size_t LeadingWhitespace(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  return i;
}

}  // namespace

std::string_view TokenKindDescription(TokenKind kind) {
  switch (kind) {
    case TokenKind::kStartOfFile:
      return "<SOF>";
    case TokenKind::kEndOfFile:
      return "<EOF>";
    case TokenKind::kBang:
      return "'!'";
    case TokenKind::kDollar:
      return "'$'";
    case TokenKind::kAmp:
      return "'&'";
    case TokenKind::kParenL:
      return "'('";
    case TokenKind::kParenR:
      return "')'";
    case TokenKind::kSpread:
      return "'...'";
    case TokenKind::kColon:
      return "':'";
    case TokenKind::kEquals:
      return "'='";
    case TokenKind::kAt:
      return "'@'";
    case TokenKind::kBracketL:
      return "'['";
    case TokenKind::kBracketR:
      return "']'";
    case TokenKind::kBraceL:
      return "'{'";
    case TokenKind::kPipe:
      return "'|'";
    case TokenKind::kBraceR:
      return "'}'";
    case TokenKind::kName:
      return "Name";
    case TokenKind::kInt:
      return "Int";
    case TokenKind::kFloat:
      return "Float";
    case TokenKind::kString:
      return "String";
    case TokenKind::kBlockString:
      return "BlockString";
    case TokenKind::kComment:
      return "Comment";
  }
  return "?";
}

std::string DescribeToken(const Token& token) {
  std::string out(TokenKindDescription(token.kind));
  if (token.HasValue()) {
    out += " '";
    out += token.Value();
    out += '\'';
  }
  return out;
}

size_t DecodeUtf8(std::string_view text, size_t pos, uint32_t* code_point) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char b0 = byte(pos);
  *code_point = 0xDC00 + b0;  // the fallback for a malformed sequence
  if (b0 < 0x80) {
    *code_point = b0;
    return 1;
  }
  size_t length = b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC0 ? 2 : 0;
  if (length == 0 || pos + length > text.size()) return 1;
  uint32_t cp = b0 & (0x7F >> length);
  for (size_t i = 1; i < length; ++i) {
    if (!IsContinuation(byte(pos + i))) return 1;
    cp = (cp << 6) | (byte(pos + i) & 0x3F);
  }
  static constexpr uint32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMinimum[length] || cp > 0x10FFFF || IsSurrogate(cp)) return 1;
  *code_point = cp;
  return length;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::string BlockStringValue(std::string_view raw) {
  std::vector<std::string_view> lines;
  size_t line_start = 0;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '\n' && raw[i] != '\r') continue;
    lines.push_back(raw.substr(line_start, i - line_start));
    if (raw[i] == '\r' && i + 1 < raw.size() && raw[i + 1] == '\n') ++i;
    line_start = i + 1;
  }
  lines.push_back(raw.substr(line_start));

  // Common indentation of the non-blank lines after the first; blank lines are all whitespace.
  size_t common_indent = std::string_view::npos;
  size_t first_nonblank = lines.size();
  size_t last_nonblank = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    size_t indent = LeadingWhitespace(lines[i]);
    if (indent == lines[i].size()) continue;
    first_nonblank = std::min(first_nonblank, i);
    last_nonblank = i;
    if (i > 0) common_indent = std::min(common_indent, indent);
  }
  std::string out;
  if (first_nonblank == lines.size()) return out;
  out.reserve(raw.size());
  for (size_t i = first_nonblank; i <= last_nonblank; ++i) {
    std::string_view line = lines[i];
    if (i > 0) line.remove_prefix(std::min(common_indent, line.size()));
    if (i > first_nonblank) out.push_back('\n');
    out.append(line);
  }
  return out;
}

// ---- Lexer -----------------------------------------------------------------------------------

Lexer::Lexer(std::string_view source) : source_(source) {}

bool Lexer::Fail(size_t offset, std::string message) {
  error_.offset = offset;
  error_.message = std::move(message);
  return false;
}

void Lexer::NewLine(size_t line_start) {
  ++line_;
  line_start_ = line_start;
}

SourceLocation Lexer::TokenLocation(size_t offset) {
  // Everything between the line start and a token is well-formed UTF-8 (malformed bytes stop
  // the lexer), so counting the bytes that start a character counts code points.
  if (col_line_start_ != line_start_ || offset < col_offset_) {
    col_line_start_ = line_start_;
    col_offset_ = line_start_;
    col_ = 1;
  }
  for (; col_offset_ < offset; ++col_offset_) {
    if (!IsContinuation(static_cast<unsigned char>(source_[col_offset_]))) ++col_;
  }
  return SourceLocation{line_, col_};
}

void Lexer::MakeToken(TokenKind kind, size_t start, size_t end, Token* token) {
  token->kind = kind;
  token->start = start;
  token->end = end;
  token->location = TokenLocation(start);
  token->raw = std::string_view();
  pos_ = end;
}

SourceLocation Lexer::LocationOf(size_t offset) const {
  SourceLocation location{1, 1};
  size_t pos = 0;
  while (pos < offset && pos < source_.size()) {
    char c = source_[pos];
    if (c == '\n' || c == '\r') {
      pos += (c == '\r' && pos + 1 < source_.size() && source_[pos + 1] == '\n') ? 2 : 1;
      ++location.line;
      location.column = 1;
      continue;
    }
    uint32_t cp;
    pos += DecodeUtf8(source_, pos, &cp);
    ++location.column;
  }
  return location;
}

std::string Lexer::PrintCodePointAt(size_t pos) const {
  if (pos >= source_.size()) return std::string(TokenKindDescription(TokenKind::kEndOfFile));
  uint32_t cp;
  DecodeUtf8(source_, pos, &cp);
  if (cp >= 0x20 && cp <= 0x7E) return fmt::format("'{}'", static_cast<char>(cp));
  return fmt::format("U+{:04X}", cp);
}

std::string_view Lexer::SliceCodePoints(size_t pos, size_t count) const {
  size_t end = pos;
  uint32_t cp;
  for (size_t i = 0; i < count && end < source_.size(); ++i) end += DecodeUtf8(source_, end, &cp);
  return source_.substr(pos, end - pos);
}

bool Lexer::Next(Token* token) {
  token->value.clear();
  size_t pos = pos_;
  const size_t size = source_.size();
  while (pos < size) {
    char c = source_[pos];
    if (c == ' ' || c == '\t' || c == ',') {
      ++pos;
      continue;
    }
    if (c == '\n' || c == '\r') {
      pos += (c == '\r' && pos + 1 < size && source_[pos + 1] == '\n') ? 2 : 1;
      NewLine(pos);
      continue;
    }
    if (c == '\xEF' && source_.substr(pos, 3) == "\xEF\xBB\xBF") {  // U+FEFF, byte order mark
      pos += 3;
      continue;
    }
    if (c == '#') return ReadComment(pos, token);
    if (c == '"') {
      return source_.substr(pos, 3) == "\"\"\"" ? ReadBlockString(pos, token)
                                                : ReadString(pos, token);
    }
    if (TokenKind kind = PunctuatorKind(c); kind != TokenKind::kStartOfFile) {
      MakeToken(kind, pos, pos + 1, token);
      return true;
    }
    if (IsDigit(c) || c == '-') return ReadNumber(pos, token);
    if (IsNameStart(c)) return ReadName(pos, token);
    if (source_.substr(pos, 3) == "...") {
      MakeToken(TokenKind::kSpread, pos, pos + 3, token);
      return true;
    }
    return UnexpectedCharacter(pos);
  }
  MakeToken(TokenKind::kEndOfFile, size, size, token);
  return true;
}

bool Lexer::UnexpectedCharacter(size_t pos) {
  if (source_[pos] == '\'') {
    return Fail(pos,
                "Unexpected single quote character ('), did you mean to use a double quote "
                "(\")?");
  }
  uint32_t cp;
  DecodeUtf8(source_, pos, &cp);
  const char* what = IsSurrogate(cp) ? "Invalid character" : "Unexpected character";
  return Fail(pos, fmt::format("{}: {}.", what, PrintCodePointAt(pos)));
}

bool Lexer::ReadComment(size_t start, Token* token) {
  size_t pos = start + 1;
  while (pos < source_.size()) {
    char c = source_[pos];
    if (c == '\n' || c == '\r') break;
    uint32_t cp;
    size_t length = DecodeUtf8(source_, pos, &cp);
    if (IsSurrogate(cp)) break;  // malformed UTF-8: reported by the next token
    pos += length;
  }
  MakeToken(TokenKind::kComment, start, pos, token);
  token->raw = source_.substr(start + 1, pos - start - 1);
  return true;
}

bool Lexer::ReadDigits(size_t* pos) {
  if (*pos >= source_.size() || !IsDigit(source_[*pos])) {
    return Fail(*pos,
                fmt::format("Invalid number, expected digit but got: {}.", PrintCodePointAt(*pos)));
  }
  while (*pos < source_.size() && IsDigit(source_[*pos])) ++*pos;
  return true;
}

bool Lexer::ReadNumber(size_t start, Token* token) {
  auto at = [&](size_t i) { return i < source_.size() ? source_[i] : '\0'; };
  size_t pos = start;
  bool is_float = false;
  if (at(pos) == '-') ++pos;
  if (at(pos) == '0') {
    ++pos;
    if (IsDigit(at(pos))) {
      return Fail(
          pos, fmt::format("Invalid number, unexpected digit after 0: {}.", PrintCodePointAt(pos)));
    }
  } else if (!ReadDigits(&pos)) {
    return false;
  }
  if (at(pos) == '.') {
    is_float = true;
    ++pos;
    if (!ReadDigits(&pos)) return false;
  }
  if (at(pos) == 'e' || at(pos) == 'E') {
    is_float = true;
    ++pos;
    if (at(pos) == '+' || at(pos) == '-') ++pos;
    if (!ReadDigits(&pos)) return false;
  }
  // A number cannot be followed by '.' or a name start: `1.2.3`, `0x1`, `1e1a`.
  if (at(pos) == '.' || IsNameStart(at(pos))) {
    return Fail(pos,
                fmt::format("Invalid number, expected digit but got: {}.", PrintCodePointAt(pos)));
  }
  MakeToken(is_float ? TokenKind::kFloat : TokenKind::kInt, start, pos, token);
  token->raw = source_.substr(start, pos - start);
  return true;
}

bool Lexer::ReadName(size_t start, Token* token) {
  size_t pos = start + 1;
  while (pos < source_.size() && IsNameContinue(source_[pos])) ++pos;
  MakeToken(TokenKind::kName, start, pos, token);
  token->raw = source_.substr(start, pos - start);
  return true;
}

bool Lexer::ReadString(size_t start, Token* token) {
  std::string& value = token->value;
  size_t pos = start + 1;
  size_t chunk_start = pos;
  while (pos < source_.size()) {
    char c = source_[pos];
    if (c == '"') {
      value.append(source_.substr(chunk_start, pos - chunk_start));
      MakeToken(TokenKind::kString, start, pos + 1, token);
      return true;
    }
    if (c == '\\') {
      value.append(source_.substr(chunk_start, pos - chunk_start));
      size_t size = 0;
      if (!ReadEscape(pos, &value, &size)) return false;
      pos += size;
      chunk_start = pos;
      continue;
    }
    if (c == '\n' || c == '\r') break;
    uint32_t cp;
    size_t length = DecodeUtf8(source_, pos, &cp);
    if (IsSurrogate(cp)) {
      return Fail(pos, fmt::format("Invalid character within String: {}.", PrintCodePointAt(pos)));
    }
    pos += length;
  }
  return Fail(pos, "Unterminated string.");
}

bool Lexer::ReadEscape(size_t pos, std::string* out, size_t* size) {
  char next = pos + 1 < source_.size() ? source_[pos + 1] : '\0';
  if (next == 'u') {
    bool braced = pos + 2 < source_.size() && source_[pos + 2] == '{';
    return braced ? ReadUnicodeBraced(pos, out, size) : ReadUnicodeFixed(pos, out, size);
  }
  if (char c = SimpleEscape(next); c != 0) {
    out->push_back(c);
    *size = 2;
    return true;
  }
  return Fail(pos,
              fmt::format("Invalid character escape sequence: '{}'.", SliceCodePoints(pos, 2)));
}

// \uXXXX, or a surrogate pair \uD83D\uDE00 that together encode one scalar value.
bool Lexer::ReadUnicodeFixed(size_t pos, std::string* out, size_t* size) {
  int code = ReadHex4(source_, pos + 2);
  if (code >= 0 && !IsSurrogate(code)) {
    AppendUtf8(code, out);
    *size = 6;
    return true;
  }
  if (code >= 0xD800 && code <= 0xDBFF && source_.substr(pos + 6, 2) == "\\u") {
    int trailing = ReadHex4(source_, pos + 8);
    if (trailing >= 0xDC00 && trailing <= 0xDFFF) {
      AppendUtf8(0x10000 + ((code - 0xD800) << 10) + (trailing - 0xDC00), out);
      *size = 12;
      return true;
    }
  }
  return Fail(pos, fmt::format("Invalid Unicode escape sequence: '{}'.", SliceCodePoints(pos, 6)));
}

// \u{X...}: one to eight hex digits naming a scalar value; at most 12 characters in all.
bool Lexer::ReadUnicodeBraced(size_t pos, std::string* out, size_t* size) {
  constexpr size_t kMaxLength = 12;  // \u{00000000}
  uint64_t point = 0;
  size_t length = 3;
  size_t end = pos + 3;
  while (length < kMaxLength && end < source_.size()) {
    uint32_t cp;
    end += DecodeUtf8(source_, end, &cp);
    ++length;
    if (cp == '}') {
      if (length < 5 || point > 0x10FFFF || IsSurrogate(static_cast<uint32_t>(point))) break;
      AppendUtf8(static_cast<uint32_t>(point), out);
      *size = end - pos;
      return true;
    }
    int digit = cp < 0x80 ? HexValue(static_cast<char>(cp)) : -1;
    if (digit < 0) break;
    point = (point << 4) | static_cast<uint64_t>(digit);
  }
  return Fail(
      pos, fmt::format("Invalid Unicode escape sequence: '{}'.", source_.substr(pos, end - pos)));
}

bool Lexer::ReadBlockString(size_t start, Token* token) {
  const int start_line = line_;
  const size_t start_line_start = line_start_;
  std::string raw;
  size_t pos = start + 3;
  size_t chunk_start = pos;
  while (pos < source_.size()) {
    char c = source_[pos];
    if (c == '"' && source_.substr(pos, 3) == "\"\"\"") {
      raw.append(source_.substr(chunk_start, pos - chunk_start));
      // The token starts on the line where the string opened; the lines it spans count for
      // the tokens after it.
      const int end_line = line_;
      const size_t end_line_start = line_start_;
      line_ = start_line;
      line_start_ = start_line_start;
      MakeToken(TokenKind::kBlockString, start, pos + 3, token);
      line_ = end_line;
      line_start_ = end_line_start;
      token->value = BlockStringValue(raw);
      return true;
    }
    if (c == '\\' && source_.substr(pos + 1, 3) == "\"\"\"") {
      raw.append(source_.substr(chunk_start, pos - chunk_start));
      chunk_start = pos + 1;  // keep the quotes, drop the backslash
      pos += 4;
      continue;
    }
    if (c == '\n' || c == '\r') {
      pos += (c == '\r' && pos + 1 < source_.size() && source_[pos + 1] == '\n') ? 2 : 1;
      NewLine(pos);
      continue;
    }
    uint32_t cp;
    size_t length = DecodeUtf8(source_, pos, &cp);
    if (IsSurrogate(cp)) {
      return Fail(pos, fmt::format("Invalid character within String: {}.", PrintCodePointAt(pos)));
    }
    pos += length;
  }
  return Fail(pos, "Unterminated string.");
}

}  // namespace de::graphql::internal
