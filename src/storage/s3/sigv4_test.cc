#include "storage/s3/sigv4.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace de::s3 {
namespace {

// ---------------------------------------------------------------------------------------------
// AWS's SigV4 test suite: credentials, region, service and time shared by every case.
// ---------------------------------------------------------------------------------------------
const Credentials kSuiteCredentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};
constexpr int64_t kSuiteTime = 1440938160;  // 2015-08-30T12:36:00Z
constexpr std::string_view kSuiteDate = "20150830T123600Z";
constexpr std::string_view kSuiteScope = "20150830/us-east-1/service/aws4_request";

struct SuiteCase {
  std::string name;
  SigningRequest request;  // without X-Amz-Date; the signer adds it
  std::string canonical_request;
  std::string string_to_sign;  // empty when the suite excerpt we use gives only the signature
  std::string signed_headers;
  std::string signature;
};

SigningRequest SuiteRequest(std::string method, std::string path, QueryList query = {},
                            HeaderList headers = {}, std::string body = "") {
  return SigningRequest{std::move(method), "example.amazonaws.com", std::move(path),
                        std::move(query),  std::move(headers),      Sha256Hex(body)};
}

std::vector<SuiteCase> SuiteCases() {
  return {
      {"get-vanilla", SuiteRequest("GET", "/"),
       "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
       "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
       "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
       "host;x-amz-date", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get-vanilla-query-order-key-case",
       SuiteRequest("GET", "/", {{"Param2", "value2"}, {"Param1", "value1"}}),
       "GET\n/\nParam1=value1&Param2=value2\nhost:example.amazonaws.com\n"
       "x-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
       "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
       "816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0",
       "host;x-amz-date", "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"},
      {"post-x-www-form-urlencoded",
       SuiteRequest("POST", "/", {}, {{"Content-Type", "application/x-www-form-urlencoded"}},
                    "Param1=value1"),
       "POST\n/\n\ncontent-type:application/x-www-form-urlencoded\nhost:example.amazonaws.com\n"
       "x-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\n"
       "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e",
       "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
       "42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281",
       "content-type;host;x-amz-date",
       "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"},
      {"post-vanilla", SuiteRequest("POST", "/"),
       "POST\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
       "", "host;x-amz-date", "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"},
      {"get-header-value-trim",
       SuiteRequest("GET", "/", {}, {{"My-Header1", " value1"}, {"My-Header2", "\"a   b   c\""}}),
       "GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value1\nmy-header2:\"a b c\"\n"
       "x-amz-date:20150830T123600Z\n\nhost;my-header1;my-header2;x-amz-date\n"
       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
       "", "host;my-header1;my-header2;x-amz-date",
       "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"},
      {"get-header-key-duplicate",
       SuiteRequest("GET", "/", {},
                    {{"My-Header1", "value2"}, {"My-Header1", "value2"}, {"My-Header1", "value1"}}),
       "GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value2,value2,value1\n"
       "x-amz-date:20150830T123600Z\n\nhost;my-header1;x-amz-date\n"
       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
       "", "host;my-header1;x-amz-date",
       "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea"},
      {"get-unreserved",
       SuiteRequest("GET", "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"),
       "GET\n/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz\n\n"
       "host:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
       "", "host;x-amz-date", "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f"},
  };
}

std::string HeaderValue(const HeaderList& headers, std::string_view name) {
  for (const auto& [n, v] : headers) {
    if (n == name) return v;
  }
  return "<missing " + std::string(name) + ">";
}

TEST(SigV4SuiteTest, CanonicalRequestStringToSignAndSignature) {
  for (const SuiteCase& c : SuiteCases()) {
    SCOPED_TRACE(c.name);
    SigningRequest dated = c.request;
    dated.headers.emplace_back("X-Amz-Date", std::string(kSuiteDate));
    const std::string creq = CanonicalRequest(dated, "service");
    EXPECT_EQ(creq, c.canonical_request);
    const std::string sts = StringToSign(kSuiteDate, kSuiteScope, creq);
    if (!c.string_to_sign.empty()) {
      EXPECT_EQ(sts, c.string_to_sign);
    }
    const std::string key =
        SigningKey(kSuiteCredentials.secret_access_key, "20150830", "us-east-1", "service");
    EXPECT_EQ(Signature(key, sts), c.signature);

    auto headers = SignHeaders(c.request, kSuiteCredentials, "us-east-1", "service", kSuiteTime);
    ASSERT_TRUE(headers.ok()) << headers.status().ToString();
    ASSERT_EQ(headers->size(), 2u);  // no x-amz-content-sha256 outside s3, no token
    EXPECT_EQ(HeaderValue(*headers, "x-amz-date"), kSuiteDate);
    EXPECT_EQ(HeaderValue(*headers, "Authorization"),
              "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
              "SignedHeaders=" +
                  c.signed_headers + ", Signature=" + c.signature);
  }
}

