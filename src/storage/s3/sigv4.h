// AWS Signature Version 4 (SigV4), written from AWS's public specification: canonical request,
// string to sign, signing-key derivation, header signing and query-string presigning.
//
// All functions are pure (no clock, no I/O): the caller passes the signing time as Unix seconds,
// so results are reproducible in tests. Thread-safe: no shared state.
//
// Secrets: `Credentials` is never logged and has no operator<<; no error message built here
// contains the secret key or the session token.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace de::s3 {

// AWS credentials. `session_token` is empty for long-term keys.
struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;  // secret: never log
  std::string session_token;      // secret: never log; empty when not temporary
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;
using QueryList = std::vector<std::pair<std::string, std::string>>;

// One HTTP request to sign.
struct SigningRequest {
  std::string method;  // "GET", "PUT", ...
  std::string host;    // Host header value, with ":port" when not the scheme's default
  std::string path;    // already URI-encoded, exactly as sent ("/bucket/a%20b"); "" means "/"
  QueryList query;     // raw (unencoded) names and values, any order
  // Extra headers to sign, any case and order. A "host" entry here wins over `host`.
  HeaderList headers;
  // Hex SHA-256 of the body, or kUnsignedPayload.
  std::string payload_sha256_hex;
};

inline constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
inline constexpr std::string_view kEmptyPayloadSha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
// S3 refuses presigned URLs valid for longer than seven days.
inline constexpr int64_t kMaxPresignExpirySeconds = 7 * 24 * 3600;

// Percent-encodes every byte except the RFC 3986 unreserved characters A-Z a-z 0-9 - . _ ~,
// with upper-case hex ("%2B", "%C3%A9"); a space becomes "%20", never "+". '/' is kept as is
// unless `encode_slash` (true for query names and values, false for object key paths).
std::string UriEncode(std::string_view input, bool encode_slash);

// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);

// "YYYYMMDDTHHMMSSZ" (UTC) for Unix seconds.
std::string AmzDate(int64_t epoch_seconds);

// "YYYYMMDD/region/service/aws4_request" for an AmzDate timestamp.
std::string CredentialScope(std::string_view amz_date, std::string_view region,
                            std::string_view service);

// The query part of the canonical request: names and values UriEncode'd (slash encoded),
// sorted by name then value, joined as "a=1&b=2".
std::string CanonicalQueryString(const QueryList& query);

// The canonical request: method, canonical URI, canonical query string, canonical headers
// (names lower-cased, values trimmed with inner runs of spaces collapsed, duplicates joined with
// ','), signed-header list and payload hash, separated by '\n'. The URI is `request.path` as is
// for service "s3" and encoded once more (the specification's double encoding) for any other
// service; dot segments are not normalised.
std::string CanonicalRequest(const SigningRequest& request, std::string_view service);

// "AWS4-HMAC-SHA256\n<amz_date>\n<credential_scope>\n<hex sha256 of canonical_request>".
std::string StringToSign(std::string_view amz_date, std::string_view credential_scope,
                         std::string_view canonical_request);

// The 32-byte signing key: HMAC chain over "AWS4"+secret, date (YYYYMMDD), region, service and
// "aws4_request". Raw bytes, not hex.
std::string SigningKey(std::string_view secret_access_key, std::string_view date,
                       std::string_view region, std::string_view service);

// Lower-case hex HMAC-SHA256 of `string_to_sign` under `signing_key`.
std::string Signature(std::string_view signing_key, std::string_view string_to_sign);

// Signs `request` at `epoch_seconds` and returns the headers the caller must add to it, in this
// order: x-amz-date, x-amz-content-sha256 (service "s3" only), x-amz-security-token (when the
// credentials carry one), Authorization. All but Authorization are signed, together with host
// and `request.headers`. Errors: kInvalidArgument for an empty access key id, secret key,
// region or service, or an empty payload hash.
Result<HeaderList> SignHeaders(const SigningRequest& request, const Credentials& credentials,
                               std::string_view region, std::string_view service,
                               int64_t epoch_seconds);

// A presigned URL (SigV4 query signing) valid for `expires_seconds` from `epoch_seconds`:
// `scheme_host` ("https://bucket.s3.eu-central-1.amazonaws.com", "http://127.0.0.1:9000"; no
// path, a default port is dropped from the signed host) + `path` (already URI-encoded, as in
// SigningRequest) + "?" + `query` (sorted, encoded) + X-Amz-Algorithm, X-Amz-Credential,
// X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders=host, X-Amz-Security-Token (with session
// credentials) and X-Amz-Signature last — the order botocore emits, so the URL is byte-identical
// to its generate_presigned_url. The payload is UNSIGNED-PAYLOAD for service "s3".
// Errors: kInvalidArgument for expires outside 1..604800, empty credentials, region or service,
// or a `scheme_host` that is not "http(s)://host[:port]".
Result<std::string> PresignUrl(std::string_view method, std::string_view scheme_host,
                               std::string_view path, const QueryList& query,
                               const Credentials& credentials, std::string_view region,
                               std::string_view service, int64_t epoch_seconds,
                               int64_t expires_seconds);

}  // namespace de::s3
