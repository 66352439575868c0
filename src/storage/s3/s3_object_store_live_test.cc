// S3ObjectStore against moto_server: scripts/with-moto sets DE_S3_* for a server that checks
// SigV4 and IAM and DE_S3_NOAUTH_* for one that checks nothing. Every test skips when
// DE_S3_ENDPOINT is unset. moto answers presigned GETs with 500 once authentication is on, so
// the presigned download runs against the NOAUTH server; it also miscomputes signatures for
// query values holding '/', so list prefixes here have none.
#include <curl/curl.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cstdlib>
#include <optional>
#include <random>

#include <gtest/gtest.h>

#include "storage/s3/credentials.h"
#include "storage/s3/s3_object_store.h"

namespace de::s3 {
namespace {

constexpr int64_t kFiveMiB = int64_t{5} << 20;

struct Server {
  std::string endpoint, access_key_id, secret_access_key, region;
};

std::optional<Server> ServerFromEnv(const std::string& prefix) {
  auto get = [&](const char* suffix) {
    const char* value = std::getenv((prefix + suffix).c_str());
    return std::string(value == nullptr ? "" : value);
  };
  Server s{get("_ENDPOINT"), get("_ACCESS_KEY_ID"), get("_SECRET_ACCESS_KEY"), get("_REGION")};
  if (s.endpoint.empty()) return std::nullopt;
  if (s.region.empty()) s.region = "us-east-1";
  return s;
}

std::string RandomBytes(size_t size, uint32_t seed) {
  std::mt19937 random(seed);
  std::string out(size, '\0');
  for (char& c : out) c = static_cast<char>(random() & 0xFF);
  return out;
}

// A bucket name unique to this test and process.
std::string UniqueBucket() {
  static std::atomic<int> counter{0};
  std::string clean;
  for (char c : std::string(::testing::UnitTest::GetInstance()->current_test_info()->name())) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      clean.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
  }
  return fmt::format("de-os-{}-{}-{}", clean.substr(0, 30), getpid(), counter++);
}

// GET of `url` with plain libcurl (no signing): HTTP status (0 if none) and body.
std::pair<long, std::string> CurlGet(const std::string& url) {
  CURL* curl = curl_easy_init();
  std::string out;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
  curl_easy_setopt(
      curl, CURLOPT_WRITEFUNCTION, +[](char* data, size_t size, size_t n, void* user) {
        static_cast<std::string*>(user)->append(data, size * n);
        return size * n;
      });
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &out);
  long status = 0;
  if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(curl);
  return {status, out};
}

// Writes `data` in chunks of odd, unaligned sizes.
Status WriteInOddChunks(OutputStream& stream, std::string_view data) {
  static constexpr size_t kChunks[] = {1, 7919, 65537, 3, 1048573, 131071, 524287};
  size_t i = 0;
  while (!data.empty()) {
    size_t n = std::min(kChunks[i++ % std::size(kChunks)], data.size());
    RETURN_IF_ERROR(stream.Write(data.substr(0, n)));
    data.remove_prefix(n);
  }
  return Status::Ok();
}

class S3ObjectStoreLiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auth_ = ServerFromEnv("DE_S3");
    noauth_ = ServerFromEnv("DE_S3_NOAUTH");
    if (!auth_ || !noauth_) GTEST_SKIP() << "DE_S3_ENDPOINT is unset (run under scripts/with-moto)";
  }

  static S3ObjectStoreOptions Options(const Server& server, const std::string& bucket) {
    S3ObjectStoreOptions options;
    options.client.bucket = bucket;
    options.client.endpoint = server.endpoint;
    options.client.addressing = Addressing::kPath;
    options.client.http.region = server.region;
    options.client.http.retry = RetryPolicy{3, 10, 50};
    options.part_size = kFiveMiB;
    options.parts_in_flight = 2;
    return options;
  }

  // A store on `bucket` of `server` with the server's long-term keys.
  static std::unique_ptr<S3ObjectStore> OpenStore(const Server& server, const std::string& bucket,
                                                  Clock* clock = Clock::System()) {
    auto credentials =
        StaticCredentials(Credentials{server.access_key_id, server.secret_access_key, ""},
                          std::nullopt, "test", clock);
    auto store = S3ObjectStore::Open(Options(server, bucket), credentials, clock);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  // A store on a new bucket of `server`.
  static std::unique_ptr<S3ObjectStore> NewBucketStore(const Server& server) {
    auto store = OpenStore(server, UniqueBucket());
    if (store == nullptr) return nullptr;
    Status created = store->client().CreateBucket();
    EXPECT_TRUE(created.ok()) << created.ToString();
    return created.ok() ? std::move(store) : nullptr;
  }

  static Status PutAll(ObjectStore& store, const std::string& key, std::string_view data) {
    ASSIGN_OR_RETURN(std::unique_ptr<OutputStream> stream, store.Put(key, PutOptions{}));
    RETURN_IF_ERROR(WriteInOddChunks(*stream, data));
    return stream->Close();
  }

  std::optional<Server> auth_;
  std::optional<Server> noauth_;
};

