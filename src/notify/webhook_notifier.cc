#include "notify/webhook_notifier.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <mutex>
#include <random>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/uuid.h"
#include "common/version.h"
#include "notify/payload.h"
#include "policy/treatments.h"

namespace de {

struct WebhookNotifier::Attempt {
  enum class Outcome { kDelivered, kRetry, kGiveUp };
  Outcome outcome = Outcome::kGiveUp;
  long http_status = 0;  // 0: no HTTP answer
  bool timed_out = false;
  std::string problem;  // "HTTP 500", or libcurl's description of the failure
};

namespace {

// curl_global_init is not thread-safe; it runs once per process, on first use.
CURLcode GlobalInitCurl() {
  static std::once_flag once;
  static CURLcode result = CURLE_OK;
  std::call_once(once, [] { result = curl_global_init(CURL_GLOBAL_DEFAULT); });
  return result;
}

bool StartsWithIgnoringCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  return std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) ==
           std::tolower(static_cast<unsigned char>(b));
  });
}

// RFC 9110 §5.6.2 token: the characters a header name may have.
bool IsHttpToken(std::string_view text) {
  constexpr std::string_view kSymbols = "!#$%&'*+-.^_`|~";
  return !text.empty() && std::all_of(text.begin(), text.end(), [&](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || kSymbols.find(c) != kSymbols.npos;
  });
}

Status CheckUrl(const std::string& url) {
  std::string shown = RedactUrl(url);
  if (!StartsWithIgnoringCase(url, "http://") && !StartsWithIgnoringCase(url, "https://")) {
    return InvalidArgument("webhook url '{}' must start with http:// or https://", shown);
  }
  bool bad_char = std::any_of(url.begin(), url.end(), [](char c) {
    return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f;
  });
  CURLU* parsed = curl_url();
  if (parsed == nullptr) return Internal("libcurl could not allocate a URL parser");
  CURLUcode code = curl_url_set(parsed, CURLUPART_URL, url.c_str(), 0);
  char* host = nullptr;
  if (code == CURLUE_OK) code = curl_url_get(parsed, CURLUPART_HOST, &host, 0);
  bool has_host = host != nullptr && host[0] != '\0';
  curl_free(host);
  curl_url_cleanup(parsed);
  if (bad_char || code != CURLUE_OK || !has_host) {
    return InvalidArgument("webhook url '{}' is not a valid http(s) URL with a host", shown);
  }
  return Status::Ok();
}

Status CheckOptions(const WebhookOptions& o) {
  RETURN_IF_ERROR(CheckUrl(o.url));
  if (o.timeout_ms < 1 || o.timeout_ms > 600'000) {
    return InvalidArgument("webhook timeout_ms {} is not within 1..600000", o.timeout_ms);
  }
  if (o.max_attempts < 1 || o.max_attempts > 20) {
    return InvalidArgument("webhook max_attempts {} is not within 1..20", o.max_attempts);
  }
  if (o.initial_backoff_ms < 0 || o.initial_backoff_ms > 60'000) {
    return InvalidArgument("webhook initial_backoff_ms {} is not within 0..60000",
                           o.initial_backoff_ms);
  }
  if (o.max_backoff_ms < o.initial_backoff_ms || o.max_backoff_ms > 600'000) {
    return InvalidArgument(
        "webhook max_backoff_ms {} is not within initial_backoff_ms ({})..600000", o.max_backoff_ms,
        o.initial_backoff_ms);
  }
  if (!IsHttpToken(o.signature_header)) {
    return InvalidArgument("webhook signature_header '{}' is not an HTTP header name",
                           o.signature_header);
  }
  return Status::Ok();
}

// Failures worth another attempt: the endpoint could not be reached or the exchange broke off.
bool IsRetryable(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

// The response body is not used; reading it lets the connection end cleanly.
size_t DiscardBody(char*, size_t size, size_t count, void*) { return size * count; }

struct CurlDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using CurlHandle = std::unique_ptr<CURL, CurlDeleter>;
using CurlHeaders = std::unique_ptr<curl_slist, CurlDeleter>;

// Appends one header line; false when libcurl could not allocate.
bool AddHeader(CurlHeaders& headers, const std::string& line) {
  curl_slist* grown = curl_slist_append(headers.get(), line.c_str());
  if (grown == nullptr) return false;
  headers.release();
  headers.reset(grown);
  return true;
}

}  // namespace

std::string RedactUrl(std::string_view url) {
  size_t scheme_end = url.find("://");
  if (scheme_end == url.npos) return std::string(url);
  size_t authority = scheme_end + 3;
  size_t authority_end = url.find_first_of("/?#", authority);
  if (authority_end == url.npos) authority_end = url.size();
  size_t at = url.rfind('@', authority_end - 1);
  if (at == url.npos || at < authority || authority_end == authority) return std::string(url);
  return std::string(url.substr(0, authority)) + std::string(url.substr(at + 1));
}

Result<std::unique_ptr<WebhookNotifier>> WebhookNotifier::Create(WebhookOptions options) {
  if (GlobalInitCurl() != CURLE_OK) return Internal("libcurl could not be initialised");
  RETURN_IF_ERROR(CheckOptions(options));
  return std::unique_ptr<WebhookNotifier>(new WebhookNotifier(std::move(options)));
}

