#!/usr/bin/env python3
"""End to end: `data-exporter run-daily` on the demo warehouse: the daily layout with the
classifications folder, files DuckDB reads with the same rows as the on-demand export of the same
range, the JSON-lines and signed-webhook notifications, idempotent and forced reruns, the exit
codes a CronJob alerts on, and bad input refused without changing anything.

Environment: DE_EXE (the binary), DE_NODE (node), DE_NODE_DIR (tests/node with node_modules).
"""
import hashlib
import hmac
import http.server
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import threading
import time
import types
import unittest

from e2e_support import duckdb_facts, free_port, read_rows
from server_fixture import Client, Server

EXE = os.environ["DE_EXE"]
DEMO_DAY = "2026-11-20"  # the demo warehouse's day, 00:00-24:00 UTC
DEMO_START = 1_795_132_800
SECRET = "webhook-signing-secret"
CLASSIFICATIONS = ["export_tables", "data_column_classification", "actual_data_classifications",
                   "long_table_data_classifications"]


class Receiver(http.server.ThreadingHTTPServer):
    """Collects webhook POSTs; answers `status` (500 makes the notifier retry)."""

    def __init__(self):
        self.posts = []
        self.status = 200
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.posts.append((dict(self.headers), body))
                self.send_response(outer.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}/hook"

    def stop(self):
        self.shutdown()
        self.server_close()
        self.thread.join(timeout=10)


def tree(directory):
    """{relative path: (size, mtime_ns)} of every file under `directory`."""
    result = {}
    for root, _, files in os.walk(directory):
        for name in files:
            path = os.path.join(root, name)
            st = os.stat(path)
            result[os.path.relpath(path, directory)] = (st.st_size, st.st_mtime_ns)
    return result


class DailyTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="de-e2e-daily-")
        cls.receiver = Receiver()
        with open(os.path.join(cls.dir, "hash.key"), "w") as f:
            f.write(os.urandom(32).hex() + "\n")
        cls.config = cls.write_config("de.toml", cls.receiver.url())
        # The demo creates the warehouse and exports the same day on demand, for comparison.
        demo = cls.run_exe(["demo", "--exit-after-export"])
        assert demo.returncode == 0, demo.stderr
        cls.first = cls.run_exe(["run-daily", "--date", DEMO_DAY])
        cls.objects = os.path.join(cls.dir, "var", "objects")
        cls.day_dir = os.path.join(cls.objects, "exports", "dev", "2026", "11", "20")

    @classmethod
    def tearDownClass(cls):
        cls.receiver.stop()
        shutil.rmtree(cls.dir, ignore_errors=True)

    @classmethod
    def write_config(cls, name, webhook, extra=""):
        path = os.path.join(cls.dir, name)
        with open(path, "w") as f:
            f.write(f'[service]\ndata_dir = "{cls.dir}/var"\nlog_format = "human"\n'
                    f'[http]\nport = {free_port()}\n'
                    f'[schedule]\ntime_zone = "UTC"\n'
                    f'[export]\nretry_initial_backoff_ms = 10\n'
                    f'[policy]\nhash_key_file = "{cls.dir}/hash.key"\n'
                    f'[notify]\nfile = "{cls.dir}/notifications.jsonl"\n'
                    f'webhook_urls = ["{webhook}"]\nwebhook_timeout_ms = 2000\n{extra}')
        return path

    @classmethod
    def run_exe(cls, args, config=None, env_extra=None):
        env = dict(os.environ)
        env["DATA_EXPORTER_NOTIFY_WEBHOOK_SECRET"] = SECRET
        env.update(env_extra or {})
        return subprocess.run([EXE, "--config", config or cls.config] + args, cwd=cls.dir,
                              capture_output=True, text=True, timeout=600, env=env)

    def tables(self):
        db = sqlite3.connect(os.path.join(self.dir, "var", "metadata.db"))
        try:
            return [r[0] for r in db.execute(
                "SELECT table_name FROM export_tables WHERE enabled ORDER BY table_name")]
        finally:
            db.close()

    def notifications(self):
        with open(os.path.join(self.dir, "notifications.jsonl")) as f:
            return [json.loads(line) for line in f]

    def test_1_first_run_writes_the_daily_layout_and_summary(self):
        self.assertEqual(self.first.returncode, 0, self.first.stdout + self.first.stderr)
        out = self.first.stdout
        self.assertIn(f"daily run {DEMO_DAY} (2026-11-20T00:00:00Z .. 2026-11-21T00:00:00Z, UTC): "
                      "SUCCESS", out)
        tables = self.tables()
        self.assertGreaterEqual(len(tables), 4)
        for table in tables:
            self.assertRegex(out, rf"\n{table} +COMPLETED +1 ")
        self.assertIn("classifications: COMPLETED", out)
        self.assertEqual(sorted(os.listdir(self.day_dir)), sorted(tables + ["classifications"]))
        self.assertEqual(sorted(os.listdir(os.path.join(self.day_dir, "classifications"))),
                         sorted(c + ".parquet" for c in CLASSIFICATIONS))
        # No staging or temporary leftovers anywhere.
        self.assertFalse(os.path.exists(os.path.join(self.objects, "exports", "dev", "_staging")))

    def test_2_files_hold_the_same_rows_as_the_on_demand_export(self):
        on_demand = os.path.join(self.objects, "exports", "dev", "data_exporter_service")
        for table in self.tables():
            daily = sorted(os.listdir(os.path.join(self.day_dir, table)))
            self.assertEqual(daily[0], f"{table}_000.parquet")
            other = os.path.join(on_demand, table, "20261120", f"{DEMO_START}_{DEMO_START + 86400}")
            others = sorted(f for f in os.listdir(other) if f.endswith(".parquet"))
            self.assertEqual(daily, others, table)
            for name in daily:
                mine = read_rows(os.path.join(self.day_dir, table, name))
                theirs = read_rows(os.path.join(other, name))
                self.assertEqual(mine["columns"], theirs["columns"], f"{table}/{name}")
                self.assertEqual(mine["rows"], theirs["rows"], f"{table}/{name}")
                self.assertGreater(len(mine["rows"]), 0, f"{table}/{name}")

    def test_3_classification_files_are_the_policy_tables(self):
        paths = [os.path.join(self.day_dir, "classifications", c + ".parquet")
                 for c in CLASSIFICATIONS]
        facts = duckdb_facts(paths)
        db = sqlite3.connect(os.path.join(self.dir, "var", "metadata.db"))
        try:
            for name, path in zip(CLASSIFICATIONS, paths):
                (count,) = db.execute(f"SELECT COUNT(*) FROM {name}").fetchone()
                self.assertEqual(facts[path]["rows"], count, name)
            sources = read_rows(paths[2])
            self.assertEqual([c["name"] for c in sources["columns"]], ["source", "classification"])
            self.assertEqual(dict(sources["rows"]), dict(db.execute(
                "SELECT source, classification FROM actual_data_classifications")))
        finally:
            db.close()

    def test_4_notifications_are_written_and_the_webhook_is_signed(self):
        runs = [n for n in self.notifications() if n["run_date"] == DEMO_DAY]
        self.assertGreaterEqual(len(runs), 1)
        first = runs[0]
        self.assertEqual(first["status"], "SUCCESS")
        self.assertEqual(first["range"]["start"], DEMO_START)
        self.assertEqual(first["counts"]["failed"], 0)
        self.assertEqual(sorted(t["table"] for t in first["tables"]), self.tables())
        for t in first["tables"]:
            self.assertEqual(t["rows_read"], t["rows_dropped_by_policy"] + t["rows_written"])
        headers, body = self.receiver.posts[0]
        self.assertEqual(json.loads(body)["run_date"], DEMO_DAY)
        expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        self.assertEqual(headers["X-Data-Exporter-Signature"], expected)
        self.assertEqual(headers["X-Data-Exporter-Event"], "daily-run")

    def test_5_a_second_run_writes_nothing_and_force_replaces(self):
        before = tree(self.objects)
        again = self.run_exe(["run-daily", "--date", DEMO_DAY])
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertIn("SKIPPED", again.stdout)
        self.assertIn("classifications: already there (skipped)", again.stdout)
        self.assertEqual(tree(self.objects), before)

        forced = self.run_exe(["run-daily", "--date", DEMO_DAY, "--force", "--table", "way"])
        self.assertEqual(forced.returncode, 0, forced.stderr)
        after = tree(self.objects)
        self.assertEqual(sorted(after), sorted(before))
        for path, (size, mtime) in before.items():
            if "/2026/11/20/way/" in "/" + path:
                self.assertEqual(after[path][0], size, path)  # deterministic bytes
                self.assertNotEqual(after[path][1], mtime, path)  # written again
            else:
                self.assertEqual(after[path], (size, mtime), path)

    def test_6_partial_and_failed_runs_have_their_exit_codes(self):
        work = os.path.join(self.dir, "partial")
        shutil.copytree(os.path.join(self.dir, "var"), os.path.join(work, "var"))
        config = os.path.join(work, "de.toml")
        with open(self.config) as f:
            text = f.read().replace(f'"{self.dir}/var"', f'"{work}/var"')
        with open(config, "w") as f:
            f.write(text)
        db = sqlite3.connect(os.path.join(work, "var", "metadata.db"))
        db.execute("INSERT INTO export_tables (table_name, enabled, time_column) "
                   "VALUES ('vanished_table', 1, 'ts')")
        db.commit()
        posts = len(self.receiver.posts)
        partial = self.run_exe(["run-daily", "--date", "2026-11-19"], config=config)
        self.assertEqual(partial.returncode, 4, partial.stdout + partial.stderr)
        self.assertIn("PARTIAL-SUCCESS", partial.stdout)
        self.assertRegex(partial.stdout, r"\nvanished_table +FAILED +1 ")
        self.assertEqual(json.loads(self.receiver.posts[posts][1])["status"], "PARTIAL-SUCCESS")

        db.execute("UPDATE export_tables SET time_column = 'no_such_column'")
        db.commit()
        db.close()
        failed = self.run_exe(["run-daily", "--date", "2026-11-18"], config=config)
        self.assertEqual(failed.returncode, 1, failed.stdout + failed.stderr)
        self.assertIn(": FAILED", failed.stdout)

    def test_7_a_dead_webhook_does_not_fail_the_run(self):
        dead = self.write_config("dead.toml", f"http://127.0.0.1:{free_port()}/gone",
                                 "webhook_max_attempts = 2\n")
        result = self.run_exe(["run-daily", "--date", "2026-11-17"], config=dead)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("notifier webhook", result.stderr)

    def test_8_bad_input_is_refused_and_changes_nothing(self):
        before = tree(self.objects)
        cases = [
            (["run-daily", "--date", "2026-02-30"], None, 2, "2026-02-30"),
            (["run-daily", "--date", "20261120"], None, 2, "20261120"),
            (["run-daily", "--date", "2999-01-01"], None, 2, "in the future"),
            (["run-daily", "--date", DEMO_DAY, "--table", "no_such_table"], None, 3,
             "no_such_table"),
        ]
        for args, config, code, needle in cases:
            result = self.run_exe(args, config=config)
            self.assertEqual(result.returncode, code, f"{args}: {result.stderr}")
            self.assertIn(needle, result.stderr, args)
        bad_configs = [
            ('[schedule]\ncron = "0 25 * * *"\n', "schedule.cron"),
            ('[schedule]\ntime_zone = "Mars/Olympus"\n', "Mars/Olympus"),
            ('[notify]\nwebhook_urls = ["ftp://example.com/x"]\n', "notify.webhook_urls"),
        ]
        for text, needle in bad_configs:
            path = os.path.join(self.dir, "bad.toml")
            with open(path, "w") as f:
                f.write(f'[service]\ndata_dir = "{self.dir}/var"\n{text}')
            result = self.run_exe(["run-daily", "--date", DEMO_DAY], config=path)
            self.assertEqual(result.returncode, 2, f"{text}: {result.stderr}")
            self.assertIn(needle, result.stderr, text)
        self.assertEqual(tree(self.objects), before)

    def test_9_serve_runs_the_schedule_and_reruns_through_graphql(self):
        work = os.path.join(self.dir, "serve")
        shutil.copytree(os.path.join(self.dir, "var"), os.path.join(work, "var"))
        config = os.path.join(work, "de.toml")
        with open(self.config) as f:
            text = f.read().replace(f'"{self.dir}/var"', f'"{work}/var"')
        with open(config, "w") as f:
            f.write(text)
        env = {"DATA_EXPORTER_NOTIFY_WEBHOOK_SECRET": SECRET}
        server = Server(types.SimpleNamespace(config=config, dir=work), env=env)
        with server:
            self.assertIn('daily runs: "0 1 * * *" in UTC, next at ', server.log())
            client = Client(server)
            runs_query = "{ dailyRuns { date status trigger tables { table status } } }"
            # On start the scheduler runs the newest due day on its own: the day before the
            # last 01:00 UTC that has passed (before 01:00 that is the day before yesterday).
            last_fire = time.time() - 3600
            due_day = time.strftime("%Y-%m-%d", time.gmtime(last_fire - 86400))
            deadline = time.monotonic() + 120
            while True:
                reply = client.post(runs_query)
                self.assertEqual(reply.errors, [], reply)
                scheduled = [r for r in reply.data["dailyRuns"] if r["date"] == due_day]
                if scheduled and scheduled[0]["status"] != "RUNNING":
                    break
                self.assertLess(time.monotonic(), deadline, reply)
                time.sleep(0.2)
            self.assertEqual(scheduled[0]["status"], "SUCCESS", scheduled)
            self.assertEqual(scheduled[0]["trigger"], "schedule")
            self.assertEqual(sorted(t["table"] for t in scheduled[0]["tables"]), self.tables())

            rerun = client.post('mutation { rerunDailyExport(date: "%s", table: "way", '
                                'force: true) { date status trigger } }' % DEMO_DAY)
            self.assertEqual(rerun.errors, [], rerun)
            self.assertEqual(rerun.data["rerunDailyExport"],
                             {"date": DEMO_DAY, "status": "RUNNING", "trigger": "api"})
            deadline = time.monotonic() + 120
            while True:
                day = client.post('{ dailyRun(date: "%s") { status tables { table status '
                                  'rowsWritten } } }' % DEMO_DAY)
                self.assertEqual(day.errors, [], day)
                if day.data["dailyRun"]["status"] != "RUNNING":
                    break
                self.assertLess(time.monotonic(), deadline, day)
                time.sleep(0.2)
            self.assertEqual(day.data["dailyRun"]["status"], "SUCCESS", day)
            way = [t for t in day.data["dailyRun"]["tables"] if t["table"] == "way"][0]
            self.assertEqual(way["status"], "COMPLETED")
            self.assertGreater(way["rowsWritten"], 0)

            bad = client.post('mutation { rerunDailyExport(date: "2026-13-01") { date } }')
            self.assertEqual(bad.codes(), ["BAD_USER_INPUT"], bad)


if __name__ == "__main__":
    unittest.main()
