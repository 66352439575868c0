#!/usr/bin/env python3
"""End to end: scripts/pg-cluster starts a throwaway PostgreSQL 15 on 127.0.0.1, loads the SQLite
demo warehouse (made by `data-exporter demo`) into it with faithful types, and stops it; checked
with psql against SQLite read directly.

Environment: DE_EXE (the data-exporter binary). Needs postgresql-15 (scripts/install-deps --test).
Every server a test starts is stopped in its cleanup and again at exit.
"""
import csv
import datetime
import decimal
import io
import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import unittest
import uuid

sys.dont_write_bytecode = True
import pg_support  # noqa: E402
from pg_support import conninfo, pg_cluster, start, stop  # noqa: E402

EXE = os.environ["DE_EXE"]
NULL = "<<NULL>>"

# The demo tables, the column each is ordered by in time, and the PostgreSQL type each column
# must get (src/warehouse/sqlite/demo_warehouse.cc declares them; sqlite_types.h maps them).
DEMO_TIME_COLUMN = {"way": "observed_at", "cctv": "observed_at",
                    "way_metrics_long": "observed_at", "incident": "reported_at"}
DEMO_TYPES = {
    "way": {"way_id": "bigint", "observed_at": "timestamp without time zone", "source": "text",
            "speed_kmh": "double precision", "travel_time_s": "double precision",
            "free_flow_speed_kmh": "double precision", "confidence": "numeric(5,4)",
            "road_name": "text", "geoj_way_feature": "text"},
    "cctv": {"camera_id": "bigint", "observed_at": "timestamp without time zone",
             "vehicle_count": "bigint", "pedestrian_count": "smallint", "plate_number": "text",
             "operator_note": "text", "firmware_version": "text"},
    "way_metrics_long": {"way_id": "bigint", "observed_at": "timestamp without time zone",
                         "metric_name": "text", "value": "double precision", "source": "text"},
    "incident": {"incident_id": "bigint", "reported_at": "timestamp with time zone",
                 "category": "text", "description": "text", "reporter_name": "text",
                 "reporter_phone": "text", "reporter_email": "text",
                 "latitude": "double precision", "longitude": "double precision",
                 "is_resolved": "boolean", "created_date": "date", "closure_geometry": "text"},
}

new_cluster_dir = pg_support.new_dir


def psql_rows(info, sql):
    """Rows of `sql` as lists of text (NULL as the NULL marker), via psql's CSV output."""
    out = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "--csv", "-t",
                          f"--pset=null={NULL}", info, "-c", sql],
                         capture_output=True, text=True, timeout=300)
    if out.returncode != 0:
        raise AssertionError(f"psql failed on {sql!r}: {out.stderr}")
    return list(csv.reader(io.StringIO(out.stdout)))


def quote(name):
    return '"' + name.replace('"', '""') + '"'


def parse_timestamp(text):
    return datetime.datetime.fromisoformat(text)


def sqlite_timestamp(value, with_zone):
    """A SQLite timestamp value (epoch seconds or text) as a datetime, UTC-aware if with_zone."""
    if isinstance(value, int):
        moment = datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=value)
    else:
        moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if with_zone:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=datetime.timezone.utc)
        return moment.astimezone(datetime.timezone.utc)
    return moment


def comparable(pg_type, pg_text, sqlite_value):
    """(PostgreSQL value, SQLite value) of one cell, both as Python values of the same kind."""
    if pg_text == NULL or sqlite_value is None:
        return (None if pg_text == NULL else pg_text), sqlite_value
    if pg_type in ("bigint", "integer", "smallint"):
        return int(pg_text), sqlite_value
    if pg_type == "double precision":
        return float(pg_text), float(sqlite_value)
    if pg_type.startswith("numeric"):
        exact = repr(sqlite_value) if isinstance(sqlite_value, float) else str(sqlite_value)
        return decimal.Decimal(pg_text), decimal.Decimal(exact)
    if pg_type == "boolean":
        return pg_text == "t", (sqlite_value in (1, "true", "TRUE", "True"))
    if pg_type == "timestamp without time zone":
        return parse_timestamp(pg_text), sqlite_timestamp(sqlite_value, False)
    if pg_type == "timestamp with time zone":
        return parse_timestamp(pg_text), sqlite_timestamp(sqlite_value, True)
    if pg_type == "bytea":
        data = sqlite_value.encode() if isinstance(sqlite_value, str) else sqlite_value
        return bytes.fromhex(pg_text[2:]), data
    if pg_type == "uuid":
        if isinstance(sqlite_value, bytes):
            return uuid.UUID(pg_text), uuid.UUID(bytes=sqlite_value)
        return uuid.UUID(pg_text), uuid.UUID(sqlite_value)
    return pg_text, sqlite_value  # text, date, jsonb compared as text


