// Tests of the credential chain (config → environment → shared credentials file), the INI
// reader, file rotation, expiry handling, RFC 3339 times and region resolution.
#include "storage/s3/credentials.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

namespace de::s3 {
namespace {

constexpr int64_t kNow = 1'795'341'600;  // 2026-11-22T10:00:00Z
constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr char kToken[] = "IQoJb3JpZ2luX2VjEXAMPLETOKENvalue==";

// Records "level message" lines of the default logger while in scope.
class CapturedLog {
 public:
  CapturedLog() : previous_(spdlog::default_logger()) {
    auto logger = std::make_shared<spdlog::logger>(
        "capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(out_));
    logger->set_pattern("%l %v");
    spdlog::set_default_logger(logger);
  }
  ~CapturedLog() { spdlog::set_default_logger(previous_); }
  std::string text() const { return out_.str(); }
  int Count(std::string_view needle) const {
    std::string all = text();
    int n = 0;
    for (size_t p = all.find(needle); p != std::string::npos; p = all.find(needle, p + 1)) ++n;
    return n;
  }

 private:
  std::shared_ptr<spdlog::logger> previous_;
  std::ostringstream out_;
};

class CredentialChainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string templ = (std::filesystem::temp_directory_path() / "de-creds-XXXXXX").string();
    ASSERT_NE(::mkdtemp(templ.data()), nullptr);
    dir_ = templ;
    options_.clock = &clock_;
    options_.env = {};  // no HOME: nothing outside the test directory is read
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

  void Write(const std::string& path, const std::string& text) {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
  }

  // Writes to a new file and renames it over `path`, as rotating sidecars do.
  void Replace(const std::string& path, const std::string& text) {
    Write(path + ".tmp", text);
    std::filesystem::rename(path + ".tmp", path);
  }

  std::string UseFile(const std::string& text) {
    std::string path = Path("credentials");
    Write(path, text);
    options_.credentials_file = path;
    return path;
  }

  Result<TimedCredentials> Chain() {
    Result<std::shared_ptr<CredentialsProvider>> provider = MakeCredentialChain(options_);
    if (!provider.ok()) return provider.status();
    provider_ = *provider;
    return provider_->Get();
  }

  std::string dir_;
  FakeClock clock_{kNow * 1'000'000};
  CredentialChainOptions options_;
  std::shared_ptr<CredentialsProvider> provider_;
};

// ---- which step wins ----

TEST_F(CredentialChainTest, ConfigWinsOverEnvironmentAndFile) {
  options_.configured = {"AKIDCONFIG", "config-secret", ""};
  options_.env = {{"AWS_ACCESS_KEY_ID", "AKIDENV"}, {"AWS_SECRET_ACCESS_KEY", "env-secret"}};
  UseFile("[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = file-secret\n");
  Result<TimedCredentials> c = Chain();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->keys.access_key_id, "AKIDCONFIG");
  EXPECT_EQ(c->keys.secret_access_key, "config-secret");
  EXPECT_EQ(c->keys.session_token, "");
  EXPECT_EQ(c->source, "config");
  EXPECT_EQ(provider_->Describe(), "config");
  EXPECT_EQ(c->expires_at, std::nullopt);
  EXPECT_FALSE(c->expiry_assumed);
}

TEST_F(CredentialChainTest, EnvironmentWinsOverFile) {
  options_.env = {{"AWS_ACCESS_KEY_ID", "AKIDENV"},
                  {"AWS_SECRET_ACCESS_KEY", "env-secret"},
                  {"AWS_SESSION_TOKEN", "env-token"},
                  {"AWS_CREDENTIAL_EXPIRATION", "2026-11-22T11:30:00Z"}};
  UseFile("[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = file-secret\n");
  Result<TimedCredentials> c = Chain();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->keys.access_key_id, "AKIDENV");
  EXPECT_EQ(c->keys.secret_access_key, "env-secret");
  EXPECT_EQ(c->keys.session_token, "env-token");
  EXPECT_EQ(c->source, "environment");
  EXPECT_EQ(c->expires_at, kNow + 5400);
  EXPECT_FALSE(c->expiry_assumed);
}

