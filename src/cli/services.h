// The backends a command works with, chosen once from Config (DESIGN.md §2: interfaces are
// picked in cli/ only).
#pragma once

#include <memory>

#include "common/config.h"
#include "common/status.h"
#include "export/on_demand.h"
#include "metadata/metadata_store.h"
#include "storage/local/local_object_store.h"
#include "storage/s3/credentials.h"
#include "warehouse/warehouse.h"

namespace de {

struct Services {
  Config config;
  // This process's owner name in work leases: service.replica_id, or "{hostname}:{pid}".
  std::string replica_id;
  std::unique_ptr<Warehouse> warehouse;
  std::unique_ptr<MetadataStore> metadata;
  std::unique_ptr<ObjectStore> store;       // storage.backend: local | s3
  LocalObjectStore* local_store = nullptr;  // `store` when it is local (the /download route)
  std::string store_uri;                    // "file:///…/objects" or "s3://bucket"

  // An exporter over these backends with the config's knobs.
  std::unique_ptr<OnDemandExporter> NewOnDemandExporter() const;
};

// Which backends a command needs.
struct ServiceNeeds {
  bool warehouse = true;
  bool store = true;
};

// service.replica_id when set, else "{hostname}:{pid}".
std::string ReplicaIdFromConfig(const Config& config);

// AWS credentials by the chain of storage/s3/credentials.h: storage.access_key_id & co., then
// AWS_* variables, then the shared credentials file. Errors name the step, never a secret.
Result<std::shared_ptr<s3::CredentialsProvider>> AwsCredentialsFromConfig(const Config& config);

// Opens the configured backends (warehouse.backend, metadata.backend: sqlite | postgres). Errors
// name the backend and path: kNotFound for a missing warehouse file, kPermissionDenied for an
// unwritable data directory or store root.
Result<Services> OpenServices(const Config& config, ServiceNeeds needs);

// A secret given inline (`value`, from the config file or environment) or as a file (`file`,
// trailing newlines removed); empty when neither is set. `key` names the setting in errors
// ("policy.hash_key"; the file variant is key + "_file"). kInvalidArgument when both are set,
// the file is empty or the secret is shorter than `min_bytes`; kNotFound when the file cannot
// be read. The secret itself never appears in an error.
Result<std::string> SecretFromConfig(std::string_view key, const std::string& value,
                                     const std::string& file, size_t min_bytes);

// Shortest key the hash treatment accepts: a short key makes pseudonyms guessable.
inline constexpr size_t kMinHashKeyBytes = 16;

// The hash treatment's key from policy.hash_key or policy.hash_key_file (trailing newlines
// removed); empty when neither is set. kInvalidArgument when both are set, the key is shorter
// than kMinHashKeyBytes or the file is empty; kNotFound when the file cannot be read.
Result<std::string> HashKeyFromConfig(const Config& config);

// Export knobs from the config. kInvalidArgument for a bad codec or hash key.
Result<ExportOptions> ExportOptionsFromConfig(const Config& config, const std::string& store_uri);

}  // namespace de
