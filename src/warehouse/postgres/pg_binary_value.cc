#include "warehouse/postgres/pg_binary_value.h"

#include <array>
#include <charconv>
#include <limits>

namespace de {

enum class PgValueDecoder::Conversion : uint8_t {
  kBool,
  kInt2ToInt16,
  kInt2ToInt32,
  kInt2ToInt64,
  kInt4ToInt32,
  kInt4ToInt64,
  kInt8ToInt64,
  kFloat4ToFloat,
  kFloat4ToDouble,
  kFloat8ToDouble,
  kNumericToDecimal64,
  kNumericToDecimal128,
  kNumericToString,
  kNumericToDouble,
  kBytes,  // text, json, bytea: the bytes as sent
  kJsonbToText,
  kUuidToUuid,
  kUuidToString,
  kDate,
  kTimestamp,
  kTimeToInt64,
  kTimeToString,
};

namespace {

using Conversion = PgValueDecoder::Conversion;

constexpr int32_t kUnixEpochDays = 10957;                 // 1970-01-01 → 2000-01-01
constexpr int64_t kUnixEpochMicros = 946684800000000;     // same, in µs
constexpr int64_t kMicrosPerDay = 86400LL * 1000 * 1000;  // time's upper bound, 24:00:00

std::optional<Conversion> ChooseIntegerConversion(PgType pg, TypeId t) {
  switch (pg) {
    case PgType::kInt2:
      if (t == TypeId::kInt16) return Conversion::kInt2ToInt16;
      if (t == TypeId::kInt32) return Conversion::kInt2ToInt32;
      if (t == TypeId::kInt64) return Conversion::kInt2ToInt64;
      break;
    case PgType::kInt4:
      if (t == TypeId::kInt32) return Conversion::kInt4ToInt32;
      if (t == TypeId::kInt64) return Conversion::kInt4ToInt64;
      break;
    case PgType::kInt8:
      if (t == TypeId::kInt64) return Conversion::kInt8ToInt64;
      break;
    default:
      break;
  }
  return std::nullopt;
}

std::optional<Conversion> ChooseNumericConversion(const DataType& t) {
  if (t.id == TypeId::kDecimal && t.precision >= 1 && t.precision <= 38 && t.scale <= t.precision) {
    return t.precision <= 18 ? Conversion::kNumericToDecimal64 : Conversion::kNumericToDecimal128;
  }
  if (t.id == TypeId::kString) return Conversion::kNumericToString;
  if (t.id == TypeId::kDouble) return Conversion::kNumericToDouble;
  return std::nullopt;
}

std::optional<Conversion> ChooseConversion(PgType pg, const DataType& t) {
  const bool text_like = t.id == TypeId::kJson || t.id == TypeId::kString;
  switch (pg) {
    case PgType::kBool:
      if (t.id == TypeId::kBool) return Conversion::kBool;
      break;
    case PgType::kInt2:
    case PgType::kInt4:
    case PgType::kInt8:
      return ChooseIntegerConversion(pg, t.id);
    case PgType::kFloat4:
      if (t.id == TypeId::kFloat) return Conversion::kFloat4ToFloat;
      if (t.id == TypeId::kDouble) return Conversion::kFloat4ToDouble;
      break;
    case PgType::kFloat8:
      if (t.id == TypeId::kDouble) return Conversion::kFloat8ToDouble;
      break;
    case PgType::kNumeric:
      return ChooseNumericConversion(t);
    case PgType::kText:
    case PgType::kJson:
      if (text_like) return Conversion::kBytes;
      break;
    case PgType::kJsonb:
      if (text_like) return Conversion::kJsonbToText;
      break;
    case PgType::kBytea:
      if (t.id == TypeId::kBinary) return Conversion::kBytes;
      break;
    case PgType::kUuid:
      if (t.id == TypeId::kUuid) return Conversion::kUuidToUuid;
      if (t.id == TypeId::kString) return Conversion::kUuidToString;
      break;
    case PgType::kDate:
      if (t.id == TypeId::kDate) return Conversion::kDate;
      break;
    case PgType::kTimestamp:
      if (t.id == TypeId::kTimestamp && !t.utc) return Conversion::kTimestamp;
      break;
    case PgType::kTimestamptz:
      if (t.id == TypeId::kTimestamp && t.utc) return Conversion::kTimestamp;
      break;
    case PgType::kTime:
      if (t.id == TypeId::kInt64) return Conversion::kTimeToInt64;
      if (t.id == TypeId::kString) return Conversion::kTimeToString;
      break;
  }
  return std::nullopt;
}

Status CheckLength(int32_t length, int32_t expected, PgType type) {
  if (length == expected) return Status::Ok();
  return DataLoss("a {} value must be {} bytes, the stream has {}", PgTypeName(type), expected,
                  length);
}

Status Infinity(bool positive, PgType type) {
  return DataLoss("value '{}' ({}) cannot be exported", positive ? "infinity" : "-infinity",
                  PgTypeName(type));
}

template <typename T>
T ReadFloat(const uint8_t* p) {
  T v;
  if constexpr (sizeof(T) == 4) {
    uint32_t bits = PgReadU32(p);
    std::memcpy(&v, &bits, sizeof(v));
  } else {
    int64_t bits = PgReadI64(p);
    std::memcpy(&v, &bits, sizeof(v));
  }
  return v;
}

}  // namespace

// --- types ---------------------------------------------------------------------------------

std::optional<PgType> PgTypeFromOid(uint32_t oid) {
  switch (oid) {
    case 16:
      return PgType::kBool;
    case 17:
      return PgType::kBytea;
    case 19:
      return PgType::kText;  // name
    case 20:
      return PgType::kInt8;
    case 21:
      return PgType::kInt2;
    case 23:
      return PgType::kInt4;
    case 25:
      return PgType::kText;
    case 114:
      return PgType::kJson;
    case 700:
      return PgType::kFloat4;
    case 701:
      return PgType::kFloat8;
    case 1042:
      return PgType::kText;  // bpchar
    case 1043:
      return PgType::kText;  // varchar
    case 1082:
      return PgType::kDate;
    case 1083:
      return PgType::kTime;
    case 1114:
      return PgType::kTimestamp;
    case 1184:
      return PgType::kTimestamptz;
    case 1700:
      return PgType::kNumeric;
    case 2950:
      return PgType::kUuid;
    case 3802:
      return PgType::kJsonb;
    default:
      return std::nullopt;
  }
}

std::string_view PgTypeName(PgType type) {
  switch (type) {
    case PgType::kBool:
      return "boolean";
    case PgType::kInt2:
      return "smallint";
    case PgType::kInt4:
      return "integer";
    case PgType::kInt8:
      return "bigint";
    case PgType::kFloat4:
      return "real";
    case PgType::kFloat8:
      return "double precision";
    case PgType::kNumeric:
      return "numeric";
    case PgType::kText:
      return "text";
    case PgType::kJson:
      return "json";
    case PgType::kJsonb:
      return "jsonb";
    case PgType::kBytea:
      return "bytea";
    case PgType::kUuid:
      return "uuid";
    case PgType::kDate:
      return "date";
    case PgType::kTimestamp:
      return "timestamp";
    case PgType::kTimestamptz:
      return "timestamptz";
    case PgType::kTime:
      return "time";
  }
  return "?";
}

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

// --- PgValueDecoder ------------------------------------------------------------------------

Result<PgValueDecoder> PgValueDecoder::Create(std::string_view table, const PgColumn& column) {
  std::optional<Conversion> conversion = ChooseConversion(column.pg_type, column.target);
  if (!conversion) {
    return InvalidArgument(
        "warehouse table '{}', column '{}': PostgreSQL type {} cannot be read as {}", table,
        column.name, PgTypeName(column.pg_type), column.target.ToString());
  }
  return PgValueDecoder(column, *conversion);
}

PgValueDecoder::PgValueDecoder(PgColumn column, Conversion conversion)
    : column_(std::move(column)), conversion_(conversion) {}

Status PgValueDecoder::Append(const uint8_t* p, int32_t length, ColumnVector* out) {
  const PgType pg = column_.pg_type;
  switch (conversion_) {
    case Conversion::kBool:
      RETURN_IF_ERROR(CheckLength(length, 1, pg));
      out->Append<uint8_t>(p[0] != 0 ? 1 : 0);
      return Status::Ok();
    case Conversion::kInt2ToInt16:
      RETURN_IF_ERROR(CheckLength(length, 2, pg));
      out->Append<int16_t>(PgReadI16(p));
      return Status::Ok();
    case Conversion::kInt2ToInt32:
      RETURN_IF_ERROR(CheckLength(length, 2, pg));
      out->Append<int32_t>(PgReadI16(p));
      return Status::Ok();
    case Conversion::kInt2ToInt64:
      RETURN_IF_ERROR(CheckLength(length, 2, pg));
      out->Append<int64_t>(PgReadI16(p));
      return Status::Ok();
    case Conversion::kInt4ToInt32:
      RETURN_IF_ERROR(CheckLength(length, 4, pg));
      out->Append<int32_t>(PgReadI32(p));
      return Status::Ok();
    case Conversion::kInt4ToInt64:
      RETURN_IF_ERROR(CheckLength(length, 4, pg));
      out->Append<int64_t>(PgReadI32(p));
      return Status::Ok();
    case Conversion::kInt8ToInt64:
      RETURN_IF_ERROR(CheckLength(length, 8, pg));
      out->Append<int64_t>(PgReadI64(p));
      return Status::Ok();
    case Conversion::kFloat4ToFloat:
      RETURN_IF_ERROR(CheckLength(length, 4, pg));
      out->Append<float>(ReadFloat<float>(p));
      return Status::Ok();
    case Conversion::kFloat4ToDouble:
      RETURN_IF_ERROR(CheckLength(length, 4, pg));
      out->Append<double>(ReadFloat<float>(p));
      return Status::Ok();
    case Conversion::kFloat8ToDouble:
      RETURN_IF_ERROR(CheckLength(length, 8, pg));
      out->Append<double>(ReadFloat<double>(p));
      return Status::Ok();
    case Conversion::kNumericToDecimal64:
    case Conversion::kNumericToDecimal128:
    case Conversion::kNumericToString:
    case Conversion::kNumericToDouble:
      return AppendNumeric(p, length, out);
    case Conversion::kBytes:
      out->AppendBytes({reinterpret_cast<const char*>(p), static_cast<size_t>(length)});
      return Status::Ok();
    case Conversion::kJsonbToText:
      if (length < 1 || p[0] != 1) {
        return DataLoss("unsupported jsonb format version {}", length < 1 ? -1 : int{p[0]});
      }
      out->AppendBytes({reinterpret_cast<const char*>(p + 1), static_cast<size_t>(length - 1)});
      return Status::Ok();
    case Conversion::kUuidToUuid:
      RETURN_IF_ERROR(CheckLength(length, 16, pg));
      out->AppendFixedBytes(p);
      return Status::Ok();
    case Conversion::kUuidToString:
      RETURN_IF_ERROR(CheckLength(length, 16, pg));
      PgUuidText(p, &scratch_);
      out->AppendBytes(scratch_);
      return Status::Ok();
    case Conversion::kDate:
    case Conversion::kTimestamp:
    case Conversion::kTimeToInt64:
    case Conversion::kTimeToString:
      return AppendDateTime(p, length, out);
  }
  return Internal("unhandled PostgreSQL value conversion");
}

Status PgValueDecoder::AppendNumeric(const uint8_t* p, int32_t length, ColumnVector* out) {
  PgNumeric n;
  RETURN_IF_ERROR(ParsePgNumeric(p, length, &n));
  const DataType& t = column_.target;
  if (conversion_ == Conversion::kNumericToDecimal64 ||
      conversion_ == Conversion::kNumericToDecimal128) {
    __int128 unscaled;
    if (!PgNumericUnscaled(n, t.precision, t.scale, &unscaled)) {
      PgNumericText(n, &scratch_);
      return DataLoss("value '{}' does not fit {}", scratch_, t.ToString());
    }
    if (conversion_ == Conversion::kNumericToDecimal64) {
      out->Append<int64_t>(static_cast<int64_t>(unscaled));
    } else {
      out->Append<__int128>(unscaled);
    }
    return Status::Ok();
  }
  PgNumericText(n, &scratch_);
  if (conversion_ == Conversion::kNumericToString) {
    out->AppendBytes(scratch_);
    return Status::Ok();
  }
  double v = 0;
  if (n.sign == kPgNumericNaN) {
    v = std::numeric_limits<double>::quiet_NaN();
  } else if (n.special()) {
    v = n.sign == kPgNumericPlusInf ? std::numeric_limits<double>::infinity()
                                    : -std::numeric_limits<double>::infinity();
  } else {
    auto [end, ec] = std::from_chars(scratch_.data(), scratch_.data() + scratch_.size(), v);
    if (ec != std::errc()) return DataLoss("value '{}' does not fit double", scratch_);
  }
  out->Append<double>(v);
  return Status::Ok();
}

Status PgValueDecoder::AppendDateTime(const uint8_t* p, int32_t length, ColumnVector* out) {
  const PgType pg = column_.pg_type;
  if (conversion_ == Conversion::kDate) {
    RETURN_IF_ERROR(CheckLength(length, 4, pg));
    int32_t days = PgReadI32(p);
    if (days == std::numeric_limits<int32_t>::max()) return Infinity(true, pg);
    if (days == std::numeric_limits<int32_t>::min()) return Infinity(false, pg);
    int32_t unix_days;
    if (__builtin_add_overflow(days, kUnixEpochDays, &unix_days)) {
      return DataLoss("date {} days after 2000-01-01 is out of range", days);
    }
    out->Append<int32_t>(unix_days);
    return Status::Ok();
  }
  RETURN_IF_ERROR(CheckLength(length, 8, pg));
  int64_t micros = PgReadI64(p);
  if (conversion_ == Conversion::kTimestamp) {
    if (micros == std::numeric_limits<int64_t>::max()) return Infinity(true, pg);
    if (micros == std::numeric_limits<int64_t>::min()) return Infinity(false, pg);
    int64_t unix_micros;
    if (__builtin_add_overflow(micros, kUnixEpochMicros, &unix_micros)) {
      return DataLoss("{} {} µs after 2000-01-01 is out of range", PgTypeName(pg), micros);
    }
    out->Append<int64_t>(unix_micros);
    return Status::Ok();
  }
  if (micros < 0 || micros > kMicrosPerDay) {
    return DataLoss("time of {} µs after midnight is out of range", micros);
  }
  if (conversion_ == Conversion::kTimeToInt64) {
    out->Append<int64_t>(micros);
  } else {
    PgTimeText(micros, &scratch_);
    out->AppendBytes(scratch_);
  }
  return Status::Ok();
}

}  // namespace de
