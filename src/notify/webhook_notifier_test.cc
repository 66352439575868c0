#include "notify/webhook_notifier.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cstdlib>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/uuid.h"
#include "common/version.h"

namespace de {
namespace {

struct ReceivedRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

// A one-connection-at-a-time HTTP/1.1 receiver on 127.0.0.1 (an ephemeral port), run on its own
// thread and joined by the destructor. For the n-th request (1-based) `script(n)` gives the
// status to answer with, or kHang to read the request and never answer (until the client hangs
// up). Each answer closes the connection.
class TestReceiver {
 public:
  static constexpr int kHang = -1;

  explicit TestReceiver(std::function<int(int)> script) : script_(std::move(script)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof(addr);
    if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        ::listen(listen_fd_, 16) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ADD_FAILURE() << "test receiver could not listen";
      return;
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }

  ~TestReceiver() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    if (listen_fd_ >= 0) ::close(listen_fd_);
  }

  std::string url() const { return fmt::format("http://127.0.0.1:{}/hooks/daily", port_); }

  std::vector<ReceivedRequest> requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

 private:
  // Waits up to 20 ms for `fd` to be readable; false on timeout.
  static bool Readable(int fd) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, 20) > 0;
  }

  void Serve() {
    while (!stop_) {
      if (!Readable(listen_fd_)) continue;
      int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      Handle(fd);
      ::close(fd);
    }
  }

  void Handle(int fd) {
    ReceivedRequest request;
    if (!ReadRequest(fd, &request)) return;
    int n;
    {
      std::lock_guard<std::mutex> lock(mu_);
      requests_.push_back(request);
      n = static_cast<int>(requests_.size());
    }
    int status = script_(n);
    if (status == kHang) {
      char byte;
      while (!stop_) {
        if (Readable(fd) && ::recv(fd, &byte, 1, 0) <= 0) return;  // the client hung up
      }
      return;
    }
    std::string answer =
        fmt::format("HTTP/1.1 {} Test\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok", status);
    ::send(fd, answer.data(), answer.size(), MSG_NOSIGNAL);
    ::shutdown(fd, SHUT_WR);
  }

  // Reads one request: the head up to the blank line, then Content-Length bytes of body.
  bool ReadRequest(int fd, ReceivedRequest* request) {
    std::string data;
    size_t head_end = std::string::npos;
    size_t body_length = 0;
    while (!stop_) {
      if (head_end == std::string::npos && (head_end = data.find("\r\n\r\n")) != data.npos) {
        ParseHead(data.substr(0, head_end), request);
        body_length = std::strtoul(request->headers["content-length"].c_str(), nullptr, 10);
      }
      if (head_end != std::string::npos && data.size() >= head_end + 4 + body_length) {
        request->body = data.substr(head_end + 4, body_length);
        return true;
      }
      if (!Readable(fd)) continue;
      char buffer[4096];
      ssize_t got = ::recv(fd, buffer, sizeof(buffer), 0);
      if (got <= 0) return false;
      data.append(buffer, static_cast<size_t>(got));
    }
    return false;
  }

  static void ParseHead(const std::string& head, ReceivedRequest* request) {
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

  std::function<int(int)> script_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  mutable std::mutex mu_;
  std::vector<ReceivedRequest> requests_;  // guarded by mu_
};

// HMAC-SHA256 computed here with OpenSSL's one-shot HMAC(), apart from the notifier's code.
std::string ExpectedSignature(const std::string& secret, const std::string& body) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &length);
  std::string hex = "sha256=";
  for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", mac[i]);
  return hex;
}

DailyRunSummary Summary() {
  DailyRunSummary s;
  s.run_date = "2026-10-04";
  s.outcome = DailyRunOutcome::kPartialSuccess;
  s.env = "test";
  s.time_zone = "Australia/Melbourne";
  s.start_time = 1791036000;
  s.end_time = 1791118800;
  s.trigger = "catch-up";
  s.policy_version = 2;
  DailyTableSummary ok;
  ok.table = "cctv";
  ok.status = "COMPLETED";
  ok.attempts = 1;
  ok.rows_written = 5;
  ok.unclassified_columns = {"camera_note"};
  DailyTableSummary failed;
  failed.table = "way";
  failed.status = "FAILED";
  failed.attempts = 3;
  failed.error = "UNAVAILABLE: warehouse down";
  s.tables = {ok, failed};
  return s;
}

