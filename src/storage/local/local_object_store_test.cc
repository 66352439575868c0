#include "storage/local/local_object_store.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace de {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kSecret = "0123456789abcdef0123456789abcdef";
constexpr int64_t kNow = 1'700'000'000;

size_t CountEntries(const fs::path& dir) {
  return static_cast<size_t>(std::distance(fs::directory_iterator(dir), {}));
}

class LocalObjectStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string templ = (fs::temp_directory_path() / "de-store-XXXXXX").string();
    ASSERT_NE(::mkdtemp(templ.data()), nullptr);
    dir_ = templ;
    root_ = dir_ / "objects";
    auto store = LocalObjectStore::Open(Options());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  LocalObjectStoreOptions Options() {
    LocalObjectStoreOptions options;
    options.root = root_.string();
    options.public_base_url = "http://127.0.0.1:8080/";
    options.signer =
        std::make_shared<LinkSigner>(std::move(LinkSigner::FromSecret(kSecret)).value());
    options.clock = &clock_;
    return options;
  }

  void PutObject(const std::string& key, std::string_view bytes) {
    auto stream = store_->Put(key, {});
    ASSERT_TRUE(stream.ok()) << stream.status().ToString();
    ASSERT_TRUE((*stream)->Write(bytes).ok());
    ASSERT_TRUE((*stream)->Close().ok());
  }

  std::vector<std::string> Keys(const std::string& prefix) {
    auto objects = store_->List(prefix);
    EXPECT_TRUE(objects.ok()) << objects.status().ToString();
    std::vector<std::string> keys;
    if (objects.ok()) {
      for (const ObjectInfo& info : *objects) keys.push_back(info.key);
    }
    return keys;
  }

  FakeClock clock_{kNow * 1'000'000};
  fs::path dir_;
  fs::path root_;
  std::unique_ptr<LocalObjectStore> store_;
};

