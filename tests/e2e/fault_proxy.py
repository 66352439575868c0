#!/usr/bin/env python3
"""A small HTTP/1.1 reverse proxy that injects faults, for the S3 fault tests.

    python3 tests/e2e/fault_proxy.py --upstream http://127.0.0.1:5000 [--port 0]

Listens on 127.0.0.1 (port 0 picks a free one) and prints "PORT <n>" as the first line of
stdout once it accepts connections. Every request is forwarded to the upstream with its bytes
unchanged (request line, Host header and all, since SigV4 signatures cover them) except for an
"Expect: 100-continue" header, which the proxy answers itself (signers do not sign it). Bodies
of any size are streamed in both directions (Content-Length, chunked, or until close). Each
client connection keeps its own connection to the upstream; when the upstream closes after an
answer (moto_server always does), the proxy reconnects for the next request and keeps the
client's connection open (Connection is hop-by-hop), so clients' connection reuse shows in the
"connections" counter.

Faults are planned over a control endpoint that is never forwarded:

  POST /__fault__   JSON list (or {"faults": [...]}) replacing the plan and zeroing the
                    counters. Each fault applies to the next requests it matches:
                      {"status": 500}                      answer 500 with an S3 <Error> body
                      {"status": 503, "code": "SlowDown"}  ... with that error code
                      {"drop": true}          read the request, then close without answering
                      {"delay_ms": 1500}      wait, then forward (a slow response)
                    optional keys: "method" ("PUT"), "path_contains" ("partNumber="),
                    "times" (how many requests it applies to; default 1, -1 = all).
                    The first matching fault of the plan wins.
  GET /__fault__    {"requests": n, "forwarded": n, "faults_served": n, "connections": n,
                     "plan": [...], "log": [{"method", "path", "action"}, ...]}
                    connections: client connections that carried a proxied request;
                    log: the last 1000 requests.
  DELETE /__fault__ clears the plan and the counters.
Counters count from the last POST or DELETE; control requests are not counted as requests.

Stops on SIGTERM or SIGINT. From Python tests, `ProxyProcess(upstream)` runs it as a child
process (`endpoint`, `plan(faults)`, `report()`, `stop()`; usable as a context manager).
"""
import argparse
import json
import signal
import socket
import socketserver
import sys
import threading
import time
import urllib.parse

CONTROL_PATH = "/__fault__"
MAX_HEAD = 64 * 1024
CHUNK = 64 * 1024
LOG_LIMIT = 1000


class FaultPlan:
    """The planned faults and the counters; thread-safe."""

    def __init__(self):
        self._lock = threading.Lock()
        self.reset([])

    def reset(self, faults):
        with self._lock:
            self._faults = [dict(f) for f in faults]
            for f in self._faults:
                f.setdefault("times", 1)
            self._requests = 0
            self._forwarded = 0
            self._served = 0
            self._connections = 0
            self._log = []

    def take(self, method, path):
        """The fault for this request (consuming one use of it), or None."""
        with self._lock:
            self._requests += 1
            for fault in self._faults:
                if fault.get("method") and fault["method"].upper() != method.upper():
                    continue
                if fault.get("path_contains") and fault["path_contains"] not in path:
                    continue
                if fault["times"] > 0:
                    fault["times"] -= 1
                if fault["times"] == 0:
                    self._faults.remove(fault)
                return dict(fault)
            return None

    def connected(self):
        with self._lock:
            self._connections += 1

    def record(self, method, path, action, forwarded):
        with self._lock:
            if forwarded:
                self._forwarded += 1
            if action != "forward":
                self._served += 1
            self._log.append({"method": method, "path": path, "action": action})
            del self._log[:-LOG_LIMIT]

    def report(self):
        with self._lock:
            return {"requests": self._requests, "forwarded": self._forwarded,
                    "faults_served": self._served,
                    "connections": self._connections, "plan": list(self._faults),
                    "log": list(self._log)}


class ConnectionClosed(Exception):
    pass


