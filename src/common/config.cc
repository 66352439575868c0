#include "common/config.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <functional>
#include <sstream>

#include <toml++/toml.h>
#include <nlohmann/json.hpp>

extern char** environ;

namespace de {
namespace {

// One documented key: where it lives in Config and what it accepts.
struct KeySpec {
  std::string_view section;
  std::string_view key;
  std::string_view doc;
  // Exactly one of these is set.
  std::function<std::string*(Config&)> string_field;
  std::function<int64_t*(Config&)> int_field;
  std::function<std::vector<std::string>*(Config&)> list_field;  // a TOML array of strings
  std::vector<std::string_view> allowed;  // strings: allowed values (empty = any)
  int64_t min = 0;                        // ints: inclusive range
  int64_t max = 0;
  // Strings: checks the value; lists: checks one element. Returns what is wrong with it, or ""
  // when it is fine.
  std::function<std::string(std::string_view)> check_element;
  bool secret = false;  // never rendered by RenderConfigToml

  std::string name() const { return fmt::format("{}.{}", section, key); }
  // DATA_EXPORTER_<SECTION>_<KEY>, upper-cased; a sub-table's '.' becomes '_'
  // ("notify.sns" → DATA_EXPORTER_NOTIFY_SNS_...).
  std::string env_name() const {
    std::string out = fmt::format("DATA_EXPORTER_{}_{}", section, key);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
      return c == '.' ? '_' : static_cast<char>(std::toupper(c));
    });
    return out;
  }
};

KeySpec Str(std::string_view section, std::string_view key, std::string_view doc,
            std::function<std::string*(Config&)> field,
            std::vector<std::string_view> allowed = {}) {
  KeySpec s{section, key, doc};
  s.string_field = std::move(field);
  s.allowed = std::move(allowed);
  return s;
}

KeySpec Int(std::string_view section, std::string_view key, std::string_view doc,
            std::function<int64_t*(Config&)> field, int64_t min, int64_t max) {
  KeySpec s{section, key, doc};
  s.int_field = std::move(field);
  s.min = min;
  s.max = max;
  return s;
}

KeySpec List(std::string_view section, std::string_view key, std::string_view doc,
             std::function<std::vector<std::string>*(Config&)> field,
             std::function<std::string(std::string_view)> check_element) {
  KeySpec s{section, key, doc};
  s.list_field = std::move(field);
  s.check_element = std::move(check_element);
  return s;
}

// An API token as configured: "sha256:" and the 64 lower- or upper-case hex digits of the
// SHA-256 of the bearer token.
std::string CheckTokenHash(std::string_view entry) {
  constexpr std::string_view kPrefix = "sha256:";
  bool ok = entry.size() == kPrefix.size() + 64 && entry.starts_with(kPrefix) &&
            std::all_of(entry.begin() + kPrefix.size(), entry.end(),
                        [](unsigned char c) { return std::isxdigit(c) != 0; });
  if (ok) return "";
  return "expected \"sha256:\" and 64 hex digits (the hash of a token; `data-exporter token "
         "new` makes one)";
}

KeySpec Secret(KeySpec spec) {
  spec.secret = true;
  return spec;
}

// A string key whose value `check` accepts (empty is always accepted: "not set").
KeySpec Checked(KeySpec spec, std::function<std::string(std::string_view)> check) {
  spec.check_element = [check = std::move(check)](std::string_view value) {
    return value.empty() ? std::string() : check(value);
  };
  return spec;
}

bool AllOf(std::string_view text, const std::function<bool(unsigned char)>& pred) {
  return !text.empty() && std::all_of(text.begin(), text.end(), pred);
}

bool IsRegionName(std::string_view text) {
  return AllOf(text,
               [](unsigned char c) { return std::islower(c) || std::isdigit(c) || c == '-'; }) &&
         text.front() != '-' && text.back() != '-';
}

std::string CheckRegion(std::string_view region) {
  return IsRegionName(region) ? "" : "expected a region name such as us-east-1";
}

