#include "policy/treatments.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <zlib.h>

#include <algorithm>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <string_view>

#include "policy/text_treatments.h"

namespace de {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

// Writes 2 * n lower-case hex digits of `bytes` to `out`.
void HexInto(const unsigned char* bytes, size_t n, char* out) {
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kHexDigits[bytes[i] >> 4];
    out[2 * i + 1] = kHexDigits[bytes[i] & 0xF];
  }
}

// HMAC-SHA256 under one key, for many messages. Not thread-safe.
class HmacSha256 {
 public:
  HmacSha256() = default;
  HmacSha256(const HmacSha256&) = delete;
  HmacSha256& operator=(const HmacSha256&) = delete;
  ~HmacSha256() {
    EVP_MAC_CTX_free(ctx_);
    EVP_MAC_free(mac_);
  }

  // Keys the MAC once. kInternal when OpenSSL cannot provide HMAC-SHA256.
  Status Init(std::string_view key) {
    static const unsigned char kNoKey = 0;  // OpenSSL wants a non-null pointer, even for 0 bytes
    mac_ = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (mac_ != nullptr) ctx_ = EVP_MAC_CTX_new(mac_);
    if (ctx_ == nullptr) return Internal("OpenSSL provides no HMAC");
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                           OSSL_PARAM_construct_end()};
    const auto* key_bytes =
        key.empty() ? &kNoKey : reinterpret_cast<const unsigned char*>(key.data());
    if (EVP_MAC_init(ctx_, key_bytes, key.size(), params) != 1) {
      return Internal("OpenSSL could not key HMAC-SHA256");
    }
    return Status::Ok();
  }

  // Writes the 64 hex digits of HMAC(key, message) to `hex`; false if OpenSSL fails.
  bool Hex(std::string_view message, char* hex) {
    // Re-initialising with a null key restores the keyed state computed by Init (the provider
    // keeps the digest state after key^ipad and copies it back) instead of hashing the key
    // again; measured about twice as fast as EVP_MAC_CTX_dup per value.
    if (EVP_MAC_init(ctx_, nullptr, 0, nullptr) != 1) return false;
    if (!message.empty() &&
        EVP_MAC_update(ctx_, reinterpret_cast<const unsigned char*>(message.data()),
                       message.size()) != 1) {
      return false;
    }
    unsigned char mac[32];
    size_t mac_size = 0;
    if (EVP_MAC_final(ctx_, mac, &mac_size, sizeof(mac)) != 1 || mac_size != sizeof(mac)) {
      return false;
    }
    HexInto(mac, sizeof(mac), hex);
    return true;
  }

 private:
  EVP_MAC* mac_ = nullptr;
  EVP_MAC_CTX* ctx_ = nullptr;
};

// A gzip (RFC 1952) compressor reused across values: zlib's state is allocated once. Not
// thread-safe.
class Gzipper {
 public:
  Gzipper() = default;
  Gzipper(const Gzipper&) = delete;
  Gzipper& operator=(const Gzipper&) = delete;
  ~Gzipper() {
    if (initialised_) deflateEnd(&stream_);
  }

  // Replaces `*out` with the gzip member of `value`. False only when zlib runs out of memory.
  bool Compress(std::string_view value, std::string* out) {
    if (!initialised_) {
      // windowBits 15 + 16 selects the gzip wrapper instead of zlib's.
      if (deflateInit2(&stream_, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
                       Z_DEFAULT_STRATEGY) != Z_OK) {
        return false;
      }
      initialised_ = true;
    } else if (deflateReset(&stream_) != Z_OK) {
      return false;
    }
    out->resize(deflateBound(&stream_, value.size()));
    size_t in_pos = 0;
    size_t out_pos = 0;
    // zlib counts in uInt: feed and drain in pieces of at most UINT_MAX bytes.
    for (;;) {
      if (stream_.avail_in == 0 && in_pos < value.size()) {
        size_t piece = std::min<size_t>(value.size() - in_pos, UINT_MAX);
        stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(value.data() + in_pos));
        stream_.avail_in = static_cast<uInt>(piece);
        in_pos += piece;
      }
      if (out_pos == out->size()) out->resize(out->size() * 2 + 64);
      size_t room = std::min<size_t>(out->size() - out_pos, UINT_MAX);
      stream_.next_out = reinterpret_cast<Bytef*>(out->data() + out_pos);
      stream_.avail_out = static_cast<uInt>(room);
      int flush = in_pos == value.size() ? Z_FINISH : Z_NO_FLUSH;
      int rc = deflate(&stream_, flush);
      out_pos += room - stream_.avail_out;
      if (rc == Z_STREAM_END) break;
      if (rc != Z_OK && rc != Z_BUF_ERROR) return false;
    }
    out->resize(out_pos);
    return true;
  }

 private:
  z_stream stream_{};
  bool initialised_ = false;
};

