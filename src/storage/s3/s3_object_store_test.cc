// S3ObjectStore without a server: option and key validation, and the presign expiry rules (which
// sign locally). The store against moto is in s3_object_store_live_test.cc.
#include "storage/s3/s3_object_store.h"

#include <gtest/gtest.h>

#include "storage/s3/credentials.h"

namespace de::s3 {
namespace {

constexpr int64_t kNow = 1'800'000'000;  // 2027-01-15T08:00:00Z

S3ObjectStoreOptions ValidOptions() {
  S3ObjectStoreOptions options;
  options.client.bucket = "exports";
  options.client.endpoint = "http://127.0.0.1:9";  // never contacted
  options.client.addressing = Addressing::kPath;
  options.client.http.region = "eu-central-1";
  return options;
}

class S3ObjectStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<S3ObjectStore> OpenWith(std::optional<int64_t> expires_at,
                                          std::string session_token = "") {
    auto credentials = StaticCredentials(Credentials{"AKIDEXAMPLE", "secret", session_token},
                                         expires_at, "test", &clock_);
    auto store = S3ObjectStore::Open(ValidOptions(), credentials, &clock_);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  FakeClock clock_{kNow * 1'000'000};
};

TEST_F(S3ObjectStoreTest, OpenChecksPartSizeAndPartsInFlight) {
  auto credentials =
      StaticCredentials(Credentials{"AKIDEXAMPLE", "secret", ""}, std::nullopt, "test", &clock_);
  auto open = [&](int64_t part_size, int parts_in_flight) {
    S3ObjectStoreOptions options = ValidOptions();
    options.part_size = part_size;
    options.parts_in_flight = parts_in_flight;
    return S3ObjectStore::Open(options, credentials, &clock_).status();
  };
  constexpr int64_t kMiB = int64_t{1} << 20;
  EXPECT_TRUE(open(5 * kMiB, 1).ok());
  EXPECT_TRUE(open(5 * 1024 * kMiB, 64).ok());
  Status small = open(5 * kMiB - 1, 4);
  EXPECT_EQ(small.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(small.message().find("part size 5242879"), std::string::npos) << small.message();
  EXPECT_EQ(open(5 * 1024 * kMiB + 1, 4).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(open(16 * kMiB, 0).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(open(16 * kMiB, 65).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(S3ObjectStore::Open(ValidOptions(), nullptr, &clock_).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(S3ObjectStoreTest, EveryOperationRejectsInvalidKeys) {
  auto store = OpenWith(std::nullopt);
  ASSERT_NE(store, nullptr);
  for (const std::string key : {"", "/abs", "a//b", "a/../b", "a\\b", "./a"}) {
    SCOPED_TRACE(key);
    EXPECT_EQ(store->Put(key, PutOptions{}).status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(store->Get(key).status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(store->Copy(key, "ok").code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(store->Copy("ok", key).code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(store->Delete(key).code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(store->DeleteMany({"ok", key}).code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(store->Presign(key, 60).status().code(), StatusCode::kInvalidArgument);
  }
}

TEST_F(S3ObjectStoreTest, PresignWithLongTermKeysGivesTheRequestedLifetime) {
  auto store = OpenWith(std::nullopt);
  ASSERT_NE(store, nullptr);
  auto link = store->Presign("exports/a.parquet", 86'400);
  ASSERT_TRUE(link.ok()) << link.status().ToString();
  EXPECT_EQ(link->expires_at, kNow + 86'400);
  EXPECT_NE(link->url.find("X-Amz-Expires=86400&"), std::string::npos) << link->url;
  EXPECT_EQ(link->url.rfind("http://127.0.0.1:9/exports/exports/a.parquet?", 0), 0u) << link->url;

  auto week = store->Presign("exports/a.parquet", 604'800);
  ASSERT_TRUE(week.ok()) << week.status().ToString();
  EXPECT_EQ(week->expires_at, kNow + 604'800);
  EXPECT_EQ(store->Presign("exports/a.parquet", 604'801).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store->Presign("exports/a.parquet", 0).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(S3ObjectStoreTest, PresignClampsToSessionCredentialsExpiry) {
  auto store = OpenWith(kNow + 600, "token");
  ASSERT_NE(store, nullptr);
  auto link = store->Presign("exports/a.parquet", 86'400);
  ASSERT_TRUE(link.ok()) << link.status().ToString();
  EXPECT_EQ(link->expires_at, kNow + 600);
  EXPECT_NE(link->url.find("X-Amz-Expires=600&"), std::string::npos) << link->url;
  auto shorter = store->Presign("exports/a.parquet", 120);
  ASSERT_TRUE(shorter.ok());
  EXPECT_EQ(shorter->expires_at, kNow + 120);

  clock_.AdvanceSeconds(540);  // exactly 60 s left: still signed, for 60 s
  auto last = store->Presign("exports/a.parquet", 86'400);
  ASSERT_TRUE(last.ok()) << last.status().ToString();
  EXPECT_EQ(last->expires_at, kNow + 600);
  clock_.AdvanceSeconds(1);  // 59 s left
  Status late = store->Presign("exports/a.parquet", 86'400).status();
  EXPECT_EQ(late.code(), StatusCode::kUnavailable);
  EXPECT_NE(late.message().find("expire in 59 s"), std::string::npos) << late.message();
}

}  // namespace
}  // namespace de::s3
