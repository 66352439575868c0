// Offline tests of S3Client: option validation and addressing (seen through PresignGet, which
// builds the same host and path as every request).
#include "storage/s3/s3_client.h"

#include <gtest/gtest.h>

namespace de::s3 {
namespace {

class NoCredentials : public CredentialsProvider {
 public:
  Result<TimedCredentials> Get() override { return Unauthenticated("none in this test"); }
  std::string Describe() const override { return "none"; }
};

Result<std::unique_ptr<S3Client>> Make(std::string bucket, std::string endpoint,
                                       Addressing addressing) {
  S3ClientOptions options;
  options.bucket = std::move(bucket);
  options.endpoint = std::move(endpoint);
  options.addressing = addressing;
  options.http.region = "eu-central-1";
  return S3Client::Create(options, std::make_shared<NoCredentials>());
}

const Credentials kKeys{"AKIDEXAMPLE", "secret", ""};
constexpr int64_t kNow = 1'700'000'000;

std::string UrlPrefix(const S3Client& client, const std::string& key) {
  auto url = client.PresignGet(key, kKeys, kNow, 60);
  EXPECT_TRUE(url.ok()) << url.status().ToString();
  return url.ok() ? url->substr(0, url->find('?')) : "";
}

TEST(S3ClientTest, VirtualHostedDefaultsToAwsEndpoint) {
  auto client = Make("my-bucket", "", Addressing::kVirtualHosted);
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  EXPECT_EQ(UrlPrefix(**client, "a b/c+d.txt"),
            "https://my-bucket.s3.eu-central-1.amazonaws.com/a%20b/c%2Bd.txt");
  EXPECT_EQ((*client)->options().http.service, "s3");
  EXPECT_EQ((*client)->Describe("k/x"), "s3://my-bucket/k/x");
}

TEST(S3ClientTest, PathStyleWithCustomEndpoint) {
  auto client = Make("data.exports", "http://127.0.0.1:9000/", Addressing::kPath);
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  EXPECT_EQ(UrlPrefix(**client, "dir/\xC3\xA9t\xC3\xA9.parquet"),
            "http://127.0.0.1:9000/data.exports/dir/%C3%A9t%C3%A9.parquet");
}

TEST(S3ClientTest, VirtualHostedWithCustomEndpoint) {
  auto client = Make("bucket1", "http://minio.local:9000", Addressing::kVirtualHosted);
  ASSERT_TRUE(client.ok());
  EXPECT_EQ(UrlPrefix(**client, "k"), "http://bucket1.minio.local:9000/k");
}

TEST(S3ClientTest, RefusesBadBucketsAndEndpoints) {
  for (const char* bucket : {"ab", "Upper", "under_score", "-start", "end-", "a..b",
                             "waytoolong-waytoolong-waytoolong-waytoolong-waytoolong-waytoolong"}) {
    auto client = Make(bucket, "", Addressing::kPath);
    ASSERT_FALSE(client.ok()) << bucket;
    EXPECT_EQ(client.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(client.status().message().find(std::string("'") + bucket + "'"), std::string::npos)
        << client.status().message();
  }
  for (const char* endpoint : {"127.0.0.1:9000", "ftp://host", "http://host/path", "http://"}) {
    auto client = Make("bucket", endpoint, Addressing::kPath);
    ASSERT_FALSE(client.ok()) << endpoint;
    EXPECT_EQ(client.status().code(), StatusCode::kInvalidArgument) << endpoint;
  }
  auto dotted = Make("my.bucket", "", Addressing::kVirtualHosted);
  ASSERT_FALSE(dotted.ok());
  EXPECT_NE(dotted.status().message().find("use path addressing"), std::string::npos);
  EXPECT_TRUE(Make("my.bucket", "http://127.0.0.1:9000", Addressing::kVirtualHosted).ok());
}

TEST(S3ClientTest, ParseAddressing) {
  EXPECT_EQ(*ParseAddressing("path"), Addressing::kPath);
  EXPECT_EQ(*ParseAddressing("virtual"), Addressing::kVirtualHosted);
  EXPECT_EQ(ParseAddressing("Path").status().code(), StatusCode::kInvalidArgument);
}

TEST(S3ClientTest, CredentialErrorsComeBackNamed) {
  auto client = Make("bucket", "http://127.0.0.1:1", Addressing::kPath);
  ASSERT_TRUE(client.ok());
  auto got = (*client)->GetObject("k");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(got.status().message(), "GetObject s3://bucket/k: none in this test");
}

}  // namespace
}  // namespace de::s3
