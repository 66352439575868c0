#include "storage/s3/sigv4.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <map>

#include <fmt/format.h>

namespace de::s3 {
namespace {

constexpr char kHexUpper[] = "0123456789ABCDEF";
constexpr char kHexLower[] = "0123456789abcdef";

bool IsUnreserved(unsigned char c) {
  return std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~';
}

std::string HexLower(const unsigned char* bytes, size_t size) {
  std::string out;
  out.reserve(size * 2);
  for (size_t i = 0; i < size; ++i) {
    out.push_back(kHexLower[bytes[i] >> 4]);
    out.push_back(kHexLower[bytes[i] & 0x0f]);
  }
  return out;
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &mac_size);
  return std::string(reinterpret_cast<const char*>(mac), mac_size);
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The specification's Trimall: no leading or trailing blanks, inner runs of blanks collapsed
// to one space.
std::string TrimAll(std::string_view value) {
  std::string out;
  bool pending_space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

// Lower-cased header name -> values in the order given; std::map keeps names sorted.
std::map<std::string, std::vector<std::string>> CanonicalHeaderMap(const SigningRequest& request) {
  std::map<std::string, std::vector<std::string>> headers;
  for (const auto& [name, value] : request.headers) {
    headers[ToLower(TrimAll(name))].push_back(TrimAll(value));
  }
  if (headers.find("host") == headers.end()) headers["host"].push_back(request.host);
  return headers;
}

std::string SignedHeaderList(const std::map<std::string, std::vector<std::string>>& headers) {
  std::string out;
  for (const auto& [name, values] : headers) {
    if (!out.empty()) out.push_back(';');
    out += name;
  }
  return out;
}

std::string CanonicalUri(std::string_view path, std::string_view service) {
  if (path.empty()) return "/";
  if (service == "s3") return std::string(path);
  return UriEncode(path, /*encode_slash=*/false);
}

Status CheckSigningInputs(const Credentials& credentials, std::string_view region,
                          std::string_view service) {
  if (credentials.access_key_id.empty()) {
    return InvalidArgument("SigV4: the access key id is empty");
  }
  if (credentials.secret_access_key.empty()) {
    return InvalidArgument("SigV4: the secret access key is empty");
  }
  if (region.empty()) return InvalidArgument("SigV4: the region is empty");
  if (service.empty()) return InvalidArgument("SigV4: the service name is empty");
  return Status::Ok();
}

// "host[:port]" of "http(s)://host[:port]", without the scheme's default port.
Result<std::string> HostOf(std::string_view scheme_host) {
  std::string_view rest;
  std::string_view default_port;
  if (scheme_host.substr(0, 7) == "http://") {
    rest = scheme_host.substr(7);
    default_port = ":80";
  } else if (scheme_host.substr(0, 8) == "https://") {
    rest = scheme_host.substr(8);
    default_port = ":443";
  } else {
    return InvalidArgument("presign: endpoint '{}' does not start with http:// or https://",
                           scheme_host);
  }
  if (rest.empty() || rest.find_first_of("/?#@ ") != std::string_view::npos) {
    return InvalidArgument("presign: endpoint '{}' must be scheme://host[:port] with no path",
                           scheme_host);
  }
  if (rest.size() > default_port.size() &&
      rest.substr(rest.size() - default_port.size()) == default_port) {
    rest.remove_suffix(default_port.size());
  }
  return std::string(rest);
}

std::string JoinQuery(const QueryList& query) {
  std::string out;
  for (const auto& [name, value] : query) {
    if (!out.empty()) out.push_back('&');
    out += UriEncode(name, true) + "=" + UriEncode(value, true);
  }
  return out;
}

}  // namespace

std::string UriEncode(std::string_view input, bool encode_slash) {
  std::string out;
  out.reserve(input.size() * 3);
  for (char ch : input) {
    const auto c = static_cast<unsigned char>(ch);
    if (IsUnreserved(c) || (c == '/' && !encode_slash)) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHexUpper[c >> 4]);
      out.push_back(kHexUpper[c & 0x0f]);
    }
  }
  return out;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return HexLower(digest, sizeof(digest));
}

