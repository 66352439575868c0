#include "graphql/scalars.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <fmt/format.h>

#include "graphql/inspect.h"
#include "graphql/parser.h"

namespace de::graphql {
namespace {

constexpr int64_t kMinInt = -2147483648LL;
constexpr int64_t kMaxInt = 2147483647LL;

enum class Builtin { kInt, kFloat, kString, kBoolean, kId, kCustom };

Builtin BuiltinOf(const Type& scalar) {
  const std::string& n = scalar.name;
  if (n == "Int") return Builtin::kInt;
  if (n == "Float") return Builtin::kFloat;
  if (n == "String") return Builtin::kString;
  if (n == "Boolean") return Builtin::kBoolean;
  if (n == "ID") return Builtin::kId;
  return Builtin::kCustom;
}

std::optional<Json> Fail(std::string* error, std::string message) {
  if (error != nullptr) *error = std::move(message);
  return std::nullopt;
}

bool IsNumber(const Json& v) { return v.is_number(); }

// The numeric value of a JSON number as a double (integers beyond 2^53 lose precision, which only
// matters for range checks that fail anyway).
double AsDouble(const Json& v) { return v.get<double>(); }

// An integral JSON value (integer, or a finite float without fraction) as int64, when it fits.
std::optional<int64_t> AsIntegral(const Json& v) {
  if (v.is_number_integer() && !v.is_number_unsigned()) return v.get<int64_t>();
  if (v.is_number_unsigned()) {
    const uint64_t u = v.get<uint64_t>();
    if (u > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<int64_t>(u);
  }
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (!std::isfinite(d) || std::trunc(d) != d || std::fabs(d) > 9.2e18) return std::nullopt;
    return static_cast<int64_t>(d);
  }
  return std::nullopt;
}

bool IsIntegralNumber(const Json& v) {
  if (v.is_number_integer()) return true;
  if (!v.is_number_float()) return false;
  const double d = v.get<double>();
  return std::isfinite(d) && std::trunc(d) == d;
}

std::string_view Trimmed(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\n\r\f\v");
  if (b == std::string::npos) return {};
  const size_t e = s.find_last_not_of(" \t\n\r\f\v");
  return std::string_view(s.data() + b, e - b + 1);
}

// A string holding an integer as Python's int() reads it (" 12 ", "-3"); nullopt otherwise or
// when it does not fit 64 bits (then it is out of 32-bit range anyway: see IntStringTooLarge).
std::optional<int64_t> IntegerString(const std::string& s, bool* too_large) {
  std::string_view t = Trimmed(s);
  if (!t.empty() && t[0] == '+') t.remove_prefix(1);
  if (t.empty()) return std::nullopt;
  for (size_t i = (t[0] == '-' ? 1 : 0); i < t.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(t[i]))) return std::nullopt;
  }
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
  if (ec == std::errc::result_out_of_range) *too_large = true;
  if (ec != std::errc() || ptr != t.data() + t.size()) return std::nullopt;
  return value;
}

// A numeric string as Python's float() reads it ("1.5", " 1e3 "); nullopt unless finite.
std::optional<double> NumericString(const std::string& s) {
  std::string_view t = Trimmed(s);
  if (t.empty()) return std::nullopt;
  for (char c : t) {
    if (!std::isdigit(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.' &&
        c != 'e' && c != 'E') {
      return std::nullopt;
    }
  }
  std::string copy(t);
  char* end = nullptr;
  const double d = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size() || !std::isfinite(d)) return std::nullopt;
  return d;
}

// str(int(v)) of an integral number.
std::string IntegralText(const Json& v) {
  if (auto i = AsIntegral(v)) return std::to_string(*i);
  if (v.is_number_unsigned()) return std::to_string(v.get<uint64_t>());
  return fmt::format("{:.0f}", v.get<double>());
}

// ---- Result coercion (serialize) ----------------------------------------------------------

std::optional<Json> SerializeInt(const Json& v, std::string* error) {
  if (v.is_boolean()) return Json(v.get<bool>() ? 1 : 0);
  std::optional<int64_t> num;
  bool too_large = false;
  if (v.is_number()) {
    if (!IsIntegralNumber(v)) {
      return Fail(error, "Int cannot represent non-integer value: " + Inspect(v));
    }
    num = AsIntegral(v);
    too_large = !num.has_value();
  } else if (v.is_string()) {
    num = IntegerString(v.get_ref<const std::string&>(), &too_large);
  }
  if (!num && !too_large) {
    return Fail(error, "Int cannot represent non-integer value: " + Inspect(v));
  }
  if (num && *num >= kMinInt && *num <= kMaxInt) return Json(*num);
  return Fail(error, "Int cannot represent non 32-bit signed integer value: " + Inspect(v));
}

