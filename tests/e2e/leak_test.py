#!/usr/bin/env python3
"""End to end: nothing forbidden ever leaves.

Exports the demo day with the real binary (uncompressed through `demo`, snappy and zstd through
`export`, one `export --table incident`), collects every personal value the warehouse holds
("markers": plates, reporter names, phones and e-mail addresses, and the phones, e-mail
addresses, names and plates inside free text), and checks every output file for them: every
value of every column as DuckDB reads it, the raw bytes of every uncompressed file and manifest,
and the shape of the treated columns (hashed plates, masked phones, nulled notes, dropped
columns).

Matching ~45,000 markers against ~100 MB of values per run is done by `grep -F` (a
multi-pattern fixed-string search, ~2 s per 100 MB); a trie-shaped Python `re` alternation took
about 6 times as long, plus 10 s to compile.

Environment: DE_EXE (the binary), DE_NODE (node), DE_NODE_DIR (tests/node with node_modules).
"""
import base64
import bisect
import binascii
import gzip
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import time
import unittest

from e2e_support import free_port

EXE = os.environ["DE_EXE"]
NODE = os.environ["DE_NODE"]
NODE_DIR = os.environ["DE_NODE_DIR"]

DAY = 1795132800  # 2026-11-20 00:00:00 UTC, the demo's day
HASH_KEY = "leak-test-hash-key-4c1f0e9a"

# Personal data in free text, found the way a reviewer would: e-mail addresses, Australian
# phone numbers (with or without spaces or dashes), and two capitalised words in a row (names;
# over-inclusive on purpose, e.g. "Contractor Olivia", which is harmless as a marker).
EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
PHONE_RE = re.compile(r"(?<![\d*])(?:\+61 ?|0)[2-478](?:[ -]?\d){8}(?!\d)")
NAME_RE = re.compile(r"(?=\b([A-Z][a-z]+ [A-Z][a-z]+)\b)")
PLATE_RE = re.compile(r"\b[A-Z]{3}[0-9]{3}\b")

# Ten values of the demo day's warehouse, picked by hand: the marker set must contain them, so
# the test cannot pass on an empty or wrong marker set.
HAND_PICKED = [
    "plates:NLL982",  # cctv row 1
    "plates_in_text:MJR146",  # cctv row 45: "Vehicle stopped in clearway, plate MJR146"
    "names:Amelia Walker",  # incident 1
    "names:Jack Taylor",  # incident 2
    "phones:0415 110 939",  # incident 1
    "phones:0486 355 026",  # incident 3: "...; witness can be reached on 0486 355 026"
    "emails:noah.wilson@contractor.example.net",  # incident 2
    "emails:lucas.nguyen@example.com",  # incident 17, in the description
    "emails:oliver.wilson@example.com",  # cctv row 25: "Footage requested by ..."
    "names_in_text:Wei Brown",  # cctv row 39: "Lane 2 blocked, called Wei Brown on ..."
]

# Columns that must never appear in any file (DESIGN.md §3.2/3.3: `drop`, `de`, unclassified).
FORBIDDEN_COLUMNS = {"reporter_name", "reporter_email", "firmware_version"}
HEX64 = re.compile(r"[0-9a-f]{64}")
MASKED = re.compile(r"\*+\d{3}")
# A base64-encoded gzip stream starts with these characters (1f 8b 08).
GZIP_BASE64 = b"H4sI"
BASE64_BYTES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")


def write_config(directory, codec, warehouse=None):
    path = os.path.join(directory, "de.toml")
    os.makedirs(directory, exist_ok=True)
    with open(path, "w") as f:
        f.write(f'[service]\ndata_dir = "{directory}/var"\nlog_format = "human"\n'
                f'[http]\nport = {free_port()}\n'
                f'[policy]\nhash_key = "{HASH_KEY}"\n'
                f'[export]\ncodec = "{codec}"\n')
        if warehouse:
            f.write(f'[warehouse]\npath = "{warehouse}"\n')
    return path


def table_of(path):
    """The table a data file belongs to: `{table}_NNN.parquet`."""
    match = re.fullmatch(r"(.+)_\d{3}\.parquet", os.path.basename(path))
    return match.group(1) if match else None


def grep_markers(pattern_file, paths):
    """Every (path, byte offset, marker) where a line of `pattern_file` occurs in one of `paths`,
    by a fixed-string multi-pattern search over raw bytes."""
    if not paths:
        return []
    out = subprocess.run(["grep", "-F", "-a", "-o", "-b", "-H", "-f", pattern_file, "--", *paths],
                         capture_output=True, timeout=600, env={**os.environ, "LC_ALL": "C"})
    if out.returncode not in (0, 1):
        raise AssertionError("grep failed: " + out.stderr.decode(errors="replace"))
    hits = []
    for line in out.stdout.split(b"\n"):
        if line:
            path, offset, marker = line.split(b":", 2)
            hits.append((path.decode(), int(offset), marker.decode(errors="replace")))
    return hits


