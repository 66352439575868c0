#include "tests/interop/matrix_values.h"

#include <array>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace de::interop {
namespace {

using Int128 = __int128;
using UInt128 = unsigned __int128;

constexpr int64_t kMicrosPerDay = 86'400'000'000;
constexpr int32_t kDay0001 = -719'162;   // 0001-01-01
constexpr int32_t kDay9999 = 2'932'896;  // 9999-12-31
constexpr int32_t kDay1900 = -25'567;    // 1900-01-01
constexpr int32_t kDay2100 = 47'846;     // 2100-12-31
constexpr size_t kPoolSize = 16;         // distinct values a typical column mostly draws from
constexpr uint64_t kRepeatedRows = 400;  // kRepeatThenDistinct: rows of kFewValues first
constexpr uint64_t kFewValues = 4;       // kFewValues: how many different values

// Words for string values: ASCII, multi-byte UTF-8, emoji (incl. a ZWJ sequence), escapes.
const std::vector<std::string>& Words() {
  static const std::vector<std::string> kWords = {
      "alpha",    "beta",        "Zürich",    "naïve café",
      "東京都",   "Ελληνικά",    "😀",         "👩‍💻 at work",
      "tab\tsep", "line\nbreak", "q\"uote\\", "",
      "zzz",      "Ünïcödé ✓",   "mañana",    "שלום"};
  return kWords;
}

// kFewValues: which of the few values row `row` takes; runs of 8 equal values, so even the first
// rows of a page repeat.
uint64_t FewIndex(uint64_t row) { return row / 8 % kFewValues; }

struct IntRange {
  Int128 lo;
  Int128 hi;
};

Int128 Pow10(int p) {
  Int128 v = 1;
  for (int i = 0; i < p; ++i) v *= 10;
  return v;
}

// All values the type can hold (dates and timestamps: years 0001..9999).
IntRange FullRange(const DataType& type) {
  switch (type.id) {
    case TypeId::kInt16:
      return {std::numeric_limits<int16_t>::min(), std::numeric_limits<int16_t>::max()};
    case TypeId::kInt32:
      return {std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()};
    case TypeId::kDate:
      return {kDay0001, kDay9999};
    case TypeId::kTimestamp:
      return {Int128{kDay0001} * kMicrosPerDay, Int128{kDay9999 + 1} * kMicrosPerDay - 1};
    case TypeId::kDecimal:
      return {1 - Pow10(type.precision), Pow10(type.precision) - 1};
    default:
      return {std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()};
  }
}

// Where typical values lie: dates and timestamps in 1900..2100, the rest over the full range.
IntRange TypicalRange(const DataType& type) {
  if (type.id == TypeId::kDate) return {kDay1900, kDay2100};
  if (type.id == TypeId::kTimestamp) {
    return {Int128{kDay1900} * kMicrosPerDay, Int128{kDay2100 + 1} * kMicrosPerDay - 1};
  }
  return FullRange(type);
}

std::vector<Int128> IntEdges(const DataType& type) {
  IntRange full = FullRange(type);
  std::vector<Int128> edges = {full.lo, full.hi, 0, -1, 1};
  if (type.id == TypeId::kInt64) {
    edges.push_back((Int128{1} << 53) + 1);  // not exact as a JS number
    edges.push_back(-(Int128{1} << 53) - 1);
  }
  if (type.id == TypeId::kDecimal && type.precision > 18) {
    edges.push_back(Int128{1} << 64);  // crosses the 64-bit word boundary
    edges.push_back(-(Int128{1} << 64));
    edges.push_back(-(Int128{1} << 63) - 1);
  }
  if (type.id == TypeId::kTimestamp) edges.push_back(kMicrosPerDay - 1);
  if (type.id == TypeId::kDate) edges.push_back(19'000);
  return edges;
}

Int128 RandomIn(IntRange range, Rng& rng) {
  UInt128 span = static_cast<UInt128>(range.hi - range.lo) + 1;
  UInt128 draw = (static_cast<UInt128>(rng.Next()) << 64) | rng.Next();
  return range.lo + static_cast<Int128>(span == 0 ? draw : draw % span);
}

// The k-th pool value of a type: the same in every column of that type.
Rng PoolRng(const DataType& type, size_t k) {
  return Rng(0x5eed0000ULL + static_cast<uint64_t>(type.id) * 1000 + type.precision * 50 + k);
}

Int128 IntLikeValue(const DataType& type, ValueProfile profile, uint64_t row, uint64_t edge_index,
                    Rng& rng) {
  switch (profile) {
    case ValueProfile::kEdge: {
      std::vector<Int128> edges = IntEdges(type);
      return edges[edge_index % edges.size()];
    }
    case ValueProfile::kFewValues: {
      Rng pool = PoolRng(type, FewIndex(row));
      return RandomIn(TypicalRange(type), pool);
    }
    case ValueProfile::kDistinct: {
      IntRange range = TypicalRange(type);
      UInt128 span = static_cast<UInt128>(range.hi - range.lo) + 1;
      return range.lo + static_cast<Int128>((UInt128{row} * 2'654'435'761u) % span);
    }
    default: {
      if (!rng.OneIn(4)) {
        Rng pool = PoolRng(type, rng.Below(kPoolSize));
        return RandomIn(TypicalRange(type), pool);
      }
      return RandomIn(TypicalRange(type), rng);
    }
  }
}

template <typename T>
std::vector<double> FloatEdges() {
  using L = std::numeric_limits<T>;
  return {L::quiet_NaN(), L::infinity(),   -L::infinity(),   -0.0, 0.0,  L::max(), L::lowest(),
          L::min(),       L::denorm_min(), -L::denorm_min(), 0.1,  -1.5, 1e-7,     16777217.0};
}

// A double; for kFloat columns the caller rounds it to float.
double FloatValue(const DataType& type, ValueProfile profile, uint64_t row, uint64_t edge_index,
                  Rng& rng) {
  bool is_float = type.id == TypeId::kFloat;
  switch (profile) {
    case ValueProfile::kEdge: {
      std::vector<double> edges = is_float ? FloatEdges<float>() : FloatEdges<double>();
      return edges[edge_index % edges.size()];
    }
    case ValueProfile::kNaN:
      return std::numeric_limits<double>::quiet_NaN();
    case ValueProfile::kDistinct:
      return static_cast<double>(row) * 0.25 - 1000.5;
    default: {
      bool few = profile == ValueProfile::kFewValues;
      Rng pool = PoolRng(type, few ? FewIndex(row) : rng.Below(kPoolSize));
      Rng& source = !few && rng.OneIn(4) ? rng : pool;
      int64_t mantissa_bits = is_float ? 24 : 53;
      int64_t mantissa = static_cast<int64_t>(source.Below(uint64_t{1} << mantissa_bits)) -
                         (int64_t{1} << (mantissa_bits - 1));
      return std::ldexp(static_cast<double>(mantissa), -static_cast<int>(source.Below(20)));
    }
  }
}

std::string RandomBytes(size_t size, Rng& rng) {
  std::string bytes(size, '\0');
  for (char& c : bytes) c = static_cast<char>(rng.Next() & 0xff);
  return bytes;
}

std::string RandomWord(Rng& rng) {
  std::string word(1 + rng.Below(24), 'a');
  for (char& c : word) c = static_cast<char>('a' + rng.Below(26));
  return word;
}

// A text of at least 64 KiB + 1 byte of multi-byte UTF-8, different for each row. Even rows
// start low (U+0001) and odd rows high (U+10FFFF), so a chunk's min and max are both long and
// their statistics must be truncated.
std::string LongText(uint64_t row) {
  std::string text = fmt::format("{}long{}:", row % 2 == 0 ? "\x01" : "\xf4\x8f\xbf\xbf", row);
  size_t target = 65'537 + (row * 37) % 4'000;
  while (text.size() < target) text += "ü😀東x";
  return text;
}

std::vector<std::string> BytesEdges(TypeId id) {
  if (id == TypeId::kJson) {
    return {
        "{}", "[]", "null", "0", "\"\"", R"({"k":"Zürich 😀"})", "[1,2.5,-3e10,true,false,null]"};
  }
  if (id == TypeId::kBinary) {
    return {"",
            std::string(1, '\0'),
            "\xff",
            std::string("\x00\xff\x00", 3),
            "\x80",
            std::string(64, '\xff'),
            std::string(65, '\xff'),
            "plain ascii"};
  }
  return {"",
          " ",
          "a",
          "Zürich",
          "東京",
          "😀🎉",
          "👩‍💻",
          "\t\n",
          "q\"uote\\back",
          "\x7f",
          "\xef\xbf\xbf" /* U+FFFF */,
          "\xf4\x8f\xbf\xbf" /* U+10FFFF */,
          std::string("nul\0inside", 10),
          std::string(64, 'z'),
          std::string(65, 'z') + "é"};
}

std::string TypicalBytes(TypeId id, Rng& rng) {
  bool pooled = !rng.OneIn(4);
  if (id == TypeId::kBinary) {
    Rng pool = PoolRng(DataType::Binary(), rng.Below(kPoolSize));
    Rng& source = pooled ? pool : rng;
    return RandomBytes(source.Below(13), source);
  }
  const std::vector<std::string>& words = Words();
  std::string word = pooled ? words[rng.Below(words.size())] : RandomWord(rng);
  if (id == TypeId::kString) return word;
  return fmt::format(R"({{"id":{},"name":{}}})", rng.Below(pooled ? 8 : 100'000),
                     nlohmann::json(word).dump());
}

std::string BytesValue(TypeId id, ValueProfile profile, uint64_t row, uint64_t edge_index,
                       Rng& rng) {
  switch (profile) {
    case ValueProfile::kEdge: {
      std::vector<std::string> edges = BytesEdges(id);
      return edges[edge_index % edges.size()];
    }
    case ValueProfile::kFewValues:
      if (id == TypeId::kBinary) return std::string(1 + FewIndex(row), '\xab');
      if (id == TypeId::kJson) return fmt::format(R"({{"few":{}}})", FewIndex(row));
      return Words()[FewIndex(row)];
    case ValueProfile::kDistinct:
      if (id == TypeId::kBinary) return fmt::format("{:08x}", row) + RandomBytes(4, rng);
      if (id == TypeId::kJson) return fmt::format(R"({{"row":{}}})", row);
      return fmt::format("value-{:06}-{}", row, Words()[row % Words().size()]);
    case ValueProfile::kLongText:
      if (row % 3 != 0) return TypicalBytes(id, rng);
      if (id == TypeId::kBinary) {
        return std::string(1, row % 2 == 0 ? '\x00' : '\xfe') +
               RandomBytes(65'536 + row % 1'000, rng);
      }
      if (id == TypeId::kJson) return nlohmann::json({{"text", LongText(row)}}).dump();
      return LongText(row);
    default:
      return TypicalBytes(id, rng);
  }
}

std::array<uint8_t, 16> UuidValue(ValueProfile profile, uint64_t row, uint64_t edge_index,
                                  Rng& rng) {
  std::array<uint8_t, 16> uuid{};
  if (profile == ValueProfile::kEdge) {
    static const std::array<std::array<uint8_t, 16>, 5> kEdges = {{
        {},
        {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
         0xff},
        {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee,
         0xff},
        {0x80},
        {0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
         0xff},
    }};
    return kEdges[edge_index % kEdges.size()];
  }
  bool few = profile == ValueProfile::kFewValues;
  Rng pool = PoolRng(DataType::Uuid(), few ? FewIndex(row) : rng.Below(kPoolSize));
  Rng& source = few || (profile == ValueProfile::kTypical && !rng.OneIn(4)) ? pool : rng;
  for (uint8_t& b : uuid) b = static_cast<uint8_t>(source.Next() & 0xff);
  uuid[6] = static_cast<uint8_t>((uuid[6] & 0x0f) | 0x40);  // RFC 4122 version 4
  uuid[8] = static_cast<uint8_t>((uuid[8] & 0x3f) | 0x80);
  return uuid;
}

void AppendIntLike(const DataType& type, Int128 value, ColumnVector& column) {
  switch (type.id) {
    case TypeId::kInt16:
      column.Append(static_cast<int16_t>(value));
      break;
    case TypeId::kInt32:
    case TypeId::kDate:
      column.Append(static_cast<int32_t>(value));
      break;
    case TypeId::kDecimal:
      if (type.precision > 18) {
        column.Append(value);
      } else {
        column.Append(static_cast<int64_t>(value));
      }
      break;
    default:
      column.Append(static_cast<int64_t>(value));
  }
}

void AppendOne(const DataType& type, ValueProfile profile, uint64_t row, uint64_t edge_index,
               Rng& rng, ColumnVector& column) {
  switch (type.id) {
    case TypeId::kBool: {
      bool value = profile == ValueProfile::kEdge ? edge_index % 2 == 1 : rng.OneIn(2);
      column.Append(static_cast<uint8_t>(value));
      break;
    }
    case TypeId::kFloat:
      column.Append(static_cast<float>(FloatValue(type, profile, row, edge_index, rng)));
      break;
    case TypeId::kDouble:
      column.Append(FloatValue(type, profile, row, edge_index, rng));
      break;
    case TypeId::kString:
    case TypeId::kJson:
    case TypeId::kBinary:
      column.AppendBytes(BytesValue(type.id, profile, row, edge_index, rng));
      break;
    case TypeId::kUuid:
      column.AppendFixedBytes(UuidValue(profile, row, edge_index, rng).data());
      break;
    default:
      AppendIntLike(type, IntLikeValue(type, profile, row, edge_index, rng), column);
  }
}

// Edge columns put a NULL on every fifth row; the others draw one in seven.
bool IsNullRow(const Field& field, ValueProfile profile, uint64_t row, Rng& rng) {
  if (!field.nullable) return false;
  switch (profile) {
    case ValueProfile::kAllNull:
      return true;
    case ValueProfile::kEdge:
      return row % 5 == 4;
    case ValueProfile::kNaN:
      return row % 4 == 3;
    default:
      return rng.OneIn(7);
  }
}

}  // namespace

Rng Rng::ForName(std::string_view name) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (char c : name) hash = (hash ^ static_cast<uint8_t>(c)) * 0x100000001b3ULL;
  return Rng(hash);
}

uint64_t Rng::Next() {
  uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

void AppendValues(const Field& field, ValueProfile profile, uint64_t first_row, size_t rows,
                  Rng& rng, ColumnVector& column) {
  for (uint64_t row = first_row; row < first_row + rows; ++row) {
    if (IsNullRow(field, profile, row, rng)) {
      column.AppendNull();
      continue;
    }
    // Edge values cycle over the non-NULL rows, so every edge value appears in every column.
    uint64_t edge_index = field.nullable ? row - row / 5 : row;
    ValueProfile row_profile = profile;
    if (profile == ValueProfile::kRepeatThenDistinct) {
      row_profile = row < kRepeatedRows ? ValueProfile::kFewValues : ValueProfile::kDistinct;
    }
    AppendOne(field.type, row_profile, row, edge_index, rng, column);
  }
}

}  // namespace de::interop