TEST_F(CredentialChainTest, EmptyVariablesCountAsUnset) {
  options_.env = {{"AWS_ACCESS_KEY_ID", ""}, {"AWS_SECRET_ACCESS_KEY", ""}};
  UseFile("[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = file-secret\n");
  Result<TimedCredentials> c = Chain();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->keys.access_key_id, "AKIDFILE");
}

TEST_F(CredentialChainTest, FileDefaultProfile) {
  std::string path = UseFile(
      "# rotated by the sidecar\n"
      "[other]\naws_access_key_id = AKIDOTHER\naws_secret_access_key = other-secret\n\n"
      "  [ default ]  \r\n"
      "; a comment\r\n"
      "AWS_Access_Key_ID=AKIDFILE\r\n"
      "\taws_secret_access_key   =   file/secret+with=equals  \r\n"
      "region = eu-west-1\n");
  Result<TimedCredentials> c = Chain();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->keys.access_key_id, "AKIDFILE");
  EXPECT_EQ(c->keys.secret_access_key, "file/secret+with=equals");
  EXPECT_EQ(c->keys.session_token, "");
  EXPECT_EQ(c->source, "shared credentials file " + path + " [default]");
  EXPECT_EQ(provider_->Describe(), c->source);
  EXPECT_EQ(c->expires_at, std::nullopt);
}

TEST_F(CredentialChainTest, ProfileFromAwsProfileAndOptionOverridesIt) {
  std::string path = UseFile(
      "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = s1\n"
      "[ci]\naws_access_key_id = AKIDCI\naws_secret_access_key = s2\n"
      "[prod]\naws_access_key_id = AKIDPROD\naws_secret_access_key = s3\n");
  options_.env = {{"AWS_PROFILE", "ci"}};
  Result<TimedCredentials> c = Chain();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->keys.access_key_id, "AKIDCI");
  EXPECT_EQ(c->source, "shared credentials file " + path + " [ci]");

  options_.profile = "prod";
  c = Chain();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->keys.access_key_id, "AKIDPROD");
  EXPECT_EQ(c->keys.secret_access_key, "s3");
}

TEST_F(CredentialChainTest, FileFromEnvironmentThenHome) {
  Write(Path("home/.aws/credentials"),
        "[default]\naws_access_key_id = AKIDHOME\naws_secret_access_key = home-secret\n");
  Write(Path("elsewhere"),
        "[default]\naws_access_key_id = AKIDENVFILE\naws_secret_access_key = s\n");
  options_.env = {{"HOME", Path("home")}, {"AWS_SHARED_CREDENTIALS_FILE", Path("elsewhere")}};
  Result<TimedCredentials> c = Chain();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->keys.access_key_id, "AKIDENVFILE");

  options_.env.erase("AWS_SHARED_CREDENTIALS_FILE");
  c = Chain();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->keys.access_key_id, "AKIDHOME");
  EXPECT_EQ(c->source, "shared credentials file " + Path("home/.aws/credentials") + " [default]");

  // The configured file overrides both.
  options_.credentials_file = Path("elsewhere");
  c = Chain();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->keys.access_key_id, "AKIDENVFILE");
}

// ---- nothing anywhere ----

TEST_F(CredentialChainTest, NothingAnywhereNamesEveryPlaceLooked) {
  options_.env = {{"HOME", Path("home")}};
  Result<TimedCredentials> c = Chain();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(c.status().message(),
            "no AWS credentials found; looked in: config (storage.access_key_id and "
            "storage.secret_access_key not set); environment (AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY not set); shared credentials file " +
                Path("home/.aws/credentials") + " (does not exist)");
}

TEST_F(CredentialChainTest, NoHomeAndNoFileVariable) {
  Result<TimedCredentials> c = Chain();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kUnauthenticated);
  EXPECT_NE(c.status().message().find(
                "shared credentials file (no AWS_SHARED_CREDENTIALS_FILE and no HOME)"),
            std::string::npos)
      << c.status().message();
}

TEST_F(CredentialChainTest, FileWithoutTheProfileIsUnauthenticated) {
  std::string path = UseFile("[other]\naws_access_key_id = A\naws_secret_access_key = B\n");
  Result<TimedCredentials> c = Chain();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kUnauthenticated);
  EXPECT_NE(c.status().message().find("shared credentials file " + path +
                                      " [default]: the file has no profile [default]"),
            std::string::npos)
      << c.status().message();
  EXPECT_NE(c.status().message().find("AWS_ACCESS_KEY_ID"), std::string::npos);
}