std::optional<Json> SerializeFloat(const Json& v, std::string* error) {
  if (v.is_boolean()) return Json(v.get<bool>() ? 1 : 0);
  if (IsNumber(v) && std::isfinite(AsDouble(v))) return Json(AsDouble(v));
  if (v.is_string()) {
    if (auto d = NumericString(v.get_ref<const std::string&>())) return Json(*d);
  }
  return Fail(error, "Float cannot represent non numeric value: " + Inspect(v));
}

std::optional<Json> SerializeString(const Json& v, std::string* error) {
  if (v.is_string()) return v;
  if (v.is_boolean()) return Json(v.get<bool>() ? "true" : "false");
  if (v.is_number_integer()) return Json(IntegralText(v));
  if (v.is_number_float() && std::isfinite(AsDouble(v))) {
    return Json(FormatPythonFloat(AsDouble(v)));
  }
  return Fail(error, "String cannot represent value: " + Inspect(v));
}

std::optional<Json> SerializeBoolean(const Json& v, std::string* error) {
  if (v.is_boolean()) return v;
  if (IsNumber(v) && std::isfinite(AsDouble(v))) return Json(AsDouble(v) != 0);
  return Fail(error, "Boolean cannot represent a non boolean value: " + Inspect(v));
}

std::optional<Json> SerializeId(const Json& v, std::string* error) {
  if (v.is_string()) return v;
  if (IsIntegralNumber(v)) return Json(IntegralText(v));
  return Fail(error, "ID cannot represent value: " + Inspect(v));
}

std::optional<Json> SerializeEnum(const Type& type, const Json& v, std::string* error) {
  if (v.is_string() && type.FindEnumValue(v.get_ref<const std::string&>()) != nullptr) return v;
  return Fail(error, "Enum " + Quoted(type.name) + " cannot represent value: " + Inspect(v));
}

// ---- Input coercion of JSON values (parseValue) --------------------------------------------

std::optional<Json> ParseInt(const Json& v, std::string* error) {
  if (!IsIntegralNumber(v)) {
    return Fail(error, "Int cannot represent non-integer value: " + Inspect(v));
  }
  if (auto i = AsIntegral(v); i && *i >= kMinInt && *i <= kMaxInt) return Json(*i);
  return Fail(error, "Int cannot represent non 32-bit signed integer value: " + Inspect(v));
}

std::optional<Json> ParseFloat(const Json& v, std::string* error) {
  if (IsNumber(v) && std::isfinite(AsDouble(v))) return Json(AsDouble(v));
  return Fail(error, "Float cannot represent non numeric value: " + Inspect(v));
}

std::optional<Json> ParseString(const Json& v, std::string* error) {
  if (v.is_string()) return v;
  return Fail(error, "String cannot represent a non string value: " + Inspect(v));
}

std::optional<Json> ParseBoolean(const Json& v, std::string* error) {
  if (v.is_boolean()) return v;
  return Fail(error, "Boolean cannot represent a non boolean value: " + Inspect(v));
}

std::string DidYouMeanEnumValue(const Type& type, std::string_view unknown) {
  std::vector<std::string_view> names;
  for (const EnumValue& value : type.enum_values) names.push_back(value.name);
  return DidYouMean(SuggestionList(unknown, names), "the enum value");
}

std::optional<Json> ParseEnum(const Type& type, const Json& v, std::string* error) {
  if (!v.is_string()) {
    const std::string text = Inspect(v);
    return Fail(error, "Enum " + Quoted(type.name) + " cannot represent non-string value: " + text +
                           "." + DidYouMeanEnumValue(type, text));
  }
  const std::string& name = v.get_ref<const std::string&>();
  if (type.FindEnumValue(name) != nullptr) return v;
  return Fail(error, "Value " + Quoted(name) + " does not exist in " + Quoted(type.name) +
                         " enum." + DidYouMeanEnumValue(type, name));
}

// ---- Input coercion of literals (parseLiteral) ---------------------------------------------

// The value of an Int token's text, or nullopt when it lies outside 32 bits.
std::optional<int64_t> Int32FromText(const std::string& text) {
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  if (value < kMinInt || value > kMaxInt) return std::nullopt;
  return value;
}

std::optional<Json> LiteralInt(const Value& lit, std::string* error) {
  if (lit.kind != ValueKind::kInt) {
    return Fail(error, "Int cannot represent non-integer value: " + PrintValue(lit));
  }
  if (auto v = Int32FromText(lit.text)) return Json(*v);
  return Fail(error, "Int cannot represent non 32-bit signed integer value: " + lit.text);
}

std::optional<Json> LiteralFloat(const Value& lit, std::string* error) {
  if (lit.kind == ValueKind::kInt || lit.kind == ValueKind::kFloat) {
    const double d = std::strtod(lit.text.c_str(), nullptr);
    if (std::isfinite(d)) return Json(d);
  }
  return Fail(error, "Float cannot represent non numeric value: " + PrintValue(lit));
}

