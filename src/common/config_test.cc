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

TEST(ConfigTest, WriterKeys) {
  auto config = ParseConfig(
      "[export]\nwriter_threads = 4\nrow_order = \"time\"\npage_index = \"off\"\n"
      "bloom_filter_columns = [\"device_id\", \"plate\"]\nbloom_filter_fpp = \"0.001\"\n",
      "de.toml", {});
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->exporter.writer_threads, 4);
  EXPECT_EQ(config->exporter.row_order, "time");
  EXPECT_EQ(config->exporter.page_index, "off");
  EXPECT_EQ(config->exporter.bloom_filter_columns,
            (std::vector<std::string>{"device_id", "plate"}));
  EXPECT_EQ(config->exporter.bloom_filter_fpp, "0.001");
  const Config defaults;
  EXPECT_EQ(defaults.exporter.writer_threads, 2);
  EXPECT_EQ(defaults.exporter.row_order, "warehouse");
  EXPECT_EQ(defaults.exporter.page_index, "on");
  EXPECT_TRUE(defaults.exporter.bloom_filter_columns.empty());
  EXPECT_EQ(ParseBloomFilterFpp("0.001"), 0.001);
  EXPECT_EQ(ParseBloomFilterFpp(defaults.exporter.bloom_filter_fpp), 0.01);
  for (std::string_view bad : {"", "0", "1", "-0.5", "0.01x", "nan"}) {
    EXPECT_FALSE(ParseBloomFilterFpp(bad).has_value()) << bad;
  }

  const std::pair<const char*, const char*> bad[] = {
      {"writer_threads = 0", "export.writer_threads is 0, expected 1..64"},
      {"writer_threads = 65", "expected 1..64"},
      {"row_order = \"random\"", "expected one of: warehouse, time"},
      {"page_index = \"yes\"", "expected one of: on, off"},
      {"bloom_filter_columns = [\"\"]", "expected a column name"},
      {"bloom_filter_fpp = \"1\"", "between 0 and 1"},
      {"bloom_filter_fpp = \"0\"", "between 0 and 1"},
      {"bloom_filter_fpp = \"0.01x\"", "between 0 and 1"},
  };
  for (const auto& [line, message] : bad) {
    auto parsed = ParseConfig(std::string("[export]\n") + line + "\n", "de.toml", {});
    ASSERT_FALSE(parsed.ok()) << line;
    EXPECT_NE(parsed.status().message().find(message), std::string::npos)
        << line << ": " << parsed.status().message();
  }
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

TEST(ConfigTest, StorageS3Defaults) {
  auto config = ParseConfig("[service]\nenv = \"prod\"\n", "de.toml", {});
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  const StorageConfig& s = config->storage;
  EXPECT_EQ(s.backend, "local");
  EXPECT_EQ(s.env, "prod");  // resolved from service.env
  EXPECT_EQ(s.bucket, "");
  EXPECT_EQ(s.endpoint, "");
  EXPECT_EQ(s.region, "");
  EXPECT_EQ(s.addressing, "virtual");
  EXPECT_EQ(s.part_size_bytes, 16 << 20);
  EXPECT_EQ(s.parts_in_flight, 4);
  EXPECT_EQ(s.access_key_id, "");
  EXPECT_EQ(s.secret_access_key, "");
  EXPECT_EQ(s.session_token, "");
  EXPECT_EQ(s.session_expires_at, "");
  EXPECT_EQ(s.profile, "");
  EXPECT_EQ(s.credentials_file, "");
  EXPECT_EQ(config->notify.sns_topic_arn, "");
  EXPECT_EQ(config->notify.sns_endpoint, "");
  EXPECT_EQ(config->notify.sns_region, "");
}

