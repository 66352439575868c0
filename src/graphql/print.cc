// PrintValue(): a literal in GraphQL syntax, as graphql-js's print() writes values.
#include <fmt/format.h>

#include "graphql/parser.h"

namespace de::graphql {
namespace {

// A StringValue with `"`, `\` and control characters (C0, DEL, C1) escaped.
void AppendString(std::string_view text, std::string* out) {
  out->push_back('"');
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    switch (c) {
      case '"':
        out->append("\\\"");
        continue;
      case '\\':
        out->append("\\\\");
        continue;
      case '\b':
        out->append("\\b");
        continue;
      case '\f':
        out->append("\\f");
        continue;
      case '\n':
        out->append("\\n");
        continue;
      case '\r':
        out->append("\\r");
        continue;
      case '\t':
        out->append("\\t");
        continue;
      default:
        break;
    }
    if (c < 0x20 || c == 0x7F) {
      fmt::format_to(std::back_inserter(*out), "\\u{:04X}", c);
    } else if (c == 0xC2 && i + 1 < text.size() &&
               static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(text[i + 1]) <= 0x9F) {
      // U+0080..U+009F, encoded as C2 80..C2 9F.
      fmt::format_to(std::back_inserter(*out), "\\u{:04X}", static_cast<unsigned char>(text[++i]));
    } else {
      out->push_back(static_cast<char>(c));
    }
  }
  out->push_back('"');
}

void AppendValue(const Value& value, std::string* out) {
  switch (value.kind) {
    case ValueKind::kVariable:
      out->push_back('$');
      out->append(value.text);
      return;
    case ValueKind::kInt:
    case ValueKind::kFloat:
    case ValueKind::kEnum:
      out->append(value.text);
      return;
    case ValueKind::kString:
      AppendString(value.text, out);
      return;
    case ValueKind::kBoolean:
      out->append(value.boolean ? "true" : "false");
      return;
    case ValueKind::kNull:
      out->append("null");
      return;
    case ValueKind::kList:
      out->push_back('[');
      for (size_t i = 0; i < value.list.size(); ++i) {
        if (i > 0) out->append(", ");
        AppendValue(value.list[i], out);
      }
      out->push_back(']');
      return;
    case ValueKind::kObject:
      out->push_back('{');
      for (size_t i = 0; i < value.fields.size(); ++i) {
        if (i > 0) out->append(", ");
        out->append(value.fields[i].name);
        out->append(": ");
        AppendValue(value.fields[i].value, out);
      }
      out->push_back('}');
      return;
  }
}

}  // namespace

std::string PrintValue(const Value& value) {
  std::string out;
  AppendValue(value, &out);
  return out;
}

}  // namespace de::graphql
