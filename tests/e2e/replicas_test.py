#!/usr/bin/env python3
"""Replicas: two `serve` processes share one PostgreSQL metadata store (issue 6).

Both read the demo SQLite warehouse and write the same local object store; each has its own
replica id and port. A throwaway PostgreSQL 15 (scripts/pg-cluster) holds the metadata.

1. 20 requests, submitted alternately to both replicas: every one ends Completed, each was
   started by exactly one replica (their logs), and the store holds exactly one set of files per
   request, which DuckDB reads whole with the rows the policy lets out.
2. SIGKILL the replica running a request mid-export: the other one claims it once the lease
   expires, starts it over and completes it with whole files.
3. Only one replica runs the daily schedule: exactly one leads (its log, the day's daily_runs and
   table job owners); when it is killed, the other takes the lead and finishes the day.

Environment: DE_EXE (the binary), DE_NODE (node), DE_NODE_DIR (tests/node with node_modules).
"""
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest

sys.dont_write_bytecode = True
import pg_support  # noqa: E402
from server_fixture import (DAY, DAY_END, TABLES, Client, DataDir, Server,  # noqa: E402
                            check_table_files, download)

LEASE_SECONDS = 3

_cluster = None


def setUpModule():
    global _cluster
    directory = pg_support.new_dir("de-pg-replicas-")
    started = pg_support.start(directory)
    if started.returncode != 0:
        raise AssertionError("pg-cluster start failed: " + started.stdout + started.stderr)
    _cluster = directory


def tearDownModule():
    pg_support.stop_all()


