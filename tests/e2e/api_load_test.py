#!/usr/bin/env python3
"""Load, bounded: a burst of requestData past the queue limit over many connections.

The server runs with `export.max_concurrency = 2` and `export.max_queued_requests = 5`. 40
requestData calls with distinct ranges start at once (one thread and connection each), while
10 threads send 300 requestStatus calls, 4 threads poll /healthz, and 2,000 more connections sit
idle (the file limit of this process, which the server inherits, is raised to fit). Then:
- every requestData answer is either a request id or a TOO_MANY_REQUESTS field error, and some
  are each (the original system lost requests here);
- every accepted request ends Completed, and the `requests` query lists exactly the accepted
  ones (none lost, nothing recorded for a refused one);
- every requestStatus and /healthz call was answered; /healthz always within a generous 2 s;
- a request made after the burst is accepted and completes (nothing else broke).

Timings are reported, not asserted (but the 2 s liveness bound).

Environment: DE_EXE (the binary), DE_NODE (node), DE_NODE_DIR (tests/node with node_modules).
"""
import random
import resource
import socket
import sys
import threading
import time
import unittest
import uuid

sys.dont_write_bytecode = True
from server_fixture import (DAY, GRAPHQL_RESPONSE, NOT_REQUESTED, UUID_RE, Client,  # noqa: E402
                            DataDir, Server)

SUBMITTERS = 40
STATUS_THREADS = 10
STATUS_CALLS = 30  # per status thread
HEALTH_THREADS = 4
IDLE_CONNECTIONS = 2_000  # "thousands of connections are open" (issue 4)
HEALTH_BOUND_SECONDS = 2.0
LOAD_CONFIG = "[export]\nmax_concurrency = 2\nmax_queued_requests = 5\n[http]\nthreads = 4\n"


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


