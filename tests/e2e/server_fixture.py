"""Shared helpers of the API end-to-end tests (api_test.py, api_load_test.py, api_crash_test.py).

- `demo_template()`: once per process, `data-exporter demo --exit-after-export` in a temporary
  directory gives the demo warehouse and its policy (exported as CSV with `policy export`).
- `DataDir`: a fresh data directory whose config points at the template's warehouse, with the
  demo policy imported (`policy import`) and no request yet; plus extra TOML for a test.
- `Server`: `data-exporter serve --port 0` on a DataDir; waits for its "serving on" line and
  reads the port from it; `stop()` sends SIGTERM and asserts a clean exit and a closed port;
  `kill()` sends SIGKILL. Its output is drained by a thread (kept for failure messages).
- `Client`: GraphQL over HTTP with Python `requests` (the original system's callers).
- `Expectation`: what the policy lets out of the warehouse for a range, computed here from the
  warehouse (Python sqlite3) and the policy CSV files, to compare with what DuckDB reads from
  the downloaded files (tests/node/read_rows.mjs).

Environment: DE_EXE (the binary), DE_NODE (node), DE_NODE_DIR (tests/node with node_modules).
"""
import atexit
import collections
import csv
import decimal
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import threading
import time

import requests

import e2e_support
from e2e_support import duckdb_facts, half_away, iso_micros, mask, micros_of, read_rows

EXE = os.environ["DE_EXE"]
from e2e_support import NODE, NODE_DIR  # noqa: F401 (re-exported for the API tests)

DAY = 1_795_132_800  # 2026-11-20T00:00:00Z, the demo warehouse's day (src/cli/demo.cc)
DAY_END = DAY + 86_400
HASH_KEY = "api-e2e-hash-key-6f1d2c"  # [policy] hash_key of every data directory here
TABLES = ("cctv", "incident", "way", "way_metrics_long")  # the demo's enabled export tables
NOT_REQUESTED = "Request has not been requested"
GRAPHQL_RESPONSE = "application/graphql-response+json"
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
SERVING_RE = re.compile(r"serving on http://(\[[^\]]+\]|[^\s:/]+):(\d+)")


def run_cli(config, *args, timeout=300, env=None):
    """Runs the binary with `--config config`; returns the CompletedProcess (text)."""
    return subprocess.run([EXE, "--config", config, *args], capture_output=True, text=True,
                          timeout=timeout, env=env)


def token_hash(token):
    """How configuration stores a bearer token: "sha256:<hex of SHA-256 of the token>"."""
    return "sha256:" + hashlib.sha256(token.encode()).hexdigest()


def api_tokens_toml(tokens=(), admin_tokens=()):
    """The [api] section that configures bearer tokens (stored hashed)."""
    def array(values):
        return "[" + ", ".join(json.dumps(token_hash(v)) for v in values) + "]"
    return f"[api]\ntokens = {array(tokens)}\nadmin_tokens = {array(admin_tokens)}\n"


# --- the demo warehouse and policy, made once per process --------------------------------------

class Template:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="de-api-template-")
        self.config = os.path.join(self.dir, "de.toml")
        self.warehouse = os.path.join(self.dir, "var", "warehouse.db")
        self.policy_dir = os.path.join(self.dir, "policy")
        with open(self.config, "w") as f:
            f.write(f'[service]\ndata_dir = "{self.dir}/var"\nlog_format = "human"\n'
                    f'[policy]\nhash_key = "{HASH_KEY}"\n')
        demo = run_cli(self.config, "demo", "--exit-after-export", "--port", "0")
        if demo.returncode != 0:
            raise AssertionError("demo failed: " + demo.stdout + demo.stderr)
        exported = run_cli(self.config, "policy", "export", self.policy_dir)
        if exported.returncode != 0:
            raise AssertionError("policy export failed: " + exported.stderr)

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


_template = None
_template_lock = threading.Lock()


def demo_template():
    global _template
    with _template_lock:
        if _template is None:
            _template = Template()
            atexit.register(_template.cleanup)
        return _template


