#!/usr/bin/env python3
"""End to end: the classification policy decides exactly what leaves the warehouse.

Each case creates a small table in a SQLite warehouse, imports a policy for it with
`data-exporter policy import`, exports it with `data-exporter export --table`, and compares what
DuckDB (an independent reader, tests/node/read_rows.mjs) reads back with rows computed here
without the binary: HMAC with Python's hmac, gzip with Python's gzip, rounding with decimal.

Values as read_rows.mjs prints them: BIGINT and DECIMAL as strings, timestamps as
"YYYY-MM-DDTHH:MM:SS.ffffff" (+ "Z" with time zone), BLOB as hex, NULL as None.

Environment: DE_EXE (the binary), DE_NODE (node), DE_NODE_DIR (tests/node with node_modules).
"""
import base64
import csv
import datetime
import decimal
import glob
import gzip
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import unittest

import e2e_support
from e2e_support import half_away, iso_micros, mask, micros_of, read_rows

EXE = os.environ["DE_EXE"]

DAY = 1_795_132_800  # 2026-11-20T00:00:00Z: every case's rows lie in this day
FULL_DAY = (DAY, DAY + 86_400)
HASH_KEY = "e2e-policy-hash-key"
MAX_STRING_BYTES = 32  # [export] max_string_bytes: the compress threshold of every case

UTC = datetime.timezone.utc


# --- expected values, computed without the binary ---------------------------------------------

def wh_time(seconds, micros=0):
    """A warehouse TIMESTAMP text 'YYYY-MM-DD HH:MM:SS[.ffffff]' (UTC)."""
    text = datetime.datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M:%S")
    return f"{text}.{micros:06d}" if micros else text


def iso(seconds, micros=0, utc=False):
    return iso_micros(seconds * 1_000_000 + micros, utc)


def hmac_hex(value):
    """The hash treatment under HASH_KEY."""
    return e2e_support.hmac_hex(HASH_KEY, value)


def round_double(value, digits):
    """round:N on a double: rounds the shortest decimal form (repr) of the double."""
    return None if value is None else float(half_away(repr(value), digits))


def decimal_text(text, scale, digits=None):
    """A DECIMAL(p, scale) value as read_rows.mjs prints it, optionally after round:digits."""
    if text is None:
        return None
    value = decimal.Decimal(text)
    if digits is not None and digits < scale:
        value = half_away(text, digits)
    value = value.quantize(decimal.Decimal(1).scaleb(-scale))
    return format(abs(value) if value == 0 else value, "f")


def shortest_coordinate(text, digits):
    """round_coords:N of one coordinate: rounded, then written without trailing zeros."""
    out = format(half_away(text, digits), "f")
    if "." in out:
        out = out.rstrip("0").rstrip(".")
    return "0" if out in ("-0", "") else out


def gunzip_base64(text):
    return gzip.decompress(base64.b64decode(text, validate=True)).decode()


# --- the warehouse, the policy, the CLI -------------------------------------------------------

class Table:
    """A warehouse table: columns as (name, declared SQLite type), rows as tuples."""

    def __init__(self, name, columns, rows):
        self.name = name
        self.columns = columns
        self.rows = rows

    def values(self, column):
        index = [c[0] for c in self.columns].index(column)
        return [row[index] for row in self.rows]


class Policy:
    """The four policy CSV files (DESIGN.md §3.1), written into a directory for `policy import`."""

    def __init__(self):
        self.export_tables = []
        self.columns = []
        self.sources = []
        self.metrics = []

    def table(self, name, time_column="t", source_column="", metric_column="", enabled=True):
        self.export_tables.append(
            [name, "true" if enabled else "false", time_column, source_column, metric_column])
        return self

    def column(self, table, column, classification, treatment="", pii=False):
        self.columns.append([table, column, classification, treatment, "true" if pii else "false"])
        return self

    def source(self, source, classification):
        self.sources.append([source, classification])
        return self

    def metric(self, table, metric, classification, treatment=""):
        self.metrics.append([table, metric, classification, treatment])
        return self

    def files(self):
        return {
            "export_tables.csv": (["table_name", "enabled", "time_column", "source_column",
                                   "metric_column"], self.export_tables),
            "data_column_classification.csv": (["table_name", "column_name", "classification",
                                                "treatment", "pii"], self.columns),
            "actual_data_classifications.csv": (["source", "classification"], self.sources),
            "long_table_data_classifications.csv": (["table_name", "metric_name",
                                                     "classification", "treatment"],
                                                    self.metrics),
        }

    def write(self, directory):
        os.makedirs(directory, exist_ok=True)
        for name, (header, rows) in self.files().items():
            with open(os.path.join(directory, name), "w", newline="") as f:
                writer = csv.writer(f, lineterminator="\n")
                writer.writerow(header)
                writer.writerows(rows)
        return directory


def read_policy_dir(directory):
    """The rows of the four CSV files of `directory`, normalised (booleans, order) to compare."""
    out = {}
    for name in Policy().files():
        with open(os.path.join(directory, name), newline="") as f:
            rows = list(csv.reader(f))
        header, body = rows[0], [r for r in rows[1:] if r]
        normalised = []
        for row in body:
            fields = dict(zip(header, row))
            for key in ("enabled", "pii"):
                if key in fields:
                    fields[key] = fields[key].strip().lower() in ("true", "1", "yes")
            normalised.append(tuple(sorted(fields.items())))
        out[name] = (header, sorted(normalised))
    return out


class Export:
    """One table export as read back: Parquet columns and rows (via DuckDB), manifest, footer."""

    def __init__(self, result, manifest, facts):
        self.result = result
        self.manifest = manifest
        self.export = manifest["export"]
        self.columns = [(c["name"], c["type"]) for c in facts["columns"]]
        self.rows = facts["rows"]
        self.kv = facts["key_value_metadata"]

    def column(self, name):
        index = [c[0] for c in self.columns].index(name)
        return [row[index] for row in self.rows]


