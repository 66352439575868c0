#include "policy/text_treatments.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>

namespace de {
namespace {

constexpr size_t kNpos = std::string_view::npos;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAlnum(char c) { return IsDigit(c) || IsAlpha(c); }
bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
// JSON's four whitespace bytes; WKT uses the same set.
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
char Upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

// The byte at `i`, or '\0' past the end, so look-ahead needs no bounds checks.
char At(std::string_view t, size_t i) { return i < t.size() ? t[i] : '\0'; }

// ---------------------------------------------------------------------------------------------
// Exact decimal rounding on a number's text.

// A finite number read from text without copying. Its significant digits S are `head`
// followed by `tail` (taken from the integer and the fraction part, leading and trailing zeros
// removed); the value is 0.S x 10^point with `point` counted in digits, so `point` digits of S
// stand before the decimal point (point may be negative or exceed S's length). S is empty for
// zero.
struct Decimal {
  bool negative = false;
  std::string_view head;
  std::string_view tail;
  int64_t point = 0;

  size_t size() const { return head.size() + tail.size(); }
  char Digit(size_t i) const { return i < head.size() ? head[i] : tail[i - head.size()]; }
  // Appends digits [from, to) of S; 0 <= from <= to <= size().
  void AppendDigits(int64_t from, int64_t to, std::string* out) const {
    const auto h = static_cast<int64_t>(head.size());
    if (from < h) out->append(head.substr(from, std::min(to, h) - from));
    if (to > h) out->append(tail.substr(std::max(from, h) - h, to - std::max(from, h)));
  }
};

enum class NumberSyntax {
  kJson,  // RFC 8259: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
  kWkt,   // [+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?
};

// A number at least 1e309 in magnitude is beyond every double: not a finite coordinate.
constexpr int64_t kMaxPoint = 309;
// Exponents saturate here; no text is long enough for the saturation to change the result.
constexpr int64_t kExponentCap = int64_t{1} << 50;

size_t DigitRun(std::string_view t, size_t i) {
  size_t j = i;
  while (j < t.size() && IsDigit(t[j])) ++j;
  return j - i;
}

// Reads a number at *pos (syntax only: any magnitude). On success advances *pos past it and
// fills *d.
bool ParseNumber(std::string_view t, size_t* pos, NumberSyntax syntax, Decimal* d) {
  size_t i = *pos;
  d->negative = false;
  if (At(t, i) == '-') {
    d->negative = true;
    ++i;
  } else if (syntax == NumberSyntax::kWkt && At(t, i) == '+') {
    ++i;
  }
  std::string_view int_part = t.substr(i, DigitRun(t, i));
  i += int_part.size();
  std::string_view frac_part;
  bool has_point = At(t, i) == '.';
  if (has_point) {
    frac_part = t.substr(i + 1, DigitRun(t, i + 1));
    i += 1 + frac_part.size();
  }
  if (syntax == NumberSyntax::kJson) {
    if (int_part.empty() || (int_part.size() > 1 && int_part[0] == '0')) return false;
    if (has_point && frac_part.empty()) return false;
  } else if (int_part.empty() && frac_part.empty()) {
    return false;
  }
  int64_t exponent = 0;
  if (At(t, i) == 'e' || At(t, i) == 'E') {
    ++i;
    bool exp_negative = At(t, i) == '-';
    if (At(t, i) == '-' || At(t, i) == '+') ++i;
    if (!IsDigit(At(t, i))) return false;
    for (; IsDigit(At(t, i)); ++i) {
      if (exponent < kExponentCap) exponent = exponent * 10 + (t[i] - '0');
    }
    if (exp_negative) exponent = -exponent;
  }

  // Normalise to significant digits: leading zeros move the point left, trailing zeros of the
  // fraction (and then of the integer part) do not change the value.
  int64_t point = static_cast<int64_t>(int_part.size()) + exponent;
  while (!int_part.empty() && int_part.front() == '0') {
    int_part.remove_prefix(1);
    --point;
  }
  if (int_part.empty()) {
    while (!frac_part.empty() && frac_part.front() == '0') {
      frac_part.remove_prefix(1);
      --point;
    }
  }
  while (!frac_part.empty() && frac_part.back() == '0') frac_part.remove_suffix(1);
  if (frac_part.empty()) {
    while (!int_part.empty() && int_part.back() == '0') int_part.remove_suffix(1);
  }
  d->head = int_part;
  d->tail = frac_part;
  d->point = point;
  *pos = i;
  return true;
}

// Whether `d` is within the range of a double (to the nearest power of ten): a coordinate must
// be finite.
bool IsFinite(const Decimal& d) { return d.size() == 0 || d.point <= kMaxPoint; }

// Appends the exact value of `d` (no rounding needed) in plain notation.
void AppendExact(const Decimal& d, std::string* out) {
  const int64_t len = static_cast<int64_t>(d.size());
  if (d.negative) out->push_back('-');
  if (d.point <= 0) {
    out->append("0.");
    out->append(static_cast<size_t>(-d.point), '0');
    out->append(d.head);
    out->append(d.tail);
  } else if (d.point >= len) {
    out->append(d.head);
    out->append(d.tail);
    out->append(static_cast<size_t>(d.point - len), '0');
  } else {
    d.AppendDigits(0, d.point, out);
    out->push_back('.');
    d.AppendDigits(d.point, len, out);
  }
}

// Appends `d` rounded half away from zero to `decimals` (>= 0) places, in the shortest plain
// form: no exponent, no trailing fractional zeros, no trailing '.', never "-0".
void AppendRounded(const Decimal& d, int decimals, std::string* out) {
  const int64_t len = static_cast<int64_t>(d.size());
  if (len == 0) {
    out->push_back('0');
    return;
  }
  const int64_t keep = d.point + decimals;  // digits of S that survive
  if (keep >= len) {
    AppendExact(d, out);
    return;
  }
  // The first dropped digit decides; S has no trailing zeros, so a dropped '5' followed by
  // nothing is an exact half, which rounds away from zero like everything above it.
  const bool round_up = keep >= 0 && d.Digit(static_cast<size_t>(keep)) >= '5';
  if (keep <= 0 && !round_up) {
    out->push_back('0');
    return;
  }
  if (d.negative) out->push_back('-');
  const size_t begin = out->size();
  // keep >= point, so every integer digit is within S.
  if (d.point <= 0) {
    out->push_back('0');
  } else {
    d.AppendDigits(0, d.point, out);
  }
  if (decimals > 0) {
    out->push_back('.');
    if (d.point < 0) out->append(static_cast<size_t>(std::min(-d.point, keep - d.point)), '0');
    if (keep > 0) d.AppendDigits(std::max<int64_t>(d.point, 0), keep, out);
  }
  if (round_up) {
    size_t j = out->size();
    bool carry = true;
    while (carry && j > begin) {
      char& c = (*out)[--j];
      if (c == '.') continue;
      if (c == '9') {
        c = '0';
      } else {
        ++c;
        carry = false;
      }
    }
    if (carry) out->insert(out->begin() + static_cast<std::ptrdiff_t>(begin), '1');
  }
  if (decimals > 0) {
    while (out->back() == '0') out->pop_back();
    if (out->back() == '.') out->pop_back();
  }
}

// ---------------------------------------------------------------------------------------------
// GeoJSON: a validating JSON scanner that copies the text and rewrites only the numbers inside
// "coordinates" and "bbox" values.

// Deeper nesting than any real geometry needs; bounds the recursion on hostile input.
constexpr int kMaxJsonDepth = 256;

// Length of the well-formed UTF-8 sequence (RFC 3629: no overlongs, no surrogates, at most
// U+10FFFF) that starts with the non-ASCII byte t[i]; 0 when it is malformed.
size_t Utf8SequenceLength(std::string_view t, size_t i) {
  const auto c = static_cast<unsigned char>(t[i]);
  size_t len = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + len > t.size()) return 0;
  const auto c1 = static_cast<unsigned char>(t[i + 1]);
  if (c1 < lo || c1 > hi) return 0;
  for (size_t k = 2; k < len; ++k) {
    if ((static_cast<unsigned char>(t[i + k]) & 0xC0) != 0x80) return 0;
  }
  return len;
}

int HexValue(char c) {
  if (IsDigit(c)) return c - '0';
  return Upper(c) - 'A' + 10;
}

// Whether the raw (still escaped, already validated) contents of a JSON string decode to the
// ASCII text `want`; keys spelled with escapes ("co\u006frdinates") count like plain ones.
bool JsonStringEquals(std::string_view raw, std::string_view want) {
  if (raw.find('\\') == kNpos) return raw == want;
  size_t w = 0;
  for (size_t i = 0; i < raw.size(); ++i, ++w) {
    char c = raw[i];
    if (c == '\\') {
      char e = raw[++i];
      switch (e) {
        case 'b':
          c = '\b';
          break;
        case 'f':
          c = '\f';
          break;
        case 'n':
          c = '\n';
          break;
        case 'r':
          c = '\r';
          break;
        case 't':
          c = '\t';
          break;
        case 'u': {
          int code = 0;
          for (int k = 0; k < 4; ++k) code = code * 16 + HexValue(raw[++i]);
          if (code >= 0x80) return false;
          c = static_cast<char>(code);
          break;
        }
        default:
          c = e;  // '"', '\\', '/'
      }
    }
    if (w >= want.size() || want[w] != c) return false;
  }
  return w == want.size();
}

class GeoJsonRounder {
 public:
  GeoJsonRounder(std::string_view text, int decimals, std::string* out)
      : text_(text), decimals_(decimals), out_(out) {}

