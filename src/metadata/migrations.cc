#include "metadata/migrations.h"

namespace de {

const std::vector<Migration>& MetadataMigrations() {
  static const std::vector<Migration> kMigrations = {
      {1,
       "request_tables",
       {
           R"sql(CREATE TABLE request_table (
  de_request_id TEXT PRIMARY KEY,
  start_time BIGINT NOT NULL,
  end_time BIGINT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('IN_PROGRESS', 'COMPLETED', 'FAILED', 'CANCELLED')),
  progress DOUBLE PRECISION NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 100),
  error TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  owner TEXT NOT NULL DEFAULT '',
  lease_expires_at BIGINT NOT NULL DEFAULT 0
))sql",
           "CREATE INDEX request_table_created_at ON request_table (created_at)",
           R"sql(CREATE TABLE request_files (
  de_request_id TEXT NOT NULL REFERENCES request_table (de_request_id) ON DELETE CASCADE,
  table_name TEXT NOT NULL,
  file_index INTEGER NOT NULL,
  object_key TEXT NOT NULL,
  bytes BIGINT NOT NULL,
  rows BIGINT NOT NULL,
  is_manifest BOOLEAN NOT NULL,
  PRIMARY KEY (de_request_id, table_name, file_index, is_manifest)
))sql",
       }},
      {2,
       "policy_tables",
       {
           R"sql(CREATE TABLE export_tables (
  table_name TEXT PRIMARY KEY,
  enabled BOOLEAN NOT NULL DEFAULT TRUE,
  time_column TEXT NOT NULL,
  source_column TEXT,
  metric_column TEXT
))sql",
           R"sql(CREATE TABLE data_column_classification (
  table_name TEXT NOT NULL,
  column_name TEXT NOT NULL,
  classification TEXT NOT NULL CHECK (classification IN ('nr', 'mx', 'de', 'hwc')),
  treatment TEXT,
  pii BOOLEAN NOT NULL DEFAULT FALSE,
  PRIMARY KEY (table_name, column_name)
))sql",
           R"sql(CREATE TABLE policy_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  policy_version BIGINT NOT NULL
))sql",
           "INSERT INTO policy_state (id, policy_version) VALUES (1, 1)",
       }},
      {3,
       "classification_tables",
       {
           // NOT NULL spelled out: SQLite, unlike PostgreSQL, lets a non-INTEGER primary key
           // hold NULL.
           R"sql(CREATE TABLE actual_data_classifications (
  source TEXT NOT NULL PRIMARY KEY,
  classification TEXT NOT NULL CHECK (classification IN ('nr', 'mx', 'de', 'hwc'))
))sql",
           R"sql(CREATE TABLE long_table_data_classifications (
  table_name TEXT NOT NULL,
  metric_name TEXT NOT NULL,
  classification TEXT NOT NULL CHECK (classification IN ('nr', 'mx', 'de', 'hwc')),
  treatment TEXT,
  PRIMARY KEY (table_name, metric_name)
))sql",
       }},
      {4,
       "request_policy_version",
       {
           // The policy version a request was planned under (0 for rows made before this
           // migration), so a finished export is never handed out under a newer policy.
           "ALTER TABLE request_table ADD COLUMN policy_version BIGINT NOT NULL DEFAULT 0",
           "CREATE INDEX request_table_range ON request_table (start_time, end_time)",
           "CREATE INDEX request_table_status ON request_table (status, created_at)",
       }},
  };
  return kMigrations;
}

int64_t LatestSchemaVersion() { return MetadataMigrations().back().version; }

}  // namespace de
