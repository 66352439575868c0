// Offline tests of the SNS notifier: the Publish body, the message and its truncation, option
// checks, and whole requests against a scripted HTTP receiver on 127.0.0.1 (subject per
// outcome, headers, error answers, retries). sns_notifier_live_test.cc runs against moto.
#include "notify/sns_notifier.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "notify/payload.h"

namespace de {
namespace {

constexpr char kArn[] = "arn:aws:sns:us-east-1:123456789012:data-exporter-runs";
constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr int64_t kNow = 1'795'341'600;  // 2026-11-22T10:00:00Z

// ---- the body ----

TEST(SnsPublishBodyTest, EncodesNamesInOrderAndValuesAsBotocoreDoes) {
  EXPECT_EQ(SnsPublishBody(kArn, "PARTIAL-SUCCESS", "a b&c=d+e \xC3\xA9 \xE2\x9C\x93/~_.-*%20"),
            "Action=Publish&Message=a+b%26c%3Dd%2Be+%C3%A9+%E2%9C%93%2F~_.-%2A%2520"
            "&Subject=PARTIAL-SUCCESS"
            "&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A123456789012%3Adata-exporter-runs"
            "&Version=2010-03-31");
  EXPECT_EQ(SnsPublishBody(kArn, "SUCCESS", "{\"k\":\"v w\",\"n\":[1,2]}\n"),
            "Action=Publish&Message=%7B%22k%22%3A%22v+w%22%2C%22n%22%3A%5B1%2C2%5D%7D%0A"
            "&Subject=SUCCESS"
            "&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A123456789012%3Adata-exporter-runs"
            "&Version=2010-03-31");
  EXPECT_EQ(SnsPublishBody(kArn, "FAILED", ""),
            "Action=Publish&Message=&Subject=FAILED"
            "&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A123456789012%3Adata-exporter-runs"
            "&Version=2010-03-31");
}

// ---- the message ----

DailyRunSummary Summary(DailyRunOutcome outcome, int tables) {
  DailyRunSummary s;
  s.run_date = "2026-11-21";
  s.outcome = outcome;
  s.env = "test";
  s.time_zone = "Australia/Melbourne";
  s.start_time = 1'795'179'600;
  s.end_time = 1'795'266'000;
  s.trigger = "schedule";
  s.policy_version = 3;
  for (int i = 0; i < tables; ++i) {
    DailyTableSummary t;
    t.table = fmt::format("table_{:03}", i);
    t.status = i % 3 == 2 ? "FAILED" : "COMPLETED";
    t.attempts = 1;
    t.rows_written = 1000 + i;
    t.prefix = fmt::format("exports/test/2026/11/21/{}/", t.table);
    if (t.status == "FAILED") t.error = "UNAVAILABLE: warehouse went away \xE2\x9C\x97";
    if (i % 2 == 0) t.unclassified_columns = {"note", "comment"};
    s.tables.push_back(std::move(t));
  }
  return s;
}

TEST(SnsMessageTest, SmallSummaryIsThePayload) {
  DailyRunSummary s = Summary(DailyRunOutcome::kPartialSuccess, 3);
  EXPECT_EQ(SnsMessage(s), DailyRunPayload(s));
  EXPECT_EQ(SnsMessage(s, DailyRunPayload(s).size()), DailyRunPayload(s));
}

TEST(SnsMessageTest, LargeSummaryKeepsWhatFitsAndSaysHowManyWereDropped) {
  DailyRunSummary s = Summary(DailyRunOutcome::kPartialSuccess, 50);
  const size_t max_bytes = 3000;
  ASSERT_GT(DailyRunPayload(s).size(), max_bytes);
  std::string message = SnsMessage(s, max_bytes);
  EXPECT_LE(message.size(), max_bytes);
  nlohmann::json json = nlohmann::json::parse(message);  // valid JSON (throws otherwise)
  nlohmann::json full = DailyRunSummaryJson(s);
  size_t kept = json["tables"].size();
  EXPECT_GT(kept, 0u);
  EXPECT_LT(kept, 50u);
  EXPECT_EQ(json["tables_truncated"], 50 - kept);
  // The outcome and counts always arrive; the tables kept are the first ones, whole.
  EXPECT_EQ(json["status"], "PARTIAL-SUCCESS");
  EXPECT_EQ(json["counts"], full["counts"]);
  EXPECT_EQ(json["counts"]["tables"], 50);
  for (size_t i = 0; i < kept; ++i) EXPECT_EQ(json["tables"][i], full["tables"][i]) << i;
  // Unclassified columns only for the tables kept.
  for (const auto& [table, columns] : json["unclassified_columns"].items()) {
    EXPECT_LT(table, fmt::format("table_{:03}", kept)) << table;
    EXPECT_EQ(columns, full["unclassified_columns"][table]);
  }
  EXPECT_EQ(json["unclassified_columns"].size(), (kept + 1) / 2);
  // The most that fit: one table more would not.
  nlohmann::json one_more = json;
  one_more["tables"].push_back(full["tables"][kept]);
  one_more["tables_truncated"] = 50 - kept - 1;
  std::string next = full["tables"][kept]["table"];
  if (full["unclassified_columns"].contains(next)) {
    one_more["unclassified_columns"][next] = full["unclassified_columns"][next];
  }
  EXPECT_GT(one_more.dump().size(), max_bytes);
}

TEST(SnsMessageTest, TinyLimitStillSendsOutcomeAndCounts) {
  DailyRunSummary s = Summary(DailyRunOutcome::kFailed, 20);
  nlohmann::json json = nlohmann::json::parse(SnsMessage(s, 100));
  EXPECT_EQ(json["status"], "FAILED");
  EXPECT_EQ(json["tables"], nlohmann::json::array());
  EXPECT_EQ(json["tables_truncated"], 20);
  EXPECT_EQ(json["counts"]["tables"], 20);
  EXPECT_EQ(json["unclassified_columns"], nlohmann::json::object());
}

// ---- options ----

std::shared_ptr<s3::CredentialsProvider> Keys(FakeClock* clock) {
  return s3::StaticCredentials({"AKIDEXAMPLE", kSecret, ""}, std::nullopt, "test", clock);
}

std::string CreateError(SnsOptions options, bool with_credentials = true) {
  FakeClock clock(kNow * 1'000'000);
  auto created =
      SnsNotifier::Create(std::move(options), with_credentials ? Keys(&clock) : nullptr, &clock);
  return created.ok() ? "accepted" : created.status().ToString();
}

TEST(SnsNotifierOptionsTest, RefusesBadOptionsNamingThem) {
  SnsOptions good;
  good.topic_arn = kArn;
  EXPECT_EQ(CreateError(good), "accepted");
  for (const char* arn :
       {"", "arn:aws:sqs:us-east-1:123456789012:q", "arn:aws:sns:us-east-1:12345678901:t",
        "arn:aws:sns::123456789012:t",
        "arn:aws:sns:us-east-1:123456789012:", "arn:aws:sns:us-east-1:123456789012",
        "arn:aws:sns:us-east-1:123456789012:a:b", "arn:aws:sns:us-east-1:123456789012:a b"}) {
    SnsOptions o = good;
    o.topic_arn = arn;
    EXPECT_EQ(CreateError(o),
              fmt::format("INVALID_ARGUMENT: sns: topic_arn '{}' is not an SNS topic ARN "
                          "(arn:aws:sns:<region>:<12-digit account>:<topic name>)",
                          arn));
  }
  SnsOptions o = good;
  o.topic_arn = "arn:aws:sns:eu-west-1:123456789012:runs.fifo";
  EXPECT_EQ(CreateError(o), "accepted");
  for (const char* endpoint : {"ftp://sns.example.com", "http://host/path", "sns.example.com",
                               "http://", "http://us er@host"}) {
    o = good;
    o.endpoint = endpoint;
    EXPECT_NE(CreateError(o).find(
                  fmt::format("sns: endpoint '{}' is not http(s)://host[:port]", endpoint)),
              std::string::npos)
        << endpoint;
  }
  o = good;
  o.region = "US-EAST-1";
  EXPECT_EQ(CreateError(o),
            "INVALID_ARGUMENT: sns: region 'US-EAST-1' is not a region name (e.g. us-east-1)");
  o = good;
  o.timeout_ms = 0;
  EXPECT_EQ(CreateError(o), "INVALID_ARGUMENT: sns: timeout_ms must be 1..600000, got 0");
  o = good;
  o.retry.max_attempts = 21;
  EXPECT_EQ(CreateError(o), "INVALID_ARGUMENT: sns: retry.max_attempts must be 1..20, got 21");
  o = good;
  o.retry = {3, 100, 10};
  EXPECT_EQ(CreateError(o),
            "INVALID_ARGUMENT: sns: retry backoffs must satisfy 0 <= initial_backoff_ms (100) <= "
            "max_backoff_ms (10)");
  EXPECT_EQ(CreateError(good, /*with_credentials=*/false), "INVALID_ARGUMENT: sns: no credentials");
}

// ---- whole requests against a scripted receiver ----

struct Received {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

struct Answer {
  int status;
  std::string body;
};

// One connection at a time on 127.0.0.1 (an ephemeral port), on its own thread, joined by the
// destructor. The n-th request (1-based) gets `script(n)`; each answer closes the connection.
class ScriptedReceiver {
 public:
  explicit ScriptedReceiver(std::function<Answer(int)> script) : script_(std::move(script)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        ::listen(listen_fd_, 16) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ADD_FAILURE() << "receiver could not listen";
      return;
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~ScriptedReceiver() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    if (listen_fd_ >= 0) ::close(listen_fd_);
  }