WebhookOptions FastOptions(const std::string& url) {
  WebhookOptions options;
  options.url = url;
  options.secret = "s3cr3t-key";
  options.timeout_ms = 2000;
  options.initial_backoff_ms = 1;
  options.max_backoff_ms = 5;
  return options;
}

std::unique_ptr<WebhookNotifier> MustCreate(WebhookOptions options) {
  auto created = WebhookNotifier::Create(std::move(options));
  EXPECT_TRUE(created.ok()) << created.status().ToString();
  return created.ok() ? std::move(created).value() : nullptr;
}

class WebhookNotifierTest : public ::testing::Test {
 protected:
  // The receiver is local: keep a proxy from the environment out of the way.
  static void SetUpTestSuite() {
    for (const char* name :
         {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"}) {
      ::unsetenv(name);
    }
  }
};

TEST_F(WebhookNotifierTest, PostsSignedPayloadWithHeaders) {
  TestReceiver receiver([](int) { return 204; });
  WebhookOptions options = FastOptions(receiver.url());
  options.signature_header = "X-Hub-Signature-256";
  auto notifier = MustCreate(options);
  ASSERT_NE(notifier, nullptr);
  EXPECT_EQ(notifier->name(), "webhook " + receiver.url());
  Status status = notifier->Notify(Summary());
  ASSERT_TRUE(status.ok()) << status.ToString();

  auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 1u);
  const ReceivedRequest& r = requests[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.target, "/hooks/daily");
  EXPECT_EQ(r.headers.at("content-type"), "application/json");
  EXPECT_EQ(r.headers.at("user-agent"), fmt::format("data-exporter/{}", kVersion));
  EXPECT_EQ(r.headers.at("x-data-exporter-event"), "daily-run");
  EXPECT_TRUE(IsUuid(r.headers.at("x-data-exporter-delivery")));
  EXPECT_EQ(r.headers.count("x-data-exporter-signature"), 0u);
  EXPECT_EQ(r.headers.at("x-hub-signature-256"), ExpectedSignature("s3cr3t-key", r.body));
  EXPECT_NE(r.headers.at("x-hub-signature-256"), ExpectedSignature("other-key", r.body));

  nlohmann::json payload = nlohmann::json::parse(r.body);
  EXPECT_EQ(payload["schema"], "data-exporter.daily-run/v1");
  EXPECT_EQ(payload["status"], "PARTIAL-SUCCESS");
  EXPECT_EQ(payload["run_date"], "2026-10-04");
  EXPECT_EQ(payload["trigger"], "catch-up");
  EXPECT_EQ(payload["range"]["start_utc"], "2026-10-03T14:00:00Z");
  EXPECT_EQ(payload["counts"],
            nlohmann::json::parse(R"({"tables":2,"completed":1,"failed":1,"skipped":0})"));
  EXPECT_EQ(payload["tables"][1]["error"], "UNAVAILABLE: warehouse down");
  EXPECT_EQ(payload["unclassified_columns"]["cctv"], nlohmann::json::array({"camera_note"}));
  EXPECT_EQ(payload["error"], nullptr);
}

TEST_F(WebhookNotifierTest, NoSecretNoSignatureHeader) {
  TestReceiver receiver([](int) { return 200; });
  WebhookOptions options = FastOptions(receiver.url());
  options.secret = "";
  auto notifier = MustCreate(options);
  ASSERT_NE(notifier, nullptr);
  ASSERT_TRUE(notifier->Deliver(R"({"x":1})").ok());
  auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].body, R"({"x":1})");
  EXPECT_EQ(requests[0].headers.count("x-data-exporter-signature"), 0u);
}