// Replaces `*out` with standard padded base64 (RFC 4648 §4) of `bytes`.
void Base64Into(std::string_view bytes, std::string* out) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
  const size_t n = bytes.size();
  out->resize((n + 2) / 3 * 4);
  char* o = out->data();
  size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    uint32_t v = (uint32_t{in[i]} << 16) | (uint32_t{in[i + 1]} << 8) | in[i + 2];
    *o++ = kAlphabet[v >> 18];
    *o++ = kAlphabet[(v >> 12) & 63];
    *o++ = kAlphabet[(v >> 6) & 63];
    *o++ = kAlphabet[v & 63];
  }
  if (i < n) {
    uint32_t v = uint32_t{in[i]} << 16;
    if (i + 1 < n) v |= uint32_t{in[i + 1]} << 8;
    *o++ = kAlphabet[v >> 18];
    *o++ = kAlphabet[(v >> 12) & 63];
    *o++ = i + 1 < n ? kAlphabet[(v >> 6) & 63] : '=';
    *o++ = '=';
  }
}

// Row i of `in` appended to `out` unchanged (same physical type).
void CopyRow(const ColumnVector& in, size_t i, ColumnVector* out) {
  if (in.type().is_variable_width()) {
    out->AppendBytes(in.Bytes(i));
  } else {
    out->AppendFixedBytes(in.values<uint8_t>() + i * static_cast<size_t>(in.type().byte_width()));
  }
}

// The one loop every treatment runs: `on_null(i)` for NULL rows, `keep(i)` for rows the
// selection leaves alone, `treat(i)` for the others.
template <typename OnNull, typename Keep, typename Treat>
void ForEachRow(const ColumnVector& in, const uint8_t* select, OnNull&& on_null, Keep&& keep,
                Treat&& treat) {
  const uint8_t* validity = in.validity();
  const size_t n = in.size();
  for (size_t i = 0; i < n; ++i) {
    if (((validity[i >> 3] >> (i & 7)) & 1) == 0) {
      on_null(i);
    } else if (select != nullptr && select[i] == 0) {
      keep(i);
    } else {
      treat(i);
    }
  }
}

// ForEachRow for a single output column and a fixed-width physical type T: NULL stays NULL,
// unselected rows are copied.
template <typename T, typename Treat>
void ForEachFixed(const ColumnVector& in, const uint8_t* select, ColumnVector* out, Treat&& treat) {
  const T* values = in.values<T>();
  ForEachRow(
      in, select, [out](size_t) { out->AppendNull(); },
      [out, values](size_t i) { out->Append<T>(values[i]); },
      [values, &treat](size_t i) { treat(values[i]); });
}

// ForEachRow for a single variable-width output column.
template <typename Treat>
void ForEachBytes(const ColumnVector& in, const uint8_t* select, ColumnVector* out, Treat&& treat) {
  ForEachRow(
      in, select, [out](size_t) { out->AppendNull(); },
      [&in, out](size_t i) { out->AppendBytes(in.Bytes(i)); },
      [&in, &treat](size_t i) { treat(in.Bytes(i)); });
}

