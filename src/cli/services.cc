#include "cli/services.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "common/clock.h"
#include "metadata/postgres/postgres_metadata_store.h"
#include "metadata/sqlite/sqlite_metadata_store.h"
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
  options.max_file_bytes = static_cast<uint64_t>(config.exporter.max_file_bytes);
  options.batch_rows = static_cast<size_t>(config.exporter.batch_rows);
  options.store_uri = store_uri;
  RETURN_IF_ERROR(options.writer.Validate());
  return options;
}

std::unique_ptr<OnDemandExporter> Services::NewOnDemandExporter() const {
  Result<ExportOptions> options = ExportOptionsFromConfig(config, "file://" + store->root());
  // OpenServices validated the options already.
  return std::make_unique<OnDemandExporter>(
      warehouse.get(), metadata.get(), store.get(), Clock::System(), std::move(options).value(),
      OnDemandLayout(config.storage.prefix, config.service.env));
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

}  // namespace

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
    ASSIGN_OR_RETURN(LinkSigner signer,
                     LinkSigner::LoadOrCreateKeyFile(config.storage.link_signing_key_file));
    LocalObjectStoreOptions options;
    options.root = config.storage.root;
    options.public_base_url = config.storage.public_base_url;
    options.signer = std::make_shared<const LinkSigner>(std::move(signer));
    ASSIGN_OR_RETURN(services.store, LocalObjectStore::Open(std::move(options)));
    RETURN_IF_ERROR(ExportOptionsFromConfig(config, "file://" + services.store->root()));
  }
  return services;
}

}  // namespace de
