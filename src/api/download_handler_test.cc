#include "api/download_handler.h"

#include <stdio.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "api/http_test_client.h"

namespace de {
namespace {

namespace fs = std::filesystem;
using testing::ClientResponse;
using testing::Fetch;
using Verb = boost::beast::http::verb;

constexpr std::string_view kSecret = "0123456789abcdef0123456789abcdef";
constexpr int64_t kNow = 1'700'000'000;
constexpr std::string_view kParquetKey =
    "exports/dev/data_exporter_service/way/20231114/way_000.parquet";

// Deterministic bytes with every byte value, longer than one 64 KiB send chunk.
std::string SampleBytes(size_t size) {
  std::string bytes(size, '\0');
  uint32_t state = 12345;
  for (char& c : bytes) {
    state = state * 1103515245 + 12345;
    c = static_cast<char>(state >> 16);
  }
  bytes.replace(0, 4, "PAR1");
  bytes.replace(size - 4, 4, "PAR1");
  return bytes;
}

class DownloadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string templ = (fs::temp_directory_path() / "de-download-XXXXXX").string();
    ASSERT_NE(::mkdtemp(templ.data()), nullptr);
    dir_ = templ;
    signer_ = std::make_shared<LinkSigner>(std::move(LinkSigner::FromSecret(kSecret)).value());
    LocalObjectStoreOptions options;
    options.root = (dir_ / "objects").string();
    options.signer = signer_;
    options.clock = &clock_;
    auto store = LocalObjectStore::Open(options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    server_ = std::make_unique<HttpServer>(HttpServerOptions{});
    MountDownloadRoute(*server_, *store_);
    ASSERT_TRUE(server_->Start().ok());
    Put(std::string(kParquetKey), parquet_);
  }

  void TearDown() override {
    server_->Stop();
    fs::remove_all(dir_);
  }

  void Put(const std::string& key, std::string_view bytes) {
    auto stream = store_->Put(key, {});
    ASSERT_TRUE(stream.ok());
    ASSERT_TRUE((*stream)->Write(bytes).ok());
    ASSERT_TRUE((*stream)->Close().ok());
  }

  // The path and query of a link the store presigns for `key`.
  std::string LinkTarget(const std::string& key, int64_t expires_in = 86'400) {
    auto link = store_->Presign(key, expires_in);
    EXPECT_TRUE(link.ok());
    std::string url = link->url;
    return url.substr(url.find("/download/"));
  }

  // A target for an arbitrary (already encoded) path, signed for the decoded `key`.
  std::string SignedTarget(const std::string& encoded_path, const std::string& key) {
    int64_t expires = kNow + 60;
    return fmt::format("/download/{}?expires={}&sig={}", encoded_path, expires,
                       signer_->Sign(key, expires));
  }

  ClientResponse Get(const std::string& target,
                     std::vector<std::pair<std::string, std::string>> headers = {}) {
    return Fetch(server_->port(), Verb::get, target, std::move(headers));
  }