void ApplyCopy(const ColumnVector& in, ColumnVector* out) {
  ForEachRow(
      in, nullptr, [out](size_t) { out->AppendNull(); }, [](size_t) {},
      [&in, out](size_t i) { CopyRow(in, i, out); });
}

void ApplyNull(const ColumnVector& in, const uint8_t* select, ColumnVector* out) {
  ForEachRow(
      in, select, [out](size_t) { out->AppendNull(); },
      [&in, out](size_t i) { CopyRow(in, i, out); }, [out](size_t) { out->AppendNull(); });
}

// ---- hash -------------------------------------------------------------------------------

// Canonical lower-case text of a 16-byte UUID into `out` (36 chars).
void UuidTextInto(const unsigned char* bytes, char* out) {
  static constexpr int kGroupEnds[] = {4, 6, 8, 10, 16};
  int byte = 0;
  for (int end : kGroupEnds) {
    for (; byte < end; ++byte) {
      *out++ = kHexDigits[bytes[byte] >> 4];
      *out++ = kHexDigits[bytes[byte] & 0xF];
    }
    if (end != 16) *out++ = '-';
  }
}

template <typename T>
void HashIntegers(const ColumnVector& in, HmacSha256& mac, ColumnVector* out, bool* failed) {
  ForEachFixed<T>(in, nullptr, out, [&](T value) {
    char text[24];
    char* end = std::to_chars(text, text + sizeof(text), value).ptr;
    char hex[64];
    if (mac.Hex(std::string_view(text, static_cast<size_t>(end - text)), hex)) {
      out->AppendBytes(std::string_view(hex, sizeof(hex)));
    } else {
      *failed = true;
      out->AppendNull();
    }
  });
}

Status ApplyHash(const TreatmentContext& context, const ColumnVector& in, const uint8_t* select,
                 ColumnVector* out) {
  if (context.hash_key.empty()) {
    return FailedPrecondition(
        "hash treatment needs policy.hash_key or policy.hash_key_file (the HMAC key)");
  }
  HmacSha256 mac;
  RETURN_IF_ERROR(mac.Init(context.hash_key));
  bool failed = false;
  // A value OpenSSL fails on becomes NULL, never the raw value; the call then fails anyway.
  auto emit = [&](std::string_view message) {
    char hex[64];
    if (mac.Hex(message, hex)) {
      out->AppendBytes(std::string_view(hex, sizeof(hex)));
    } else {
      failed = true;
      out->AppendNull();
    }
  };
  switch (in.type().id) {
    case TypeId::kInt16:
      HashIntegers<int16_t>(in, mac, out, &failed);
      break;
    case TypeId::kInt32:
      HashIntegers<int32_t>(in, mac, out, &failed);
      break;
    case TypeId::kInt64:
      HashIntegers<int64_t>(in, mac, out, &failed);
      break;
    case TypeId::kUuid: {
      const auto* bytes = in.values<unsigned char>();
      ForEachRow(
          in, nullptr, [out](size_t) { out->AppendNull(); }, [](size_t) {},
          [&](size_t i) {
            char text[36];
            UuidTextInto(bytes + 16 * i, text);
            emit(std::string_view(text, sizeof(text)));
          });
      break;
    }
    default:  // string, json, binary: the raw bytes (TreatedType checked the type)
      ForEachBytes(in, select, out, emit);
      break;
  }
  if (failed) return Internal("OpenSSL failed computing HMAC-SHA256");
  return Status::Ok();
}

// ---- mask -------------------------------------------------------------------------------

