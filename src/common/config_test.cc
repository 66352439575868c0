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

TEST(ConfigTest, PostgresBackendsAndReplicaKeys) {
  auto config = ParseConfig(
      "[warehouse]\nbackend = \"postgres\"\ndialect = \"redshift\"\n"
      "conninfo = \"host=wh password=hunter2-wh\"\nschema = \"analytics\"\n"
      "fetch_rows = 1000\n[metadata]\nbackend = \"postgres\"\nlease_seconds = 3\n",
      "de.toml",
      {{"DATA_EXPORTER_METADATA_CONNINFO", "host=meta password=hunter2-meta"},
       {"DATA_EXPORTER_SERVICE_REPLICA_ID", "pod-7"}});
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->warehouse.backend, "postgres");
  EXPECT_EQ(config->warehouse.dialect, "redshift");
  EXPECT_EQ(config->warehouse.schema, "analytics");
  EXPECT_EQ(config->warehouse.fetch_rows, 1000);
  EXPECT_EQ(config->warehouse.statement_timeout_ms, 3'600'000);
  EXPECT_EQ(config->metadata.backend, "postgres");
  EXPECT_EQ(config->metadata.conninfo, "host=meta password=hunter2-meta");
  EXPECT_EQ(config->metadata.lease_seconds, 3);
  EXPECT_EQ(config->service.replica_id, "pod-7");
  // Connection strings may hold passwords: never rendered.
  std::string text = RenderConfigToml(*config);
  EXPECT_EQ(text.find("hunter2"), std::string::npos) << text;

  auto backend = ParseConfig("[warehouse]\nbackend = \"mysql\"\n", "de.toml", {});
  ASSERT_FALSE(backend.ok());
  EXPECT_NE(backend.status().message().find("expected one of: sqlite, postgres"), std::string::npos)
      << backend.status().message();
  auto dialect = ParseConfig("[warehouse]\ndialect = \"oracle\"\n", "de.toml", {});
  ASSERT_FALSE(dialect.ok());
  EXPECT_NE(dialect.status().message().find("expected one of: postgres, redshift"),
            std::string::npos);
  auto lease = ParseConfig("[metadata]\nlease_seconds = 1\n", "de.toml", {});
  ASSERT_FALSE(lease.ok());
  EXPECT_NE(lease.status().message().find("metadata.lease_seconds is 1, expected 3..3600"),
            std::string::npos)
      << lease.status().message();
  auto schema = ParseConfig("[warehouse]\nschema = \"\"\n", "de.toml", {});
  ASSERT_FALSE(schema.ok());
  EXPECT_EQ(schema.status().message(), "warehouse.schema is empty");
}

const std::string kHashA = "sha256:" + std::string(64, 'a');
const std::string kHashB = "sha256:" + std::string(32, '0') + std::string(32, 'F');

TEST(ConfigTest, ServiceDefaults) {
  auto config = ParseConfig("", "test.toml", {});
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->exporter.max_queued_requests, 100);
  EXPECT_EQ(config->http.max_body_bytes, 65536);
  EXPECT_EQ(config->graphql.max_query_bytes, 16384);
  EXPECT_EQ(config->graphql.max_tokens, 2000);
  EXPECT_EQ(config->graphql.max_parse_depth, 64);
  EXPECT_EQ(config->graphql.max_field_depth, 10);
  EXPECT_EQ(config->graphql.max_aliases, 15);
  EXPECT_EQ(config->graphql.max_directives, 50);
  EXPECT_EQ(config->graphql.max_errors, 100);
  EXPECT_EQ(config->graphql.timeout_ms, 30000);
  EXPECT_TRUE(config->api.tokens.empty());
  EXPECT_TRUE(config->api.admin_tokens.empty());
}

TEST(ConfigTest, ReadsTokenHashesAndLimits) {
  auto config = ParseConfig("[api]\ntokens = [\"" + kHashA + "\", \"" + kHashB +
                                "\"]\nadmin_tokens = []\n[graphql]\nmax_field_depth = 12\n"
                                "[export]\nmax_queued_requests = 7\n",
                            "de.toml", {});
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->api.tokens, (std::vector<std::string>{kHashA, kHashB}));
  EXPECT_TRUE(config->api.admin_tokens.empty());
  EXPECT_EQ(config->graphql.max_field_depth, 12);
  EXPECT_EQ(config->exporter.max_queued_requests, 7);
}

TEST(ConfigTest, BadTokenEntriesNameKeyIndexAndForm) {
  auto plain =
      ParseConfig("[api]\n\ntokens = [\"" + kHashA + "\", \"my-secret\"]\n", "de.toml", {});
  ASSERT_FALSE(plain.ok());
  EXPECT_EQ(plain.status().message(),
            "de.toml:3: api.tokens[1] is 'my-secret': expected \"sha256:\" and 64 hex digits (the "
            "hash of a token; `data-exporter token new` makes one)");
  auto not_array = ParseConfig("[api]\nadmin_tokens = \"" + kHashA + "\"\n", "de.toml", {});
  ASSERT_FALSE(not_array.ok());
  EXPECT_EQ(not_array.status().message(),
            "de.toml:2: api.admin_tokens must be an array of strings, got string");
  auto number = ParseConfig("[api]\ntokens = [1]\n", "de.toml", {});
  ASSERT_FALSE(number.ok());
  EXPECT_EQ(number.status().message(), "de.toml:2: api.tokens[0] must be a string, got integer");
  auto short_hex = ParseConfig("[api]\ntokens = [\"sha256:abc\"]\n", "de.toml", {});
  EXPECT_FALSE(short_hex.ok());
}