class DataDir:
    """A fresh data directory on the demo warehouse and policy, with no request yet."""

    def __init__(self, extra_toml="", prefix="de-api-"):
        template = demo_template()
        self.template = template
        self.dir = tempfile.mkdtemp(prefix=prefix)
        self.var = os.path.join(self.dir, "var")
        self.objects = os.path.join(self.var, "objects")
        self.metadata = os.path.join(self.var, "metadata.db")
        self.warehouse = template.warehouse
        self.policy_dir = template.policy_dir
        self.config = os.path.join(self.dir, "de.toml")
        with open(self.config, "w") as f:
            f.write(f'[service]\ndata_dir = "{self.var}"\nlog_format = "human"\n'
                    f'[warehouse]\npath = "{template.warehouse}"\n'
                    f'[policy]\nhash_key = "{HASH_KEY}"\n'
                    # The API tests watch the request queue alone; daily_test.py runs the
                    # scheduler.
                    f'[schedule]\ncron = "off"\n{extra_toml}')
        imported = run_cli(self.config, "policy", "import", template.policy_dir)
        if imported.returncode != 0:
            raise AssertionError("policy import failed: " + imported.stdout + imported.stderr)

    def files(self):
        """Every file under the object store root, relative to it."""
        found = []
        for root, _, names in os.walk(self.objects):
            found.extend(os.path.relpath(os.path.join(root, n), self.objects) for n in names)
        return sorted(found)

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


# --- the server ---------------------------------------------------------------------------------

def port_open(host, port):
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


class Server:
    """`data-exporter serve --port 0` on a DataDir. Use as a context manager or start()/stop()."""

    def __init__(self, data, env=None):
        self.data = data
        self.env = env
        self.process = None
        self.host = None
        self.port = None
        self._lines = []
        self._lock = threading.Lock()
        self._serving = threading.Event()
        self._reader = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, kind, value, tb):
        if self.process is not None and self.process.poll() is None:
            self.stop()

    def start(self, timeout=60):
        env = None if self.env is None else {**os.environ, **self.env}
        self.process = subprocess.Popen(
            [EXE, "--config", self.data.config, "serve", "--port", "0"], cwd=self.data.dir,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace",
            env=env)
        self._serving.clear()
        self._reader = threading.Thread(target=self._read, args=(self.process,), daemon=True)
        self._reader.start()
        deadline = time.monotonic() + timeout
        while not self._serving.wait(0.05):
            if self.process.poll() is not None or time.monotonic() > deadline:
                if self.process.poll() is None:
                    self.process.kill()
                self.process.wait()
                self._reader.join(5)
                self.process.stdout.close()
                raise AssertionError(f"server did not start (exit {self.process.returncode}):\n"
                                     + self.log())
        return self

    def _read(self, process):
        for line in process.stdout:
            with self._lock:
                self._lines.append(line)
            match = SERVING_RE.search(line)
            if match and not self._serving.is_set():
                self.host = match.group(1).strip("[]")
                self.port = int(match.group(2))
                self._serving.set()

    def log(self):
        with self._lock:
            return "".join(self._lines)

    def url(self, path="/graphql"):
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}{path}"

    def stop(self, timeout=30):
        """SIGTERM; asserts exit status 0 and that the port no longer accepts connections."""
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError(f"server did not stop within {timeout} s:\n" + self.log())
        self._reader.join(10)
        self.process.stdout.close()
        if code != 0:
            raise AssertionError(f"server exited with {code}:\n" + self.log())
        if port_open(self.host, self.port):
            raise AssertionError(f"port {self.port} still accepts connections after stop")

    def kill(self):
        """SIGKILL, as a crash or an OOM killer would."""
        self.process.send_signal(signal.SIGKILL)
        code = self.process.wait(timeout=30)
        self._reader.join(10)
        self.process.stdout.close()
        if code != -signal.SIGKILL:
            raise AssertionError(f"server exit {code} after SIGKILL:\n" + self.log())


# --- GraphQL over HTTP with requests -------------------------------------------------------------

