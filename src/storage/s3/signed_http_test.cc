// Offline tests of the signed HTTP client's pure parts: AWS error parsing, the retry table,
// the mapping of answers to Status, option validation, and the XML helpers (aws_xml.h).
#include "storage/s3/signed_http.h"

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "storage/s3/aws_xml.h"

namespace de::s3 {
namespace {

class FixedCredentials : public CredentialsProvider {
 public:
  Result<TimedCredentials> Get() override {
    TimedCredentials c;
    c.keys = {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};
    c.source = "test";
    return c;
  }
  std::string Describe() const override { return "test"; }
};

HttpResponse Answer(long status, std::string body, HeaderList headers = {}) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

constexpr char kS3NoSuchKey[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>"
    "<Key>a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos;</Key>"
    "<RequestId>4442587FB7D0A2F9</RequestId><HostId>host</HostId></Error>";

constexpr char kQueryApiThrottle[] =
    "<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">\n"
    "  <Error>\n    <Type>Sender</Type>\n    <Code>Throttling</Code>\n"
    "    <Message>Rate exceeded &amp; slow down</Message>\n  </Error>\n"
    "  <RequestId>8f7c-query</RequestId>\n</ErrorResponse>";

TEST(ParseAwsErrorTest, ReadsS3ErrorBody) {
  AwsError e = ParseAwsError(Answer(404, kS3NoSuchKey));
  EXPECT_EQ(e.code, "NoSuchKey");
  EXPECT_EQ(e.message, "The specified key does not exist.");
  EXPECT_EQ(e.request_id, "4442587FB7D0A2F9");
}

TEST(ParseAwsErrorTest, ReadsQueryApiErrorBodyWithRequestIdOutsideError) {
  AwsError e = ParseAwsError(Answer(400, kQueryApiThrottle));
  EXPECT_EQ(e.code, "Throttling");
  EXPECT_EQ(e.message, "Rate exceeded & slow down");
  EXPECT_EQ(e.request_id, "8f7c-query");
}

TEST(ParseAwsErrorTest, EmptyBodyFallsBackToRequestIdHeader) {
  AwsError e = ParseAwsError(Answer(404, "", {{"x-amz-request-id", "ABC123"}}));
  EXPECT_EQ(e.code, "");
  EXPECT_EQ(e.message, "");
  EXPECT_EQ(e.request_id, "ABC123");
}

TEST(ParseAwsErrorTest, NonXmlBodyGivesNoCode) {
  AwsError e = ParseAwsError(Answer(502, "Bad Gateway <Code>Fake</Code>"));
  EXPECT_EQ(e.code, "");
}

TEST(ParseAwsErrorTest, DecodesEntitiesInMessage) {
  AwsError e = ParseAwsError(
      Answer(400,
             "<Error><Code>InvalidArgument</Code><Message>&lt;a&gt; &amp; &quot;b&quot; "
             "&apos;c&apos; &#233;&#x20AC; &bogus; &amp</Message></Error>"));
  EXPECT_EQ(e.code, "InvalidArgument");
  EXPECT_EQ(e.message, "<a> & \"b\" 'c' \xC3\xA9\xE2\x82\xAC &bogus; &amp");
}

TEST(AwsXmlTest, ElementsAndText) {
  std::string_view xml =
      "<ListBucketResult xmlns=\"x\"><IsTruncated>true</IsTruncated>"
      "<Contents><Key>a+b &amp; c</Key><Size>12</Size></Contents>"
      "<Contents><Key>d/e f</Key><Size>0</Size></Contents>"
      "<NextContinuationToken/></ListBucketResult>";
  auto contents = XmlElements(xml, "Contents");
  ASSERT_EQ(contents.size(), 2u);
  EXPECT_EQ(XmlText(contents[0], "Key"), "a+b & c");
  EXPECT_EQ(XmlText(contents[1], "Key"), "d/e f");
  EXPECT_EQ(XmlText(contents[1], "Size"), "0");
  EXPECT_EQ(XmlText(xml, "IsTruncated"), "true");
  EXPECT_EQ(XmlText(xml, "NextContinuationToken"), "");
  EXPECT_EQ(XmlText(xml, "Missing"), "");
  // A tag that only starts with the name is not the element.
  EXPECT_EQ(XmlElements("<Keys>1</Keys><Key>2</Key>", "Key").size(), 1u);
  EXPECT_EQ(XmlText("<Keys>1</Keys><Key>2</Key>", "Key"), "2");
}

TEST(AwsXmlTest, EscapeRoundTrips) {
  std::string raw = "a&b<c>d\"e'f\x01 \xC3\xA9";
  EXPECT_EQ(XmlEscape(raw), "a&amp;b&lt;c&gt;d&quot;e&apos;f&#x01; \xC3\xA9");
  EXPECT_EQ(XmlUnescape(XmlEscape(raw)), raw);
}

TEST(AwsXmlTest, ContentMd5IsBase64OfDigest) {
  EXPECT_EQ(ContentMd5(""), "1B2M2Y8AsgTpgAmY7PhCfg==");
  EXPECT_EQ(ContentMd5("hello"), "XUFAKrxLKna5cZ2REBfFkg==");
}

struct RetryCase {
  long status;
  const char* code;
  bool retryable;
};

TEST(IsRetryableTest, Table) {
  const RetryCase cases[] = {
      {200, "", false},
      {200, "SlowDown", false},  // 2xx is for retry_if to judge
      {301, "PermanentRedirect", false},
      {400, "BadDigest", false},
      {400, "RequestTimeout", true},
      {400, "Throttling", true},
      {400, "ThrottlingException", true},
      {400, "RequestLimitExceeded", true},
      {400, "TooManyRequestsException", true},
      {403, "SignatureDoesNotMatch", false},
      {403, "AccessDenied", false},
      {404, "NoSuchKey", false},
      {409, "BucketAlreadyExists", false},
      {429, "", true},
      {500, "InternalError", true},
      {501, "NotImplemented", true},
      {503, "SlowDown", true},
      {503, "", true},
  };
  for (const RetryCase& c : cases) {
    AwsError error{c.code, "", ""};
    EXPECT_EQ(IsRetryable(Answer(c.status, ""), error), c.retryable) << c.status << " " << c.code;
  }
}

std::string ErrorBody(const char* code) {
  return std::string("<Error><Code>") + code + "</Code><Message>msg of " + code +
         "</Message><RequestId>RID</RequestId></Error>";
}

struct StatusCase {
  long status;
  const char* code;  // "" = no body
  StatusCode expected;
};

TEST(StatusOfAwsErrorTest, MapsCodes) {
  const StatusCase cases[] = {
      {404, "", StatusCode::kNotFound},
      {404, "NoSuchKey", StatusCode::kNotFound},
      {404, "NoSuchBucket", StatusCode::kNotFound},
      {404, "NoSuchUpload", StatusCode::kNotFound},
      {403, "SignatureDoesNotMatch", StatusCode::kUnauthenticated},
      {403, "InvalidAccessKeyId", StatusCode::kUnauthenticated},
      {400, "ExpiredToken", StatusCode::kFailedPrecondition},
      {403, "ExpiredToken", StatusCode::kUnauthenticated},
      {403, "InvalidToken", StatusCode::kUnauthenticated},
      {401, "", StatusCode::kUnauthenticated},
      {403, "AccessDenied", StatusCode::kPermissionDenied},
      {403, "", StatusCode::kPermissionDenied},
      {500, "InternalError", StatusCode::kUnavailable},
      {503, "SlowDown", StatusCode::kUnavailable},
      {400, "RequestTimeout", StatusCode::kUnavailable},
      {429, "", StatusCode::kUnavailable},
      {200, "InternalError", StatusCode::kUnavailable},
      {400, "InvalidArgument", StatusCode::kInvalidArgument},
      {400, "InvalidRequest", StatusCode::kInvalidArgument},
      {400, "KeyTooLongError", StatusCode::kInvalidArgument},
      {400, "BadDigest", StatusCode::kFailedPrecondition},
      {409, "BucketAlreadyExists", StatusCode::kFailedPrecondition},
      {400, "MalformedXML", StatusCode::kFailedPrecondition},
  };
  for (const StatusCase& c : cases) {
    std::string body = c.code[0] == '\0' ? "" : ErrorBody(c.code);
    Status s = StatusOfAwsError("Op s3://b/k", Answer(c.status, body));
    EXPECT_EQ(s.code(), c.expected) << c.status << " " << c.code << ": " << s.message();
  }
}

TEST(StatusOfAwsErrorTest, MessageText) {
  Status s = StatusOfAwsError("GetObject s3://bucket/a b", Answer(404, kS3NoSuchKey));
  EXPECT_EQ(s.message(),
            "GetObject s3://bucket/a b: HTTP 404 NoSuchKey: The specified key does not exist. "
            "(request id 4442587FB7D0A2F9)");
  Status head =
      StatusOfAwsError("HeadObject s3://bucket/k", Answer(404, "", {{"x-amz-request-id", "R1"}}));
  EXPECT_EQ(head.message(), "HeadObject s3://bucket/k: HTTP 404 (request id R1)");
  Status bare = StatusOfAwsError("HeadBucket s3://bucket/", Answer(403, ""));
  EXPECT_EQ(bare.message(), "HeadBucket s3://bucket/: HTTP 403");
}

TEST(StatusOfAwsErrorTest, SignatureMismatchDoesNotEchoSigningDetails) {
  std::string body =
      "<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated "
      "does not match the signature you provided.</Message><AWSAccessKeyId>AKIDEXAMPLE"
      "</AWSAccessKeyId><StringToSign>AWS4-HMAC-SHA256 secret-ish</StringToSign>"
      "<CanonicalRequest>GET /</CanonicalRequest><RequestId>R</RequestId></Error>";
  Status s = StatusOfAwsError("PutObject s3://b/k", Answer(403, body));
  EXPECT_EQ(s.code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(s.message(),
            "PutObject s3://b/k: HTTP 403 SignatureDoesNotMatch: The request signature we "
            "calculated does not match the signature you provided. (request id R)");
}

TEST(HttpResponseTest, HeaderLookupIsByLowerCaseName) {
  HttpResponse r = Answer(200, "", {{"etag", "\"x\""}, {"etag", "\"y\""}});
  EXPECT_EQ(r.Header("etag"), "\"x\"");
  EXPECT_EQ(r.Header("content-length"), "");
}

SignedHttpOptions GoodOptions() {
  SignedHttpOptions o;
  o.region = "us-east-1";
  o.service = "s3";
  return o;
}

TEST(SignedHttpClientTest, RefusesBadOptions) {
  auto creds = std::make_shared<FixedCredentials>();
  auto expect_invalid = [&](SignedHttpOptions o, const char* fragment) {
    auto client = SignedHttpClient::Create(o, creds);
    ASSERT_FALSE(client.ok()) << fragment;
    EXPECT_EQ(client.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(client.status().message().find(fragment), std::string::npos)
        << client.status().message();
  };
  SignedHttpOptions o = GoodOptions();
  o.region = "";
  expect_invalid(o, "region is empty");
  o = GoodOptions();
  o.service = "";
  expect_invalid(o, "service is empty");
  o = GoodOptions();
  o.retry.max_attempts = 0;
  expect_invalid(o, "max_attempts must be 1..20, got 0");
  o.retry.max_attempts = 21;
  expect_invalid(o, "max_attempts must be 1..20, got 21");
  o = GoodOptions();
  o.retry.initial_backoff_ms = 10'000;
  expect_invalid(o, "initial_backoff_ms (10000)");
  o = GoodOptions();
  o.connect_timeout_ms = 0;
  expect_invalid(o, "connect_timeout_ms must be > 0");
  o = GoodOptions();
  o.stall_timeout_ms = -1;
  expect_invalid(o, "stall_timeout_ms");
  EXPECT_TRUE(SignedHttpClient::Create(GoodOptions(), creds).ok());
  EXPECT_FALSE(SignedHttpClient::Create(GoodOptions(), nullptr).ok());
}

TEST(SignedHttpClientTest, MalformedSchemeHostIsInvalidArgument) {
  auto client = SignedHttpClient::Create(GoodOptions(), std::make_shared<FixedCredentials>());
  ASSERT_TRUE(client.ok());
  for (const char* bad : {"ftp://host", "http://", "http://host/path", "host:80", "http://h:x"}) {
    HttpRequestSpec spec;
    spec.method = "GET";
    spec.scheme_host = bad;
    auto r = (*client)->Send(spec);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(SignedHttpClientTest, ConnectionRefusedIsUnavailableAfterAllAttempts) {
  SignedHttpOptions o = GoodOptions();
  o.retry = {3, 1, 2};
  auto client = SignedHttpClient::Create(o, std::make_shared<FixedCredentials>());
  ASSERT_TRUE(client.ok());
  HttpRequestSpec spec;
  spec.method = "GET";
  spec.scheme_host = "http://127.0.0.1:1";  // nothing listens on port 1
  spec.path = "/bucket/key";
  auto r = (*client)->Send(spec);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(
      r.status().message().rfind("GET 127.0.0.1:1/bucket/key: no answer after 3 attempt(s)", 0), 0u)
      << r.status().message();
  EXPECT_EQ(r.status().message().find("wJalr"), std::string::npos);
}

TEST(SignedHttpClientTest, CancelledBeforeStartSendsNothing) {
  auto client = SignedHttpClient::Create(GoodOptions(), std::make_shared<FixedCredentials>());
  ASSERT_TRUE(client.ok());
  CancellationToken cancel;
  cancel.Cancel();
  HttpRequestSpec spec;
  spec.method = "GET";
  spec.scheme_host = "http://127.0.0.1:1";
  auto r = (*client)->Send(spec, &cancel);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCancelled);
}

TEST(SignedHttpClientTest, CancelDuringBackoffStopsWaiting) {
  SignedHttpOptions o = GoodOptions();
  o.retry = {20, 60'000, 60'000};  // without cancellation this would wait for minutes
  auto client = SignedHttpClient::Create(o, std::make_shared<FixedCredentials>());
  ASSERT_TRUE(client.ok());
  CancellationToken cancel;
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    cancel.Cancel();
  });
  HttpRequestSpec spec;
  spec.method = "PUT";
  spec.scheme_host = "http://127.0.0.1:1";
  spec.body = "x";
  auto r = (*client)->Send(spec, &cancel);
  canceller.join();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCancelled) << r.status().ToString();
}

}  // namespace
}  // namespace de::s3
