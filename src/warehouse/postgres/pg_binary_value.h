// PostgreSQL's binary ("send") representations of single values, shared by the COPY decoder
// (copy_binary_decoder.h) and the cursor reader (pg_cursor_reader.h): the PostgreSQL types we
// read (PgType), readers for network-order integers, numeric (base-10000 digits), time and uuid,
// and PgValueDecoder, which appends one value to a ColumnVector.
//
// Type mapping (the PgType of a column and the DataType it is decoded into):
//
// | PostgreSQL type                | target DataType(s)        | notes
// |--------------------------------|---------------------------|-------------------------------
// | boolean                        | bool                      |
// | smallint                       | int16, int32, int64       | widening only
// | integer                        | int32, int64              |
// | bigint                         | int64                     |
// | real                           | float, double             |
// | double precision               | double                    |
// | numeric                        | decimal(p,s)              | exact: kDataLoss when the value
// |                                |                           | needs more than p digits or
// |                                |                           | has non-zero digits beyond s,
// |                                |                           | and for NaN and ±Infinity
// |                                | string                    | PostgreSQL's text form ("NaN",
// |                                |                           | "Infinity", "-Infinity" too);
// |                                |                           | for unconstrained numeric
// |                                | double                    | nearest double; NaN/±Inf kept
// | text, varchar, char(n)         | string, json              | bytes as sent (client encoding
// |                                |                           | must be UTF8); char(n) keeps its
// |                                |                           | padding, as PostgreSQL prints it;
// |                                |                           | json for Redshift's SUPER read
// |                                |                           | through json_serialize
// | json                           | json, string              | text as sent
// | jsonb                          | json, string              | version byte 1 stripped
// | bytea                          | binary                    | raw bytes
// | uuid                           | uuid, string              | 16 bytes / lowercase 8-4-4-4-12
// | date                           | date                      | days since 1970-01-01
// | timestamp                      | timestamp (utc = false)   | µs since 1970-01-01, wall clock
// | timestamptz                    | timestamp (utc = true)    | µs since 1970-01-01 UTC
// | time                           | int64, string             | µs since midnight /
// |                                |                           | "HH:MM:SS[.ffffff]"
//
// Infinity: the dates and timestamps 'infinity' and '-infinity' (PostgreSQL's INT32/INT64
// max/min) have no Parquet representation and are rejected with kDataLoss
// ("value 'infinity' cannot be exported"); the query should filter or replace them.
// Arrays are not decoded here: the query selects them as `to_json(column)` and they arrive as
// json.
//
// The free functions are stateless and thread-safe; a PgValueDecoder is used by one thread.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "columnar/column_vector.h"
#include "common/status.h"

namespace de {

// The PostgreSQL column types we read.
enum class PgType : uint8_t {
  kBool,
  kInt2,
  kInt4,
  kInt8,
  kFloat4,
  kFloat8,
  kNumeric,
  kText,  // text, varchar, bpchar (char(n)), name
  kJson,
  kJsonb,
  kBytea,
  kUuid,
  kDate,
  kTimestamp,
  kTimestamptz,
  kTime,
};

// The PgType of a built-in type OID (pg_type.oid), or nullopt for a type we do not decode.
std::optional<PgType> PgTypeFromOid(uint32_t oid);
// "numeric", "timestamptz", ... for messages.
std::string_view PgTypeName(PgType type);

// One column of a result (COPY stream or cursor), in SELECT order.
struct PgColumn {
  std::string name;
  PgType pg_type = PgType::kText;
  DataType target;  // must be one of the targets allowed for pg_type (table above)
};

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

// Appends binary values of one PgColumn to a ColumnVector of its target type, without a heap
// allocation per value (text renderings reuse one scratch string). Not thread-safe.
class PgValueDecoder {
 public:
  // kInvalidArgument naming `table` and the column when the target is not allowed for the
  // PostgreSQL type (table above).
  static Result<PgValueDecoder> Create(std::string_view table, const PgColumn& column);

  const PgColumn& column() const { return column_; }

  // Appends the `length` bytes at `p` (length >= 0; NULLs are the caller's AppendNull) to
  // `out`, whose type must be column().target. kDataLoss naming the problem (not the table,
  // column or row: the caller adds those) when the bytes are not a valid value or the value
  // does not fit the target.
  Status Append(const uint8_t* p, int32_t length, ColumnVector* out);

  // How the values are converted; chosen once in Create (defined in the .cc).
  enum class Conversion : uint8_t;

 private:
  PgValueDecoder(PgColumn column, Conversion conversion);

  Status AppendNumeric(const uint8_t* p, int32_t length, ColumnVector* out);
  Status AppendDateTime(const uint8_t* p, int32_t length, ColumnVector* out);

  PgColumn column_;
  Conversion conversion_;
  std::string scratch_;  // reused text rendering (numeric, time, uuid as string)
};

}  // namespace de
