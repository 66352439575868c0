#!/usr/bin/env python3
"""End to end: the real `data-exporter` reading a real PostgreSQL 15 warehouse (issue 6, Tests).

The module starts one throwaway cluster with scripts/pg-cluster (loaded with the demo warehouse
that `data-exporter demo` made), creates its own tables in it, and checks, through the binary:

1. TypeRoundTripTest: every mapped type (pg_catalog.h) goes warehouse -> Parquet -> DuckDB with
   the values PostgreSQL itself prints, NULLs and extremes included, through both the COPY path
   (warehouse.dialect = "postgres") and the cursor path ("redshift"); a table holding an
   infinite date or timestamp fails its export with an error naming table and column, and
   nothing is published.
2. SqliteVsPostgresTest: the demo day exported from the SQLite demo warehouse and from the same
   data in PostgreSQL gives the same rows (DuckDB) and the same Parquet schema.
3. InjectionTest: SQL in table names, column names, policy values, GraphQL arguments and CLI
   arguments fails cleanly or is treated as a plain name/value; every table keeps its rows.
4. LostConnectionTest: the COPY of a daily run is killed once with pg_terminate_backend; the
   run retries it (attempt 2 COMPLETED) and the day's files hold every row exactly once.
5. StatementLogTest (last): every statement the exporter sent (log_statement = all for its
   role) has no SQL outside quoted identifiers and string literals that came from a name or a
   value.

Environment: DE_EXE (the binary), DE_NODE (node), DE_NODE_DIR (tests/node with node_modules).
Needs postgresql-15 (scripts/install-deps --test). The cluster is stopped in tearDownModule,
at exit and on SIGTERM (ctest's timeout).
"""
import csv
import glob
import io
import json
import os
import re
import struct
import subprocess
import tempfile
import time
import types
import unittest

import pg_support  # noqa: E402
from e2e_support import NODE, NODE_DIR, duckdb_facts, read_rows
from server_fixture import Client, Server

EXE = os.environ["DE_EXE"]
NULL = "<<NULL>>"
DAY = 1_795_132_800  # 2026-11-20T00:00:00Z, the demo warehouse's day
DAY_END = DAY + 86_400
DAY_TEXT = "2026-11-20"
HASH_KEY = "pg-warehouse-e2e-hash-key-7c41"
DEMO_TABLES = ("cctv", "incident", "way", "way_metrics_long")
# A real table and column whose names are SQL; exporting them must work and run nothing else.
INJ_TABLE = 'way"; DROP TABLE way; --'
INJ_COLUMN = "x'); DROP TABLE cctv; --"
BIG_ROWS = 1_500_000

# psql's environment: only what the test sets (no stray PG* of the caller).
PG_ENV = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
PG_ENV.update({"PGTZ": "UTC", "PGDATESTYLE": "ISO, YMD", "PGCLIENTENCODING": "UTF8"})


class Cluster:
    dir = None  # the cluster directory (under /tmp, reachable by `nobody`)
    info = None  # conninfo of the `exporter` role
    super_info = None  # conninfo of the `postgres` superuser


def _stop_cluster():
    pg_support.stop_all()


def work_dir(prefix):
    directory = tempfile.mkdtemp(prefix=prefix)
    pg_support.remove_at_exit(directory)
    return directory


def psql(sql, superuser=False, as_exporter=False, check=True):
    """Rows of `sql` as lists of text (NULL as the NULL marker). superuser: as `postgres`
    (not statement-logged); as_exporter: as `postgres` with SET ROLE exporter, so what it
    creates belongs to the exporter but its statements stay out of the exporter's log."""
    info = Cluster.super_info if superuser or as_exporter else Cluster.info
    argv = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "--csv", "-t", f"--pset=null={NULL}",
            info]
    if as_exporter:
        argv += ["-c", "SET ROLE exporter"]
    out = subprocess.run(argv + ["-c", sql], capture_output=True, text=True, timeout=300,
                         env=PG_ENV)
    if check and out.returncode != 0:
        raise AssertionError(f"psql failed on {sql[:300]!r}: {out.stderr}")
    return list(csv.reader(io.StringIO(out.stdout)))


def qi(name):
    """A quoted SQL identifier (for the test's own psql statements)."""
    return '"' + name.replace('"', '""') + '"'


def ql(text):
    """A quoted SQL string literal (standard_conforming_strings is on)."""
    return "'" + text.replace("'", "''") + "'"


