// WebhookNotifier: POSTs the daily-run payload (notify/payload.h) to an HTTP(S) endpoint over
// libcurl, signed with HMAC-SHA256, retried with exponential backoff and jitter, and bounded in
// time so a dead webhook never holds up the export.
//
// Request:
//   POST <url>
//   Content-Type: application/json
//   User-Agent: data-exporter/<version>
//   X-Data-Exporter-Event: daily-run
//   X-Data-Exporter-Delivery: <UUID v4, the same on every retry of one notification>
//   <signature_header>: sha256=<64 lower-case hex digits of HMAC-SHA256(secret, body)>
//                        (only when a secret is set)
//   <body: the payload, exactly the bytes signed>
// A receiver verifies the signature over the raw body before parsing it, and may use the
// delivery id to drop duplicates (a retry after a lost response delivers twice).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "export/daily_summary.h"

namespace de {

struct WebhookOptions {
  std::string url;     // http:// or https://; redirects are never followed
  std::string secret;  // HMAC-SHA256 key; empty: requests are not signed
  std::string signature_header = "X-Data-Exporter-Signature";  // an HTTP header name
  int64_t timeout_ms = 5000;         // per attempt, connecting included; 1..600000
  int max_attempts = 3;              // 1..20
  int64_t initial_backoff_ms = 500;  // wait before the 2nd attempt, doubled after each; 0..60000
  int64_t max_backoff_ms = 30000;    // cap on one wait; initial_backoff_ms..600000
};

// "scheme://host…" of `url` without any "user:password@", for names and messages.
std::string RedactUrl(std::string_view url);

// Thread-safe: Notify may run on several threads at once (each call has its own connection).
class WebhookNotifier final : public Notifier {
 public:
  // kInvalidArgument naming the option when one is out of range (url not http(s), timeout,
  // attempts, backoff, a signature header that is not an HTTP token); kInternal when libcurl
  // cannot be initialised.
  static Result<std::unique_ptr<WebhookNotifier>> Create(WebhookOptions options);

  // "webhook <url>" (redacted).
  std::string name() const override;

  // Delivers DailyRunPayload(summary); see Deliver.
  Status Notify(const DailyRunSummary& summary) override;

  // POSTs `body` until a 2xx answer, at most max_attempts times. Connection errors, timeouts,
  // 5xx and 429 are retried after a wait of initial_backoff_ms·2^(n-1) (capped, jittered to
  // 50..100%); any other answer (3xx, 4xx) is given up at once. Returns within about
  // max_attempts × (timeout_ms + max wait). Errors name the URL (never the secret) and the last
  // HTTP status: kUnavailable (connection errors or 5xx/429 to the end), kDeadlineExceeded (the
  // last attempt timed out), kFailedPrecondition (an answer or a libcurl error that retrying
  // cannot fix, e.g. 400, 404, a TLS certificate that does not verify).
  Status Deliver(std::string_view body);

  const WebhookOptions& options() const { return options_; }

 private:
  explicit WebhookNotifier(WebhookOptions options);

  struct Attempt;
  Attempt PostOnce(std::string_view body, const std::string& delivery_id) const;
  int64_t BackoffMs(int failed_attempts) const;

  const WebhookOptions options_;
  const std::string display_url_;
};

}  // namespace de
