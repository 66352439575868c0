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
      {5,
       "daily_runs",
       {
           // One row per (local calendar day, table) of the daily export. started_at and
           // finished_at are NULL until set; unclassified_columns is a JSON array of names.
           R"sql(CREATE TABLE table_export_job_statuses (
  run_date TEXT NOT NULL,
  table_name TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('IN-PROGRESS', 'COMPLETED', 'FAILED')),
  attempt INTEGER NOT NULL,
  started_at BIGINT,
  finished_at BIGINT,
  rows_read BIGINT NOT NULL DEFAULT 0,
  rows_dropped_by_policy BIGINT NOT NULL DEFAULT 0,
  rows_written BIGINT NOT NULL DEFAULT 0,
  bytes_written BIGINT NOT NULL DEFAULT 0,
  files BIGINT NOT NULL DEFAULT 0,
  error TEXT NOT NULL DEFAULT '',
  unclassified_columns TEXT NOT NULL DEFAULT '[]',
  owner TEXT NOT NULL DEFAULT '',
  lease_expires_at BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (run_date, table_name)
))sql",
           "CREATE INDEX table_export_job_statuses_status ON table_export_job_statuses (status)",
           // The latest run of each day. `trigger` is an SQL keyword, hence run_trigger.
           R"sql(CREATE TABLE daily_runs (
  run_date TEXT NOT NULL PRIMARY KEY,
  status TEXT NOT NULL CHECK (status IN ('RUNNING', 'SUCCESS', 'PARTIAL-SUCCESS', 'FAILED')),
  run_trigger TEXT NOT NULL,
  start_time BIGINT NOT NULL,
  end_time BIGINT NOT NULL,
  started_at BIGINT NOT NULL,
  finished_at BIGINT NOT NULL,
  policy_version BIGINT NOT NULL,
  tables_total INTEGER NOT NULL,
  tables_completed INTEGER NOT NULL,
  tables_failed INTEGER NOT NULL,
  error TEXT NOT NULL DEFAULT '',
  owner TEXT NOT NULL DEFAULT ''
))sql",
       }},
      {6,
       "replica_leases",
       {
           // Replicas sharing the store: at most one IN_PROGRESS request per range (the
           // same-range coalescing holds across processes), and the claim query's index.
           "CREATE UNIQUE INDEX request_table_one_open_range ON request_table (start_time, "
           "end_time) WHERE status = 'IN_PROGRESS'",
           "CREATE INDEX request_table_lease ON request_table (status, lease_expires_at)",
       }},
  };
  return kMigrations;
}

int64_t LatestSchemaVersion() { return MetadataMigrations().back().version; }

}  // namespace de
