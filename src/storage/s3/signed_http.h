// SignedHttpClient: HTTP(S) requests to an AWS-style endpoint over libcurl, each attempt signed
// afresh with SigV4 (sigv4.h) using the credential provider's current keys, retried with
// exponential backoff and jitter when retrying can help. Shared by the S3 client (service "s3")
// and the SNS notifier (service "sns").
//
// Retried: connection errors (refused, reset, dropped mid-answer), timeouts, HTTP 5xx, 429, and
// 4xx answers whose AWS error code is transient (RequestTimeout, Throttling,
// ThrottlingException, SlowDown, RequestLimitExceeded, TooManyRequestsException). Anything else
// is returned to the caller at once as the response it is.
//
// Connections are reused: the client keeps a pool of libcurl handles (one per concurrent
// request), so parts uploaded in parallel each keep their own keep-alive connection.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/cancellation.h"
#include "common/clock.h"
#include "common/status.h"
#include "storage/s3/credentials.h"
#include "storage/s3/sigv4.h"

namespace de::s3 {

struct HttpRequestSpec {
  std::string method;  // GET, PUT, POST, HEAD, DELETE
  std::string
      scheme_host;        // "https://bucket.s3.eu-central-1.amazonaws.com", "http://127.0.0.1:5000"
  std::string path;       // URI-encoded exactly as sent, as SigningRequest::path; "" = "/"
  QueryList query;        // raw names and values; encoded and sorted when sent
  HeaderList headers;     // sent and signed (content-type, content-md5, x-amz-*, ...)
  std::string_view body;  // sent as is; must stay valid until Send returns
  // Hex SHA-256 of the body; computed when empty. kUnsignedPayload is allowed.
  std::string payload_sha256_hex;
};

struct HttpResponse {
  long status = 0;
  HeaderList headers;  // names lower-cased, in the order received
  std::string body;    // for HEAD: empty
  // The first header named `name` (lower-case), or "" when absent.
  std::string Header(std::string_view name) const;
};

// An AWS error answer: S3's <Error><Code>…</Code><Message>…</Message></Error> or the Query
// API's <ErrorResponse><Error>…</Error></ErrorResponse>. Empty fields when the body has none
// (e.g. HEAD answers, which have no body).
struct AwsError {
  std::string code;        // "NoSuchKey", "SignatureDoesNotMatch", "SlowDown", ...
  std::string message;     // AWS's human-readable text
  std::string request_id;  // <RequestId>, else the x-amz-request-id (x-amzn-requestid) header
};
AwsError ParseAwsError(const HttpResponse& response);

// Whether an answer is worth another attempt (the list above).
bool IsRetryable(const HttpResponse& response, const AwsError& error);

// Whether `code` is one of the transient AWS error codes above (RequestTimeout, SlowDown, ...).
bool IsTransientAwsErrorCode(std::string_view code);

// Our status for a non-2xx answer: "<what>: HTTP <status> <code>: <message> (request id <id>)",
// code mapped as 404/NoSuchKey/NoSuchBucket/NoSuchUpload → kNotFound, 401 and 403 with
// SignatureDoesNotMatch/InvalidAccessKeyId/ExpiredToken/InvalidToken → kUnauthenticated, other
// 403 → kPermissionDenied, retryable answers → kUnavailable, other 4xx → kFailedPrecondition
// (kInvalidArgument for InvalidArgument/InvalidRequest/KeyTooLongError). Parts the answer lacks
// (code, message, request id) are left out of the text. Also takes a "200 OK with an <Error>
// body": kUnavailable when its code is transient or InternalError. Any 401 is
// kUnauthenticated. Never contains credentials (AWS's <StringToSign> etc. are not copied).
Status StatusOfAwsError(std::string_view what, const HttpResponse& response);

struct RetryPolicy {
  int max_attempts = 6;              // 1..20
  int64_t initial_backoff_ms = 100;  // wait before the 2nd attempt, doubled after each
  int64_t max_backoff_ms = 5'000;    // cap on one wait; each wait jittered to 50..100%
};

struct SignedHttpOptions {
  std::string region;   // e.g. "eu-central-1"
  std::string service;  // "s3", "sns"
  int64_t connect_timeout_ms = 10'000;
  // An attempt is abandoned (and retried) when no byte moves for this long; 0 = never.
  int64_t stall_timeout_ms = 60'000;
  // Hard cap on one attempt, 0 = none (large uploads legitimately take minutes).
  int64_t attempt_timeout_ms = 0;
  RetryPolicy retry;
  std::string ca_file;  // PEM bundle for https; empty = the system's
};

// Thread-safe: Send may run on many threads at once.
class SignedHttpClient {
 public:
  // kInvalidArgument for an empty region/service or options out of range; kInternal when
  // libcurl cannot be initialised.
  static Result<std::unique_ptr<SignedHttpClient>> Create(
      SignedHttpOptions options, std::shared_ptr<CredentialsProvider> credentials,
      Clock* clock = Clock::System());
  ~SignedHttpClient();

  // Sends `request` until an answer that is not retryable or the attempts run out, and returns
  // that last answer, whatever its status (callers turn non-2xx into a Status with
  // StatusOfAwsError). Errors without an answer: kUnavailable (connection errors to the end),
  // kDeadlineExceeded (the last attempt timed out), kCancelled (`cancel` fired; checked before
  // every attempt and during waits and transfers), kInvalidArgument (a malformed scheme_host),
  // and the credential provider's error. Messages name method, host and path, never secrets.
  // `retry_if`, when set, is asked about every 2xx answer too: true retries it (for S3's
  // "200 OK with an <Error> body" answers).
  Result<HttpResponse> Send(const HttpRequestSpec& request,
                            const CancellationToken* cancel = nullptr,
                            const std::function<bool(const HttpResponse&)>& retry_if = {});

  const SignedHttpOptions& options() const { return options_; }
  CredentialsProvider* credentials() const { return credentials_.get(); }
  Clock* clock() const { return clock_; }

 private:
  SignedHttpClient(SignedHttpOptions options, std::shared_ptr<CredentialsProvider> credentials,
                   Clock* clock);
  struct HandlePool;

  const SignedHttpOptions options_;
  const std::shared_ptr<CredentialsProvider> credentials_;
  Clock* const clock_;
  std::unique_ptr<HandlePool> handles_;
};

}  // namespace de::s3
