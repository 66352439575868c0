// Test support, header-only: the embedded backends (a SQLite warehouse file, a SQLite metadata
// store and a local object store) in one fresh directory per test, as the export, API and
// scheduler tests use them. Not part of the product.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "common/clock.h"
#include "metadata/sqlite/sqlite_metadata_store.h"
#include "storage/local/local_object_store.h"
#include "warehouse/sqlite/sqlite_warehouse.h"

namespace de::testing_support {

// "{TempDir}/{prefix}_{current test name}", emptied.
inline std::string FreshTestDirectory(const std::string& prefix) {
  std::string dir = ::testing::TempDir() + "/" + prefix + "_" +
                    ::testing::UnitTest::GetInstance()->current_test_info()->name();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

struct EmbeddedBackends {
  std::unique_ptr<SqliteWarehouse> warehouse;
  std::unique_ptr<SqliteMetadataStore> metadata;
  std::unique_ptr<LocalObjectStore> store;

  // Opens the warehouse file at `warehouse_path` and creates the metadata store
  // ("{dir}/metadata.db") and the object store ("{dir}/objects", links based at
  // `public_base_url`) in `dir`. Use with ASSERT_NO_FATAL_FAILURE.
  void Open(const std::string& warehouse_path, const std::string& dir, Clock* clock,
            const std::string& public_base_url = "") {
    auto opened_warehouse = SqliteWarehouse::Open(warehouse_path);
    ASSERT_TRUE(opened_warehouse.ok()) << opened_warehouse.status().ToString();
    warehouse = std::move(opened_warehouse).value();
    ASSERT_NO_FATAL_FAILURE(OpenMetadata(dir, clock));
    auto signer = LinkSigner::LoadOrCreateKey(dir);
    ASSERT_TRUE(signer.ok()) << signer.status().ToString();
    LocalObjectStoreOptions options;
    options.root = dir + "/objects";
    if (!public_base_url.empty()) options.public_base_url = public_base_url;
    options.signer = std::make_shared<const LinkSigner>(std::move(signer).value());
    options.clock = clock;
    auto opened_store = LocalObjectStore::Open(std::move(options));
    ASSERT_TRUE(opened_store.ok()) << opened_store.status().ToString();
    store = std::move(opened_store).value();
  }

  // (Re)opens "{dir}/metadata.db", as a restarted process would.
  void OpenMetadata(const std::string& dir, Clock* clock) {
    metadata.reset();
    auto opened = SqliteMetadataStore::Open(dir + "/metadata.db", clock);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    metadata = std::move(opened).value();
  }
};

}  // namespace de::testing_support