void ApplyMask(int keep_chars, const ColumnVector& in, const uint8_t* select, ColumnVector* out) {
  std::string scratch;
  const size_t keep = static_cast<size_t>(keep_chars);
  ForEachBytes(in, select, out, [&](std::string_view value) {
    // Walk back over the last `keep` code points; a code point starts at every byte that is
    // not a UTF-8 continuation byte (10xxxxxx).
    size_t start = value.size();
    size_t kept = 0;
    while (kept < keep && start > 0) {
      --start;
      if ((static_cast<unsigned char>(value[start]) & 0xC0) != 0x80) ++kept;
    }
    if (kept < keep) {  // keep >= length: nothing to hide
      out->AppendBytes(value);
      return;
    }
    size_t hidden = 0;
    for (size_t b = 0; b < start; ++b) {
      hidden += (static_cast<unsigned char>(value[b]) & 0xC0) != 0x80;
    }
    scratch.assign(hidden, '*');
    scratch.append(value.substr(start));
    out->AppendBytes(scratch);
  });
}

// ---- round ------------------------------------------------------------------------------

constexpr double kPow10Double[kMaxRoundDigits + 1] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                                      1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

// Rounds `value` through its shortest decimal text (std::to_chars), half away from zero on
// that text, then parses the result back. So 2.675, stored as 2.67499999999999982..., rounds
// to 2.68 with round:2, as the person who typed 2.675 expects. A zero result is +0.
template <typename F>
F RoundViaText(F value, int decimals) {
  // Fixed notation of the smallest subnormal double needs 2 + 324 characters, plus a sign;
  // buf[0] is kept free for a carry into a new leading digit.
  char buf[400];
  char* begin = buf + 1;
  auto [end, ec] = std::to_chars(begin, buf + sizeof(buf), value, std::chars_format::fixed);
  if (ec != std::errc()) return value;  // unreachable for finite values with this buffer
  char* dot = std::find(begin, end, '.');
  if (dot == end || end - dot - 1 <= decimals) return value;  // already short enough
  char* first_dropped = dot + 1 + decimals;
  bool round_up = *first_dropped >= '5';
  end = decimals == 0 ? dot : first_dropped;
  if (round_up) {
    char* digits = *begin == '-' ? begin + 1 : begin;
    char* p = end - 1;
    for (; p >= digits; --p) {
      if (*p == '.') continue;
      if (*p != '9') {
        ++*p;
        break;
      }
      *p = '0';
    }
    if (p < digits) {  // carried out of the leading digit: 9.99 -> 10.00
      if (digits != begin) {
        begin[-1] = '-';
        begin[0] = '1';
      } else {
        begin[-1] = '1';
      }
      --begin;
    }
  }
  F result = 0;
  std::from_chars(begin, end, result);
  return result == 0 ? F(0) : result;
}

double RoundDouble(double value, int decimals) {
  // NaN, infinities and values of 2^52 or more (no fractional bits) stay as they are.
  if (!(std::fabs(value) < 0x1p52)) return value;
  const double scale = kPow10Double[decimals];
  const double y = std::fabs(value * scale);
  if (y < 0x1p52) {
    // Fast path. y differs from (shortest decimal text of value) * 10^decimals by less than
    // y * 2^-52 (half an ulp of value, scaled, plus the rounding of the product), so when the
    // fraction of y is farther than that from one half both round the same way; and
    // whole / 10^decimals, both exact, is correctly rounded, like parsing the rounded text.
    const double whole = std::floor(y);
    const double fraction = y - whole;  // exact below 2^52
    if (std::fabs(fraction - 0.5) > y * 0x1p-50) {
      const double rounded = fraction > 0.5 ? whole + 1 : whole;
      if (rounded == 0) return 0.0;
      const double result = rounded / scale;
      return value < 0 ? -result : result;
    }
  }
  return RoundViaText(value, decimals);
}

float RoundFloat(float value, int decimals) {
  // Floats always take the text path: a fast path in double precision would round twice.
  if (!(std::fabs(value) < 0x1p23f)) return value;
  return RoundViaText(value, decimals);
}

template <typename T>
constexpr T Pow10(int n) {
  T p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}

