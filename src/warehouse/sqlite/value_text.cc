#include "warehouse/sqlite/value_text.h"

#include <chrono>
#include <cstring>

#include <fmt/format.h>

namespace de {
namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kSecondsPerDay = 86'400;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads exactly `n` digits at `text[pos]`; false if any is not a digit.
bool ReadDigits(std::string_view text, size_t pos, size_t n, int* out) {
  if (pos + n > text.size()) return false;
  int value = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!IsDigit(text[i])) return false;
    value = value * 10 + (text[i] - '0');
  }
  *out = value;
  return true;
}

// Days since the epoch of the 'YYYY-MM-DD' prefix of `text`, or nullopt.
std::optional<int32_t> ParseDatePrefix(std::string_view text) {
  int y = 0, m = 0, d = 0;
  if (text.size() < 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  if (!ReadDigits(text, 0, 4, &y) || !ReadDigits(text, 5, 2, &m) || !ReadDigits(text, 8, 2, &d)) {
    return std::nullopt;
  }
  std::chrono::year_month_day date{std::chrono::year(y),
                                   std::chrono::month(static_cast<unsigned>(m)),
                                   std::chrono::day(static_cast<unsigned>(d))};
  if (!date.ok()) return std::nullopt;
  return static_cast<int32_t>(std::chrono::sys_days(date).time_since_epoch().count());
}

// Parses the zone suffix (after the time) into an offset east of UTC in seconds.
std::optional<int64_t> ParseZone(std::string_view zone) {
  if (zone == "Z") return 0;
  if (zone.empty() || (zone[0] != '+' && zone[0] != '-')) return std::nullopt;
  int hours = 0, minutes = 0;
  if (!ReadDigits(zone, 1, 2, &hours)) return std::nullopt;
  std::string_view rest = zone.substr(3);
  if (rest.size() == 3 && rest[0] == ':') rest.remove_prefix(1);
  if (rest.size() == 2) {
    if (!ReadDigits(rest, 0, 2, &minutes)) return std::nullopt;
  } else if (!rest.empty()) {
    return std::nullopt;
  }
  if (hours > 23 || minutes > 59) return std::nullopt;
  int64_t offset = hours * 3600 + minutes * 60;
  return zone[0] == '-' ? -offset : offset;
}

// Reads '.f' (1..6 digits) at text[*pos] if present, advancing *pos; false on a bad fraction.
bool ParseFraction(std::string_view text, size_t* pos, int64_t* micros) {
  *micros = 0;
  if (*pos >= text.size() || text[*pos] != '.') return true;
  size_t start = ++*pos;
  while (*pos < text.size() && IsDigit(text[*pos])) ++*pos;
  size_t digits = *pos - start;
  if (digits == 0 || digits > 6) return false;
  for (size_t i = 0; i < 6; ++i) {
    *micros = *micros * 10 + (i < digits ? text[start + i] - '0' : 0);
  }
  return true;
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

std::optional<int32_t> ParseDateText(std::string_view text) {
  if (text.size() != 10) return std::nullopt;
  return ParseDatePrefix(text);
}

std::optional<int64_t> ParseTimestampText(std::string_view text, bool allow_zone) {
  std::optional<int32_t> days = ParseDatePrefix(text);
  if (!days || text.size() < 19 || (text[10] != ' ' && text[10] != 'T')) return std::nullopt;
  int hh = 0, mm = 0, ss = 0;
  if (text[13] != ':' || text[16] != ':' || !ReadDigits(text, 11, 2, &hh) ||
      !ReadDigits(text, 14, 2, &mm) || !ReadDigits(text, 17, 2, &ss) || hh > 23 || mm > 59 ||
      ss > 59) {
    return std::nullopt;
  }
  size_t pos = 19;
  int64_t fraction = 0;
  if (!ParseFraction(text, &pos, &fraction)) return std::nullopt;
  int64_t offset_seconds = 0;
  if (pos < text.size()) {
    if (!allow_zone) return std::nullopt;
    std::optional<int64_t> offset = ParseZone(text.substr(pos));
    if (!offset) return std::nullopt;
    offset_seconds = *offset;
  }
  int64_t seconds = int64_t{*days} * kSecondsPerDay + hh * 3600 + mm * 60 + ss - offset_seconds;
  return seconds * kMicrosPerSecond + fraction;
}

std::string FormatCanonicalTimestamp(int64_t micros) {
  int64_t seconds = FloorDiv(micros, kMicrosPerSecond);
  int64_t fraction = micros - seconds * kMicrosPerSecond;
  int64_t days = FloorDiv(seconds, kSecondsPerDay);
  int64_t second_of_day = seconds - days * kSecondsPerDay;
  std::string text = FormatDateText(static_cast<int32_t>(days));
  fmt::format_to(std::back_inserter(text), " {:02}:{:02}:{:02}", second_of_day / 3600,
                 second_of_day / 60 % 60, second_of_day % 60);
  if (fraction != 0) {
    std::string digits = fmt::format("{:06}", fraction);
    digits.erase(digits.find_last_not_of('0') + 1);
    text += '.';
    text += digits;
  }
  return text;
}

std::string FormatDateText(int32_t days_since_epoch) {
  std::chrono::year_month_day date{std::chrono::sys_days(std::chrono::days(days_since_epoch))};
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
}

Result<__int128> ParseDecimalText(std::string_view text, int precision, int scale) {
  std::string_view digits = text;
  bool negative = false;
  if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  size_t point = digits.find('.');
  std::string_view integer = digits.substr(0, point);
  std::string_view fraction = point == std::string_view::npos ? "" : digits.substr(point + 1);
  bool all_digits = true;
  for (char c : integer) all_digits &= IsDigit(c);
  for (char c : fraction) all_digits &= IsDigit(c);
  if (!all_digits || (integer.empty() && fraction.empty())) {
    return InvalidArgument("not a decimal number");
  }
  while (!integer.empty() && integer[0] == '0') integer.remove_prefix(1);
  while (!fraction.empty() && fraction.back() == '0') fraction.remove_suffix(1);
  if (fraction.size() > static_cast<size_t>(scale)) {
    return InvalidArgument("has more than {} digits after the decimal point", scale);
  }
  if (integer.size() > static_cast<size_t>(precision - scale)) {
    return InvalidArgument("does not fit precision {} with scale {}", precision, scale);
  }
  __int128 unscaled = 0;
  for (char c : integer) unscaled = unscaled * 10 + (c - '0');
  for (int i = 0; i < scale; ++i) {
    unscaled = unscaled * 10 + (static_cast<size_t>(i) < fraction.size() ? fraction[i] - '0' : 0);
  }
  return negative ? -unscaled : unscaled;
}

bool ParseUuidText(std::string_view text, uint8_t out[16]) {
  if (text.size() != 36) return false;
  int byte = 0;
  for (size_t i = 0; i < 36;) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-') return false;
      ++i;
      continue;
    }
    int pair = 0;
    for (int k = 0; k < 2; ++k, ++i) {
      char c = text[i];
      int nibble = IsDigit(c)               ? c - '0'
                   : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                   : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                            : -1;
      if (nibble < 0) return false;
      pair = pair * 16 + nibble;
    }
    out[byte++] = static_cast<uint8_t>(pair);
  }
  return true;
}

bool IsValidUtf8(std::string_view bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const unsigned char* end = p + bytes.size();
  while (p < end) {
    // Fast path: eight ASCII bytes at a time.
    if (end - p >= 8) {
      uint64_t word;
      std::memcpy(&word, p, 8);
      if ((word & 0x8080808080808080ULL) == 0) {
        p += 8;
        continue;
      }
    }
    unsigned char lead = *p;
    if (lead < 0x80) {
      ++p;
      continue;
    }
    int extra = 0;
    uint32_t code = 0, min_code = 0;
    if ((lead & 0xE0) == 0xC0) {
      extra = 1, code = lead & 0x1F, min_code = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
      extra = 2, code = lead & 0x0F, min_code = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
      extra = 3, code = lead & 0x07, min_code = 0x10000;
    } else {
      return false;
    }
    if (end - p <= extra) return false;
    for (int i = 1; i <= extra; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      code = (code << 6) | (p[i] & 0x3F);
    }
    if (code < min_code || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
    p += extra + 1;
  }
  return true;
}

}  // namespace de
