// SnsNotifier: publishes each daily-run summary to an Amazon SNS topic through the AWS Query API
// (POST Action=Publish, form-encoded, Version=2010-03-31), signed with SigV4 (service "sns") by
// the same code as the S3 client, retried with backoff on connection errors, 5xx and throttling.
//
//   Subject: SUCCESS | FAILED | PARTIAL-SUCCESS (the run's outcome)
//   Message: DailyRunPayload(summary) (notify/payload.h), the same JSON the webhook and file
//            notifiers send. SNS takes at most 256 KiB; a larger summary is sent with its tables
//            list cut to what fits and "tables_truncated": <how many were dropped> added, so
//            the outcome and counts always arrive.
// The region is the topic ARN's (arn:aws:sns:<region>:<account>:<name>) unless set.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/clock.h"
#include "export/daily_summary.h"
#include "storage/s3/credentials.h"
#include "storage/s3/signed_http.h"

namespace de {

struct SnsOptions {
  std::string topic_arn;  // arn:aws:sns:<region>:<12-digit account>:<topic name>
  std::string endpoint;   // "http(s)://host[:port]"; empty = https://sns.<region>.amazonaws.com
  std::string region;     // empty = the ARN's
  int64_t timeout_ms = 5'000;  // per attempt, connecting included
  s3::RetryPolicy retry = {3, 500, 30'000};
};

// The AWS Query API body of a Publish, "Action=Publish&Message=…&Subject=…&TopicArn=…&
// Version=2010-03-31" (names sorted; values form-encoded as botocore does: RFC 3986 unreserved
// characters kept, a space as '+', every other byte as %XX, so "a b&c=d+e" is
// "a+b%26c%3Dd%2Be").
std::string SnsPublishBody(const std::string& topic_arn, const std::string& subject,
                           const std::string& message);

// The message for `summary`: DailyRunPayload, or the cut version above when it exceeds
// `max_bytes`.
std::string SnsMessage(const DailyRunSummary& summary, size_t max_bytes = 256 * 1024);

// Thread-safe.
class SnsNotifier final : public Notifier {
 public:
  // kInvalidArgument naming the option for a topic ARN that is not an SNS ARN, a bad endpoint
  // or region, timeouts or retries out of range.
  static Result<std::unique_ptr<SnsNotifier>> Create(
      SnsOptions options, std::shared_ptr<s3::CredentialsProvider> credentials,
      Clock* clock = Clock::System());

  // "sns <topic arn>".
  std::string name() const override;

  // Publishes; OK once SNS answered with a MessageId. Errors carry SNS's error code and message
  // (e.g. NotFound for an unknown topic, AuthorizationError) and never credentials.
  Status Notify(const DailyRunSummary& summary) override;

  // Publish with an explicit subject and message; the MessageId.
  Result<std::string> Publish(const std::string& subject, const std::string& message);

 private:
  SnsNotifier(SnsOptions options, std::unique_ptr<s3::SignedHttpClient> http);

  const SnsOptions options_;
  std::unique_ptr<s3::SignedHttpClient> http_;
};

}  // namespace de
