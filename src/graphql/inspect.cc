#include "graphql/inspect.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>
#include <utility>

#include <fmt/format.h>

namespace de::graphql {
namespace {

constexpr size_t kMaxListItems = 10;  // longer lists show their first 5 and last 4 items
constexpr size_t kMaxDepth = 2;       // containers nested deeper print as [...] / {...}
constexpr size_t kMaxStringSize = 240;
constexpr size_t kMaxSuggestions = 5;

// Decodes one UTF-8 code point at `*i` (invalid bytes stand for themselves).
uint32_t NextCodePoint(std::string_view s, size_t* i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(*i);
  size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
  if (*i + len > s.size()) len = 1;
  uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
  for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (byte(*i + k) & 0x3F);
  *i += len;
  return cp;
}

bool IsPrintable(uint32_t cp) {
  if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || cp == 0xAD) return false;
  if ((cp >= 0x200B && cp <= 0x200F) || cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF) return false;
  return true;
}

// Shortens a long repr to its first 118 and last 119 code points around "...".
std::string Truncate(std::string s) {
  std::vector<size_t> starts;
  for (size_t i = 0; i < s.size();) {
    starts.push_back(i);
    NextCodePoint(s, &i);
  }
  if (starts.size() <= kMaxStringSize) return s;
  const size_t head = (kMaxStringSize - 3) / 2;
  const size_t tail = kMaxStringSize - 3 - head;
  return s.substr(0, starts[head]) + "..." + s.substr(starts[starts.size() - tail]);
}

// Python's repr of a str: single quotes unless the text has ' and no ".
std::string PythonStringRepr(std::string_view s) {
  const bool has_single = s.find('\'') != std::string_view::npos;
  const char quote = has_single && s.find('"') == std::string_view::npos ? '"' : '\'';
  std::string out(1, quote);
  for (size_t i = 0; i < s.size();) {
    const size_t begin = i;
    const uint32_t cp = NextCodePoint(s, &i);
    if (cp == '\\' || cp == static_cast<uint32_t>(quote)) {
      out.push_back('\\');
      out.push_back(static_cast<char>(cp));
    } else if (cp == '\n') {
      out += "\\n";
    } else if (cp == '\r') {
      out += "\\r";
    } else if (cp == '\t') {
      out += "\\t";
    } else if (!IsPrintable(cp)) {
      out += cp < 0x100 ? fmt::format("\\x{:02x}", cp) : fmt::format("\\u{:04x}", cp);
    } else {
      out.append(s.substr(begin, i - begin));
    }
  }
  out.push_back(quote);
  return out;
}

void InspectInto(const Json& value, size_t depth, std::string* out);

// The items of a list or the members of a dict; more than 10 show as the first 5, "...", and
// the last 4.
template <typename Each>
void InspectItems(size_t count, Each each, std::string* out) {
  const bool cut = count > kMaxListItems;
  const size_t head = cut ? kMaxListItems / 2 : count;
  for (size_t i = 0; i < head; ++i) {
    if (i > 0) out->append(", ");
    each(i);
  }
  if (!cut) return;
  out->append(", ...");
  for (size_t i = count - (kMaxListItems / 2 - 1); i < count; ++i) {
    out->append(", ");
    each(i);
  }
}

void InspectInto(const Json& value, size_t depth, std::string* out) {
  switch (value.type()) {
    case Json::value_t::null:
    case Json::value_t::discarded:
      out->append("None");
      return;
    case Json::value_t::boolean:
      out->append(value.get<bool>() ? "True" : "False");
      return;
    case Json::value_t::number_integer:
      out->append(std::to_string(value.get<int64_t>()));
      return;
    case Json::value_t::number_unsigned:
      out->append(std::to_string(value.get<uint64_t>()));
      return;
    case Json::value_t::number_float:
      out->append(FormatPythonFloat(value.get<double>()));
      return;
    case Json::value_t::string:
      out->append(Truncate(PythonStringRepr(value.get_ref<const std::string&>())));
      return;
    case Json::value_t::binary:
      out->append("b''");
      return;
    case Json::value_t::array: {
      if (value.empty()) return out->append("[]"), void();
      if (depth >= kMaxDepth) return out->append("[...]"), void();
      out->push_back('[');
      InspectItems(
          value.size(), [&](size_t i) { InspectInto(value[i], depth + 1, out); }, out);
      out->push_back(']');
      return;
    }
    case Json::value_t::object: {
      if (value.empty()) return out->append("{}"), void();
      if (depth >= kMaxDepth) return out->append("{...}"), void();
      const auto& members = value.get_ref<const Json::object_t&>();
      out->push_back('{');
      InspectItems(
          members.size(),
          [&](size_t i) {
            const auto& [key, member] = *(members.begin() + static_cast<ptrdiff_t>(i));
            out->append(Truncate(PythonStringRepr(key))).append(": ");
            InspectInto(member, depth + 1, out);
          },
          out);
      out->push_back('}');
      return;
    }
  }
}

// Damerau-Levenshtein distance (adjacent swaps count once) of two lower-cased strings, or nullopt
// once it exceeds `threshold`.
std::optional<size_t> LexicalDistance(std::string_view input, std::string_view option,
                                      size_t threshold) {
  if (input == option) return 0;
  auto lower = [](std::string_view s) {
    std::string r(s);
    for (char& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return r;
  };
  std::string a = lower(option);
  std::string b = lower(input);
  if (a == b) return 1;
  if (a.size() < b.size()) std::swap(a, b);
  if (a.size() - b.size() > threshold) return std::nullopt;
  std::vector<std::vector<size_t>> rows(3, std::vector<size_t>(b.size() + 1));
  for (size_t j = 0; j <= b.size(); ++j) rows[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    const auto& up = rows[(i - 1) % 3];
    auto& row = rows[i % 3];
    size_t smallest = row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      size_t cell = std::min({up[j] + 1, row[j - 1] + 1, up[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        cell = std::min(cell, rows[(i - 2) % 3][j - 2] + 1);
      }
      smallest = std::min(smallest, cell);
      row[j] = cell;
    }
    if (smallest > threshold) return std::nullopt;
  }
  const size_t distance = rows[a.size() % 3][b.size()];
  if (distance > threshold) return std::nullopt;
  return distance;
}

// Natural order: runs of digits compare by their numeric value ("a2" < "a10").
bool NaturalLess(std::string_view x, std::string_view y) {
  size_t i = 0, j = 0;
  while (i < x.size() && j < y.size()) {
    const bool dx = std::isdigit(static_cast<unsigned char>(x[i]));
    const bool dy = std::isdigit(static_cast<unsigned char>(y[j]));
    if (dx && dy) {
      size_t ei = i, ej = j;
      while (ei < x.size() && std::isdigit(static_cast<unsigned char>(x[ei]))) ++ei;
      while (ej < y.size() && std::isdigit(static_cast<unsigned char>(y[ej]))) ++ej;
      std::string_view nx = x.substr(i, ei - i), ny = y.substr(j, ej - j);
      while (nx.size() > 1 && nx[0] == '0') nx.remove_prefix(1);
      while (ny.size() > 1 && ny[0] == '0') ny.remove_prefix(1);
      if (nx.size() != ny.size()) return nx.size() < ny.size();
      if (nx != ny) return nx < ny;
      i = ei;
      j = ej;
      continue;
    }
    if (x[i] != y[j]) return x[i] < y[j];
    ++i;
    ++j;
  }
  return x.size() - i < y.size() - j;
}

}  // namespace

std::string Inspect(const Json& value) {
  std::string out;
  InspectInto(value, 0, &out);
  return out;
}

std::string FormatPythonFloat(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  if (value == 0) return std::signbit(value) ? "-0.0" : "0.0";
  // Shortest round-trip digits d1.d2d3...e±x; the decimal point sits after decpt = x + 1 digits.
  char buf[64];
  auto [end, ec] =
      std::to_chars(buf, buf + sizeof buf, std::abs(value), std::chars_format::scientific);
  std::string_view sci(buf, end - buf);
  const size_t e_pos = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e_pos)) {
    if (c != '.') digits.push_back(c);
  }
  const int decpt = std::stoi(std::string(sci.substr(e_pos + 1))) + 1;
  const int k = static_cast<int>(digits.size());
  std::string out = value < 0 ? "-" : "";
  if (decpt <= -4 || decpt > 16) {
    out += digits.substr(0, 1);
    if (k > 1) out += "." + digits.substr(1);
    out += fmt::format("e{}{:02d}", decpt - 1 >= 0 ? "+" : "-", std::abs(decpt - 1));
  } else if (decpt <= 0) {
    out += "0." + std::string(-decpt, '0') + digits;
  } else if (decpt >= k) {
    out += digits + std::string(decpt - k, '0') + ".0";
  } else {
    out += digits.substr(0, decpt) + "." + digits.substr(decpt);
  }
  return out;
}