WebhookNotifier::WebhookNotifier(WebhookOptions options)
    : options_(std::move(options)), display_url_(RedactUrl(options_.url)) {}

std::string WebhookNotifier::name() const { return "webhook " + display_url_; }

Status WebhookNotifier::Notify(const DailyRunSummary& summary) {
  return Deliver(DailyRunPayload(summary));
}

Status WebhookNotifier::Deliver(std::string_view body) {
  ASSIGN_OR_RETURN(std::string delivery_id, NewUuidV4());
  long last_http_status = 0;
  for (int n = 1;; ++n) {
    Attempt attempt = PostOnce(body, delivery_id);
    if (attempt.http_status != 0) last_http_status = attempt.http_status;
    if (attempt.outcome == Attempt::Outcome::kDelivered) return Status::Ok();
    if (attempt.outcome == Attempt::Outcome::kGiveUp) {
      return FailedPrecondition("webhook {}: {} on attempt {}; not retried", display_url_,
                                attempt.problem, n);
    }
    if (n >= options_.max_attempts) {
      std::string last = attempt.http_status != 0 ? ""
                         : last_http_status != 0
                             ? fmt::format("; last HTTP status {}", last_http_status)
                             : "; no HTTP answer";
      std::string message = fmt::format("webhook {}: gave up after {} attempt(s): {}{}",
                                        display_url_, n, attempt.problem, last);
      return attempt.timed_out ? DeadlineExceeded("{}", message) : Unavailable("{}", message);
    }
    int64_t wait_ms = BackoffMs(n);
    spdlog::info("webhook {}: attempt {} of {} failed ({}); retrying in {} ms", display_url_, n,
                 options_.max_attempts, attempt.problem, wait_ms);
    std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
  }
}

WebhookNotifier::Attempt WebhookNotifier::PostOnce(std::string_view body,
                                                   const std::string& delivery_id) const {
  Attempt attempt;
  CurlHandle curl(curl_easy_init());
  CurlHeaders headers;
  bool built = curl != nullptr && AddHeader(headers, "Content-Type: application/json") &&
               AddHeader(headers, "X-Data-Exporter-Event: daily-run") &&
               AddHeader(headers, "X-Data-Exporter-Delivery: " + delivery_id) &&
               AddHeader(headers, "Expect:");  // no 100-continue round trip
  if (built && !options_.secret.empty()) {
    built = AddHeader(headers, fmt::format("{}: sha256={}", options_.signature_header,
                                           HmacSha256Hex(options_.secret, body)));
  }
  if (!built) {
    attempt.problem = "libcurl could not allocate a request";
    return attempt;
  }
  std::string user_agent = fmt::format("{}/{}", kProductName, kVersion);
  char error[CURL_ERROR_SIZE] = {0};
  CURL* h = curl.get();
  CURLcode code = CURLE_OK;
  auto set = [&](CURLoption option, auto value) {
    if (code == CURLE_OK) code = curl_easy_setopt(h, option, value);
  };
  set(CURLOPT_ERRORBUFFER, error);
  set(CURLOPT_URL, options_.url.c_str());
  set(CURLOPT_PROTOCOLS_STR, "http,https");
  set(CURLOPT_FOLLOWLOCATION, 0L);
  set(CURLOPT_NOSIGNAL, 1L);
  set(CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout_ms));
  set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.timeout_ms));
  set(CURLOPT_POST, 1L);
  set(CURLOPT_POSTFIELDS, body.data());
  set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  set(CURLOPT_HTTPHEADER, headers.get());
  set(CURLOPT_USERAGENT, user_agent.c_str());
  set(CURLOPT_WRITEFUNCTION, &DiscardBody);
  if (code == CURLE_OK) code = curl_easy_perform(h);
  if (code != CURLE_OK) {
    attempt.outcome = IsRetryable(code) ? Attempt::Outcome::kRetry : Attempt::Outcome::kGiveUp;
    attempt.timed_out = code == CURLE_OPERATION_TIMEDOUT;
    attempt.problem = error[0] != '\0' ? error : curl_easy_strerror(code);
    return attempt;
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &attempt.http_status);
  attempt.problem = fmt::format("HTTP {}", attempt.http_status);
  if (attempt.http_status >= 200 && attempt.http_status < 300) {
    attempt.outcome = Attempt::Outcome::kDelivered;
  } else if (attempt.http_status == 429 || attempt.http_status >= 500) {
    attempt.outcome = Attempt::Outcome::kRetry;
  }
  return attempt;
}

int64_t WebhookNotifier::BackoffMs(int failed_attempts) const {
  int64_t wait = options_.initial_backoff_ms;
  for (int i = 1; i < failed_attempts && wait < options_.max_backoff_ms; ++i) wait *= 2;
  wait = std::min(wait, options_.max_backoff_ms);
  if (wait <= 1) return wait;
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_int_distribution<int64_t>(wait / 2, wait)(rng);
}

}  // namespace de
