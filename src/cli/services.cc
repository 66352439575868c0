#include "cli/services.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "common/clock.h"
#include "metadata/postgres/postgres_metadata_store.h"
#include "metadata/sqlite/sqlite_metadata_store.h"
#include "storage/s3/s3_object_store.h"
#include "warehouse/postgres/postgres_warehouse.h"
#include "warehouse/sqlite/sqlite_warehouse.h"

namespace de {

Result<std::string> SecretFromConfig(std::string_view key, const std::string& value,
                                     const std::string& file, size_t min_bytes) {
  if (!value.empty() && !file.empty())
    return InvalidArgument("set {} or {}_file, not both", key, key);
  std::string secret = value;
  if (!file.empty()) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return NotFound("{}_file {} cannot be read", key, file);
    std::stringstream text;
    text << in.rdbuf();
    secret = text.str();
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
    if (secret.empty()) return InvalidArgument("{}_file {} is empty", key, file);
  }
  if (!secret.empty() && secret.size() < min_bytes) {
    return InvalidArgument("the {} ({}{}) has {} bytes; it needs at least {}",
                           key.substr(key.rfind('.') + 1), key, file.empty() ? "" : "_file",
                           secret.size(), min_bytes);
  }
  return secret;
}

Result<std::string> HashKeyFromConfig(const Config& config) {
  return SecretFromConfig("policy.hash_key", config.policy.hash_key, config.policy.hash_key_file,
                          kMinHashKeyBytes);
}

Result<ExportOptions> ExportOptionsFromConfig(const Config& config, const std::string& store_uri) {
  ExportOptions options;
  ASSIGN_OR_RETURN(options.treatments.hash_key, HashKeyFromConfig(config));
  options.treatments.max_string_bytes = static_cast<size_t>(config.exporter.max_string_bytes);
  ASSIGN_OR_RETURN(options.writer.codec, parquet::ParseCodec(config.exporter.codec));
  options.writer.row_group_bytes = static_cast<size_t>(config.exporter.row_group_bytes);
  options.writer.row_group_rows = static_cast<size_t>(config.exporter.row_group_rows);
  options.writer.threads = static_cast<int>(config.exporter.writer_threads);
  options.writer.page_index = config.exporter.page_index == "on";
  options.writer.bloom_filter_columns = config.exporter.bloom_filter_columns;
  if (std::optional<double> fpp = ParseBloomFilterFpp(config.exporter.bloom_filter_fpp)) {
    options.writer.bloom_filter_fpp = *fpp;  // empty (unset): the writer's default
  }
  options.max_file_bytes = static_cast<uint64_t>(config.exporter.max_file_bytes);
  options.batch_rows = static_cast<size_t>(config.exporter.batch_rows);
  options.order_by_time = config.exporter.row_order == "time";
  options.store_uri = store_uri;
  RETURN_IF_ERROR(options.writer.Validate());
  return options;
}

std::unique_ptr<OnDemandExporter> Services::NewOnDemandExporter() const {
  Result<ExportOptions> options = ExportOptionsFromConfig(config, store_uri);
  // OpenServices validated the options already.
  return std::make_unique<OnDemandExporter>(
      warehouse.get(), metadata.get(), store.get(), Clock::System(), std::move(options).value(),
      OnDemandLayout(config.storage.prefix, config.storage.env));
}

std::string ReplicaIdFromConfig(const Config& config) {
  if (!config.service.replica_id.empty()) return config.service.replica_id;
  char host[256] = {};
  if (gethostname(host, sizeof(host) - 1) != 0 || host[0] == '\0') {
    std::snprintf(host, sizeof(host), "localhost");
  }
  return fmt::format("{}:{}", host, getpid());
}

