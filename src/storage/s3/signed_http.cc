#include "storage/s3/signed_http.h"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "storage/s3/aws_xml.h"

namespace de::s3 {
namespace {

constexpr std::array<std::string_view, 6> kTransientCodes = {
    "RequestTimeout", "Throttling",           "ThrottlingException",
    "SlowDown",       "RequestLimitExceeded", "TooManyRequestsException"};
constexpr std::array<std::string_view, 4> kCredentialCodes = {
    "SignatureDoesNotMatch", "InvalidAccessKeyId", "ExpiredToken", "InvalidToken"};
constexpr std::array<std::string_view, 3> kNotFoundCodes = {"NoSuchKey", "NoSuchBucket",
                                                            "NoSuchUpload"};
constexpr std::array<std::string_view, 3> kInvalidArgumentCodes = {
    "InvalidArgument", "InvalidRequest", "KeyTooLongError"};
constexpr size_t kMaxMessageChars = 512;
constexpr int64_t kWaitSliceMs = 20;

template <size_t N>
bool Contains(const std::array<std::string_view, N>& list, std::string_view code) {
  return std::find(list.begin(), list.end(), code) != list.end();
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

// curl_global_init is not thread-safe; it runs once per process, on first use.
CURLcode GlobalInitCurl() {
  static std::once_flag once;
  static CURLcode result = CURLE_OK;
  std::call_once(once, [] { result = curl_global_init(CURL_GLOBAL_DEFAULT); });
  return result;
}

// The Host header for "http(s)://host[:port]" (default port dropped), or kInvalidArgument.
Result<std::string> HostOf(std::string_view scheme_host) {
  std::string_view rest;
  std::string_view default_port;
  if (scheme_host.substr(0, 7) == "http://") {
    rest = scheme_host.substr(7);
    default_port = "80";
  } else if (scheme_host.substr(0, 8) == "https://") {
    rest = scheme_host.substr(8);
    default_port = "443";
  } else {
    return InvalidArgument("'{}' is not an http(s)://host[:port] endpoint", scheme_host);
  }
  bool bad = rest.empty() || rest.front() == ':' ||
             rest.find_first_of("/?#@ \t\r\n") != std::string_view::npos;
  if (bad) return InvalidArgument("'{}' is not an http(s)://host[:port] endpoint", scheme_host);
  size_t colon = rest.rfind(':');
  if (colon != std::string_view::npos && rest.find(']') == std::string_view::npos) {
    std::string_view port = rest.substr(colon + 1);
    if (port.empty() || !std::all_of(port.begin(), port.end(), ::isdigit)) {
      return InvalidArgument("'{}' has a bad port", scheme_host);
    }
    if (port == default_port) return std::string(rest.substr(0, colon));
  }
  return std::string(rest);
}

std::string Clip(std::string text) {
  if (text.size() > kMaxMessageChars) {
    text.resize(kMaxMessageChars);
    text += "…";
  }
  return text;
}

bool IsSuccess(long status) { return status >= 200 && status < 300; }

// --- libcurl plumbing -------------------------------------------------------------------------

struct CurlListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using CurlHeaders = std::unique_ptr<curl_slist, CurlListDeleter>;

// State of one attempt, shared with libcurl's callbacks.
struct Transfer {
  std::string_view upload;
  size_t upload_pos = 0;
  HttpResponse response;
  const CancellationToken* cancel = nullptr;
  // Stall detection (libcurl's LOW_SPEED check averages over seconds, so it is only a
  // backstop): the last time a byte moved either way.
  int64_t stall_timeout_ms = 0;
  curl_off_t last_down = 0;
  curl_off_t last_up = 0;
  std::chrono::steady_clock::time_point last_progress = std::chrono::steady_clock::now();
  bool stalled = false;
};

size_t OnWrite(char* data, size_t size, size_t count, void* user) {
  static_cast<Transfer*>(user)->response.body.append(data, size * count);
  return size * count;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  std::string_view line(data, size * count);
  if (line.substr(0, 5) == "HTTP/") {
    transfer->response.headers.clear();  // a new answer (after 100 Continue)
    return line.size();
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return line.size();
  transfer->response.headers.emplace_back(ToLower(Trim(line.substr(0, colon))),
                                          std::string(Trim(line.substr(colon + 1))));
  return line.size();
}

size_t OnRead(char* buffer, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  size_t n = std::min(size * count, transfer->upload.size() - transfer->upload_pos);
  std::copy_n(transfer->upload.data() + transfer->upload_pos, n, buffer);
  transfer->upload_pos += n;
  return n;
}

int OnSeek(void* user, curl_off_t offset, int origin) {
  auto* transfer = static_cast<Transfer*>(user);
  if (origin != SEEK_SET || offset < 0 || static_cast<size_t>(offset) > transfer->upload.size()) {
    return CURL_SEEKFUNC_CANTSEEK;
  }
  transfer->upload_pos = static_cast<size_t>(offset);
  return CURL_SEEKFUNC_OK;
}

int OnProgress(void* user, curl_off_t, curl_off_t down, curl_off_t, curl_off_t up) {
  auto* transfer = static_cast<Transfer*>(user);
  if (transfer->cancel != nullptr && transfer->cancel->cancelled()) return 1;
  auto now = std::chrono::steady_clock::now();
  if (down != transfer->last_down || up != transfer->last_up) {
    transfer->last_down = down;
    transfer->last_up = up;
    transfer->last_progress = now;
    return 0;
  }
  if (transfer->stall_timeout_ms > 0 &&
      now - transfer->last_progress > std::chrono::milliseconds(transfer->stall_timeout_ms)) {
    transfer->stalled = true;
    return 1;
  }
  return 0;
}

// Sleeps `ms`, in slices, returning false as soon as `cancel` fires.
bool WaitUnlessCancelled(int64_t ms, const CancellationToken* cancel) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (cancel != nullptr && cancel->cancelled()) return false;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    std::this_thread::sleep_for(std::min(left, std::chrono::milliseconds(kWaitSliceMs)));
  }
  return cancel == nullptr || !cancel->cancelled();
}

// The wait before attempt `attempt + 1`: initial × 2^(attempt-1), capped, jittered to 50..100%.
int64_t BackoffMs(const RetryPolicy& policy, int attempt) {
  int64_t wait = policy.initial_backoff_ms;
  for (int i = 1; i < attempt && wait < policy.max_backoff_ms; ++i) wait *= 2;
  wait = std::min(wait, policy.max_backoff_ms);
  thread_local std::mt19937_64 random{std::random_device{}()};
  std::uniform_real_distribution<double> jitter(0.5, 1.0);
  return static_cast<int64_t>(static_cast<double>(wait) * jitter(random));
}

Status ValidateOptions(const SignedHttpOptions& o) {
  if (o.region.empty()) return InvalidArgument("signed HTTP client: region is empty");
  if (o.service.empty()) return InvalidArgument("signed HTTP client: service is empty");
  if (o.connect_timeout_ms <= 0) {
    return InvalidArgument("signed HTTP client: connect_timeout_ms must be > 0, got {}",
                           o.connect_timeout_ms);
  }
  if (o.stall_timeout_ms < 0 || o.attempt_timeout_ms < 0) {
    return InvalidArgument(
        "signed HTTP client: stall_timeout_ms and attempt_timeout_ms must "
        "be >= 0, got {} and {}",
        o.stall_timeout_ms, o.attempt_timeout_ms);
  }
  const RetryPolicy& r = o.retry;
  if (r.max_attempts < 1 || r.max_attempts > 20) {
    return InvalidArgument("signed HTTP client: retry.max_attempts must be 1..20, got {}",
                           r.max_attempts);
  }
  if (r.initial_backoff_ms < 0 || r.max_backoff_ms < r.initial_backoff_ms) {
    return InvalidArgument(
        "signed HTTP client: retry backoffs must satisfy 0 <= initial_backoff_ms ({}) <= "
        "max_backoff_ms ({})",
        r.initial_backoff_ms, r.max_backoff_ms);
  }
  return Status::Ok();
}

}  // namespace

// --- public free functions ---------------------------------------------------------------------

std::string HttpResponse::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return "";
}