// Rounds unscaled decimals of the given precision to a multiple of 10^drop_digits, half away
// from zero. A result that needs more than `precision` digits (99.99 -> 100.00 in
// decimal(4,2)) becomes NULL: it cannot be written in the column's type, and clamping would
// invent a value.
template <typename T>
void RoundDecimals(const ColumnVector& in, const uint8_t* select, int precision, int drop_digits,
                   ColumnVector* out) {
  const T step = Pow10<T>(drop_digits);
  const T limit = Pow10<T>(precision);  // 10^38 still fits in __int128
  ForEachFixed<T>(in, select, out, [&](T value) {
    const bool negative = value < 0;
    const T rest = value % step;  // same sign as value
    T rounded = value - rest;
    if (negative ? -rest >= step + rest : rest >= step - rest) {  // |rest| >= step / 2
      // Compare before adding: rounded + step can overflow __int128 at precision 38.
      if (negative ? rounded <= step - limit : rounded >= limit - step) {
        out->AppendNull();
        return;
      }
      rounded += negative ? -step : step;
    }
    if (rounded >= limit || rounded <= -limit) {  // the input itself did not fit
      out->AppendNull();
      return;
    }
    out->Append<T>(rounded);
  });
}

void ApplyRound(int decimals, const ColumnVector& in, const uint8_t* select, ColumnVector* out) {
  const DataType& type = in.type();
  switch (type.id) {
    case TypeId::kDouble:
      ForEachFixed<double>(in, select, out,
                           [&](double v) { out->Append<double>(RoundDouble(v, decimals)); });
      return;
    case TypeId::kFloat:
      ForEachFixed<float>(in, select, out,
                          [&](float v) { out->Append<float>(RoundFloat(v, decimals)); });
      return;
    case TypeId::kDecimal:
      if (decimals < type.scale) {
        int drop = type.scale - decimals;
        if (type.precision <= 18) {
          RoundDecimals<int64_t>(in, select, type.precision, drop, out);
        } else {
          RoundDecimals<__int128>(in, select, type.precision, drop, out);
        }
        return;
      }
      ApplyCopy(in, out);  // already at most `decimals` places
      return;
    default:  // integers have no decimals
      ApplyCopy(in, out);
      return;
  }
}

// ---- truncate_time ----------------------------------------------------------------------

void ApplyTruncateTime(TimeUnit unit, const ColumnVector& in, const uint8_t* select,
                       ColumnVector* out) {
  if (in.type().id == TypeId::kDate) {  // a date is already a whole day
    ApplyCopy(in, out);
    return;
  }
  const int64_t period = unit == TimeUnit::kHour ? int64_t{3'600'000'000} : int64_t{86'400'000'000};
  ForEachFixed<int64_t>(in, select, out, [&](int64_t micros) {
    // Floor, not truncation toward zero: 1969-12-31T23:30 belongs to the hour 23:00 of that
    // day, whose count is more negative.
    int64_t rest = micros % period;
    if (rest < 0) rest += period;
    int64_t floored;
    if (__builtin_sub_overflow(micros, rest, &floored)) {
      out->AppendNull();  // within an hour of INT64_MIN: no representable result
      return;
    }
    out->Append<int64_t>(floored);
  });
}

// ---- round_coords, scrub ----------------------------------------------------------------

void ApplyRoundCoords(int decimals, const ColumnVector& in, const uint8_t* select,
                      ColumnVector* out) {
  std::string scratch;
  ForEachBytes(in, select, out, [&](std::string_view value) {
    scratch.clear();
    if (RoundCoordinatesInto(value, decimals, &scratch)) {
      out->AppendBytes(scratch);
    } else {
      out->AppendNull();  // neither GeoJSON nor WKT: fail closed
    }
  });
}

void ApplyScrub(const ColumnVector& in, const uint8_t* select, ColumnVector* out) {
  std::string scratch;
  ForEachBytes(in, select, out, [&](std::string_view value) {
    scratch.clear();
    ScrubInto(value, &scratch);
    out->AppendBytes(scratch);
  });
}

// ---- compress ---------------------------------------------------------------------------