TEST_F(WebhookNotifierTest, RetriesServerErrorsWithTheSameDeliveryId) {
  TestReceiver receiver([](int n) { return n <= 2 ? 500 : 200; });
  auto notifier = MustCreate(FastOptions(receiver.url()));
  ASSERT_NE(notifier, nullptr);
  Status status = notifier->Notify(Summary());
  EXPECT_TRUE(status.ok()) << status.ToString();
  auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 3u);
  std::string id = requests[0].headers.at("x-data-exporter-delivery");
  EXPECT_TRUE(IsUuid(id));
  for (const auto& r : requests) {
    EXPECT_EQ(r.headers.at("x-data-exporter-delivery"), id);
    EXPECT_EQ(r.body, requests[0].body);
    EXPECT_EQ(r.headers.at("x-data-exporter-signature"), ExpectedSignature("s3cr3t-key", r.body));
  }
  // A second notification is a new delivery.
  ASSERT_TRUE(notifier->Notify(Summary()).ok());
  requests = receiver.requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_NE(requests[3].headers.at("x-data-exporter-delivery"), id);
}

TEST_F(WebhookNotifierTest, TooManyRequestsIsRetried) {
  TestReceiver receiver([](int n) { return n == 1 ? 429 : 202; });
  auto notifier = MustCreate(FastOptions(receiver.url()));
  ASSERT_NE(notifier, nullptr);
  EXPECT_TRUE(notifier->Notify(Summary()).ok());
  EXPECT_EQ(receiver.requests().size(), 2u);
}

TEST_F(WebhookNotifierTest, AlwaysFailingGivesUpAfterMaxAttempts) {
  TestReceiver receiver([](int) { return 503; });
  WebhookOptions options = FastOptions(receiver.url());
  options.max_attempts = 4;
  auto notifier = MustCreate(options);
  ASSERT_NE(notifier, nullptr);
  Status status = notifier->Notify(Summary());
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
  EXPECT_EQ(status.message(),
            fmt::format("webhook {}: gave up after 4 attempt(s): HTTP 503", receiver.url()));
  EXPECT_EQ(status.message().find("s3cr3t"), std::string::npos);
  EXPECT_EQ(receiver.requests().size(), 4u);
}

TEST_F(WebhookNotifierTest, ClientErrorIsNotRetried) {
  TestReceiver receiver([](int) { return 400; });
  auto notifier = MustCreate(FastOptions(receiver.url()));
  ASSERT_NE(notifier, nullptr);
  Status status = notifier->Notify(Summary());
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(status.message(),
            fmt::format("webhook {}: HTTP 400 on attempt 1; not retried", receiver.url()));
  EXPECT_EQ(receiver.requests().size(), 1u);
}

TEST_F(WebhookNotifierTest, RedirectIsNotFollowed) {
  TestReceiver receiver([](int) { return 307; });
  auto notifier = MustCreate(FastOptions(receiver.url()));
  ASSERT_NE(notifier, nullptr);
  Status status = notifier->Notify(Summary());
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(receiver.requests().size(), 1u);
}

TEST_F(WebhookNotifierTest, SilentReceiverIsGivenUpOn) {
  TestReceiver receiver([](int) { return TestReceiver::kHang; });
  WebhookOptions options = FastOptions(receiver.url());
  options.timeout_ms = 200;
  options.max_attempts = 2;
  auto notifier = MustCreate(options);
  ASSERT_NE(notifier, nullptr);
  Status status = notifier->Notify(Summary());
  EXPECT_EQ(status.code(), StatusCode::kDeadlineExceeded) << status.ToString();
  EXPECT_NE(status.message().find("webhook " + receiver.url() + ": gave up after 2 attempt(s): "),
            std::string::npos)
      << status.message();
  EXPECT_NE(status.message().find("; no HTTP answer"), std::string::npos) << status.message();
  EXPECT_EQ(receiver.requests().size(), 2u);
}

TEST_F(WebhookNotifierTest, TimeoutAfterServerErrorNamesTheLastStatus) {
  TestReceiver receiver([](int n) { return n <= 1 ? 500 : TestReceiver::kHang; });
  WebhookOptions options = FastOptions(receiver.url());
  options.timeout_ms = 200;
  options.max_attempts = 3;
  auto notifier = MustCreate(options);
  ASSERT_NE(notifier, nullptr);
  Status status = notifier->Notify(Summary());
  EXPECT_EQ(status.code(), StatusCode::kDeadlineExceeded) << status.ToString();
  EXPECT_NE(status.message().find("webhook " + receiver.url() + ": gave up after 3 attempt(s): "),
            std::string::npos)
      << status.message();
  EXPECT_NE(status.message().find("; last HTTP status 500"), std::string::npos) << status.message();
  auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[2].headers.at("x-data-exporter-delivery"),
            requests[0].headers.at("x-data-exporter-delivery"));
}