class Reader:
    """Buffered reads from a socket: lines, exact counts, or until close."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def _fill(self):
        data = self.sock.recv(CHUNK)
        if not data:
            raise ConnectionClosed()
        self.buf += data

    def head(self):
        """Bytes up to and including the blank line ending a message head."""
        while True:
            end = self.buf.find(b"\r\n\r\n")
            if end >= 0:
                head, self.buf = self.buf[:end + 4], self.buf[end + 4:]
                return head
            if len(self.buf) > MAX_HEAD:
                raise ConnectionClosed()
            self._fill()

    def line(self):
        while b"\r\n" not in self.buf:
            self._fill()
        end = self.buf.index(b"\r\n") + 2
        line, self.buf = self.buf[:end], self.buf[end:]
        return line

    def pieces(self, count):
        """Yields exactly `count` bytes in pieces."""
        while count > 0:
            if not self.buf:
                self._fill()
            piece, self.buf = self.buf[:count], self.buf[count:]
            count -= len(piece)
            yield piece

    def until_close(self):
        if self.buf:
            yield self.buf
            self.buf = b""
        while True:
            data = self.sock.recv(CHUNK)
            if not data:
                return
            yield data


def parse_head(head):
    """(first line, [(name, value)], {lower name: value}) of a message head."""
    lines = head.decode("latin-1").split("\r\n")
    headers = []
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers.append((name, value.strip()))
    return lines[0], headers, {n.lower(): v for n, v in headers}


def body_pieces(reader, fields, until_close_allowed):
    """Yields the raw bytes of a message body framed as `fields` say."""
    if "chunked" in fields.get("transfer-encoding", "").lower():
        while True:
            size_line = reader.line()
            yield size_line
            size = int(size_line.split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while True:  # trailers up to the blank line
                    line = reader.line()
                    yield line
                    if line == b"\r\n":
                        return
            yield from reader.pieces(size + 2)
    elif "content-length" in fields:
        yield from reader.pieces(int(fields["content-length"]))
    elif until_close_allowed:
        yield from reader.until_close()


def replace_connection_header(head, value):
    """`head` with its Connection header (if any) set to `value`."""
    lines = head[:-4].split(b"\r\n")
    kept = [line for line in lines if not line.lower().startswith(b"connection:")]
    return b"\r\n".join(kept + [b"Connection: " + value]) + b"\r\n\r\n"


def error_answer(status, code, keep_alive=True):
    body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>%s</Code>"
            "<Message>injected by fault_proxy</Message><RequestId>fault-proxy</RequestId>"
            "</Error>" % code).encode()
    head = ("HTTP/1.1 %d Injected\r\nContent-Type: application/xml\r\nContent-Length: %d\r\n"
            "x-amz-request-id: fault-proxy\r\nConnection: %s\r\n\r\n"
            % (status, len(body), "keep-alive" if keep_alive else "close"))
    return head.encode() + body


def json_answer(status, value):
    body = json.dumps(value).encode()
    return (("HTTP/1.1 %d OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"
             % (status, len(body))).encode() + body)


class ProxyHandler(socketserver.BaseRequestHandler):
    """One client connection: requests in turn, each faulted or forwarded."""

    def setup(self):
        self.counted = False  # counted as a connection once it carries a proxied request
        self.upstream = None
        self.upstream_reader = None

    def finish(self):
        self._close_upstream()

    def _close_upstream(self):
        if self.upstream is not None:
            self.upstream.close()
        self.upstream = self.upstream_reader = None

    def _connect_upstream(self):
        if self.upstream is None:
            self.upstream = socket.create_connection(self.server.upstream_addr, timeout=300)
            self.upstream_reader = Reader(self.upstream)

    def handle(self):
        client = Reader(self.request)
        try:
            while self._one_request(client):
                pass
        except (ConnectionClosed, OSError, ValueError):
            pass

    def _one_request(self, client):
        head = client.head()
        first, headers, fields = parse_head(head)
        method, target = first.split(" ")[0], first.split(" ")[1]
        path = urllib.parse.urlsplit(target).path
        if path == CONTROL_PATH:
            return self._control(client, method, fields)
        plan = self.server.plan
        if not self.counted:
            plan.connected()
            self.counted = True
        expect = fields.get("expect", "").lower() == "100-continue"
        if expect:  # answered here; the header is not signed, so it may be dropped
            self.request.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
            head = b"".join(line + b"\r\n" for line in head[:-4].split(b"\r\n")
                            if not line.lower().startswith(b"expect:")) + b"\r\n"
        fault = plan.take(method, target)
        if fault and (fault.get("status") or fault.get("drop")):
            for _ in body_pieces(client, fields, False):
                pass
            if fault.get("delay_ms"):
                time.sleep(fault["delay_ms"] / 1000.0)
            if fault.get("drop"):
                plan.record(method, target, "drop", False)
                return False
            code = fault.get("code") or ("InternalError" if fault["status"] >= 500 else "Fault")
            plan.record(method, target, "status %d" % fault["status"], False)
            self.request.sendall(error_answer(fault["status"], code))
            return True
        return self._forward(client, method, target, head, fields, fault)

    def _forward(self, client, method, target, head, fields, fault):
        plan = self.server.plan
        self._connect_upstream()
        self.upstream.sendall(head)
        for piece in body_pieces(client, fields, False):
            self.upstream.sendall(piece)
        if fault and fault.get("delay_ms"):
            time.sleep(fault["delay_ms"] / 1000.0)
        action = "delay %d ms" % fault.get("delay_ms", 0) if fault else "forward"
        plan.record(method, target, action, True)
        while True:  # interim 1xx answers are relayed as they are
            answer = self.upstream_reader.head()
            status_line, _, answer_fields = parse_head(answer)
            status = int(status_line.split(" ")[1])
            if status >= 200 or status == 101:
                break
            self.request.sendall(answer)
        no_body = method == "HEAD" or status in (204, 304)
        framed = no_body or "content-length" in answer_fields or (
            "chunked" in answer_fields.get("transfer-encoding", "").lower())
        upstream_closes = not framed or (
            answer_fields.get("connection", "").lower() == "close")
        client_keeps = framed and fields.get("connection", "").lower() != "close"
        if upstream_closes and client_keeps:
            # Connection is hop-by-hop: the client's connection outlives the upstream's.
            answer = replace_connection_header(answer, b"keep-alive")
        self.request.sendall(answer)
        if not no_body:
            for piece in body_pieces(self.upstream_reader, answer_fields, True):
                self.request.sendall(piece)
        if upstream_closes:
            self._close_upstream()
        return client_keeps

    def _control(self, client, method, fields):
        body = b"".join(body_pieces(client, fields, False))
        plan = self.server.plan
        if method == "GET":
            self.request.sendall(json_answer(200, plan.report()))
        elif method == "POST":
            try:
                value = json.loads(body or b"[]")
                faults = value["faults"] if isinstance(value, dict) else value
                if not isinstance(faults, list) or not all(isinstance(f, dict) for f in faults):
                    raise ValueError("a fault plan is a list of objects")
            except (ValueError, KeyError) as e:
                self.request.sendall(json_answer(400, {"error": str(e)}))
                return True
            plan.reset(faults)
            self.request.sendall(json_answer(200, plan.report()))
        elif method == "DELETE":
            plan.reset([])
            self.request.sendall(json_answer(200, plan.report()))
        else:
            self.request.sendall(json_answer(405, {"error": "GET, POST or DELETE"}))
        return True


class FaultProxy(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, upstream, port=0):
        parsed = urllib.parse.urlsplit(upstream)
        if parsed.scheme != "http" or not parsed.hostname:
            raise ValueError("--upstream must be http://host[:port], got %r" % upstream)
        self.upstream_addr = (parsed.hostname, parsed.port or 80)
        self.plan = FaultPlan()
        super().__init__(("127.0.0.1", port), ProxyHandler)

    @property
    def port(self):
        return self.server_address[1]


class ProxyProcess:
    """This script as a child process in front of `upstream`; stopped by `stop()`."""

    def __init__(self, upstream):
        import subprocess

        self.process = subprocess.Popen(
            [sys.executable, __file__, "--upstream", upstream], stdout=subprocess.PIPE,
            text=True)
        line = self.process.stdout.readline()
        if not line.startswith("PORT "):
            self.stop()
            raise RuntimeError("fault_proxy did not start: %r" % line)
        self.endpoint = "http://127.0.0.1:%d" % int(line.split()[1])

    def _call(self, method, value=None):
        import urllib.request

        data = None if value is None else json.dumps(value).encode()
        request = urllib.request.Request(self.endpoint + CONTROL_PATH, data=data, method=method)
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.load(answer)

    def plan(self, faults):
        """Replaces the fault plan (a list of fault objects) and zeroes the counters."""
        return self._call("POST", faults)

    def report(self):
        return self._call("GET")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except Exception:  # noqa: BLE001 - a stuck proxy is killed
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--upstream", required=True, help="http://host:port to forward to")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0 = free)")
    args = parser.parse_args(argv)
    proxy = FaultProxy(args.upstream, args.port)

    def stop(signum, frame):
        threading.Thread(target=proxy.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print("PORT %d" % proxy.port, flush=True)
    try:
        proxy.serve_forever(poll_interval=0.2)
    finally:
        proxy.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