std::string AmzDate(int64_t epoch_seconds) {
  const auto t = static_cast<std::time_t>(epoch_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

std::string CredentialScope(std::string_view amz_date, std::string_view region,
                            std::string_view service) {
  return fmt::format("{}/{}/{}/aws4_request", amz_date.substr(0, 8), region, service);
}

std::string CanonicalQueryString(const QueryList& query) {
  QueryList encoded;
  encoded.reserve(query.size());
  for (const auto& [name, value] : query) {
    encoded.emplace_back(UriEncode(name, true), UriEncode(value, true));
  }
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out.push_back('&');
    out += name + "=" + value;
  }
  return out;
}

std::string CanonicalRequest(const SigningRequest& request, std::string_view service) {
  const auto headers = CanonicalHeaderMap(request);
  std::string canonical_headers;
  for (const auto& [name, values] : headers) {
    canonical_headers += name + ":";
    for (size_t i = 0; i < values.size(); ++i) {
      if (i > 0) canonical_headers.push_back(',');
      canonical_headers += values[i];
    }
    canonical_headers.push_back('\n');
  }
  return fmt::format("{}\n{}\n{}\n{}\n{}\n{}", request.method, CanonicalUri(request.path, service),
                     CanonicalQueryString(request.query), canonical_headers,
                     SignedHeaderList(headers), request.payload_sha256_hex);
}

std::string StringToSign(std::string_view amz_date, std::string_view credential_scope,
                         std::string_view canonical_request) {
  return fmt::format("{}\n{}\n{}\n{}", kAlgorithm, amz_date, credential_scope,
                     Sha256Hex(canonical_request));
}

std::string SigningKey(std::string_view secret_access_key, std::string_view date,
                       std::string_view region, std::string_view service) {
  const std::string date_key = HmacSha256("AWS4" + std::string(secret_access_key), date);
  const std::string region_key = HmacSha256(date_key, region);
  const std::string service_key = HmacSha256(region_key, service);
  return HmacSha256(service_key, "aws4_request");
}

std::string Signature(std::string_view signing_key, std::string_view string_to_sign) {
  const std::string mac = HmacSha256(signing_key, string_to_sign);
  return HexLower(reinterpret_cast<const unsigned char*>(mac.data()), mac.size());
}

Result<HeaderList> SignHeaders(const SigningRequest& request, const Credentials& credentials,
                               std::string_view region, std::string_view service,
                               int64_t epoch_seconds) {
  RETURN_IF_ERROR(CheckSigningInputs(credentials, region, service));
  if (request.payload_sha256_hex.empty()) {
    return InvalidArgument("SigV4: the payload hash is empty (use UNSIGNED-PAYLOAD to skip it)");
  }
  const std::string amz_date = AmzDate(epoch_seconds);
  HeaderList added = {{"x-amz-date", amz_date}};
  if (service == "s3") added.emplace_back("x-amz-content-sha256", request.payload_sha256_hex);
  if (!credentials.session_token.empty()) {
    added.emplace_back("x-amz-security-token", credentials.session_token);
  }
  SigningRequest signed_request = request;
  signed_request.headers.insert(signed_request.headers.end(), added.begin(), added.end());

  const std::string scope = CredentialScope(amz_date, region, service);
  const std::string string_to_sign =
      StringToSign(amz_date, scope, CanonicalRequest(signed_request, service));
  const std::string key =
      SigningKey(credentials.secret_access_key, amz_date.substr(0, 8), region, service);
  added.emplace_back("Authorization",
                     fmt::format("{} Credential={}/{}, SignedHeaders={}, Signature={}", kAlgorithm,
                                 credentials.access_key_id, scope,
                                 SignedHeaderList(CanonicalHeaderMap(signed_request)),
                                 Signature(key, string_to_sign)));
  return added;
}

Result<std::string> PresignUrl(std::string_view method, std::string_view scheme_host,
                               std::string_view path, const QueryList& query,
                               const Credentials& credentials, std::string_view region,
                               std::string_view service, int64_t epoch_seconds,
                               int64_t expires_seconds) {
  RETURN_IF_ERROR(CheckSigningInputs(credentials, region, service));
  if (expires_seconds < 1 || expires_seconds > kMaxPresignExpirySeconds) {
    return InvalidArgument("presign: expiry of {} seconds is outside 1..{}", expires_seconds,
                           kMaxPresignExpirySeconds);
  }
  ASSIGN_OR_RETURN(std::string host, HostOf(scheme_host));
  const std::string amz_date = AmzDate(epoch_seconds);
  const std::string scope = CredentialScope(amz_date, region, service);

  // The authentication parameters in botocore's order; the canonical query sorts them anyway.
  QueryList auth = {{"X-Amz-Algorithm", std::string(kAlgorithm)},
                    {"X-Amz-Credential", credentials.access_key_id + "/" + scope},
                    {"X-Amz-Date", amz_date},
                    {"X-Amz-Expires", std::to_string(expires_seconds)},
                    {"X-Amz-SignedHeaders", "host"}};
  if (!credentials.session_token.empty()) {
    auth.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }

  SigningRequest request;
  request.method = std::string(method);
  request.host = host;
  request.path = std::string(path);
  request.query = query;
  request.query.insert(request.query.end(), auth.begin(), auth.end());
  request.payload_sha256_hex =
      std::string(service == "s3" ? kUnsignedPayload : kEmptyPayloadSha256);

  const std::string string_to_sign =
      StringToSign(amz_date, scope, CanonicalRequest(request, service));
  const std::string key =
      SigningKey(credentials.secret_access_key, amz_date.substr(0, 8), region, service);

  std::string url = fmt::format("{}{}?", scheme_host, path.empty() ? "/" : path);
  const std::string caller_query = CanonicalQueryString(query);
  if (!caller_query.empty()) url += caller_query + "&";
  url += JoinQuery(auth) + "&X-Amz-Signature=" + Signature(key, string_to_sign);
  return url;
}

}  // namespace de::s3