TEST_F(CredentialChainTest, ProfileWithoutKeysIsUnauthenticated) {
  UseFile("[default]\nregion = us-east-1\n");
  Result<TimedCredentials> c = Chain();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kUnauthenticated);
  EXPECT_NE(
      c.status().message().find("the profile has no aws_access_key_id and aws_secret_access_key"),
      std::string::npos)
      << c.status().message();
}

// ---- half-set steps ----

void ExpectRefused(const Result<TimedCredentials>& c, const std::string& expected_message,
                   std::initializer_list<std::string_view> secrets) {
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(c.status().message(), expected_message);
  for (std::string_view secret : secrets) {
    EXPECT_EQ(c.status().message().find(secret), std::string::npos) << secret;
  }
}

TEST_F(CredentialChainTest, HalfSetConfigIsRefused) {
  options_.configured = {"AKIDCONFIG", "", ""};
  ExpectRefused(Chain(),
                "config: storage.access_key_id is set but storage.secret_access_key is not", {});
  options_.configured = {"", kSecret, ""};
  ExpectRefused(Chain(),
                "config: storage.secret_access_key is set but storage.access_key_id is not",
                {kSecret});
  options_.configured = {"", "", kToken};
  ExpectRefused(Chain(),
                "config: storage.session_token is set but storage.access_key_id and "
                "storage.secret_access_key are not",
                {kToken});
  options_.configured = {};
  options_.configured_expires_at = "2026-11-22T11:00:00Z";
  ExpectRefused(Chain(),
                "config: storage.session_expires_at is set but storage.access_key_id and "
                "storage.secret_access_key are not",
                {});
}