class Reply:
    """One HTTP answer: status, content type and the parsed JSON body (None if not JSON)."""

    def __init__(self, response):
        self.status = response.status_code
        self.headers = response.headers
        self.content_type = response.headers.get("Content-Type", "")
        self.text = response.text
        try:
            self.body = response.json()
        except ValueError:
            self.body = None

    @property
    def data(self):
        return None if self.body is None else self.body.get("data")

    @property
    def errors(self):
        return [] if self.body is None else (self.body.get("errors") or [])

    def codes(self):
        return [(e.get("extensions") or {}).get("code") for e in self.errors]

    def __repr__(self):
        return f"<HTTP {self.status} {self.content_type} {self.text[:2000]!r}>"


class Client:
    """GraphQL over HTTP against one server. Not thread-safe (one requests.Session): make one
    per thread."""

    def __init__(self, server, token=None, timeout=30):
        self.server = server
        self.token = token
        self.timeout = timeout
        self.session = requests.Session()

    def headers(self, accept, token):
        headers = {}
        if accept is not None:
            headers["Accept"] = accept
        token = self.token if token is None else token
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return headers

    def post(self, query, variables=None, operation_name=None, accept=None, token=None,
             timeout=None):
        """POSTs {"query", "variables"?, "operationName"?} as JSON. accept=None sends requests'
        default (Accept: */*), as the original system's Python callers did."""
        body = {"query": query}
        if variables is not None:
            body["variables"] = variables
        if operation_name is not None:
            body["operationName"] = operation_name
        response = self.session.post(self.server.url(), json=body,
                                     headers=self.headers(accept, token),
                                     timeout=timeout or self.timeout)
        return Reply(response)

    def post_raw(self, data, content_type="application/json", accept=GRAPHQL_RESPONSE,
                 token=None):
        headers = self.headers(accept, token)
        headers["Content-Type"] = content_type
        return Reply(self.session.post(self.server.url(), data=data, headers=headers,
                                       timeout=self.timeout))

    def get(self, params, accept=GRAPHQL_RESPONSE, token=None):
        return Reply(self.session.get(self.server.url(), params=params,
                                      headers=self.headers(accept, token), timeout=self.timeout))

    def healthz(self, timeout=None):
        return self.session.get(self.server.url("/healthz"), timeout=timeout or self.timeout)

    # The original system's two mutations, as its callers wrote them (literal arguments).
    def request_data(self, start, end):
        return self.post(f"mutation {{ requestData(startTime: {start}, endTime: {end}) }}")

    def request_status(self, request_id):
        return self.post(f'mutation {{ requestStatus(requestId: "{request_id}") '
                         "{ status progress dataRequestDownloadLinks } }")

    def submit(self, start, end):
        """requestData; returns the id, or raises with the answer."""
        reply = self.request_data(start, end)
        if reply.status != 200 or reply.errors or not reply.data:
            raise AssertionError(f"requestData({start}, {end}) failed: {reply!r}")
        return reply.data["requestData"]

    def wait_completed(self, request_id, timeout=120, interval=0.1):
        """Polls requestStatus until the request leaves "In Progress". Returns (final status
        object, [(status, progress), ...] as observed)."""
        seen = []
        deadline = time.monotonic() + timeout
        while True:
            reply = self.request_status(request_id)
            if reply.status != 200 or reply.errors:
                raise AssertionError(f"requestStatus({request_id}) failed: {reply!r}")
            status = reply.data["requestStatus"]
            seen.append((status["status"], status["progress"]))
            if status["status"] != "In Progress":
                return status, seen
            if time.monotonic() > deadline:
                raise AssertionError(f"request {request_id} still In Progress after {timeout} s; "
                                     f"last progress {status['progress']}")
            time.sleep(interval)

    def assert_healthy(self, test):
        """/healthz answers 200, and a normal query works."""
        health = self.healthz(timeout=10)
        test.assertEqual(health.status_code, 200, health.text)
        reply = self.post("{ __typename }", accept=GRAPHQL_RESPONSE)
        test.assertEqual((reply.status, reply.body), (200, {"data": {"__typename": "Query"}}),
                         repr(reply))


# --- what the policy lets out of the warehouse --------------------------------------------------

def read_policy(policy_dir):
    """The four policy CSV files as lists of dicts."""
    out = {}
    for name in ("export_tables", "data_column_classification", "actual_data_classifications",
                 "long_table_data_classifications"):
        with open(os.path.join(policy_dir, name + ".csv"), newline="") as f:
            out[name] = list(csv.DictReader(f))
    return out