constexpr char kS3Toml[] = R"([service]
env = "prod"
[storage]
backend = "s3"
env = "staging"
bucket = "exports-bucket"
endpoint = "http://127.0.0.1:9000"
region = "ap-southeast-2"
addressing = "path"
part_size_bytes = 5242880
parts_in_flight = 64
access_key_id = "AKIDEXAMPLE"
secret_access_key = "wJalrXUtnFEMI-secret-value"
session_token = "IQoJb3JpZ2luX2Vj-token-value"
session_expires_at = "2026-11-22T21:00:00.5+11:00"
profile = "exporter"
credentials_file = "/run/secrets/aws"
[notify]
file = "/var/log/runs.jsonl"
[notify.sns]
topic_arn = "arn:aws:sns:ap-southeast-2:123456789012:data-exporter-runs"
endpoint = "https://sns.example.com:8443"
region = "ap-southeast-2"
)";

TEST(ConfigTest, StorageS3AndSnsKeys) {
  auto config = ParseConfig(kS3Toml, "de.toml", {});
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  const StorageConfig& s = config->storage;
  EXPECT_EQ(s.backend, "s3");
  EXPECT_EQ(s.env, "staging");
  EXPECT_EQ(config->service.env, "prod");
  EXPECT_EQ(s.bucket, "exports-bucket");
  EXPECT_EQ(s.endpoint, "http://127.0.0.1:9000");
  EXPECT_EQ(s.region, "ap-southeast-2");
  EXPECT_EQ(s.addressing, "path");
  EXPECT_EQ(s.part_size_bytes, 5 << 20);
  EXPECT_EQ(s.parts_in_flight, 64);
  EXPECT_EQ(s.access_key_id, "AKIDEXAMPLE");
  EXPECT_EQ(s.secret_access_key, "wJalrXUtnFEMI-secret-value");
  EXPECT_EQ(s.session_token, "IQoJb3JpZ2luX2Vj-token-value");
  EXPECT_EQ(s.session_expires_at, "2026-11-22T21:00:00.5+11:00");
  EXPECT_EQ(s.profile, "exporter");
  EXPECT_EQ(s.credentials_file, "/run/secrets/aws");
  EXPECT_EQ(config->notify.file, "/var/log/runs.jsonl");
  EXPECT_EQ(config->notify.sns_topic_arn,
            "arn:aws:sns:ap-southeast-2:123456789012:data-exporter-runs");
  EXPECT_EQ(config->notify.sns_endpoint, "https://sns.example.com:8443");
  EXPECT_EQ(config->notify.sns_region, "ap-southeast-2");
}

TEST(ConfigTest, S3SecretsAreNeverRenderedAndTheRestRoundTrips) {
  auto config = ParseConfig(kS3Toml, "de.toml", {});
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  std::string text = RenderConfigToml(*config);
  EXPECT_EQ(text.find("secret-value"), std::string::npos) << text;
  EXPECT_EQ(text.find("token-value"), std::string::npos) << text;
  EXPECT_NE(text.find("# secret_access_key = \"...\"  (set, not shown)"), std::string::npos)
      << text;
  EXPECT_NE(text.find("# session_token = \"...\"  (set, not shown)"), std::string::npos) << text;
  EXPECT_NE(text.find("access_key_id = \"AKIDEXAMPLE\""), std::string::npos) << text;
  // [notify.sns] comes right after [notify]'s keys, before [policy].
  size_t notify = text.find("\n[notify]\n");
  size_t sns = text.find("\n[notify.sns]\n");
  size_t policy = text.find("\n[policy]\n");
  ASSERT_NE(notify, std::string::npos) << text;
  ASSERT_NE(sns, std::string::npos) << text;
  EXPECT_LT(notify, sns);
  EXPECT_LT(sns, policy);
  EXPECT_NE(text.find("(env DATA_EXPORTER_NOTIFY_SNS_TOPIC_ARN)\n"
                      "topic_arn = \"arn:aws:sns:ap-southeast-2:123456789012:data-exporter-runs\""),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("(env DATA_EXPORTER_STORAGE_PART_SIZE_BYTES)\npart_size_bytes = 5242880"),
            std::string::npos)
      << text;

  auto again = ParseConfig(text, "rendered.toml", {});
  ASSERT_TRUE(again.ok()) << again.status().ToString() << "\n" << text;
  EXPECT_EQ(again->storage.secret_access_key, "");
  EXPECT_EQ(again->storage.session_token, "");
  EXPECT_EQ(again->storage.bucket, "exports-bucket");
  EXPECT_EQ(again->storage.env, "staging");
  EXPECT_EQ(again->storage.session_expires_at, "2026-11-22T21:00:00.5+11:00");
  EXPECT_EQ(again->notify.sns_topic_arn, config->notify.sns_topic_arn);
  EXPECT_EQ(again->notify.sns_endpoint, config->notify.sns_endpoint);
  EXPECT_EQ(again->notify.sns_region, config->notify.sns_region);
  // The same file but for the secrets, which did not make the trip.
  Config without_secrets = *config;
  without_secrets.storage.secret_access_key.clear();
  without_secrets.storage.session_token.clear();
  EXPECT_EQ(RenderConfigToml(*again), RenderConfigToml(without_secrets));
}