TEST_F(CredentialChainTest, HalfSetConfigIsRefusedEvenWhenLaterStepsHaveKeys) {
  options_.configured = {"", kSecret, kToken};
  options_.env = {{"AWS_ACCESS_KEY_ID", "AKIDENV"}, {"AWS_SECRET_ACCESS_KEY", "env-secret"}};
  Result<TimedCredentials> c = Chain();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(CredentialChainTest, HalfSetEnvironmentIsRefused) {
  options_.env = {{"AWS_ACCESS_KEY_ID", "AKIDENV"}};
  ExpectRefused(Chain(), "environment: AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not",
                {});
  options_.env = {{"AWS_SECRET_ACCESS_KEY", kSecret}};
  ExpectRefused(Chain(), "environment: AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not",
                {kSecret});
  options_.env = {{"AWS_SESSION_TOKEN", kToken}};
  ExpectRefused(Chain(),
                "environment: AWS_SESSION_TOKEN is set but AWS_ACCESS_KEY_ID and "
                "AWS_SECRET_ACCESS_KEY are not",
                {kToken});
}

TEST_F(CredentialChainTest, BadExpiryIsRefusedNamingTheVariable) {
  options_.env = {{"AWS_ACCESS_KEY_ID", "AKIDENV"},
                  {"AWS_SECRET_ACCESS_KEY", kSecret},
                  {"AWS_SESSION_TOKEN", kToken},
                  {"AWS_CREDENTIAL_EXPIRATION", "tomorrow"}};
  ExpectRefused(Chain(),
                "environment: AWS_CREDENTIAL_EXPIRATION is 'tomorrow', not an RFC 3339 time such "
                "as 2026-11-22T10:00:00Z",
                {kSecret, kToken});
  options_.env = {};
  options_.configured = {"AKID", kSecret, kToken};
  options_.configured_expires_at = "2026-11-22 11:00:00";
  ExpectRefused(Chain(),
                "config: storage.session_expires_at is '2026-11-22 11:00:00', not an RFC 3339 "
                "time such as 2026-11-22T10:00:00Z",
                {kSecret, kToken});
}

TEST_F(CredentialChainTest, HalfSetFileProfileIsRefused) {
  std::string path = UseFile(std::string("[default]\naws_secret_access_key = ") + kSecret +
                             "\naws_session_token = " + kToken + "\n");
  ExpectRefused(Chain(),
                "shared credentials file " + path +
                    " [default]: aws_secret_access_key is set but aws_access_key_id is not",
                {kSecret, kToken});
}

TEST_F(CredentialChainTest, MalformedFileLineNamesFileAndLineNotContent) {
  std::string path = UseFile(std::string("[default]\naws_access_key_id = AKID\n") +
                             "aws_secret_access_key: " + kSecret + "\n");
  ExpectRefused(Chain(),
                path + ":3: expected \"[section]\", \"key = value\", a comment or a blank line",
                {kSecret, "aws_secret_access_key"});
}

TEST_F(CredentialChainTest, OtherMalformedLines) {
  std::string path = UseFile("aws_access_key_id = AKID\n[default]\n");
  ExpectRefused(Chain(), path + ":1: \"key = value\" before any [section]", {});
  path = UseFile("\n\n[default\n");
  ExpectRefused(Chain(), path + ":3: expected a [section] name in brackets", {});
  path = UseFile("[default]\n = value-without-key\n");
  ExpectRefused(Chain(),
                path + ":2: expected \"[section]\", \"key = value\", a comment or a blank line",
                {"value-without-key"});
}

// ---- rotation and caching ----

std::string Profile(const std::string& id, const std::string& secret, const std::string& token = "",
                    const std::string& expires = "") {
  std::string out =
      "[default]\naws_access_key_id = " + id + "\naws_secret_access_key = " + secret + "\n";
  if (!token.empty()) out += "aws_session_token = " + token + "\n";
  if (!expires.empty()) out += "x_security_token_expires = " + expires + "\n";
  return out;
}

TEST_F(CredentialChainTest, RotatedFileIsPickedUp) {
  std::string path = UseFile(Profile("AKIDFIRST", "first-secret"));
  Result<TimedCredentials> c = Chain();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->keys.access_key_id, "AKIDFIRST");

  // Rewritten in place with keys of another length.
  Write(path, Profile("AKIDSECONDKEY", "second-secret-longer"));
  c = provider_->Get();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->keys.access_key_id, "AKIDSECONDKEY");
  EXPECT_EQ(c->keys.secret_access_key, "second-secret-longer");

  // Replaced by a rename with keys of the same length (a new inode).
  Replace(path, Profile("AKIDTHIRDKEY1", "third-secret-longer1"));
  c = provider_->Get();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->keys.access_key_id, "AKIDTHIRDKEY1");
  EXPECT_EQ(c->keys.secret_access_key, "third-secret-longer1");
}

TEST_F(CredentialChainTest, UnchangedFileIsNotReadAgain) {
  std::string path = UseFile(Profile("AKIDAAAA", "secret-aaaa"));
  Result<TimedCredentials> c = Chain();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  struct stat before {};
  ASSERT_EQ(::stat(path.c_str(), &before), 0);
  // Same inode, same size, and the modification time put back: the cache answers.
  {
    std::fstream out(path, std::ios::binary | std::ios::in | std::ios::out);
    out << Profile("AKIDBBBB", "secret-bbbb");
  }
  timespec times[2] = {before.st_atim, before.st_mtim};
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
  c = provider_->Get();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->keys.access_key_id, "AKIDAAAA");
  // Once the modification time moves, the new keys are read.
  timespec later[2] = {before.st_atim, before.st_mtim};
  later[1].tv_sec += 1;
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), later, 0), 0);
  c = provider_->Get();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->keys.access_key_id, "AKIDBBBB");
}

TEST_F(CredentialChainTest, FileThatLosesItsKeysFailsGet) {
  std::string path = UseFile(Profile("AKIDFIRST", "first-secret"));
  ASSERT_TRUE(Chain().ok());

  Write(path, "[other]\naws_access_key_id = A\naws_secret_access_key = B\n");
  Result<TimedCredentials> c = provider_->Get();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kUnauthenticated);

  Write(path, "[default]\nthis line is broken " + std::string(kSecret) + "\n");
  c = provider_->Get();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(c.status().message().find(kSecret), std::string::npos);
  EXPECT_NE(c.status().message().find(path + ":2:"), std::string::npos) << c.status().message();

  std::filesystem::remove(path);
  c = provider_->Get();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(c.status().message(),
            "shared credentials file " + path + " [default]: the file no longer exists");

  // And back.
  Write(path, Profile("AKIDBACK", "back-secret"));
  c = provider_->Get();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->keys.access_key_id, "AKIDBACK");
}