AwsError ParseAwsError(const HttpResponse& response) {
  AwsError error;
  std::string_view body = response.body;
  size_t first = body.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && body[first] == '<') {
    // Query API answers nest <Error> in <ErrorResponse> with <RequestId> outside it.
    std::vector<std::string_view> errors = XmlElements(body, "Error");
    std::string_view scope = errors.empty() ? body : errors.front();
    error.code = XmlText(scope, "Code");
    error.message = XmlText(scope, "Message");
    error.request_id = XmlText(scope, "RequestId");
    if (error.request_id.empty()) error.request_id = XmlText(body, "RequestId");
  }
  if (error.request_id.empty()) error.request_id = response.Header("x-amz-request-id");
  if (error.request_id.empty()) error.request_id = response.Header("x-amzn-requestid");
  return error;
}

bool IsTransientAwsErrorCode(std::string_view code) { return Contains(kTransientCodes, code); }

bool IsRetryable(const HttpResponse& response, const AwsError& error) {
  if (response.status >= 500 || response.status == 429) return true;
  return response.status >= 400 && IsTransientAwsErrorCode(error.code);
}

Status StatusOfAwsError(std::string_view what, const HttpResponse& response) {
  AwsError error = ParseAwsError(response);
  std::string text = fmt::format("{}: HTTP {}", what, response.status);
  if (!error.code.empty()) text += " " + error.code;
  if (!error.message.empty()) text += ": " + Clip(error.message);
  if (!error.request_id.empty()) text += " (request id " + Clip(error.request_id) + ")";

  const long status = response.status;
  StatusCode code = StatusCode::kFailedPrecondition;
  if (status == 404 || Contains(kNotFoundCodes, error.code)) {
    code = StatusCode::kNotFound;
  } else if (status == 401 || (status == 403 && Contains(kCredentialCodes, error.code))) {
    code = StatusCode::kUnauthenticated;
  } else if (status == 403) {
    code = StatusCode::kPermissionDenied;
  } else if (IsRetryable(response, error) ||
             (IsSuccess(status) &&
              (IsTransientAwsErrorCode(error.code) || error.code == "InternalError"))) {
    code = StatusCode::kUnavailable;  // includes a "200 OK with <Error>" of a transient kind
  } else if (Contains(kInvalidArgumentCodes, error.code)) {
    code = StatusCode::kInvalidArgument;
  }
  return Status(code, std::move(text));
}