# Treatments whose result this module computes exactly; a column with another treatment
# (scrub, round_coords, compress) is compared by presence only.
EXACT_TREATMENTS = re.compile(r"^(|null|hash|mask:\d+|round:\d+|truncate_time:(hour|day))$")
UNSET = object()  # a cell this module does not compute


class TablePolicy:
    def __init__(self, policy, table):
        rows = [t for t in policy["export_tables"] if t["table_name"] == table][0]
        self.table = table
        self.time_column = rows["time_column"]
        self.source_column = rows["source_column"] or None
        self.metric_column = rows["metric_column"] or None
        self.columns = {c["column_name"]: c for c in policy["data_column_classification"]
                        if c["table_name"] == table}
        self.sources = {s["source"]: s["classification"]
                        for s in policy["actual_data_classifications"]}
        self.metrics = {m["metric_name"]: m for m in policy["long_table_data_classifications"]
                        if m["table_name"] == table}

    def allowed_columns(self):
        """The columns a file of this table holds (DESIGN.md §3.2/3.3)."""
        allowed = set()
        for name, rule in self.columns.items():
            code, treatment = rule["classification"], rule["treatment"]
            if code == "de" or treatment == "drop" or (code == "hwc" and not treatment):
                continue
            allowed.add(name)
            if treatment == "compress":
                allowed.add(name + "_compressed")
        return allowed

    def keeps_row(self, row):
        if self.metric_column is None:
            return True
        rule = self.metrics.get(row[self.metric_column])
        return rule is not None and rule["classification"] != "de"


def hmac_hex(value):
    return e2e_support.hmac_hex(HASH_KEY, value)