// ---- expiry ----

TEST(StaticCredentialsTest, LongTermKeysNeverExpire) {
  FakeClock clock(kNow * 1'000'000);
  CapturedLog log;
  auto p = StaticCredentials({"AKID", kSecret, ""}, std::nullopt, "config", &clock);
  Result<TimedCredentials> c = p->Get();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->expires_at, std::nullopt);
  EXPECT_FALSE(c->expiry_assumed);
  EXPECT_EQ(c->source, "config");
  EXPECT_EQ(p->Describe(), "config");
  EXPECT_EQ(log.text(), "");
}

TEST(StaticCredentialsTest, SessionWithoutExpiryIsAssumedToLastAnHourWithOneWarning) {
  FakeClock clock(kNow * 1'000'000);
  CapturedLog log;
  auto p = StaticCredentials({"AKID", kSecret, kToken}, std::nullopt, "environment", &clock);
  clock.AdvanceSeconds(600);
  for (int i = 0; i < 3; ++i) {
    Result<TimedCredentials> c = p->Get();
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->expires_at, kNow + kAssumedSessionSeconds);
    EXPECT_TRUE(c->expiry_assumed);
  }
  EXPECT_EQ(log.Count("warning "), 1) << log.text();
  EXPECT_EQ(log.text(),
            "warning AWS session credentials from environment state no expiry; assuming they "
            "expire 3600 s after they were first read, at 2026-11-22T11:00:00Z\n");
  EXPECT_EQ(log.text().find(kSecret), std::string::npos);
  EXPECT_EQ(log.text().find(kToken), std::string::npos);
}

TEST(StaticCredentialsTest, StatedExpiryIsKept) {
  FakeClock clock(kNow * 1'000'000);
  CapturedLog log;
  auto p = StaticCredentials({"AKID", kSecret, kToken}, kNow + 900, "config", &clock);
  Result<TimedCredentials> c = p->Get();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->expires_at, kNow + 900);
  EXPECT_FALSE(c->expiry_assumed);
  EXPECT_EQ(log.text(), "");
}

TEST_F(CredentialChainTest, ConfiguredSessionExpiry) {
  options_.configured = {"AKID", kSecret, kToken};
  options_.configured_expires_at = "2026-11-22T21:15:00+11:00";
  Result<TimedCredentials> c = Chain();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->keys.session_token, kToken);
  EXPECT_EQ(c->expires_at, kNow + 900);
  EXPECT_FALSE(c->expiry_assumed);
}

TEST_F(CredentialChainTest, FileSessionExpiryStatedAndAssumed) {
  std::string path = UseFile(Profile("ASIAONE", kSecret, kToken, "2026-11-22T10:45:00Z"));
  Result<TimedCredentials> c = Chain();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->expires_at, kNow + 2700);
  EXPECT_FALSE(c->expiry_assumed);

  CapturedLog log;
  clock_.AdvanceSeconds(100);
  Write(path, Profile("ASIATWO", kSecret, kToken));
  c = provider_->Get();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->expires_at, kNow + 100 + kAssumedSessionSeconds);
  EXPECT_TRUE(c->expiry_assumed);

  // Re-read with the same keys (a comment added): the assumed expiry still counts from the
  // first read, and no second warning.
  clock_.AdvanceSeconds(200);
  Write(path, "# touched\n" + Profile("ASIATWO", kSecret, kToken));
  c = provider_->Get();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->expires_at, kNow + 100 + kAssumedSessionSeconds);
  EXPECT_EQ(log.Count("warning "), 1) << log.text();

  // New keys: a new first read, a new warning.
  Write(path, Profile("ASIATHREE", kSecret, "another-token"));
  c = provider_->Get();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->keys.access_key_id, "ASIATHREE");
  EXPECT_EQ(c->expires_at, kNow + 300 + kAssumedSessionSeconds);
  EXPECT_EQ(log.Count("warning "), 2) << log.text();
  EXPECT_EQ(log.text().find(kSecret), std::string::npos);
  EXPECT_EQ(log.text().find(kToken), std::string::npos);
  EXPECT_NE(log.text().find("shared credentials file " + path + " [default]"), std::string::npos);
}

