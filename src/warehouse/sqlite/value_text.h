// Text forms of dates, timestamps, decimals and UUIDs as SQLite warehouses store them, and the
// strict parsers the SQLite reader converts them with. A parser accepts exactly the documented
// form and nothing "close enough": a value it rejects is reported as data loss by the reader.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace de {

// Microseconds of 0000-01-01 00:00:00 and of 9999-12-31 23:59:59.999999 (UTC): the range the
// four-digit-year text forms can spell.
inline constexpr int64_t kMinTextTimestampMicros = -62'167'219'200'000'000;
inline constexpr int64_t kMaxTextTimestampMicros = 253'402'300'799'999'999;

// Days since 1970-01-01 of 'YYYY-MM-DD' (a real calendar date); nullopt for anything else.
std::optional<int32_t> ParseDateText(std::string_view text);

// Microseconds since 1970-01-01 00:00:00 of
//   'YYYY-MM-DD HH:MM:SS[.f]'   ('T' instead of the space also accepted; 1..6 fraction digits)
// followed, when `allow_zone` is true, by an optional zone 'Z', '±HH:MM', '±HHMM' or '±HH'; the
// result is then converted to UTC. Without a zone the text is taken as is (UTC for timestamptz,
// wall-clock time for timestamp). nullopt for anything else, including leap seconds.
std::optional<int64_t> ParseTimestampText(std::string_view text, bool allow_zone);

// The canonical text of a timestamp: 'YYYY-MM-DD HH:MM:SS', plus '.' and the fraction with its
// trailing zeros removed when the fraction is not zero. Canonical texts of one length compare
// like their instants, and a shorter fraction sorts before a longer one with the same prefix, so
// plain text comparison against a canonical bound orders any canonical text correctly.
// Precondition: kMinTextTimestampMicros <= micros <= kMaxTextTimestampMicros.
std::string FormatCanonicalTimestamp(int64_t micros);

// 'YYYY-MM-DD' of a day number. Precondition: the year is within 0..9999.
std::string FormatDateText(int32_t days_since_epoch);

// The unscaled value of decimal text '[+-]digits[.digits]' (digits on at least one side of the
// point, no exponent) at `scale`, checked against `precision` (1..38). kInvalidArgument naming
// the reason: not a decimal number, more nonzero fraction digits than the scale allows, or more
// integer digits than precision - scale allows.
Result<__int128> ParseDecimalText(std::string_view text, int precision, int scale);

// The 16 bytes (RFC 4122 order) of 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx', hex digits of either
// case; false for anything else.
bool ParseUuidText(std::string_view text, uint8_t out[16]);

// True if `bytes` is well-formed UTF-8 (RFC 3629: no overlong forms, surrogates or code points
// above U+10FFFF).
bool IsValidUtf8(std::string_view bytes);

}  // namespace de