// --- the client ---------------------------------------------------------------------------------

// Idle libcurl easy handles; each keeps its connection cache across requests. Thread-safe.
struct SignedHttpClient::HandlePool {
  std::mutex mu;
  std::vector<CURL*> idle;  // guarded by mu

  ~HandlePool() {
    for (CURL* handle : idle) curl_easy_cleanup(handle);
  }
  CURL* Acquire() {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (!idle.empty()) {
        CURL* handle = idle.back();
        idle.pop_back();
        return handle;
      }
    }
    return curl_easy_init();
  }
  void Release(CURL* handle) {
    std::lock_guard<std::mutex> lock(mu);
    idle.push_back(handle);
  }
};

namespace {

// One handle borrowed from the pool for the length of a Send.
class BorrowedHandle {
 public:
  BorrowedHandle(std::function<void(CURL*)> release, CURL* handle)
      : release_(std::move(release)), handle_(handle) {}
  ~BorrowedHandle() {
    if (handle_ != nullptr) release_(handle_);
  }
  BorrowedHandle(const BorrowedHandle&) = delete;
  BorrowedHandle& operator=(const BorrowedHandle&) = delete;
  CURL* get() const { return handle_; }

 private:
  std::function<void(CURL*)> release_;
  CURL* handle_;
};

std::string Url(const HttpRequestSpec& request) {
  std::string url = request.scheme_host + (request.path.empty() ? "/" : request.path);
  if (!request.query.empty()) url += "?" + CanonicalQueryString(request.query);
  return url;
}

std::string HeaderLine(const std::string& name, const std::string& value) {
  // libcurl drops "Name:" lines; "Name;" sends a header with an empty value.
  return value.empty() ? name + ";" : name + ": " + value;
}

Status AppendHeader(CurlHeaders* list, const std::string& line) {
  curl_slist* grown = curl_slist_append(list->get(), line.c_str());
  if (grown == nullptr) return Internal("curl_slist_append failed");
  list->release();
  list->reset(grown);
  return Status::Ok();
}

}  // namespace

SignedHttpClient::SignedHttpClient(SignedHttpOptions options,
                                   std::shared_ptr<CredentialsProvider> credentials, Clock* clock)
    : options_(std::move(options)),
      credentials_(std::move(credentials)),
      clock_(clock),
      handles_(std::make_unique<HandlePool>()) {}

SignedHttpClient::~SignedHttpClient() = default;