def psql(sql, database):
    env = dict(os.environ)
    env.update(pg_support.env(_cluster))
    out = subprocess.run(["psql", "-X", "-A", "-t", "-d", database, "-c", sql], env=env,
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise AssertionError(f"psql {sql!r}: {out.stderr}")
    return [line.split("|") for line in out.stdout.splitlines() if line]


class ReplicasTest(unittest.TestCase):
    maxDiff = 4000
    database_counter = 0

    def setUp(self):
        # A database of its own per test: a fresh metadata store.
        ReplicasTest.database_counter += 1
        self.database = f"de_meta_{os.getpid()}_{ReplicasTest.database_counter}"
        psql(f"CREATE DATABASE {self.database}", "warehouse")
        self.conninfo = re.sub(r"dbname=\S+", f"dbname={self.database}",
                               pg_support.conninfo(_cluster))
        self.servers = []

    def tearDown(self):
        for server in self.servers:
            if server.process.poll() is None:
                server.kill()
        if hasattr(self, "data"):
            self.data.cleanup()

    def make_data(self, extra=""):
        self.data = DataDir(
            f'[metadata]\nbackend = "postgres"\nconninfo = "{self.conninfo}"\n'
            f"lease_seconds = {LEASE_SECONDS}\n{extra}", prefix="de-replicas-")
        return self.data

    def start(self, replica, env=None):
        server = Server(self.data, env={"DATA_EXPORTER_SERVICE_REPLICA_ID": replica,
                                        **(env or {})}).start()
        self.servers.append(server)
        return server, Client(server)

    def sql(self, query):
        return psql(query, self.database)

    def started_by(self, server, request_id):
        return len(re.findall(rf"request {request_id} \(\d+\.\.\d+\) started", server.log()))

    def assert_whole_files(self, links, start, end):
        with tempfile.TemporaryDirectory(prefix="de-replicas-dl-") as directory:
            paths = download(links, directory)
            for table in TABLES:
                check_table_files(self, self.data, table, paths.get(table, []), start, end)

    def test_twenty_requests_are_each_exported_once(self):
        self.make_data()
        a, client_a = self.start("replica-a")
        b, client_b = self.start("replica-b")
        ranges = [(DAY + i * 3_600, DAY + i * 3_600 + 1_800) for i in range(20)]
        ids = []
        for i, (start, end) in enumerate(ranges):
            ids.append((client_a if i % 2 == 0 else client_b).submit(start, end))
        self.assertEqual(len(set(ids)), 20)
        for (start, end), request_id in zip(ranges, ids):
            final, _ = client_b.wait_completed(request_id, timeout=180)
            self.assertEqual((final["status"], final["progress"]), ("Completed", 100), final)
        runs = {request_id: (self.started_by(a, request_id), self.started_by(b, request_id))
                for request_id in ids}
        for request_id, (in_a, in_b) in runs.items():
            self.assertEqual(in_a + in_b, 1, f"request {request_id} started {in_a}× on a, "
                                             f"{in_b}× on b")
        on_a = sum(in_a for in_a, _ in runs.values())
        print(f"\n  replica-a ran {on_a} requests, replica-b {20 - on_a}")
        # One set of files per request: one manifest per table and range, nothing else.
        manifests = [f for f in self.data.files() if f.endswith("/manifest")]
        self.assertEqual(len(manifests), 20 * len(TABLES), manifests)
        self.assertFalse([f for f in self.data.files() if "/.tmp" in f or f.startswith(".tmp")])
        rows = self.sql("SELECT status, owner, count(*) FROM request_table "
                        "GROUP BY status, owner ORDER BY owner")
        self.assertEqual(sum(int(r[2]) for r in rows), 20, rows)
        self.assertTrue(all(r[0] == "COMPLETED" for r in rows), rows)
        # Spot-check two requests' files against the warehouse.
        for i in (0, 19):
            final, _ = client_a.wait_completed(ids[i])
            self.assert_whole_files(final["dataRequestDownloadLinks"], *ranges[i])
        a.stop()
        b.stop()

    def test_sigkill_mid_export_the_other_replica_finishes_after_the_lease(self):
        # gzip and one worker each make the demo day's export take a few seconds.
        self.make_data('[export]\ncodec = "gzip"\nmax_concurrency = 1\n')
        a, client_a = self.start("replica-a")
        b, client_b = self.start("replica-b")
        request_id = client_a.submit(DAY, DAY_END)
        deadline = time.monotonic() + 60
        victim = None
        while time.monotonic() < deadline:
            status = client_a.request_status(request_id).data["requestStatus"]
            self.assertEqual(status["status"], "In Progress", "finished before the kill")
            if status["progress"] > 0:
                victim = a if self.started_by(a, request_id) else b
                break
            time.sleep(0.02)
        self.assertIsNotNone(victim, "no progress in 60 s")
        survivor, client = (b, client_b) if victim is a else (a, client_a)
        killed_at = time.monotonic()
        victim.kill()
        owner = self.sql(f"SELECT owner, status FROM request_table "
                         f"WHERE de_request_id = '{request_id}'")
        self.assertEqual(owner[0][1], "IN_PROGRESS", owner)
        final, _ = client.wait_completed(request_id, timeout=180)
        took = time.monotonic() - killed_at
        self.assertEqual((final["status"], final["progress"]), ("Completed", 100), final)
        self.assertEqual(self.started_by(survivor, request_id), 1, survivor.log()[-3000:])
        self.assertRegex(survivor.log(), rf"request {request_id} .*resumed from replica-")
        self.assertGreaterEqual(took, LEASE_SECONDS - 1, "taken over before the lease expired")
        print(f"\n  killed {'a' if victim is a else 'b'} at {owner}; the other completed it "
              f"{took:.1f} s later")
        self.assert_whole_files(final["dataRequestDownloadLinks"], DAY, DAY_END)
        manifests = [f for f in self.data.files() if f.endswith("/manifest")]
        self.assertEqual(len(manifests), len(TABLES), self.data.files())
        survivor.stop()

    def test_only_one_replica_runs_the_daily_schedule(self):
        self.make_data('[export]\ncodec = "gzip"\n')
        # The schedule is on for this test; on first start the newest day is due at once.
        env = {"DATA_EXPORTER_SCHEDULE_CRON": "0 1 * * *",
               "DATA_EXPORTER_SCHEDULE_TIME_ZONE": "UTC"}
        a, _ = self.start("replica-a", env)
        b, _ = self.start("replica-b", env)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if "leads the daily schedule" in a.log() + b.log() and \
                    "standing by" in a.log() + b.log():
                break
            time.sleep(0.1)
        leaders = [s for s in (a, b) if "this replica leads the daily schedule" in s.log()]
        self.assertEqual(len(leaders), 1, a.log()[-2000:] + b.log()[-2000:])
        leader = leaders[0]
        follower = b if leader is a else a
        self.assertIn("another replica leads the daily schedule", follower.log())
        leader_id = "replica-a" if leader is a else "replica-b"
        # Wait for the leader's run of the day to finish.
        deadline = time.monotonic() + 120
        runs = []
        while time.monotonic() < deadline:
            runs = self.sql("SELECT run_date, status, owner FROM daily_runs")
            if runs and runs[0][1] != "RUNNING":
                break
            time.sleep(0.2)
        self.assertEqual(len(runs), 1, runs)
        self.assertEqual(runs[0][2], leader_id, runs)
        self.assertIn(runs[0][1], ("SUCCESS", "PARTIAL-SUCCESS"), runs)
        jobs = self.sql("SELECT table_name, owner, attempt FROM table_export_job_statuses")
        self.assertEqual({j[1] for j in jobs}, {leader_id}, jobs)
        # The leader dies: the follower takes the lead.
        leader.kill()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and \
                "this replica leads the daily schedule" not in follower.log():
            time.sleep(0.1)
        self.assertIn("this replica leads the daily schedule", follower.log())
        # The day was finished: the new leader does not run it again.
        time.sleep(1)
        self.assertEqual(self.sql("SELECT count(*) FROM daily_runs")[0][0], "1")
        jobs_after = self.sql("SELECT table_name, owner, attempt FROM table_export_job_statuses")
        self.assertEqual(sorted(jobs_after), sorted(jobs))
        follower.stop()


if __name__ == "__main__":
    unittest.main(verbosity=2)
