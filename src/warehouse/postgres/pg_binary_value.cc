#include "warehouse/postgres/pg_binary_value.h"

#include <array>
#include <charconv>

namespace de {

// --- numeric -------------------------------------------------------------------------------

Status ParsePgNumeric(const uint8_t* p, int32_t length, PgNumeric* n) {
  if (length < 8) {
    return DataLoss("a numeric value must be at least 8 bytes, the stream has {}", length);
  }
  n->ndigits = PgReadI16(p);
  n->weight = PgReadI16(p + 2);
  n->sign = PgReadU16(p + 4);
  n->dscale = PgReadI16(p + 6);
  n->digits = p + 8;
  if (n->ndigits < 0 || length != 8 + 2 * n->ndigits || n->dscale < 0) {
    return DataLoss("malformed numeric value ({} digits in {} bytes, scale {})", n->ndigits, length,
                    n->dscale);
  }
  if (n->sign != kPgNumericPositive && n->sign != kPgNumericNegative && n->sign != kPgNumericNaN &&
      n->sign != kPgNumericPlusInf && n->sign != kPgNumericMinusInf) {
    return DataLoss("malformed numeric value (sign word 0x{:04x})", n->sign);
  }
  for (int i = 0; i < n->ndigits; ++i) {
    int d = n->Digit(i);
    if (d < 0 || d > 9999) return DataLoss("malformed numeric value (base-10000 digit {})", d);
  }
  return Status::Ok();
}

static void AppendGroup(int group, bool pad, std::string* out) {
  char buf[4];
  auto [end, ec] = std::to_chars(buf, buf + 4, group);
  if (pad) out->append(4 - static_cast<size_t>(end - buf), '0');
  out->append(buf, end);
}

// PostgreSQL's text output of a numeric (numeric_out): dscale digits after the point.
void PgNumericText(const PgNumeric& n, std::string* out) {
  out->clear();
  if (n.special()) {
    out->append(n.sign == kPgNumericNaN       ? "NaN"
                : n.sign == kPgNumericPlusInf ? "Infinity"
                                              : "-Infinity");
    return;
  }
  if (n.sign == kPgNumericNegative) out->push_back('-');
  if (n.weight < 0) {
    out->push_back('0');
  } else {
    for (int i = 0; i <= n.weight; ++i) AppendGroup(n.Digit(i), i > 0, out);
  }
  if (n.dscale == 0) return;
  out->push_back('.');
  size_t end = out->size() + static_cast<size_t>(n.dscale);
  for (int i = n.weight + 1; out->size() < end; ++i) AppendGroup(n.Digit(i), true, out);
  out->resize(end);
}

static __int128 Pow10(int e) {
  __int128 v = 1;
  for (int i = 0; i < e; ++i) v *= 10;
  return v;
}

// The numeric as an unscaled DECIMAL(precision, scale) value, or false if it is not exact in it.
bool PgNumericUnscaled(const PgNumeric& n, int precision, int scale, __int128* out) {
  static const auto kPow10 = [] {
    std::array<__int128, 39> t{};
    for (int i = 0; i <= 38; ++i) t[static_cast<size_t>(i)] = Pow10(i);
    return t;
  }();
  if (n.special()) return false;
  __int128 acc = 0;
  for (int i = 0; i < n.ndigits; ++i) {
    int d = n.Digit(i);
    if (d == 0) continue;
    int exp10 = 4 * (n.weight - i) + scale;  // the digit's power of ten in the unscaled value
    __int128 term;
    if (exp10 < 0) {
      if (exp10 <= -4) return false;  // a non-zero digit beyond the scale
      int divisor = static_cast<int>(kPow10[static_cast<size_t>(-exp10)]);
      if (d % divisor != 0) return false;
      term = d / divisor;
    } else {
      if (exp10 > 38) return false;
      if (__builtin_mul_overflow(static_cast<__int128>(d), kPow10[static_cast<size_t>(exp10)],
                                 &term)) {
        return false;
      }
    }
    if (__builtin_add_overflow(acc, term, &acc)) return false;
  }
  if (acc >= kPow10[static_cast<size_t>(precision)]) return false;
  *out = n.sign == kPgNumericNegative ? -acc : acc;
  return true;
}

// --- time ----------------------------------------------------------------------------------

static void AppendTwoDigits(int64_t v, std::string* out) {
  out->push_back(static_cast<char>('0' + v / 10));
  out->push_back(static_cast<char>('0' + v % 10));
}

// "HH:MM:SS" and, when there are microseconds, "." and up to 6 digits without trailing zeros.
void PgTimeText(int64_t micros, std::string* out) {
  out->clear();
  int64_t seconds = micros / 1000000;
  AppendTwoDigits(seconds / 3600, out);
  out->push_back(':');
  AppendTwoDigits(seconds / 60 % 60, out);
  out->push_back(':');
  AppendTwoDigits(seconds % 60, out);
  int64_t fraction = micros % 1000000;
  if (fraction == 0) return;
  out->push_back('.');
  for (int64_t div = 100000; div > 0 && fraction > 0; div /= 10) {
    out->push_back(static_cast<char>('0' + fraction / div));
    fraction %= div;
  }
}

void PgUuidText(const uint8_t* p, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->clear();
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out->push_back('-');
    out->push_back(kHex[p[i] >> 4]);
    out->push_back(kHex[p[i] & 15]);
  }
}

}  // namespace de
