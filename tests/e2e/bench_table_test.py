#!/usr/bin/env python3
"""The Parquet interop suite on the benchmark table (issue 8, Tests).

`bench/way_observations.sql` (the table `make bench` measures) is built with 200,000 rows in a
throwaway PostgreSQL 15 cluster (scripts/pg-cluster), exported through the product's pipeline
(bench/de-bench-export: the binary's configuration, backends and TableExporter over the whole
month, which `data-exporter export` refuses as longer than a day) through the COPY path with every column passed as is, the page index (the default) and bloom filters on
three columns, and every file is then read by the interop suite's three independent readers
(tests/interop/read_parquet.mjs: DuckDB, hyparquet, parquet-wasm, plus the footer, page,
page-index and bloom-filter checks) against PostgreSQL's own values: each row's values come
from `COPY … (FORMAT csv)` of the table, looked up by the row's id in the file's order.

What the expectation takes from the file itself (through DuckDB, parquet_layout.mjs) is only
its layout: created_by, key-value metadata, the rows of each row group and the order of ids;
every value, type, statistic, page and index is checked against PostgreSQL and the
documented type mapping.

Environment: DE_EXE (the binary), DE_BENCH_EXPORT (bench/de-bench-export), DE_NODE (node), DE_NODE_DIR (tests/node with node_modules).
"""
import csv
import glob
import io
import json
import os
import struct
import subprocess
import unittest

import pg_support
from e2e_support import NODE, NODE_DIR, run_node

EXE = os.environ["DE_EXE"]
BENCH_EXPORT = os.environ["DE_BENCH_EXPORT"]
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SQL = os.path.join(ROOT, "bench", "way_observations.sql")
READER = os.path.join(ROOT, "tests", "interop", "read_parquet.mjs")
TABLE = "way_observations"
ROWS = 200_000
# Fewer ways and devices than `make bench` (200,000 and 1,000,000) keep the build short while
# the shapes stay: popular ways repeat, 5% of ways have long GeoJSON, 10% NULL travel times.
SQL_PARAMS = {"n": ROWS, "nways": 20_000, "ndevices": 100_000, "seed": 0.42}
MONTH_START = 1_717_200_000  # 2024-06-01T00:00:00Z
MONTH_END = MONTH_START + 31 * 86_400
BLOOM_COLUMNS = ["id", "device_id", "road_name"]
NULL = "<<NULL>>"

# PostgreSQL type -> (our type, Parquet physical, converted, logical): the mapping of
# README.md's PostgreSQL type table and tests/interop/README.md's expected.json format.
INT = {"type": "INTEGER", "signed": True}
TYPES = {
    "bigint": ("int64", "INT64", "INT_64", dict(INT, bit_width=64)),
    "integer": ("int32", "INT32", "INT_32", dict(INT, bit_width=32)),
    "real": ("float", "FLOAT", None, None),
    "double precision": ("double", "DOUBLE", None, None),
    "text": ("string", "BYTE_ARRAY", "UTF8", {"type": "STRING"}),
    "boolean": ("bool", "BOOLEAN", None, None),
    "date": ("date", "INT32", "DATE", {"type": "DATE"}),
    "timestamp with time zone": ("timestamptz", "INT64", "TIMESTAMP_MICROS",
                                 {"type": "TIMESTAMP", "unit": "MICROS", "utc": True}),
}


class Cluster:
    dir = None
    env = None
    info = None


def psql(*args, superuser=False, stdout=None):
    env = dict(Cluster.env, PGTZ="UTC", PGDATESTYLE="ISO, YMD", PGCLIENTENCODING="UTF8")
    if superuser:
        env["PGUSER"] = "postgres"
    argv = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", *args]
    out = subprocess.run(argv, env=env, stdout=stdout or subprocess.PIPE,
                         stderr=subprocess.PIPE, text=stdout is None, timeout=900)
    if out.returncode != 0:
        raise AssertionError(f"psql {args[:2]} failed: {out.stderr}")
    return out.stdout


