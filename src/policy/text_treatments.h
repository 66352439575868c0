// The text-rewriting treatments, one value at a time: round_coords (GeoJSON and WKT) and scrub
// (e-mail addresses, phone numbers, IP addresses inside free text). ApplyTreatment
// (treatments.h) calls these per value; they append to `out` so a caller can reuse one buffer.
#pragma once

#include <string>
#include <string_view>

namespace de {

// Rounds every coordinate inside a GeoJSON text (any geometry, Feature or FeatureCollection:
// every number inside a "coordinates" array, and inside "bbox") or a WKT/EWKT text (POINT,
// LINESTRING, POLYGON, MULTI*, GEOMETRYCOLLECTION; Z/M/ZM; EMPTY; an optional "SRID=n;"
// prefix is kept) to `decimals` decimal places (round half away from zero), written in the
// shortest form (no trailing zeros, no exponent, "-0" written as "0"). Every other byte of the
// input is kept as it is (properties, whitespace, key order). Appends the result to `out` and
// returns true; returns false (and leaves `out` as it was) when `text` is neither valid GeoJSON
// nor valid WKT, or a coordinate is not a finite number.
bool RoundCoordinatesInto(std::string_view text, int decimals, std::string* out);

// The placeholders scrub writes in place of what it removes.
inline constexpr std::string_view kScrubbedEmail = "[email]";
inline constexpr std::string_view kScrubbedPhone = "[phone]";
inline constexpr std::string_view kScrubbedIp = "[ip]";

// Appends `text` to `out` with every e-mail address, phone number and IPv4/IPv6 address
// replaced by its placeholder. Phone numbers: international (+CC …) or national forms with at
// least 8 digits in total, optionally grouped by spaces, dashes, dots or parentheses. Ordinary
// numbers are kept: speeds ("87.5 km/h"), ids and counts (up to 7 digits without separators),
// years, times ("10:45"), dates ("2026-11-20") and decimals. Works on UTF-8 text byte-wise: a
// multi-byte character is never split.
void ScrubInto(std::string_view text, std::string* out);

}  // namespace de