  std::string endpoint() const { return fmt::format("http://127.0.0.1:{}", port_); }
  std::vector<Received> requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

 private:
  static bool Readable(int fd) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, 20) > 0;
  }

  void Serve() {
    while (!stop_) {
      if (!Readable(listen_fd_)) continue;
      int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      Received request;
      if (Read(fd, &request)) {
        int n;
        {
          std::lock_guard<std::mutex> lock(mu_);
          requests_.push_back(request);
          n = static_cast<int>(requests_.size());
        }
        Answer a = script_(n);
        std::string text = fmt::format(
            "HTTP/1.1 {} Scripted\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n"
            "Connection: close\r\n\r\n{}",
            a.status, a.body.size(), a.body);
        ::send(fd, text.data(), text.size(), MSG_NOSIGNAL);
      }
      ::close(fd);
    }
  }

  bool Read(int fd, Received* request) {
    std::string data;
    while (!stop_) {
      size_t head_end = data.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        ParseHead(data.substr(0, head_end), request);
        size_t length = std::strtoul(request->headers["content-length"].c_str(), nullptr, 10);
        if (data.size() >= head_end + 4 + length) {
          request->body = data.substr(head_end + 4, length);
          return true;
        }
      }
      if (!Readable(fd)) continue;
      char buffer[4096];
      ssize_t got = ::recv(fd, buffer, sizeof(buffer), 0);
      if (got <= 0) return false;
      data.append(buffer, static_cast<size_t>(got));
    }
    return false;
  }