class DemoClusterTest(unittest.TestCase):
    """One cluster loaded with the demo warehouse, shared by the read-only tests."""

    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="de-e2e-pg-")
        pg_support.remove_at_exit(cls.work)
        config = os.path.join(cls.work, "de.toml")
        with open(config, "w") as f:
            f.write(f'[service]\ndata_dir = "{cls.work}/var"\n')
        demo = subprocess.run([EXE, "--config", config, "demo", "--exit-after-export"],
                              cwd=cls.work, capture_output=True, text=True, timeout=600)
        if demo.returncode != 0:
            raise AssertionError(f"data-exporter demo failed: {demo.stderr}")
        cls.warehouse = os.path.join(cls.work, "var", "warehouse.db")
        cls.sqlite = sqlite3.connect(f"file:{cls.warehouse}?mode=ro", uri=True)
        cls.cluster = new_cluster_dir()
        cls.started = start(cls.cluster, "--load-demo", cls.warehouse)
        if cls.started.returncode != 0:
            stop(cls.cluster)
            raise AssertionError(f"pg-cluster start failed: {cls.started.stderr}")
        cls.info = conninfo(cls.cluster)

    @classmethod
    def tearDownClass(cls):
        stop(cls.cluster)
        cls.sqlite.close()
        shutil.rmtree(cls.work, ignore_errors=True)

    def pg_columns(self, table):
        """[(column, PostgreSQL type)] in column order."""
        return [tuple(r) for r in psql_rows(
            self.info,
            "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
            f"WHERE a.attrelid = '{quote(table)}'::regclass AND a.attnum > 0 "
            "AND NOT a.attisdropped ORDER BY a.attnum")]

    def test_every_table_is_there_with_the_same_row_count(self):
        sqlite_tables = {name for (name,) in self.sqlite.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")}
        self.assertEqual(sqlite_tables, set(DEMO_TYPES))
        pg_tables = {r[0] for r in psql_rows(
            self.info, "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public'")}
        self.assertEqual(pg_tables, sqlite_tables)
        for table in sorted(sqlite_tables):
            (expected,) = self.sqlite.execute(f"SELECT count(*) FROM {quote(table)}").fetchone()
            self.assertGreater(expected, 0, table)
            self.assertEqual(psql_rows(self.info, f"SELECT count(*) FROM {quote(table)}"),
                             [[str(expected)]], table)
        for line in ("loaded way: 100000 rows", "loaded cctv: 40000 rows",
                     "loaded way_metrics_long: 50000 rows", "loaded incident: 10000 rows"):
            self.assertIn(line, self.started.stderr)

    def test_column_types_are_faithful(self):
        for table, types in DEMO_TYPES.items():
            self.assertEqual(self.pg_columns(table), list(types.items()), table)
        not_null = psql_rows(self.info,
                             "SELECT column_name FROM information_schema.columns WHERE "
                             "table_name = 'incident' AND is_nullable = 'NO' ORDER BY 1")
        self.assertEqual([r[0] for r in not_null],
                         ["category", "created_date", "incident_id", "is_resolved",
                          "reported_at"])
        key = psql_rows(self.info, "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON "
                        "a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) WHERE "
                        "i.indrelid = 'incident'::regclass AND i.indisprimary")
        self.assertEqual(key, [["incident_id"]])

    def rows_at(self, table, columns, time_column, which):
        """SQLite and PostgreSQL rows at the min or max time, each sorted."""
        names = ", ".join(quote(c) for c, _ in columns)
        (edge,) = self.sqlite.execute(
            f"SELECT {which}({quote(time_column)}) FROM {quote(table)}").fetchone()
        sqlite_rows = self.sqlite.execute(
            f"SELECT {names} FROM {quote(table)} WHERE {quote(time_column)} = ?",
            (edge,)).fetchall()
        pg_rows = psql_rows(self.info, f"SELECT {names} FROM {quote(table)} WHERE "
                            f"{quote(time_column)} = (SELECT {which}({quote(time_column)}) "
                            f"FROM {quote(table)})")
        return sqlite_rows, pg_rows

    def test_first_and_last_rows_by_time_are_equal(self):
        for table, time_column in DEMO_TIME_COLUMN.items():
            columns = self.pg_columns(table)
            for which in ("min", "max"):
                sqlite_rows, pg_rows = self.rows_at(table, columns, time_column, which)
                self.assertGreater(len(sqlite_rows), 0)
                self.assertEqual(len(pg_rows), len(sqlite_rows), (table, which))
                pairs = [[comparable(t, p, s) for (_, t), p, s in zip(columns, pg_row, row)]
                         for pg_row, row in zip(pg_rows, sqlite_rows)]
                key = repr
                got = sorted(([p for p, _ in row] for row in pairs), key=key)
                want = sorted(([s for _, s in row] for row in pairs), key=key)
                self.assertEqual(got, want, (table, which))

    def test_null_counts_and_text_lengths_per_column_are_equal(self):
        for table in DEMO_TYPES:
            columns = self.pg_columns(table)
            for column, pg_type in columns:
                c = quote(column)
                (nulls,) = self.sqlite.execute(
                    f"SELECT count(*) FROM {quote(table)} WHERE {c} IS NULL").fetchone()
                self.assertEqual(psql_rows(self.info, f"SELECT count(*) FROM {quote(table)} "
                                           f"WHERE {c} IS NULL"), [[str(nulls)]],
                                 (table, column))
                if pg_type == "text":
                    (total,) = self.sqlite.execute(
                        f"SELECT coalesce(sum(length({c})), 0) FROM {quote(table)}").fetchone()
                    self.assertEqual(
                        psql_rows(self.info, f"SELECT coalesce(sum(length({c})), 0) FROM "
                                  f"{quote(table)}"), [[str(total)]], (table, column))

    def test_numbers_are_exact(self):
        # Sums over every row: any rounding of a double or a decimal on the way shows here.
        for table, column in [("way", "speed_kmh"), ("way", "confidence"),
                              ("way_metrics_long", "value"), ("incident", "latitude")]:
            values = [v for (v,) in self.sqlite.execute(
                f"SELECT {quote(column)} FROM {quote(table)} ORDER BY rowid")]
            pg_values = psql_rows(self.info, f"SELECT {quote(column)} FROM {quote(table)} "
                                  "ORDER BY ctid")
            self.assertEqual(len(pg_values), len(values))
            pg_type = dict(self.pg_columns(table))[column]
            pairs = [comparable(pg_type, p[0], s) for p, s in zip(pg_values, values)]
            self.assertEqual([p for p, _ in pairs], [s for _, s in pairs], (table, column))

    def test_env_output_works_with_psql(self):
        out = pg_cluster("env", self.cluster)
        self.assertEqual(out.returncode, 0, out.stderr)
        variables = dict(shlex.split(line)[0].split("=", 1) for line in out.stdout.splitlines())
        self.assertEqual(set(variables),
                         {"PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "DE_PG_CONNINFO"})
        self.assertEqual(variables["PGHOST"], "127.0.0.1")
        self.assertEqual(variables["PGUSER"], "exporter")
        self.assertEqual(variables["PGDATABASE"], "warehouse")
        self.assertEqual(variables["DE_PG_CONNINFO"], self.info)
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env.update({k: v for k, v in variables.items() if k.startswith("PG")})
        query = ("SELECT current_user, current_database(), host(inet_server_addr()), "
                 "inet_server_port(), current_setting('TimeZone'), "
                 "(SELECT count(*) FROM incident)")
        by_env = subprocess.run(["psql", "-X", "-A", "-t", "-c", query], env=env,
                                capture_output=True, text=True, timeout=60)
        self.assertEqual(by_env.returncode, 0, by_env.stderr)
        self.assertEqual(by_env.stdout.strip(),
                         f"exporter|warehouse|127.0.0.1|{variables['PGPORT']}|UTC|10000")
        self.assertEqual(psql_rows(variables["DE_PG_CONNINFO"], "SELECT current_user"),
                         [["exporter"]])

    def test_start_on_a_taken_port_fails_clearly(self):
        port = int(psql_rows(self.info, "SELECT inet_server_port()")[0][0])
        other = new_cluster_dir()
        out = start(other, "--port", str(port))
        self.addCleanup(stop, other)
        self.assertEqual(out.returncode, 1)
        self.assertIn(f"port {port} on 127.0.0.1 is already in use", out.stderr)
        self.assertNotIn("Traceback", out.stderr)
        # The demo server is untouched.
        self.assertEqual(psql_rows(self.info, "SELECT count(*) FROM cctv"), [["40000"]])

    def test_starting_a_running_cluster_again_fails_clearly(self):
        out = pg_cluster("start", self.cluster)
        self.assertEqual(out.returncode, 1)
        self.assertIn("already running", out.stderr)


class ScratchClusterTest(unittest.TestCase):
    """Small clusters of its own: stop/restart, edge values, bad input."""

    def setUp(self):
        self.dir = new_cluster_dir()
        self.addCleanup(stop, self.dir)
        out = start(self.dir)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.info = conninfo(self.dir)
        self.work = tempfile.mkdtemp(prefix="de-e2e-pg-")
        pg_support.remove_at_exit(self.work)
        self.addCleanup(shutil.rmtree, self.work, True)

    def ready(self, port):
        return subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", str(port)],
                              timeout=30).returncode == 0

    def test_stop_twice_and_restart_keeps_data(self):
        psql_rows(self.info, "CREATE TABLE kept (x int); INSERT INTO kept VALUES (7)")
        port = int(psql_rows(self.info, "SELECT inet_server_port()")[0][0])
        first = stop(self.dir)
        self.assertEqual(first.returncode, 0, first.stderr)
        self.assertFalse(self.ready(port))
        second = stop(self.dir)
        self.assertEqual(second.returncode, 0, second.stderr)
        self.assertIn("no server running", second.stderr)
        env = pg_cluster("env", self.dir)
        self.assertEqual(env.returncode, 1)
        self.assertIn("not running", env.stderr)
        again = start(self.dir)
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertEqual(psql_rows(conninfo(self.dir), "SELECT x FROM kept"), [["7"]])

    def test_stop_of_a_directory_without_a_cluster_succeeds(self):
        out = pg_cluster("stop", os.path.join(self.work, "never-started"))
        self.assertEqual(out.returncode, 0, out.stderr)

    def test_server_listens_on_loopback_only_as_a_non_root_user(self):
        rows = psql_rows(self.info, "SELECT current_setting('listen_addresses'), "
                         "current_setting('fsync')")
        self.assertEqual(rows, [["127.0.0.1", "off"]])
        with open(os.path.join(self.dir, "data", "postmaster.pid")) as f:
            pid = int(f.readline())
        self.assertNotEqual(os.stat(f"/proc/{pid}").st_uid, 0)

    def make_sqlite(self, ddl, rows):
        path = os.path.join(self.work, "edge.db")
        db = sqlite3.connect(path)
        db.execute(ddl)
        columns = len(rows[0])
        db.executemany(f"INSERT INTO t VALUES ({', '.join('?' * columns)})", rows)
        db.commit()
        db.close()
        return path

    def test_edge_values_round_trip(self):
        ddl = ("CREATE TABLE t (i INTEGER, s SMALLINT, m MEDIUMINT, d DOUBLE, n NUMERIC(38,10), "
               "b BOOLEAN, ts TIMESTAMP, tz TIMESTAMPTZ, dt DATE, j JSON, bl BLOB, u UUID, "
               "v VARCHAR(3), \"odd \"\"name\" TEXT)")
        rows = [
            (-2**63, -32768, -2**31, -1.7976931348623157e308,
             "-1234567890123456789012345678.0123456789", 0, -86400,
             "1969-12-31 23:59:59.999999+01:00", "1900-01-01", '{"a": [1, 2]}',
             b"\x00\xff\"\n", "123e4567-e89b-12d3-a456-426614174000", "a,b", 'q"uote\n2'),
            (2**63 - 1, 32767, 2**31 - 1, 5e-324, 12345, "TRUE", "2100-02-03T04:05:06.123456",
             4102444800, "9999-12-31", "[]", "text blob",
             uuid.UUID("00000000-0000-0000-0000-000000000001").bytes, "", ""),
            (None,) * 14,
            (0, 0, 0, 0.1, 0.3, "false", "2026-11-20 00:00:00", "2026-11-20 "
             "00:00:00Z", "2026-11-20", "null", b"", "ffffffff-ffff-ffff-ffff-ffffffffffff",
             "\u00e9\u4e2d", "\\N"),
        ]
        warehouse = self.make_sqlite(ddl, rows)
        # Compared with what SQLite stored (NUMERIC affinity turns the long decimal into a real).
        db = sqlite3.connect(warehouse)
        rows = db.execute("SELECT * FROM t ORDER BY rowid").fetchall()
        db.close()
        out = pg_cluster("load", self.dir, warehouse)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("loaded t: 4 rows", out.stderr)
        columns = [tuple(r) for r in psql_rows(
            self.info, "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
            "WHERE attrelid = 't'::regclass AND attnum > 0 ORDER BY attnum")]
        self.assertEqual([t for _, t in columns], [
            "bigint", "smallint", "integer", "double precision", "numeric(38,10)", "boolean",
            "timestamp without time zone", "timestamp with time zone", "date", "jsonb",
            "bytea", "uuid", "text", "text"])
        self.assertEqual(columns[-1][0], 'odd "name')
        names = ", ".join(quote(c) for c, _ in columns)
        pg_rows = psql_rows(self.info, f"SELECT {names} FROM t ORDER BY ctid")
        self.assertEqual(len(pg_rows), len(rows))
        for pg_row, row in zip(pg_rows, rows):
            for (column, pg_type), pg_text, value in zip(columns, pg_row, row):
                if pg_type == "jsonb" and value is not None:
                    self.assertEqual(pg_text, {'{"a": [1, 2]}': '{"a": [1, 2]}'}.get(value, value))
                    continue
                got, want = comparable(pg_type, pg_text, value)
                self.assertEqual(got, want, (column, pg_text, value))
        # Exact text of values whose text form matters.
        self.assertEqual(rows[0][4], -1.2345678901234569e+27)
        self.assertEqual(pg_rows[0][4], "-1234567890123456900000000000.0000000000")
        self.assertEqual(pg_rows[0][6], "1969-12-31 00:00:00")
        self.assertEqual(pg_rows[0][7], "1969-12-31 22:59:59.999999+00")
        self.assertEqual(pg_rows[1][7], "2100-01-01 00:00:00+00")
        self.assertEqual(pg_rows[3][3], "0.1")
        self.assertEqual(pg_rows[3][4], "0.3000000000")
        self.assertEqual(pg_rows[1][4], "12345.0000000000")
        self.assertEqual(pg_rows[3][13], "\\N")
        self.assertEqual(pg_rows[1][12], "")  # empty string, not NULL
        self.assertEqual(pg_rows[2][12], NULL)

    def test_unmapped_type_and_bad_value_are_clear_errors(self):
        warehouse = self.make_sqlite("CREATE TABLE t (a INTEGER, b STRING)", [(1, "x")])
        out = pg_cluster("load", self.dir, warehouse)
        self.assertEqual(out.returncode, 1)
        self.assertIn("t.b: declared type 'STRING' has no PostgreSQL mapping", out.stderr)
        os.remove(warehouse)
        warehouse = self.make_sqlite("CREATE TABLE t (a INTEGER, ts TIMESTAMP)",
                                     [(1, "2026-01-01 00:00:00"), (2, "yesterday")])
        out = pg_cluster("load", self.dir, warehouse)
        self.assertEqual(out.returncode, 1)
        self.assertIn("t.ts row 2: value 'yesterday' does not fit timestamp", out.stderr)
        self.assertNotIn("Traceback", out.stderr)
        os.remove(warehouse)
        warehouse = self.make_sqlite("CREATE TABLE t (n NUMERIC(5,4))",
                                     [(0.5,), (0.30000000000000004,)])
        out = pg_cluster("load", self.dir, warehouse)
        self.assertEqual(out.returncode, 1)
        self.assertIn("t.n row 2: value 0.30000000000000004 does not fit numeric(5,4)",
                      out.stderr)
        # Nothing half-loaded: the table was created in the aborted transaction.
        self.assertEqual(psql_rows(self.info, "SELECT to_regclass('t') IS NULL"), [["t"]])


if __name__ == "__main__":
    unittest.main()
