#include "common/config.h"

#include <gtest/gtest.h>

namespace de {
namespace {

TEST(ConfigTest, DefaultsWhenEmpty) {
  auto config = ParseConfig("", "test.toml", {});
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->service.env, "dev");
  EXPECT_EQ(config->warehouse.path, "./var/warehouse.db");
  EXPECT_EQ(config->storage.link_expiry_seconds, 86400);
  EXPECT_EQ(config->storage.public_base_url, "http://127.0.0.1:8080");
  EXPECT_EQ(config->exporter.max_file_bytes, 512 << 20);
}

TEST(ConfigTest, ReadsEveryKind) {
  auto config = ParseConfig(R"(
[service]
env = "prod"
data_dir = "/srv/de"
[http]
port = 9000
[export]
codec = "zstd"
)",
                            "test.toml", {});
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->service.env, "prod");
  EXPECT_EQ(config->http.port, 9000);
  EXPECT_EQ(config->exporter.codec, "zstd");
  EXPECT_EQ(config->metadata.path, "/srv/de/metadata.db");
  EXPECT_EQ(config->storage.public_base_url, "http://127.0.0.1:9000");
}

TEST(ConfigTest, UnknownKeyNamesKeyAndLine) {
  auto config = ParseConfig("[http]\nhost = \"x\"\nprot = 80\n", "de.toml", {});
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(config.status().message().find("de.toml:3"), std::string::npos)
      << config.status().message();
  EXPECT_NE(config.status().message().find("unknown key 'http.prot'"), std::string::npos);
}

TEST(ConfigTest, UnknownSectionIsRefused) {
  auto config = ParseConfig("[htp]\nport = 80\n", "de.toml", {});
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("unknown key 'htp.port'"), std::string::npos);
  auto scalar = ParseConfig("port = 80\n", "de.toml", {});
  ASSERT_FALSE(scalar.ok());
  EXPECT_NE(scalar.status().message().find("'port' must be a [section]"), std::string::npos);
}

TEST(ConfigTest, WrongTypeNamesKey) {
  auto config = ParseConfig("[http]\nport = \"8080\"\n", "de.toml", {});
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("http.port must be an integer, got string"),
            std::string::npos)
      << config.status().message();
  auto str = ParseConfig("[service]\nenv = 3\n", "de.toml", {});
  ASSERT_FALSE(str.ok());
  EXPECT_NE(str.status().message().find("service.env must be a string"), std::string::npos);
}

TEST(ConfigTest, OutOfRangeAndEnumValues) {
  auto port = ParseConfig("[http]\nport = 70000\n", "de.toml", {});
  ASSERT_FALSE(port.ok());
  EXPECT_NE(port.status().message().find("http.port is 70000, expected 0..65535"),
            std::string::npos);
  auto codec = ParseConfig("[export]\ncodec = \"lz4\"\n", "de.toml", {});
  ASSERT_FALSE(codec.ok());
  EXPECT_NE(codec.status().message().find("expected one of: snappy, zstd, gzip, uncompressed"),
            std::string::npos);
  auto expiry = ParseConfig("[storage]\nlink_expiry_seconds = 700000\n", "de.toml", {});
  EXPECT_FALSE(expiry.ok());
}

TEST(ConfigTest, SyntaxErrorHasLine) {
  auto config = ParseConfig("[http]\nport = = 3\n", "de.toml", {});
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("de.toml:2"), std::string::npos)
      << config.status().message();
}

TEST(ConfigTest, EnvironmentOverrides) {
  Environment env = {{"MAX_CONCURRENCY_LIMIT", "7"},
                     {"MAX_RETRY_COUNT", "5"},
                     {"DATA_EXPORTER_HTTP_PORT", "9100"},
                     {"PATH", "/bin"}};
  auto config = ParseConfig("[export]\nmax_concurrency = 2\n", "de.toml", env);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->exporter.max_concurrency, 7);
  EXPECT_EQ(config->exporter.max_retry_count, 5);
  EXPECT_EQ(config->http.port, 9100);
}

TEST(ConfigTest, BadEnvironmentValues) {
  auto bad_int = ParseConfig("", "de.toml", {{"MAX_RETRY_COUNT", "three"}});
  ASSERT_FALSE(bad_int.ok());
  EXPECT_NE(bad_int.status().message().find("MAX_RETRY_COUNT"), std::string::npos);
  auto unknown = ParseConfig("", "de.toml", {{"DATA_EXPORTER_HTTP_PROT", "1"}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("DATA_EXPORTER_HTTP_PROT"), std::string::npos);
}

TEST(ConfigTest, MissingFileOnlyAnErrorWhenRequired) {
  EXPECT_TRUE(LoadConfig("/nonexistent/de.toml", false, {}).ok());
  auto required = LoadConfig("/nonexistent/de.toml", true, {});
  ASSERT_FALSE(required.ok());
  EXPECT_EQ(required.status().code(), StatusCode::kNotFound);
}

TEST(ConfigTest, DefaultTomlParsesBackToDefaults) {
  std::string text = RenderConfigToml(Config());
  auto config = ParseConfig(text, "defaults.toml", {});
  ASSERT_TRUE(config.ok()) << config.status().ToString() << "\n" << text;
  EXPECT_EQ(config->http.port, 8080);
}

TEST(ConfigTest, RenderedConfigRoundTrips) {
  auto config = ParseConfig(
      "[service]\nenv = \"prod\"\ndata_dir = \"/srv/a \\\"b\\\" c\"\n[http]\nport = 9000\n",
      "de.toml", {{"MAX_RETRY_COUNT", "9"}});
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  std::string text = RenderConfigToml(*config);
  EXPECT_NE(text.find("# attempts per table"), std::string::npos) << text;
  auto again = ParseConfig(text, "rendered.toml", {});
  ASSERT_TRUE(again.ok()) << again.status().ToString() << "\n" << text;
  EXPECT_EQ(again->service.data_dir, "/srv/a \"b\" c");
  EXPECT_EQ(again->http.port, 9000);
  EXPECT_EQ(again->exporter.max_retry_count, 9);
  EXPECT_EQ(again->metadata.path, config->metadata.path);
  EXPECT_EQ(RenderConfigToml(*again), text);
}

TEST(ConfigTest, HashKeyIsNeverRendered) {
  auto config = ParseConfig("[policy]\nhash_key = \"s3cr3t-pepper-value\"\n", "de.toml",
                            {{"DATA_EXPORTER_EXPORT_MAX_STRING_BYTES", "1000"}});
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->policy.hash_key, "s3cr3t-pepper-value");
  EXPECT_EQ(config->exporter.max_string_bytes, 1000);
  std::string text = RenderConfigToml(*config);
  EXPECT_EQ(text.find("s3cr3t"), std::string::npos) << text;
  EXPECT_NE(text.find("set, not shown"), std::string::npos) << text;
  auto again = ParseConfig(text, "rendered.toml", {});
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->policy.hash_key, "");
  EXPECT_NE(RenderConfigToml(Config()).find("not set"), std::string::npos);
}

}  // namespace
}  // namespace de