namespace {

Result<std::unique_ptr<Warehouse>> OpenWarehouse(const Config& config) {
  if (config.warehouse.backend == "postgres") {
    PostgresOptions options;
    options.conninfo = config.warehouse.conninfo;
    options.schema = config.warehouse.schema;
    options.statement_timeout_ms = static_cast<int>(config.warehouse.statement_timeout_ms);
    options.dialect = config.warehouse.dialect == "redshift" ? PostgresOptions::Dialect::kRedshift
                                                             : PostgresOptions::Dialect::kPostgres;
    options.fetch_rows = static_cast<int>(config.warehouse.fetch_rows);
    ASSIGN_OR_RETURN(std::unique_ptr<PostgresWarehouse> warehouse,
                     PostgresWarehouse::Open(std::move(options)));
    return std::unique_ptr<Warehouse>(std::move(warehouse));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<SqliteWarehouse> warehouse,
                   SqliteWarehouse::Open(config.warehouse.path));
  return std::unique_ptr<Warehouse>(std::move(warehouse));
}

Result<std::unique_ptr<MetadataStore>> OpenMetadata(const Config& config) {
  if (config.metadata.backend == "postgres") {
    PostgresMetadataOptions options;
    options.conninfo = config.metadata.conninfo;
    options.pool_size = static_cast<int>(config.metadata.pool_size);
    ASSIGN_OR_RETURN(std::unique_ptr<PostgresMetadataStore> store,
                     PostgresMetadataStore::Open(std::move(options), Clock::System()));
    return std::unique_ptr<MetadataStore>(std::move(store));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<SqliteMetadataStore> store,
                   SqliteMetadataStore::Open(config.metadata.path, Clock::System()));
  return std::unique_ptr<MetadataStore>(std::move(store));
}

Status OpenStore(const Config& config, Services& services) {
  const StorageConfig& storage = config.storage;
  if (storage.backend == "s3") {
    ASSIGN_OR_RETURN(std::shared_ptr<s3::CredentialsProvider> credentials,
                     AwsCredentialsFromConfig(config));
    s3::S3ObjectStoreOptions options;
    options.client.bucket = storage.bucket;
    options.client.endpoint = storage.endpoint;
    Result<s3::Addressing> addressing = s3::ParseAddressing(storage.addressing);
    if (!addressing.ok()) return addressing.status().WithContext("storage.addressing");
    options.client.addressing = *addressing;
    Result<std::string> region = s3::ResolveRegion(storage.region, ProcessEnvironment());
    if (!region.ok()) return region.status().WithContext("storage.region");
    options.client.http.region = *region;
    options.part_size = storage.part_size_bytes;
    options.parts_in_flight = static_cast<int>(storage.parts_in_flight);
    Result<std::unique_ptr<s3::S3ObjectStore>> store =
        s3::S3ObjectStore::Open(std::move(options), std::move(credentials));
    if (!store.ok()) return store.status().WithContext("storage (s3)");
    services.store_uri = "s3://" + storage.bucket;
    services.store = std::move(store).value();
    return Status::Ok();
  }
  ASSIGN_OR_RETURN(LinkSigner signer,
                   LinkSigner::LoadOrCreateKeyFile(storage.link_signing_key_file));
  LocalObjectStoreOptions options;
  options.root = storage.root;
  options.public_base_url = storage.public_base_url;
  options.signer = std::make_shared<const LinkSigner>(std::move(signer));
  ASSIGN_OR_RETURN(std::unique_ptr<LocalObjectStore> store,
                   LocalObjectStore::Open(std::move(options)));
  services.local_store = store.get();
  services.store_uri = "file://" + store->root();
  services.store = std::move(store);
  return Status::Ok();
}

}  // namespace

Result<std::shared_ptr<s3::CredentialsProvider>> AwsCredentialsFromConfig(const Config& config) {
  const StorageConfig& storage = config.storage;
  s3::CredentialChainOptions options;
  options.configured.access_key_id = storage.access_key_id;
  options.configured.secret_access_key = storage.secret_access_key;
  options.configured.session_token = storage.session_token;
  options.configured_expires_at = storage.session_expires_at;
  options.profile = storage.profile;
  options.credentials_file = storage.credentials_file;
  options.env = ProcessEnvironment();
  return s3::MakeCredentialChain(options);
}

Result<Services> OpenServices(const Config& config, ServiceNeeds needs) {
  Services services;
  services.config = config;
  std::error_code ec;
  std::filesystem::create_directories(config.service.data_dir, ec);
  if (ec) {
    return PermissionDenied("data directory {} cannot be created: {}", config.service.data_dir,
                            ec.message());
  }
  services.replica_id = ReplicaIdFromConfig(config);
  ASSIGN_OR_RETURN(services.metadata, OpenMetadata(config));
  if (needs.warehouse) {
    ASSIGN_OR_RETURN(services.warehouse, OpenWarehouse(config));
  }
  if (needs.store) {
    RETURN_IF_ERROR(OpenStore(config, services));
    RETURN_IF_ERROR(ExportOptionsFromConfig(config, services.store_uri));
  }
  return services;
}

}  // namespace de
