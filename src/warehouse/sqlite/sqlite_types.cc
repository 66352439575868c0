#include "warehouse/sqlite/sqlite_types.h"

#include <charconv>
#include <string>
#include <vector>

namespace de {
namespace {

// What a declared type's parenthesised arguments may be.
enum class Args {
  kNone,       // no arguments allowed
  kLength,     // optional (n), ignored: character lengths and timestamp precisions
  kPrecision,  // required (p) or (p,s): decimals
};

struct TypeName {
  std::string_view name;
  DataType type;
  Args args;
};

const TypeName kTypeNames[] = {
    {"INTEGER", DataType::Int64(), Args::kNone},
    {"INT", DataType::Int64(), Args::kNone},
    {"BIGINT", DataType::Int64(), Args::kNone},
    {"INT8", DataType::Int64(), Args::kNone},
    {"UNSIGNED BIG INT", DataType::Int64(), Args::kNone},
    {"MEDIUMINT", DataType::Int32(), Args::kNone},
    {"INT4", DataType::Int32(), Args::kNone},
    {"SMALLINT", DataType::Int16(), Args::kNone},
    {"TINYINT", DataType::Int16(), Args::kNone},
    {"INT2", DataType::Int16(), Args::kNone},
    {"REAL", DataType::Double(), Args::kNone},
    {"DOUBLE", DataType::Double(), Args::kNone},
    {"DOUBLE PRECISION", DataType::Double(), Args::kNone},
    {"FLOAT", DataType::Double(), Args::kNone},
    {"FLOAT8", DataType::Double(), Args::kNone},
    {"TEXT", DataType::String(), Args::kNone},
    {"CLOB", DataType::String(), Args::kNone},
    {"VARCHAR", DataType::String(), Args::kLength},
    {"CHAR", DataType::String(), Args::kLength},
    {"CHARACTER", DataType::String(), Args::kLength},
    {"CHARACTER VARYING", DataType::String(), Args::kLength},
    {"VARYING CHARACTER", DataType::String(), Args::kLength},
    {"NCHAR", DataType::String(), Args::kLength},
    {"NVARCHAR", DataType::String(), Args::kLength},
    {"NATIVE CHARACTER", DataType::String(), Args::kLength},
    {"JSON", DataType::Json(), Args::kNone},
    {"BLOB", DataType::Binary(), Args::kNone},
    {"BOOLEAN", DataType::Bool(), Args::kNone},
    {"BOOL", DataType::Bool(), Args::kNone},
    {"DATE", DataType::Date(), Args::kNone},
    {"TIMESTAMP", DataType::Timestamp(false), Args::kLength},
    {"DATETIME", DataType::Timestamp(false), Args::kLength},
    {"TIMESTAMP WITHOUT TIME ZONE", DataType::Timestamp(false), Args::kLength},
    {"TIMESTAMPTZ", DataType::Timestamp(true), Args::kLength},
    {"TIMESTAMP WITH TIME ZONE", DataType::Timestamp(true), Args::kLength},
    {"NUMERIC", DataType::Decimal(1, 0), Args::kPrecision},
    {"DECIMAL", DataType::Decimal(1, 0), Args::kPrecision},
    {"UUID", DataType::Uuid(), Args::kNone},
};

// A declared type split into its upper-cased, space-normalised name and its arguments.
struct DeclaredType {
  std::string name;
  std::vector<int> args;
  bool has_parens = false;
};

// Appends `text` upper-cased to `out`, collapsing runs of whitespace into one space.
void AppendNormalised(std::string_view text, std::string* out) {
  for (char c : text) {
    bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r';
    if (space) {
      if (!out->empty() && out->back() != ' ') out->push_back(' ');
    } else {
      out->push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
    }
  }
}

// Parses "1, 2" into integers; false on anything else.
bool ParseArgs(std::string_view text, std::vector<int>* args) {
  while (true) {
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    int value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || value < 0) return false;
    args->push_back(value);
    text.remove_prefix(static_cast<size_t>(end - text.data()));
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    if (text.empty()) return true;
    if (text.front() != ',') return false;
    text.remove_prefix(1);
  }
}

std::optional<DeclaredType> SplitDeclaredType(std::string_view declared) {
  DeclaredType result;
  std::string name;
  size_t open = declared.find('(');
  if (open == std::string_view::npos) {
    AppendNormalised(declared, &name);
  } else {
    size_t close = declared.find(')', open);
    if (close == std::string_view::npos) return std::nullopt;
    if (!ParseArgs(declared.substr(open + 1, close - open - 1), &result.args)) return std::nullopt;
    result.has_parens = true;
    AppendNormalised(declared.substr(0, open), &name);
    name.push_back(' ');
    AppendNormalised(declared.substr(close + 1), &name);
    if (name.find('(') != std::string::npos) return std::nullopt;
  }
  while (!name.empty() && name.back() == ' ') name.pop_back();
  while (!name.empty() && name.front() == ' ') name.erase(0, 1);
  size_t doubled;
  while ((doubled = name.find("  ")) != std::string::npos) name.erase(doubled, 1);
  result.name = std::move(name);
  return result;
}

std::optional<DataType> ApplyArgs(const TypeName& entry, const DeclaredType& declared) {
  switch (entry.args) {
    case Args::kNone:
      if (declared.has_parens) return std::nullopt;
      return entry.type;
    case Args::kLength:
      if (declared.has_parens && declared.args.size() != 1) return std::nullopt;
      return entry.type;
    case Args::kPrecision: {
      if (declared.args.empty() || declared.args.size() > 2) return std::nullopt;
      int precision = declared.args[0];
      int scale = declared.args.size() == 2 ? declared.args[1] : 0;
      if (precision < 1 || precision > 38 || scale > precision) return std::nullopt;
      return DataType::Decimal(precision, scale);
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<DataType> DataTypeFromSqliteDeclaration(std::string_view declared_type) {
  std::optional<DeclaredType> declared = SplitDeclaredType(declared_type);
  if (!declared) return std::nullopt;
  for (const TypeName& entry : kTypeNames) {
    if (entry.name == declared->name) return ApplyArgs(entry, *declared);
  }
  return std::nullopt;
}

}  // namespace de