def setUpModule():
    Cluster.dir = pg_support.new_dir("de-benchtable-")
    started = pg_support.start(Cluster.dir)
    if started.returncode != 0:
        pg_support.stop_all()
        raise AssertionError(started.stderr)
    Cluster.env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    Cluster.env.update({k: v for k, v in pg_support.env(Cluster.dir).items()
                        if k.startswith("PG")})
    Cluster.info = pg_support.conninfo(Cluster.dir)
    try:
        psql("-c", "GRANT pg_checkpoint TO exporter", superuser=True)  # the script checkpoints
        args = []
        for k, v in SQL_PARAMS.items():
            args += ["-v", f"{k}={v}"]
        psql(*args, "-v", "marker=bench table test", "-f", SQL)
    except BaseException:
        pg_support.stop_all()
        raise


def tearDownModule():
    pg_support.stop_all()


def table_columns():
    out = psql("-A", "-t", "-F", "\t", "-c",
               "SELECT a.attname, format_type(a.atttypid, NULL), a.attnotnull "
               "FROM pg_attribute a WHERE a.attrelid = 'public.way_observations'::regclass "
               "AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum")
    columns = []
    for line in out.splitlines():
        name, pg_type, not_null = line.split("\t")
        columns.append((name, pg_type, not_null == "t"))
    return columns


def float32(text):
    return struct.unpack("<f", struct.pack("<f", float(text)))[0]


def expected_value(pg_type, text):
    """The expected.json encoding (tests/interop/README.md) of PostgreSQL's text of a value."""
    if text == NULL:
        return None
    if pg_type in ("bigint", "timestamp with time zone"):
        return text  # int64 and timestamps as decimal strings (timestamps selected as µs)
    if pg_type == "integer":
        return int(text)
    if pg_type == "real":
        return float32(text)
    if pg_type == "double precision":
        return float(text)
    if pg_type == "boolean":
        return {"true": True, "false": False}[text]  # boolean::text
    return text  # text, date (YYYY-MM-DD)


def postgres_rows(columns):
    """{id text: [column text...]} as PostgreSQL prints the table; timestamps as µs since the
    epoch (exact: extract(epoch) is numeric)."""
    select = []
    for name, pg_type, _ in columns:
        q = '"' + name.replace('"', '""') + '"'
        if pg_type == "timestamp with time zone":
            select.append(f"(extract(epoch FROM {q}) * 1000000)::bigint")
        else:
            select.append(f"{q}::text")
    text = psql("-c", f"COPY (SELECT {', '.join(select)} FROM {TABLE}) TO STDOUT "
                      f"(FORMAT csv, NULL '{NULL}')")
    rows = {}
    for row in csv.reader(io.StringIO(text, newline="")):
        rows[row[0]] = row
    return rows


