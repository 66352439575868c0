"""moto_server (the preinstalled Python package `moto`) on 127.0.0.1 for the S3 and SNS tests.

`MotoServer(auth=True)` starts a server that checks SigV4 signatures and IAM policies: its first
three actions are unauthenticated (INITIAL_NO_AUTH_ACTION_COUNT=3) and are spent creating an IAM
user, giving it s3:*, sns:* and sqs:* and creating its access key; every later request must be
signed with that key. `MotoServer(auth=False)` accepts anything; the presigned-link tests use it
because moto answers a presigned GET with 500 once authentication is on.

moto_server runs through moto_launcher.py, which fixes moto 5.2's signature check for keys
holding '+', '=' or non-ASCII bytes and for query values holding '/' (moto signed the decoded
URL; botocore's own correct requests failed there too).

Every server started here is stopped by `stop()`, at exit, and on SIGTERM.
"""
import atexit
import json
import os
import signal
import socket
import subprocess
import sys
import time

REGION = "us-east-1"
_servers = []


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MotoServer:
    """One moto_server process; `endpoint`, `access_key_id`, `secret_access_key`, `region`."""

    def __init__(self, auth=True):
        self.auth = auth
        self.port = _free_port()
        self.endpoint = "http://127.0.0.1:%d" % self.port
        self.region = REGION
        env = dict(os.environ)
        env.pop("INITIAL_NO_AUTH_ACTION_COUNT", None)
        if auth:
            env["INITIAL_NO_AUTH_ACTION_COUNT"] = "3"
        self.log_path = "/tmp/de-moto-%d.log" % self.port
        self._log = open(self.log_path, "wb")
        launcher = os.path.join(os.path.dirname(os.path.abspath(__file__)), "moto_launcher.py")
        self.process = subprocess.Popen(
            [sys.executable, launcher, "-H", "127.0.0.1", "-p", str(self.port)], env=env,
            stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        _servers.append(self)
        self._wait_ready()
        if auth:
            self.access_key_id, self.secret_access_key = self._bootstrap_iam()
        else:
            self.access_key_id, self.secret_access_key = "AKIAMOTONOAUTH000000", "moto-no-auth"

    def _wait_ready(self):
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("moto_server exited: see " + self.log_path)
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("moto_server did not start within 60 s: see " + self.log_path)

    def _bootstrap_iam(self):
        import boto3  # preinstalled; imported lazily so `stop` works without it

        iam = boto3.client("iam", endpoint_url=self.endpoint, region_name=self.region,
                           aws_access_key_id="bootstrap", aws_secret_access_key="bootstrap")
        iam.create_user(UserName="data-exporter")
        iam.put_user_policy(
            UserName="data-exporter", PolicyName="exporter",
            PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": ["s3:*", "sns:*", "sqs:*"], "Resource": "*"}]}))
        key = iam.create_access_key(UserName="data-exporter")["AccessKey"]
        return key["AccessKeyId"], key["SecretAccessKey"]

    def client(self, service, secret=None):
        """A boto3 client of this server, signed with the bootstrap user's key."""
        import boto3

        return boto3.client(service, endpoint_url=self.endpoint, region_name=self.region,
                            aws_access_key_id=self.access_key_id,
                            aws_secret_access_key=secret or self.secret_access_key)

    def env(self, prefix="DE_S3"):
        """Variables naming this server: PREFIX_ENDPOINT, _ACCESS_KEY_ID, _SECRET_ACCESS_KEY,
        _REGION."""
        return {prefix + "_ENDPOINT": self.endpoint,
                prefix + "_ACCESS_KEY_ID": self.access_key_id,
                prefix + "_SECRET_ACCESS_KEY": self.secret_access_key,
                prefix + "_REGION": self.region}

    def stop(self):
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=20)
        self._log.close()
        if self in _servers:
            _servers.remove(self)


def stop_all():
    for server in list(_servers):
        server.stop()


def _on_sigterm(signum, frame):
    stop_all()
    os._exit(128 + signum)


atexit.register(stop_all)
if signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, None):
    signal.signal(signal.SIGTERM, _on_sigterm)


def main(argv):
    """with-moto: starts an authenticating and an open server, runs a command with DE_S3_* (auth)
    and DE_S3_NOAUTH_* (open) set, stops both; exits with the command's status."""
    if "--" in argv:
        argv = argv[argv.index("--") + 1:]
    if not argv:
        print("with-moto: usage: with-moto -- COMMAND [ARG...]", file=sys.stderr)
        return 2
    signal.signal(signal.SIGINT, _on_sigterm)
    signal.signal(signal.SIGTERM, _on_sigterm)
    auth = MotoServer(auth=True)
    open_server = MotoServer(auth=False)
    env = dict(os.environ)
    env.update(auth.env("DE_S3"))
    env.update(open_server.env("DE_S3_NOAUTH"))
    try:
        return subprocess.call(argv, env=env)
    finally:
        stop_all()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
