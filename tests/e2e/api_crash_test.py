#!/usr/bin/env python3
"""Crash: SIGKILL the server in the middle of an export, start it again on the same data
directory, and the request completes with whole files.

1. `serve`; requestData for the demo day; poll requestStatus until the request is "In Progress"
   with progress > 0 (a table is done or rows are being read); SIGKILL.
2. `data-exporter status ID` (the CLI, the process being dead) still says "In Progress": the
   kill landed mid-export (otherwise the test proves nothing and fails).
3. `serve` again on the same data directory: the request is picked up again (its partial files
   removed first) and ends Completed, its progress never going back.
4. Every link downloads; DuckDB reads every file whole and its rows equal the warehouse's rows
   under the policy (server_fixture.check_table_files) and the manifest's record_count; the
   store holds exactly the linked files and one manifest per table: no partial file of the
   killed run and nothing left in the upload directory (.tmp).
The same once more with a second kill during the recovery run.

Environment: DE_EXE (the binary), DE_NODE (node), DE_NODE_DIR (tests/node with node_modules).
"""
import json
import os
import sys
import tempfile
import time
import unittest

sys.dont_write_bytecode = True
from server_fixture import (DAY, DAY_END, TABLES, Client, DataDir, Server,  # noqa: E402
                            check_table_files, download, duckdb_facts, run_cli)

# gzip makes the export of the demo day take a few seconds (about twice the default codec's
# time), so a kill at the first progress lands inside it.
SLOW_EXPORT = "[export]\ncodec = \"gzip\"\n"
# A killed server's claims stay leased for this long before the restarted one takes them.
SHORT_LEASE = "[metadata]\nlease_seconds = 3\n"