// An S3/SNS endpoint: http:// or https://, a host name or address, an optional port; no path.
std::string CheckEndpoint(std::string_view url) {
  constexpr std::string_view kExpected = "expected http(s)://host[:port] without a path";
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(kExpected);
  std::string_view scheme = url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") return std::string(kExpected);
  std::string_view authority = url.substr(scheme_end + 3);
  std::string_view host = authority;
  std::string_view port;
  size_t colon = authority.rfind(':');
  if (colon != std::string_view::npos && authority.find(']', colon) == std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    int64_t number = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
    if (port.empty() || ec != std::errc() || end != port.data() + port.size() || number < 1 ||
        number > 65'535) {
      return std::string(kExpected);
    }
  }
  bool bracketed = host.size() > 2 && host.front() == '[' && host.back() == ']';
  if (bracketed) host = host.substr(1, host.size() - 2);
  bool ok = AllOf(host, [&](unsigned char c) {
    return std::isalnum(c) || c == '.' || c == '-' || (bracketed && c == ':');
  });
  return ok ? "" : std::string(kExpected);
}

// The shape of an RFC 3339 time: YYYY-MM-DDTHH:MM:SS[.fraction](Z|+hh:mm|-hh:mm). The calendar
// is checked where the value is used (storage/s3/credentials.h).
std::string CheckRfc3339(std::string_view text) {
  constexpr std::string_view kExpected = "expected an RFC 3339 time such as 2026-11-22T10:00:00Z";
  constexpr std::string_view kPattern = "dddd-dd-ddTdd:dd:dd";
  auto matches = [](std::string_view part, std::string_view pattern) {
    if (part.size() != pattern.size()) return false;
    for (size_t i = 0; i < part.size(); ++i) {
      bool digit = std::isdigit(static_cast<unsigned char>(part[i])) != 0;
      if (pattern[i] == 'd' ? !digit : part[i] != pattern[i]) return false;
    }
    return true;
  };
  if (text.size() < kPattern.size() || !matches(text.substr(0, kPattern.size()), kPattern)) {
    return std::string(kExpected);
  }
  text.remove_prefix(kPattern.size());
  if (text.starts_with('.')) {
    size_t digits = 1;
    while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) {
      ++digits;
    }
    if (digits == 1) return std::string(kExpected);
    text.remove_prefix(digits);
  }
  bool zone = text == "Z" || ((text.starts_with('+') || text.starts_with('-')) &&
                              matches(text.substr(1), "dd:dd"));
  return zone ? "" : std::string(kExpected);
}

// arn:aws:sns:<region>:<12-digit account>:<topic name> (other AWS partitions, aws-cn and
// aws-us-gov, too). Topic names: letters, digits, '-' and '_', a FIFO topic's ending ".fifo".
std::string CheckSnsTopicArn(std::string_view arn) {
  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    size_t colon = arn.find(':', start);
    parts.push_back(arn.substr(start, colon - start));
    if (colon == std::string_view::npos) break;
    start = colon + 1;
  }
  auto word = [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; };
  std::string_view name = parts.size() == 6 ? parts[5] : "";
  if (name.ends_with(".fifo")) name.remove_suffix(5);
  bool ok = parts.size() == 6 && parts[0] == "arn" && parts[1].starts_with("aws") &&
            parts[2] == "sns" && IsRegionName(parts[3]) && parts[4].size() == 12 &&
            AllOf(parts[4], [](unsigned char c) { return std::isdigit(c) != 0; }) &&
            name.size() <= 256 && AllOf(name, word);
  return ok ? "" : "expected arn:aws:sns:<region>:<12-digit account>:<topic name>";
}

// A webhook URL: http:// or https:// and a host. (notify/ checks the rest when it starts.)
std::string CheckWebhookUrl(std::string_view url) {
  for (std::string_view scheme : {"http://", "https://"}) {
    if (url.starts_with(scheme) && url.size() > scheme.size() && url[scheme.size()] != '/') {
      bool clean = std::none_of(url.begin(), url.end(),
                                [](unsigned char c) { return c <= 0x20 || c == 0x7f; });
      return clean ? "" : "a URL has no spaces or control characters";
    }
  }
  return "expected an http:// or https:// URL with a host";
}

