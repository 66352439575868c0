#include "storage/local/link_signer.h"

#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace de {
namespace {

constexpr std::string_view kSecret = "0123456789abcdef0123456789abcdef";

// printf 'GET\nexports/dev/way/way_000.parquet\n1700000000' |
//   openssl dgst -sha256 -hmac '0123456789abcdef0123456789abcdef'
constexpr std::string_view kWaySignature =
    "de21f11819000e622db7d65d83206ef311579cec74b5cd186e5f1a9ee871fab6";
// printf 'GET\na b/%%2e%%2e/ü\n0' | openssl dgst -sha256 -hmac '0123456789abcdef0123456789abcdef'
constexpr std::string_view kOddKeySignature =
    "5abe169677cbc4625e77fc749f127385a77c15fff6f1d039367e732ac9a86fe6";

LinkSigner TestSigner() { return std::move(LinkSigner::FromSecret(kSecret)).value(); }

TEST(LinkSignerTest, SignMatchesOpensslVectors) {
  LinkSigner signer = TestSigner();
  EXPECT_EQ(signer.Sign("exports/dev/way/way_000.parquet", 1'700'000'000), kWaySignature);
  EXPECT_EQ(signer.Sign("a b/%2e%2e/\xc3\xbc", 0), kOddKeySignature);
}

// The keyed HMAC state is shared: threads signing at once, and a moved signer, agree with the
// vectors.
TEST(LinkSignerTest, SignsFromManyThreadsAndAfterAMove) {
  LinkSigner first = TestSigner();
  LinkSigner signer = std::move(first);
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) {
        if (signer.Sign("exports/dev/way/way_000.parquet", 1'700'000'000) != kWaySignature ||
            signer.Verify("a b/%2e%2e/\xc3\xbc", "0", kOddKeySignature, 0) != LinkVerdict::kValid) {
          ++mismatches;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(mismatches.load(), 0);
}

TEST(LinkSignerTest, ShortSecretIsRefused) {
  Result<LinkSigner> signer = LinkSigner::FromSecret("too short");
  ASSERT_FALSE(signer.ok());
  EXPECT_EQ(signer.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(signer.status().message().find("too short"), std::string::npos);
}

TEST(LinkSignerTest, VerifyOutcomes) {
  LinkSigner signer = TestSigner();
  const std::string key = "exports/dev/way/way_000.parquet";
  const std::string sig(kWaySignature);
  EXPECT_EQ(signer.Verify(key, "1700000000", sig, 1'699'999'999), LinkVerdict::kValid);
  EXPECT_EQ(signer.Verify(key, "1700000000", sig, 1'700'000'000), LinkVerdict::kValid);
  EXPECT_EQ(signer.Verify(key, "1700000000", sig, 1'700'000'001), LinkVerdict::kExpired);
  // Tampered key, expiry (later, so it would not be expired) or signature.
  EXPECT_EQ(signer.Verify(key + "x", "1700000000", sig, 0), LinkVerdict::kBadSignature);
  EXPECT_EQ(signer.Verify(key, "1800000000", sig, 1'700'000'001), LinkVerdict::kBadSignature);
  std::string flipped = sig;
  flipped[10] = flipped[10] == '0' ? '1' : '0';
  EXPECT_EQ(signer.Verify(key, "1700000000", flipped, 0), LinkVerdict::kBadSignature);
  // Upper-case hex is the same signature.
  std::string upper = sig;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(signer.Verify(key, "1700000000", upper, 0), LinkVerdict::kValid);
}

TEST(LinkSignerTest, MalformedParameters) {
  LinkSigner signer = TestSigner();
  const std::string key = "exports/dev/way/way_000.parquet";
  const std::string sig(kWaySignature);
  for (std::string_view expires :
       {"", "-1", "01700000000", "17e8", "1700000000 ", "0x10", "9999999999999999999999"}) {
    EXPECT_EQ(signer.Verify(key, expires, sig, 0), LinkVerdict::kMalformed) << expires;
  }
  const std::vector<std::string> bad_sigs = {"", sig.substr(0, 63), sig + "0",
                                             "zz" + sig.substr(2)};
  for (const std::string& bad_sig : bad_sigs) {
    EXPECT_EQ(signer.Verify(key, "1700000000", bad_sig, 0), LinkVerdict::kMalformed) << bad_sig;
  }
}

TEST(LinkSignerTest, DifferentSecretsDisagree) {
  LinkSigner a = TestSigner();
  LinkSigner b = std::move(LinkSigner::FromSecret(std::string(40, 'k'))).value();
  std::string sig = a.Sign("k", 10);
  EXPECT_EQ(b.Verify("k", "10", sig, 0), LinkVerdict::kBadSignature);
}

class KeyFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string templ = (std::filesystem::temp_directory_path() / "de-keyfile-XXXXXX").string();
    ASSERT_NE(::mkdtemp(templ.data()), nullptr);
    dir_ = templ;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string KeyPath() const { return (dir_ / "data" / LinkSigner::kKeyFileName).string(); }

  std::filesystem::path dir_;
};

TEST_F(KeyFileTest, CreatedWithMode0600AndReusedOnSecondStart) {
  Result<LinkSigner> first = LinkSigner::LoadOrCreateKey((dir_ / "data").string());
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  struct stat st {};
  ASSERT_EQ(::stat(KeyPath().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(st.st_size, static_cast<off_t>(LinkSigner::kKeyFileBytes));
  // No temporary file is left beside the key.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_ / "data"), {}), 1);

  Result<LinkSigner> second = LinkSigner::LoadOrCreateKey((dir_ / "data").string());
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  std::string sig = first->Sign("a/b", 100);
  EXPECT_EQ(second->Verify("a/b", "100", sig, 0), LinkVerdict::kValid);
}

TEST_F(KeyFileTest, TwoDataDirsGetDifferentKeys) {
  Result<LinkSigner> a = LinkSigner::LoadOrCreateKey((dir_ / "a").string());
  Result<LinkSigner> b = LinkSigner::LoadOrCreateKey((dir_ / "b").string());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(b->Verify("k", "1", a->Sign("k", 1), 0), LinkVerdict::kBadSignature);
}

TEST_F(KeyFileTest, WrongLengthIsRefused) {
  std::filesystem::create_directories(dir_ / "data");
  { std::ofstream(KeyPath()) << "short"; }
  ::chmod(KeyPath().c_str(), 0600);
  Result<LinkSigner> signer = LinkSigner::LoadOrCreateKey((dir_ / "data").string());
  ASSERT_FALSE(signer.ok());
  EXPECT_EQ(signer.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(signer.status().message().find(KeyPath()), std::string::npos);
  EXPECT_NE(signer.status().message().find("32 bytes"), std::string::npos);
  EXPECT_EQ(signer.status().message().find("short"), std::string::npos);
}

TEST_F(KeyFileTest, WorldReadableIsRefused) {
  ASSERT_TRUE(LinkSigner::LoadOrCreateKey((dir_ / "data").string()).ok());
  ::chmod(KeyPath().c_str(), 0644);
  Result<LinkSigner> signer = LinkSigner::LoadOrCreateKey((dir_ / "data").string());
  ASSERT_FALSE(signer.ok());
  EXPECT_EQ(signer.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(signer.status().message().find("chmod 600"), std::string::npos);
}

TEST_F(KeyFileTest, GroupReadableIsAcceptedWithWarning) {
  ASSERT_TRUE(LinkSigner::LoadOrCreateKey((dir_ / "data").string()).ok());
  ::chmod(KeyPath().c_str(), 0640);
  EXPECT_TRUE(LinkSigner::LoadOrCreateKey((dir_ / "data").string()).ok());
}

TEST_F(KeyFileTest, SymlinkIsRefused) {
  ASSERT_TRUE(LinkSigner::LoadOrCreateKeyFile((dir_ / "real.key").string()).ok());
  std::filesystem::create_directories(dir_ / "data");
  std::filesystem::create_symlink(dir_ / "real.key", KeyPath());
  Result<LinkSigner> signer = LinkSigner::LoadOrCreateKey((dir_ / "data").string());
  EXPECT_FALSE(signer.ok());
}

TEST_F(KeyFileTest, UncreatableDirectoryIsAClearError) {
  { std::ofstream(dir_ / "file") << "x"; }
  Result<LinkSigner> signer = LinkSigner::LoadOrCreateKey((dir_ / "file" / "data").string());
  ASSERT_FALSE(signer.ok());
  EXPECT_NE(signer.status().message().find((dir_ / "file").string()), std::string::npos);
}

}  // namespace
}  // namespace de