def apply_treatment(value, treatment, duck_type):
    """`treatment` applied to the warehouse `value`; UNSET when not computed here."""
    if value is None:
        return None
    if treatment == "":
        return value
    if treatment == "null":
        return None
    if treatment == "hash":
        return hmac_hex(value)
    if treatment.startswith("mask:"):
        return mask(value, int(treatment[5:]))
    if treatment.startswith("round:") and duck_type in ("DOUBLE", "FLOAT"):
        return float(half_away(repr(float(value)), int(treatment[6:])))
    if treatment.startswith("truncate_time:"):
        unit = 3_600_000_000 if treatment.endswith("hour") else 86_400_000_000
        return ("micros", micros_of(value) // unit * unit)
    return UNSET


def cell(value, duck_type):
    """A warehouse value (or a treated one) in the form read_rows.mjs prints for `duck_type`."""
    if value is None or value is UNSET:
        return value
    utc = duck_type == "TIMESTAMP WITH TIME ZONE"
    if isinstance(value, tuple) and value[0] == "micros":
        return iso_micros(value[1], utc)
    if duck_type in ("BIGINT", "HUGEINT", "UBIGINT"):
        return str(int(value))
    if duck_type in ("INTEGER", "SMALLINT", "TINYINT"):
        return int(value)
    if duck_type in ("DOUBLE", "FLOAT"):
        return float(value)
    if duck_type.startswith("DECIMAL"):
        scale = int(duck_type.rstrip(")").split(",")[1])
        text = repr(value) if isinstance(value, float) else str(value)
        return format(decimal.Decimal(text).quantize(decimal.Decimal(1).scaleb(-scale)), "f")
    if duck_type == "BOOLEAN":
        return bool(int(value))
    if duck_type in ("TIMESTAMP", "TIMESTAMP WITH TIME ZONE"):
        return iso_micros(micros_of(value), utc)
    return str(value)


class Expectation:
    """What a file set of `table` for [start, end) must hold, from the warehouse and policy."""

    def __init__(self, warehouse, policy_dir, table, start, end):
        self.policy = TablePolicy(read_policy(policy_dir), table)
        db = sqlite3.connect(f"file:{warehouse}?mode=ro", uri=True)
        db.row_factory = sqlite3.Row
        self.rows = []
        lo, hi = start * 1_000_000, end * 1_000_000
        for row in db.execute(f'SELECT * FROM "{table}"'):
            row = dict(row)
            moment = row[self.policy.time_column]
            if moment is None or not lo <= micros_of(moment) < hi:
                continue
            if self.policy.keeps_row(row):
                self.rows.append(row)
        db.close()

    def _rule_for_cell(self, row, column):
        """The treatment a cell gets ("" = as is), None for NULL, or UNSET."""
        rule = self.policy.columns[column]
        code, treatment = rule["classification"], rule["treatment"]
        if code != "mx":
            return treatment
        if self.policy.metric_column is not None:  # mx by metric (long tables)
            metric = self.policy.metrics[row[self.policy.metric_column]]
            if metric["classification"] == "nr":
                return ""
            if metric["classification"] == "hwc":
                return metric["treatment"] or None
        source = row.get(self.policy.source_column) if self.policy.source_column else None
        by_source = self.policy.sources.get(source, "de") if source is not None else "de"
        if by_source == "nr":
            return ""
        if by_source == "hwc":
            return treatment or None
        return None

    def comparable_columns(self, file_columns):
        """The columns of a file whose every cell is computed here."""
        out = []
        for name, _ in file_columns:
            rule = self.policy.columns.get(name)
            if rule is not None and EXACT_TREATMENTS.match(rule["treatment"]):
                out.append(name)
        return out

    def expected_tuples(self, columns, types):
        """Counter of the rows projected on `columns`, as read_rows.mjs would print them."""
        out = collections.Counter()
        for row in self.rows:
            cells = []
            for column in columns:
                treatment = self._rule_for_cell(row, column)
                if treatment is None:
                    cells.append(None)
                    continue
                cells.append(cell(apply_treatment(row[column], treatment, types[column]),
                                  types[column]))
            if UNSET in cells:
                raise AssertionError(f"{self.policy.table}: a cell of {columns} is not computed")
            out[tuple(cells)] += 1
        return out


def download(links, directory, session=None):
    """Downloads every link of dataRequestDownloadLinks ({table: [url, ...]}) with requests.
    Returns {table: [local path, ...]}; raises on a non-200 answer."""
    session = session or requests.Session()
    out = {}
    for table, urls in links.items():
        os.makedirs(os.path.join(directory, table), exist_ok=True)
        out[table] = []
        for i, url in enumerate(urls):
            response = session.get(url, timeout=120)
            if response.status_code != 200:
                raise AssertionError(f"GET {url}: HTTP {response.status_code} {response.text}")
            path = os.path.join(directory, table, f"{i:03d}.parquet")
            with open(path, "wb") as f:
                f.write(response.content)
            out[table].append(path)
    return out


def check_table_files(test, data, table, paths, start, end):
    """Asserts that the downloaded files of `table` hold exactly what the policy lets out of
    the warehouse for [start, end): the allowed columns and no other, the rows in range after
    the row rules, and every computable cell's value. Returns the row count."""
    expectation = Expectation(data.warehouse, data.policy_dir, table, start, end)
    allowed = expectation.policy.allowed_columns()
    got = collections.Counter()
    columns = None
    for path in paths:
        content = read_rows(path)
        file_columns = [(c["name"], c["type"]) for c in content["columns"]]
        test.assertEqual({c for c, _ in file_columns}, allowed, f"{table}: columns of {path}")
        if columns is None:
            columns = expectation.comparable_columns(file_columns)
            types = dict(file_columns)
            index = [[c for c, _ in file_columns].index(c) for c in columns]
        test.assertEqual(expectation.comparable_columns(file_columns), columns, path)
        for row in content["rows"]:
            got[tuple(row[i] for i in index)] += 1
    total = sum(got.values())
    test.assertEqual(total, len(expectation.rows), f"{table}: rows in [{start}, {end})")
    if paths:
        want = expectation.expected_tuples(columns, types)
        missing, extra = want - got, got - want
        test.assertFalse(missing or extra,
                         f"{table}: columns {columns}: {sum(missing.values())} expected rows "
                         f"missing, e.g. {list(missing)[:3]}; {sum(extra.values())} unexpected, "
                         f"e.g. {list(extra)[:3]}")
    return total
