#include "parquet/statistics.h"

namespace de::parquet {
namespace {

bool IsContinuation(uint8_t byte) { return (byte & 0xC0) == 0x80; }

// Length of the UTF-8 sequence introduced by `lead`, or 0 if it is not a lead byte.
size_t SequenceLength(uint8_t lead) {
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) return 2;
  if ((lead & 0xF0) == 0xE0) return 3;
  if ((lead & 0xF8) == 0xF0) return 4;
  return 0;
}

// Decodes the character that starts at `s[0]` and spans all of `s`; nullopt if malformed.
std::optional<uint32_t> DecodeCharacter(std::string_view s) {
  const auto* b = reinterpret_cast<const uint8_t*>(s.data());
  if (s.empty() || SequenceLength(b[0]) != s.size()) return std::nullopt;
  static constexpr uint8_t kLeadMask[] = {0, 0x7F, 0x1F, 0x0F, 0x07};
  uint32_t cp = b[0] & kLeadMask[s.size()];
  for (size_t i = 1; i < s.size(); ++i) {
    if (!IsContinuation(b[i])) return std::nullopt;
    cp = (cp << 6) | (b[i] & 0x3F);
  }
  return cp;
}

std::string EncodeCharacter(uint32_t cp) {
  std::string out;
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
  return out;
}

// Longest prefix of `value` of at most `limit` bytes that ends at a character boundary.
size_t Utf8Prefix(std::string_view value, size_t limit) {
  if (limit >= value.size()) return value.size();
  size_t cut = limit;
  while (cut > 0 && IsContinuation(static_cast<uint8_t>(value[cut]))) --cut;
  return cut;
}

std::optional<std::string> IncrementBytes(std::string_view prefix) {
  std::string s(prefix);
  while (!s.empty()) {
    if (static_cast<uint8_t>(s.back()) != 0xFF) {
      s.back() = static_cast<char>(static_cast<uint8_t>(s.back()) + 1);
      return s;
    }
    s.pop_back();
  }
  return std::nullopt;
}

// Increments the last character of valid UTF-8 `prefix`, keeping the result within `limit`
// bytes; drops characters that cannot be incremented. nullopt if `prefix` is not valid UTF-8 at
// its end or nothing can be incremented.
std::optional<std::string> IncrementUtf8(std::string_view prefix, size_t limit, bool* malformed) {
  while (!prefix.empty()) {
    size_t start = prefix.size() - 1;
    while (start > 0 && IsContinuation(static_cast<uint8_t>(prefix[start]))) --start;
    std::optional<uint32_t> cp = DecodeCharacter(prefix.substr(start));
    if (!cp) {
      *malformed = true;
      return std::nullopt;
    }
    uint32_t next = *cp + 1;
    if (next == 0xD800) next = 0xE000;  // skip the surrogate range
    if (next <= 0x10FFFF) {
      std::string encoded = EncodeCharacter(next);
      if (start + encoded.size() <= limit) return std::string(prefix.substr(0, start)) + encoded;
    }
    prefix = prefix.substr(0, start);
  }
  return std::nullopt;
}

}  // namespace

std::string TruncateMin(std::string_view value, size_t limit, bool utf8) {
  if (value.size() <= limit) return std::string(value);
  return std::string(value.substr(0, utf8 ? Utf8Prefix(value, limit) : limit));
}

std::optional<std::string> TruncateMax(std::string_view value, size_t limit, bool utf8) {
  if (value.size() <= limit) return std::string(value);
  if (utf8) {
    bool malformed = false;
    std::optional<std::string> bound =
        IncrementUtf8(value.substr(0, Utf8Prefix(value, limit)), limit, &malformed);
    if (!malformed) return bound;
  }
  return IncrementBytes(value.substr(0, limit));
}

std::string BigEndianBytes(__int128 value, int width) {
  std::string out(static_cast<size_t>(width), '\0');
  for (int i = width - 1; i >= 0; --i) {
    out[static_cast<size_t>(i)] = static_cast<char>(static_cast<uint8_t>(value));
    value >>= 8;
  }
  return out;
}

void SetByteArrayBounds(const BytesMinMax& bounds, size_t limit, bool utf8,
                        format::Statistics* stats) {
  if (!bounds.has_value()) return;
  stats->min_value = TruncateMin(bounds.min(), limit, utf8);
  stats->is_min_value_exact = bounds.min().size() <= limit;
  std::optional<std::string> max = TruncateMax(bounds.max(), limit, utf8);
  if (max) {
    stats->max_value = std::move(*max);
    stats->is_max_value_exact = bounds.max().size() <= limit;
  }
}

}  // namespace de::parquet
