// The vocabulary of the classification policy (DESIGN.md §3.2, §3.3): classification codes and
// PII treatments, parsed from the strings stored in the policy tables.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "columnar/data_type.h"
#include "common/status.h"

namespace de {

enum class Classification {
  kNr,   // "nr": no restriction
  kMx,   // "mx": mixed, decided per row by the source (or, on long tables, the metric)
  kDe,   // "de": do not export
  kHwc,  // "hwc": handle with care, exported only through a treatment
};
std::string_view ClassificationName(Classification c);
// "nr" | "mx" | "de" | "hwc" (exact, lower case); nullopt otherwise.
std::optional<Classification> ParseClassification(std::string_view text);

enum class TreatmentKind {
  kNone,          // "" : no treatment
  kDrop,          // "drop"
  kNull,          // "null"
  kHash,          // "hash"
  kMask,          // "mask:N"
  kRound,         // "round:N"
  kRoundCoords,   // "round_coords:N"
  kTruncateTime,  // "truncate_time:hour" | "truncate_time:day"
  kScrub,         // "scrub"
  kCompress,      // "compress"
};

enum class TimeUnit { kHour, kDay };

struct Treatment {
  TreatmentKind kind = TreatmentKind::kNone;
  int digits = 0;                   // kMask: characters kept; kRound/kRoundCoords: decimals
  TimeUnit unit = TimeUnit::kHour;  // kTruncateTime

  // The canonical spelling, e.g. "mask:4", "truncate_time:day"; "" for kNone.
  std::string ToString() const;
  friend bool operator==(const Treatment&, const Treatment&) = default;
};

// Largest N accepted by mask:N; round:N and round_coords:N accept 0..kMaxRoundDigits.
inline constexpr int kMaxMaskDigits = 1000;
inline constexpr int kMaxRoundDigits = 15;

// Parses a treatment as stored in the policy tables. "" is kNone. kInvalidArgument naming the
// text for an unknown treatment, a missing/extra/non-numeric/out-of-range parameter
// ("mask", "mask:x", "round:-1", "round:16", "truncate_time:week", "hash:3" are all errors).
Result<Treatment> ParseTreatment(std::string_view text);

// The type a treatment turns `input` into, or kInvalidArgument when it does not apply to that
// type (the message names the treatment and the type, not a column):
//   drop, null        any type -> same type
//   hash              string, json, binary, int16/32/64, uuid -> string (64 lower-case hex)
//   mask:N, scrub     string -> string
//   round:N           float, double -> same; decimal(p,s) -> same type (rounded to min(N,s));
//                     integers -> same (unchanged)
//   round_coords:N    string, json -> same
//   truncate_time     timestamp -> same; truncate_time:day also date -> same (unchanged)
//   compress          string, json, binary -> same (plus the {column}_compressed string column)
Result<DataType> TreatedType(const Treatment& treatment, const DataType& input);

// The name of the extra column `compress` writes overlong values into.
std::string CompressedColumnName(std::string_view column);

}  // namespace de