TEST_F(S3ObjectStoreLiveTest, LiveMultipartObjectReadsBackByteIdentical) {
  auto store = NewBucketStore(*auth_);
  ASSERT_NE(store, nullptr);
  const std::string data = RandomBytes(static_cast<size_t>(kFiveMiB * 7 / 2), 7);  // 3.5 parts
  auto stream = store->Put("exports/big.parquet", PutOptions{});
  ASSERT_TRUE(stream.ok()) << stream.status().ToString();
  Status written = WriteInOddChunks(**stream, data);
  ASSERT_TRUE(written.ok()) << written.ToString();
  EXPECT_EQ((*stream)->position(), data.size());
  Status closed = (*stream)->Close();
  ASSERT_TRUE(closed.ok()) << closed.ToString();

  auto got = store->Get("exports/big.parquet");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->size(), data.size());
  EXPECT_TRUE(*got == data);
  auto listed = store->List("exports");
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].key, "exports/big.parquet");
  EXPECT_EQ((*listed)[0].size, data.size());
  auto head = store->client().HeadObject("exports/big.parquet");
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_TRUE(head->etag.ends_with("-4")) << head->etag;  // a multipart ETag of 4 parts
  auto uploads = store->client().ListMultipartUploads("");
  ASSERT_TRUE(uploads.ok()) << uploads.status().ToString();
  EXPECT_TRUE(uploads->empty());
}

TEST_F(S3ObjectStoreLiveTest, LiveSmallObjectIsOnePutWithItsContentType) {
  auto store = NewBucketStore(*auth_);
  ASSERT_NE(store, nullptr);
  auto stream = store->Put("manifest.json", PutOptions{"application/json"});
  ASSERT_TRUE(stream.ok()) << stream.status().ToString();
  ASSERT_TRUE((*stream)->Write("{\"files\":").ok());
  ASSERT_TRUE((*stream)->Write("[]}").ok());
  Status closed = (*stream)->Close();
  ASSERT_TRUE(closed.ok()) << closed.ToString();
  auto got = store->Get("manifest.json");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, "{\"files\":[]}");
  auto head = store->client().HeadObject("manifest.json");
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->content_type, "application/json");

  ASSERT_TRUE(PutAll(*store, "empty", "").ok());
  auto empty = store->Get("empty");
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_EQ(*empty, "");
  EXPECT_EQ(store->Get("absent").status().code(), StatusCode::kNotFound);
}

TEST_F(S3ObjectStoreLiveTest, LiveCopyReplacesTarget) {
  auto store = NewBucketStore(*auth_);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(PutAll(*store, "staging/a.parquet", "new bytes").ok());
  ASSERT_TRUE(PutAll(*store, "final/a.parquet", "old bytes, longer").ok());
  Status copied = store->Copy("staging/a.parquet", "final/a.parquet");
  ASSERT_TRUE(copied.ok()) << copied.ToString();
  auto got = store->Get("final/a.parquet");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, "new bytes");
  EXPECT_EQ(store->Get("staging/a.parquet").value(), "new bytes");
  EXPECT_EQ(store->Copy("staging/absent", "final/b").code(), StatusCode::kNotFound);
}

TEST_F(S3ObjectStoreLiveTest, LiveDeleteManyRemovesThirtyKeys) {
  auto store = NewBucketStore(*auth_);
  ASSERT_NE(store, nullptr);
  std::vector<std::string> keys;
  for (int i = 0; i < 30; ++i) {
    keys.push_back(fmt::format("run/file-{:02}.parquet", i));
    ASSERT_TRUE(PutAll(*store, keys.back(), fmt::format("body {}", i)).ok());
  }
  ASSERT_TRUE(PutAll(*store, "keep/me", "kept").ok());
  auto listed = store->List("run");
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 30u);

  keys.push_back("run/never-existed");
  Status deleted = store->DeleteMany(keys);
  ASSERT_TRUE(deleted.ok()) << deleted.ToString();
  listed = store->List("run");
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  EXPECT_TRUE(listed->empty());
  EXPECT_EQ(store->Get("keep/me").value(), "kept");
  EXPECT_TRUE(store->Delete("keep/me").ok());
  EXPECT_TRUE(store->Delete("keep/me").ok());  // already absent
  EXPECT_EQ(store->DeleteMany({"ok", "bad//key"}).code(), StatusCode::kInvalidArgument);
}