// ---- RFC 3339 ----

TEST(ParseRfc3339Test, ValidTimes) {
  const std::pair<const char*, int64_t> cases[] = {
      {"2026-11-22T10:00:00Z", kNow},
      {"2026-11-22T10:00:00.123Z", kNow},
      {"2026-11-22T10:00:00.123456789Z", kNow},
      {"2026-11-22T21:00:00+11:00", kNow},
      {"2026-11-22T05:30:00-04:30", kNow},
      {"2026-11-22T10:00:00+00:00", kNow},
      {"2026-11-22T10:00:00-00:00", kNow},
      {"2026-11-22t10:00:00z", kNow},
      {"2026-11-22T10:00:00.5+01:00", kNow - 3600},
      {"1970-01-01T00:00:00Z", 0},
      {"1969-12-31T23:59:59Z", -1},
      {"2024-02-29T00:00:00Z", 1'709'164'800},
      {"2016-12-31T23:59:60Z", 1'483'228'800},  // a leap second: the next second's count
  };
  for (const auto& [text, expected] : cases) {
    Result<int64_t> parsed = ParseRfc3339(text);
    ASSERT_TRUE(parsed.ok()) << text << ": " << parsed.status().ToString();
    EXPECT_EQ(*parsed, expected) << text;
  }
}

TEST(ParseRfc3339Test, InvalidTimes) {
  const char* cases[] = {
      "",
      "2026-11-22",
      "2026-11-22T10:00:00",  // no zone
      "2026-11-22 10:00:00Z",
      "2026-11-22T10:00Z",
      "2026-11-22T10:00:00.Z",
      "2026-11-22T10:00:00,5Z",
      "2026-11-22T10:00:00+1100",
      "2026-11-22T10:00:00+11",
      "2026-11-22T10:00:00+24:00",
      "2026-11-22T10:00:00+11:60",
      "2026-11-22T10:00:00Zjunk",
      "2026-11-22T10:00:00Z ",
      " 2026-11-22T10:00:00Z",
      "2026-13-01T00:00:00Z",
      "2026-00-01T00:00:00Z",
      "2026-11-00T00:00:00Z",
      "2026-02-29T00:00:00Z",  // not a leap year
      "2026-04-31T00:00:00Z",
      "2026-11-22T24:00:00Z",
      "2026-11-22T10:60:00Z",
      "2026-11-22T10:00:61Z",
      "26-11-22T10:00:00Z",
      "2026-1-22T10:00:00Z",
      "+2026-11-22T10:00:00Z",
      "2026/11/22T10:00:00Z",
      "2026-11-22T1a:00:00Z",
      "1795341600",
  };
  for (const char* text : cases) {
    Result<int64_t> parsed = ParseRfc3339(text);
    ASSERT_FALSE(parsed.ok()) << "'" << text << "' parsed as " << *parsed;
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument) << text;
  }
}

// ---- region ----

TEST(ResolveRegionTest, ConfiguredThenAwsRegionThenDefaultRegion) {
  Environment env = {{"AWS_REGION", "eu-west-1"}, {"AWS_DEFAULT_REGION", "ap-southeast-2"}};
  EXPECT_EQ(*ResolveRegion("us-east-1", env), "us-east-1");
  EXPECT_EQ(*ResolveRegion("", env), "eu-west-1");
  env.erase("AWS_REGION");
  EXPECT_EQ(*ResolveRegion("", env), "ap-southeast-2");
}

TEST(ResolveRegionTest, MissingOrMalformedIsRefused) {
  Result<std::string> r = ResolveRegion("", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(),
            "no AWS region: set storage.region or the environment variable AWS_REGION or "
            "AWS_DEFAULT_REGION");
  r = ResolveRegion("", {{"AWS_REGION", "US_EAST_1"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "AWS_REGION is 'US_EAST_1', not a region name (lower-case letters, digits and '-', "
            "e.g. us-east-1)");
  for (const char* bad : {"us east 1", "-us-east-1", "us-east-1-", "us.east.1"}) {
    r = ResolveRegion(bad, {});
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.status().message().find("storage.region is '"), std::string::npos) << bad;
  }
}

}  // namespace
}  // namespace de::s3