Result<std::unique_ptr<SignedHttpClient>> SignedHttpClient::Create(
    SignedHttpOptions options, std::shared_ptr<CredentialsProvider> credentials, Clock* clock) {
  RETURN_IF_ERROR(ValidateOptions(options));
  if (credentials == nullptr) return InvalidArgument("signed HTTP client: no credentials");
  if (clock == nullptr) return InvalidArgument("signed HTTP client: no clock");
  if (GlobalInitCurl() != CURLE_OK) return Internal("libcurl could not be initialised");
  return std::unique_ptr<SignedHttpClient>(
      new SignedHttpClient(std::move(options), std::move(credentials), clock));
}

namespace {

// Sets up `handle` for one attempt of `request` with the signed `headers`.
Status Prepare(CURL* handle, const HttpRequestSpec& request, const SignedHttpOptions& options,
               const CurlHeaders& headers, Transfer* transfer, const std::string& url,
               char* error_buffer) {
  curl_easy_reset(handle);  // keeps the connection cache
  CURLcode code = CURLE_OK;
  auto set = [&](CURLoption option, auto value) {
    if (code == CURLE_OK) code = curl_easy_setopt(handle, option, value);
  };
  set(CURLOPT_URL, url.c_str());
  set(CURLOPT_ERRORBUFFER, error_buffer);
  set(CURLOPT_NOSIGNAL, 1L);
  set(CURLOPT_FOLLOWLOCATION, 0L);
  set(CURLOPT_PROTOCOLS_STR, "http,https");
  set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.connect_timeout_ms));
  if (options.stall_timeout_ms > 0) {
    set(CURLOPT_LOW_SPEED_LIMIT, 1L);
    set(CURLOPT_LOW_SPEED_TIME, static_cast<long>((options.stall_timeout_ms + 999) / 1000));
  }
  if (options.attempt_timeout_ms > 0) {
    set(CURLOPT_TIMEOUT_MS, static_cast<long>(options.attempt_timeout_ms));
  }
  if (!options.ca_file.empty()) set(CURLOPT_CAINFO, options.ca_file.c_str());
  set(CURLOPT_HTTPHEADER, headers.get());
  set(CURLOPT_WRITEFUNCTION, OnWrite);
  set(CURLOPT_WRITEDATA, static_cast<void*>(transfer));
  set(CURLOPT_HEADERFUNCTION, OnHeader);
  set(CURLOPT_HEADERDATA, static_cast<void*>(transfer));
  set(CURLOPT_NOPROGRESS, 0L);
  set(CURLOPT_XFERINFOFUNCTION, OnProgress);
  set(CURLOPT_XFERINFODATA, static_cast<void*>(transfer));
  const std::string& method = request.method;
  if (method == "GET") {
    set(CURLOPT_HTTPGET, 1L);
  } else if (method == "HEAD") {
    set(CURLOPT_NOBODY, 1L);
  } else if (method == "PUT" || method == "POST") {
    // Both upload from memory through the read callback, with an exact Content-Length.
    set(CURLOPT_UPLOAD, 1L);
    set(CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    set(CURLOPT_READFUNCTION, OnRead);
    set(CURLOPT_READDATA, static_cast<void*>(transfer));
    set(CURLOPT_SEEKFUNCTION, OnSeek);
    set(CURLOPT_SEEKDATA, static_cast<void*>(transfer));
    if (method == "POST") set(CURLOPT_CUSTOMREQUEST, "POST");
  } else if (method == "DELETE") {
    set(CURLOPT_CUSTOMREQUEST, "DELETE");
  } else {
    return InvalidArgument("unsupported HTTP method '{}'", method);
  }
  if (code != CURLE_OK) return Internal("libcurl setup failed: {}", curl_easy_strerror(code));
  return Status::Ok();
}

}  // namespace