const std::vector<KeySpec>& Keys() {
  static const std::vector<KeySpec> keys = {
      Str("service", "env", "environment name, the {env} segment of object keys",
          [](Config& c) { return &c.service.env; }),
      Str("service", "data_dir", "directory for embedded databases, objects and keys",
          [](Config& c) { return &c.service.data_dir; }),
      Str("service", "log_format", "auto (human on a terminal, else JSON lines) | human | json",
          [](Config& c) { return &c.service.log_format; }, {"auto", "human", "json"}),
      Str("service", "log_level", "trace | debug | info | warn | error | off",
          [](Config& c) { return &c.service.log_level; },
          {"trace", "debug", "info", "warn", "error", "off"}),
      Str("service", "replica_id",
          "this process's name in work leases (default {hostname}:{pid}); unique per process",
          [](Config& c) { return &c.service.replica_id; }),
      Str("warehouse", "backend", "sqlite | postgres",
          [](Config& c) { return &c.warehouse.backend; }, {"sqlite", "postgres"}),
      Str("warehouse", "path", "SQLite warehouse file (default {data_dir}/warehouse.db)",
          [](Config& c) { return &c.warehouse.path; }),
      Secret(Str("warehouse", "conninfo",
                 "postgres: libpq connection string or URI (PG* variables and PGPASSFILE fill "
                 "the rest)",
                 [](Config& c) { return &c.warehouse.conninfo; })),
      Str("warehouse", "dialect", "postgres (COPY binary) | redshift (server-side cursor)",
          [](Config& c) { return &c.warehouse.dialect; }, {"postgres", "redshift"}),
      Str("warehouse", "schema", "postgres: the schema whose tables are exported",
          [](Config& c) { return &c.warehouse.schema; }),
      Int(
          "warehouse", "statement_timeout_ms", "postgres: statement_timeout (0 = none)",
          [](Config& c) { return &c.warehouse.statement_timeout_ms; }, 0, 86'400'000),
      Int(
          "warehouse", "fetch_rows", "redshift dialect: rows per FETCH",
          [](Config& c) { return &c.warehouse.fetch_rows; }, 1, 1'000'000),
      Str("metadata", "backend", "sqlite | postgres", [](Config& c) { return &c.metadata.backend; },
          {"sqlite", "postgres"}),
      Str("metadata", "path", "SQLite metadata file (default {data_dir}/metadata.db)",
          [](Config& c) { return &c.metadata.path; }),
      Secret(Str("metadata", "conninfo",
                 "postgres: libpq connection string or URI of the shared metadata store",
                 [](Config& c) { return &c.metadata.conninfo; })),
      Int(
          "metadata", "pool_size", "postgres: connections to the metadata store",
          [](Config& c) { return &c.metadata.pool_size; }, 1, 64),
      Int(
          "metadata", "lease_seconds",
          "how long claimed work stays with a replica that stopped renewing it",
          [](Config& c) { return &c.metadata.lease_seconds; }, 3, 3'600),
      Str("storage", "backend", "local | s3", [](Config& c) { return &c.storage.backend; },
          {"local", "s3"}),
      Str("storage", "root", "local object store directory (default {data_dir}/objects)",
          [](Config& c) { return &c.storage.root; }),
      Str("storage", "prefix", "the {prefix} segment of object keys",
          [](Config& c) { return &c.storage.prefix; }),
      Int(
          "storage", "link_expiry_seconds", "lifetime of download links (max 7 days)",
          [](Config& c) { return &c.storage.link_expiry_seconds; }, 1, 604'800),
      Str("storage", "public_base_url",
          "base URL of download links (default http://{http.host}:{http.port})",
          [](Config& c) { return &c.storage.public_base_url; }),
      Str("storage", "link_signing_key_file",
          "file holding the link-signing key (default {data_dir}/link-signing.key)",
          [](Config& c) { return &c.storage.link_signing_key_file; }),
      Str("storage", "env", "the {env} segment of object keys (default service.env)",
          [](Config& c) { return &c.storage.env; }),
      Str("storage", "bucket", "s3: the bucket (required with backend = \"s3\")",
          [](Config& c) { return &c.storage.bucket; }),
      Checked(Str("storage", "endpoint",
                  "s3: http(s)://host[:port] of an S3-compatible store (default AWS's)",
                  [](Config& c) { return &c.storage.endpoint; }),
              CheckEndpoint),
      Checked(Str("storage", "region", "s3: region (default AWS_REGION, else AWS_DEFAULT_REGION)",
                  [](Config& c) { return &c.storage.region; }),
              CheckRegion),
      Str("storage", "addressing",
          "s3: virtual (bucket.host) | path (host/bucket); a custom endpoint usually wants path",
          [](Config& c) { return &c.storage.addressing; }, {"path", "virtual"}),
      Int(
          "storage", "part_size_bytes", "s3: multipart upload part size (5 MiB..5 GiB)",
          [](Config& c) { return &c.storage.part_size_bytes; }, int64_t{5} << 20, int64_t{5} << 30),
      Int(
          "storage", "parts_in_flight",
          "s3: parts uploading at once (memory: part_size_bytes x this)",
          [](Config& c) { return &c.storage.parts_in_flight; }, 1, 64),
      Str("storage", "access_key_id",
          "s3: access key id (default: environment, then the shared credentials file)",
          [](Config& c) { return &c.storage.access_key_id; }),
      Secret(Str("storage", "secret_access_key",
                 "s3: secret access key (prefer the environment or the credentials file)",
                 [](Config& c) { return &c.storage.secret_access_key; })),
      Secret(Str("storage", "session_token", "s3: session token of temporary credentials",
                 [](Config& c) { return &c.storage.session_token; })),
      Checked(Str("storage", "session_expires_at",
                  "s3: RFC 3339 expiry of the session token (empty = unknown: assumed 1 hour)",
                  [](Config& c) { return &c.storage.session_expires_at; }),
              CheckRfc3339),
      Str("storage", "profile", "s3: profile of the shared credentials file (default AWS_PROFILE)",
          [](Config& c) { return &c.storage.profile; }),
      Str("storage", "credentials_file",
          "s3: shared credentials file (default AWS_SHARED_CREDENTIALS_FILE, ~/.aws/credentials)",
          [](Config& c) { return &c.storage.credentials_file; }),
      Str("http", "host", "address the HTTP server binds to",
          [](Config& c) { return &c.http.host; }),
      Int(
          "http", "port", "port of the HTTP server (0 = any free port)",
          [](Config& c) { return &c.http.port; }, 0, 65'535),
      Int(
          "http", "threads", "HTTP worker threads", [](Config& c) { return &c.http.threads; }, 1,
          64),
      Int(
          "http", "max_body_bytes", "largest request body accepted (larger: 413)",
          [](Config& c) { return &c.http.max_body_bytes; }, 1024, 16 << 20),
      Int(
          "export", "max_file_bytes", "a new Parquet file starts past this size",
          [](Config& c) { return &c.exporter.max_file_bytes; }, 1 << 20, int64_t{1} << 40),
      Int(
          "export", "row_group_bytes", "row groups close past this uncompressed size",
          [](Config& c) { return &c.exporter.row_group_bytes; }, 1 << 16, int64_t{1} << 32),
      Int(
          "export", "row_group_rows", "row groups close at this many rows",
          [](Config& c) { return &c.exporter.row_group_rows; }, 1, int64_t{1} << 32),
      Int(
          "export", "batch_rows", "rows per columnar batch read from the warehouse",
          [](Config& c) { return &c.exporter.batch_rows; }, 1, 1 << 22),
      Str("export", "codec", "snappy | zstd | gzip | uncompressed",
          [](Config& c) { return &c.exporter.codec; }, {"snappy", "zstd", "gzip", "uncompressed"}),
      Int(
          "export", "writer_threads",
          "threads compressing each file's pages, the exporting one included (1: no helper)",
          [](Config& c) { return &c.exporter.writer_threads; }, 1, 64),
      Str("export", "row_order",
          "warehouse (as the warehouse returns rows) | time (ORDER BY the time column: a sort "
          "in the warehouse)",
          [](Config& c) { return &c.exporter.row_order; }, {"warehouse", "time"}),
      Str("export", "page_index",
          "on | off: write each file's page index (per-page bounds and locations readers use "
          "to skip pages)",
          [](Config& c) { return &c.exporter.page_index; }, {"on", "off"}),
      List(
          "export", "bloom_filter_columns",
          "output columns (of any table; not boolean) that get a bloom filter per row group",
          [](Config& c) { return &c.exporter.bloom_filter_columns; },
          [](std::string_view name) {
            return name.empty() ? std::string("expected a column name") : std::string();
          }),
      Checked(Str("export", "bloom_filter_fpp",
                  "false-positive rate of the bloom filters, between 0 and 1 (exclusive)",
                  [](Config& c) { return &c.exporter.bloom_filter_fpp; }),
              [](std::string_view text) {
                return ParseBloomFilterFpp(text)
                           ? std::string()
                           : std::string(
                                 "expected a number between 0 and 1 (exclusive), e.g. 0.01");
              }),
      Int(
          "export", "max_concurrency",
          "parallel warehouse exports (env MAX_CONCURRENCY_LIMIT overrides)",
          [](Config& c) { return &c.exporter.max_concurrency; }, 1, 256),
      Int(
          "export", "max_retry_count",
          "attempts per table before it fails (env MAX_RETRY_COUNT overrides)",
          [](Config& c) { return &c.exporter.max_retry_count; }, 1, 100),
      Int(
          "export", "max_string_bytes",
          "compress treatment: longer values go gzip+base64 into {column}_compressed",
          [](Config& c) { return &c.exporter.max_string_bytes; }, 1, int64_t{1} << 30),
      Int(
          "export", "max_queued_requests",
          "on-demand requests waiting for a worker; more are refused with TOO_MANY_REQUESTS",
          [](Config& c) { return &c.exporter.max_queued_requests; }, 1, 1'000'000),
      Int(
          "export", "retry_initial_backoff_ms",
          "daily table retries: wait before the 2nd attempt, doubled each time",
          [](Config& c) { return &c.exporter.retry_initial_backoff_ms; }, 0, 3'600'000),
      Int(
          "export", "retry_max_backoff_ms", "daily table retries: longest wait",
          [](Config& c) { return &c.exporter.retry_max_backoff_ms; }, 0, 3'600'000),
      Str("schedule", "cron",
          "when daily runs start: 5-field cron in schedule.time_zone, or \"off\"",
          [](Config& c) { return &c.schedule.cron; }),
      Str("schedule", "time_zone", "IANA time zone of the cron and of each run's day",
          [](Config& c) { return &c.schedule.time_zone; }),
      Int(
          "schedule", "catch_up_days", "most missed days run on start (0 = none)",
          [](Config& c) { return &c.schedule.catch_up_days; }, 0, 366),
      Str("notify", "file", "append each daily-run summary to this JSON-lines file",
          [](Config& c) { return &c.notify.file; }),
      List(
          "notify", "webhook_urls", "POST each daily-run summary to these http(s) URLs",
          [](Config& c) { return &c.notify.webhook_urls; }, CheckWebhookUrl),
      Secret(Str("notify", "webhook_secret",
                 "HMAC-SHA256 key of the webhook signature (prefer the file or environment)",
                 [](Config& c) { return &c.notify.webhook_secret; })),
      Str("notify", "webhook_secret_file", "file holding the webhook signing key",
          [](Config& c) { return &c.notify.webhook_secret_file; }),
      Str("notify", "webhook_signature_header", "header carrying \"sha256=<hex HMAC of body>\"",
          [](Config& c) { return &c.notify.webhook_signature_header; }),
      Int(
          "notify", "webhook_timeout_ms", "time limit of one webhook attempt",
          [](Config& c) { return &c.notify.webhook_timeout_ms; }, 1, 600'000),
      Int(
          "notify", "webhook_max_attempts", "attempts per webhook before it is given up",
          [](Config& c) { return &c.notify.webhook_max_attempts; }, 1, 20),
      Checked(Str("notify.sns", "topic_arn",
                  "publish each daily-run summary to this SNS topic (empty = none)",
                  [](Config& c) { return &c.notify.sns_topic_arn; }),
              CheckSnsTopicArn),
      Checked(Str("notify.sns", "endpoint",
                  "http(s)://host[:port] of an SNS-compatible endpoint (default AWS's)",
                  [](Config& c) { return &c.notify.sns_endpoint; }),
              CheckEndpoint),
      Checked(Str("notify.sns", "region", "region of the SNS endpoint (default the topic ARN's)",
                  [](Config& c) { return &c.notify.sns_region; }),
              CheckRegion),
      Secret(Str("policy", "hash_key",
                 "key of the hash treatment (prefer hash_key_file or the environment)",
                 [](Config& c) { return &c.policy.hash_key; })),
      Str("policy", "hash_key_file", "file holding the key of the hash treatment",
          [](Config& c) { return &c.policy.hash_key_file; }),
      Int(
          "graphql", "max_query_bytes", "longest GraphQL document accepted",
          [](Config& c) { return &c.graphql.max_query_bytes; }, 64, 1 << 20),
      Int(
          "graphql", "max_tokens", "most lexical tokens in one document",
          [](Config& c) { return &c.graphql.max_tokens; }, 16, 1'000'000),
      Int(
          "graphql", "max_parse_depth", "deepest nesting the parser accepts",
          [](Config& c) { return &c.graphql.max_parse_depth; }, 4, 1'000),
      Int(
          "graphql", "max_field_depth", "deepest field nesting (introspection exempt)",
          [](Config& c) { return &c.graphql.max_field_depth; }, 2, 100),
      Int(
          "graphql", "max_aliases", "most aliased fields in one document",
          [](Config& c) { return &c.graphql.max_aliases; }, 0, 10'000),
      Int(
          "graphql", "max_directives", "most directive uses in one document",
          [](Config& c) { return &c.graphql.max_directives; }, 0, 10'000),
      Int(
          "graphql", "max_errors", "most errors reported in one response",
          [](Config& c) { return &c.graphql.max_errors; }, 1, 10'000),
      Int(
          "graphql", "timeout_ms", "longest one request may execute, in milliseconds",
          [](Config& c) { return &c.graphql.timeout_ms; }, 10, 600'000),
      List(
          "api", "tokens",
          "bearer tokens as \"sha256:<hex>\" hashes; required unless http.host is loopback",
          [](Config& c) { return &c.api.tokens; }, CheckTokenHash),
      List(
          "api", "admin_tokens", "bearer tokens that may also call admin mutations (same form)",
          [](Config& c) { return &c.api.admin_tokens; }, CheckTokenHash),
  };
  return keys;
}

const KeySpec* FindKey(std::string_view section, std::string_view key) {
  for (const KeySpec& k : Keys()) {
    if (k.section == section && k.key == key) return &k;
  }
  return nullptr;
}

Status SetString(const KeySpec& spec, Config& config, std::string value, std::string_view where) {
  if (!spec.allowed.empty() &&
      std::find(spec.allowed.begin(), spec.allowed.end(), value) == spec.allowed.end()) {
    std::string allowed;
    for (std::string_view a : spec.allowed)
      allowed += (allowed.empty() ? "" : ", ") + std::string(a);
    return InvalidArgument("{}: {} is '{}', expected one of: {}", where, spec.name(), value,
                           allowed);
  }
  std::string problem = spec.check_element ? spec.check_element(value) : "";
  if (!problem.empty()) {
    if (spec.secret) return InvalidArgument("{}: {}: {}", where, spec.name(), problem);
    return InvalidArgument("{}: {} is '{}': {}", where, spec.name(), value, problem);
  }
  *spec.string_field(config) = std::move(value);
  return Status::Ok();
}

Status SetList(const KeySpec& spec, Config& config, std::vector<std::string> values,
               std::string_view where) {
  for (size_t i = 0; i < values.size(); ++i) {
    std::string problem = spec.check_element(values[i]);
    if (!problem.empty()) {
      return InvalidArgument("{}: {}[{}] is '{}': {}", where, spec.name(), i, values[i], problem);
    }
  }
  *spec.list_field(config) = std::move(values);
  return Status::Ok();
}

Status SetInt(const KeySpec& spec, Config& config, int64_t value, std::string_view where) {
  if (value < spec.min || value > spec.max) {
    return InvalidArgument("{}: {} is {}, expected {}..{}", where, spec.name(), value, spec.min,
                           spec.max);
  }
  *spec.int_field(config) = value;
  return Status::Ok();
}

std::string Where(std::string_view origin, const toml::source_region& source) {
  return fmt::format("{}:{}", origin, source.begin.line);
}

std::string_view TypeName(const toml::node& node) {
  return toml::impl::node_type_friendly_names[static_cast<int>(node.type())];
}

Status ApplyTomlList(const KeySpec& spec, const toml::node& node, Config& config,
                     const std::string& where) {
  const toml::array* array = node.as_array();
  if (array == nullptr) {
    return InvalidArgument("{}: {} must be an array of strings, got {}", where, spec.name(),
                           TypeName(node));
  }
  std::vector<std::string> values;
  for (const toml::node& element : *array) {
    const auto* text = element.as_string();
    if (text == nullptr) {
      return InvalidArgument("{}: {}[{}] must be a string, got {}", where, spec.name(),
                             values.size(), TypeName(element));
    }
    values.push_back(text->get());
  }
  return SetList(spec, config, std::move(values), where);
}

Status ApplyTomlValue(const KeySpec& spec, const toml::node& node, Config& config,
                      std::string_view origin) {
  std::string where = Where(origin, node.source());
  if (spec.list_field) return ApplyTomlList(spec, node, config, where);
  if (spec.string_field) {
    const auto* value = node.as_string();
    if (value == nullptr) {
      return InvalidArgument("{}: {} must be a string, got {}", where, spec.name(), TypeName(node));
    }
    return SetString(spec, config, value->get(), where);
  }
  const auto* value = node.as_integer();
  if (value == nullptr) {
    return InvalidArgument("{}: {} must be an integer, got {}", where, spec.name(), TypeName(node));
  }
  return SetInt(spec, config, value->get(), where);
}

bool IsSection(std::string_view section) {
  return std::any_of(Keys().begin(), Keys().end(),
                     [&](const KeySpec& k) { return k.section == section; });
}

// The keys of [section]; a table inside it is the sub-section "section.name" (e.g. [notify.sns])
// when keys are declared for one.
Status ApplyTomlSection(const std::string& section, const toml::table& table, Config& config,
                        std::string_view origin) {
  for (const auto& [key, node] : table) {
    std::string sub_section = section + "." + std::string(key.str());
    if (node.is_table() && IsSection(sub_section)) {
      RETURN_IF_ERROR(ApplyTomlSection(sub_section, *node.as_table(), config, origin));
      continue;
    }
    const KeySpec* spec = FindKey(section, key.str());
    if (spec == nullptr) {
      return InvalidArgument("{}: unknown key '{}.{}'", Where(origin, node.source()), section,
                             key.str());
    }
    RETURN_IF_ERROR(ApplyTomlValue(*spec, node, config, origin));
  }
  return Status::Ok();
}

Status ApplyToml(const toml::table& root, Config& config, std::string_view origin) {
  for (const auto& [section_key, section_node] : root) {
    std::string_view section = section_key.str();
    const toml::table* section_table = section_node.as_table();
    if (section_table == nullptr) {
      return InvalidArgument(
          "{}: '{}' must be a [section]; known sections: service, warehouse, "
          "metadata, storage, http, export, schedule, notify, notify.sns, policy, graphql, api",
          Where(origin, section_node.source()), section);
    }
    RETURN_IF_ERROR(ApplyTomlSection(std::string(section), *section_table, config, origin));
  }
  return Status::Ok();
}

// Checks that involve more than one key, after the file and the environment are applied.
Status CheckAcrossKeys(const Config& config) {
  auto check_env = [](std::string_view name, const std::string& value) {
    if (value.empty() || value.find('/') != std::string::npos) {
      return InvalidArgument("{} must be a non-empty name without '/'", name);
    }
    return Status::Ok();
  };
  RETURN_IF_ERROR(check_env("service.env", config.service.env));
  if (!config.storage.env.empty()) RETURN_IF_ERROR(check_env("storage.env", config.storage.env));
  if (config.service.data_dir.empty()) return InvalidArgument("service.data_dir is empty");
  if (config.warehouse.schema.empty()) return InvalidArgument("warehouse.schema is empty");
  if (config.storage.backend == "s3" && config.storage.bucket.empty()) {
    return InvalidArgument("storage.backend is \"s3\" but storage.bucket is empty");
  }
  return Status::Ok();
}

// "a, b,,c" → {"a", "b", "c"}: comma-separated, blanks around and empty elements dropped.
std::vector<std::string> SplitList(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    size_t comma = text.find(',');
    std::string_view element = text.substr(0, comma);
    while (!element.empty() && std::isspace(static_cast<unsigned char>(element.front()))) {
      element.remove_prefix(1);
    }
    while (!element.empty() && std::isspace(static_cast<unsigned char>(element.back()))) {
      element.remove_suffix(1);
    }
    if (!element.empty()) out.emplace_back(element);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

Status ApplyEnvValue(const KeySpec& spec, const std::string& var, const std::string& text,
                     Config& config) {
  std::string where = "environment " + var;
  if (spec.list_field) return SetList(spec, config, SplitList(text), where);
  if (spec.string_field) return SetString(spec, config, text, where);
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return InvalidArgument("{}: {} must be an integer, got '{}'", where, spec.name(), text);
  }
  return SetInt(spec, config, value, where);
}

Status ApplyEnvironment(const Environment& env, Config& config) {
  for (const KeySpec& spec : Keys()) {
    auto it = env.find(spec.env_name());
    if (it != env.end()) RETURN_IF_ERROR(ApplyEnvValue(spec, it->first, it->second, config));
  }
  // The original system's knobs win over everything.
  static const std::pair<std::string_view, std::string_view> kLegacy[] = {
      {"MAX_CONCURRENCY_LIMIT", "max_concurrency"}, {"MAX_RETRY_COUNT", "max_retry_count"}};
  for (const auto& [var, key] : kLegacy) {
    auto it = env.find(std::string(var));
    if (it != env.end()) {
      RETURN_IF_ERROR(ApplyEnvValue(*FindKey("export", key), it->first, it->second, config));
    }
  }
  // Unknown DATA_EXPORTER_ variables are typos: refuse them like unknown file keys.
  for (const auto& [var, value] : env) {
    if (!var.starts_with("DATA_EXPORTER_")) continue;
    bool known = std::any_of(Keys().begin(), Keys().end(),
                             [&](const KeySpec& k) { return k.env_name() == var; });
    if (!known) return InvalidArgument("environment {}: unknown configuration variable", var);
  }
  return Status::Ok();
}

}  // namespace

void Config::ResolveDefaults() {
  auto under_data = [&](std::string& field, std::string_view name) {
    if (field.empty()) field = service.data_dir + "/" + std::string(name);
  };
  under_data(warehouse.path, "warehouse.db");
  under_data(metadata.path, "metadata.db");
  under_data(storage.root, "objects");
  under_data(storage.link_signing_key_file, "link-signing.key");
  if (storage.env.empty()) storage.env = service.env;
  if (storage.public_base_url.empty()) {
    storage.public_base_url = fmt::format("http://{}:{}", http.host, http.port);
  }
}

Environment ProcessEnvironment() {
  Environment env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view entry(*e);
    size_t eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
  }
  return env;
}

Result<Config> ParseConfig(std::string_view toml_text, std::string_view origin,
                           const Environment& env) {
  Config config;
  try {
    toml::table root = toml::parse(toml_text, origin);
    RETURN_IF_ERROR(ApplyToml(root, config, origin));
  } catch (const toml::parse_error& e) {
    return InvalidArgument("{}:{}: {}", origin, e.source().begin.line, e.description());
  }
  RETURN_IF_ERROR(ApplyEnvironment(env, config));
  RETURN_IF_ERROR(CheckAcrossKeys(config));
  config.ResolveDefaults();
  return config;
}

Result<Config> LoadConfig(const std::string& path, bool required, const Environment& env) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (required) return NotFound("config file {} cannot be read", path);
    return ParseConfig("", "defaults", env);
  }
  std::stringstream text;
  text << in.rdbuf();
  return ParseConfig(text.str(), path, env);
}

std::string RenderConfigToml(const Config& config) {
  Config copy = config;  // the key table's accessors take a mutable Config
  std::string out;
  std::string_view section;
  for (const KeySpec& spec : Keys()) {
    if (spec.section != section) {
      section = spec.section;
      out += fmt::format("{}[{}]\n", out.empty() ? "" : "\n", section);
    }
    // A JSON string (or array of strings) is a valid TOML basic string (array): same escapes.
    std::string value = spec.list_field     ? nlohmann::json(*spec.list_field(copy)).dump()
                        : spec.string_field ? nlohmann::json(*spec.string_field(copy)).dump()
                                            : fmt::format("{}", *spec.int_field(copy));
    if (spec.secret) {
      // A secret is never printed; the line stays commented out so the output parses back.
      bool set = !spec.string_field(copy)->empty();
      out += fmt::format("# {} (env {})\n# {} = \"...\"  ({})\n", spec.doc, spec.env_name(),
                         spec.key, set ? "set, not shown" : "not set");
      continue;
    }
    out += fmt::format("# {} (env {})\n{} = {}\n", spec.doc, spec.env_name(), spec.key, value);
  }
  return out;
}

std::optional<double> ParseBloomFilterFpp(std::string_view text) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !(value > 0 && value < 1)) {
    return std::nullopt;
  }
  return value;
}

}  // namespace de