std::string Quoted(std::string_view name) { return "'" + std::string(name) + "'"; }

std::vector<std::string> SuggestionList(std::string_view input,
                                        const std::vector<std::string_view>& options) {
  const size_t threshold = static_cast<size_t>(input.size() * 0.4) + 1;
  std::vector<std::pair<size_t, std::string_view>> found;
  for (std::string_view option : options) {
    if (auto d = LexicalDistance(input, option, threshold)) found.emplace_back(*d, option);
  }
  std::stable_sort(found.begin(), found.end(), [](const auto& l, const auto& r) {
    if (l.first != r.first) return l.first < r.first;
    return NaturalLess(l.second, r.second);
  });
  std::vector<std::string> out;
  out.reserve(found.size());
  for (const auto& [distance, option] : found) out.emplace_back(option);
  return out;
}

std::string DidYouMean(const std::vector<std::string>& suggestions, std::string_view what) {
  if (suggestions.empty()) return "";
  std::string out = " Did you mean ";
  if (!what.empty()) out.append(what).push_back(' ');
  const size_t n = std::min(suggestions.size(), kMaxSuggestions);
  auto quoted = [&](size_t i) { return Quoted(suggestions[i]); };
  if (n == 1) return out + quoted(0) + "?";
  if (n == 2) return out + quoted(0) + " or " + quoted(1) + "?";
  for (size_t i = 0; i + 1 < n; ++i) out += quoted(i) + ", ";
  return out + "or " + quoted(n - 1) + "?";
}

}  // namespace de::graphql