Status ApplyCompress(const TreatmentContext& context, const ColumnVector& in, const uint8_t* select,
                     ColumnVector* out, ColumnVector* overflow) {
  if (overflow == nullptr || overflow->type().id != TypeId::kString) {
    return InvalidArgument("compress needs a string column for the compressed values");
  }
  overflow->Clear();
  overflow->Reserve(in.size());
  Gzipper gzip;
  std::string gzipped;
  std::string encoded;
  bool failed = false;
  auto keep = [&](size_t i) {
    out->AppendBytes(in.Bytes(i));
    overflow->AppendNull();
  };
  ForEachRow(
      in, select,
      [&](size_t) {
        out->AppendNull();
        overflow->AppendNull();
      },
      keep,
      [&](size_t i) {
        std::string_view value = in.Bytes(i);
        if (value.size() <= context.max_string_bytes) {
          keep(i);
          return;
        }
        out->AppendNull();
        if (gzip.Compress(value, &gzipped)) {
          Base64Into(gzipped, &encoded);
          overflow->AppendBytes(encoded);
        } else {
          failed = true;
          overflow->AppendNull();
        }
      });
  if (failed) return ResourceExhausted("zlib ran out of memory compressing a value");
  return Status::Ok();
}

size_t ArenaEstimate(const Treatment& treatment, const ColumnVector& in) {
  if (treatment.kind == TreatmentKind::kHash) return in.size() * 64;
  return in.type().is_variable_width() ? in.arena_bytes() : 0;
}

}  // namespace

Status ApplyTreatment(const Treatment& treatment, const TreatmentContext& context,
                      const ColumnVector& in, const uint8_t* select, ColumnVector* out,
                      ColumnVector* overflow) {
  ASSIGN_OR_RETURN(DataType treated, TreatedType(treatment, in.type()));
  if (out == nullptr || out == &in || out->type() != treated) {
    return InvalidArgument("treatment '{}' on a {} column writes a separate {} column",
                           treatment.ToString(), in.type().ToString(), treated.ToString());
  }
  if (select != nullptr && treated != in.type()) {
    return InvalidArgument(
        "treatment '{}' turns {} into {}: it cannot leave unselected rows unchanged",
        treatment.ToString(), in.type().ToString(), treated.ToString());
  }
  out->Clear();
  out->Reserve(in.size(), ArenaEstimate(treatment, in));
  switch (treatment.kind) {
    case TreatmentKind::kNone:
    case TreatmentKind::kDrop:
      ApplyCopy(in, out);
      return Status::Ok();
    case TreatmentKind::kNull:
      ApplyNull(in, select, out);
      return Status::Ok();
    case TreatmentKind::kHash:
      return ApplyHash(context, in, select, out);
    case TreatmentKind::kMask:
      ApplyMask(treatment.digits, in, select, out);
      return Status::Ok();
    case TreatmentKind::kRound:
      ApplyRound(treatment.digits, in, select, out);
      return Status::Ok();
    case TreatmentKind::kRoundCoords:
      ApplyRoundCoords(treatment.digits, in, select, out);
      return Status::Ok();
    case TreatmentKind::kTruncateTime:
      ApplyTruncateTime(treatment.unit, in, select, out);
      return Status::Ok();
    case TreatmentKind::kScrub:
      ApplyScrub(in, select, out);
      return Status::Ok();
    case TreatmentKind::kCompress:
      return ApplyCompress(context, in, select, out, overflow);
  }
  return Internal("unknown treatment kind");
}

std::string HmacSha256Hex(std::string_view key, std::string_view message) {
  HmacSha256 mac;
  std::string hex(64, '\0');
  // Only an OpenSSL without SHA-256 or out of memory fails here; there is no hash to return.
  if (!mac.Init(key).ok() || !mac.Hex(message, hex.data())) std::abort();
  return hex;
}

std::string GzipBase64(std::string_view value) {
  Gzipper gzip;
  std::string gzipped;
  // zlib fails only when out of memory, where std::string would not do better.
  if (!gzip.Compress(value, &gzipped)) std::abort();
  std::string encoded;
  Base64Into(gzipped, &encoded);
  return encoded;
}

}  // namespace de