def inside_gzip_base64(data, offset, length):
    """True if data[offset:offset+length] lies inside a run of base64 characters that starts
    with a gzip header: a compressed value, which is checked decoded instead."""
    start = data.rfind(GZIP_BASE64, max(0, offset - 200_000), offset + 1)
    if start < 0:
        return False
    run_end = start
    while run_end < len(data) and data[run_end] in BASE64_BYTES:
        run_end += 1
    return offset + length <= run_end


def json_strings(value):
    """Every string (keys included) inside a parsed JSON document."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from json_strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from json_strings(v)


class Markers:
    """Every personal value of the warehouse, by kind."""

    def __init__(self, warehouse):
        db = sqlite3.connect(f"file:{warehouse}?mode=ro", uri=True)

        def column(sql):
            return [row[0] for row in db.execute(sql) if row[0] is not None]

        self.plates = set(column("SELECT plate_number FROM cctv"))
        self.names = set(column("SELECT reporter_name FROM incident"))
        self.phones = set(column("SELECT reporter_phone FROM incident"))
        self.emails = set(column("SELECT reporter_email FROM incident"))
        self.firmware = set(column("SELECT firmware_version FROM cctv"))
        self.names_in_text = set()
        notes = column("SELECT operator_note FROM cctv")
        descriptions = column("SELECT description FROM incident")
        for text in notes + descriptions:
            self.emails.update(EMAIL_RE.findall(text))
            self.phones.update(PHONE_RE.findall(text))
        self.plates_in_text = set()
        for text in notes:
            self.names_in_text.update(NAME_RE.findall(text))
            self.plates_in_text.update(PLATE_RE.findall(text))
        self.cctv_rows = db.execute("SELECT count(*) FROM cctv").fetchone()[0]
        db.close()
        # Not personal, but forbidden all the same: the column no rule classifies.
        self.all = (self.plates | self.plates_in_text | self.names | self.phones | self.emails |
                    self.names_in_text | self.firmware)

    def write_patterns(self, path):
        for marker in self.all:
            # One pattern per line, found verbatim in raw bytes and in JSON text alike.
            assert len(marker) >= 6 and json.dumps(marker)[1:-1] == marker, repr(marker)
        with open(path, "w") as f:
            f.write("".join(m + "\n" for m in sorted(self.all)))


class Run:
    """One invocation of the binary on its own data directory, and what it wrote."""

    def __init__(self, root, name, codec, args, warehouse=None):
        self.name, self.codec, self.args = name, codec, args
        self.dir = os.path.join(root, name)
        self.config = write_config(self.dir, codec, warehouse)
        self.objects = os.path.join(self.dir, "var", "objects")
        self.process = None
        self.result = None
        self.seconds = 0.0

    def start(self):
        self.started = time.monotonic()
        self.process = subprocess.Popen([EXE, "--config", self.config, *self.args], cwd=self.dir,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def wait(self):
        stdout, stderr = self.process.communicate(timeout=900)
        self.seconds = time.monotonic() - self.started
        self.result = (self.process.returncode, stdout, stderr)

    def files(self):
        found = []
        for root, _, names in os.walk(self.objects):
            found.extend(os.path.join(root, n) for n in names)
        return sorted(found)

    def parquet_files(self):
        return [f for f in self.files() if f.endswith(".parquet")]

    def manifests(self):
        return [f for f in self.files() if os.path.basename(f) == "manifest"]


class Dump:
    """What DuckDB reads in the Parquet files of one run, cast to VARCHAR (dump_strings.mjs),
    saved as JSON lines; plus the decoded `*_compressed` values and the manifests' strings."""

    def __init__(self, run):
        self.values_path = os.path.join(run.dir, "values.jsonl")
        self.extra_path = os.path.join(run.dir, "decoded.jsonl")
        self.schemas = {}  # parquet file -> [(name, type)]
        self.rows = {}  # parquet file -> row count
        self.cells = {}  # (table, column) -> [value], for the treated columns only
        self.extra_sources = []  # one label per line of extra_path
        self.line_offsets = []  # of every line of values_path
        self.header_offsets, self.header_files = [], []
        paths = run.parquet_files()
        with open(self.values_path, "wb") as out:
            proc = subprocess.run([NODE, os.path.join(NODE_DIR, "dump_strings.mjs"), *paths],
                                  stdout=out, stderr=subprocess.PIPE, text=False, timeout=600,
                                  cwd=NODE_DIR)
        if proc.returncode != 0:
            raise AssertionError("duckdb reader failed: " + proc.stderr.decode(errors="replace"))
        with open(self.extra_path, "w") as extra:
            self._read_values(extra)
            for manifest in run.manifests():
                with open(manifest) as f:
                    for s in json_strings(json.load(f)):
                        self._extra(extra, s, manifest)

    def _extra(self, extra, text, label):
        extra.write(json.dumps(text, ensure_ascii=False) + "\n")
        self.extra_sources.append(label)

    def _read_values(self, extra):
        keep = {("cctv", "plate_number"), ("cctv", "operator_note"),
                ("incident", "reporter_phone")}
        with open(self.values_path, "rb") as f:
            offset = 0
            wanted, compressed, file = [], [], None
            for line in f:
                self.line_offsets.append(offset)
                if line.startswith(b"{"):
                    header = json.loads(line)
                    file = header["file"]
                    self.header_offsets.append(offset)
                    self.header_files.append(file)
                    columns = [(c["name"], c["type"]) for c in header["columns"]]
                    self.schemas[file] = columns
                    self.rows[file] = 0
                    table = table_of(file)
                    wanted = [(i, (table, n)) for i, (n, _) in enumerate(columns)
                              if (table, n) in keep]
                    for _, key in wanted:
                        self.cells.setdefault(key, [])
                    compressed = [(i, n) for i, (n, _) in enumerate(columns)
                                  if n.endswith("_compressed")]
                else:
                    self.rows[file] += 1
                    if wanted or compressed:
                        row = json.loads(line)
                        for i, key in wanted:
                            self.cells[key].append(row[i])
                        for i, name in compressed:
                            if row[i] is not None:
                                self._extra(extra, self._decode(row[i], file, name),
                                            f"{file} {name} (decoded)")
                offset += len(line)

    @staticmethod
    def _decode(value, file, column):
        try:
            return gzip.decompress(base64.b64decode(value, validate=True)).decode()
        except (binascii.Error, OSError, UnicodeDecodeError) as e:
            raise AssertionError(f"{file}: {column} is not base64 of gzip: {e}")

    def locate(self, path, offset):
        """Where a grep hit in the dump comes from: "file column" for a Parquet value, or the
        label of a decoded or manifest value."""
        if path != self.values_path:
            with open(self.extra_path, "rb") as f:
                return self.extra_sources[f.read(offset).count(b"\n")]
        file = self.header_files[bisect.bisect_right(self.header_offsets, offset) - 1]
        line = bisect.bisect_right(self.line_offsets, offset) - 1
        with open(self.values_path, "rb") as f:
            f.seek(self.line_offsets[line])
            row = json.loads(f.readline())
        hit = offset - self.line_offsets[line]
        # The column whose JSON-encoded value spans the hit.
        position = 1
        for (name, _), value in zip(self.schemas[file], row):
            position += len(json.dumps(value, ensure_ascii=False).encode()) + 1
            if hit < position:
                return f"{file} column {name}"
        return file


