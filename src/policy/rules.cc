#include "policy/rules.h"

#include <charconv>

#include <fmt/format.h>

namespace de {
namespace {

// Parses the N of "name:N" within [0, max].
Result<int> ParseDigits(std::string_view text, std::string_view param, int max) {
  int value = -1;
  auto [end, ec] = std::from_chars(param.data(), param.data() + param.size(), value);
  if (param.empty() || ec != std::errc() || end != param.data() + param.size() || value < 0 ||
      value > max) {
    return InvalidArgument("treatment '{}': the parameter must be an integer 0..{}", text, max);
  }
  return value;
}

bool IsInteger(TypeId id) {
  return id == TypeId::kInt16 || id == TypeId::kInt32 || id == TypeId::kInt64;
}

bool IsText(TypeId id) { return id == TypeId::kString || id == TypeId::kJson; }

}  // namespace

std::string_view ClassificationName(Classification c) {
  switch (c) {
    case Classification::kNr:
      return "nr";
    case Classification::kMx:
      return "mx";
    case Classification::kDe:
      return "de";
    case Classification::kHwc:
      return "hwc";
  }
  return "de";
}

std::optional<Classification> ParseClassification(std::string_view text) {
  for (Classification c :
       {Classification::kNr, Classification::kMx, Classification::kDe, Classification::kHwc}) {
    if (ClassificationName(c) == text) return c;
  }
  return std::nullopt;
}

std::string Treatment::ToString() const {
  switch (kind) {
    case TreatmentKind::kNone:
      return "";
    case TreatmentKind::kDrop:
      return "drop";
    case TreatmentKind::kNull:
      return "null";
    case TreatmentKind::kHash:
      return "hash";
    case TreatmentKind::kMask:
      return fmt::format("mask:{}", digits);
    case TreatmentKind::kRound:
      return fmt::format("round:{}", digits);
    case TreatmentKind::kRoundCoords:
      return fmt::format("round_coords:{}", digits);
    case TreatmentKind::kTruncateTime:
      return unit == TimeUnit::kHour ? "truncate_time:hour" : "truncate_time:day";
    case TreatmentKind::kScrub:
      return "scrub";
    case TreatmentKind::kCompress:
      return "compress";
  }
  return "";
}

Result<Treatment> ParseTreatment(std::string_view text) {
  Treatment t;
  if (text.empty()) return t;
  size_t colon = text.find(':');
  std::string_view name = text.substr(0, colon);
  std::optional<std::string_view> param;
  if (colon != std::string_view::npos) param = text.substr(colon + 1);

  struct Plain {
    std::string_view name;
    TreatmentKind kind;
  };
  static constexpr Plain kPlain[] = {{"drop", TreatmentKind::kDrop},
                                     {"null", TreatmentKind::kNull},
                                     {"hash", TreatmentKind::kHash},
                                     {"scrub", TreatmentKind::kScrub},
                                     {"compress", TreatmentKind::kCompress}};
  for (const Plain& p : kPlain) {
    if (name != p.name) continue;
    if (param) return InvalidArgument("treatment '{}': {} takes no parameter", text, p.name);
    t.kind = p.kind;
    return t;
  }
  struct Numeric {
    std::string_view name;
    TreatmentKind kind;
    int max;
  };
  static constexpr Numeric kNumeric[] = {
      {"mask", TreatmentKind::kMask, kMaxMaskDigits},
      {"round", TreatmentKind::kRound, kMaxRoundDigits},
      {"round_coords", TreatmentKind::kRoundCoords, kMaxRoundDigits}};
  for (const Numeric& n : kNumeric) {
    if (name != n.name) continue;
    if (!param) {
      return InvalidArgument("treatment '{}': {} needs a parameter, e.g. '{}:2'", text, n.name,
                             n.name);
    }
    ASSIGN_OR_RETURN(t.digits, ParseDigits(text, *param, n.max));
    t.kind = n.kind;
    return t;
  }
  if (name == "truncate_time") {
    t.kind = TreatmentKind::kTruncateTime;
    if (param == "hour") {
      t.unit = TimeUnit::kHour;
    } else if (param == "day") {
      t.unit = TimeUnit::kDay;
    } else {
      return InvalidArgument("treatment '{}': truncate_time takes 'hour' or 'day'", text);
    }
    return t;
  }
  return InvalidArgument(
      "unknown treatment '{}' (expected drop, null, hash, mask:N, round:N, round_coords:N, "
      "truncate_time:hour|day, scrub or compress)",
      text);
}

Result<DataType> TreatedType(const Treatment& treatment, const DataType& input) {
  TypeId id = input.id;
  bool applies = false;
  DataType output = input;
  switch (treatment.kind) {
    case TreatmentKind::kNone:
    case TreatmentKind::kDrop:
    case TreatmentKind::kNull:
      applies = true;
      break;
    case TreatmentKind::kHash:
      applies = IsText(id) || id == TypeId::kBinary || IsInteger(id) || id == TypeId::kUuid;
      output = DataType::String();
      break;
    case TreatmentKind::kMask:
    case TreatmentKind::kScrub:
      applies = id == TypeId::kString;
      break;
    case TreatmentKind::kRound:
      applies =
          id == TypeId::kFloat || id == TypeId::kDouble || id == TypeId::kDecimal || IsInteger(id);
      break;
    case TreatmentKind::kRoundCoords:
      applies = IsText(id);
      break;
    case TreatmentKind::kTruncateTime:
      applies =
          id == TypeId::kTimestamp || (id == TypeId::kDate && treatment.unit == TimeUnit::kDay);
      break;
    case TreatmentKind::kCompress:
      applies = IsText(id) || id == TypeId::kBinary;
      break;
  }
  if (!applies) {
    return InvalidArgument("treatment '{}' does not apply to a {} column", treatment.ToString(),
                           input.ToString());
  }
  return output;
}

std::string CompressedColumnName(std::string_view column) {
  return std::string(column) + "_compressed";
}

}  // namespace de
