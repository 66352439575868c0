#include "storage/s3/aws_xml.h"

#include <openssl/evp.h>
#include <openssl/md5.h>

#include <cstdint>
#include <cstdlib>

namespace de::s3 {
namespace {

// Position just after the start tag "<tag>" / "<tag attr…>" / "<tag/>" found at or after
// `from` (npos when none), and whether it closes itself.
size_t FindStartTag(std::string_view xml, std::string_view tag, size_t from, bool* self_closing) {
  while (true) {
    size_t lt = xml.find('<', from);
    if (lt == std::string_view::npos) return lt;
    size_t name_end = lt + 1 + tag.size();
    if (xml.compare(lt + 1, tag.size(), tag) == 0 && name_end < xml.size()) {
      char next = xml[name_end];
      if (next == '>' || next == '/' || next == ' ' || next == '\t' || next == '\r' ||
          next == '\n') {
        size_t gt = xml.find('>', name_end);
        if (gt == std::string_view::npos) return gt;
        *self_closing = xml[gt - 1] == '/';
        return gt + 1;
      }
    }
    from = lt + 1;
  }
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Decodes one entity body (between '&' and ';'); false when it is not one we know.
bool DecodeEntity(std::string_view name, std::string* out) {
  if (name == "amp") return out->push_back('&'), true;
  if (name == "lt") return out->push_back('<'), true;
  if (name == "gt") return out->push_back('>'), true;
  if (name == "quot") return out->push_back('"'), true;
  if (name == "apos") return out->push_back('\''), true;
  if (name.size() < 2 || name[0] != '#') return false;
  bool hex = name[1] == 'x' || name[1] == 'X';
  std::string digits(name.substr(hex ? 2 : 1));
  if (digits.empty() || digits.size() > 8) return false;
  char* end = nullptr;
  unsigned long cp = std::strtoul(digits.c_str(), &end, hex ? 16 : 10);
  if (*end != '\0' || cp == 0 || cp > 0x10FFFF) return false;
  AppendUtf8(static_cast<uint32_t>(cp), out);
  return true;
}

}  // namespace

std::vector<std::string_view> XmlElements(std::string_view xml, std::string_view tag) {
  std::vector<std::string_view> out;
  const std::string close = "</" + std::string(tag) + ">";
  size_t pos = 0;
  while (pos < xml.size()) {
    bool self_closing = false;
    size_t content = FindStartTag(xml, tag, pos, &self_closing);
    if (content == std::string_view::npos) break;
    if (self_closing) {
      out.emplace_back();
      pos = content;
      continue;
    }
    size_t end = xml.find(close, content);
    if (end == std::string_view::npos) break;
    out.push_back(xml.substr(content, end - content));
    pos = end + close.size();
  }
  return out;
}

std::string XmlText(std::string_view xml, std::string_view tag) {
  bool self_closing = false;
  size_t content = FindStartTag(xml, tag, 0, &self_closing);
  if (content == std::string_view::npos || self_closing) return "";
  size_t end = xml.find("</" + std::string(tag) + ">", content);
  if (end == std::string_view::npos) return "";
  return XmlUnescape(xml.substr(content, end - content));
}

std::string XmlUnescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '&') {
      size_t semi = text.find(';', i + 1);
      if (semi != std::string_view::npos && semi - i <= 12 &&
          DecodeEntity(text.substr(i + 1, semi - i - 1), &out)) {
        i = semi + 1;
        continue;
      }
    }
    out.push_back(text[i++]);
  }
  return out;
}

std::string XmlEscape(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        if (u < 0x20) {
          out += "&#x";
          out.push_back(kHex[u >> 4]);
          out.push_back(kHex[u & 0xF]);
          out.push_back(';');
        } else {
          out.push_back(c);
        }
    }
  }
  return out;
}

std::string ContentMd5(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), digest, &size, EVP_md5(), nullptr);
  unsigned char encoded[64];
  int n = EVP_EncodeBlock(encoded, digest, static_cast<int>(size));
  return std::string(reinterpret_cast<const char*>(encoded), static_cast<size_t>(n));
}

}  // namespace de::s3