std::optional<Json> LiteralEnum(const Type& type, const Value& lit, std::string* error) {
  if (lit.kind != ValueKind::kEnum) {
    const std::string text = PrintValue(lit);
    return Fail(error, "Enum " + Quoted(type.name) + " cannot represent non-enum value: " + text +
                           "." + DidYouMeanEnumValue(type, text));
  }
  if (type.FindEnumValue(lit.text) != nullptr) return Json(lit.text);
  return Fail(error, "Value " + Quoted(lit.text) + " does not exist in " + Quoted(type.name) +
                         " enum." + DidYouMeanEnumValue(type, lit.text));
}

// A literal as plain JSON, for custom scalars: variables are looked up; inside objects a missing
// variable leaves the member out, inside lists it becomes null.
Json UntypedLiteral(const Value& lit, const Json& variables) {
  switch (lit.kind) {
    case ValueKind::kInt: {
      int64_t v = 0;
      auto [ptr, ec] = std::from_chars(lit.text.data(), lit.text.data() + lit.text.size(), v);
      if (ec == std::errc() && ptr == lit.text.data() + lit.text.size()) return Json(v);
      return Json(std::strtod(lit.text.c_str(), nullptr));
    }
    case ValueKind::kFloat:
      return Json(std::strtod(lit.text.c_str(), nullptr));
    case ValueKind::kString:
    case ValueKind::kEnum:
      return Json(lit.text);
    case ValueKind::kBoolean:
      return Json(lit.boolean);
    case ValueKind::kNull:
      return Json(nullptr);
    case ValueKind::kVariable: {
      if (variables.is_object()) {
        if (auto it = variables.find(lit.text); it != variables.end()) return *it;
      }
      return Json(nullptr);
    }
    case ValueKind::kList: {
      Json out = Json::array();
      for (const Value& item : lit.list) out.push_back(UntypedLiteral(item, variables));
      return out;
    }
    case ValueKind::kObject: {
      Json out = Json::object();
      for (const ObjectField& field : lit.fields) {
        if (field.value.kind == ValueKind::kVariable &&
            (!variables.is_object() || !variables.contains(field.value.text))) {
          continue;
        }
        out[field.name] = UntypedLiteral(field.value, variables);
      }
      return out;
    }
  }
  return Json(nullptr);
}

}  // namespace

std::optional<Json> SerializeLeaf(const Type& leaf, const Json& value, std::string* error) {
  if (leaf.kind == TypeKind::kEnum) return SerializeEnum(leaf, value, error);
  switch (BuiltinOf(leaf)) {
    case Builtin::kInt:
      return SerializeInt(value, error);
    case Builtin::kFloat:
      return SerializeFloat(value, error);
    case Builtin::kString:
      return SerializeString(value, error);
    case Builtin::kBoolean:
      return SerializeBoolean(value, error);
    case Builtin::kId:
      return SerializeId(value, error);
    case Builtin::kCustom:
      return value;
  }
  return value;
}

std::optional<Json> ParseLeafValue(const Type& leaf, const Json& value, std::string* error) {
  if (leaf.kind == TypeKind::kEnum) return ParseEnum(leaf, value, error);
  switch (BuiltinOf(leaf)) {
    case Builtin::kInt:
      return ParseInt(value, error);
    case Builtin::kFloat:
      return ParseFloat(value, error);
    case Builtin::kString:
      return ParseString(value, error);
    case Builtin::kBoolean:
      return ParseBoolean(value, error);
    case Builtin::kId:
      if (value.is_string()) return value;
      if (IsIntegralNumber(value)) return Json(IntegralText(value));
      return Fail(error, "ID cannot represent value: " + Inspect(value));
    case Builtin::kCustom:
      return value;
  }
  return value;
}

std::optional<Json> ParseLeafLiteral(const Type& leaf, const Value& literal, const Json& variables,
                                     std::string* error) {
  if (leaf.kind == TypeKind::kEnum) return LiteralEnum(leaf, literal, error);
  switch (BuiltinOf(leaf)) {
    case Builtin::kInt:
      return LiteralInt(literal, error);
    case Builtin::kFloat:
      return LiteralFloat(literal, error);
    case Builtin::kString:
      if (literal.kind == ValueKind::kString) return Json(literal.text);
      return Fail(error, "String cannot represent a non string value: " + PrintValue(literal));
    case Builtin::kBoolean:
      if (literal.kind == ValueKind::kBoolean) return Json(literal.boolean);
      return Fail(error, "Boolean cannot represent a non boolean value: " + PrintValue(literal));
    case Builtin::kId:
      if (literal.kind == ValueKind::kString || literal.kind == ValueKind::kInt) {
        return Json(literal.text);
      }
      return Fail(error,
                  "ID cannot represent a non-string and non-integer value: " + PrintValue(literal));
    case Builtin::kCustom:
      return UntypedLiteral(literal, variables);
  }
  return std::nullopt;
}

}  // namespace de::graphql