  bool Run() {
    SkipSpace();
    if (!Object(/*round=*/false, /*depth=*/1, /*top=*/true)) return false;
    SkipSpace();
    if (pos_ != text_.size()) return false;
    out_->append(text_.substr(copied_));
    return true;
  }

 private:
  void SkipSpace() {
    while (pos_ < text_.size() && IsSpace(text_[pos_])) ++pos_;
  }

  bool Consume(char c) {
    if (At(text_, pos_) != c) return false;
    ++pos_;
    return true;
  }

  bool Value(bool round, int depth) {
    switch (At(text_, pos_)) {
      case '{':
        return Object(round, depth + 1, /*top=*/false);
      case '[':
        return Array(round, depth + 1);
      case '"': {
        std::string_view ignored;
        return String(&ignored);
      }
      case 't':
        return Literal("true");
      case 'f':
        return Literal("false");
      case 'n':
        return Literal("null");
      default:
        return Number(round);
    }
  }

  // `top`: the GeoJSON object itself, which must have a string "type" member.
  bool Object(bool round, int depth, bool top) {
    if (depth > kMaxJsonDepth || !Consume('{')) return false;
    bool has_type = false;
    SkipSpace();
    if (Consume('}')) return !top;
    while (true) {
      std::string_view key;
      if (!String(&key)) return false;
      SkipSpace();
      if (!Consume(':')) return false;
      SkipSpace();
      if (top && At(text_, pos_) == '"' && JsonStringEquals(key, "type")) has_type = true;
      const bool member_round =
          round || JsonStringEquals(key, "coordinates") || JsonStringEquals(key, "bbox");
      if (!Value(member_round, depth)) return false;
      SkipSpace();
      if (Consume('}')) break;
      if (!Consume(',')) return false;
      SkipSpace();
    }
    return !top || has_type;
  }

