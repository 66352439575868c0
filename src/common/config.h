// Configuration: one TOML file plus environment overrides (DESIGN.md §4.4).
//
// Every key is declared once in config.cc with its type, default and check; a file with an
// unknown key, a value of the wrong type or out of range is refused with an error naming the key
// and the line. Environment overrides: MAX_CONCURRENCY_LIMIT and MAX_RETRY_COUNT (the original
// system's knobs) and DATA_EXPORTER_<SECTION>_<KEY> for any key (e.g.
// DATA_EXPORTER_HTTP_PORT=9000; a sub-table such as [notify.sns] gives
// DATA_EXPORTER_NOTIFY_SNS_TOPIC_ARN).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace de {

struct ServiceConfig {
  std::string env = "dev";         // the {env} segment of object keys
  std::string data_dir = "./var";  // embedded databases, objects, keys
  std::string log_format = "auto";
  std::string log_level = "info";
  // This process's name in leases (owner of the work it claims); default "{hostname}:{pid}".
  // Must differ between processes that share a metadata store.
  std::string replica_id;
};

struct WarehouseConfig {
  std::string backend = "sqlite";  // sqlite | postgres
  std::string path;                // sqlite: file; default {data_dir}/warehouse.db
  // postgres: libpq connection string or URI (TLS settings such as sslmode pass through);
  // libpq's PG* variables and PGPASSFILE fill what it leaves out. Secret: never printed.
  std::string conninfo;
  std::string dialect = "postgres";          // postgres (COPY binary) | redshift (cursor)
  std::string schema = "public";             // the schema whose tables are exported
  int64_t statement_timeout_ms = 3'600'000;  // per statement; 0 = none
  int64_t fetch_rows = 10'000;               // redshift dialect: rows per FETCH
};

struct MetadataConfig {
  std::string backend = "sqlite";  // sqlite | postgres
  std::string path;                // sqlite: file; default {data_dir}/metadata.db
  std::string conninfo;            // postgres: as warehouse.conninfo. Secret.
  int64_t pool_size = 4;           // postgres: connections
  int64_t lease_seconds = 30;      // how long a claim lasts without renewal (renewed every 1/3)
};

struct StorageConfig {
  std::string backend = "local";         // local | s3
  std::string root;                      // local: directory; default {data_dir}/objects
  std::string prefix = "exports";        // the {prefix} segment of object keys
  int64_t link_expiry_seconds = 86'400;  // 1 day; at most 7 days
  std::string public_base_url;           // links' base; default http://{http.host}:{http.port}
  std::string link_signing_key_file;     // default {data_dir}/link-signing.key
  // The {env} segment of object keys; default (when empty in the file) service.env, filled by
  // ResolveDefaults, so consumers read this one.
  std::string env;

  // S3 (backend = "s3"); credentials follow storage/s3/credentials.h's chain.
  std::string bucket;                  // required with backend = "s3"
  std::string endpoint;                // "http(s)://host[:port]"; empty = AWS's for the region
  std::string region;                  // empty = AWS_REGION, else AWS_DEFAULT_REGION
  std::string addressing = "virtual";  // virtual (bucket.host) | path (host/bucket); a custom
                                       // endpoint (MinIO, Ceph, moto) usually wants path
  int64_t part_size_bytes = int64_t{16} << 20;  // multipart part size, 5 MiB..5 GiB
  int64_t parts_in_flight = 4;                  // parts uploading at once, 1..64
  std::string access_key_id;       // empty = the environment or the shared credentials file
  std::string secret_access_key;   // secret: never printed
  std::string session_token;       // secret: never printed; temporary credentials only
  std::string session_expires_at;  // RFC 3339 expiry of the session; empty = unknown
  std::string profile;             // shared credentials file profile; empty = AWS_PROFILE
  std::string credentials_file;    // empty = AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials
};

struct HttpConfig {
  std::string host = "127.0.0.1";
  int64_t port = 8080;
  int64_t threads = 2;
  int64_t max_body_bytes = 64 * 1024;  // larger request bodies get 413
};