  FakeClock clock_{kNow * 1'000'000};
  fs::path dir_;
  std::shared_ptr<LinkSigner> signer_;
  std::unique_ptr<LocalObjectStore> store_;
  std::unique_ptr<HttpServer> server_;
  const std::string parquet_ = SampleBytes(200'003);
};

TEST_F(DownloadTest, ServesExactBytesWithHeaders) {
  ClientResponse response = Get(LinkTarget(std::string(kParquetKey)));
  ASSERT_EQ(response.status, 200) << response.error << response.body;
  EXPECT_TRUE(response.body == parquet_);
  EXPECT_EQ(response.Header("content-length"), std::to_string(parquet_.size()));
  EXPECT_EQ(response.Header("content-type"), "application/vnd.apache.parquet");
  EXPECT_EQ(response.Header("content-disposition"),
            "attachment; filename=\"way_000.parquet\"; filename*=UTF-8''way_000.parquet");
  EXPECT_EQ(response.Header("accept-ranges"), "bytes");
  EXPECT_FALSE(response.Header("etag").empty());
  EXPECT_FALSE(response.Header("last-modified").empty());
}

TEST_F(DownloadTest, HeadSendsHeadersOnly) {
  ClientResponse response =
      Fetch(server_->port(), Verb::head, LinkTarget(std::string(kParquetKey)));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.Header("content-length"), std::to_string(parquet_.size()));
  EXPECT_TRUE(response.body.empty());
}

TEST_F(DownloadTest, ContentTypes) {
  Put("exports/x/manifest", R"({"entries":[]})");
  Put("exports/x/data.bin", "b");
  Put("exports/x/a \"b\" ü.bin", "b");
  EXPECT_EQ(Get(LinkTarget("exports/x/manifest")).Header("content-type"), "application/json");
  EXPECT_EQ(Get(LinkTarget("exports/x/data.bin")).Header("content-type"),
            "application/octet-stream");
  ClientResponse odd = Get(LinkTarget("exports/x/a \"b\" ü.bin"));
  EXPECT_EQ(odd.status, 200);
  EXPECT_EQ(odd.Header("content-disposition"),
            "attachment; filename=\"a _b_ __.bin\"; filename*=UTF-8''a%20%22b%22%20%C3%BC.bin");
}

TEST_F(DownloadTest, TamperedLinksAreForbidden) {
  const std::string key(kParquetKey);
  const std::string target = LinkTarget(key);
  const std::string path = target.substr(0, target.find('?'));
  const int64_t expires = kNow + 86'400;
  const std::string sig = signer_->Sign(key, expires);

  auto expect_forbidden = [&](const std::string& t, std::string_view reason) {
    ClientResponse response = Get(t);
    EXPECT_EQ(response.status, 403) << t;
    EXPECT_EQ(response.body, std::string(reason) + "\n") << t;
  };
  std::string flipped = sig;
  flipped[0] = flipped[0] == 'a' ? 'b' : 'a';
  expect_forbidden(fmt::format("{}?expires={}&sig={}", path, expires, flipped),
                   "invalid signature");
  expect_forbidden(fmt::format("{}?expires={}&sig={}", path, expires + 1, sig),
                   "invalid signature");
  Put("exports/other.parquet", "other");
  expect_forbidden(fmt::format("/download/exports/other.parquet?expires={}&sig={}", expires, sig),
                   "invalid signature");
  expect_forbidden(path, "malformed link");
  expect_forbidden(fmt::format("{}?expires={}", path, expires), "malformed link");
  expect_forbidden(fmt::format("{}?sig={}", path, sig), "malformed link");
  expect_forbidden(fmt::format("{}?expires={}&sig={}&sig={}", path, expires, sig, sig),
                   "malformed link");
  expect_forbidden(fmt::format("{}?expires=abc&sig={}", path, sig), "malformed link");
  expect_forbidden(fmt::format("{}?expires={}&sig=xyz", path, expires), "malformed link");
}

TEST_F(DownloadTest, ExpiredLinksAreForbidden) {
  const std::string target = LinkTarget(std::string(kParquetKey), 60);
  EXPECT_EQ(Get(target).status, 200);
  clock_.AdvanceSeconds(60);
  EXPECT_EQ(Get(target).status, 200);  // valid through its last second
  clock_.AdvanceSeconds(1);
  ClientResponse response = Get(target);
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(response.body, "link expired\n");
}

TEST_F(DownloadTest, MissingObjectIs404) {
  ClientResponse response = Get(LinkTarget("exports/nothing/here.parquet"));
  EXPECT_EQ(response.status, 404);
  ASSERT_TRUE(store_->Delete(std::string(kParquetKey)).ok());
  EXPECT_EQ(Get(LinkTarget(std::string(kParquetKey))).status, 404);
}

TEST_F(DownloadTest, SingleRangesForParquetFooters) {
  const std::string target = LinkTarget(std::string(kParquetKey));
  const size_t size = parquet_.size();

  ClientResponse head = Get(target, {{"Range", "bytes=0-3"}});
  EXPECT_EQ(head.status, 206);
  EXPECT_EQ(head.body, "PAR1");
  EXPECT_EQ(head.Header("content-range"), fmt::format("bytes 0-3/{}", size));
  EXPECT_EQ(head.Header("content-length"), "4");

  ClientResponse footer = Get(target, {{"Range", "bytes=-8"}});
  EXPECT_EQ(footer.status, 206);
  EXPECT_TRUE(footer.body == parquet_.substr(size - 8));
  EXPECT_EQ(footer.Header("content-range"),
            fmt::format("bytes {}-{}/{}", size - 8, size - 1, size));

  ClientResponse middle = Get(target, {{"Range", "bytes=65530-140000"}});
  EXPECT_EQ(middle.status, 206);
  EXPECT_TRUE(middle.body == parquet_.substr(65530, 140000 - 65530 + 1));

  ClientResponse open_ended = Get(target, {{"Range", "bytes=200000-"}});
  EXPECT_EQ(open_ended.status, 206);
  EXPECT_TRUE(open_ended.body == parquet_.substr(200000));

  ClientResponse beyond = Get(target, {{"Range", fmt::format("bytes={}-", size)}});
  EXPECT_EQ(beyond.status, 416);
  EXPECT_EQ(beyond.Header("content-range"), fmt::format("bytes */{}", size));

  ClientResponse multi = Get(target, {{"Range", "bytes=0-1,5-6"}});
  EXPECT_EQ(multi.status, 200);
  EXPECT_EQ(multi.body.size(), size);

  ClientResponse stale = Get(target, {{"Range", "bytes=0-3"}, {"If-Range", "\"old\""}});
  EXPECT_EQ(stale.status, 200);
  ClientResponse fresh = Get(target, {{"Range", "bytes=0-3"}, {"If-Range", head.Header("etag")}});
  EXPECT_EQ(fresh.status, 206);
}

TEST_F(DownloadTest, TraversalAttemptsNeverLeaveTheRoot) {
  { std::ofstream(dir_ / "secret") << "TOP SECRET"; }
  // Each path is signed for the key it decodes to, so only key validation can stop it.
  const std::vector<std::pair<std::string, std::string>> attempts = {
      {"../secret", "../secret"},
      {"%2e%2e/secret", "../secret"},
      {"%2E%2E%2Fsecret", "../secret"},
      {"..%2fsecret", "../secret"},
      {"exports/..%2f..%2fsecret", "exports/../../secret"},
      {"/secret", "/secret"},
      {"%2Fsecret", "/secret"},
      {"exports%5C..%5C..%5Csecret", "exports\\..\\..\\secret"},
      {"a%00b", std::string("a\0b", 3)},
      {".tmp/x", ".tmp/x"},
  };
  for (const auto& [encoded, key] : attempts) {
    ClientResponse response = Get(SignedTarget(encoded, key));
    EXPECT_TRUE(response.status == 400 || response.status == 404)
        << encoded << " " << response.status;
    EXPECT_EQ(response.body.find("TOP SECRET"), std::string::npos) << encoded;
  }
  ClientResponse broken = Get(SignedTarget("a%zzb", "a%zzb"));
  EXPECT_EQ(broken.status, 400);

  // A symbolic link planted inside the root, with a valid signature, is not followed.
  fs::create_symlink(dir_ / "secret", dir_ / "objects" / "planted");
  fs::create_symlink(dir_, dir_ / "objects" / "planted_dir");
  for (const std::string key : {"planted", "planted_dir/secret"}) {
    ClientResponse response = Get(LinkTarget(key));
    EXPECT_NE(response.status, 200) << key;
    EXPECT_EQ(response.body.find("TOP SECRET"), std::string::npos) << key;
  }
}

TEST_F(DownloadTest, PresignedUrlWorksWithCurl) {
  if (::access("/usr/bin/curl", X_OK) != 0) GTEST_SKIP() << "curl not installed";
  const std::string key = "exports/dev/odd name+&=/x.parquet";
  Put(key, parquet_);
  std::string url = fmt::format("http://127.0.0.1:{}{}", server_->port(), LinkTarget(key));
  std::string out = (dir_ / "curl.out").string();
  std::string command = fmt::format("curl -sS -f -o '{}' -r 100-199 '{}'", out, url);
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  std::ifstream in(out, std::ios::binary);
  std::string got((std::istreambuf_iterator<char>(in)), {});
  EXPECT_TRUE(got == parquet_.substr(100, 100));
}

TEST(ResolveByteRangeTest, Cases) {
  using Kind = ByteRangeRequest::Kind;
  auto check = [](std::string_view header, uint64_t size, Kind kind, uint64_t first = 0,
                  uint64_t length = 0) {
    ByteRangeRequest range = ResolveByteRange(header, size);
    EXPECT_EQ(range.kind, kind) << header;
    if (kind == Kind::kPartial) {
      EXPECT_EQ(range.first, first) << header;
      EXPECT_EQ(range.length, length) << header;
    }
  };
  check("bytes=0-0", 10, Kind::kPartial, 0, 1);
  check("bytes=2-", 10, Kind::kPartial, 2, 8);
  check("bytes=5-100", 10, Kind::kPartial, 5, 5);
  check("bytes=-3", 10, Kind::kPartial, 7, 3);
  check("bytes=-30", 10, Kind::kPartial, 0, 10);
  check("Bytes=1-2 ", 10, Kind::kPartial, 1, 2);
  check("bytes=10-", 10, Kind::kUnsatisfiable);
  check("bytes=-0", 10, Kind::kUnsatisfiable);
  check("bytes=0-", 0, Kind::kUnsatisfiable);
  check("bytes=3-2", 10, Kind::kWhole);
  check("bytes=0-1,4-5", 10, Kind::kWhole);
  check("items=0-1", 10, Kind::kWhole);
  check("bytes=a-b", 10, Kind::kWhole);
  check("bytes=99999999999999999999999-", 10, Kind::kWhole);
  check("", 10, Kind::kWhole);
}

}  // namespace
}  // namespace de