TEST(ConfigTest, S3AndSnsKeysFromTheEnvironment) {
  auto config = ParseConfig(
      "", "de.toml",
      {{"DATA_EXPORTER_STORAGE_BACKEND", "s3"},
       {"DATA_EXPORTER_STORAGE_BUCKET", "b"},
       {"DATA_EXPORTER_STORAGE_ENV", "qa"},
       {"DATA_EXPORTER_STORAGE_SECRET_ACCESS_KEY", "env-secret"},
       {"DATA_EXPORTER_STORAGE_PARTS_IN_FLIGHT", "8"},
       {"DATA_EXPORTER_NOTIFY_SNS_TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:runs.fifo"},
       {"DATA_EXPORTER_NOTIFY_SNS_ENDPOINT", "http://[::1]:5000"},
       {"DATA_EXPORTER_NOTIFY_SNS_REGION", "us-east-1"}});
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->storage.backend, "s3");
  EXPECT_EQ(config->storage.bucket, "b");
  EXPECT_EQ(config->storage.env, "qa");
  EXPECT_EQ(config->storage.secret_access_key, "env-secret");
  EXPECT_EQ(config->storage.parts_in_flight, 8);
  EXPECT_EQ(config->notify.sns_topic_arn, "arn:aws:sns:us-east-1:123456789012:runs.fifo");
  EXPECT_EQ(config->notify.sns_endpoint, "http://[::1]:5000");
  EXPECT_EQ(config->notify.sns_region, "us-east-1");
  auto typo = ParseConfig("", "de.toml", {{"DATA_EXPORTER_NOTIFY_SNS_TOPIC", "x"}});
  ASSERT_FALSE(typo.ok());
  EXPECT_EQ(typo.status().message(),
            "environment DATA_EXPORTER_NOTIFY_SNS_TOPIC: unknown configuration variable");
}