struct ExportConfig {
  int64_t max_file_bytes = int64_t{512} << 20;
  int64_t row_group_bytes = int64_t{64} << 20;
  int64_t row_group_rows = 1'000'000;
  int64_t batch_rows = 65'536;
  std::string codec = "snappy";
  // Threads compressing each file's pages, the exporting thread included (1 = none beside it).
  int64_t writer_threads = 2;
  // "warehouse": rows in the order the warehouse returns them (no sort asked of it); "time":
  // ORDER BY the table's time column, which costs the warehouse a sort of the range.
  std::string row_order = "warehouse";
  // "on": every file carries the page index (ColumnIndex + OffsetIndex); "off": none.
  std::string page_index = "on";
  // Output columns (of any table) whose chunks get a bloom filter, at this false-positive rate.
  std::vector<std::string> bloom_filter_columns;
  std::string bloom_filter_fpp = "0.01";
  int64_t max_concurrency = 4;        // MAX_CONCURRENCY_LIMIT
  int64_t max_retry_count = 3;        // MAX_RETRY_COUNT
  int64_t max_string_bytes = 65'535;  // `compress` threshold (the Redshift VARCHAR limit)
  int64_t max_queued_requests = 100;  // on-demand requests waiting for a worker; beyond: refused
  int64_t retry_initial_backoff_ms = 2'000;  // daily table retries: first wait, doubled each time
  int64_t retry_max_backoff_ms = 60'000;     // ... up to this (jittered to 50..100%)
};

// The built-in scheduler of daily runs (DESIGN.md §1).
struct ScheduleConfig {
  std::string cron = "0 1 * * *";  // 5-field cron; "off" = no built-in schedule (use run-daily)
  std::string time_zone = "Australia/Melbourne";  // IANA zone of the cron and of the run's day
  int64_t catch_up_days = 3;                      // missed days run on start, oldest first
};

// Where daily-run summaries go besides the log (notify/).
struct NotifyConfig {
  std::string file;                       // JSON-lines file; empty = none
  std::vector<std::string> webhook_urls;  // each gets an HTTP POST of the summary
  std::string webhook_secret;             // HMAC-SHA256 key of the signature header (secret)
  std::string webhook_secret_file;        // file holding it instead
  std::string webhook_signature_header = "X-Data-Exporter-Signature";
  int64_t webhook_timeout_ms = 5'000;  // per attempt
  int64_t webhook_max_attempts = 3;
  // [notify.sns]: Amazon SNS (credentials: the storage.* chain of storage/s3/credentials.h).
  std::string sns_topic_arn;  // arn:aws:sns:<region>:<account>:<name>; empty = no SNS
  std::string sns_endpoint;   // "http(s)://host[:port]"; empty = AWS's for the region
  std::string sns_region;     // empty = the topic ARN's
};

struct PolicyConfig {
  // Key of the `hash` treatment. Prefer hash_key_file (or the environment variable
  // DATA_EXPORTER_POLICY_HASH_KEY from a secret); never printed by `data-exporter config`.
  std::string hash_key;
  std::string hash_key_file;  // file whose content (trailing newline removed) is the key
};

// Limits of the GraphQL engine (graphql/engine.h), checked before a request executes.
struct GraphqlConfig {
  int64_t max_query_bytes = 16 * 1024;
  int64_t max_tokens = 2'000;
  int64_t max_parse_depth = 64;
  int64_t max_field_depth = 10;  // introspection is exempt
  int64_t max_aliases = 15;
  int64_t max_directives = 50;
  int64_t max_errors = 100;
  int64_t timeout_ms = 30'000;
};

// Bearer tokens of the API, stored as "sha256:<64 hex digits>" of the token (never the token).
// Required whenever http.host is not a loopback address.
struct ApiConfig {
  std::vector<std::string> tokens;        // may call queries and requestData/requestStatus
  std::vector<std::string> admin_tokens;  // may also call admin mutations (cancelRequest)
};

struct Config {
  ServiceConfig service;
  WarehouseConfig warehouse;
  MetadataConfig metadata;
  StorageConfig storage;
  HttpConfig http;
  ExportConfig exporter;  // TOML section [export]
  ScheduleConfig schedule;
  NotifyConfig notify;
  PolicyConfig policy;
  GraphqlConfig graphql;
  ApiConfig api;

  // Fills defaults that depend on other keys (data_dir, http.host/port, service.env).
  void ResolveDefaults();
};

using Environment = std::map<std::string, std::string>;

// The process environment, as a map.
Environment ProcessEnvironment();

// Parses TOML text (`origin` names it in errors) and applies `env` overrides on top of the
// defaults. kInvalidArgument naming the key for unknown keys, wrong types, bad values.
Result<Config> ParseConfig(std::string_view toml_text, std::string_view origin,
                           const Environment& env);

// Reads `path` and parses it. A missing file is an error only when `required` (an explicit
// --config); otherwise the defaults (plus env) are used.
Result<Config> LoadConfig(const std::string& path, bool required, const Environment& env);

// The value of export.bloom_filter_fpp: a decimal number strictly between 0 and 1, the whole
// text; nullopt otherwise (the configuration refuses such a value).
std::optional<double> ParseBloomFilterFpp(std::string_view text);

// `config` as a TOML file with every key, each commented with its meaning and environment
// variable; parsing it back gives the same Config. `data-exporter config` prints it.
std::string RenderConfigToml(const Config& config);

}  // namespace de