  bool Array(bool round, int depth) {
    if (depth > kMaxJsonDepth || !Consume('[')) return false;
    SkipSpace();
    if (Consume(']')) return true;
    while (true) {
      if (!Value(round, depth)) return false;
      SkipSpace();
      if (Consume(']')) return true;
      if (!Consume(',')) return false;
      SkipSpace();
    }
  }

  // Validates a string at pos_ and returns its raw contents (between the quotes).
  bool String(std::string_view* raw) {
    if (!Consume('"')) return false;
    const size_t begin = pos_;
    while (pos_ < text_.size()) {
      const auto c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') {
        *raw = text_.substr(begin, pos_ - begin);
        ++pos_;
        return true;
      }
      if (c < 0x20) return false;
      if (c == '\\') {
        if (!Escape()) return false;
      } else if (c >= 0x80) {
        const size_t len = Utf8SequenceLength(text_, pos_);
        if (len == 0) return false;
        pos_ += len;
      } else {
        ++pos_;
      }
    }
    return false;
  }

  bool Escape() {
    const char e = At(text_, pos_ + 1);
    pos_ += 2;
    switch (e) {
      case '"':
      case '\\':
      case '/':
      case 'b':
      case 'f':
      case 'n':
      case 'r':
      case 't':
        return true;
      case 'u':
        for (int k = 0; k < 4; ++k) {
          if (!IsHex(At(text_, pos_))) return false;
          ++pos_;
        }
        return true;
      default:
        return false;
    }
  }

