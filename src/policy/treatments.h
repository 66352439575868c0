// Vectorised PII treatments (DESIGN.md §3.3): each runs over a whole ColumnVector, on the rows a
// selection mask picks, and writes a new column.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "columnar/column_vector.h"
#include "common/status.h"
#include "policy/rules.h"

namespace de {

// Values a treatment needs besides the data. Never taken from the data itself.
struct TreatmentContext {
  // HMAC-SHA256 key of `hash`; must be non-empty when a hash treatment runs.
  std::string hash_key;
  // `compress` moves values longer than this many bytes into {column}_compressed.
  size_t max_string_bytes = 65'535;
};

// Applies `treatment` to column `in`.
//
// `out` must have type TreatedType(treatment, in.type()); it is cleared and receives in.size()
// rows. Row i of `out` is:
//   - NULL                                 when row i of `in` is NULL;
//   - the treated value of row i           when `select` is null or select[i] != 0;
//   - row i of `in`, unchanged             otherwise (then the treated type must equal the
//                                          input type, else kInvalidArgument).
// `overflow` is used by kCompress only (and must then be a kString column, else may be null):
// it is cleared and receives in.size() rows; a selected value longer than max_string_bytes is
// written there gzip-compressed and base64-encoded, with NULL in `out`; every other row of
// `overflow` is NULL.
//
// kDrop and kNone copy the input (callers do not export dropped columns; kNone is the identity).
// kNull makes every selected row NULL. A value the treatment cannot handle or represent becomes
// NULL: fail closed, never the raw value (round_coords on text that is neither GeoJSON nor WKT, a
// decimal that no longer fits its precision after round:N, a timestamp within a unit of the
// int64 minimum under truncate_time). round:N never yields -0; truncate_time floors to the UTC
// hour/day for timestamptz and to the wall-clock one for timestamp. Errors:
// kInvalidArgument for a type the treatment does not apply to, kFailedPrecondition for `hash`
// with an empty key.
Status ApplyTreatment(const Treatment& treatment, const TreatmentContext& context,
                      const ColumnVector& in, const uint8_t* select, ColumnVector* out,
                      ColumnVector* overflow);

// HMAC-SHA256 of `message` under `key`, as 64 lower-case hex digits.
std::string HmacSha256Hex(std::string_view key, std::string_view message);

// Standard base64 (RFC 4648 §4, with padding) of gzip (RFC 1952) of `value`; the inverse is what
// a consumer runs: base64-decode then gunzip.
std::string GzipBase64(std::string_view value);

}  // namespace de
