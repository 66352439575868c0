// Readers for PostgreSQL's binary ("send") representations that need more than a byte swap:
// network-order integers, numeric (base-10000 digits), time and uuid as text. Used by the COPY
// decoder; stateless, so thread-safe.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>

#include "common/status.h"

namespace de {

inline uint16_t PgReadU16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }
inline int16_t PgReadI16(const uint8_t* p) { return static_cast<int16_t>(PgReadU16(p)); }
inline uint32_t PgReadU32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof(v));
  return __builtin_bswap32(v);
}
inline int32_t PgReadI32(const uint8_t* p) { return static_cast<int32_t>(PgReadU32(p)); }
inline int64_t PgReadI64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof(v));
  return static_cast<int64_t>(__builtin_bswap64(v));
}

constexpr uint16_t kPgNumericPositive = 0x0000;
constexpr uint16_t kPgNumericNegative = 0x4000;
constexpr uint16_t kPgNumericNaN = 0xC000;
constexpr uint16_t kPgNumericPlusInf = 0xD000;
constexpr uint16_t kPgNumericMinusInf = 0xF000;

// A numeric's binary form, validated by ParsePgNumeric: ndigits base-10000 digits (each 0..9999)
// of which the first has weight `weight`, a sign word, and dscale digits after the point.
struct PgNumeric {
  int16_t ndigits = 0;
  int16_t weight = 0;
  uint16_t sign = kPgNumericPositive;
  int16_t dscale = 0;
  const uint8_t* digits = nullptr;  // points into the parsed bytes

  int Digit(int i) const { return i >= 0 && i < ndigits ? PgReadI16(digits + 2 * i) : 0; }
  // NaN, Infinity or -Infinity.
  bool special() const { return sign != kPgNumericPositive && sign != kPgNumericNegative; }
};

// Parses `length` bytes at `p`; kDataLoss naming the problem when they are not a numeric.
Status ParsePgNumeric(const uint8_t* p, int32_t length, PgNumeric* n);
// PostgreSQL's text output of the numeric (as numeric_out prints it) into *out.
void PgNumericText(const PgNumeric& n, std::string* out);
// The numeric as the unscaled value of DECIMAL(precision, scale) (precision 1..38); false when
// it is special, needs more than `precision` digits or has non-zero digits beyond `scale`.
bool PgNumericUnscaled(const PgNumeric& n, int precision, int scale, __int128* out);

// "HH:MM:SS" and, when there are microseconds, "." and up to 6 digits without trailing zeros.
// Precondition: 0 <= micros <= 24:00:00.
void PgTimeText(int64_t micros, std::string* out);
// The 16 bytes at `p` as lowercase 8-4-4-4-12 hex.
void PgUuidText(const uint8_t* p, std::string* out);

}  // namespace de