TEST(SigV4SuiteTest, SigningKeyIsTheHmacChain) {
  // Computed independently with Python's hmac module: HMAC-SHA256 over 20150830, us-east-1,
  // service and aws4_request in turn, starting from "AWS4" + the suite's secret.
  const std::string key =
      SigningKey(kSuiteCredentials.secret_access_key, "20150830", "us-east-1", "service");
  std::string hex;
  for (char ch : key) hex += fmt::format("{:02x}", static_cast<unsigned char>(ch));
  EXPECT_EQ(hex, "938127b5336810ddb6a5d6af445fcac9e371f9ed418ed386b022aed82901be75");
}

// ---------------------------------------------------------------------------------------------
// The worked examples of the Amazon S3 API reference ("Signature calculations for the
// Authorization header" and "Authenticating requests: using query parameters").
// ---------------------------------------------------------------------------------------------
const Credentials kS3DocCredentials{"AKIAIOSFODNN7EXAMPLE",
                                    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
constexpr int64_t kS3DocTime = 1369353600;  // 2013-05-24T00:00:00Z
constexpr std::string_view kS3DocHost = "examplebucket.s3.amazonaws.com";

TEST(SigV4S3DocTest, GetObjectWithRange) {
  SigningRequest request{"GET", std::string(kS3DocHost),  "/test.txt",
                         {},    {{"Range", "bytes=0-9"}}, std::string(kEmptyPayloadSha256)};
  SigningRequest full = request;
  full.headers.emplace_back("x-amz-content-sha256", std::string(kEmptyPayloadSha256));
  full.headers.emplace_back("x-amz-date", "20130524T000000Z");
  const std::string creq = CanonicalRequest(full, "s3");
  EXPECT_EQ(creq,
            "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
            "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
            "\nx-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(StringToSign("20130524T000000Z", "20130524/us-east-1/s3/aws4_request", creq),
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");

  auto headers = SignHeaders(request, kS3DocCredentials, "us-east-1", "s3", kS3DocTime);
  ASSERT_TRUE(headers.ok()) << headers.status().ToString();
  ASSERT_EQ(headers->size(), 3u);
  EXPECT_EQ((*headers)[0], (std::pair<std::string, std::string>{"x-amz-date", "20130524T000000Z"}));
  EXPECT_EQ((*headers)[1], (std::pair<std::string, std::string>{"x-amz-content-sha256",
                                                                std::string(kEmptyPayloadSha256)}));
  EXPECT_EQ((*headers)[2].second,
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(SigV4S3DocTest, PutObject) {
  const std::string body = "Welcome to Amazon S3.";
  ASSERT_EQ(Sha256Hex(body), "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  SigningRequest request{
      "PUT",
      std::string(kS3DocHost),
      "/test%24file.text",
      {},
      {{"Date", "Fri, 24 May 2013 00:00:00 GMT"}, {"x-amz-storage-class", "REDUCED_REDUNDANCY"}},
      Sha256Hex(body)};
  auto headers = SignHeaders(request, kS3DocCredentials, "us-east-1", "s3", kS3DocTime);
  ASSERT_TRUE(headers.ok()) << headers.status().ToString();
  EXPECT_EQ(HeaderValue(*headers, "Authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class, "
            "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST(SigV4S3DocTest, GetBucketLifecycleAndListObjects) {
  SigningRequest lifecycle{"GET", std::string(kS3DocHost),         "/", {{"lifecycle", ""}},
                           {},    std::string(kEmptyPayloadSha256)};
  auto headers = SignHeaders(lifecycle, kS3DocCredentials, "us-east-1", "s3", kS3DocTime);
  ASSERT_TRUE(headers.ok());
  EXPECT_EQ(HeaderValue(*headers, "Authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;x-amz-content-sha256;x-amz-date, "
            "Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");

  SigningRequest list{"GET", std::string(kS3DocHost),
                      "/",   {{"prefix", "J"}, {"max-keys", "2"}},
                      {},    std::string(kEmptyPayloadSha256)};
  headers = SignHeaders(list, kS3DocCredentials, "us-east-1", "s3", kS3DocTime);
  ASSERT_TRUE(headers.ok());
  EXPECT_EQ(HeaderValue(*headers, "Authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;x-amz-content-sha256;x-amz-date, "
            "Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST(SigV4S3DocTest, PresignedGet) {
  const QueryList auth = {
      {"X-Amz-Algorithm", "AWS4-HMAC-SHA256"},
      {"X-Amz-Credential", "AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request"},
      {"X-Amz-Date", "20130524T000000Z"},
      {"X-Amz-Expires", "86400"},
      {"X-Amz-SignedHeaders", "host"}};
  SigningRequest request{"GET", std::string(kS3DocHost),      "/test.txt", auth,
                         {},    std::string(kUnsignedPayload)};
  const std::string creq = CanonicalRequest(request, "s3");
  EXPECT_EQ(creq,
            "GET\n/test.txt\nX-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential="
            "AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date="
            "20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host\n"
            "host:examplebucket.s3.amazonaws.com\n\nhost\nUNSIGNED-PAYLOAD");
  EXPECT_EQ(Sha256Hex(creq), "3bfa292879f6447bbcda7001decf97f4a54dc650c8942174ae0a9121cf58ad04");

  auto url = PresignUrl("GET", "https://examplebucket.s3.amazonaws.com", "/test.txt", {},
                        kS3DocCredentials, "us-east-1", "s3", kS3DocTime, 86400);
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_EQ(*url,
            "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256"
            "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
            "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
            "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
}

// ---------------------------------------------------------------------------------------------
// Building blocks and errors.
// ---------------------------------------------------------------------------------------------
TEST(SigV4Test, UriEncodeKeepsOnlyUnreserved) {
  EXPECT_EQ(UriEncode("a b+c/\xc3\xa9~-._Z9", false), "a%20b%2Bc/%C3%A9~-._Z9");
  EXPECT_EQ(UriEncode("a b+c/\xc3\xa9~-._Z9", true), "a%20b%2Bc%2F%C3%A9~-._Z9");
  EXPECT_EQ(UriEncode("!*'();:@&=$,?#[]%", true),
            "%21%2A%27%28%29%3B%3A%40%26%3D%24%2C%3F%23%5B%5D%25");
  EXPECT_EQ(UriEncode("", true), "");
}

TEST(SigV4Test, AmzDateAndScope) {
  EXPECT_EQ(AmzDate(0), "19700101T000000Z");
  EXPECT_EQ(AmzDate(1767323045), "20260102T030405Z");
  EXPECT_EQ(CredentialScope("20260102T030405Z", "eu-central-1", "s3"),
            "20260102/eu-central-1/s3/aws4_request");
}

TEST(SigV4Test, CanonicalQuerySortsByEncodedNameThenValue) {
  EXPECT_EQ(CanonicalQueryString({{"b", "2"}, {"a b", "x/y"}, {"a", "2"}, {"a", "1"}, {"c", ""}}),
            "a=1&a=2&a%20b=x%2Fy&b=2&c=");
}

TEST(SigV4Test, NonS3PathIsEncodedTwice) {
  SigningRequest request{"GET", "h", "/a%20b/c", {}, {}, std::string(kEmptyPayloadSha256)};
  EXPECT_EQ(CanonicalRequest(request, "s3").substr(0, 14), "GET\n/a%20b/c\n\n");
  EXPECT_EQ(CanonicalRequest(request, "sns").substr(0, 16), "GET\n/a%2520b/c\n\n");
  request.path = "";
  EXPECT_EQ(CanonicalRequest(request, "s3").substr(0, 7), "GET\n/\n\n");
}

TEST(SigV4Test, SessionTokenIsSentAndSigned) {
  Credentials credentials = kS3DocCredentials;
  credentials.session_token = "tok/en+=";
  SigningRequest request{"GET", std::string(kS3DocHost),      "/k", {},
                         {},    std::string(kUnsignedPayload)};
  auto headers = SignHeaders(request, credentials, "us-east-1", "s3", kS3DocTime);
  ASSERT_TRUE(headers.ok());
  ASSERT_EQ(headers->size(), 4u);
  EXPECT_EQ((*headers)[1].second, "UNSIGNED-PAYLOAD");
  EXPECT_EQ((*headers)[2],
            (std::pair<std::string, std::string>{"x-amz-security-token", "tok/en+="}));
  const std::string& authorization = (*headers)[3].second;
  EXPECT_NE(authorization.find(
                "SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token, "),
            std::string::npos)
      << authorization;
  // The token takes part in the signature.
  auto without = SignHeaders(request, kS3DocCredentials, "us-east-1", "s3", kS3DocTime);
  ASSERT_TRUE(without.ok());
  EXPECT_NE(HeaderValue(*without, "Authorization").substr(authorization.size() - 64),
            authorization.substr(authorization.size() - 64));
}

TEST(SigV4Test, PresignRejectsBadInput) {
  auto presign = [](const Credentials& c, std::string_view endpoint, int64_t expires) {
    return PresignUrl("GET", endpoint, "/b/k", {}, c, "us-east-1", "s3", kS3DocTime, expires);
  };
  const std::string endpoint = "http://127.0.0.1:9000";
  for (int64_t expires : {int64_t{0}, int64_t{-1}, int64_t{604801}}) {
    auto url = presign(kS3DocCredentials, endpoint, expires);
    ASSERT_FALSE(url.ok()) << expires;
    EXPECT_EQ(url.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(url.status().message().find(std::to_string(expires)), std::string::npos);
  }
  EXPECT_TRUE(presign(kS3DocCredentials, endpoint, 1).ok());
  EXPECT_TRUE(presign(kS3DocCredentials, endpoint, 604800).ok());

  Credentials no_id = kS3DocCredentials;
  no_id.access_key_id.clear();
  Credentials no_secret = kS3DocCredentials;
  no_secret.secret_access_key.clear();
  for (const Credentials& c : {no_id, no_secret}) {
    auto url = presign(c, endpoint, 60);
    ASSERT_FALSE(url.ok());
    EXPECT_EQ(url.status().code(), StatusCode::kInvalidArgument);
    auto headers = SignHeaders(SigningRequest{"GET", "h", "/", {}, {}, "UNSIGNED-PAYLOAD"}, c,
                               "us-east-1", "s3", 0);
    EXPECT_EQ(headers.status().code(), StatusCode::kInvalidArgument);
  }
  for (std::string_view bad : {"127.0.0.1:9000", "ftp://h", "http://", "http://h/path"}) {
    auto url = presign(kS3DocCredentials, bad, 60);
    ASSERT_FALSE(url.ok()) << bad;
    EXPECT_EQ(url.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(url.status().message().find(kS3DocCredentials.secret_access_key), std::string::npos);
  }
}

TEST(SigV4Test, PresignDropsTheDefaultPortFromTheSignedHost) {
  auto with_port = PresignUrl("GET", "https://h.example:443", "/k", {}, kS3DocCredentials,
                              "us-east-1", "s3", kS3DocTime, 60);
  auto without = PresignUrl("GET", "https://h.example", "/k", {}, kS3DocCredentials, "us-east-1",
                            "s3", kS3DocTime, 60);
  auto other_port = PresignUrl("GET", "https://h.example:8443", "/k", {}, kS3DocCredentials,
                               "us-east-1", "s3", kS3DocTime, 60);
  ASSERT_TRUE(with_port.ok() && without.ok() && other_port.ok());
  auto signature = [](const std::string& url) { return url.substr(url.size() - 64); };
  EXPECT_EQ(signature(*with_port), signature(*without));
  EXPECT_NE(signature(*other_port), signature(*without));
}

TEST(SigV4Test, PresignPutsCallerQueryFirstSorted) {
  auto url = PresignUrl("GET", "http://h", "/b/k", {{"versionId", "v 1"}, {"partNumber", "2"}},
                        kS3DocCredentials, "us-east-1", "s3", kS3DocTime, 60);
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->substr(0, 57), "http://h/b/k?partNumber=2&versionId=v%201&X-Amz-Algorithm");
}

// ---------------------------------------------------------------------------------------------
// Presigned URLs byte-identical to botocore's generate_presigned_url.
// ---------------------------------------------------------------------------------------------
struct BotocoreCase {
  std::string region;
  std::string token;
  std::string key;  // raw object key (UTF-8)
  int64_t expires;
};

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0x0f]);
  }
  return out;
}

constexpr int64_t kBotocoreTime = 1767323045;  // 2026-01-02T03:04:05Z
const Credentials kBotocoreCredentials{"AKIAEXAMPLEKEYID0001", "s3cr3t/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                       ""};

// A python3 program printing one presigned URL per case, with botocore's clock frozen at
// kBotocoreTime. Strings travel as hex so no quoting can change them.
std::string BotocoreScript(const std::vector<BotocoreCase>& cases) {
  std::string script =
      "import datetime, os, sys\n"
      "for k in [k for k in os.environ if k.startswith('AWS_')]: del os.environ[k]\n"
      "import botocore.auth, botocore.session\n"
      "from botocore.config import Config\n"
      "botocore.auth.get_current_datetime = lambda *a, **k: "
      "datetime.datetime(2026, 1, 2, 3, 4, 5)\n"
      "h = lambda s: bytes.fromhex(s).decode('utf-8')\n"
      "session = botocore.session.get_session()\n"
      "cases = [\n";
  for (const BotocoreCase& c : cases) {
    script += "  ('" + Hex(c.region) + "', '" + Hex(c.token) + "', '" + Hex(c.key) + "', " +
              std::to_string(c.expires) + "),\n";
  }
  script +=
      "]\n"
      "for region, token, key, expires in cases:\n"
      "  client = session.create_client('s3', region_name=h(region),\n"
      "      endpoint_url='http://127.0.0.1:9000',\n"
      "      aws_access_key_id=h('" +
      Hex(kBotocoreCredentials.access_key_id) +
      "'),\n"
      "      aws_secret_access_key=h('" +
      Hex(kBotocoreCredentials.secret_access_key) +
      "'),\n"
      "      aws_session_token=h(token) or None,\n"
      "      config=Config(signature_version='s3v4', s3={'addressing_style': 'path'}))\n"
      "  print(client.generate_presigned_url('get_object',\n"
      "      Params={'Bucket': 'bucket', 'Key': h(key)}, ExpiresIn=expires))\n";
  return script;
}

bool RunCommand(const std::string& command, std::string* output) {
  std::FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return false;
  char buf[4096];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof(buf), pipe)) > 0) output->append(buf, n);
  return pclose(pipe) == 0;
}

TEST(SigV4BotocoreTest, PresignedUrlsAreByteIdentical) {
  if (std::system("python3 -c 'import botocore' >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "python3 with botocore is not available";
  }
  const std::vector<std::string> keys = {
      "plain.txt",
      "with space.txt",
      "a+b=c&d.txt",
      "caf\xc3\xa9/\xe6\x97\xa5\xe6\x9c\xac.parquet",  // café/日本.parquet
      "exports/dev/2026-01-02/table name/part+000 \xc3\xa9.parquet",
      "odd!*'()~;:@$,[]%25.txt",
  };
  std::vector<BotocoreCase> cases;
  for (const std::string region : {"us-east-1", "eu-central-1"}) {
    for (const std::string token : {"", "FwoGZXIvYXdzEBYaDH+/session/token=="}) {
      for (const std::string& key : keys) cases.push_back({region, token, key, 86400});
    }
  }
  cases.push_back({"eu-central-1", "", "short/expiry.txt", 1});
  cases.push_back({"us-east-1", "t", "long/expiry.txt", 604800});

  const std::string script_path =
      ::testing::TempDir() + "/sigv4_botocore_" + std::to_string(::getpid()) + ".py";
  std::ofstream(script_path) << BotocoreScript(cases);
  std::string output;
  const bool ran = RunCommand("python3 " + script_path + " 2>&1", &output);
  std::remove(script_path.c_str());
  ASSERT_TRUE(ran) << output;

  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t nl; (nl = output.find('\n', start)) != std::string::npos; start = nl + 1) {
    lines.push_back(output.substr(start, nl - start));
  }
  ASSERT_EQ(lines.size(), cases.size()) << output;
  for (size_t i = 0; i < cases.size(); ++i) {
    const BotocoreCase& c = cases[i];
    SCOPED_TRACE(c.region + " token=" + c.token + " key=" + c.key);
    Credentials credentials = kBotocoreCredentials;
    credentials.session_token = c.token;
    auto url = PresignUrl("GET", "http://127.0.0.1:9000", "/bucket/" + UriEncode(c.key, false), {},
                          credentials, c.region, "s3", kBotocoreTime, c.expires);
    ASSERT_TRUE(url.ok()) << url.status().ToString();
    EXPECT_EQ(*url, lines[i]);
  }
}

}  // namespace
}  // namespace de::s3