TEST(ConfigTest, SnsTableForms) {
  const char* forms[] = {
      "[notify]\nsns = { topic_arn = \"arn:aws:sns:us-east-1:123456789012:t\" }\n",
      "[notify]\nsns.topic_arn = \"arn:aws:sns:us-east-1:123456789012:t\"\n",
      "notify.sns.topic_arn = \"arn:aws:sns:us-east-1:123456789012:t\"\n",
      "[notify.sns]\ntopic_arn = \"arn:aws:sns:us-east-1:123456789012:t\"\n",
  };
  for (const char* form : forms) {
    auto config = ParseConfig(form, "de.toml", {});
    ASSERT_TRUE(config.ok()) << form << ": " << config.status().ToString();
    EXPECT_EQ(config->notify.sns_topic_arn, "arn:aws:sns:us-east-1:123456789012:t") << form;
  }
  auto unknown = ParseConfig("[notify.sns]\ntopic = \"x\"\n", "de.toml", {});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().message(), "de.toml:2: unknown key 'notify.sns.topic'");
  auto other = ParseConfig("[notify.sqs]\nqueue = \"x\"\n", "de.toml", {});
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().message(), "de.toml:1: unknown key 'notify.sqs'");
  auto not_table =
      ParseConfig("[notify]\nsns = \"arn:aws:sns:us-east-1:123456789012:t\"\n", "de.toml", {});
  ASSERT_FALSE(not_table.ok());
  EXPECT_EQ(not_table.status().message(), "de.toml:2: unknown key 'notify.sns'");
  auto nested = ParseConfig("[storage.sns]\ntopic_arn = \"x\"\n", "de.toml", {});
  ASSERT_FALSE(nested.ok());
  EXPECT_EQ(nested.status().message(), "de.toml:1: unknown key 'storage.sns'");
}

TEST(ConfigTest, S3BackendNeedsABucket) {
  auto config = ParseConfig("[storage]\nbackend = \"s3\"\n", "de.toml", {});
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(config.status().message(), "storage.backend is \"s3\" but storage.bucket is empty");
  auto gcs = ParseConfig("[storage]\nbackend = \"gcs\"\n", "de.toml", {});
  ASSERT_FALSE(gcs.ok());
  EXPECT_EQ(gcs.status().message(),
            "de.toml:2: storage.backend is 'gcs', expected one of: local, s3");
}

TEST(ConfigTest, StorageEnvIsCheckedLikeServiceEnv) {
  auto slash = ParseConfig("[storage]\nenv = \"a/b\"\n", "de.toml", {});
  ASSERT_FALSE(slash.ok());
  EXPECT_EQ(slash.status().message(), "storage.env must be a non-empty name without '/'");
  auto env = ParseConfig("", "de.toml", {{"DATA_EXPORTER_STORAGE_ENV", "x/y"}});
  ASSERT_FALSE(env.ok());
  EXPECT_EQ(env.status().message(), "storage.env must be a non-empty name without '/'");
  // Empty means "service.env".
  auto empty = ParseConfig("[service]\nenv = \"prod\"\n[storage]\nenv = \"\"\n", "de.toml", {});
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_EQ(empty->storage.env, "prod");
}