class CrashTest(unittest.TestCase):
    maxDiff = 4000

    def setUp(self):
        self.data = DataDir(SLOW_EXPORT + SHORT_LEASE, prefix="de-api-crash-")
        self.servers = []

    def tearDown(self):
        for server in self.servers:
            if server.process.poll() is None:
                server.kill()
        self.data.cleanup()

    def start(self):
        server = Server(self.data).start()
        self.servers.append(server)
        return server, Client(server)

    def kill_mid_export(self, server, client, request_id, floor):
        """Polls until the request is In Progress past `floor`% (and > 0), then SIGKILLs the
        server. Returns the progress last seen, or None if the request finished first."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            status = client.request_status(request_id).data["requestStatus"]
            if status["status"] != "In Progress":
                server.kill()
                return None
            if status["progress"] > max(floor, 0):
                server.kill()
                return status["progress"]
            time.sleep(0.02)
        server.kill()
        self.fail(f"request {request_id} made no progress in 60 s")

    def cli_status(self, request_id):
        out = run_cli(self.data.config, "status", request_id, "--json")
        self.assertEqual(out.returncode, 0, out.stderr)
        return json.loads(out.stdout)

    def test_sigkill_mid_export_then_restart_completes_with_whole_files(self):
        server, client = self.start()
        request_id = client.submit(DAY, DAY_END)
        killed_at = self.kill_mid_export(server, client, request_id, 0)
        self.assertIsNotNone(killed_at, "the export finished before the kill: make it slower")
        after_kill = self.cli_status(request_id)
        self.assertEqual(after_kill["status"], "In Progress", after_kill)
        print(f"\n  killed at {killed_at:.1f}%; files in the store then: "
              f"{len(self.data.files())}")

        # A second kill while the restarted server recovers the request (fine if it finished).
        server, client = self.start()
        second = self.kill_mid_export(server, client, request_id, killed_at)
        print(f"  second kill: {'at %.1f%%' % second if second is not None else 'too late'}")

        server, client = self.start()
        final, seen = client.wait_completed(request_id, timeout=180)
        self.assertEqual((final["status"], final["progress"]), ("Completed", 100), final)
        progress = [p for _, p in seen]
        self.assertEqual(progress, sorted(progress), f"progress went back: {seen}")
        self.assertGreaterEqual(progress[0], killed_at, "progress went back after the restart")
        self.assert_whole_files(final["dataRequestDownloadLinks"])
        server.stop()

    def test_queued_requests_survive_a_sigkill(self):
        """Accepted requests still waiting for a worker are not lost by a crash either."""
        self.data.cleanup()
        self.data = DataDir("[export]\nmax_concurrency = 1\n" + SHORT_LEASE, prefix="de-api-crash-q-")
        server, client = self.start()
        ranges = [(DAY + i * 7_200, DAY + i * 7_200 + 3_600) for i in range(4)]
        ids = [client.submit(start, end) for start, end in ranges]
        server.kill()
        server, client = self.start()
        for (start, end), request_id in zip(ranges, ids):
            final, _ = client.wait_completed(request_id, timeout=180)
            self.assertEqual(final["status"], "Completed", final)
            with tempfile.TemporaryDirectory(prefix="de-api-crash-dl-") as directory:
                files = download(final["dataRequestDownloadLinks"], directory)
                for table in TABLES:
                    check_table_files(self, self.data, table, files[table], start, end)
        server.stop()

    def test_sigterm_mid_export_stops_cleanly_and_the_request_resumes(self):
        server, client = self.start()
        request_id = client.submit(DAY, DAY_END)
        deadline = time.monotonic() + 60
        while client.request_status(request_id).data["requestStatus"]["progress"] <= 0:
            self.assertLess(time.monotonic(), deadline, "no progress in 60 s")
            time.sleep(0.02)
        server.stop()  # SIGTERM: exit 0, port closed
        self.assertEqual(self.cli_status(request_id)["status"], "In Progress")
        server, client = self.start()
        final, _ = client.wait_completed(request_id, timeout=180)
        self.assertEqual(final["status"], "Completed", final)
        self.assert_whole_files(final["dataRequestDownloadLinks"])
        server.stop()

    def assert_whole_files(self, links):
        self.assertEqual(set(links), set(TABLES))
        linked = set()
        with tempfile.TemporaryDirectory(prefix="de-api-crash-dl-") as directory:
            files = download(links, directory)
            for table in TABLES:
                self.assertTrue(files[table], table)
                check_table_files(self, self.data, table, files[table], DAY, DAY_END)
                for url, path in zip(links[table], files[table]):
                    key = url.split("/download/", 1)[1].split("?", 1)[0]
                    linked.add(key)
                    with open(os.path.join(self.data.objects, key), "rb") as stored, \
                            open(path, "rb") as downloaded:
                        self.assertEqual(stored.read(), downloaded.read(), key)
        # Each table's manifest: its entries are exactly the linked files, with their sizes and
        # the row counts DuckDB reads.
        manifests = [f for f in self.data.files() if os.path.basename(f) == "manifest"]
        self.assertEqual(len(manifests), len(TABLES), manifests)
        entries = set()
        for manifest in manifests:
            with open(os.path.join(self.data.objects, manifest)) as f:
                content = json.load(f)
            # Entry URLs are file:// URLs of the local store: {root}/{key}.
            keys = [e["url"].split("/objects/", 1)[1] for e in content["entries"]]
            facts = duckdb_facts([os.path.join(self.data.objects, k) for k in keys])
            for key, entry in zip(keys, content["entries"]):
                path = os.path.join(self.data.objects, key)
                self.assertEqual(facts[path]["rows"], entry["meta"]["record_count"], key)
                self.assertEqual(os.path.getsize(path), entry["meta"]["content_length"], key)
                entries.add(key)
        self.assertEqual(entries, linked)
        # Nothing else in the store: no partial file of a killed run, and no upload of a killed
        # process left behind in the upload directory.
        stored = set(self.data.files())
        uploads = {f for f in stored if f.startswith(".tmp/")}
        self.assertEqual(stored - uploads, linked | set(manifests))
        self.assertEqual(uploads, set(), "uploads of the killed processes are left in .tmp")


if __name__ == "__main__":
    unittest.main()
