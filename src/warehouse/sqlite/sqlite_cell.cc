#include "warehouse/sqlite/sqlite_cell.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <string_view>

#include <fmt/format.h>

#include "warehouse/sqlite/value_text.h"

namespace de::warehouse_sqlite {
namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;
// 2^63 as a double: the first double above the int64 range.
constexpr double kTwoPow63 = 9223372036854775808.0;

std::string_view CellText(sqlite3_stmt* s, int col) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(s, col));
  return {text, static_cast<size_t>(sqlite3_column_bytes(s, col))};
}

std::string_view CellBlob(sqlite3_stmt* s, int col) {
  const auto* blob = static_cast<const char*>(sqlite3_column_blob(s, col));
  return {blob, static_cast<size_t>(sqlite3_column_bytes(s, col))};
}

// "text of 3 bytes", "integer", "real", "blob of 16 bytes": what a cell holds, for an error
// message. Never the value itself: warehouse cells may be personal data, and errors reach logs,
// request rows and notifications.
std::string DescribeCell(sqlite3_stmt* s, int col) {
  switch (sqlite3_column_type(s, col)) {
    case SQLITE_INTEGER:
      return "integer";
    case SQLITE_FLOAT:
      return "real";
    case SQLITE_BLOB:
      return fmt::format("blob of {} bytes", sqlite3_column_bytes(s, col));
    case SQLITE_TEXT:
      return fmt::format("text of {} bytes", sqlite3_column_bytes(s, col));
    default:
      return "NULL";
  }
}

bool Fail(sqlite3_stmt* s, int col, std::string_view reason, std::string* problem) {
  *problem = fmt::format("{} {}", DescribeCell(s, col), reason);
  return false;
}

bool IsIntegral(double d) { return std::trunc(d) == d && d >= -kTwoPow63 && d < kTwoPow63; }

template <typename T>
bool AppendInteger(sqlite3_stmt* s, int col, int storage, ColumnVector* out, std::string* problem) {
  int64_t value;
  if (storage == SQLITE_INTEGER) {
    value = sqlite3_column_int64(s, col);
  } else if (storage == SQLITE_FLOAT && IsIntegral(sqlite3_column_double(s, col))) {
    value = static_cast<int64_t>(sqlite3_column_double(s, col));
  } else {
    return Fail(s, col, "is not an integer", problem);
  }
  if (value < std::numeric_limits<T>::min() || value > std::numeric_limits<T>::max()) {
    return Fail(s, col, fmt::format("is out of range for {}", out->type().ToString()), problem);
  }
  out->Append<T>(static_cast<T>(value));
  return true;
}

bool AppendDouble(sqlite3_stmt* s, int col, int storage, ColumnVector* out, std::string* problem) {
  if (storage == SQLITE_FLOAT) {
    out->Append<double>(sqlite3_column_double(s, col));
    return true;
  }
  if (storage == SQLITE_INTEGER) {
    int64_t value = sqlite3_column_int64(s, col);
    auto as_double = static_cast<double>(value);
    if (as_double < kTwoPow63 && static_cast<int64_t>(as_double) == value) {
      out->Append<double>(as_double);
      return true;
    }
    return Fail(s, col, "is not exactly representable as a double", problem);
  }
  return Fail(s, col, "is not a number", problem);
}

bool AppendDecimal(sqlite3_stmt* s, int col, int storage, ColumnVector* out, std::string* problem) {
  const DataType& type = out->type();
  char digits[400];  // enough for any double in fixed notation
  std::string_view text;
  if (storage == SQLITE_INTEGER || storage == SQLITE_FLOAT) {
    std::to_chars_result written =
        storage == SQLITE_INTEGER
            ? std::to_chars(digits, digits + sizeof(digits), sqlite3_column_int64(s, col))
            : std::to_chars(digits, digits + sizeof(digits), sqlite3_column_double(s, col),
                            std::chars_format::fixed);
    if (written.ec != std::errc()) return Fail(s, col, "is not a decimal number", problem);
    text = std::string_view(digits, static_cast<size_t>(written.ptr - digits));
  } else if (storage == SQLITE_TEXT) {
    text = CellText(s, col);
  } else {
    return Fail(s, col, "is not a decimal number", problem);
  }
  Result<__int128> unscaled = ParseDecimalText(text, type.precision, type.scale);
  if (!unscaled.ok()) {
    return Fail(s, col,
                fmt::format("does not fit {}: {}", type.ToString(), unscaled.status().message()),
                problem);
  }
  if (type.precision <= 18) {
    out->Append<int64_t>(static_cast<int64_t>(*unscaled));
  } else {
    out->Append<__int128>(*unscaled);
  }
  return true;
}

bool AppendString(sqlite3_stmt* s, int col, int storage, ColumnVector* out, std::string* problem) {
  if (storage == SQLITE_TEXT) {
    std::string_view text = CellText(s, col);
    if (!IsValidUtf8(text)) return Fail(s, col, "is not valid UTF-8", problem);
    out->AppendBytes(text);
    return true;
  }
  // Numbers reach text columns only through views, and JSON columns through SQLite's NUMERIC
  // affinity; their shortest round-trip digits are exact (and valid JSON numbers).
  char digits[32];
  std::to_chars_result written{digits, std::errc::value_too_large};
  if (storage == SQLITE_INTEGER) {
    written = std::to_chars(digits, digits + sizeof(digits), sqlite3_column_int64(s, col));
  } else if (storage == SQLITE_FLOAT) {
    written = std::to_chars(digits, digits + sizeof(digits), sqlite3_column_double(s, col));
  }
  if (written.ec == std::errc()) {
    out->AppendBytes(std::string_view(digits, static_cast<size_t>(written.ptr - digits)));
    return true;
  }
  return Fail(s, col, fmt::format("is not {} text", out->type().ToString()), problem);
}