class LoadTest(unittest.TestCase):
    maxDiff = 4000

    @classmethod
    def setUpClass(cls):
        # Room for the idle connections on both ends (the server inherits the limit).
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        want = IDLE_CONNECTIONS * 2 + 1_000
        if soft != resource.RLIM_INFINITY and soft < want:
            if hard != resource.RLIM_INFINITY and hard < want:
                raise unittest.SkipTest(f"needs {want} open files, the hard limit is {hard}")
            resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
        cls.data = DataDir(LOAD_CONFIG, prefix="de-api-load-")
        cls.server = Server(cls.data).start()

    @classmethod
    def tearDownClass(cls):
        try:
            cls.server.stop()
        finally:
            cls.data.cleanup()

    def test_burst_past_the_queue_limit_loses_nothing(self):
        started = time.monotonic()
        # Two-hour ranges, all distinct: each export takes a moment, so the burst (released at
        # once by the barrier) outruns the two workers and the five queue places.
        ranges = [(DAY + i * 600, DAY + i * 600 + 7_200) for i in range(SUBMITTERS)]
        barrier = threading.Barrier(SUBMITTERS + STATUS_THREADS + HEALTH_THREADS)
        lock = threading.Lock()
        answers = {}  # submitter index -> ("id", id) | ("refused", reply) | ("other", reply)
        accepted_so_far = []
        status_problems, status_count = [], [0]
        health_latencies, health_problems = [], []
        done = threading.Event()

        def submit(i):
            client = Client(self.server, timeout=60)
            barrier.wait()
            try:
                reply = client.request_data(*ranges[i])
            except Exception as e:  # a timeout or a reset connection: lost
                with lock:
                    answers[i] = ("other", repr(e))
                return
            with lock:
                if reply.status == 200 and not reply.errors and reply.data:
                    answers[i] = ("id", reply.data["requestData"])
                    accepted_so_far.append(reply.data["requestData"])
                elif (reply.status == 200 and reply.data is None
                      and reply.codes() == ["TOO_MANY_REQUESTS"]
                      and reply.errors[0].get("path") == ["requestData"]):
                    answers[i] = ("refused", reply)
                else:
                    answers[i] = ("other", reply)

        def poll_status(k):
            client = Client(self.server, timeout=60)
            rng = random.Random(k)
            barrier.wait()
            for _ in range(STATUS_CALLS):
                with lock:
                    known = list(accepted_so_far)
                use_known = known and rng.random() < 0.8
                request_id = rng.choice(known) if use_known else str(uuid.uuid4())
                try:
                    reply = client.request_status(request_id)
                except Exception as e:
                    with lock:
                        status_problems.append(repr(e))
                    continue
                ok = (reply.status == 200 and not reply.errors and
                      reply.data["requestStatus"]["status"] in
                      {"In Progress", "Completed", NOT_REQUESTED})
                with lock:
                    status_count[0] += 1
                    if not ok:
                        status_problems.append(repr(reply))

        def poll_health():
            client = Client(self.server, timeout=30)
            barrier.wait()
            while not done.is_set():
                t0 = time.monotonic()
                try:
                    code = client.healthz().status_code
                except Exception as e:
                    code = repr(e)
                elapsed = time.monotonic() - t0
                with lock:
                    health_latencies.append(elapsed)
                    if code != 200:
                        health_problems.append(code)
                time.sleep(0.02)

        idle = self.open_idle_connections(IDLE_CONNECTIONS)
        threads = ([threading.Thread(target=submit, args=(i,)) for i in range(SUBMITTERS)] +
                   [threading.Thread(target=poll_status, args=(k,))
                    for k in range(STATUS_THREADS)] +
                   [threading.Thread(target=poll_health) for _ in range(HEALTH_THREADS)])
        try:
            for t in threads:
                t.start()
            for t in threads[:SUBMITTERS + STATUS_THREADS]:
                t.join(timeout=120)
            burst_seconds = time.monotonic() - started

            accepted = [v for kind, v in answers.values() if kind == "id"]
            refused = [v for kind, v in answers.values() if kind == "refused"]
            other = [v for kind, v in answers.values() if kind == "other"]
            self.assertEqual(len(answers), SUBMITTERS, "a requestData call got no answer")
            self.assertEqual(other, [], "answers that are neither an id nor TOO_MANY_REQUESTS")
            self.assertTrue(refused, "no TOO_MANY_REQUESTS although 40 > 2 workers + 5 queued")
            self.assertTrue(accepted, "no request accepted")
            for request_id in accepted:
                self.assertRegex(request_id, UUID_RE)
            self.assertEqual(len(set(accepted)), len(accepted), "two ranges got one id")
            self.assertEqual(status_problems, [])
            self.assertEqual(status_count[0], STATUS_THREADS * STATUS_CALLS)

            client = Client(self.server)
            for request_id in accepted:
                final, _ = client.wait_completed(request_id, timeout=120)
                self.assertEqual((final["status"], final["progress"]), ("Completed", 100),
                                 request_id)
            listed = client.post("{ requests(limit: 1000) { id state } }",
                                 accept=GRAPHQL_RESPONSE)
            self.assertEqual(listed.status, 200, repr(listed))
            states = {r["id"]: r["state"] for r in listed.data["requests"]}
            self.assertEqual(set(states), set(accepted), "requests lost or recorded when refused")
            self.assertEqual(set(states.values()), {"COMPLETED"})
        finally:
            done.set()
            for t in threads:
                t.join(timeout=60)
            for sock in idle:
                sock.close()

        self.assertEqual(health_problems, [])
        self.assertTrue(health_latencies)
        self.assertLess(max(health_latencies), HEALTH_BOUND_SECONDS)
        print(f"\n  {len(accepted)} accepted, {len(refused)} TOO_MANY_REQUESTS; burst answered "
              f"in {burst_seconds:.1f} s; all completed after {time.monotonic() - started:.1f} s"
              f"\n  /healthz: {len(health_latencies)} calls, p50 "
              f"{percentile(health_latencies, 0.5) * 1000:.1f} ms, p99 "
              f"{percentile(health_latencies, 0.99) * 1000:.1f} ms, max "
              f"{max(health_latencies) * 1000:.1f} ms")

        # The queue has drained: a new request is accepted and completes.
        client = Client(self.server)
        request_id = client.submit(DAY + 50_000, DAY + 50_600)
        final, _ = client.wait_completed(request_id)
        self.assertEqual(final["status"], "Completed")
        client.assert_healthy(self)

    def open_idle_connections(self, count):
        """`count` connections that connect and then say nothing (each must not cost a
        handler thread)."""
        out = []
        for _ in range(count):
            out.append(socket.create_connection((self.server.host, self.server.port), timeout=10))
        return out


if __name__ == "__main__":
    unittest.main()
