#!/usr/bin/env python3
"""End to end: the GraphQL API of `data-exporter serve` with real clients.

- Python `requests` posting the original system's exact mutations: requestData for the demo
  day → requestStatus until Completed → every link downloaded → the files hold what the policy
  lets out of the warehouse (DuckDB reads them; server_fixture.Expectation computes the rows
  from the warehouse with sqlite3 and the policy CSV files).
- requestStatus as a query, variables, operationName, GET for queries, 405 for a mutation over
  GET, Accept negotiation.
- Bad input: each a clear error with its extensions.code and HTTP status, nothing recorded, the
  server healthy afterwards (/healthz 200 and a normal query).
- Concurrent requests for one range share one request; a policy import while serving retires
  the requests made under the old policy.
- Bearer tokens: 401 UNAUTHENTICATED without one, FORBIDDEN for an admin mutation without an
  admin token, cancelRequest with one; no tokens on a non-loopback address refuses to start.
- npm `graphql` (introspection → buildClientSchema → printSchema) and npm `graphql-http`'s
  auditServer (every MUST and SHOULD).

Environment: DE_EXE (the binary), DE_NODE (node), DE_NODE_DIR (tests/node with node_modules).
"""
import csv
import json
import os
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import types
import unittest
import urllib.parse
import uuid

import requests

sys.dont_write_bytecode = True
from server_fixture import (DAY, DAY_END, GRAPHQL_RESPONSE, NODE, NODE_DIR,  # noqa: E402
                            NOT_REQUESTED, TABLES, UUID_RE, Client, DataDir, Server,
                            api_tokens_toml, check_table_files, download, run_cli)

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA_SDL = os.path.join(HERE, "..", "..", "src", "api", "schema.graphql")
STATUS_FIELDS = "{ status progress dataRequestDownloadLinks }"
FOUR_STATUSES = {"In Progress", "Completed", "Failed", NOT_REQUESTED}

# One server for the test classes on the module's data directory; AuthTest (tokens) and
# PolicyChangeTest (changes the policy) start their own.
DATA = None
SERVER = None


def setUpModule():
    global DATA, SERVER
    DATA = DataDir(prefix="de-api-e2e-")
    SERVER = Server(DATA).start()


def tearDownModule():
    try:
        if SERVER is not None and SERVER.process.poll() is None:
            SERVER.stop()
    finally:
        if DATA is not None:
            DATA.cleanup()


def quoted(pattern):
    """`pattern` with each '"' matching either quote: graphql-js quotes names with '"',
    graphql-core with "'"; either wording is fine."""
    return pattern.replace('"', "[\"']")


def request_ids(client, token=None):
    """Ids of every recorded request (the read-only `requests` query)."""
    reply = client.post("{ requests(limit: 1000) { id } }", accept=GRAPHQL_RESPONSE, token=token)
    if reply.status != 200 or reply.errors:
        raise AssertionError(f"requests query failed: {reply!r}")
    return {r["id"] for r in reply.data["requests"]}


class ApiTestCase(unittest.TestCase):
    maxDiff = 4000

    def setUp(self):
        self.client = Client(SERVER)

    def completed(self, start, end):
        """A request for [start, end) that has completed; returns (id, final status)."""
        request_id = self.client.submit(start, end)
        final, _ = self.client.wait_completed(request_id)
        self.assertEqual(final["status"], "Completed", final)
        return request_id, final

    def assert_request_error(self, reply, status, code, message_pattern=None):
        """A request error (GraphQL-over-HTTP, application/graphql-response+json): `status`, no
        `data` entry, and a first error with `code` whose message matches `message_pattern`."""
        self.assertEqual(reply.status, status, repr(reply))
        self.assertIsInstance(reply.body, dict, repr(reply))
        self.assertNotIn("data", reply.body, repr(reply))
        self.assertTrue(reply.errors, repr(reply))
        self.assertEqual(reply.codes()[0], code, repr(reply))
        if message_pattern:
            self.assertRegex(reply.errors[0]["message"], message_pattern)

    def assert_field_error(self, reply, field, code, message_pattern=None):
        """A field error of a non-null root field: 200, data null, the error's path [field]."""
        self.assertEqual(reply.status, 200, repr(reply))
        self.assertIsNone(reply.data, repr(reply))
        self.assertIn("data", reply.body, repr(reply))
        self.assertEqual(len(reply.errors), 1, repr(reply))
        error = reply.errors[0]
        self.assertEqual(error.get("path"), [field], repr(reply))
        self.assertEqual(reply.codes(), [code], repr(reply))
        self.assertTrue(error.get("locations"), repr(reply))
        if message_pattern:
            self.assertRegex(error["message"], message_pattern)