class BenchTableInteropTest(unittest.TestCase):
    def test_three_readers_agree_with_postgresql_on_the_benchmark_table(self):
        work = pg_support.new_dir("de-benchtable-work-")
        policy = os.path.join(work, "policy")
        os.makedirs(policy)
        columns = table_columns()
        self.assertEqual([c[0] for c in columns][:3], ["id", "way_id", "observed_at"])
        with open(os.path.join(policy, "export_tables.csv"), "w") as f:
            f.write("table_name,enabled,time_column,source_column,metric_column\n"
                    f"{TABLE},true,observed_at,source,\n")
        with open(os.path.join(policy, "data_column_classification.csv"), "w") as f:
            f.write("table_name,column_name,classification,treatment,pii\n")
            for name, _, _ in columns:
                f.write(f"{TABLE},{name},nr,,false\n")
        with open(os.path.join(policy, "actual_data_classifications.csv"), "w") as f:
            f.write("source,classification\nFUSION,nr\nHERE,nr\nTOMTOM,nr\n")
        with open(os.path.join(policy, "long_table_data_classifications.csv"), "w") as f:
            f.write("table_name,metric_name,classification,treatment\n")
        config = os.path.join(work, "de.toml")
        objects = os.path.join(work, "var", "objects")
        with open(config, "w") as f:
            f.write(f'[service]\ndata_dir = "{work}/var"\nlog_format = "human"\n'
                    f'[warehouse]\nbackend = "postgres"\nconninfo = "{Cluster.info}"\n'
                    f'[policy]\nhash_key = "bench-table-test-hash-key-5d1e"\n'
                    f'[schedule]\ncron = "off"\n'
                    f'[export]\nbloom_filter_columns = {json.dumps(BLOOM_COLUMNS)}\n')

        def cli(*args):
            out = subprocess.run([EXE, "--config", config, *args], capture_output=True,
                                 text=True, timeout=900, cwd=work)
            self.assertEqual(out.returncode, 0, f"{args}: {out.stdout}{out.stderr}")

        cli("policy", "import", policy)
        # `data-exporter export` takes at most a day; the month goes through de-bench-export,
        # the same pipeline (TableExporter) over any range, as `make bench` runs it.
        out = subprocess.run([BENCH_EXPORT, "--config", config, "--table", TABLE, "--start",
                              str(MONTH_START), "--end", str(MONTH_END)], capture_output=True,
                             text=True, timeout=900, cwd=work)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertEqual(json.loads(out.stdout)["rows_written"], ROWS, out.stdout)
        files = sorted(glob.glob(os.path.join(objects, "**", TABLE, "**", "*.parquet"),
                                 recursive=True))
        self.assertTrue(files, f"no Parquet files of {TABLE} under {objects}")

        pg = postgres_rows(columns)
        self.assertEqual(len(pg), ROWS)
        layout = run_node("parquet_layout.mjs", "id", *files, timeout=600)
        expect_dir = os.path.join(work, "expected")
        os.makedirs(expect_dir)
        seen = 0
        for i, path in enumerate(files):
            facts = layout[path]
            ids = facts["keys"]
            self.assertEqual(sum(facts["row_groups"]), len(ids), path)
            described = []
            for c, (name, pg_type, not_null) in enumerate(columns):
                ours, physical, converted, logical = TYPES[pg_type]
                described.append({
                    "name": name, "type": ours, "nullable": not not_null,
                    "physical_type": physical, "type_length": None,
                    "converted_type": converted, "logical_type": logical,
                    "values": [expected_value(pg_type, pg[k][c]) for k in ids],
                })
            seen += len(ids)
            name = f"way_observations_{i}"
            os.symlink(path, os.path.join(expect_dir, name + ".parquet"))
            expected = {
                "format_version": 1, "case": name,
                "description": f"{TABLE} ({ROWS:,} rows) exported from PostgreSQL, file {i}",
                "file": name + ".parquet",
                "writer_options": {"codec": "snappy", "dictionary": True,
                                   "dictionary_page_limit": 1 << 20,
                                   "max_statistics_bytes": 64, "page_index": True,
                                   "bloom_filter_columns": BLOOM_COLUMNS,
                                   "bloom_filter_fpp": 0.01},
                "created_by": facts["created_by"],
                "key_value_metadata": facts["key_value_metadata"],
                "num_rows": len(ids), "row_groups": facts["row_groups"],
                "min_data_pages": 1, "dictionary_use": "any", "rotation": None,
                "columns": described,
            }
            with open(os.path.join(expect_dir, name + ".expected.json"), "w") as f:
                json.dump(expected, f)
        # Every row of the table is in exactly one file, once.
        self.assertEqual(seen, ROWS)
        all_ids = [k for path in files for k in layout[path]["keys"]]
        self.assertEqual(len(set(all_ids)), ROWS)

        out = subprocess.run([NODE, READER, expect_dir], capture_output=True, text=True,
                             timeout=1200, env=dict(os.environ, DE_NODE_PACKAGE_DIR=NODE_DIR))
        print(out.stdout[-3000:])
        self.assertEqual(out.returncode, 0, out.stdout[-6000:] + out.stderr[-3000:])
        self.assertIn(" 0 failed", out.stdout)


if __name__ == "__main__":
    unittest.main()