class PolicyCaseBase(unittest.TestCase):
    """One data directory and warehouse per class; each test imports its own policy."""

    CODEC = "snappy"

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="de-e2e-policy-")
        cls.warehouse = os.path.join(cls.dir, "wh.db")
        sqlite3.connect(cls.warehouse).close()
        cls.objects = os.path.join(cls.dir, "var", "objects")
        cls.config = os.path.join(cls.dir, "de.toml")
        with open(cls.config, "w") as f:
            f.write(f'[service]\ndata_dir = "{cls.dir}/var"\nlog_format = "human"\n'
                    f'[warehouse]\npath = "{cls.warehouse}"\n'
                    f'[policy]\nhash_key = "{HASH_KEY}"\n'
                    f'[export]\ncodec = "{cls.CODEC}"\nmax_string_bytes = {MAX_STRING_BYTES}\n')
        cls.policies = 0

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    # --- building blocks ---

    def create(self, table):
        db = sqlite3.connect(self.warehouse)
        columns = ", ".join(f'"{name}" {declared}' for name, declared in table.columns)
        db.execute(f'CREATE TABLE "{table.name}" ({columns})')
        marks = ", ".join("?" for _ in table.columns)
        db.executemany(f'INSERT INTO "{table.name}" VALUES ({marks})', table.rows)
        db.commit()
        db.close()
        return table

    def cli(self, *args):
        return subprocess.run([EXE, "--config", self.config, *args], cwd=self.dir,
                              capture_output=True, text=True, timeout=120)

    def policy_dir(self):
        type(self).policies += 1
        return os.path.join(self.dir, f"policy-{type(self).policies}")

    def import_policy(self, policy):
        result = self.cli("policy", "import", policy.write(self.policy_dir()))
        self.assertEqual(result.returncode, 0,
                         f"policy import failed:\n{result.stdout}{result.stderr}")
        return result

    def table_files(self, table, start=None, end=None):
        """Every object under the table's directories (of one range, when given)."""
        window = f"{start}_{end}" if start is not None else "*"
        pattern = os.path.join(self.objects, "**", table, "*", window, "*")
        return sorted(p for p in glob.glob(pattern, recursive=True) if os.path.isfile(p))

    def read_rows(self, path):
        return read_rows(path)

    def export(self, table, start=FULL_DAY[0], end=FULL_DAY[1]):
        """Exports one table, checks what every export must satisfy, and reads it back."""
        result = self.cli("export", "--start", str(start), "--end", str(end), "--table", table)
        self.assertEqual(result.returncode, 0, f"export failed:\n{result.stdout}{result.stderr}")
        files = self.table_files(table, start, end)
        data = [f for f in files if f.endswith(".parquet")]
        manifests = [f for f in files if os.path.basename(f) == "manifest" or f.endswith(".json")]
        self.assertEqual(len(data), 1, f"expected one Parquet file: {files}")
        self.assertEqual(len(manifests), 1, f"expected one manifest: {files}")
        self.assertRegex(os.path.basename(data[0]), rf"^{re.escape(table)}_\d{{3}}\.parquet$")
        with open(manifests[0]) as f:
            manifest = json.load(f)
        out = Export(result, manifest, self.read_rows(data[0]))
        info = out.export
        self.assertEqual(info["table"], table)
        self.assertEqual(info["rows_read"], info["rows_dropped_by_policy"] + info["rows_written"])
        self.assertEqual(info["rows_written"], len(out.rows))
        self.assertEqual(sum(e["meta"]["record_count"] for e in manifest["entries"]),
                         len(out.rows))
        self.assertEqual([e["name"] for e in manifest["schema"]["elements"]],
                         [c[0] for c in out.columns])
        self.assertEqual(out.kv.get("data_exporter.policy_version"), str(info["policy_version"]))
        return out

    def assert_exported(self, out, columns, rows):
        self.assertEqual(out.columns, columns)
        self.assertEqual(len(out.rows), len(rows))
        for index, (got, want) in enumerate(zip(out.rows, rows)):
            self.assertEqual(got, want, f"row {index}")

    def assert_policy_refused(self, directory, needles):
        result = self.cli("policy", "import", directory)
        self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
        for needle in needles:
            self.assertIn(needle, result.stderr)
        return result


def times(count, step=60, start=DAY):
    """`count` warehouse timestamps, `step` seconds apart: one per row, in row order."""
    return [wh_time(start + i * step) for i in range(count)]


def out_times(count, step=60, start=DAY):
    return [iso(start + i * step) for i in range(count)]