  static void ParseHead(const std::string& head, Received* request) {
    size_t line_end = head.find("\r\n");
    std::string line = head.substr(0, line_end);
    size_t sp1 = line.find(' ');
    size_t sp2 = line.find(' ', sp1 + 1);
    request->method = line.substr(0, sp1);
    request->target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    while (line_end != std::string::npos) {
      size_t start = line_end + 2;
      line_end = head.find("\r\n", start);
      std::string field = head.substr(start, line_end == head.npos ? head.npos : line_end - start);
      size_t colon = field.find(':');
      if (colon == std::string::npos) continue;
      std::string name = field.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      size_t value = field.find_first_not_of(' ', colon + 1);
      request->headers[name] = value == field.npos ? "" : field.substr(value);
    }
  }

  std::function<Answer(int)> script_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  mutable std::mutex mu_;
  std::vector<Received> requests_;  // guarded by mu_
};

constexpr char kPublished[] =
    "<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">"
    "<PublishResult><MessageId>567910cd-659e-55d4-8ccb-5aaf14679dc0</MessageId></PublishResult>"
    "<ResponseMetadata><RequestId>d74b8436-ae13</RequestId></ResponseMetadata>"
    "</PublishResponse>";

std::string QueryError(const std::string& type, const std::string& code,
                       const std::string& message) {
  return fmt::format(
      "<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><Error><Type>{}</Type>"
      "<Code>{}</Code><Message>{}</Message></Error><RequestId>req-1</RequestId></ErrorResponse>",
      type, code, message);
}

class SnsNotifierTest : public ::testing::Test {
 protected:
  std::unique_ptr<SnsNotifier> Make(const ScriptedReceiver& receiver) {
    SnsOptions options;
    options.topic_arn = kArn;
    options.endpoint = receiver.endpoint();
    options.timeout_ms = 5'000;
    options.retry = {3, 1, 5};
    auto created = SnsNotifier::Create(options, Keys(&clock_), &clock_);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return created.ok() ? std::move(created).value() : nullptr;
  }

  FakeClock clock_{kNow * 1'000'000};
};

