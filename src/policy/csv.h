// RFC 4180 CSV text: a reader that keeps the line each record starts on (so callers can name
// "file:line" in their errors) and a writer that quotes only the fields that need it.
//
// Reading accepts CRLF or LF line ends, a leading UTF-8 BOM, quoted fields (a doubled quote is a
// quote; commas and line breaks inside quotes are data) and skips blank lines (empty or only
// spaces, tabs and carriage returns). Fields are not trimmed. The text must be UTF-8 without NUL
// bytes.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace de {

// One record of a CSV text.
struct CsvRecord {
  // 1-based line the record starts on; for a malformed record, the line of its problem (for an
  // unterminated quote, the line the quote opens on).
  int line = 0;
  std::vector<std::string> fields;
  // Empty for a well-formed record, else what is wrong with it, e.g. "unterminated quoted field
  // 2"; `fields` then holds what could be read.
  std::string problem;
};

// Splits `text` into records, in order. A malformed record is returned with its `problem` set
// and reading goes on after it, except after an unterminated quote (it runs to the end of the
// text) and for a NUL byte or invalid UTF-8, which give a single record holding only the problem.
std::vector<CsvRecord> ParseCsv(std::string_view text);

// Offset of the first NUL byte or invalid UTF-8 sequence (overlong, surrogate, above U+10FFFF,
// truncated) in `text`, or npos; `*what` receives a short description of the problem.
size_t FindInvalidCsvText(std::string_view text, std::string_view* what);

// Appends one record and an LF to `out`. A field is quoted when it holds a comma, a quote, CR or
// LF (and a record of one blank field, which would otherwise read back as a blank line).
// ParseCsv gives the same fields back for text FindInvalidCsvText accepts.
void AppendCsvRecord(std::initializer_list<std::string_view> fields, std::string* out);
void AppendCsvRecord(const std::vector<std::string>& fields, std::string* out);

}  // namespace de