TEST_F(WebhookNotifierTest, ConnectionRefused) {
  // A port that was just free: bind, read it, close.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), len), 0);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  ::close(fd);
  std::string url = fmt::format("http://127.0.0.1:{}/hook", ntohs(addr.sin_port));
  WebhookOptions options = FastOptions(url);
  options.max_attempts = 2;
  auto notifier = MustCreate(options);
  ASSERT_NE(notifier, nullptr);
  Status status = notifier->Notify(Summary());
  EXPECT_EQ(status.code(), StatusCode::kUnavailable) << status.ToString();
  EXPECT_NE(status.message().find("webhook " + url + ": gave up after 2 attempt(s): "),
            std::string::npos)
      << status.message();
  EXPECT_NE(status.message().find("; no HTTP answer"), std::string::npos) << status.message();
}

TEST_F(WebhookNotifierTest, BadOptionsAreRejected) {
  auto rejected = [](WebhookOptions options) {
    auto created = WebhookNotifier::Create(std::move(options));
    return created.ok() ? std::string("accepted") : created.status().ToString();
  };
  WebhookOptions good = FastOptions("https://hooks.example.com/x");
  EXPECT_EQ(rejected(good), "accepted");
  good.url = "HTTP://hooks.example.com";
  EXPECT_EQ(rejected(good), "accepted");

  WebhookOptions o = good;
  o.url = "ftp://hooks.example.com/x";
  EXPECT_EQ(rejected(o),
            "INVALID_ARGUMENT: webhook url 'ftp://hooks.example.com/x' must start with http:// "
            "or https://");
  o.url = "";
  EXPECT_EQ(rejected(o), "INVALID_ARGUMENT: webhook url '' must start with http:// or https://");
  o.url = "https://";
  EXPECT_EQ(rejected(o),
            "INVALID_ARGUMENT: webhook url 'https://' is not a valid http(s) URL with a host");
  o.url = "https://user:pw@hooks.example.com/a b";
  EXPECT_EQ(rejected(o),
            "INVALID_ARGUMENT: webhook url 'https://hooks.example.com/a b' is not a valid "
            "http(s) URL with a host");
  o = good;
  o.timeout_ms = 0;
  EXPECT_EQ(rejected(o), "INVALID_ARGUMENT: webhook timeout_ms 0 is not within 1..600000");
  o.timeout_ms = 600'001;
  EXPECT_EQ(rejected(o), "INVALID_ARGUMENT: webhook timeout_ms 600001 is not within 1..600000");
  o = good;
  o.max_attempts = 0;
  EXPECT_EQ(rejected(o), "INVALID_ARGUMENT: webhook max_attempts 0 is not within 1..20");
  o.max_attempts = 21;
  EXPECT_EQ(rejected(o), "INVALID_ARGUMENT: webhook max_attempts 21 is not within 1..20");
  o = good;
  o.initial_backoff_ms = -1;
  EXPECT_EQ(rejected(o), "INVALID_ARGUMENT: webhook initial_backoff_ms -1 is not within 0..60000");
  o = good;
  o.max_backoff_ms = 0;
  EXPECT_EQ(rejected(o),
            "INVALID_ARGUMENT: webhook max_backoff_ms 0 is not within initial_backoff_ms "
            "(1)..600000");
  o = good;
  o.signature_header = "X-Sig\r\nInjected: yes";
  EXPECT_EQ(rejected(o),
            "INVALID_ARGUMENT: webhook signature_header 'X-Sig\r\nInjected: yes' is not an HTTP "
            "header name");
  o.signature_header = "";
  EXPECT_EQ(rejected(o),
            "INVALID_ARGUMENT: webhook signature_header '' is not an HTTP header name");
}

TEST(RedactUrlTest, DropsUserInfoOnly) {
  EXPECT_EQ(RedactUrl("https://user:pw@example.com:8443/a?b=c@d"),
            "https://example.com:8443/a?b=c@d");
  EXPECT_EQ(RedactUrl("http://example.com/p@q"), "http://example.com/p@q");
  EXPECT_EQ(RedactUrl("http://a@b@example.com"), "http://example.com");
  EXPECT_EQ(RedactUrl("not a url"), "not a url");
}

}  // namespace
}  // namespace de