  bool Literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  bool Number(bool round) {
    const size_t begin = pos_;
    Decimal d;
    if (!ParseNumber(text_, &pos_, NumberSyntax::kJson, &d)) return false;
    if (round) {
      if (!IsFinite(d)) return false;
      out_->append(text_.substr(copied_, begin - copied_));
      AppendRounded(d, decimals_, out_);
      copied_ = pos_;
    }
    return true;
  }

  std::string_view text_;
  int decimals_;
  std::string* out_;
  size_t pos_ = 0;
  size_t copied_ = 0;  // text_[0, copied_) has been written to out_
};

// ---------------------------------------------------------------------------------------------
// WKT / EWKT: a validating parser that copies the text (whitespace and keyword case included)
// and rewrites every coordinate number.

enum class WktKind {
  kPoint,
  kLineString,
  kPolygon,
  kMultiPoint,
  kMultiLineString,
  kMultiPolygon,
  kGeometryCollection
};

struct WktKeyword {
  std::string_view name;
  WktKind kind;
};

constexpr std::array<WktKeyword, 7> kWktKeywords = {{
    {"POINT", WktKind::kPoint},
    {"LINESTRING", WktKind::kLineString},
    {"POLYGON", WktKind::kPolygon},
    {"MULTIPOINT", WktKind::kMultiPoint},
    {"MULTILINESTRING", WktKind::kMultiLineString},
    {"MULTIPOLYGON", WktKind::kMultiPolygon},
    {"GEOMETRYCOLLECTION", WktKind::kGeometryCollection},
}};

bool EqualsIgnoreCase(std::string_view a, std::string_view upper) {
  if (a.size() != upper.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Upper(a[i]) != upper[i]) return false;
  }
  return true;
}

// Numbers per coordinate named by a dimension tag, 0 when `word` is not one.
int TagDimensions(std::string_view word) {
  if (EqualsIgnoreCase(word, "Z") || EqualsIgnoreCase(word, "M")) return 3;
  if (EqualsIgnoreCase(word, "ZM")) return 4;
  return 0;
}

constexpr int kMaxWktDepth = 64;  // nested GEOMETRYCOLLECTIONs

class WktRounder {
 public:
  WktRounder(std::string_view text, int decimals, std::string* out)
      : text_(text), decimals_(decimals), out_(out) {}

  bool Run() {
    SkipSpace();
    if (!Srid()) return false;
    SkipSpace();
    if (!Geometry(1)) return false;
    SkipSpace();
    if (pos_ != text_.size()) return false;
    out_->append(text_.substr(copied_));
    return true;
  }

 private:
  void SkipSpace() {
    while (pos_ < text_.size() && IsSpace(text_[pos_])) ++pos_;
  }

  bool Consume(char c) {
    SkipSpace();
    if (At(text_, pos_) != c) return false;
    ++pos_;
    return true;
  }

  std::string_view Word() {
    SkipSpace();
    const size_t begin = pos_;
    while (IsAlpha(At(text_, pos_))) ++pos_;
    return text_.substr(begin, pos_ - begin);
  }

  // EWKT's optional "SRID=<integer>;" prefix, kept as written.
  bool Srid() {
    if (!EqualsIgnoreCase(text_.substr(pos_, 4), "SRID")) return true;
    pos_ += 4;
    if (!Consume('=')) return false;
    SkipSpace();
    if (At(text_, pos_) == '-') ++pos_;
    const size_t digits = DigitRun(text_, pos_);
    if (digits == 0) return false;
    pos_ += digits;
    return Consume(';');
  }

  // Sets or checks the coordinate dimension shared by the whole text.
  bool Dimensions(int n) {
    if (dims_ == 0) dims_ = n;
    return dims_ == n;
  }