TEST(ConfigTest, S3AndSnsValuesAreChecked) {
  struct Case {
    const char* toml;
    const char* message;
  };
  const Case cases[] = {
      {"[storage]\nendpoint = \"127.0.0.1:9000\"\n",
       "de.toml:2: storage.endpoint is '127.0.0.1:9000': expected http(s)://host[:port] without a "
       "path"},
      {"[storage]\nendpoint = \"ftp://host\"\n", nullptr},
      {"[storage]\nendpoint = \"http://host/bucket\"\n", nullptr},
      {"[storage]\nendpoint = \"http://\"\n", nullptr},
      {"[storage]\nendpoint = \"http://host:0\"\n", nullptr},
      {"[storage]\nendpoint = \"http://host:65536\"\n", nullptr},
      {"[storage]\nendpoint = \"http://host:\"\n", nullptr},
      {"[storage]\nendpoint = \"http://user@host\"\n", nullptr},
      {"[storage]\nendpoint = \"http://host?x=1\"\n", nullptr},
      {"[storage]\nregion = \"US-EAST-1\"\n",
       "de.toml:2: storage.region is 'US-EAST-1': expected a region name such as us-east-1"},
      {"[storage]\nregion = \"-x\"\n", nullptr},
      {"[storage]\naddressing = \"dns\"\n",
       "de.toml:2: storage.addressing is 'dns', expected one of: path, virtual"},
      {"[storage]\npart_size_bytes = 5242879\n",
       "de.toml:2: storage.part_size_bytes is 5242879, expected 5242880..5368709120"},
      {"[storage]\npart_size_bytes = 5368709121\n", nullptr},
      {"[storage]\nparts_in_flight = 0\n",
       "de.toml:2: storage.parts_in_flight is 0, expected 1..64"},
      {"[storage]\nparts_in_flight = 65\n", nullptr},
      {"[storage]\nsession_expires_at = \"2026-11-22 10:00:00Z\"\n",
       "de.toml:2: storage.session_expires_at is '2026-11-22 10:00:00Z': expected an RFC 3339 "
       "time such as 2026-11-22T10:00:00Z"},
      {"[storage]\nsession_expires_at = \"2026-11-22T10:00:00\"\n", nullptr},
      {"[storage]\nsession_expires_at = \"2026-11-22T10:00:00.Z\"\n", nullptr},
      {"[storage]\nsession_expires_at = \"2026-11-22T10:00:00+1100\"\n", nullptr},
      {"[notify.sns]\ntopic_arn = \"arn:aws:sqs:us-east-1:123456789012:q\"\n",
       "de.toml:2: notify.sns.topic_arn is 'arn:aws:sqs:us-east-1:123456789012:q': expected "
       "arn:aws:sns:<region>:<12-digit account>:<topic name>"},
      {"[notify.sns]\ntopic_arn = \"arn:aws:sns:us-east-1:12345:t\"\n", nullptr},
      {"[notify.sns]\ntopic_arn = \"arn:aws:sns:us-east-1:123456789012:\"\n", nullptr},
      {"[notify.sns]\ntopic_arn = \"arn:aws:sns:us-east-1:123456789012:a:b\"\n", nullptr},
      {"[notify.sns]\ntopic_arn = \"arn:aws:sns::123456789012:t\"\n", nullptr},
      {"[notify.sns]\ntopic_arn = \"arn:gcp:sns:us-east-1:123456789012:t\"\n", nullptr},
      {"[notify.sns]\ntopic_arn = \"arn:aws:sns:us-east-1:123456789012:a b\"\n", nullptr},
      {"[notify.sns]\nendpoint = \"sns.amazonaws.com\"\n",
       "de.toml:2: notify.sns.endpoint is 'sns.amazonaws.com': expected http(s)://host[:port] "
       "without a path"},
      {"[notify.sns]\nregion = \"us_east_1\"\n",
       "de.toml:2: notify.sns.region is 'us_east_1': expected a region name such as us-east-1"},
  };
  for (const Case& c : cases) {
    auto config = ParseConfig(c.toml, "de.toml", {});
    ASSERT_FALSE(config.ok()) << c.toml;
    EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument) << c.toml;
    if (c.message != nullptr) {
      EXPECT_EQ(config.status().message(), c.message) << c.toml;
    }
  }
  const char* accepted[] = {
      "[storage]\nendpoint = \"https://s3.eu-central-1.amazonaws.com\"\n",
      "[storage]\nendpoint = \"http://minio:9000\"\n",
      "[storage]\nendpoint = \"http://[::1]:9000\"\n",
      "[storage]\nendpoint = \"\"\nregion = \"\"\nsession_expires_at = \"\"\n",
      "[storage]\nsession_expires_at = \"2026-11-22T10:00:00Z\"\n",
      "[storage]\nsession_expires_at = \"2026-11-22T10:00:00.123-04:30\"\n",
      "[storage]\npart_size_bytes = 5368709120\nparts_in_flight = 1\n",
      "[notify.sns]\ntopic_arn = \"arn:aws-cn:sns:cn-north-1:123456789012:a_b-C\"\n",
      "[notify.sns]\ntopic_arn = \"\"\n",
  };
  for (const char* toml : accepted) {
    auto config = ParseConfig(toml, "de.toml", {});
    EXPECT_TRUE(config.ok()) << toml << ": " << config.status().ToString();
  }
}

}  // namespace
}  // namespace de