class PolicyCasesTest(PolicyCaseBase):
    """Codes, treatments and row rules: exact Parquet content per case."""

    CODEC = "snappy"

    def test_every_classification_code(self):
        t = times(5)
        table = self.create(Table("codes", [
            ("t", "TIMESTAMP"), ("a_nr", "TEXT"), ("b_de", "TEXT"), ("c_hwc", "TEXT"),
            ("d_drop", "TEXT"), ("e_unlisted", "TEXT"), ("f_int", "INTEGER"), ("g_real", "REAL"),
            ("h_dec", "NUMERIC(12,4)"), ("i_bool", "BOOLEAN"), ("j_date", "DATE"),
            ("k_tstz", "TIMESTAMP WITH TIME ZONE"), ("l_small", "SMALLINT"), ("m_blob", "BLOB"),
        ], [
            (t[0], "alpha", "secret-0", "care-0", "drop-0", "new-0", 9007199254740993, 1.5,
             "12345678.1234", 1, "2026-11-20", "2026-11-20 10:00:00+02:00", -32768, b"\x00\xff"),
            (t[1], "ünïcode ✓", "secret-1", "care-1", "drop-1", "new-1", -1, -0.25, "-0.0001", 0,
             "1970-01-01", "2026-11-20T23:59:59.5Z", 32767, b""),
            (t[2], None, None, None, None, None, None, None, None, None, None, None, None, None),
            (t[3], "", "s", "c", "d", "n", 0, 1e300, "0", 1, "2000-02-29",
             "1969-12-31 23:59:59Z", 0, b"abc"),
            (t[4], "omega", "s", "c", "d", "n", 42, 3.0, "7.5", 0, "2026-11-21",
             "2026-11-20 00:00:00.000001+00:00", 1, b"\x7f"),
        ]))
        self.import_policy(Policy().table("codes")
                           .column("codes", "t", "nr")
                           .column("codes", "a_nr", "nr")
                           .column("codes", "b_de", "de", pii=True)
                           .column("codes", "c_hwc", "hwc")
                           .column("codes", "d_drop", "hwc", "drop", pii=True)
                           .column("codes", "f_int", "nr")
                           .column("codes", "g_real", "nr")
                           .column("codes", "h_dec", "nr")
                           .column("codes", "i_bool", "nr")
                           .column("codes", "j_date", "nr")
                           .column("codes", "k_tstz", "nr")
                           .column("codes", "l_small", "nr")
                           .column("codes", "m_blob", "nr"))
        out = self.export("codes")
        tstz = [None if v is None else iso_micros(micros_of(v), utc=True)
                for v in table.values("k_tstz")]
        expected = []
        for i, row in enumerate(table.rows):
            _, a, _, _, _, _, f, g, h, b, d, _, small, blob = row
            expected.append([
                iso(DAY + 60 * i), a, None if f is None else str(f), g, decimal_text(h, 4),
                None if b is None else bool(b), d, tstz[i], small,
                None if blob is None else blob.hex()])
        self.assert_exported(out, [
            ("t", "TIMESTAMP"), ("a_nr", "VARCHAR"), ("f_int", "BIGINT"), ("g_real", "DOUBLE"),
            ("h_dec", "DECIMAL(12,4)"), ("i_bool", "BOOLEAN"), ("j_date", "DATE"),
            ("k_tstz", "TIMESTAMP WITH TIME ZONE"), ("l_small", "SMALLINT"), ("m_blob", "BLOB"),
        ], expected)
        self.assertEqual(out.export["unclassified_columns"], ["e_unlisted"])
        self.assertEqual(out.export["dropped_columns"], ["b_de", "c_hwc", "d_drop"])
        self.assertEqual((out.export["rows_read"], out.export["rows_dropped_by_policy"]), (5, 0))
        # The plan names every warehouse column; `policy check` sees the unlisted one.
        explain = self.cli("policy", "explain", "codes")
        self.assertEqual(explain.returncode, 0, explain.stderr)
        for name, _ in table.columns:
            self.assertIn(name, explain.stdout)
        check = self.cli("policy", "check")
        self.assertEqual(check.returncode, 1, check.stdout + check.stderr)
        self.assertIn("codes.e_unlisted", check.stdout + check.stderr)
        self.assertNotIn("codes.a_nr", check.stdout + check.stderr)

    def test_null_treatment_keeps_the_column_and_its_type(self):
        t = times(4)
        table = self.create(Table("t_null", [
            ("t", "TIMESTAMP"), ("name", "TEXT"), ("speed", "REAL"), ("n", "INTEGER")
        ], [(t[0], "Ann", 1.5, 1), (t[1], None, None, 2), (t[2], "", 0.0, None),
            (t[3], "Bob", -2.0, 4)]))
        self.import_policy(Policy().table("t_null")
                           .column("t_null", "t", "nr")
                           .column("t_null", "name", "hwc", "null", pii=True)
                           .column("t_null", "speed", "hwc", "null")
                           .column("t_null", "n", "nr"))
        out = self.export("t_null")
        self.assert_exported(out, [("t", "TIMESTAMP"), ("name", "VARCHAR"), ("speed", "DOUBLE"),
                                   ("n", "BIGINT")],
                             [[iso(DAY + 60 * i), None, None, None if n is None else str(n)]
                              for i, n in enumerate(table.values("n"))])

    def test_hash_is_keyed_hmac_sha256_hex(self):
        t = times(6)
        table = self.create(Table("t_hash", [
            ("t", "TIMESTAMP"), ("email", "TEXT"), ("way", "INTEGER"), ("code", "SMALLINT"),
            ("raw", "BLOB"),
        ], [
            (t[0], "ann@example.com", 42, 5, b"\x01\x02"),
            (t[1], "ünï ✓", -7, -5, b"\x00"),
            (t[2], None, None, None, None),
            (t[3], "ann@example.com", 42, 5, b"\x01\x02"),  # equal inputs, equal pseudonyms
            (t[4], "", 0, 0, b""),
            (t[5], "bob@example.com", 9223372036854775807, 32767, b"\xff" * 40),
        ]))
        self.import_policy(Policy().table("t_hash")
                           .column("t_hash", "t", "nr")
                           .column("t_hash", "email", "hwc", "hash", pii=True)
                           .column("t_hash", "way", "hwc", "hash")
                           .column("t_hash", "code", "hwc", "hash")
                           .column("t_hash", "raw", "hwc", "hash"))
        out = self.export("t_hash")
        self.assert_exported(out, [("t", "TIMESTAMP"), ("email", "VARCHAR"), ("way", "VARCHAR"),
                                   ("code", "VARCHAR"), ("raw", "VARCHAR")],
                             [[iso(DAY + 60 * i)] + [hmac_hex(v) for v in row[1:]]
                              for i, row in enumerate(table.rows)])
        self.assertEqual(out.rows[0][1:], out.rows[3][1:])
        # The key matters: the same value under another key is another pseudonym.
        self.assertNotEqual(out.rows[0][1], hashlib.sha256(b"ann@example.com").hexdigest())

    def test_mask_keeps_the_last_code_points(self):
        t = times(6)
        table = self.create(Table("t_mask", [
            ("t", "TIMESTAMP"), ("card", "TEXT"), ("plate", "TEXT"), ("pin", "TEXT"),
        ], [
            (t[0], "4111111111111111", "B-XY 123", "1234"),
            (t[1], "ñandú-1234", "ÄÖÜ", "9"),
            (t[2], "ab😀cd", "12", ""),
            (t[3], "12", None, None),
            (t[4], "", "abcd", "x"),
            (t[5], None, "日本語テキスト", "日本"),
        ]))
        self.import_policy(Policy().table("t_mask")
                           .column("t_mask", "t", "nr")
                           .column("t_mask", "card", "hwc", "mask:4", pii=True)
                           # A treatment on an nr column applies to every row too.
                           .column("t_mask", "plate", "nr", "mask:3")
                           .column("t_mask", "pin", "hwc", "mask:1"))
        out = self.export("t_mask")
        self.assert_exported(out, [("t", "TIMESTAMP"), ("card", "VARCHAR"), ("plate", "VARCHAR"),
                                   ("pin", "VARCHAR")],
                             [[iso(DAY + 60 * i), mask(card, 4), mask(plate, 3), mask(pin, 1)]
                              for i, (_, card, plate, pin) in enumerate(table.rows)])
        # Spelled out once, so the helper itself is checked.
        self.assertEqual(out.column("card")[:3], ["************1111", "******1234", "*b😀cd"])

    def test_round_half_away_from_zero_on_the_shortest_decimal(self):
        t = times(7)
        table = self.create(Table("t_round", [
            ("t", "TIMESTAMP"), ("speed", "REAL"), ("whole", "REAL"), ("amount", "NUMERIC(10,3)"),
            ("fine", "NUMERIC(10,2)"), ("count", "INTEGER"),
        ], [
            (t[0], 2.675, 2.5, "1.250", "1.25", 7),
            (t[1], -2.675, -2.5, "-1.250", "-0.05", -7),
            (t[2], 1.005, 0.5, "1.249", "0.99", 0),
            (t[3], 0.125, 0.49999999999999994, "0.050", "100", 123456789),
            (t[4], 3.0, 1234.5, None, None, None),
            (t[5], None, None, "12345.678", "-12.34", 1),
            (t[6], 12345.678901, -0.4, "-0.001", "0", 2),
        ]))
        self.import_policy(Policy().table("t_round")
                           .column("t_round", "t", "nr")
                           .column("t_round", "speed", "hwc", "round:2")
                           .column("t_round", "whole", "hwc", "round:0")
                           .column("t_round", "amount", "hwc", "round:1")
                           .column("t_round", "fine", "hwc", "round:3")
                           .column("t_round", "count", "hwc", "round:1"))
        out = self.export("t_round")
        self.assert_exported(out, [("t", "TIMESTAMP"), ("speed", "DOUBLE"), ("whole", "DOUBLE"),
                                   ("amount", "DECIMAL(10,3)"), ("fine", "DECIMAL(10,2)"),
                                   ("count", "BIGINT")],
                             [[iso(DAY + 60 * i), round_double(speed, 2), round_double(whole, 0),
                               decimal_text(amount, 3, digits=1), decimal_text(fine, 2, digits=3),
                               None if count is None else str(count)]
                              for i, (_, speed, whole, amount, fine, count)
                              in enumerate(table.rows)])
        # The cases binary rounding gets wrong, spelled out.
        self.assertEqual(out.column("speed")[:3], [2.68, -2.68, 1.01])
        self.assertEqual(out.column("whole")[:3], [3, -3, 1])
        self.assertEqual(out.column("amount")[:4], ["1.300", "-1.300", "1.200", "0.100"])

    def test_round_coords_in_geojson_and_wkt(self):
        # (template, coordinates as written): the input is template % coordinates, the expected
        # output template % rounded coordinates; everything else must be kept byte for byte.
        shapes = [
            ('{"type":"Point","coordinates":[%s,%s]}', ["13.4049537", "52.5200066"]),
            ('{"type": "LineString", "coordinates": [[%s, %s], [%s, %s]]}',
             ["-0.0004", "1.0005", "100.0", "-73.9856"]),
            ('{"type":"Feature","properties":{"speed":12.34567,"name":"A 1.23456"},'
             '"geometry":{"type":"Point","coordinates":[%s,%s]}}', ["2.3456789", "48.8566"]),
            ("POINT (%s %s)", ["13.4049537", "52.5200066"]),
            ("LINESTRING (%s %s, %s %s)", ["1.00049", "2.5", "-3.14159", "4"]),
            ("POLYGON ((%s %s, %s %s, %s %s, %s %s))",
             ["0.0001", "0.0001", "10.12345", "0", "10.12345", "10.9999", "0.0001", "0.0001"]),
            ("POINT Z (%s %s %s)", ["1.23456", "2.34567", "345.6785"]),
            ("SRID=4326;POINT(%s %s)", ["1.23456", "-2.34567"]),
        ]
        values = [template % tuple(coords) for template, coords in shapes]
        expected = [template % tuple(shortest_coordinate(c, 3) for c in coords)
                    for template, coords in shapes]
        values += ["not a geometry", None]
        expected += [None, None]  # text that is neither GeoJSON nor WKT fails closed to NULL
        t = times(len(values))
        self.create(Table("t_geo", [("t", "TIMESTAMP"), ("geom", "TEXT")],
                          list(zip(t, values))))
        self.import_policy(Policy().table("t_geo")
                           .column("t_geo", "t", "nr")
                           .column("t_geo", "geom", "hwc", "round_coords:3"))
        out = self.export("t_geo")
        self.assert_exported(out, [("t", "TIMESTAMP"), ("geom", "VARCHAR")],
                             [[iso(DAY + 60 * i), v] for i, v in enumerate(expected)])
        self.assertEqual(out.column("geom")[0], '{"type":"Point","coordinates":[13.405,52.52]}')
        self.assertEqual(out.column("geom")[4], "LINESTRING (1 2.5, -3.142 4)")

    def test_truncate_time_floors_to_hour_and_day(self):
        stamps = ["2026-11-20 10:45:30.123456", "2026-11-20 00:00:00", "2026-11-20T23:59:59.999999",
                  None, DAY + 5 * 3600 + 59, "1969-12-31 23:30:00"]
        zoned = ["2026-11-20 10:45:30+02:00", "2026-11-20T23:30:00Z", None,
                 "2026-11-20 00:59:59.999999-01:00", "1969-12-31 23:59:59Z",
                 "2026-11-20 07:00:00+00:00"]
        dates = ["2026-11-20", None, "1969-12-31", "2000-02-29", "2026-01-01", "1970-01-01"]
        t = times(len(stamps))
        self.create(Table("t_trunc", [
            ("t", "TIMESTAMP"), ("seen", "TIMESTAMP"), ("seen_day", "TIMESTAMP"),
            ("seen_tz", "TIMESTAMP WITH TIME ZONE"), ("d", "DATE"),
        ], list(zip(t, stamps, stamps, zoned, dates))))
        self.import_policy(Policy().table("t_trunc")
                           .column("t_trunc", "t", "nr")
                           .column("t_trunc", "seen", "hwc", "truncate_time:hour")
                           .column("t_trunc", "seen_day", "hwc", "truncate_time:day")
                           .column("t_trunc", "seen_tz", "hwc", "truncate_time:hour")
                           .column("t_trunc", "d", "hwc", "truncate_time:day"))
        out = self.export("t_trunc")

        def floored(value, unit_seconds, utc=False):
            if value is None:
                return None
            micros = value * 1_000_000 if isinstance(value, int) else micros_of(value)
            return iso_micros(micros - micros % (unit_seconds * 1_000_000), utc)

        self.assert_exported(out, [("t", "TIMESTAMP"), ("seen", "TIMESTAMP"),
                                   ("seen_day", "TIMESTAMP"),
                                   ("seen_tz", "TIMESTAMP WITH TIME ZONE"), ("d", "DATE")],
                             [[iso(DAY + 60 * i), floored(s, 3600), floored(s, 86400),
                               floored(z, 3600, utc=True), d]
                              for i, (s, z, d) in enumerate(zip(stamps, zoned, dates))])
        # Floor, not truncation toward zero, before the epoch.
        self.assertEqual(out.column("seen")[5], "1969-12-31T23:00:00.000000")
        self.assertEqual(out.column("seen_day")[5], "1969-12-31T00:00:00.000000")
        self.assertEqual(out.column("seen_tz")[0], "2026-11-20T08:00:00.000000Z")

    def test_scrub_redacts_contacts_and_keeps_ordinary_numbers(self):
        pairs = [
            ("mail john.doe@example.com now", "mail [email] now"),
            ("call 0301234567 today", "call [phone] today"),
            ("call +4930123456 today", "call [phone] today"),
            ("office 555-123-4567 ext", "office [phone] ext"),
            ("from 192.168.1.20 and 2001:db8::1 ok", "from [ip] and [ip] ok"),
            ("speed 87.5 km/h at 10:45 on 2026-11-20, id 1234567",
             "speed 87.5 km/h at 10:45 on 2026-11-20, id 1234567"),
            ("ünïcødé ✓ a@b.co", "ünïcødé ✓ [email]"),
            ("", ""),
            (None, None),
        ]
        t = times(len(pairs))
        self.create(Table("t_scrub", [("t", "TIMESTAMP"), ("note", "TEXT")],
                          [(t[i], p[0]) for i, p in enumerate(pairs)]))
        self.import_policy(Policy().table("t_scrub")
                           .column("t_scrub", "t", "nr")
                           .column("t_scrub", "note", "hwc", "scrub", pii=True))
        out = self.export("t_scrub")
        self.assert_exported(out, [("t", "TIMESTAMP"), ("note", "VARCHAR")],
                             [[iso(DAY + 60 * i), p[1]] for i, p in enumerate(pairs)])

    def test_compress_just_above_and_exactly_at_the_threshold(self):
        n = MAX_STRING_BYTES
        docs = ["a" * n,                 # exactly at the threshold: kept
                "a" * (n + 1),           # one byte above: compressed
                "é" * (n // 2),          # n bytes in n/2 code points: kept
                "é" * (n // 2) + "a",    # n + 1 bytes: compressed
                None, "",
                "x" * 1000 + " ünï"]     # well above
        t = times(len(docs))
        self.create(Table("t_compress", [("t", "TIMESTAMP"), ("doc", "TEXT"), ("n", "INTEGER")],
                          [(t[i], d, i) for i, d in enumerate(docs)]))
        self.import_policy(Policy().table("t_compress")
                           .column("t_compress", "t", "nr")
                           .column("t_compress", "doc", "hwc", "compress")
                           .column("t_compress", "n", "nr"))
        out = self.export("t_compress")
        self.assertEqual(out.columns, [("t", "TIMESTAMP"), ("doc", "VARCHAR"),
                                       ("doc_compressed", "VARCHAR"), ("n", "BIGINT")])
        # gzip bytes may differ from Python's: compare what a consumer gets after decoding.
        got = [[r[0], r[1], None if r[2] is None else ("gunzip", gunzip_base64(r[2])), r[3]]
               for r in out.rows]
        expected = []
        for i, d in enumerate(docs):
            long = d is not None and len(d.encode()) > n
            expected.append([iso(DAY + 60 * i), None if long else d,
                             ("gunzip", d) if long else None, str(i)])
        self.assertEqual(got, expected)
        self.assertEqual([r[1] is None for r in out.rows[:4]], [False, True, False, True])

    def test_mx_follows_the_source_classification(self):
        rows = [  # (src, speed, label)
            ("FUSION", 51.5, "north ramp"),
            ("PARTNER", 52.5, "south ramp"),  # hwc source: the column's treatment
            ("HERE", 53.5, "east"),           # de
            ("BLEND", 54.5, "west"),          # mx as a source decides nothing: NULL
            ("OTHER", 55.5, "unlisted"),      # not in actual_data_classifications: de
            (None, 56.5, "no source"),        # NULL source: de
            ("FUSION", None, None),           # NULL values stay NULL
            ("PARTNER", 58.25, "ab"),
        ]
        t = times(len(rows))
        self.create(Table("t_mx", [("t", "TIMESTAMP"), ("src", "TEXT"), ("speed", "REAL"),
                                   ("label", "TEXT"), ("way", "INTEGER")],
                          [(t[i], s, v, l, 100 + i) for i, (s, v, l) in enumerate(rows)]))
        self.import_policy(Policy().table("t_mx", source_column="src")
                           .column("t_mx", "t", "nr")
                           .column("t_mx", "src", "nr")
                           .column("t_mx", "speed", "mx")  # no treatment: NULL on hwc sources
                           .column("t_mx", "label", "mx", "mask:2")
                           .column("t_mx", "way", "nr")
                           .source("FUSION", "nr")
                           .source("PARTNER", "hwc")
                           .source("HERE", "de")
                           .source("BLEND", "mx"))
        out = self.export("t_mx")
        rule = {"FUSION": "nr", "PARTNER": "hwc"}
        expected = []
        for i, (src, speed, label) in enumerate(rows):
            kind = rule.get(src)
            expected.append([iso(DAY + 60 * i), src,
                             speed if kind == "nr" else None,
                             label if kind == "nr" else mask(label, 2) if kind == "hwc" else None,
                             str(100 + i)])
        self.assert_exported(out, [("t", "TIMESTAMP"), ("src", "VARCHAR"), ("speed", "DOUBLE"),
                                   ("label", "VARCHAR"), ("way", "BIGINT")], expected)
        self.assertEqual(out.column("label")[:2], ["north ramp", "********mp"])
        self.assertEqual((out.export["rows_read"], out.export["rows_dropped_by_policy"]),
                         (len(rows), 0))

    def test_mx_with_sources_missing_from_the_source_table(self):
        rows = [("TOMTOM", 1.5), ("FUSION", 2.5), (None, 3.5), ("", 4.5)]
        t = times(len(rows))
        self.create(Table("t_mx_unlisted", [("t", "TIMESTAMP"), ("src", "TEXT"),
                                            ("speed", "REAL"), ("n", "INTEGER")],
                          [(t[i], s, v, i) for i, (s, v) in enumerate(rows)]))
        # actual_data_classifications is empty: no source is listed, so every mx value is NULL.
        self.import_policy(Policy().table("t_mx_unlisted", source_column="src")
                           .column("t_mx_unlisted", "t", "nr")
                           .column("t_mx_unlisted", "src", "nr")
                           .column("t_mx_unlisted", "speed", "mx")
                           .column("t_mx_unlisted", "n", "nr"))
        out = self.export("t_mx_unlisted")
        self.assert_exported(out, [("t", "TIMESTAMP"), ("src", "VARCHAR"), ("speed", "DOUBLE"),
                                   ("n", "BIGINT")],
                             [[iso(DAY + 60 * i), s, None, str(i)]
                              for i, (s, _) in enumerate(rows)])
        self.assertEqual(out.export["rows_written"], len(rows))

    def test_long_table_rows_and_values_by_metric(self):
        rows = [  # (metric, src, value, exported value or DROP)
            ("speed", "FUSION", 12.345, 12.345),       # nr metric: as is
            ("speed", "HERE", 22.25, 22.25),           # nr metric ignores the source
            ("volume", "FUSION", 10.5, 11.0),          # hwc metric: its treatment round:0
            ("volume", "PARTNER", -10.5, -11.0),
            ("occupancy", "FUSION", 0.75, None),       # hwc metric without treatment: NULL
            ("travel_time", "FUSION", 33.35, 33.35),   # mx metric, nr source: as is
            ("travel_time", "PARTNER", 33.35, 33.4),   # mx metric, hwc source: column's round:1
            ("travel_time", "HERE", 1.0, None),        # mx metric, de source
            ("travel_time", "BLEND", 2.0, None),       # mx metric, mx source
            ("travel_time", "OTHER", 3.0, None),       # mx metric, unlisted source
            ("travel_time", None, 4.0, None),          # mx metric, NULL source
            ("secret", "FUSION", 5.0, "DROP"),         # de metric: row not exported
            ("debug", "FUSION", 6.0, "DROP"),          # unlisted metric: row not exported
            (None, "FUSION", 7.0, "DROP"),             # NULL metric: unlisted
            ("speed", "FUSION", None, None),           # NULL value
            ("Speed", "FUSION", 8.0, "DROP"),          # metric names are exact
        ]
        notes = [f"note-{i:02d}" for i in range(len(rows))]
        t = times(len(rows))
        self.create(Table("t_long", [
            ("t", "TIMESTAMP"), ("way_id", "INTEGER"), ("metric", "TEXT"), ("src", "TEXT"),
            ("value", "REAL"), ("note", "TEXT"),
        ], [(t[i], 1000 + i, m, s, v, notes[i]) for i, (m, s, v, _) in enumerate(rows)]))
        self.import_policy(Policy().table("t_long", source_column="src", metric_column="metric")
                           .column("t_long", "t", "nr")
                           .column("t_long", "way_id", "nr")
                           .column("t_long", "metric", "nr")
                           .column("t_long", "src", "nr")
                           .column("t_long", "value", "mx", "round:1")
                           .column("t_long", "note", "hwc", "mask:2")  # not mx: its own rule
                           .source("FUSION", "nr")
                           .source("PARTNER", "hwc")
                           .source("HERE", "de")
                           .source("BLEND", "mx")
                           .metric("t_long", "speed", "nr")
                           .metric("t_long", "volume", "hwc", "round:0")
                           .metric("t_long", "occupancy", "hwc")
                           .metric("t_long", "travel_time", "mx")
                           .metric("t_long", "secret", "de"))
        out = self.export("t_long")
        expected = [[iso(DAY + 60 * i), str(1000 + i), m, s, want, mask(notes[i], 2)]
                    for i, (m, s, _, want) in enumerate(rows) if want != "DROP"]
        self.assert_exported(out, [("t", "TIMESTAMP"), ("way_id", "BIGINT"),
                                   ("metric", "VARCHAR"), ("src", "VARCHAR"),
                                   ("value", "DOUBLE"), ("note", "VARCHAR")], expected)
        # Dropped metrics are filtered in the warehouse query: those rows are never read.
        kept = len(expected)
        self.assertEqual((out.export["rows_read"], out.export["rows_dropped_by_policy"],
                          out.export["rows_written"]), (kept, 0, kept))


class PolicyLifecycleTest(PolicyCaseBase):
    """Policy changes over time, failures, time ranges and the version stamp."""

    CODEC = "uncompressed"

    def test_column_added_after_the_policy_is_absent_and_reported(self):
        t = times(3)
        self.create(Table("t_added", [("t", "TIMESTAMP"), ("a", "TEXT")],
                          [(t[0], "x"), (t[1], None), (t[2], "z")]))
        self.import_policy(Policy().table("t_added")
                           .column("t_added", "t", "nr")
                           .column("t_added", "a", "nr"))
        check = self.cli("policy", "check")
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
        db = sqlite3.connect(self.warehouse)
        db.execute('ALTER TABLE "t_added" ADD COLUMN "phone" TEXT')
        db.execute('UPDATE "t_added" SET "phone" = \'+49 30 1234567\'')
        db.commit()
        db.close()
        out = self.export("t_added")
        self.assert_exported(out, [("t", "TIMESTAMP"), ("a", "VARCHAR")],
                             [[iso(DAY), "x"], [iso(DAY + 60), None], [iso(DAY + 120), "z"]])
        self.assertEqual(out.export["unclassified_columns"], ["phone"])
        self.assertEqual(out.export["dropped_columns"], [])
        check = self.cli("policy", "check")
        self.assertEqual(check.returncode, 1, check.stdout + check.stderr)
        self.assertIn("t_added.phone", check.stdout + check.stderr)

    def test_table_without_column_rules_fails_and_leaves_no_files(self):
        t = times(2)
        self.create(Table("t_norules", [("t", "TIMESTAMP"), ("a", "TEXT")],
                          [(t[0], "x"), (t[1], "y")]))
        self.import_policy(Policy().table("t_norules"))
        result = self.cli("export", "--start", str(FULL_DAY[0]), "--end", str(FULL_DAY[1]),
                          "--table", "t_norules")
        self.assertNotEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertRegex(result.stderr, r"(?i)no column\b.*\bexportable")
        self.assertEqual(self.table_files("t_norules"), [])

    def test_time_range_is_start_inclusive_end_exclusive(self):
        start, end = DAY + 3600, DAY + 7200
        self.create(Table("t_range", [("t", "TIMESTAMP"), ("n", "INTEGER")], [
            (wh_time(start - 1), 1),             # before
            (start, 2),                          # at start (integer epoch seconds): in
            (wh_time(start, 500_000), 3),        # in
            (wh_time(end - 1, 999_999), 4),      # last microsecond: in
            (wh_time(end), 5),                   # at end: out
            (end + 1, 6),                        # after
            (None, 7),                           # no time: never in a range
        ]))
        self.import_policy(Policy().table("t_range")
                           .column("t_range", "t", "nr")
                           .column("t_range", "n", "nr"))
        out = self.export("t_range", start, end)
        self.assert_exported(out, [("t", "TIMESTAMP"), ("n", "BIGINT")], [
            [iso(start), "2"], [iso(start, 500_000), "3"], [iso(end - 1, 999_999), "4"]])
        # The range is pushed into the warehouse query: rows outside it are not read.
        self.assertEqual((out.export["rows_read"], out.export["rows_dropped_by_policy"]), (3, 0))
        self.assertEqual((out.export["start_time"], out.export["end_time"]), (start, end))

    def test_time_range_on_a_time_zone_column_is_utc(self):
        # Canonical UTC text and integer epoch seconds: the forms a filtered warehouse scan
        # compares (sqlite_scan_query.h). Integers sort before text, so the integer row is the
        # earliest one in range.
        start, end = DAY + 3600, DAY + 7200  # 01:00Z .. 02:00Z
        self.create(Table("t_range_tz", [("t", "TIMESTAMP WITH TIME ZONE"), ("n", "INTEGER")], [
            ("2026-11-20 00:59:59.999999", 1),   # out
            (start, 2),                          # in
            ("2026-11-20 01:30:00", 3),          # in
            ("2026-11-20 01:59:59.999999", 4),   # in
            ("2026-11-20 02:00:00", 5),          # out
            (end, 6),                            # out
        ]))
        self.import_policy(Policy().table("t_range_tz")
                           .column("t_range_tz", "t", "nr")
                           .column("t_range_tz", "n", "nr"))
        out = self.export("t_range_tz", start, end)
        self.assert_exported(out, [("t", "TIMESTAMP WITH TIME ZONE"), ("n", "BIGINT")], [
            [iso(start, utc=True), "2"], [iso(DAY + 5400, utc=True), "3"],
            [iso(end - 1, 999_999, utc=True), "4"]])
        self.assertEqual((out.export["rows_read"], out.export["rows_dropped_by_policy"]), (3, 0))

    def test_policy_version_in_manifest_and_parquet_footer(self):
        self.create(Table("t_version", [("t", "TIMESTAMP"), ("a", "TEXT"), ("b", "TEXT")],
                          [(wh_time(DAY + h * 3600 + 1), f"a{h}", f"b{h}") for h in range(3)]))
        first = (Policy().table("t_version")
                 .column("t_version", "t", "nr")
                 .column("t_version", "a", "nr"))
        self.import_policy(first)
        out1 = self.export("t_version", DAY, DAY + 3600)
        version = out1.export["policy_version"]
        self.assertIsInstance(version, int)
        self.assertEqual(out1.kv["data_exporter.policy_version"], str(version))
        self.assertEqual(out1.columns, [("t", "TIMESTAMP"), ("a", "VARCHAR")])
        # The same rules again: the version stays.
        self.import_policy(first)
        out2 = self.export("t_version", DAY + 3600, DAY + 7200)
        self.assertEqual(out2.export["policy_version"], version)
        self.assertEqual(out2.kv["data_exporter.policy_version"], str(version))
        # Different rules: the version is bumped once, and the new rule is in effect.
        self.import_policy(Policy().table("t_version")
                           .column("t_version", "t", "nr")
                           .column("t_version", "a", "nr")
                           .column("t_version", "b", "nr"))
        out3 = self.export("t_version", DAY + 7200, DAY + 10800)
        self.assertEqual(out3.export["policy_version"], version + 1)
        self.assertEqual(out3.kv["data_exporter.policy_version"], str(version + 1))
        self.assert_exported(out3, [("t", "TIMESTAMP"), ("a", "VARCHAR"), ("b", "VARCHAR")],
                             [[iso(DAY + 7201), "a2", "b2"]])
        # The earlier files keep the version they were written under.
        self.assertEqual(out1.kv["data_exporter.policy_version"], str(version))

    def test_policy_export_round_trips_the_csv_files(self):
        self.create(Table("t_trip", [("t", "TIMESTAMP"), ("metric", "TEXT"), ("src", "TEXT"),
                                     ("value", "REAL"), ("who", "TEXT")],
                          [(wh_time(DAY + 1), "speed, avg", "FUSION", 1.25, "ann"),
                           (wh_time(DAY + 2), 'say "hi"', "FUSION", 2.5, "bob")]))
        policy = (Policy().table("t_trip", source_column="src", metric_column="metric")
                  .column("t_trip", "t", "nr")
                  .column("t_trip", "metric", "nr")
                  .column("t_trip", "value", "mx", "round:1")
                  .column("t_trip", "who", "hwc", "hash", pii=True)
                  .source("FUSION", "nr")
                  .source("HERE", "de")
                  .metric("t_trip", "speed, avg", "hwc", "round:0")  # a comma: quoted in CSV
                  .metric("t_trip", 'say "hi"', "nr"))                # a quote: doubled
        written = policy.write(self.policy_dir())
        result = self.cli("policy", "import", written)
        self.assertEqual(result.returncode, 0, result.stderr)
        before = self.export("t_trip", DAY, DAY + 3600)
        self.assertEqual(before.column("metric"), ["speed, avg", 'say "hi"'])
        self.assertEqual(before.column("value"), [1.0, 2.5])
        self.assertEqual(before.column("who"), [hmac_hex("ann"), hmac_hex("bob")])
        exported = os.path.join(self.dir, "policy-exported")
        result = self.cli("policy", "export", exported)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(read_policy_dir(exported), read_policy_dir(written))
        # Importing what was exported changes nothing, not even the version.
        result = self.cli("policy", "import", exported)
        self.assertEqual(result.returncode, 0, result.stderr)
        after = self.export("t_trip", DAY + 3600, DAY + 7200)
        self.assertEqual(after.export["policy_version"], before.export["policy_version"])

    def test_bad_policy_is_refused_with_file_and_line_and_changes_nothing(self):
        self.create(Table("t_guard", [("t", "TIMESTAMP"), ("a", "TEXT"), ("b", "TEXT")],
                          [(wh_time(DAY + 1), "x", "y")]))
        good = (Policy().table("t_guard")
                .column("t_guard", "t", "nr")
                .column("t_guard", "a", "nr"))
        self.import_policy(good)
        snapshot = os.path.join(self.dir, "policy-before")
        self.assertEqual(self.cli("policy", "export", snapshot).returncode, 0)

        bad = (Policy().table("t_guard")                                   # export_tables:2
               .table("no_such_table")                                     # export_tables:3
               .column("t_guard", "t", "nr")                               # columns:2
               .column("t_guard", "a", "secret")                           # columns:3 bad code
               .column("t_guard", "b", "hwc", "mask:x")                    # columns:4 treatment
               .column("t_guard", "zz", "nr")                              # columns:5 no column
               .column("t_guard", "t", "de"))                              # columns:6 duplicate
        self.assert_policy_refused(bad.write(self.policy_dir()), [
            "export_tables.csv:3:", "data_column_classification.csv:3:",
            "data_column_classification.csv:4:", "data_column_classification.csv:5:",
            "data_column_classification.csv:6:"])
        # pii columns must be de or hwc with a treatment.
        leaky = (Policy().table("t_guard")
                 .column("t_guard", "t", "nr")
                 .column("t_guard", "a", "nr", pii=True))                  # columns:3
        self.assert_policy_refused(leaky.write(self.policy_dir()),
                                   ["data_column_classification.csv:3:"])
        # A missing file is named.
        missing = good.write(self.policy_dir())
        os.remove(os.path.join(missing, "long_table_data_classifications.csv"))
        self.assert_policy_refused(missing, ["long_table_data_classifications.csv"])

        # A malformed CSV line (an unterminated quote) is named by file and line.
        broken = good.write(self.policy_dir())
        with open(os.path.join(broken, "data_column_classification.csv"), "a") as f:
            f.write('t_guard,"b,nr,,false\n')
        self.assert_policy_refused(broken, ["data_column_classification.csv:4:"])

        after = os.path.join(self.dir, "policy-after")
        self.assertEqual(self.cli("policy", "export", after).returncode, 0)
        self.assertEqual(read_policy_dir(after), read_policy_dir(snapshot))
        out = self.export("t_guard")
        self.assert_exported(out, [("t", "TIMESTAMP"), ("a", "VARCHAR")],
                             [[iso(DAY + 1), "x"]])


if __name__ == "__main__":
    unittest.main()