  // keyword [Z|M|ZM] (EMPTY | body). The tag may also be glued on ("POINTZ", EWKT's "POINTM").
  bool Geometry(int depth) {
    if (depth > kMaxWktDepth) return false;
    const std::string_view word = Word();
    const WktKeyword* keyword = nullptr;
    int tag = 0;
    for (const WktKeyword& k : kWktKeywords) {
      if (word.size() < k.name.size() || !EqualsIgnoreCase(word.substr(0, k.name.size()), k.name))
        continue;
      const std::string_view suffix = word.substr(k.name.size());
      if (suffix.empty() || (tag = TagDimensions(suffix)) != 0) {
        keyword = &k;
        break;
      }
    }
    if (keyword == nullptr) return false;
    std::string_view next = Word();
    if (tag == 0 && (tag = TagDimensions(next)) != 0) next = Word();
    if (tag != 0 && !Dimensions(tag)) return false;
    if (EqualsIgnoreCase(next, "EMPTY")) return true;
    if (!next.empty()) return false;
    switch (keyword->kind) {
      case WktKind::kPoint:
        return Consume('(') && Coordinate() && Consume(')');
      case WktKind::kLineString:
        return CoordinateList();
      case WktKind::kPolygon:
        return Polygon();
      case WktKind::kMultiPoint:
        return List(&WktRounder::MultiPointMember);
      case WktKind::kMultiLineString:
        return List(&WktRounder::LineStringMember);
      case WktKind::kMultiPolygon:
        return List(&WktRounder::PolygonMember);
      case WktKind::kGeometryCollection:
        return List([depth](WktRounder* self) { return self->Geometry(depth + 1); });
    }
    return false;
  }

  // '(' item (',' item)* ')'
  template <typename Item>
  bool List(Item item) {
    if (!Consume('(')) return false;
    do {
      if (!std::invoke(item, this)) return false;
    } while (Consume(','));
    return Consume(')');
  }

  bool CoordinateList() { return List(&WktRounder::Coordinate); }
  bool Polygon() { return List(&WktRounder::CoordinateList); }

  // A member of a MULTI*: EMPTY or its body.
  bool EmptyMember() {
    const size_t save = pos_;
    if (EqualsIgnoreCase(Word(), "EMPTY")) return true;
    pos_ = save;
    return false;
  }
  bool LineStringMember() { return EmptyMember() || CoordinateList(); }
  bool PolygonMember() { return EmptyMember() || Polygon(); }
  // "MULTIPOINT (1 2, 3 4)" and "MULTIPOINT ((1 2), (3 4))" are both in use.
  bool MultiPointMember() {
    if (EmptyMember()) return true;
    SkipSpace();
    if (At(text_, pos_) != '(') return Coordinate();
    return Consume('(') && Coordinate() && Consume(')');
  }

  // 2 to 4 numbers separated by whitespace, as many as every other coordinate of the text.
  bool Coordinate() {
    SkipSpace();
    int n = 0;
    while (true) {
      if (!RoundNumber()) return false;
      ++n;
      if (n == 4 || !IsSpace(At(text_, pos_))) break;
      SkipSpace();
      const char c = At(text_, pos_);
      if (!IsDigit(c) && c != '-' && c != '+' && c != '.') break;
    }
    return n >= 2 && Dimensions(n);
  }

  bool RoundNumber() {
    const size_t begin = pos_;
    Decimal d;
    if (!ParseNumber(text_, &pos_, NumberSyntax::kWkt, &d) || !IsFinite(d)) return false;
    out_->append(text_.substr(copied_, begin - copied_));
    AppendRounded(d, decimals_, out_);
    copied_ = pos_;
    return true;
  }

  std::string_view text_;
  int decimals_;
  std::string* out_;
  size_t pos_ = 0;
  size_t copied_ = 0;  // text_[0, copied_) has been written to out_
  int dims_ = 0;       // numbers per coordinate; 0 until the first tag or coordinate
};

// ---------------------------------------------------------------------------------------------
// Scrub: one forward pass. At each position that can start a match the matchers are tried in
// the order e-mail, IPv6, IPv4, phone, and the first match is replaced by its placeholder.
// Every matcher accepts ASCII only and checks the bytes around its match, so a match never
// starts or ends inside a multi-byte UTF-8 character; a non-ASCII byte counts as a separator
// (CJK text puts no spaces around a phone number). Each matcher reads a bounded stretch of text
// per start position (an e-mail's local part once per run), so the pass is linear.

bool IsWordChar(char c) { return IsAlnum(c) || c == '_'; }
bool IsEmailLocalChar(char c) {
  return IsAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}
bool IsDomainChar(char c) { return IsAlnum(c) || c == '-'; }