bool AppendBinary(sqlite3_stmt* s, int col, int storage, ColumnVector* out, std::string* problem) {
  if (storage == SQLITE_BLOB) {
    out->AppendBytes(CellBlob(s, col));
  } else if (storage == SQLITE_TEXT) {
    out->AppendBytes(CellText(s, col));
  } else {
    return Fail(s, col, "is not a blob", problem);
  }
  return true;
}

bool EqualsIgnoringCase(std::string_view text, std::string_view lower) {
  if (text.size() != lower.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != lower[i]) return false;
  }
  return true;
}

bool AppendBool(sqlite3_stmt* s, int col, int storage, ColumnVector* out, std::string* problem) {
  int value = -1;
  if (storage == SQLITE_INTEGER) {
    int64_t number = sqlite3_column_int64(s, col);
    if (number == 0 || number == 1) value = static_cast<int>(number);
  } else if (storage == SQLITE_TEXT) {
    std::string_view text = CellText(s, col);
    if (EqualsIgnoringCase(text, "true")) value = 1;
    if (EqualsIgnoringCase(text, "false")) value = 0;
  }
  if (value < 0) return Fail(s, col, "is not a boolean (0, 1, 'true' or 'false')", problem);
  out->Append<uint8_t>(static_cast<uint8_t>(value));
  return true;
}

bool AppendDate(sqlite3_stmt* s, int col, int storage, ColumnVector* out, std::string* problem) {
  std::optional<int32_t> days;
  if (storage == SQLITE_TEXT) days = ParseDateText(CellText(s, col));
  if (!days) return Fail(s, col, "is not a date 'YYYY-MM-DD'", problem);
  out->Append<int32_t>(*days);
  return true;
}

bool AppendTimestamp(sqlite3_stmt* s, int col, int storage, ColumnVector* out,
                     std::string* problem) {
  std::optional<int64_t> micros;
  if (storage == SQLITE_INTEGER) {
    int64_t seconds = sqlite3_column_int64(s, col);
    constexpr int64_t kLimit = std::numeric_limits<int64_t>::max() / kMicrosPerSecond;
    if (seconds >= -kLimit && seconds <= kLimit) micros = seconds * kMicrosPerSecond;
  } else if (storage == SQLITE_TEXT) {
    micros = ParseTimestampText(CellText(s, col), out->type().utc);
  }
  if (!micros) {
    return Fail(s, col,
                out->type().utc
                    ? "is not unix seconds or a timestamp 'YYYY-MM-DD HH:MM:SS[.ffffff][zone]'"
                    : "is not unix seconds or a timestamp 'YYYY-MM-DD HH:MM:SS[.ffffff]'",
                problem);
  }
  out->Append<int64_t>(*micros);
  return true;
}

bool AppendUuid(sqlite3_stmt* s, int col, int storage, ColumnVector* out, std::string* problem) {
  uint8_t bytes[16];
  if (storage == SQLITE_TEXT && ParseUuidText(CellText(s, col), bytes)) {
    out->AppendFixedBytes(bytes);
    return true;
  }
  if (storage == SQLITE_BLOB && sqlite3_column_bytes(s, col) == 16) {
    out->AppendFixedBytes(sqlite3_column_blob(s, col));
    return true;
  }
  return Fail(s, col, "is not a UUID (36-character text or 16-byte blob)", problem);
}

}  // namespace

bool AppendCell(sqlite3_stmt* statement, int column, ColumnVector* out, std::string* problem) {
  int storage = sqlite3_column_type(statement, column);
  if (storage == SQLITE_NULL) {
    out->AppendNull();
    return true;
  }
  switch (out->type().id) {
    case TypeId::kInt64:
      return AppendInteger<int64_t>(statement, column, storage, out, problem);
    case TypeId::kInt32:
      return AppendInteger<int32_t>(statement, column, storage, out, problem);
    case TypeId::kInt16:
      return AppendInteger<int16_t>(statement, column, storage, out, problem);
    case TypeId::kDouble:
      return AppendDouble(statement, column, storage, out, problem);
    case TypeId::kDecimal:
      return AppendDecimal(statement, column, storage, out, problem);
    case TypeId::kString:
    case TypeId::kJson:
      return AppendString(statement, column, storage, out, problem);
    case TypeId::kBinary:
      return AppendBinary(statement, column, storage, out, problem);
    case TypeId::kBool:
      return AppendBool(statement, column, storage, out, problem);
    case TypeId::kDate:
      return AppendDate(statement, column, storage, out, problem);
    case TypeId::kTimestamp:
      return AppendTimestamp(statement, column, storage, out, problem);
    case TypeId::kUuid:
      return AppendUuid(statement, column, storage, out, problem);
    case TypeId::kFloat:
      break;
  }
  return Fail(statement, column, fmt::format("cannot be read as {}", out->type().ToString()),
              problem);
}

}  // namespace de::warehouse_sqlite