class HelperTest(unittest.TestCase):
    """The parts of the scan that the clean demo data never exercises."""

    def test_hits_inside_a_compressed_value_are_told_apart(self):
        payload = base64.b64encode(gzip.compress(b"POLYGON((144.9 -37.8))" * 500))
        data = b"\x05\x00\x00\x00ABC123" + b"\x10\x27\x00\x00" + payload + b"\x00XYZ789"
        inside = data.index(payload) + len(payload) // 2
        self.assertTrue(inside_gzip_base64(data, inside, 6))
        self.assertFalse(inside_gzip_base64(data, data.index(b"ABC123"), 6))
        self.assertFalse(inside_gzip_base64(data, data.index(b"XYZ789"), 6))
        # Base64 that is not gzip gives no cover.
        other = b"\x00" + base64.b64encode(b"x" * 300) + b"\x00"
        self.assertFalse(inside_gzip_base64(other, 40, 6))

    def test_grep_reports_every_marker_with_its_offset(self):
        with tempfile.TemporaryDirectory() as d:
            patterns, text = os.path.join(d, "p"), os.path.join(d, "t")
            with open(patterns, "w") as f:
                f.write("0412 345 678\nJane Citizen\n")
            with open(text, "wb") as f:
                f.write(b'["a","call 0412 345 678"]\n\x00\xffJane Citizen\n["0412345678"]\n')
            self.assertEqual(grep_markers(patterns, [text]),
                             [(text, 11, "0412 345 678"), (text, 28, "Jane Citizen")])


class LeakTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = tempfile.mkdtemp(prefix="de-e2e-leak-")
        try:
            cls.export_and_dump()
        except BaseException:
            shutil.rmtree(cls.root, ignore_errors=True)  # tearDownClass does not run
            raise

    @classmethod
    def export_and_dump(cls):
        timings = {}
        started = time.monotonic()
        demo = Run(cls.root, "demo-uncompressed", "uncompressed", ["demo", "--exit-after-export"])
        demo.start()
        demo.wait()
        warehouse = os.path.join(demo.dir, "var", "warehouse.db")
        span = ["--start", str(DAY), "--end", str(DAY + 86400)]
        cls.runs = [demo,
                    Run(cls.root, "export-snappy", "snappy", ["export", *span], warehouse),
                    Run(cls.root, "export-zstd", "zstd", ["export", *span], warehouse),
                    Run(cls.root, "export-incident", "uncompressed",
                        ["export", *span, "--table", "incident"], warehouse)]
        cls.markers = None
        if demo.result[0] == 0:
            cls.markers = Markers(warehouse)
            # The later runs start from the demo's policy: a copy of its metadata store.
            for run in cls.runs[1:]:
                os.makedirs(os.path.join(run.dir, "var"), exist_ok=True)
                source = sqlite3.connect(os.path.join(demo.dir, "var", "metadata.db"))
                target = sqlite3.connect(os.path.join(run.dir, "var", "metadata.db"))
                source.backup(target)
                target.close()
                source.close()
                run.start()
            for run in cls.runs[1:]:
                run.wait()
        timings["exports"] = time.monotonic() - started
        cls.patterns = os.path.join(cls.root, "markers.txt")
        cls.dumps = {}
        if cls.markers is not None:
            cls.markers.write_patterns(cls.patterns)
            started = time.monotonic()
            for run in cls.runs:
                if run.result[0] == 0:
                    cls.dumps[run.name] = Dump(run)
            timings["duckdb dumps"] = time.monotonic() - started
        cls.timings = timings

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.root, ignore_errors=True)

    def require_runs(self):
        for run in self.runs:
            code, stdout, stderr = run.result or (None, "", "not started: the demo run failed")
            self.assertEqual(code, 0, f"{run.name}: {stdout}\n{stderr}")
        self.assertIsNotNone(self.markers)

    def assert_no_leaks(self, leaks):
        if leaks:
            self.fail(f"{len(leaks)} personal values leaked, e.g.:\n  " + "\n  ".join(leaks[:20]))

    # --- the runs and the marker set are real -------------------------------------------------

    def test_runs_succeed_and_write_every_table(self):
        self.require_runs()
        print()
        for run in self.runs:
            print(f"  {run.name}: {run.seconds:.1f} s, {len(run.files())} files")
        for step, seconds in self.timings.items():
            print(f"  {step}: {seconds:.1f} s")
        for run in self.runs:
            tables = {table_of(f) for f in run.parquet_files()}
            expected = ({"incident"} if "--table" in run.args else
                        {"cctv", "incident", "way", "way_metrics_long"})
            self.assertEqual(tables, expected, run.name)
            self.assertEqual(len(run.manifests()), len(expected), run.name)
            dump = self.dumps[run.name]
            for manifest in run.manifests():
                with open(manifest) as f:
                    body = json.load(f)
                counted = sum(e["meta"]["record_count"] for e in body["entries"])
                files = [p for p in run.parquet_files()
                         if os.path.dirname(p) == os.path.dirname(manifest)]
                # DuckDB read every row the manifest promises: nothing was skipped unread.
                self.assertEqual(sum(dump.rows[p] for p in files), counted, manifest)
                self.assertGreater(counted, 0, manifest)

    def test_marker_set_is_large_and_holds_the_hand_picked_values(self):
        self.require_runs()
        m = self.markers
        self.assertGreater(len(m.all), 30000)
        self.assertGreater(len(m.plates), 30000)
        self.assertGreater(len(m.phones), 7000)
        self.assertGreater(len(m.emails), 500)
        self.assertGreater(len(m.names), 200)
        self.assertTrue(m.names & m.names_in_text, "no reporter name found inside the notes")
        self.assertGreater(len(m.plates_in_text), 100)
        for picked in HAND_PICKED:
            kind, value = picked.split(":", 1)
            self.assertIn(value, getattr(m, kind), picked)
        # The search itself finds markers where they are: in the warehouse file.
        found = {marker for _, _, marker in
                 grep_markers(self.patterns, [os.path.join(self.runs[0].dir, "var",
                                                           "warehouse.db")])}
        for picked in HAND_PICKED:
            self.assertIn(picked.split(":", 1)[1], found)

    # --- (a) every value DuckDB reads ------------------------------------------------------

    def test_no_marker_in_any_value(self):
        self.require_runs()
        leaks = []
        for run in self.runs:
            dump = self.dumps[run.name]
            for path, offset, marker in grep_markers(self.patterns,
                                                     [dump.values_path, dump.extra_path]):
                leaks.append(f"{run.name}: {marker!r} in {dump.locate(path, offset)}")
        self.assert_no_leaks(leaks)

    # --- (b) raw bytes of uncompressed files ------------------------------------------------

    def test_no_marker_in_raw_bytes(self):
        self.require_runs()
        leaks = []
        scanned = 0
        for run in self.runs:
            # Compressed Parquet pages are meaningless as bytes; their values are checked in (a).
            paths = [f for f in run.files()
                     if run.codec == "uncompressed" or not f.endswith(".parquet")]
            scanned += len(paths)
            cache = {}
            for path, offset, marker in grep_markers(self.patterns, paths):
                if path not in cache:
                    with open(path, "rb") as f:
                        cache[path] = f.read()
                if not inside_gzip_base64(cache[path], offset, len(marker.encode())):
                    leaks.append(f"{run.name}: {marker!r} at byte {offset} of {path}")
        self.assertGreaterEqual(scanned, 4 + 4 + 4 + 2 + 2)
        self.assert_no_leaks(leaks)

    # --- (c) the treated columns have their treated shape ------------------------------------

    def test_forbidden_columns_are_absent_from_files_and_manifests(self):
        self.require_runs()
        for run in self.runs:
            for file, columns in self.dumps[run.name].schemas.items():
                names = {n for n, _ in columns}
                self.assertFalse(names & FORBIDDEN_COLUMNS, f"{file}: {names & FORBIDDEN_COLUMNS}")
            for manifest in run.manifests():
                with open(manifest) as f:
                    body = json.load(f)
                names = {e["name"] for e in body["schema"]["elements"]}
                self.assertFalse(names & FORBIDDEN_COLUMNS, manifest)
                if body["export"]["table"] == "cctv":
                    # The column no rule classifies is reported, not exported.
                    self.assertIn("firmware_version", body["export"]["unclassified_columns"])

    def cells(self, run, table, column):
        dump = self.dumps[run.name]
        for file, columns in dump.schemas.items():
            if table_of(file) == table:
                self.assertIn(column, [n for n, _ in columns], f"{file} lacks {column}")
        return dump.cells.get((table, column), [])

    def test_plate_numbers_are_keyed_hashes(self):
        self.require_runs()
        unkeyed = {hashlib.sha256(p.encode()).hexdigest() for p in self.markers.plates}
        hashes_by_run = {}
        for run in self.runs:
            if "--table" in run.args:
                continue
            values = self.cells(run, "cctv", "plate_number")
            self.assertEqual(len(values), self.markers.cctv_rows, run.name)
            hashes = {v for v in values if v is not None}
            bad = [v for v in hashes if not HEX64.fullmatch(v)]
            self.assertEqual(bad[:5], [], f"{run.name}: plate_number values are not 64 hex")
            self.assertFalse(hashes & unkeyed, f"{run.name}: plates hashed without the key")
            # Equal plates give equal pseudonyms, different plates different ones.
            self.assertEqual(len(hashes), len(self.markers.plates), run.name)
            hashes_by_run[run.name] = hashes
        # Same key, same pseudonyms in every run and codec: joins across exports still work.
        self.assertEqual(len({frozenset(h) for h in hashes_by_run.values()}), 1)

    def test_reporter_phones_are_masked(self):
        self.require_runs()
        for run in self.runs:
            values = [v for v in self.cells(run, "incident", "reporter_phone") if v is not None]
            self.assertGreater(len(values), 1000, run.name)
            bad = [v for v in values if not MASKED.fullmatch(v)]
            self.assertEqual(bad[:5], [], f"{run.name}: reporter_phone values are not masked")

    def test_operator_notes_are_all_null(self):
        self.require_runs()
        for run in self.runs:
            if "--table" in run.args:
                continue
            values = self.cells(run, "cctv", "operator_note")
            self.assertEqual(len(values), self.markers.cctv_rows, run.name)
            self.assertEqual([v for v in values if v is not None][:5], [], run.name)


if __name__ == "__main__":
    unittest.main()