// E-mail: a local part [A-Za-z0-9._%+-]+, '@', then labels [A-Za-z0-9-]+ joined by single dots:
// at least two labels, the last one (the TLD) 2+ letters. The longest such domain is taken
// ("a@example.com.123" matches up to ".com"). `start` begins a run of local-part characters;
// returns the match's end and sets *begin to the start of the local part.
size_t MatchEmail(std::string_view t, size_t start, size_t* begin) {
  size_t at = start;
  while (at < t.size() && IsEmailLocalChar(t[at])) ++at;
  if (At(t, at) != '@') return kNpos;
  // A local part neither starts with '.' nor holds ".." (RFC 5322 dot-atom), so the address
  // starts after the last dot that breaks that rule ("see...john@x.org").
  size_t local = start;
  for (size_t k = start; k < at; ++k) {
    if (t[k] == '.' && (k == local || t[k - 1] == '.')) local = k + 1;
  }
  if (local == at) return kNpos;
  size_t end = kNpos;
  size_t i = at + 1;
  for (int label = 0;; ++label) {
    const size_t label_begin = i;
    bool letters_only = true;
    for (; i < t.size() && IsDomainChar(t[i]); ++i) letters_only = letters_only && IsAlpha(t[i]);
    if (i == label_begin) break;  // "a@.com"
    if (label > 0 && letters_only && i - label_begin >= 2) end = i;
    if (At(t, i) != '.' || !IsDomainChar(At(t, i + 1))) break;
    ++i;
  }
  if (end != kNpos) *begin = local;
  return end;
}

// Four dot-separated decimal octets, 1-3 digits and 0-255 each, at t[i]; returns the end or
// kNpos. Says nothing about what follows.
size_t ParseIpv4(std::string_view t, size_t i) {
  for (int octet = 0; octet < 4; ++octet) {
    if (octet > 0 && At(t, i++) != '.') return kNpos;
    size_t n = 0;
    int value = 0;
    for (; n < 4 && IsDigit(At(t, i + n)); ++n) value = value * 10 + (t[i + n] - '0');
    if (n == 0 || n > 3 || value > 255) return kNpos;
    i += n;
  }
  return i;
}

// IPv4 "10.0.0.1": not followed by a word character or by '.' and a digit ("1.2.3.4.5" is a
// version, not an address). The caller checks that no word character or '.' precedes it.
size_t MatchIpv4(std::string_view t, size_t start) {
  const size_t end = ParseIpv4(t, start);
  if (end == kNpos) return kNpos;
  const char next = At(t, end);
  if (IsWordChar(next) || (next == '.' && IsDigit(At(t, end + 1)))) return kNpos;
  return end;
}

size_t HexRun(std::string_view t, size_t i, size_t cap) {
  size_t n = 0;
  while (n < cap && IsHex(At(t, i + n))) ++n;
  return n;
}

// IPv6 (RFC 4291 §2.2): eight groups of 1-4 hex digits, or fewer with one "::", optionally
// ending in an embedded IPv4 address (two groups). To keep words and times out, the address
// must contain a decimal digit ("Bad::Dec" is C++, not an address), a form without "::" needs
// all eight groups ("10:45:00" is a time, "a:b" a word), and it must not be followed by a word
// character, ':' and more hex or another ':', or '.' and a digit.
size_t MatchIpv6(std::string_view t, size_t start) {
  size_t i = start;
  size_t end = start;
  int groups = 0;
  bool compressed = false;
  bool has_digit = false;
  if (At(t, i) == ':') {
    if (At(t, i + 1) != ':') return kNpos;
    compressed = true;
    i += 2;
    end = i;
  }
  while (true) {
    const size_t n = HexRun(t, i, 5);
    if (n == 0) break;
    if (At(t, i + n) == '.' && (groups > 0 || compressed)) {
      const size_t v4_end = ParseIpv4(t, i);
      if (v4_end != kNpos) {
        groups += 2;
        has_digit = true;
        end = v4_end;
        break;
      }
    }
    if (n > 4) break;
    for (size_t k = i; k < i + n; ++k) has_digit = has_digit || IsDigit(t[k]);
    ++groups;
    i += n;
    end = i;
    if (At(t, i) == ':' && At(t, i + 1) == ':' && !compressed) {
      compressed = true;
      i += 2;
      end = i;
    } else if (At(t, i) == ':' && IsHex(At(t, i + 1))) {
      ++i;
    } else {
      break;
    }
  }
  if (groups == 0 || !has_digit || (compressed ? groups > 7 : groups != 8)) return kNpos;
  const char next = At(t, end);
  if (IsWordChar(next)) return kNpos;
  if (next == ':' && (IsHex(At(t, end + 1)) || At(t, end + 1) == ':')) return kNpos;
  if (next == '.' && IsDigit(At(t, end + 1))) return kNpos;
  return end;
}