TEST_F(S3ObjectStoreLiveTest, LiveAbortLeavesNoUploadAndNoObject) {
  auto store = NewBucketStore(*auth_);
  ASSERT_NE(store, nullptr);
  const std::string data = RandomBytes(static_cast<size_t>(kFiveMiB * 5 / 2), 3);  // 2.5 parts
  {
    auto stream = store->Put("aborted/explicit", PutOptions{});
    ASSERT_TRUE(stream.ok()) << stream.status().ToString();
    ASSERT_TRUE(WriteInOddChunks(**stream, data).ok());
    auto during = store->client().ListMultipartUploads("aborted");
    ASSERT_TRUE(during.ok()) << during.status().ToString();
    EXPECT_EQ(during->size(), 1u);  // the upload started once the first part filled
    (*stream)->Abort();
  }
  {
    auto stream = store->Put("aborted/destroyed", PutOptions{});
    ASSERT_TRUE(stream.ok()) << stream.status().ToString();
    ASSERT_TRUE(WriteInOddChunks(**stream, data).ok());
  }  // destroyed without Close
  auto uploads = store->client().ListMultipartUploads("aborted");
  ASSERT_TRUE(uploads.ok()) << uploads.status().ToString();
  EXPECT_TRUE(uploads->empty());
  EXPECT_EQ(store->Get("aborted/explicit").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store->Get("aborted/destroyed").status().code(), StatusCode::kNotFound);
  auto listed = store->List("");
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  EXPECT_TRUE(listed->empty());
}

TEST_F(S3ObjectStoreLiveTest, LivePresignClampsToSessionCredentials) {
  const int64_t now = Clock::System()->NowSeconds();
  FakeClock clock(now * 1'000'000);
  auto credentials = StaticCredentials(
      Credentials{auth_->access_key_id, auth_->secret_access_key, "session-token-1"}, now + 600,
      "test", &clock);
  auto store = S3ObjectStore::Open(Options(*auth_, UniqueBucket()), credentials, &clock);
  ASSERT_TRUE(store.ok()) << store.status().ToString();

  auto link = (*store)->Presign("exports/a b+c.parquet", 86'400);
  ASSERT_TRUE(link.ok()) << link.status().ToString();
  EXPECT_EQ(link->expires_at, now + 600);
  EXPECT_NE(link->url.find("X-Amz-Expires=600&"), std::string::npos) << link->url;
  EXPECT_NE(link->url.find("X-Amz-Security-Token=session-token-1"), std::string::npos);

  auto shorter = (*store)->Presign("exports/a.parquet", 300);
  ASSERT_TRUE(shorter.ok()) << shorter.status().ToString();
  EXPECT_EQ(shorter->expires_at, now + 300);
  EXPECT_NE(shorter->url.find("X-Amz-Expires=300&"), std::string::npos) << shorter->url;

  clock.AdvanceSeconds(541);  // 59 s left
  auto late = (*store)->Presign("exports/a.parquet", 300);
  EXPECT_EQ(late.status().code(), StatusCode::kUnavailable);
}

TEST_F(S3ObjectStoreLiveTest, LivePresignedGetDownloadsExactBytes) {
  auto store = NewBucketStore(*noauth_);
  ASSERT_NE(store, nullptr);
  const std::string data = RandomBytes(kFiveMiB + 12345, 11);  // a multipart object
  Status put = PutAll(*store, "links/data file.parquet", data);
  ASSERT_TRUE(put.ok()) << put.ToString();
  auto link = store->Presign("links/data file.parquet", 86'400);
  ASSERT_TRUE(link.ok()) << link.status().ToString();
  EXPECT_NE(link->url.find("X-Amz-Expires=86400&"), std::string::npos) << link->url;
  auto [status, body] = CurlGet(link->url);
  EXPECT_EQ(status, 200);
  EXPECT_EQ(body.size(), data.size());
  EXPECT_TRUE(body == data);
}

TEST_F(S3ObjectStoreLiveTest, LivePingNamesAMissingBucket) {
  auto store = NewBucketStore(*auth_);
  ASSERT_NE(store, nullptr);
  Status ok = store->Ping();
  EXPECT_TRUE(ok.ok()) << ok.ToString();

  const std::string missing = UniqueBucket();
  auto wrong = OpenStore(*auth_, missing);
  ASSERT_NE(wrong, nullptr);
  Status ping = wrong->Ping();
  ASSERT_FALSE(ping.ok());
  EXPECT_NE(ping.message().find(missing), std::string::npos) << ping.ToString();
}

}  // namespace
}  // namespace de::s3
