#include "api/download_handler.h"

#include <time.h>

#include <cctype>
#include <charconv>

#include <boost/url/pct_string_view.hpp>

namespace de {
namespace {

HttpResponse Forbidden(std::string_view reason) {
  return HttpResponse::Text(HttpStatus::forbidden, std::string(reason) + "\n");
}

// Decodes the percent-encoded key after "/download/"; nullopt for a broken encoding.
std::optional<std::string> DecodeKey(std::string_view encoded) {
  auto pct = boost::urls::make_pct_string_view(encoded);
  if (!pct) return std::nullopt;
  return pct->decode();
}

std::optional<uint64_t> ParseDecimal(std::string_view text) {
  uint64_t value = 0;
  if (text.empty() || text.size() > 19) return std::nullopt;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string HttpDate(int64_t epoch_seconds) {
  time_t seconds = static_cast<time_t>(epoch_seconds);
  struct tm utc {};
  gmtime_r(&seconds, &utc);
  char text[64];
  size_t n = strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &utc);
  return std::string(text, n);
}

std::string ContentDisposition(std::string_view key) {
  std::string_view name = key.substr(key.rfind('/') + 1);
  std::string ascii;
  std::string encoded;
  for (char ch : name) {
    auto c = static_cast<unsigned char>(ch);
    bool plain = std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
    ascii.push_back(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? ch : '_');
    encoded += plain ? std::string(1, ch) : fmt::format("%{:02X}", c);
  }
  return fmt::format("attachment; filename=\"{}\"; filename*=UTF-8''{}", ascii, encoded);
}

std::string EntityTag(const LocalObjectFile& file) {
  return fmt::format("\"{:x}-{:x}\"", file.size, file.modified_nanos);
}

HttpResponse ObjectResponse(const std::string& key, LocalObjectFile file,
                            const HttpRequest& request) {
  HttpResponse response;
  std::string etag = EntityTag(file);
  response.headers.Add("Content-Type", std::string(ContentTypeForKey(key)));
  response.headers.Add("Content-Disposition", ContentDisposition(key));
  response.headers.Add("ETag", etag);
  response.headers.Add("Last-Modified", HttpDate(file.modified_nanos / 1'000'000'000));
  response.headers.Add("Accept-Ranges", "bytes");
  response.headers.Add("Cache-Control", "private");
  ByteRangeRequest range;
  std::optional<std::string_view> if_range = request.headers.Get("If-Range");
  if (auto header = request.headers.Get("Range"); header && (!if_range || *if_range == etag)) {
    range = ResolveByteRange(*header, file.size);
  }
  switch (range.kind) {
    case ByteRangeRequest::Kind::kUnsatisfiable:
      response.status = HttpStatus::range_not_satisfiable;
      response.headers.Add("Content-Range", fmt::format("bytes */{}", file.size));
      return response;
    case ByteRangeRequest::Kind::kPartial:
      response.status = HttpStatus::partial_content;
      response.headers.Add("Content-Range", fmt::format("bytes {}-{}/{}", range.first,
                                                        range.first + range.length - 1, file.size));
      response.file = FileSlice{std::move(file.fd), range.first, range.length};
      return response;
    case ByteRangeRequest::Kind::kWhole:
      response.file = FileSlice{std::move(file.fd), 0, file.size};
      return response;
  }
  return response;
}

}  // namespace

ByteRangeRequest ResolveByteRange(std::string_view header, uint64_t size) {
  ByteRangeRequest whole;
  header = Trim(header);
  constexpr std::string_view kUnit = "bytes=";
  if (header.size() < kUnit.size() ||
      !std::equal(kUnit.begin(), kUnit.end(), header.begin(), [](char a, char b) {
        return a == std::tolower(static_cast<unsigned char>(b));
      })) {
    return whole;
  }
  std::string_view spec = Trim(header.substr(kUnit.size()));
  size_t dash = spec.find('-');
  if (spec.find(',') != std::string_view::npos || dash == std::string_view::npos) return whole;
  std::string_view first_text = spec.substr(0, dash);
  std::string_view last_text = spec.substr(dash + 1);
  ByteRangeRequest unsatisfiable{ByteRangeRequest::Kind::kUnsatisfiable};
  if (first_text.empty()) {  // suffix: the last N bytes
    std::optional<uint64_t> suffix = ParseDecimal(last_text);
    if (!suffix) return whole;
    if (*suffix == 0 || size == 0) return unsatisfiable;
    uint64_t length = std::min(*suffix, size);
    return {ByteRangeRequest::Kind::kPartial, size - length, length};
  }
  std::optional<uint64_t> first = ParseDecimal(first_text);
  std::optional<uint64_t> last =
      last_text.empty() ? std::optional<uint64_t>(UINT64_MAX) : ParseDecimal(last_text);
  if (!first || !last || *last < *first) return whole;
  if (*first >= size) return unsatisfiable;
  uint64_t end = std::min(*last, size - 1);
  return {ByteRangeRequest::Kind::kPartial, *first, end - *first + 1};
}

std::string_view ContentTypeForKey(std::string_view key) {
  std::string_view name = key.substr(key.rfind('/') + 1);
  if (name.ends_with(".parquet")) return "application/vnd.apache.parquet";
  if (name == "manifest" || name.ends_with(".json")) return "application/json";
  return "application/octet-stream";
}

HttpResponse ServeDownload(const LocalObjectStore& store, const HttpRequest& request) {
  std::string_view encoded = request.path;
  if (!encoded.starts_with(kDownloadPathPrefix)) {
    return HttpResponse::Text(HttpStatus::not_found, "not found\n");
  }
  encoded.remove_prefix(kDownloadPathPrefix.size());
  std::optional<std::string> key = DecodeKey(encoded);
  if (!key || !ValidateObjectKey(*key).ok()) {
    return HttpResponse::Text(HttpStatus::bad_request, "invalid object key\n");
  }
  if (request.QueryParamCount("expires") != 1 || request.QueryParamCount("sig") != 1) {
    return Forbidden("malformed link");
  }
  LinkVerdict verdict =
      store.VerifyLink(*key, *request.QueryParam("expires"), *request.QueryParam("sig"));
  if (verdict != LinkVerdict::kValid) return Forbidden(LinkVerdictName(verdict));
  Result<LocalObjectFile> file = store.OpenObject(*key);
  if (!file.ok()) {
    if (file.status().code() == StatusCode::kNotFound) {
      return HttpResponse::Text(HttpStatus::not_found, "object not found\n");
    }
    return HttpResponse::FromStatus(file.status());
  }
  return ObjectResponse(*key, std::move(file).value(), request);
}

void MountDownloadRoute(HttpServer& server, const LocalObjectStore& store) {
  server.Route(HttpMethod::get, std::string(kDownloadPathPrefix),
               [&store](const HttpRequest& request) { return ServeDownload(store, request); });
}

}  // namespace de