// Phone numbers. A candidate is an optional '+', then digit groups: a run of digits or a
// parenthesised "(03)" of 1-5 digits. Groups are joined by one separator ' ', '-' or '.', or by
// nothing next to a parenthesised group. Groups are taken greedily while the total stays at
// most 15 digits (E.164); a group that would pass 15 is left out. The candidate is a phone
// number when it has 8-15 digits and none of these rules says it is something else:
//  - start: not after a word character, and not after '.', '-', ':', '+' or ',' that follows a
//    digit (that is the middle of "3.14159265", "1234-5678-9012-3456", "1,23456789");
//  - time: a last group followed by ':' and a digit is part of a time and is left out
//    ("2026-11-20 10:45" is a date and a time, "0412 345 678 10:45" keeps the phone);
//  - end: not followed by a word character ("2026-11-20T10:45"), nor by '-' or '.' and a digit
//    (the candidate would be cut out of a longer number);
//  - decimal: exactly one '.' separator ("3.14159265", "12345678.90", "1 234.5678"); dotted
//    phone formats ("0412.345.678") have at least two;
//  - list: more than two single-digit groups ("1 2 3 4 5 6 7 8" is a list of numbers);
//  - version / dotted address: four or more '.' separators, or four dot-joined groups of at
//    most three digits ("300.168.100.200", an out-of-range IPv4);
//  - date: three groups joined by the same separator, no '+' nor parentheses, shaped
//    year-month-day (4-2-2) or day-month-year / month-day-year (2-2-4), with a year in
//    1000-2999, a month 1-12 and a day 1-31 ("2026-11-20", "20.11.2026", "2026 11 20").
// Times ("10:45", "12:30:00"), counts with commas ("1,234,567"), speeds ("87.5") and ids of
// up to 7 digits never reach 8 digits in one candidate. A bare run of 8-15 digits
// ("0412345678") is a phone number.
constexpr int kMinPhoneDigits = 8;
constexpr int kMaxPhoneDigits = 15;
constexpr int kMaxParenDigits = 5;

struct PhoneGroup {
  size_t end = 0;  // past the last digit, or past ')'
  int digits = 0;
  char separator = 0;  // ' ', '-', '.' before this group; 0 for none
  bool parenthesised = false;
};

bool ReadPhoneGroup(std::string_view t, size_t i, PhoneGroup* g) {
  g->parenthesised = At(t, i) == '(';
  if (g->parenthesised) ++i;
  int n = 0;
  while (n <= kMaxPhoneDigits && IsDigit(At(t, i + n))) ++n;
  if (n == 0 || n > kMaxPhoneDigits) return false;
  i += n;
  if (g->parenthesised) {
    if (n > kMaxParenDigits || At(t, i) != ')') return false;
    ++i;
  }
  g->end = i;
  g->digits = n;
  return true;
}

bool PhoneMayStartAt(std::string_view t, size_t i) {
  const char c = t[i];
  if (c == '+' || c == '(') {
    if (!IsDigit(At(t, i + 1))) return false;
  } else if (!IsDigit(c)) {
    return false;
  }
  if (i == 0) return true;
  const char prev = t[i - 1];
  if (IsWordChar(prev)) return false;
  const bool joins_number = prev == '.' || prev == '-' || prev == ':' || prev == '+' || prev == ',';
  return !(joins_number && i >= 2 && IsDigit(t[i - 2]));
}

// The value of a group of at most 4 digits.
int GroupValue(std::string_view t, const PhoneGroup& g) {
  int value = 0;
  for (size_t k = g.end - static_cast<size_t>(g.digits); k < g.end; ++k) {
    value = value * 10 + (t[k] - '0');
  }
  return value;
}

bool IsMonthDay(int month, int day) { return month >= 1 && month <= 12 && day >= 1 && day <= 31; }
bool IsYear(int year) { return year >= 1000 && year <= 2999; }

bool LooksLikeDate(std::string_view t, const PhoneGroup* g, int count, bool plus) {
  if (count != 3 || plus || g[1].separator == 0 || g[1].separator != g[2].separator) return false;
  for (int k = 0; k < 3; ++k) {
    if (g[k].parenthesised) return false;
  }
  const bool ymd = g[0].digits == 4 && g[1].digits == 2 && g[2].digits == 2;
  const bool dmy = g[0].digits == 2 && g[1].digits == 2 && g[2].digits == 4;
  if (!ymd && !dmy) return false;
  const int a = GroupValue(t, g[0]);
  const int b = GroupValue(t, g[1]);
  const int c = GroupValue(t, g[2]);
  return ymd ? IsYear(a) && IsMonthDay(b, c) : IsYear(c) && (IsMonthDay(b, a) || IsMonthDay(a, b));
}