TEST_F(SnsNotifierTest, PublishesTheSubjectOfEachOutcomeAndThePayload) {
  ScriptedReceiver receiver([](int) { return Answer{200, kPublished}; });
  auto notifier = Make(receiver);
  ASSERT_NE(notifier, nullptr);
  EXPECT_EQ(notifier->name(), std::string("sns ") + kArn);
  const std::pair<DailyRunOutcome, const char*> outcomes[] = {
      {DailyRunOutcome::kSuccess, "SUCCESS"},
      {DailyRunOutcome::kFailed, "FAILED"},
      {DailyRunOutcome::kPartialSuccess, "PARTIAL-SUCCESS"}};
  for (const auto& [outcome, subject] : outcomes) {
    ASSERT_TRUE(notifier->Notify(Summary(outcome, 2)).ok()) << subject;
  }
  std::vector<Received> got = receiver.requests();
  ASSERT_EQ(got.size(), 3u);
  for (size_t i = 0; i < got.size(); ++i) {
    const auto& [outcome, subject] = outcomes[i];
    EXPECT_EQ(got[i].method, "POST");
    EXPECT_EQ(got[i].target, "/");
    EXPECT_EQ(got[i].body, SnsPublishBody(kArn, subject, DailyRunPayload(Summary(outcome, 2))));
    EXPECT_EQ(got[i].headers["content-type"], "application/x-www-form-urlencoded; charset=utf-8");
    EXPECT_EQ(got[i].headers["x-amz-date"], "20261122T100000Z");
    EXPECT_TRUE(got[i].headers["authorization"].starts_with(
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261122/us-east-1/sns/aws4_request, "))
        << got[i].headers["authorization"];
    EXPECT_EQ(got[i].headers["authorization"].find(kSecret), std::string::npos);
  }
}

TEST_F(SnsNotifierTest, PublishReturnsTheMessageId) {
  ScriptedReceiver receiver([](int) { return Answer{200, kPublished}; });
  auto notifier = Make(receiver);
  ASSERT_NE(notifier, nullptr);
  Result<std::string> id = notifier->Publish("hello world", "a&b=c");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(*id, "567910cd-659e-55d4-8ccb-5aaf14679dc0");
  ASSERT_EQ(receiver.requests().size(), 1u);
  EXPECT_EQ(receiver.requests()[0].body, SnsPublishBody(kArn, "hello world", "a&b=c"));
}

TEST_F(SnsNotifierTest, ErrorsCarrySnsCodeAndMessage) {
  struct Case {
    Answer answer;
    StatusCode code;
    std::string message;
  };
  const Case cases[] = {
      {{404, QueryError("Sender", "NotFound", "Topic does not exist")},
       StatusCode::kNotFound,
       std::string("SNS Publish to ") + kArn +
           ": HTTP 404 NotFound: Topic does not exist (request id req-1)"},
      {{403, QueryError("Sender", "AuthorizationError", "User is not authorized")},
       StatusCode::kPermissionDenied,
       std::string("SNS Publish to ") + kArn +
           ": HTTP 403 AuthorizationError: User is not authorized (request id req-1)"},
      {{403, QueryError("Sender", "SignatureDoesNotMatch", "The request signature ...")},
       StatusCode::kUnauthenticated,
       std::string("SNS Publish to ") + kArn +
           ": HTTP 403 SignatureDoesNotMatch: The request signature ... (request id req-1)"},
      {{400, QueryError("Sender", "InvalidParameter", "Message too long")},
       StatusCode::kFailedPrecondition,
       std::string("SNS Publish to ") + kArn +
           ": HTTP 400 InvalidParameter: Message too long (request id req-1)"},
      {{200, "<PublishResponse></PublishResponse>"},
       StatusCode::kInternal,
       std::string("SNS Publish to ") + kArn + ": HTTP 200 without a MessageId in the answer"},
  };
  for (const Case& c : cases) {
    ScriptedReceiver receiver([&](int) { return c.answer; });
    auto notifier = Make(receiver);
    ASSERT_NE(notifier, nullptr);
    Status status = notifier->Notify(Summary(DailyRunOutcome::kSuccess, 1));
    EXPECT_EQ(status.code(), c.code) << status.ToString();
    EXPECT_EQ(status.message(), c.message);
    EXPECT_EQ(status.message().find(kSecret), std::string::npos);
    EXPECT_EQ(receiver.requests().size(), 1u) << "not retried: " << c.message;
  }
}

TEST_F(SnsNotifierTest, RetriesServerErrorsAndThrottling) {
  ScriptedReceiver receiver([](int n) {
    if (n == 1) return Answer{500, QueryError("Receiver", "InternalError", "oops")};
    if (n == 2) return Answer{400, QueryError("Sender", "Throttling", "Rate exceeded")};
    return Answer{200, kPublished};
  });
  auto notifier = Make(receiver);
  ASSERT_NE(notifier, nullptr);
  Status status = notifier->Notify(Summary(DailyRunOutcome::kSuccess, 1));
  EXPECT_TRUE(status.ok()) << status.ToString();
  std::vector<Received> got = receiver.requests();
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[2].body, got[0].body);
}

TEST_F(SnsNotifierTest, GivesUpAfterTheAttempts) {
  ScriptedReceiver receiver([](int) {
    return Answer{503, QueryError("Receiver", "ServiceUnavailable", "busy")};
  });
  auto notifier = Make(receiver);
  ASSERT_NE(notifier, nullptr);
  Status status = notifier->Notify(Summary(DailyRunOutcome::kSuccess, 1));
  EXPECT_EQ(status.code(), StatusCode::kUnavailable) << status.ToString();
  EXPECT_NE(status.message().find("HTTP 503 ServiceUnavailable: busy"), std::string::npos)
      << status.message();
  EXPECT_EQ(receiver.requests().size(), 3u);
}

}  // namespace
}  // namespace de
