"""Helpers every end-to-end test shares: free ports, the independent DuckDB readers
(tests/node/*.mjs), and the expected values of the policy's treatments computed without the
binary (decimal rounding, HMAC, timestamps as read_rows.mjs prints them).

Environment: DE_NODE (node), DE_NODE_DIR (tests/node with node_modules).
"""
import datetime
import decimal
import hashlib
import hmac
import json
import os
import socket
import subprocess

NODE = os.environ["DE_NODE"]
NODE_DIR = os.environ["DE_NODE_DIR"]
UTC = datetime.timezone.utc


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_node(script, *args, timeout=300):
    """Runs tests/node/`script` and returns its JSON output; AssertionError when it fails."""
    out = subprocess.run([NODE, os.path.join(NODE_DIR, script), *args], capture_output=True,
                         text=True, timeout=timeout, cwd=NODE_DIR)
    if out.returncode != 0:
        raise AssertionError(f"DuckDB reader {script} failed on {list(args)}: {out.stderr}")
    return json.loads(out.stdout)


def duckdb_facts(paths):
    """{path: {"rows": N, "columns": [...]}} as DuckDB reads each file (parquet_facts.mjs)."""
    return run_node("parquet_facts.mjs", *paths)


def read_rows(path):
    """What DuckDB reads from one Parquet file (read_rows.mjs)."""
    return run_node("read_rows.mjs", path)


def iso_micros(micros, utc=False):
    """How read_rows.mjs prints a timestamp of `micros` since the epoch."""
    moment = datetime.datetime(1970, 1, 1) + datetime.timedelta(microseconds=micros)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f") + ("Z" if utc else "")


def micros_of(value):
    """Microseconds since the epoch of a warehouse time value: integer or real epoch seconds,
    or text 'YYYY-MM-DD HH:MM:SS[.ffffff][offset]' (no offset = UTC)."""
    if isinstance(value, int):
        return value * 1_000_000
    if isinstance(value, float):
        return round(value * 1_000_000)
    moment = datetime.datetime.fromisoformat(value.replace("T", " ").replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    delta = moment - datetime.datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def half_away(text, digits):
    """`text` (a decimal number) rounded half away from zero to `digits` decimals."""
    return decimal.Decimal(text).quantize(decimal.Decimal(1).scaleb(-digits),
                                          rounding=decimal.ROUND_HALF_UP)


def hmac_hex(key, value):
    """The hash treatment: HMAC-SHA256 under `key` of the value's bytes (integers: decimal)."""
    if value is None:
        return None
    if isinstance(value, int):
        message = str(value).encode()
    elif isinstance(value, str):
        message = value.encode()
    else:
        message = bytes(value)
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def mask(value, keep):
    """mask:N: the last N code points kept, every earlier one '*'."""
    if value is None:
        return None
    hidden = max(0, len(value) - keep)
    return "*" * hidden + value[hidden:]