TEST_F(LocalObjectStoreTest, NothingIsVisibleBeforeClose) {
  auto stream = store_->Put("exports/dev/t/t_000.parquet", {});
  ASSERT_TRUE(stream.ok());
  ASSERT_TRUE((*stream)->Write("PAR1").ok());
  ASSERT_TRUE((*stream)->Write(std::string(100'000, 'x')).ok());
  EXPECT_EQ((*stream)->position(), 100'004u);
  EXPECT_EQ(store_->Get("exports/dev/t/t_000.parquet").status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(Keys("").empty());
  EXPECT_FALSE(fs::exists(root_ / "exports"));
  EXPECT_EQ(CountEntries(root_ / ".tmp"), 1u);

  ASSERT_TRUE((*stream)->Close().ok());
  auto data = store_->Get("exports/dev/t/t_000.parquet");
  ASSERT_TRUE(data.ok());
  EXPECT_EQ(*data, "PAR1" + std::string(100'000, 'x'));
  EXPECT_EQ(CountEntries(root_ / ".tmp"), 0u);
  EXPECT_FALSE((*stream)->Close().ok());
  (*stream)->Abort();  // after Close: no effect on the published object
  EXPECT_TRUE(store_->Get("exports/dev/t/t_000.parquet").ok());
}

TEST_F(LocalObjectStoreTest, AbortAndDestructorLeaveNoTrace) {
  {
    auto stream = store_->Put("a/b", {});
    ASSERT_TRUE(stream.ok());
    ASSERT_TRUE((*stream)->Write("bytes").ok());
    (*stream)->Abort();
    (*stream)->Abort();
    EXPECT_FALSE((*stream)->Write("more").ok());
  }
  {
    auto stream = store_->Put("a/c", {});
    ASSERT_TRUE(stream.ok());
    ASSERT_TRUE((*stream)->Write("bytes").ok());
  }  // destroyed unclosed
  EXPECT_EQ(CountEntries(root_ / ".tmp"), 0u);
  EXPECT_TRUE(Keys("").empty());
  EXPECT_FALSE(fs::exists(root_ / "a"));
}

TEST_F(LocalObjectStoreTest, PutReplacesExistingObject) {
  PutObject("k", "old");
  PutObject("k", "new!");
  EXPECT_EQ(*store_->Get("k"), "new!");
}

TEST_F(LocalObjectStoreTest, CopyReplacesTheTargetWholeAndKeepsTheSource) {
  std::string big(3 * (1 << 20) + 17, 'b');  // more than one copy buffer
  big[0] = 'P';
  big.back() = 'Z';
  PutObject("staging/t_000.parquet", big);
  PutObject("day/t/t_000.parquet", "old");
  ASSERT_TRUE(store_->Copy("staging/t_000.parquet", "day/t/t_000.parquet").ok());
  EXPECT_EQ(*store_->Get("day/t/t_000.parquet"), big);
  EXPECT_EQ(*store_->Get("staging/t_000.parquet"), big);
  ASSERT_TRUE(store_->Copy("staging/t_000.parquet", "day/t/t_001.parquet").ok());
  EXPECT_EQ(Keys("day/"), (std::vector<std::string>{"day/t/t_000.parquet", "day/t/t_001.parquet"}));
  EXPECT_EQ(CountEntries(root_ / ".tmp"), 0u);

  Status missing = store_->Copy("staging/nope", "day/t/t_002.parquet");
  EXPECT_EQ(missing.code(), StatusCode::kNotFound) << missing.ToString();
  EXPECT_EQ(store_->Copy("staging/t_000.parquet", "../x").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Copy("../x", "day/y").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Keys("day/").size(), 2u);
}

TEST_F(LocalObjectStoreTest, ListIsSortedFilteredAndSkipsTemp) {
  PutObject("p/z/2.parquet", "22");
  PutObject("p/a/1.parquet", "1");
  PutObject("p/ab", "333");
  PutObject("q/other", "");
  auto pending = store_->Put("p/pending", {});  // unclosed: not listed
  ASSERT_TRUE(pending.ok());

  EXPECT_EQ(Keys(""),
            (std::vector<std::string>{"p/a/1.parquet", "p/ab", "p/z/2.parquet", "q/other"}));
  EXPECT_EQ(Keys("p/a"), (std::vector<std::string>{"p/a/1.parquet", "p/ab"}));
  EXPECT_EQ(Keys("p/a/"), (std::vector<std::string>{"p/a/1.parquet"}));
  EXPECT_EQ(Keys("p/z/2.parquet"), (std::vector<std::string>{"p/z/2.parquet"}));
  EXPECT_TRUE(Keys("nothing/here/").empty());
  EXPECT_TRUE(Keys(".tmp/").empty());
  auto sizes = store_->List("p/");
  ASSERT_TRUE(sizes.ok());
  EXPECT_EQ((*sizes)[2].size, 2u);
  EXPECT_EQ(store_->List("../").status().code(), StatusCode::kInvalidArgument);
}

TEST_F(LocalObjectStoreTest, DeleteRemovesEmptyParentsOnly) {
  PutObject("x/y/z/file", "1");
  PutObject("x/keep", "2");
  ASSERT_TRUE(store_->Delete("x/y/z/file").ok());
  EXPECT_FALSE(fs::exists(root_ / "x" / "y"));
  EXPECT_TRUE(fs::exists(root_ / "x" / "keep"));
  ASSERT_TRUE(store_->Delete("x/keep").ok());
  EXPECT_FALSE(fs::exists(root_ / "x"));
  EXPECT_TRUE(fs::is_directory(root_));
  EXPECT_TRUE(store_->Delete("x/keep").ok());  // already gone
  EXPECT_TRUE(store_->Delete("no/such/dir").ok());
  EXPECT_EQ(store_->Get("x/keep").status().code(), StatusCode::kNotFound);
}

TEST_F(LocalObjectStoreTest, InvalidKeysAreRefusedEverywhere) {
  for (const std::string& key :
       std::vector<std::string>{"", "/etc/passwd", "..", "../x", "a/../../b", "a//b", "a/./b", "a/",
                                "a\\b", ".tmp/put-123", std::string("a\0b", 3), "a\nb"}) {
    EXPECT_EQ(store_->Put(key, {}).status().code(), StatusCode::kInvalidArgument) << key;
    EXPECT_EQ(store_->Get(key).status().code(), StatusCode::kInvalidArgument) << key;
    EXPECT_EQ(store_->Delete(key).code(), StatusCode::kInvalidArgument) << key;
    EXPECT_EQ(store_->Presign(key, 60).status().code(), StatusCode::kInvalidArgument) << key;
    EXPECT_EQ(store_->OpenObject(key).status().code(), StatusCode::kInvalidArgument) << key;
  }
}

TEST_F(LocalObjectStoreTest, SymlinksOutOfTheRootAreNotFollowed) {
  { std::ofstream(dir_ / "secret") << "outside"; }
  fs::create_directories(dir_ / "outside_dir");
  { std::ofstream(dir_ / "outside_dir" / "f") << "outside"; }
  fs::create_symlink(dir_ / "secret", root_ / "link");
  fs::create_symlink(dir_ / "outside_dir", root_ / "dirlink");

  EXPECT_EQ(store_->Get("link").status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(store_->Get("dirlink/f").status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(store_->OpenObject("dirlink/f").status().code(), StatusCode::kPermissionDenied);

  auto stream = store_->Put("dirlink/new", {});
  ASSERT_TRUE(stream.ok());
  ASSERT_TRUE((*stream)->Write("x").ok());
  EXPECT_FALSE((*stream)->Close().ok());
  EXPECT_FALSE(fs::exists(dir_ / "outside_dir" / "new"));
  EXPECT_EQ(CountEntries(root_ / ".tmp"), 0u);

  EXPECT_FALSE(store_->Delete("dirlink/f").ok());
  EXPECT_TRUE(fs::exists(dir_ / "outside_dir" / "f"));
  EXPECT_TRUE(Keys("").empty());  // links are not objects
}

TEST_F(LocalObjectStoreTest, PresignBuildsVerifiableExpiringLinks) {
  auto link = store_->Presign("exports/dev/a b/t_000.parquet", 86'400);
  ASSERT_TRUE(link.ok()) << link.status().ToString();
  EXPECT_EQ(link->expires_at, kNow + 86'400);
  LinkSigner signer = std::move(LinkSigner::FromSecret(kSecret)).value();
  EXPECT_EQ(link->url, fmt::format("http://127.0.0.1:8080/download/exports/dev/a%20b/"
                                   "t_000.parquet?expires={}&sig={}",
                                   kNow + 86'400,
                                   signer.Sign("exports/dev/a b/t_000.parquet", kNow + 86'400)));
  std::string expires = std::to_string(link->expires_at);
  std::string sig = link->url.substr(link->url.find("sig=") + 4);
  EXPECT_EQ(store_->VerifyLink("exports/dev/a b/t_000.parquet", expires, sig), LinkVerdict::kValid);
  clock_.AdvanceSeconds(86'401);
  EXPECT_EQ(store_->VerifyLink("exports/dev/a b/t_000.parquet", expires, sig),
            LinkVerdict::kExpired);

  EXPECT_TRUE(store_->Presign("k", 1).ok());
  EXPECT_TRUE(store_->Presign("k", 604'800).ok());
  EXPECT_EQ(store_->Presign("k", 0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Presign("k", 604'801).status().code(), StatusCode::kInvalidArgument);
}

TEST(EncodeKeyForUrlPathTest, KeepsUnreservedAndSlashes) {
  EXPECT_EQ(EncodeKeyForUrlPath("a/B-1._~/c d%e?f#g&h+\xc3\xbc"),
            "a/B-1._~/c%20d%25e%3Ff%23g%26h%2B%C3%BC");
}

TEST_F(LocalObjectStoreTest, PingAndReopen) {
  EXPECT_TRUE(store_->Ping().ok());
  PutObject("kept", "1");
  store_.reset();
  auto reopened = LocalObjectStore::Open(Options());
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(*(*reopened)->Get("kept"), "1");
}

TEST_F(LocalObjectStoreTest, ReopenRemovesAbandonedUploadsOnly) {
  // What a process killed mid-upload leaves: an upload file nobody holds a lock on.
  { std::ofstream(root_ / ".tmp" / "put-killed") << "partial parquet"; }
  auto live = store_->Put("live", {});  // held by this (living) writer, however old
  ASSERT_TRUE(live.ok());
  clock_.SetMicros(Clock::System()->NowMicros() + int64_t{30} * 86'400 * 1'000'000);
  store_.reset();
  ASSERT_TRUE(LocalObjectStore::Open(Options()).ok());
  EXPECT_FALSE(std::filesystem::exists(root_ / ".tmp" / "put-killed"));
  EXPECT_EQ(CountEntries(root_ / ".tmp"), 1u);
  ASSERT_TRUE((*live)->Write("x").ok());
  ASSERT_TRUE((*live)->Close().ok());
  EXPECT_EQ(CountEntries(root_ / ".tmp"), 0u);
}

TEST_F(LocalObjectStoreTest, RequiredOptions) {
  LocalObjectStoreOptions no_signer = Options();
  no_signer.signer = nullptr;
  EXPECT_EQ(LocalObjectStore::Open(no_signer).status().code(), StatusCode::kInvalidArgument);
  LocalObjectStoreOptions no_root = Options();
  no_root.root.clear();
  EXPECT_EQ(LocalObjectStore::Open(no_root).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(LocalObjectStoreTest, UncreatableRootIsPermissionDeniedNamingThePath) {
  { std::ofstream(dir_ / "plain_file") << "x"; }
  LocalObjectStoreOptions options = Options();
  options.root = (dir_ / "plain_file" / "objects").string();
  auto store = LocalObjectStore::Open(options);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(store.status().message().find(options.root), std::string::npos);
}

TEST_F(LocalObjectStoreTest, UnwritableRootIsPermissionDenied) {
  if (::geteuid() == 0) GTEST_SKIP() << "root ignores directory permissions";
  fs::create_directories(dir_ / "readonly");
  ::chmod((dir_ / "readonly").c_str(), 0500);
  LocalObjectStoreOptions options = Options();
  options.root = (dir_ / "readonly").string();
  auto store = LocalObjectStore::Open(options);
  ::chmod((dir_ / "readonly").c_str(), 0700);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(store.status().message().find("readonly"), std::string::npos);
}

}  // namespace
}  // namespace de