class OriginalClientFlowTest(ApiTestCase):
    """The original system's callers: `requests.post(url, json={"query": ...})`."""

    def test_full_day_request_completes_and_files_match_the_warehouse_under_the_policy(self):
        reply = self.client.request_data(DAY, DAY_END)
        self.assertEqual(reply.status, 200, repr(reply))
        self.assertRegex(reply.content_type, r"^application/(graphql-response\+)?json")
        self.assertEqual(set(reply.body), {"data"}, repr(reply))
        request_id = reply.data["requestData"]
        self.assertRegex(request_id, UUID_RE)

        final, seen = self.client.wait_completed(request_id)
        self.assertEqual(final["status"], "Completed", final)
        self.assertEqual(final["progress"], 100)
        progress = [p for _, p in seen]
        self.assertEqual(progress, sorted(progress), f"progress went back: {seen}")
        self.assertTrue(all(0 <= p <= 100 for p in progress), seen)
        self.assertTrue({s for s, _ in seen} <= {"In Progress", "Completed"}, seen)
        print(f"\n  polled {len(seen)} times; progress seen: "
              f"{sorted(set(round(p, 1) for p in progress))[:12]}")

        links = final["dataRequestDownloadLinks"]
        self.assertEqual(set(links), set(TABLES))
        with tempfile.TemporaryDirectory(prefix="de-api-dl-") as directory:
            files = download(links, directory)
            for table in TABLES:
                self.assertTrue(files[table], table)
                rows = check_table_files(self, DATA, table, files[table], DAY, DAY_END)
                print(f"  {table}: {len(files[table])} file(s), {rows} rows as expected")

        # The same range again is the same request (request_queue.h: one export per range).
        self.assertEqual(self.client.submit(DAY, DAY_END), request_id)
        again = self.client.request_status(request_id)
        self.assertEqual(again.data["requestStatus"]["status"], "Completed")

    def test_concurrent_requests_for_one_range_share_one_request(self):
        start, end = DAY + 20_000, DAY + 21_800
        barrier = threading.Barrier(20)
        answers = []

        def submit():
            client = Client(SERVER)
            barrier.wait()
            answers.append(client.request_data(start, end))

        threads = [threading.Thread(target=submit) for _ in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        ids = {reply.data["requestData"] for reply in answers if reply.data}
        self.assertEqual(len(answers), 20)
        self.assertEqual(len(ids), 1, [repr(reply) for reply in answers if not reply.data])
        request_id = ids.pop()
        listed = self.client.post("{ requests(limit: 1000) { id startTime endTime } }")
        same_range = [r["id"] for r in listed.data["requests"]
                      if (r["startTime"], r["endTime"]) == (start, end)]
        self.assertEqual(same_range, [request_id])
        final, _ = self.client.wait_completed(request_id)
        self.assertEqual(final["status"], "Completed")

    def test_status_of_a_running_request_has_no_links(self):
        request_id = self.client.submit(DAY + 43_200, DAY_END)
        first = self.client.request_status(request_id).data["requestStatus"]
        self.assertIn(first["status"], {"In Progress", "Completed"})
        if first["status"] == "In Progress":
            self.assertIsNone(first["dataRequestDownloadLinks"])
            self.assertLess(first["progress"], 100)
        final, _ = self.client.wait_completed(request_id)
        self.assertEqual(final["status"], "Completed")


class QueryFormsTest(ApiTestCase):
    def test_request_status_as_query_and_mutation_agree(self):
        request_id, _ = self.completed(DAY, DAY + 3600)
        as_mutation = self.client.request_status(request_id).data["requestStatus"]
        as_query = self.client.post(
            f'query {{ requestStatus(requestId: "{request_id}") {STATUS_FIELDS} }}')
        self.assertEqual(as_query.status, 200, repr(as_query))
        status = as_query.data["requestStatus"]
        self.assertEqual((status["status"], status["progress"]), ("Completed", 100))
        self.assertEqual(set(status["dataRequestDownloadLinks"]),
                         set(as_mutation["dataRequestDownloadLinks"]))
        # Links are fresh presigned URLs, valid for one day: each one downloads.
        for urls in status["dataRequestDownloadLinks"].values():
            for url in urls:
                expires = int(urllib.parse.parse_qs(urllib.parse.urlparse(url).query)["expires"][0])
                self.assertAlmostEqual(expires, time.time() + 86_400, delta=600)
                self.assertEqual(requests.get(url, timeout=60).status_code, 200, url)

    def test_variables_operation_name_aliases_and_typename(self):
        reply = self.client.post(
            "mutation Submit($s: Int!, $e: Int!) { requestData(startTime: $s, endTime: $e) }",
            variables={"s": DAY + 3600, "e": DAY + 7200})
        self.assertEqual(reply.status, 200, repr(reply))
        request_id = reply.data["requestData"]
        self.assertRegex(request_id, UUID_RE)
        document = (
            "query Status($id: String!) { __typename one: requestStatus(requestId: $id) "
            "{ __typename status } }\n"
            "query Other { __typename }\n"
            "mutation Again($id: String!) { two: requestStatus(requestId: $id) { status } }")
        reply = self.client.post(document, variables={"id": request_id}, operation_name="Status")
        self.assertEqual(reply.status, 200, repr(reply))
        self.assertEqual(reply.data["__typename"], "Query")
        self.assertEqual(reply.data["one"]["__typename"], "RequestStatus")
        self.assertIn(reply.data["one"]["status"], {"In Progress", "Completed"})
        reply = self.client.post(document, variables={"id": request_id}, operation_name="Again")
        self.assertEqual(set(reply.data), {"two"}, repr(reply))
        reply = self.client.post(document, operation_name="Other")
        self.assertEqual(reply.body, {"data": {"__typename": "Query"}})
        # Several operations and no operationName: a request error.
        reply = self.client.post(document, variables={"id": request_id}, accept=GRAPHQL_RESPONSE)
        self.assertEqual(reply.status, 400, repr(reply))
        self.assertNotIn("data", reply.body)
        # __typename on the mutation root.
        reply = self.client.post("mutation { __typename }")
        self.assertEqual(reply.body, {"data": {"__typename": "Mutation"}})
        self.client.wait_completed(request_id)

    def test_operation_selection_errors_carry_a_code(self):
        """DESIGN.md §4.1: errors carry extensions.code, these request errors too."""
        cases = (("query A { __typename }", "B"),
                 ("query A { __typename } query C { __typename }", None),
                 ("subscription S { __typename }", None))
        for document, operation_name in cases:
            with self.subTest(document=document, operation_name=operation_name):
                reply = self.client.post(document, operation_name=operation_name,
                                         accept=GRAPHQL_RESPONSE)
                self.assertTrue(reply.errors, repr(reply))
                self.assertTrue(all(reply.codes()), repr(reply))
        reply = self.client.get({"query": "mutation { __typename }"})
        self.assertEqual(reply.status, 405, repr(reply))
        self.assertTrue(all(reply.codes()), repr(reply))

    def test_get_runs_queries_and_refuses_mutations_with_405(self):
        reply = self.client.get({"query": "{ __typename }"})
        self.assertEqual((reply.status, reply.body), (200, {"data": {"__typename": "Query"}}))
        unknown = str(uuid.uuid4())
        reply = self.client.get({
            "query": f"query S($id: String!) {{ requestStatus(requestId: $id) {STATUS_FIELDS} }}",
            "variables": json.dumps({"id": unknown}), "operationName": "S"})
        self.assertEqual(reply.status, 200, repr(reply))
        self.assertEqual(reply.data["requestStatus"],
                         {"status": NOT_REQUESTED, "progress": 0,
                          "dataRequestDownloadLinks": None})
        before = request_ids(self.client)
        for params in ({"query": f"mutation {{ requestData(startTime: {DAY}, "
                                 f"endTime: {DAY + 60}) }}"},
                       {"query": f'mutation {{ requestStatus(requestId: "{unknown}") '
                                 "{ status } }"}):
            reply = self.client.get(params)
            self.assertEqual(reply.status, 405, repr(reply))
            self.assertEqual(reply.headers.get("Allow"), "POST")
        self.assertEqual(request_ids(self.client), before, "a mutation over GET was executed")
        self.client.assert_healthy(self)

    def test_accept_header_negotiation(self):
        reply = self.client.post("{ __typename }", accept="application/json")
        self.assertEqual(reply.status, 200, repr(reply))
        self.assertRegex(reply.content_type, r"^application/json")
        reply = self.client.post("{ __typename }", accept=GRAPHQL_RESPONSE)
        self.assertRegex(reply.content_type, r"^application/graphql-response\+json")
        reply = self.client.post("{ __typename }", accept="text/html")
        self.assertEqual(reply.status, 406, repr(reply))
        # application/json keeps 200 for a validation error (the legacy contract).
        reply = self.client.post("{ noSuchField }", accept="application/json")
        self.assertEqual(reply.status, 200, repr(reply))
        self.assertEqual(reply.codes(), ["GRAPHQL_VALIDATION_FAILED"], repr(reply))


class BadInputTest(ApiTestCase):
    """Each bad input gets a clear error; nothing is recorded; the server stays healthy."""

    def setUp(self):
        super().setUp()
        self.before = request_ids(self.client)

    def tearDown(self):
        self.assertEqual(request_ids(self.client), self.before, "bad input recorded a request")
        self.client.assert_healthy(self)

    def request_data(self, start, end):
        return self.client.post(f"mutation {{ requestData(startTime: {start}, endTime: {end}) }}",
                                accept=GRAPHQL_RESPONSE)

    def test_end_not_after_start(self):
        for start, end in ((DAY, DAY), (DAY + 60, DAY)):
            self.assert_field_error(self.request_data(start, end), "requestData",
                                    "BAD_USER_INPUT", rf"endTime {end} must be after startTime")

    def test_range_longer_than_a_day(self):
        self.assert_field_error(self.request_data(DAY, DAY + 86_401), "requestData",
                                "BAD_USER_INPUT", r"86401 s is longer than the maximum of 86400")

    def test_negative_start(self):
        self.assert_field_error(self.request_data(-60, 0), "requestData", "BAD_USER_INPUT",
                                r"before 1970")

    def test_non_integer_times_as_literals(self):
        cases = (("1.5", r"Int cannot represent non-integer value: 1\.5"),
                 (f'"{DAY}"', quoted(rf'Int cannot represent non-integer value: "{DAY}"')),
                 ("true", r"Int cannot represent non-integer value: true"),
                 ("null", quoted(r'Expected value of type "Int!", found null')))
        for literal, pattern in cases:
            with self.subTest(literal=literal):
                self.assert_request_error(self.request_data(literal, DAY_END), 400,
                                          "GRAPHQL_VALIDATION_FAILED", pattern)

    def test_non_integer_times_as_variables(self):
        query = "mutation M($s: Int!, $e: Int!) { requestData(startTime: $s, endTime: $e) }"
        cases = ((1.5, quoted(r'Variable "\$s" got invalid value 1\.5; Int cannot represent')),
                 (str(DAY), quoted(r'Variable "\$s" got invalid value "1795132800"')),
                 (None, quoted(r'Variable "\$s" of non-null type "Int!" must not be null')))
        for value, pattern in cases:
            with self.subTest(value=value):
                reply = self.client.post(query, variables={"s": value, "e": DAY_END},
                                         accept=GRAPHQL_RESPONSE)
                self.assert_request_error(reply, 400, "BAD_USER_INPUT", pattern)
        reply = self.client.post(query, variables={"e": DAY_END}, accept=GRAPHQL_RESPONSE)
        self.assert_request_error(
            reply, 400, "BAD_USER_INPUT",
            quoted(r'Variable "\$s" of required type "Int!" was not provided'))

    def test_64_bit_times_are_int_errors_not_wrapped(self):
        for value in (2**32, 2**31, -(2**31) - 1, 2**63):
            with self.subTest(literal=value):
                self.assert_request_error(
                    self.request_data(value, value + 60), 400, "GRAPHQL_VALIDATION_FAILED",
                    rf"Int cannot represent non 32-bit signed integer value: {value}")
            with self.subTest(variable=value):
                reply = self.client.post(
                    "mutation M($s: Int!) { requestData(startTime: $s, endTime: 60) }",
                    variables={"s": value}, accept=GRAPHQL_RESPONSE)
                self.assert_request_error(
                    reply, 400, "BAD_USER_INPUT",
                    rf"Int cannot represent non 32-bit signed integer value: {value}")

    def test_unknown_and_malformed_request_ids(self):
        ids = [str(uuid.uuid4()), "not-a-uuid", "", "' OR '1'='1' --", "../../etc/passwd",
               "ÿ\u00fc\U0001F642", str(uuid.uuid4()).upper(), "x" * 5000,
               "00000000-0000-0000-0000-000000000000"]
        want = {"status": NOT_REQUESTED, "progress": 0, "dataRequestDownloadLinks": None}
        for request_id in ids:
            for operation in ("query", "mutation"):
                with self.subTest(id=request_id[:40], operation=operation):
                    reply = self.client.post(
                        f"{operation} S($id: String!) {{ requestStatus(requestId: $id) "
                        f"{STATUS_FIELDS} }}", variables={"id": request_id})
                    self.assertEqual(reply.status, 200, repr(reply))
                    self.assertEqual(reply.body, {"data": {"requestStatus": want}})
        # The original callers' literal form too.
        reply = self.client.request_status("no-such-request")
        self.assertEqual(reply.body, {"data": {"requestStatus": want}})

    def test_malformed_json_and_bodies_are_400(self):
        for body in (b'{"query": ', b"not json", b"\xff\xfe{}", b"[]",
                     b'[{"query": "{ __typename }"}]', b"{}", b'{"query": 5}', b'{"query": null}',
                     b'{"query": "{ __typename }", "variables": "x"}',
                     b'{"query": "{ __typename }", "operationName": 5}',
                     b'{"query": "{ __typename }", "extensions": []}',
                     b'{"query": "{ __typename }"} trailing'):
            with self.subTest(body=body):
                reply = self.client.post_raw(body)
                self.assertEqual(reply.status, 400, repr(reply))
                if reply.body is not None:
                    self.assertTrue(reply.errors, repr(reply))
                    self.assertNotIn("data", reply.body)

    def test_numbers_beyond_the_double_range_are_bad_input_not_500(self):
        """JSON allows 1e400; a parser that cannot hold it must answer 400, not fail."""
        declared = ("mutation M($s: Int!, $e: Int!) { requestData(startTime: $s, endTime: $e) }")
        for body in ('{"query": "%s", "variables": {"s": 1e400, "e": 5}}' % declared,
                     '{"query": 1e400}'):
            with self.subTest(body=body[-40:]):
                reply = self.client.post_raw(body.encode())
                self.assertEqual(reply.status, 400, repr(reply))
                self.assertTrue(reply.errors, repr(reply))
        for body in ('{"query": "{ __typename }", "variables": {"unused": 1e400}}',
                     '{"query": "{ __typename }", "extensions": {"x": -1e400}}',
                     '{"query": "{ __typename }", "other": 1e309}'):
            with self.subTest(body=body[-40:]):
                reply = self.client.post_raw(body.encode())
                self.assertIn(reply.status, (200, 400), repr(reply))
                self.assertIsInstance(reply.body, dict, repr(reply))
        reply = self.client.get({"query": "query Q($s: Int) { __typename }",
                                 "variables": '{"s": 1e400}'})
        self.assertEqual(reply.status, 400, repr(reply))

    def test_body_over_64_kib_is_413(self):
        body = json.dumps({"query": "{ __typename }", "variables": {"pad": "x" * 70_000}})
        reply = self.client.post_raw(body.encode())
        self.assertEqual(reply.status, 413, repr(reply))

    def send_huge_body(self, total, chunked):
        """Streams a `total`-byte body without waiting for the server to read it, and stops as
        soon as the server answers. Returns (status line, bytes sent). Every socket operation
        has a client-side timeout; nothing is timed on the server."""
        sock = socket.create_connection((SERVER.host, SERVER.port), timeout=30)
        try:
            framing = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {total}"
            sock.sendall((f"POST /graphql HTTP/1.1\r\nHost: {SERVER.host}\r\n"
                          "Content-Type: application/json\r\nAccept: application/json\r\n"
                          f"{framing}\r\n\r\n").encode())
            piece = b"x" * 65_536
            if chunked:
                piece = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
            sent = 0
            deadline = time.monotonic() + 60
            while sent < total and time.monotonic() < deadline:
                readable, writable, _ = select.select([sock], [sock], [], 1)
                if readable:
                    break
                if writable:
                    try:
                        sent += sock.send(piece)
                    except (BrokenPipeError, ConnectionResetError):
                        break
            answer = b""
            while b"\r\n" not in answer:
                data = sock.recv(4096)
                if not data:
                    break
                answer += data
            return answer.split(b"\r\n", 1)[0].decode(errors="replace"), sent
        finally:
            sock.close()

    def test_100_mb_body_is_413_without_being_read(self):
        for chunked in (False, True):
            with self.subTest(chunked=chunked):
                status, sent = self.send_huge_body(100 * 1024 * 1024, chunked)
                self.assertRegex(status, r"^HTTP/1\.1 413 ")
                print(f"\n  413 after {sent / 1048576:.1f} MiB sent (chunked={chunked})")
                self.assertLess(sent, 100 * 1024 * 1024)

    def test_nesting_1000_deep(self):
        selection = "{" + "a{" * 999 + "b" + "}" * 1000
        literal = ("{ requestStatus(requestId: " + "[" * 1000 + '"x"' + "]" * 1000 +
                   ") { status } }")
        for query in (selection, literal):
            with self.subTest(query=query[:30]):
                # 1,000 levels are over 2,000 tokens: whichever parse limit trips first.
                self.assert_request_error(
                    self.client.post(query, accept=GRAPHQL_RESPONSE), 400,
                    "GRAPHQL_PARSE_FAILED",
                    r"^Syntax Error: Document (exceeds the maximum nesting depth of 64|"
                    r"contains more than 2000 tokens)")
        few_tokens = "{ requestStatus(requestId: " + "[" * 100 + "]" * 100 + ") { status } }"
        self.assert_request_error(
            self.client.post(few_tokens, accept=GRAPHQL_RESPONSE), 400, "GRAPHQL_PARSE_FAILED",
            r"^Syntax Error: Document exceeds the maximum nesting depth of 64\.")
        # Nested JSON in variables, as deep as 64 KiB allows.
        body = ('{"query": "query Q($id: String!) { requestStatus(requestId: $id) { status } }",'
                '"variables": {"id": ' + "[" * 30_000 + "]" * 30_000 + "}}")
        reply = self.client.post_raw(body.encode())
        self.assertEqual(reply.status, 400, repr(reply))

    def test_too_many_aliases_tokens_directives_and_query_bytes(self):
        """Limits (issue 4 defaults), checked before executing: LIMIT_EXCEEDED for the shape
        limits and the query size, GRAPHQL_PARSE_FAILED for tokens (engine.h)."""
        aliases = "{ " + " ".join(f"a{i}: __typename" for i in range(16)) + " }"
        self.assert_request_error(self.client.post(aliases, accept=GRAPHQL_RESPONSE), 400,
                                  "LIMIT_EXCEEDED",
                                  r"^Query uses 16 aliases, exceeding the limit of 15\.")
        fifteen = "{ " + " ".join(f"a{i}: __typename" for i in range(15)) + " }"
        reply = self.client.post(fifteen, accept=GRAPHQL_RESPONSE)
        self.assertEqual(reply.status, 200, repr(reply))
        tokens = "{ " + "a " * 2_100 + "}"
        self.assert_request_error(self.client.post(tokens, accept=GRAPHQL_RESPONSE), 400,
                                  "GRAPHQL_PARSE_FAILED",
                                  r"^Syntax Error: Document contains more than 2000 tokens\.")
        directives = "{ __typename" + " @include(if: true)" * 51 + " }"
        self.assert_request_error(self.client.post(directives, accept=GRAPHQL_RESPONSE), 400,
                                  "LIMIT_EXCEEDED",
                                  r"^Query uses 51 directives, exceeding the limit of 50\.")
        long_text = "# " + "x" * 17_000 + "\n{ __typename }"
        self.assert_request_error(self.client.post(long_text, accept=GRAPHQL_RESPONSE), 400,
                                  "LIMIT_EXCEEDED", r"^Query text is 17017 bytes; the limit is "
                                  r"16384\.")

    def test_unknown_fields_and_syntax_errors_have_locations(self):
        reply = self.client.post("{ requestStatus(requestId: \"x\") { nope } }",
                                 accept=GRAPHQL_RESPONSE)
        self.assert_request_error(reply, 400, "GRAPHQL_VALIDATION_FAILED",
                                  quoted(r'Cannot query field "nope" on type "RequestStatus"'))
        self.assertEqual(reply.errors[0]["locations"], [{"line": 1, "column": 35}])
        reply = self.client.post("mutation {\n  requestData(startTime: 1 endTime: }",
                                 accept=GRAPHQL_RESPONSE)
        self.assert_request_error(reply, 400, "GRAPHQL_PARSE_FAILED", r"^Syntax Error")
        self.assertEqual(reply.errors[0]["locations"], [{"line": 2, "column": 37}])
        reply = self.client.post("mutation { requestData(startTime: 1) }",
                                 accept=GRAPHQL_RESPONSE)
        self.assert_request_error(
            reply, 400, "GRAPHQL_VALIDATION_FAILED",
            quoted(r'Field "requestData" argument "endTime" of type "Int!" is required'))


class AuthTest(unittest.TestCase):
    """Bearer tokens from the configuration (stored as sha256 hashes)."""

    READER = "reader-token-3b9e"
    ADMIN = "admin-token-77c1"

    @classmethod
    def setUpClass(cls):
        cls.data = DataDir(api_tokens_toml([cls.READER], [cls.ADMIN]), prefix="de-api-auth-")
        cls.server = Server(cls.data).start()

    @classmethod
    def tearDownClass(cls):
        try:
            cls.server.stop()
        finally:
            cls.data.cleanup()

    def client(self, token=None):
        return Client(self.server, token=token)

    def assert_unauthenticated(self, reply):
        self.assertEqual(reply.status, 401, repr(reply))
        self.assertEqual(reply.codes()[:1], ["UNAUTHENTICATED"], repr(reply))
        self.assertNotIn("data", reply.body)

    def test_missing_or_wrong_token_is_401_unauthenticated(self):
        anonymous = self.client()
        reply = anonymous.request_data(DAY, DAY + 60)
        self.assert_unauthenticated(reply)
        response = anonymous.session.post(self.server.url(), json={"query": "{ __typename }"})
        self.assertRegex(response.headers.get("WWW-Authenticate", ""), r"^Bearer")
        self.assert_unauthenticated(self.client("wrong-token").request_status(str(uuid.uuid4())))
        self.assert_unauthenticated(anonymous.get({"query": "{ __typename }"}))
        hashed = api_tokens_toml([self.READER]).split('"')[1]  # the stored hash is no token
        self.assert_unauthenticated(self.client(hashed).post("{ __typename }"))
        basic = anonymous.session.post(self.server.url(), json={"query": "{ __typename }"},
                                       auth=(self.READER, ""))
        self.assertEqual(basic.status_code, 401)
        # Liveness needs no token; a reader's request and its links work.
        self.assertEqual(anonymous.healthz().status_code, 200)
        self.assertEqual(self.client(self.READER).post("{ __typename }").status, 200)

    def test_reader_runs_the_flow_and_links_need_no_token(self):
        reader = self.client(self.READER)
        request_id = reader.submit(DAY, DAY + 1800)
        final, _ = reader.wait_completed(request_id)
        self.assertEqual(final["status"], "Completed")
        for urls in final["dataRequestDownloadLinks"].values():
            for url in urls:
                self.assertEqual(requests.get(url, timeout=60).status_code, 200)

    def test_admin_mutation_needs_an_admin_token(self):
        unknown = str(uuid.uuid4())
        cancel = f'mutation {{ cancelRequest(requestId: "{unknown}") {{ id state }} }}'
        reply = self.client(self.READER).post(cancel)
        self.assertEqual(reply.status, 200, repr(reply))
        self.assertIsNone(reply.data)
        self.assertEqual(reply.codes(), ["FORBIDDEN"], repr(reply))
        self.assertEqual(reply.errors[0]["path"], ["cancelRequest"])
        reply = self.client(self.ADMIN).post(cancel)
        self.assertEqual(reply.codes(), ["NOT_FOUND"], repr(reply))
        self.assertEqual(self.client(self.ADMIN).post("{ __typename }").status, 200)

    def test_admin_cancels_a_request(self):
        admin = self.client(self.ADMIN)
        request_id = admin.submit(DAY + 600, DAY_END)
        reply = admin.post(f'mutation {{ cancelRequest(requestId: "{request_id}") '
                           "{ id state status } }")
        final, _ = admin.wait_completed(request_id)
        print(f"\n  cancelRequest: {reply.body}; requestStatus then: {final['status']}")
        self.assertIn(final["status"], FOUR_STATUSES, final)
        if reply.errors:  # it finished first
            self.assertEqual(reply.codes(), ["BAD_USER_INPUT"], repr(reply))
            self.assertEqual(final["status"], "Completed")
        else:
            self.assertEqual(reply.data["cancelRequest"]["state"], "CANCELLED", repr(reply))
            self.assertEqual(final["status"], "Failed")
            self.assertIsNone(final["dataRequestDownloadLinks"])
            # Its files were removed (DESIGN.md §6: nothing of a failed attempt stays).
            directory = f"/{DAY + 600}_{DAY_END}/"
            self.assertEqual([f for f in self.data.files() if directory in f], [])

    def test_non_loopback_address_without_tokens_is_refused_at_start(self):
        with tempfile.TemporaryDirectory(prefix="de-api-open-") as directory:
            config = os.path.join(directory, "de.toml")
            with open(config, "w") as f:
                f.write(f'[service]\ndata_dir = "{directory}/var"\n[http]\nhost = "0.0.0.0"\n')
            out = run_cli(config, "serve", "--port", "0", timeout=60)
        self.assertEqual(out.returncode, 2, out.stdout + out.stderr)
        self.assertRegex(out.stderr, r"not a loopback address.*api\.tokens")


class PolicyChangeTest(unittest.TestCase):
    """A policy import while serving: the next request for a range follows the new policy, and
    the request made under the old one is retired (request_queue.h)."""

    def test_request_after_a_policy_change_follows_the_new_policy(self):
        data = DataDir(prefix="de-api-policy-")
        try:
            with Server(data) as server:
                client = Client(server)
                first = client.submit(DAY, DAY + 3600)
                self.assertEqual(client.wait_completed(first)[0]["status"], "Completed")
                # cctv.vehicle_count becomes "de".
                changed = os.path.join(data.dir, "policy-changed")
                shutil.copytree(data.policy_dir, changed)
                path = os.path.join(changed, "data_column_classification.csv")
                with open(path, newline="") as f:
                    rows = list(csv.reader(f))
                rows = [["cctv", "vehicle_count", "de", "", "false"]
                        if r[:2] == ["cctv", "vehicle_count"] else r for r in rows]
                with open(path, "w", newline="") as f:
                    csv.writer(f, lineterminator="\n").writerows(rows)
                imported = run_cli(data.config, "policy", "import", changed)
                self.assertEqual(imported.returncode, 0, imported.stderr)

                second = client.submit(DAY, DAY + 3600)
                self.assertNotEqual(second, first)
                final, _ = client.wait_completed(second)
                self.assertEqual(final["status"], "Completed")
                old = client.request_status(first).data["requestStatus"]
                self.assertEqual((old["status"], old["dataRequestDownloadLinks"]),
                                 ("Failed", None))
                under_new_policy = types.SimpleNamespace(warehouse=data.warehouse,
                                                         policy_dir=changed)
                with tempfile.TemporaryDirectory(prefix="de-api-dl-") as directory:
                    files = download(final["dataRequestDownloadLinks"], directory)
                    for table in TABLES:
                        check_table_files(self, under_new_policy, table, files[table], DAY,
                                          DAY + 3600)
        finally:
            data.cleanup()


class NodeClientsTest(ApiTestCase):
    def node(self, script, *args, timeout=300):
        return subprocess.run([NODE, os.path.join(NODE_DIR, script), *args], cwd=NODE_DIR,
                              capture_output=True, text=True, timeout=timeout)

    def test_graphql_js_introspection_rebuilds_the_schema(self):
        out = self.node("graphql_client.mjs", "schema", SERVER.url(), "--sdl", SCHEMA_SDL)
        self.assertEqual(out.returncode, 0, out.stdout[-3000:] + out.stderr[-6000:])
        self.assertIn("requestData(startTime: Int!, endTime: Int!): String!", out.stdout)
        self.assertIn("requestStatus(requestId: String!): RequestStatus!", out.stdout)
        self.assertIn("scalar JSON", out.stdout)

    def test_graphql_js_client_flow_through_fetch(self):
        out = self.node("graphql_client.mjs", "flow", SERVER.url(), str(DAY + 7200),
                        str(DAY + 10_800))
        self.assertEqual(out.returncode, 0, out.stderr)
        result = json.loads(out.stdout)
        self.assertRegex(result["id"], UUID_RE)
        self.assertEqual(result["final"]["status"], "Completed")
        self.assertEqual(set(result["final"]["dataRequestDownloadLinks"]), set(TABLES))

    def test_graphql_http_audit_every_must_and_should_passes(self):
        out = self.node("graphql_http_audit.mjs", SERVER.url())
        print("\n" + out.stdout)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.client.assert_healthy(self)


if __name__ == "__main__":
    unittest.main()