def table_counts():
    """{table: row count} of every table in the warehouse's public schema."""
    names = [r[0] for r in psql("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                                "ORDER BY 1", superuser=True)]
    if not names:
        return {}
    union = " UNION ALL ".join(f"SELECT {ql(n)}, count(*) FROM public.{qi(n)}" for n in names)
    return {name: int(count) for name, count in psql(union, superuser=True)}


# --- DuckDB through node (@duckdb/node-api), for queries read_rows.mjs does not make ----------

DUCK_SCRIPT = r"""
import { DuckDBInstance } from '@duckdb/node-api';
const [sql] = process.argv.slice(1);
const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();
await conn.run("SET TimeZone = 'UTC'");
const reader = await conn.runAndReadAll(sql);
process.stdout.write(JSON.stringify(reader.getRowObjectsJson()));
"""


def duck(sql):
    """Rows (dicts, JSON values as DuckDB's getRowObjectsJson gives them) of a DuckDB query."""
    out = subprocess.run([NODE, "--input-type=module", "-e", DUCK_SCRIPT, sql],
                         capture_output=True, text=True, timeout=300, cwd=NODE_DIR)
    if out.returncode != 0:
        raise AssertionError(f"DuckDB failed on {sql[:300]!r}: {out.stderr}")
    return json.loads(out.stdout)


def dq(path):
    return "'" + path.replace("'", "''") + "'"


def parquet_list(paths):
    return "[" + ", ".join(dq(p) for p in paths) + "]"


def duckdb_types(path):
    """[(column, DuckDB type)] of a file, with the json extension loaded (read_rows.mjs does
    not load it, so it reads JSON columns as VARCHAR)."""
    return [(r["column_name"], r["column_type"]) for r in
            duck("LOAD json; DESCRIBE SELECT * FROM read_parquet(" + dq(path) + ")")]


REQUEST_ID_KEY = "data_exporter.request_id"


def key_values(path):
    """The footer's key-value metadata."""
    return {r["k"]: r["v"] for r in duck(
        "SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata(" + dq(path) +
        ")")}


def same_rows(a, b):
    """Row counts of two files and how many rows of each the other lacks (as multisets), also
    with each row's position in its file (file_row_number) taken into account."""
    ra = f"read_parquet({dq(a)}, file_row_number = true)"
    rb = f"read_parquet({dq(b)}, file_row_number = true)"
    rows = duck(
        f"SELECT (SELECT count(*) FROM {ra})::VARCHAR AS rows_a, "
        f"(SELECT count(*) FROM {rb})::VARCHAR AS rows_b, "
        f"(SELECT count(*) FROM (SELECT * EXCLUDE (file_row_number) FROM {ra} EXCEPT ALL "
        f"SELECT * EXCLUDE (file_row_number) FROM {rb}))::VARCHAR AS only_a, "
        f"(SELECT count(*) FROM (SELECT * EXCLUDE (file_row_number) FROM {rb} EXCEPT ALL "
        f"SELECT * EXCLUDE (file_row_number) FROM {ra}))::VARCHAR AS only_b, "
        f"(SELECT count(*) FROM (SELECT * FROM {ra} EXCEPT ALL SELECT * FROM {rb}))::VARCHAR "
        "AS only_a_in_order, "
        f"(SELECT count(*) FROM (SELECT * FROM {rb} EXCEPT ALL SELECT * FROM {ra}))::VARCHAR "
        "AS only_b_in_order")[0]
    return rows


def parquet_schema(path):
    """The file's Parquet schema as DuckDB's parquet_schema() reads it (root excluded)."""
    return duck("SELECT name, type, type_length, repetition_type, converted_type, scale, "
                "precision, logical_type FROM parquet_schema(" + dq(path) + ") "
                "WHERE num_children IS NULL OR num_children = 0")


# --- data directories, policies and the CLI ----------------------------------------------------

POLICY_HEADERS = {
    "export_tables": ["table_name", "enabled", "time_column", "source_column", "metric_column"],
    "data_column_classification": ["table_name", "column_name", "classification", "treatment",
                                   "pii"],
    "actual_data_classifications": ["source", "classification"],
    "long_table_data_classifications": ["table_name", "metric_name", "classification",
                                        "treatment"],
}


def read_policy(directory):
    policy = {}
    for name in POLICY_HEADERS:
        with open(os.path.join(directory, name + ".csv"), newline="", encoding="utf-8") as f:
            policy[name] = [row for row in csv.reader(f)][1:]
    return policy


def write_policy(directory, policy):
    """Writes the four CSV files (RFC 4180 quoting) of `policy` {name: [row, ...]}."""
    os.makedirs(directory, exist_ok=True)
    for name, header in POLICY_HEADERS.items():
        with open(os.path.join(directory, name + ".csv"), "w", newline="",
                  encoding="utf-8") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(policy.get(name, []))
    return directory


def all_columns_nr(table, time_column="t"):
    """Policy rows exporting every column of `table` as is."""
    columns = [r[0] for r in psql(
        "SELECT attname FROM pg_attribute WHERE attrelid = "
        f"{ql('public.' + qi(table))}::regclass AND attnum > 0 AND NOT attisdropped "
        "ORDER BY attnum", superuser=True)]
    return ([[table, "true", time_column, "", ""]],
            [[table, c, "nr", "", "false"] for c in columns])


class DataDir:
    """A data directory (SQLite metadata) whose warehouse is the PostgreSQL cluster, or the
    SQLite demo warehouse when `sqlite_warehouse` is given."""

    def __init__(self, prefix, dialect="postgres", sqlite_warehouse=None, extra="",
                 fetch_rows=None):
        self.dir = work_dir(prefix)
        self.var = os.path.join(self.dir, "var")
        self.objects = os.path.join(self.var, "objects")
        self.config = os.path.join(self.dir, "de.toml")
        if sqlite_warehouse:
            warehouse = f'[warehouse]\npath = "{sqlite_warehouse}"\n'
        else:
            warehouse = (f'[warehouse]\nbackend = "postgres"\nconninfo = "{Cluster.info}"\n'
                         f'dialect = "{dialect}"\n')
            if fetch_rows is not None:
                warehouse += f"fetch_rows = {fetch_rows}\n"
        with open(self.config, "w") as f:
            f.write(f'[service]\ndata_dir = "{self.var}"\nlog_format = "human"\n{warehouse}'
                    f'[policy]\nhash_key = "{HASH_KEY}"\n'
                    f'[schedule]\ncron = "off"\ntime_zone = "UTC"\n{extra}')

    def run(self, *args, timeout=300):
        return subprocess.run([EXE, "--config", self.config, *args], capture_output=True,
                              text=True, timeout=timeout, cwd=self.dir)

    def import_policy(self, policy_dir):
        out = self.run("policy", "import", policy_dir)
        if out.returncode != 0:
            raise AssertionError(f"policy import failed: {out.stdout}{out.stderr}")
        return out

    def export(self, *args):
        return self.run("export", "--start", str(DAY), "--end", str(DAY_END), *args)

    def range_dir(self, table):
        return os.path.join(self.objects, "exports", "dev", "data_exporter_service", table,
                            "20261120", f"{DAY}_{DAY_END}")

    def parquet_files(self, table):
        return sorted(glob.glob(os.path.join(glob.escape(self.range_dir(table)), "*.parquet")))

    def files(self):
        found = []
        for root, _, names in os.walk(self.objects):
            found.extend(os.path.relpath(os.path.join(root, n), self.objects) for n in names)
        return sorted(found)


def fail_message(out):
    return f"exit {out.returncode}\nstdout: {out.stdout}\nstderr: {out.stderr}"


# --- the module's cluster ------------------------------------------------------------------------

class Demo:
    dir = None
    warehouse = None
    policy_dir = None


def setUpModule():
    try:
        _set_up_module()
    except BaseException:
        _stop_cluster()  # tearDownModule does not run when setUpModule fails
        raise


def _set_up_module():
    Demo.dir = work_dir("de-pgwh-demo-")
    Demo.warehouse = os.path.join(Demo.dir, "var", "warehouse.db")
    Demo.policy_dir = os.path.join(Demo.dir, "policy")
    config = os.path.join(Demo.dir, "de.toml")
    with open(config, "w") as f:
        f.write(f'[service]\ndata_dir = "{Demo.dir}/var"\nlog_format = "human"\n'
                f'[policy]\nhash_key = "{HASH_KEY}"\n[schedule]\ncron = "off"\n')
    for args in (["demo", "--exit-after-export", "--port", "0"],
                 ["policy", "export", Demo.policy_dir]):
        out = subprocess.run([EXE, "--config", config, *args], capture_output=True, text=True,
                             timeout=600, cwd=Demo.dir)
        assert out.returncode == 0, f"{args}: {fail_message(out)}"

    Cluster.dir = pg_support.new_dir("de-pgwh-")
    started = pg_support.start(Cluster.dir, "--load-demo", Demo.warehouse)
    assert started.returncode == 0, started.stderr
    Cluster.info = pg_support.conninfo(Cluster.dir)
    Cluster.super_info = Cluster.info.replace("user=exporter", "user=postgres")
    assert Cluster.super_info != Cluster.info, Cluster.info

    psql(TYPES_DDL + ";" + types_insert_sql(), as_exporter=True)
    for table, column, pg_type, value in INFINITY_TABLES:
        psql(f"CREATE TABLE {table} (id integer, t timestamp NOT NULL, {column} {pg_type}); "
             f"INSERT INTO {table} VALUES (1, '2026-11-20 01:00:00', {ql(value)}), "
             f"(2, '2026-11-20 02:00:00', {ql(value)})", as_exporter=True)
    psql(f"CREATE TABLE {qi(INJ_TABLE)} (id integer, t timestamp NOT NULL, {qi(INJ_COLUMN)} "
         f"text); INSERT INTO {qi(INJ_TABLE)} VALUES (1, '2026-11-20 03:00:00', 'one'), "
         f"(2, '2026-11-20 04:00:00', {ql(INJ_TABLE)}), (3, '2026-11-21 00:00:00', 'late')",
         as_exporter=True)
    # The big table of LostConnectionTest: BIG_ROWS rows spread over the demo day.
    psql("CREATE TABLE big_events (id bigint NOT NULL, t timestamp NOT NULL, "
         "v double precision, s text); "
         f"INSERT INTO big_events SELECT i, '2026-11-20'::timestamp + (i - 1) * "
         f"(interval '86399 seconds' / {BIG_ROWS}), i * 0.5, md5(i::text) "
         f"FROM generate_series(1, {BIG_ROWS}) i; CREATE INDEX ON big_events (t); "
         "ANALYZE big_events", as_exporter=True)
    # From here on every statement the exporter's role sends is logged (StatementLogTest).
    psql("ALTER ROLE exporter SET log_statement = 'all'", superuser=True)


def tearDownModule():
    _stop_cluster()


# --- 1. every type round-trips -------------------------------------------------------------------

TYPES_DDL = """CREATE TABLE types_t (
  id integer NOT NULL, t timestamp NOT NULL,
  c_smallint smallint, c_int integer, c_bigint bigint, c_real real, c_double double precision,
  c_num numeric(12,3), c_num38 numeric(38,0), c_num38s numeric(38,10), c_num3838 numeric(38,38),
  c_numeric numeric, c_bool boolean, c_text text, c_varchar varchar(5), c_char char(4),
  c_date date, c_ts timestamp, c_tstz timestamptz, c_time time, c_uuid uuid, c_json json,
  c_jsonb jsonb, c_bytea bytea, c_intarr integer[], c_textarr text[])"""

NINES38 = "9" * 38
ALL_BYTES = "\\x" + bytes(range(256)).hex()
# (id, t, then one SQL literal per column after t); None is NULL. Rows 90/91 are outside the
# exported range [2026-11-20, 2026-11-21).
TYPES_ROWS = [
    (1, "2026-11-20 00:00:00", "-32768", "-2147483648", "-9223372036854775808",
     "-3.4028235e38", "-1.7976931348623157e308", "-999999999.999", "-" + NINES38,
     "-" + "9" * 28 + "." + "9" * 10, "-0." + NINES38,
     "-123456789012345678901234567890.123456789012345678901234567890", "false",
     "quote's \"dq\" \\ back\nnewline\ttab \u00e9\u4e2d\U0001F600", "ab", "x", "0001-01-01",
     "0001-01-01 00:00:00", "1969-12-31 23:59:59.999999-05", "00:00:00",
     "123e4567-e89b-12d3-a456-426614174000", '{"b": 1,  "a": [1, 2]}',
     '{"b": 1, "a": [1, 2], "c": {"z": null}}', "\\x00ff0a27", "{1,NULL,-3}",
     '{"a\\"b","c,d",NULL}'),
    (2, "2026-11-20 06:00:00", "32767", "2147483647", "9223372036854775807", "3.4028235e38",
     "1.7976931348623157e308", "999999999.999", NINES38, "9" * 28 + "." + "9" * 10,
     "0." + NINES38, "NaN", "true", "", "abcde", "abcd", "9999-12-31",
     "9999-12-31 23:59:59.999999", "2038-01-19 03:14:08.000001+00", "24:00:00",
     "ffffffff-ffff-ffff-ffff-ffffffffffff", "null", "[]", "\\x", "{}", "{{a,b},{c,d}}"),
    (3, "2026-11-20 12:00:00.000001", "0", "0", "0", "1.17549435e-38", "5e-324", "0.001", "0",
     "0.0000000001", "0." + "0" * 37 + "1", "1.50", "true", "\\N", " ", "", "1969-12-31",
     "1969-12-31 23:59:59.999999", "1900-01-01 00:00:00+00", "12:34:56.789",
     "00000000-0000-0000-0000-000000000000", '"str"', '{"k": "v\u00e9"}', ALL_BYTES, "{0}",
     '{""}'),
    (4, "2026-11-20 18:00:00") + (None,) * 24,
    (5, "2026-11-20 23:59:59.999998", "1", "-1", "1234567890123", "NaN", "Infinity", "-0.5",
     "12345678901234567890123456789012345678", "1.5", "0.5", "-Infinity", "false", "plain",
     "\u00fc", "ab", "2100-02-28", "2100-02-28 12:00:00.5", "2262-04-11 23:47:16.854776+00",
     "23:59:59.999999", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", '[1, "two", {"3": 4.50}]',
     '{"num": 4.50}', "\\xdeadbeef", "{-2147483648,2147483647}", '{"\u00e9","NULL"}'),
    (6, "2026-11-20 23:59:59.999999", "-1", "1", "-1", "Infinity", "-Infinity", "0.010",
     "-1", "-0.0000000001", "-0." + "0" * 37 + "1", "Infinity", "true", "z", "z", "zzzz",
     "1970-01-01", "1970-01-01 00:00:00", "1960-06-15 12:00:00.123456+05:30", "00:00:00.000001",
     "00000000-0000-0000-0000-000000000001", "{}", '{"a": [true, false, null]}', "\\x00",
     "{NULL}", "{NULL,x}"),
    (90, "2026-11-19 23:59:59.999999") + ("1",) * 3 + (None,) * 21,
    (91, "2026-11-21 00:00:00") + ("2",) * 3 + (None,) * 21,
]
TYPE_COLUMNS = ["c_smallint", "c_int", "c_bigint", "c_real", "c_double", "c_num", "c_num38",
                "c_num38s", "c_num3838", "c_numeric", "c_bool", "c_text", "c_varchar",
                "c_char", "c_date", "c_ts", "c_tstz", "c_time", "c_uuid", "c_json", "c_jsonb",
                "c_bytea", "c_intarr", "c_textarr"]

TS_FORMAT = "'YYYY-MM-DD\"T\"HH24:MI:SS.US'"


def expected_expr(column):
    """What PostgreSQL prints for `column`, in read_rows.mjs's form (before json conversion)."""
    if column in ("t", "c_ts"):
        return f"to_char({column}, {TS_FORMAT})"
    if column == "c_tstz":
        return f"to_char({column} AT TIME ZONE 'UTC', {TS_FORMAT}) || 'Z'"
    if column == "c_date":
        return f"to_char({column}, 'YYYY-MM-DD')"
    if column == "c_bytea":
        return f"encode({column}, 'hex')"
    if column in ("c_intarr", "c_textarr"):
        return f"to_json({column})::text"
    if column == "c_char":
        return column  # psql prints char(n) padded; ::text would strip the padding
    return f"{column}::text"


def float32(text):
    return struct.unpack("<f", struct.pack("<f", float(text)))[0]


def expected_value(column, text):
    """read_rows.mjs's JSON value of the PostgreSQL text `text` of `column`."""
    if text == NULL:
        return None
    if column in ("id", "c_smallint", "c_int"):
        return int(text)
    if column in ("c_real", "c_double"):
        if text in ("NaN", "Infinity", "-Infinity"):
            return text
        return float32(text) if column == "c_real" else float(text)
    if column == "c_bool":
        return {"true": True, "false": False}[text]
    return text  # bigint, decimals, strings, dates, timestamps, uuid, json, hex


# DuckDB's type of each column, per the mapping table in pg_catalog.h.
EXPECTED_DUCKDB_TYPES = [
    ("id", "INTEGER"), ("t", "TIMESTAMP"), ("c_smallint", "SMALLINT"), ("c_int", "INTEGER"),
    ("c_bigint", "BIGINT"), ("c_real", "FLOAT"), ("c_double", "DOUBLE"),
    ("c_num", "DECIMAL(12,3)"), ("c_num38", "DECIMAL(38,0)"), ("c_num38s", "DECIMAL(38,10)"),
    ("c_num3838", "DECIMAL(38,38)"), ("c_numeric", "VARCHAR"), ("c_bool", "BOOLEAN"),
    ("c_text", "VARCHAR"), ("c_varchar", "VARCHAR"), ("c_char", "VARCHAR"), ("c_date", "DATE"),
    ("c_ts", "TIMESTAMP"), ("c_tstz", "TIMESTAMP WITH TIME ZONE"), ("c_time", "VARCHAR"),
    ("c_uuid", "UUID"), ("c_json", "JSON"), ("c_jsonb", "JSON"), ("c_bytea", "BLOB"),
    ("c_intarr", "JSON"), ("c_textarr", "JSON")]

INFINITY_TABLES = [  # (table, column, type, value)
    ("inf_date", "d", "date", "infinity"),
    ("inf_ts", "ts", "timestamp", "-infinity"),
    ("inf_tstz", "tz", "timestamptz", "infinity"),
]


def types_insert_sql():
    rows = []
    for row in TYPES_ROWS:
        rows.append("(" + ", ".join("NULL" if v is None else
                                    (str(v) if i == 0 else ql(v)) for i, v in enumerate(row))
                    + ")")
    return "INSERT INTO types_t VALUES " + ",\n".join(rows)


class TypeRoundTripTest(unittest.TestCase):
    """Both read paths, each in its own data directory (its own metadata and objects)."""

    data = {}

    @classmethod
    def data_dir(cls, dialect):
        if dialect not in cls.data:
            # fetch_rows = 2: the cursor path crosses FETCH boundaries within this small table.
            data = DataDir(f"de-pgwh-types-{dialect}-", dialect=dialect, fetch_rows=2)
            tables, columns = all_columns_nr("types_t")
            for table, column, _, _ in INFINITY_TABLES:
                more_tables, more_columns = all_columns_nr(table)
                tables += more_tables
                columns += more_columns
            data.import_policy(write_policy(os.path.join(data.dir, "policy"), {
                "export_tables": tables, "data_column_classification": columns}))
            cls.data[dialect] = data
        return cls.data[dialect]

    def expected_rows(self):
        columns = ["id", "t"] + TYPE_COLUMNS
        select = ", ".join(expected_expr(c) for c in columns)
        rows = psql(f"SELECT {select} FROM types_t WHERE t >= '2026-11-20' AND "
                    "t < '2026-11-21' ORDER BY t", superuser=True)
        return [[expected_value(c, v) for c, v in zip(columns, row)] for row in rows]

    def check_round_trip(self, dialect):
        data = self.data_dir(dialect)
        out = data.export("--table", "types_t")
        self.assertEqual(out.returncode, 0, fail_message(out))
        files = data.parquet_files("types_t")
        self.assertEqual([os.path.basename(f) for f in files], ["types_t_000.parquet"])
        got = read_rows(files[0])
        self.assertEqual(duckdb_types(files[0]), EXPECTED_DUCKDB_TYPES)
        expected = self.expected_rows()
        self.assertEqual([r[0] for r in expected], [1, 2, 3, 4, 5, 6])  # sanity of the fixture
        self.assertEqual(len(got["rows"]), len(expected))
        names = [c for c, _ in EXPECTED_DUCKDB_TYPES]
        for want, have in zip(expected, got["rows"]):
            for name, w, h in zip(names, want, have):
                self.assertEqual(h, w, f"{dialect}: row id {want[0]}, column {name}")
        # Exact values the mapping documents, independent of what PostgreSQL printed.
        by_id = {row[0]: dict(zip(names, row)) for row in got["rows"]}
        self.assertEqual(by_id[4], {n: (4 if n == "id" else "2026-11-20T18:00:00.000000"
                                        if n == "t" else None) for n in names})
        self.assertEqual(by_id[1]["c_num38"], "-" + NINES38)
        self.assertEqual(by_id[1]["c_num3838"], "-0." + NINES38)
        self.assertEqual(by_id[1]["c_numeric"],
                         "-123456789012345678901234567890.123456789012345678901234567890")
        self.assertEqual([by_id[i]["c_numeric"] for i in (2, 3, 5, 6)],
                         ["NaN", "1.50", "-Infinity", "Infinity"])
        self.assertEqual(by_id[1]["c_tstz"], "1970-01-01T04:59:59.999999Z")
        self.assertEqual(by_id[6]["c_tstz"], "1960-06-15T06:30:00.123456Z")
        self.assertEqual(by_id[5]["c_tstz"], "2262-04-11T23:47:16.854776Z")
        self.assertEqual(by_id[2]["c_ts"], "9999-12-31T23:59:59.999999")
        self.assertEqual(by_id[1]["c_ts"], "0001-01-01T00:00:00.000000")
        self.assertEqual(by_id[3]["c_ts"], "1969-12-31T23:59:59.999999")
        self.assertEqual([by_id[i]["c_time"] for i in (1, 2, 3, 6)],
                         ["00:00:00", "24:00:00", "12:34:56.789", "00:00:00.000001"])
        self.assertEqual(by_id[1]["c_char"], "x   ")
        self.assertEqual(by_id[1]["c_json"], '{"b": 1,  "a": [1, 2]}')  # json: text as stored
        self.assertEqual(by_id[5]["c_jsonb"], '{"num": 4.50}')
        self.assertEqual(by_id[1]["c_intarr"], "[1,null,-3]")
        self.assertEqual(by_id[2]["c_textarr"], '[["a","b"],["c","d"]]')
        self.assertEqual(by_id[5]["c_textarr"], '["\u00e9","NULL"]')
        self.assertEqual(by_id[3]["c_bytea"], bytes(range(256)).hex())
        self.assertEqual(by_id[2]["c_bytea"], "")
        self.assertEqual(by_id[1]["c_bigint"], "-9223372036854775808")
        self.assertEqual(by_id[6]["c_real"], "Infinity")
        self.assertEqual(by_id[5]["c_real"], "NaN")
        # Parquet logical types as DuckDB reads them from the footer.
        schema = {r["name"]: r for r in parquet_schema(files[0])}
        self.assertIn("isAdjustedToUTC=1", schema["c_tstz"]["logical_type"])
        self.assertIn("isAdjustedToUTC=0", schema["c_ts"]["logical_type"])
        for column in ("c_ts", "c_tstz", "t"):
            self.assertIn("MICROS=MicroSeconds()", schema[column]["logical_type"], column)
        for column in ("c_json", "c_jsonb", "c_intarr", "c_textarr"):
            self.assertEqual((schema[column]["converted_type"], schema[column]["logical_type"]),
                             ("JSON", "JsonType()"), column)
        self.assertEqual(schema["c_uuid"]["logical_type"], "UUIDType()")
        self.assertEqual([n for n, r in schema.items() if r["repetition_type"] == "REQUIRED"],
                         ["id", "t"])  # the NOT NULL columns
        self.assertEqual((schema["c_uuid"]["type"], schema["c_uuid"]["type_length"]),
                         ("FIXED_LEN_BYTE_ARRAY", "16"))
        self.assertEqual((schema["c_num3838"]["precision"], schema["c_num3838"]["scale"]),
                         ("38", "38"))
        with open(os.path.join(data.range_dir("types_t"), "manifest")) as f:
            manifest = json.load(f)
        self.assertEqual(manifest["export"]["rows_written"], 6)
        self.assertEqual(manifest["export"]["rows_read"], 6)

    def check_infinity(self, dialect):
        data = self.data_dir(dialect)
        for table, column, pg_type, value in INFINITY_TABLES:
            before = [f for f in data.files() if f"/{table}/" in f]
            out = data.export("--table", table)
            self.assertEqual(out.returncode, 1, fail_message(out))
            errors = [l for l in out.stderr.splitlines() if l.startswith("data-exporter:")]
            self.assertEqual(len(errors), 1, out.stderr)
            stream = "the COPY stream" if dialect == "postgres" else "the cursor"
            self.assertIn(f"table {table}: warehouse table '{table}', column '{column}', row 1 "
                          f"of {stream}: value '{value}' ({pg_type}) cannot be exported",
                          errors[0])
            self.assertNotIn("Traceback", out.stderr)
            self.assertEqual([f for f in data.files() if f"/{table}/" in f], before,
                             f"{dialect}: a failed export of {table} left files")
            self.assertEqual(data.parquet_files(table), [])
            self.assertFalse(os.path.exists(os.path.join(data.range_dir(table), "manifest")))

    def test_copy_path_round_trips_every_type(self):
        self.check_round_trip("postgres")

    def test_cursor_path_round_trips_every_type(self):
        self.check_round_trip("redshift")

    def test_copy_path_refuses_infinity(self):
        self.check_infinity("postgres")

    def test_cursor_path_refuses_infinity(self):
        self.check_infinity("redshift")


# --- 2. SQLite and PostgreSQL give the same files ------------------------------------------------

class SqliteVsPostgresTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sqlite = DataDir("de-pgwh-sqlite-", sqlite_warehouse=Demo.warehouse)
        cls.sqlite.import_policy(Demo.policy_dir)
        cls.sqlite_out = cls.sqlite.export()

    def compare(self, dialect):
        self.assertEqual(self.sqlite_out.returncode, 0, fail_message(self.sqlite_out))
        pg = DataDir(f"de-pgwh-same-{dialect}-", dialect=dialect)
        pg.import_policy(Demo.policy_dir)
        out = pg.export()
        self.assertEqual(out.returncode, 0, fail_message(out))
        for table in DEMO_TABLES:
            mine, theirs = pg.parquet_files(table), self.sqlite.parquet_files(table)
            self.assertEqual([os.path.basename(f) for f in mine],
                             [os.path.basename(f) for f in theirs], table)
            self.assertGreater(len(mine), 0, table)
            for a, b in zip(mine, theirs):
                what = f"{dialect} {table}/{os.path.basename(a)}"
                schema_a, schema_b = parquet_schema(a), parquet_schema(b)
                self.assertEqual(schema_a, schema_b, what)
                self.assertEqual(duckdb_types(a), duckdb_types(b), what)
                # The same rows (as multisets; rows of equal time may come in another order).
                rows = same_rows(a, b)
                self.assertGreater(int(rows["rows_b"]), 0, what)
                self.assertEqual((rows["rows_a"], rows["only_a"], rows["only_b"]),
                                 (rows["rows_b"], "0", "0"), what)
                in_order = (rows["only_a_in_order"], rows["only_b_in_order"]) == ("0", "0")
                # The footers differ in the request id only; with it swapped, files whose rows
                # come in the same order are byte-identical.
                kv_a, kv_b = key_values(a), key_values(b)
                self.assertEqual(sorted(kv_a), sorted(kv_b), what)
                self.assertEqual({k: v for k, v in kv_a.items() if k != REQUEST_ID_KEY},
                                 {k: v for k, v in kv_b.items() if k != REQUEST_ID_KEY}, what)
                with open(a, "rb") as fa, open(b, "rb") as fb:
                    bytes_a, bytes_b = fa.read(), fb.read()
                swapped = bytes_a.replace(kv_a[REQUEST_ID_KEY].encode(),
                                          kv_b[REQUEST_ID_KEY].encode())
                if in_order:
                    self.assertEqual(swapped, bytes_b, f"{what}: not byte-identical")
                print(f"\n  {what}: {rows['rows_a']} rows, same order: {in_order}, "
                      f"byte-identical but for the request id: {swapped == bytes_b}", end="")
            with open(os.path.join(pg.range_dir(table), "manifest")) as f:
                pm = json.load(f)
            with open(os.path.join(self.sqlite.range_dir(table), "manifest")) as f:
                sm = json.load(f)
            self.assertEqual(pm["schema"], sm["schema"], table)
            for key in ("rows_read", "rows_dropped_by_policy", "rows_written",
                        "unclassified_columns", "dropped_columns", "treated_columns"):
                self.assertEqual(pm["export"].get(key), sm["export"].get(key), f"{table} {key}")

    def test_copy_path_gives_the_sqlite_content(self):
        self.compare("postgres")

    def test_cursor_path_gives_the_sqlite_content(self):
        self.compare("redshift")


# --- 3. SQL injection ----------------------------------------------------------------------------

class InjectionTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.counts = table_counts()
        cls.data = DataDir("de-pgwh-inj-")
        policy = read_policy(Demo.policy_dir)
        tables, columns = all_columns_nr(INJ_TABLE)
        policy["export_tables"] += tables
        policy["data_column_classification"] += columns
        cls.policy = policy
        cls.data.import_policy(write_policy(os.path.join(cls.data.dir, "policy"), policy))

    def assert_intact(self):
        self.assertEqual(table_counts(), self.counts)

    def stored_policy(self):
        target = os.path.join(self.data.dir, f"policy-now-{time.monotonic_ns()}")
        out = self.data.run("policy", "export", target)
        self.assertEqual(out.returncode, 0, fail_message(out))
        return read_policy(target)

    def refused_import(self, edit, needle):
        policy = json.loads(json.dumps(self.policy))
        edit(policy)
        before = self.stored_policy()
        directory = write_policy(os.path.join(self.data.dir, f"bad-{time.monotonic_ns()}"),
                                 policy)
        out = self.data.run("policy", "import", directory)
        self.assertEqual(out.returncode, 2, fail_message(out))
        self.assertIn(needle, out.stderr)
        self.assertNotIn("Traceback", out.stderr)
        self.assertEqual(self.stored_policy(), before)
        self.assert_intact()

    def test_table_name_in_policy_that_is_not_a_table_is_refused(self):
        name = "cctv\"; DROP TABLE cctv; --"
        self.refused_import(
            lambda p: p["export_tables"].append([name, "true", "observed_at", "", ""]),
            f"export_tables.csv:7: table '{name}' is not in the warehouse")

    def test_column_name_in_policy_that_is_not_a_column_is_refused(self):
        name = "camera_id\"; DROP TABLE cctv; --"
        self.refused_import(
            lambda p: p["data_column_classification"].append(["cctv", name, "nr", "", "false"]),
            f"cctv.{name}: no such column in table 'cctv'")
        self.refused_import(
            lambda p: p["export_tables"].__setitem__(
                0, ["cctv", "true", "observed_at'); DROP TABLE cctv; --", "", ""]),
            "export_tables.csv:2: cctv: time_column 'observed_at'); DROP TABLE cctv; --' is "
            "not a column of the table")

    def test_table_and_column_named_with_sql_export_as_plain_names(self):
        out = self.data.export("--table", INJ_TABLE)
        self.assertEqual(out.returncode, 0, fail_message(out))
        files = self.data.parquet_files(INJ_TABLE)
        self.assertEqual(len(files), 1, self.data.files())
        got = read_rows(files[0])
        self.assertEqual([c["name"] for c in got["columns"]], ["id", "t", INJ_COLUMN])
        self.assertEqual(got["rows"], [[1, "2026-11-20T03:00:00.000000", "one"],
                                       [2, "2026-11-20T04:00:00.000000", INJ_TABLE]])
        self.assert_intact()

    def test_metric_and_source_values_with_quotes_are_plain_values(self):
        policy = json.loads(json.dumps(self.policy))
        policy["long_table_data_classifications"].append(
            ["way_metrics_long", "speed' OR '1'='1", "nr", ""])
        policy["long_table_data_classifications"].append(
            ["way_metrics_long", "x'); DROP TABLE way; --", "nr", ""])
        policy["actual_data_classifications"].append(["FUSION' OR '1'='1", "nr"])
        policy["actual_data_classifications"].append(["HERE\"); DROP TABLE way; --", "nr"])
        data = DataDir("de-pgwh-inj-values-")
        data.import_policy(write_policy(os.path.join(data.dir, "policy"), policy))
        out = data.export("--table", "way_metrics_long")
        self.assertEqual(out.returncode, 0, fail_message(out))
        out = data.export("--table", "way")
        self.assertEqual(out.returncode, 0, fail_message(out))
        # Only the listed, not-de metrics are read: the quoted values matched nothing.
        listed = sorted(m for t, m, code, _ in policy["long_table_data_classifications"]
                        if t == "way_metrics_long" and code != "de")
        in_range = ("observed_at >= '2026-11-20' AND observed_at < '2026-11-21'")
        expected = psql("SELECT metric_name, count(*) FROM way_metrics_long WHERE "
                        f"{in_range} AND metric_name IN ({', '.join(ql(m) for m in listed)}) "
                        "GROUP BY 1 ORDER BY 1", superuser=True)
        files = data.parquet_files("way_metrics_long")
        got = duck(f"SELECT metric_name, count(*)::VARCHAR AS n FROM read_parquet("
                   f"{parquet_list(files)}) GROUP BY 1 ORDER BY 1")
        self.assertEqual([[r["metric_name"], r["n"]] for r in got], expected)
        self.assertNotIn("driver_id_hash", [r[0] for r in expected])
        # speed_kmh (mx) is kept only where the source is FUSION (nr): the look-alike source
        # values are other strings, not conditions.
        want = psql(f"SELECT count(*) FILTER (WHERE source = 'FUSION' AND speed_kmh IS NOT NULL),"
                    f" count(*) FROM way WHERE {in_range}", superuser=True)
        files = data.parquet_files("way")
        got = duck("SELECT count(speed_kmh)::VARCHAR AS kept, count(*)::VARCHAR AS n FROM "
                   f"read_parquet({parquet_list(files)})")
        self.assertEqual([[got[0]["kept"], got[0]["n"]]], want)
        self.assert_intact()

    def test_cli_arguments_with_sql_are_refused(self):
        before = self.data.files()
        cases = [
            (["export", "--start", str(DAY), "--end", str(DAY_END), "--table",
              "x; DROP TABLE way; --"], 3, "not an enabled export table"),
            (["export", "--start", str(DAY), "--end", str(DAY_END), "--table",
              "way' OR '1'='1"], 3, "not an enabled export table"),
            (["export", "--start", "1; DROP TABLE way", "--end", str(DAY_END)], 2,
             "not an integer"),
            (["export", "--start", str(DAY), "--end", f"{DAY_END} OR 1=1"], 2, "not an integer"),
            (["run-daily", "--date", "2026-11-20'; DROP TABLE way; --"], 2,
             "is not a calendar date"),
            (["run-daily", "--date", DAY_TEXT, "--table", "way\"; DROP TABLE cctv; --"], 3,
             "DROP TABLE cctv"),
            (["policy", "explain", "way'; DROP TABLE way; --"], 3, "is not an export table"),
            (["status", "x'; DROP TABLE way; --"], 2, "is not a UUID"),
        ]
        for args, code, needle in cases:
            out = self.data.run(*args)
            self.assertEqual(out.returncode, code, f"{args}: {fail_message(out)}")
            self.assertIn(needle, out.stderr, args)
            self.assertNotIn("Traceback", out.stderr)
            self.assert_intact()
        self.assertEqual(self.data.files(), before)

    def test_graphql_arguments_with_sql_are_refused(self):
        data = DataDir("de-pgwh-inj-api-")
        data.import_policy(os.path.join(self.data.dir, "policy"))
        with Server(types.SimpleNamespace(config=data.config, dir=data.dir)) as server:
            client = Client(server)
            for query, variables in [
                ('mutation { requestData(startTime: "1; DROP TABLE way; --", endTime: 2) }',
                 None),
                ("mutation { requestData(startTime: 1795132800, endTime: \"1795136400) OR "
                 "(1=1\") }", None),
                ("mutation($s: Int!, $e: Int!) { requestData(startTime: $s, endTime: $e) }",
                 {"s": "1795132800; DROP TABLE way; --", "e": 1795136400}),
                ("mutation($s: Int!, $e: Int!) { requestData(startTime: $s, endTime: $e) }",
                 {"s": 1795132800, "e": "1795136400' OR '1'='1"}),
            ]:
                reply = client.post(query, variables)
                self.assertEqual(len(reply.errors), 1, repr(reply))
                self.assertIn(reply.codes()[0], ("GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT"),
                              repr(reply))
                self.assertIn("Int cannot represent non-integer value", reply.errors[0]["message"])
                self.assertIn(reply.data, (None, {}), repr(reply))
                self.assert_intact()
            reply = client.post('mutation { requestStatus(requestId: '
                                '"x\'; DROP TABLE way; --") { status } }')
            self.assertEqual(reply.errors, [], repr(reply))
            self.assertEqual(reply.data["requestStatus"]["status"],
                             "Request has not been requested")
            reply = client.post('{ catalog { name exported columns { name type } } }')
            self.assertEqual(reply.errors, [], repr(reply))
            catalog = {t["name"]: t for t in reply.data["catalog"]}
            self.assertTrue(catalog[INJ_TABLE]["exported"])
            self.assertEqual([c["name"] for c in catalog[INJ_TABLE]["columns"]],
                             ["id", "t", INJ_COLUMN])
            # Requests the API accepted read the warehouse like any other.
            request_id = client.submit(DAY, DAY + 3600)
            status, _ = client.wait_completed(request_id, timeout=120)
            self.assertEqual(status["status"], "Completed", status)
            self.assertIn(INJ_TABLE, status["dataRequestDownloadLinks"])
        self.assert_intact()


# --- 4. a lost connection mid-COPY is retried -----------------------------------------------------

KILL_ONCE_SQL = r"""
DO $$
DECLARE
  n integer := 0;
  deadline timestamptz := clock_timestamp() + interval '120 seconds';
BEGIN
  LOOP
    PERFORM pg_stat_clear_snapshot();
    SELECT count(*) FILTER (WHERE killed) INTO n FROM (
      SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity
      WHERE query LIKE 'COPY%' AND usename = 'exporter' AND state = 'active'
        AND clock_timestamp() - query_start > interval '%DELAY% milliseconds') k;
    EXIT WHEN n > 0 OR clock_timestamp() > deadline;
    PERFORM pg_sleep(0.005);
  END LOOP;
  RAISE NOTICE 'terminated % COPY backend(s)', n;
END
$$;
"""


class LostConnectionTest(unittest.TestCase):
    def test_copy_killed_once_is_retried_and_the_files_are_whole(self):
        data = DataDir("de-pgwh-kill-", extra="[export]\nretry_initial_backoff_ms = 10\n"
                       "retry_max_backoff_ms = 50\nmax_retry_count = 3\n")
        tables, columns = all_columns_nr("big_events")
        data.import_policy(write_policy(os.path.join(data.dir, "policy"), {
            "export_tables": tables, "data_column_classification": columns}))
        killer = subprocess.Popen(
            ["psql", "-X", "-v", "ON_ERROR_STOP=1", Cluster.super_info, "-c",
             KILL_ONCE_SQL.strip().replace("%DELAY%", "200")],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=PG_ENV)
        try:
            # The killer's loop is running before the export starts.
            deadline = time.monotonic() + 30
            while not psql("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'DO $$%' "
                           "AND pid <> pg_backend_pid()", superuser=True) == [["1"]]:
                self.assertLess(time.monotonic(), deadline, "the killer did not start")
                time.sleep(0.05)
            run = data.run("run-daily", "--date", DAY_TEXT, "--table", "big_events",
                           timeout=600)
            _, killed = killer.communicate(timeout=180)
        finally:
            if killer.poll() is None:
                killer.kill()
                killer.wait()
        self.assertEqual(killer.returncode, 0, killed)
        self.assertIn("terminated 1 COPY backend(s)", killed)
        self.assertEqual(run.returncode, 0, fail_message(run))
        self.assertRegex(run.stdout, r"\nbig_events +COMPLETED +2 ", run.stdout)
        day_dir = os.path.join(data.objects, "exports", "dev", "2026", "11", "20", "big_events")
        files = sorted(glob.glob(os.path.join(day_dir, "*.parquet")))
        self.assertGreater(len(files), 0, data.files())
        facts = duckdb_facts(files)
        (count, distinct, id_sum, v_sum), = [
            [int(x) if i < 3 else float(x) for i, x in enumerate(r)] for r in
            psql("SELECT count(*), count(DISTINCT id), sum(id), sum(v) FROM big_events WHERE "
                 "t >= '2026-11-20' AND t < '2026-11-21'", superuser=True)]
        self.assertEqual(count, BIG_ROWS)
        self.assertEqual(sum(f["rows"] for f in facts.values()), count)
        got = duck("SELECT count(*)::VARCHAR AS n, count(DISTINCT id)::VARCHAR AS d, "
                   "sum(id)::VARCHAR AS s, sum(v) AS v, "
                   "count(*) FILTER (WHERE s = md5(id::VARCHAR))::VARCHAR AS md5_ok "
                   f"FROM read_parquet({parquet_list(files)})")[0]
        self.assertEqual((int(got["n"]), int(got["d"]), int(got["s"]), int(got["md5_ok"])),
                         (count, distinct, id_sum, count))
        self.assertEqual(float(got["v"]), v_sum)
        leftovers = [f for f in data.files() if "_staging" in f or f.endswith((".tmp", ".part"))]
        self.assertEqual(leftovers, [])
        self.assertFalse(os.path.exists(os.path.join(data.objects, "exports", "dev",
                                                     "_staging")))
        with open(os.path.join(Cluster.dir, "server.log"), errors="replace") as f:
            self.assertIn("terminating connection due to administrator command", f.read())


# --- 5. the statement log ------------------------------------------------------------------------

LOG_ENTRY = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? \S+ \[\d+\] ")
STATEMENT = re.compile(r"^LOG:  (?:statement|execute [^:]*): (.*)$", re.S)
FORBIDDEN = re.compile(r"\b(DROP|DELETE|INSERT|UPDATE|TRUNCATE|ALTER|CREATE|GRANT|OR)\b|--|/\*",
                       re.I)


def log_statements():
    """Every statement the exporter's role sent, from the server log (log_statement = all)."""
    with open(os.path.join(Cluster.dir, "server.log"), encoding="utf-8", errors="replace") as f:
        lines = f.read().splitlines()
    entries = []
    for line in lines:
        match = LOG_ENTRY.match(line)
        if match:
            entries.append(line[match.end():])
        elif entries:
            entries[-1] += "\n" + line
    return [m.group(1) for m in map(STATEMENT.match, entries) if m]


def outside_quotes(sql):
    """`sql` with every quoted identifier and string literal replaced by a placeholder."""
    out = []
    i = 0
    while i < len(sql):
        ch = sql[i]
        if ch in "\"'":
            j = i + 1
            while j < len(sql):
                if sql[j] == ch:
                    if j + 1 < len(sql) and sql[j + 1] == ch:
                        j += 2
                        continue
                    break
                j += 1
            out.append("<q>" if ch == '"' else "<s>")
            i = j + 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


class StatementLogTest(unittest.TestCase):
    def test_no_statement_carries_sql_from_a_name_or_a_value(self):
        statements = log_statements()
        self.assertTrue(any(s.startswith("COPY (SELECT") for s in statements), statements[:20])
        quoted_table = qi(INJ_TABLE)
        self.assertTrue(any(quoted_table in s for s in statements),
                        "the SQL-named table was never read")
        bad = [s for s in statements if FORBIDDEN.search(outside_quotes(s))]
        self.assertEqual(bad, [])


def load_tests(loader, tests, pattern):
    suite = unittest.TestSuite()
    for case in (TypeRoundTripTest, SqliteVsPostgresTest, InjectionTest, LostConnectionTest,
                 StatementLogTest):
        suite.addTests(loader.loadTestsFromTestCase(case))
    return suite


if __name__ == "__main__":
    unittest.main()
