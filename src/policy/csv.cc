#include "policy/csv.h"

#include <algorithm>
#include <cstdint>

#include <fmt/format.h>

namespace de {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

bool IsBlank(std::string_view field) {
  return field.find_first_not_of(" \t\r") == std::string_view::npos;
}

// Length of the valid UTF-8 sequence at the start of `text`, or 0.
size_t Utf8SequenceLength(std::string_view text) {
  auto lead = static_cast<uint8_t>(text[0]);
  if (lead < 0x80) return 1;
  size_t length = 0;
  uint32_t code = 0;
  uint32_t min = 0;
  if ((lead & 0xE0) == 0xC0) {
    length = 2, code = lead & 0x1F, min = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, code = lead & 0x0F, min = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, code = lead & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (text.size() < length) return 0;
  for (size_t i = 1; i < length; ++i) {
    auto byte = static_cast<uint8_t>(text[i]);
    if ((byte & 0xC0) != 0x80) return 0;
    code = (code << 6) | (byte & 0x3F);
  }
  // Overlong forms, UTF-16 surrogates and values past Unicode are not UTF-8.
  if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
  return length;
}

template <typename Fields>
void AppendRecord(const Fields& fields, std::string* out) {
  bool first = true;
  for (std::string_view field : fields) {
    if (!first) out->push_back(',');
    first = false;
    bool lone_blank = fields.size() == 1 && IsBlank(field);
    if (!lone_blank && field.find_first_of(",\"\r\n") == std::string_view::npos) {
      out->append(field);
      continue;
    }
    out->push_back('"');
    for (char c : field) {
      if (c == '"') out->push_back('"');
      out->push_back(c);
    }
    out->push_back('"');
  }
  out->push_back('\n');
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  std::vector<CsvRecord> Run() {
    std::vector<CsvRecord> records;
    if (text_.starts_with(kBom)) pos_ = kBom.size();
    std::string_view what;
    size_t bad = FindInvalidCsvText(text_.substr(pos_), &what);
    if (bad != std::string_view::npos) {
      auto before = text_.substr(0, pos_ + bad);
      int line = 1 + static_cast<int>(std::count(before.begin(), before.end(), '\n'));
      records.push_back({line, {}, fmt::format("{} (the file must be UTF-8 text)", what)});
      return records;
    }
    while (!AtEnd() && !stopped_) {
      if (SkipBlankLine()) continue;
      records.push_back(ReadRecord());
    }
    return records;
  }

 private:
  bool AtEnd() const { return pos_ >= text_.size(); }

  // At "\n", "\r\n" or a "\r" that ends the text.
  bool AtLineEnd() const {
    if (text_[pos_] == '\n') return true;
    return text_[pos_] == '\r' && (pos_ + 1 == text_.size() || text_[pos_ + 1] == '\n');
  }

  void SkipLineEnd() {
    if (text_[pos_] == '\r') ++pos_;
    if (!AtEnd()) ++pos_;  // the '\n'
    ++line_;
  }

  // Consumes the current line if it holds only spaces, tabs and carriage returns.
  bool SkipBlankLine() {
    size_t end = text_.find('\n', pos_);
    std::string_view rest = text_.substr(pos_, end == std::string_view::npos ? end : end - pos_);
    if (!IsBlank(rest)) return false;
    pos_ = end == std::string_view::npos ? text_.size() : end + 1;
    ++line_;
    return true;
  }

  CsvRecord ReadRecord() {
    CsvRecord record;
    record.line = line_;
    while (true) {
      size_t number = record.fields.size() + 1;
      std::string field;
      if (!AtEnd() && text_[pos_] == '"') {
        if (!ReadQuoted(number, &field, &record)) return record;
      } else {
        size_t start = pos_;
        while (!AtEnd() && text_[pos_] != ',' && !AtLineEnd()) ++pos_;
        field = text_.substr(start, pos_ - start);
        if (field.find('"') != std::string::npos && record.problem.empty()) {
          record.line = line_;
          record.problem = fmt::format(
              "quote inside unquoted field {}; quote the whole field and double the quote", number);
        }
      }
      record.fields.push_back(std::move(field));
      if (AtEnd()) return record;
      if (text_[pos_] != ',') {
        SkipLineEnd();
        return record;
      }
      ++pos_;
    }
  }

  // Reads the quoted field at pos_ into `field`. Returns false when the record ends here: the
  // quote is not closed (reading stops), or text follows the closing quote (the rest of the line
  // is skipped).
  bool ReadQuoted(size_t number, std::string* field, CsvRecord* record) {
    int open_line = line_;
    ++pos_;
    while (true) {
      if (AtEnd()) {
        record->line = open_line;
        record->problem = fmt::format("unterminated quoted field {}", number);
        stopped_ = true;
        return false;
      }
      char c = text_[pos_++];
      if (c == '"') {
        if (AtEnd() || text_[pos_] != '"') break;
        ++pos_;
      } else if (c == '\n') {
        ++line_;
      }
      field->push_back(c);
    }
    if (AtEnd() || text_[pos_] == ',' || AtLineEnd()) return true;
    if (record->problem.empty()) {
      record->line = line_;
      record->problem = fmt::format("text after the closing quote of field {}", number);
    }
    record->fields.push_back(std::move(*field));
    size_t end = text_.find('\n', pos_);
    pos_ = end == std::string_view::npos ? text_.size() : end + 1;
    ++line_;
    return false;
  }

  std::string_view text_;
  size_t pos_ = 0;
  int line_ = 1;
  bool stopped_ = false;
};

}  // namespace

std::vector<CsvRecord> ParseCsv(std::string_view text) { return Parser(text).Run(); }

size_t FindInvalidCsvText(std::string_view text, std::string_view* what) {
  for (size_t i = 0; i < text.size();) {
    if (text[i] == '\0') {
      *what = "NUL byte";
      return i;
    }
    size_t length = Utf8SequenceLength(text.substr(i));
    if (length == 0) {
      *what = "invalid UTF-8";
      return i;
    }
    i += length;
  }
  return std::string_view::npos;
}

void AppendCsvRecord(std::initializer_list<std::string_view> fields, std::string* out) {
  AppendRecord(fields, out);
}

void AppendCsvRecord(const std::vector<std::string>& fields, std::string* out) {
  AppendRecord(fields, out);
}

}  // namespace de