namespace {

// The header list of one attempt: Host, the request's headers and the signature's, with
// libcurl's own "Expect: 100-continue" and default POST Content-Type suppressed.
Result<CurlHeaders> SignedHeaders(const HttpRequestSpec& request, const std::string& host,
                                  const std::string& payload_hash, const Credentials& keys,
                                  const SignedHttpOptions& options, int64_t now_seconds) {
  SigningRequest signing{request.method,  host,        request.path, request.query,
                         request.headers, payload_hash};
  ASSIGN_OR_RETURN(HeaderList signature,
                   SignHeaders(signing, keys, options.region, options.service, now_seconds));
  CurlHeaders headers;
  RETURN_IF_ERROR(AppendHeader(&headers, "Host: " + host));
  for (const auto& [name, value] : request.headers) {
    RETURN_IF_ERROR(AppendHeader(&headers, HeaderLine(name, value)));
  }
  for (const auto& [name, value] : signature) {
    RETURN_IF_ERROR(AppendHeader(&headers, HeaderLine(name, value)));
  }
  RETURN_IF_ERROR(AppendHeader(&headers, "Expect:"));
  bool has_type = std::any_of(request.headers.begin(), request.headers.end(),
                              [](const auto& h) { return ToLower(h.first) == "content-type"; });
  if (!has_type) RETURN_IF_ERROR(AppendHeader(&headers, "Content-Type:"));
  return headers;
}

// One attempt on `handle`: the answer, or kCancelled / kDeadlineExceeded (timeout, stall) /
// kUnavailable (no answer) naming `what`.
Result<HttpResponse> Perform(CURL* handle, const HttpRequestSpec& request,
                             const SignedHttpOptions& options, const CurlHeaders& headers,
                             const std::string& url, const CancellationToken* cancel,
                             const std::string& what, int attempt) {
  Transfer transfer;
  transfer.upload = request.body;
  transfer.cancel = cancel;
  transfer.stall_timeout_ms = options.stall_timeout_ms;
  char error_buffer[CURL_ERROR_SIZE] = {0};
  RETURN_IF_ERROR(Prepare(handle, request, options, headers, &transfer, url, error_buffer));
  CURLcode code = curl_easy_perform(handle);
  if (code == CURLE_OK) {
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &transfer.response.status);
    return std::move(transfer.response);
  }
  if (cancel != nullptr && cancel->cancelled()) return Cancelled("{}: cancelled", what);
  if (transfer.stalled) {
    return DeadlineExceeded("{}: stalled (no byte moved for {} ms) on attempt {}", what,
                            options.stall_timeout_ms, attempt);
  }
  std::string detail = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
  if (code == CURLE_OPERATION_TIMEDOUT) {
    return DeadlineExceeded("{}: timed out on attempt {}: {}", what, attempt, detail);
  }
  return Unavailable("{}: no answer after {} attempt(s): {}", what, attempt, detail);
}

bool WorthRetrying(const HttpResponse& response,
                   const std::function<bool(const HttpResponse&)>& retry_if) {
  if (IsSuccess(response.status)) return retry_if && retry_if(response);
  return response.status >= 400 && IsRetryable(response, ParseAwsError(response));
}

}  // namespace

Result<HttpResponse> SignedHttpClient::Send(
    const HttpRequestSpec& request, const CancellationToken* cancel,
    const std::function<bool(const HttpResponse&)>& retry_if) {
  ASSIGN_OR_RETURN(const std::string host, HostOf(request.scheme_host));
  const std::string what =
      fmt::format("{} {}{}", request.method, host, request.path.empty() ? "/" : request.path);
  const std::string url = Url(request);
  const std::string payload_hash =
      request.payload_sha256_hex.empty() ? Sha256Hex(request.body) : request.payload_sha256_hex;
  BorrowedHandle handle([pool = handles_.get()](CURL* h) { pool->Release(h); },
                        handles_->Acquire());
  if (handle.get() == nullptr) return Internal("{}: curl_easy_init failed", what);

  for (int attempt = 1;; ++attempt) {
    if (cancel != nullptr && cancel->cancelled()) return Cancelled("{}: cancelled", what);
    // Signed afresh: the credentials may have rotated and the time moved on.
    ASSIGN_OR_RETURN(TimedCredentials credentials, credentials_->Get());
    ASSIGN_OR_RETURN(CurlHeaders headers,
                     SignedHeaders(request, host, payload_hash, credentials.keys, options_,
                                   clock_->NowSeconds()));
    Result<HttpResponse> answer =
        Perform(handle.get(), request, options_, headers, url, cancel, what, attempt);
    const bool last = attempt >= options_.retry.max_attempts;
    if (answer.ok() && (last || !WorthRetrying(*answer, retry_if))) return answer;
    if (!answer.ok() && (last || !answer.status().IsTransient())) return answer.status();
    if (!WaitUnlessCancelled(BackoffMs(options_.retry, attempt), cancel)) {
      return Cancelled("{}: cancelled", what);
    }
  }
}

}  // namespace de::s3