size_t MatchPhone(std::string_view t, size_t start) {
  std::array<PhoneGroup, kMaxPhoneDigits> groups;
  int count = 0;
  int digits = 0;
  size_t i = start;
  const bool plus = At(t, i) == '+';
  if (plus) ++i;
  char separator = 0;
  while (count < kMaxPhoneDigits) {
    PhoneGroup g;
    if (!ReadPhoneGroup(t, i, &g) || digits + g.digits > kMaxPhoneDigits) break;
    g.separator = separator;
    groups[count++] = g;
    digits += g.digits;
    i = g.end;
    const char c = At(t, i);
    const char after = At(t, i + 1);
    if ((c == ' ' || c == '-' || c == '.') && (IsDigit(after) || after == '(')) {
      separator = c;
      ++i;
    } else if (c == '(' || (g.parenthesised && IsDigit(c))) {
      separator = 0;
    } else {
      break;
    }
  }
  if (count > 0 && At(t, groups[count - 1].end) == ':' &&
      IsDigit(At(t, groups[count - 1].end + 1))) {
    digits -= groups[--count].digits;
  }
  if (count == 0 || digits < kMinPhoneDigits) return kNpos;
  const size_t end = groups[count - 1].end;
  const char next = At(t, end);
  if (IsWordChar(next) || ((next == '-' || next == '.') && IsDigit(At(t, end + 1)))) {
    return kNpos;
  }
  int dots = 0;
  bool short_groups = true;
  int single_digit_groups = 0;
  for (int k = 0; k < count; ++k) {
    single_digit_groups += groups[k].digits == 1;
    dots += groups[k].separator == '.';
    short_groups = short_groups && groups[k].digits <= 3 && !groups[k].parenthesised;
  }
  if (dots == 1 || dots >= 4 || single_digit_groups > 2) return kNpos;
  if (dots == 3 && count == 4 && short_groups && !plus) return kNpos;
  if (LooksLikeDate(t, groups.data(), count, plus)) return kNpos;
  return end;
}

}  // namespace

bool RoundCoordinatesInto(std::string_view text, int decimals, std::string* out) {
  if (decimals < 0) return false;
  const size_t original_size = out->size();
  size_t first = 0;
  while (first < text.size() && IsSpace(text[first])) ++first;
  const bool ok = At(text, first) == '{' ? GeoJsonRounder(text, decimals, out).Run()
                                         : WktRounder(text, decimals, out).Run();
  if (!ok) out->resize(original_size);
  return ok;
}

void ScrubInto(std::string_view text, std::string* out) {
  out->reserve(out->size() + text.size());
  size_t copied = 0;  // text[0, copied) has been written to out
  size_t i = 0;
  const auto replace = [&](size_t begin, size_t end, std::string_view placeholder) {
    out->append(text.substr(copied, begin - copied));
    out->append(placeholder);
    copied = end;
    i = end;
  };
  while (i < text.size()) {
    const char c = text[i];
    const char prev = i > 0 ? text[i - 1] : '\0';
    size_t begin = i;
    size_t end = kNpos;
    if (IsEmailLocalChar(c) && !IsEmailLocalChar(prev) &&
        (end = MatchEmail(text, i, &begin)) != kNpos) {
      replace(begin, end, kScrubbedEmail);
    } else if ((IsHex(c) || c == ':') && !IsWordChar(prev) && prev != ':' && prev != '.' &&
               (end = MatchIpv6(text, i)) != kNpos) {
      replace(i, end, kScrubbedIp);
    } else if (IsDigit(c) && !IsWordChar(prev) && prev != '.' &&
               (end = MatchIpv4(text, i)) != kNpos) {
      replace(i, end, kScrubbedIp);
    } else if (PhoneMayStartAt(text, i) && (end = MatchPhone(text, i)) != kNpos) {
      replace(i, end, kScrubbedPhone);
    } else {
      // No match starts right after a word character: skip the rest of the word at once.
      ++i;
      if (IsWordChar(c)) {
        while (i < text.size() && IsWordChar(text[i])) ++i;
      }
    }
  }
  out->append(text.substr(copied));
}

}  // namespace de