TEST(ConfigTest, TokenListsFromTheEnvironment) {
  auto config = ParseConfig("[api]\ntokens = [\"" + kHashB + "\"]\n", "de.toml",
                            {{"DATA_EXPORTER_API_TOKENS", " " + kHashA + " ,, " + kHashB + ","},
                             {"DATA_EXPORTER_API_ADMIN_TOKENS", kHashB}});
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->api.tokens, (std::vector<std::string>{kHashA, kHashB}));
  EXPECT_EQ(config->api.admin_tokens, (std::vector<std::string>{kHashB}));
  auto bad = ParseConfig("", "de.toml", {{"DATA_EXPORTER_API_ADMIN_TOKENS", "x"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("environment DATA_EXPORTER_API_ADMIN_TOKENS: "
                                        "api.admin_tokens[0] is 'x'"),
            std::string::npos)
      << bad.status().message();
}

TEST(ConfigTest, GraphqlLimitsAreRangeChecked) {
  auto zero = ParseConfig("[graphql]\nmax_tokens = 0\n", "de.toml", {});
  ASSERT_FALSE(zero.ok());
  EXPECT_EQ(zero.status().message(), "de.toml:2: graphql.max_tokens is 0, expected 16..1000000");
  auto timeout = ParseConfig("", "de.toml", {{"DATA_EXPORTER_GRAPHQL_TIMEOUT_MS", "1"}});
  ASSERT_FALSE(timeout.ok());
  EXPECT_EQ(timeout.status().message(),
            "environment DATA_EXPORTER_GRAPHQL_TIMEOUT_MS: graphql.timeout_ms is 1, expected "
            "10..600000");
  auto queue = ParseConfig("[export]\nmax_queued_requests = 0\n", "de.toml", {});
  EXPECT_FALSE(queue.ok());
}

TEST(ConfigTest, TokenHashesRoundTrip) {
  auto config = ParseConfig(
      "[api]\nadmin_tokens = [\"" + kHashA + "\"]\n[http]\nmax_body_bytes = 2048\n", "de.toml", {});
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  std::string text = RenderConfigToml(*config);
  EXPECT_NE(text.find("admin_tokens = [\"" + kHashA + "\"]"), std::string::npos) << text;
  EXPECT_NE(text.find("tokens = []"), std::string::npos) << text;
  auto again = ParseConfig(text, "rendered.toml", {});
  ASSERT_TRUE(again.ok()) << again.status().ToString() << "\n" << text;
  EXPECT_EQ(again->api.admin_tokens, config->api.admin_tokens);
  EXPECT_EQ(again->http.max_body_bytes, 2048);
  EXPECT_EQ(RenderConfigToml(*again), text);
}

TEST(ConfigTest, ScheduleAndNotifyKeys) {
  auto defaults = ParseConfig("", "de.toml", {});
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->schedule.cron, "0 1 * * *");
  EXPECT_EQ(defaults->schedule.time_zone, "Australia/Melbourne");
  EXPECT_EQ(defaults->schedule.catch_up_days, 3);
  EXPECT_TRUE(defaults->notify.webhook_urls.empty());

  auto config = ParseConfig(R"([schedule]
cron = "30 2 * * MON-FRI"
time_zone = "UTC"
catch_up_days = 0
[notify]
file = "/var/log/de/runs.jsonl"
webhook_urls = ["https://hooks.example.com/de", "http://127.0.0.1:9/x"]
webhook_secret = "s3cret-s3cret"
webhook_timeout_ms = 250
)",
                            "de.toml", {{"MAX_RETRY_COUNT", "5"}});
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->schedule.cron, "30 2 * * MON-FRI");
  EXPECT_EQ(config->schedule.catch_up_days, 0);
  EXPECT_EQ(config->notify.webhook_urls.size(), 2u);
  EXPECT_EQ(config->notify.webhook_timeout_ms, 250);
  EXPECT_EQ(config->exporter.max_retry_count, 5);
  std::string text = RenderConfigToml(*config);
  EXPECT_EQ(text.find("s3cret"), std::string::npos) << text;
  auto again = ParseConfig(text, "rendered.toml", {});
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->notify.webhook_urls, config->notify.webhook_urls);
  EXPECT_EQ(again->schedule.cron, config->schedule.cron);

  auto bad_url = ParseConfig("[notify]\nwebhook_urls = [\"ftp://x/y\"]\n", "de.toml", {});
  ASSERT_FALSE(bad_url.ok());
  EXPECT_EQ(bad_url.status().message(),
            "de.toml:2: notify.webhook_urls[0] is 'ftp://x/y': expected an http:// or https:// "
            "URL with a host");
  auto catch_up = ParseConfig("", "de.toml", {{"DATA_EXPORTER_SCHEDULE_CATCH_UP_DAYS", "-1"}});
  ASSERT_FALSE(catch_up.ok());
  EXPECT_EQ(catch_up.status().message(),
            "environment DATA_EXPORTER_SCHEDULE_CATCH_UP_DAYS: schedule.catch_up_days is -1, "
            "expected 0..366");
  auto attempts = ParseConfig("[notify]\nwebhook_max_attempts = 0\n", "de.toml", {});
  EXPECT_FALSE(attempts.ok());
}

}  // namespace
}  // namespace de
