"""S3 object storage and SNS notifications end to end: the real binary against moto_server.

- An on-demand export to a moto that checks SigV4 signatures and IAM policies: objects as awscli
  lists them, content as the policy lets out (DuckDB reads what boto3 downloads), files larger
  than two parts uploaded as multipart (their ETag says so), credentials from the environment.
- A daily run to S3 publishes its summary to an SNS topic (read back from a subscribed SQS
  queue with boto3).
- A wrong secret key: SignatureDoesNotMatch in a clear error, nothing written, no secret shown.
- Presigned links from requestStatus download the exact stored bytes (moto without
  authentication: moto answers presigned GETs with 500 once authentication is on); with
  session credentials the links and linksExpireAt end when the credentials do.
- Faults from tests/e2e/fault_proxy.py in front of moto: 500s, 503 SlowDown, dropped
  connections and slow answers are retried and the files are whole; a permanent failure aborts
  the multipart upload (no upload left in list-multipart-uploads) and publishes nothing.

Environment: DE_EXE, DE_NODE, DE_NODE_DIR (as every e2e test).
"""
import datetime
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse
import uuid

import requests

import moto_support
from server_fixture import (DAY, DAY_END, TABLES, Client, DataDir, Server, check_table_files,
                            download, run_cli)

HERE = os.path.dirname(os.path.abspath(__file__))
PART = 5 * 1024 * 1024  # the smallest part S3 takes
DAILY_DATE = "2026-11-20"


def inflate_warehouse(source, target):
    """A copy of the demo warehouse whose `way` rows carry 200 random hex characters in
    road_name (exported as is), so way's file is larger than three 5 MiB parts."""
    shutil.copyfile(source, target)
    db = sqlite3.connect(target)
    db.execute("UPDATE way SET road_name = hex(randomblob(100))")
    db.commit()
    db.close()


def new_bucket(server):
    name = "de-" + uuid.uuid4().hex[:20]
    server.client("s3").create_bucket(Bucket=name)
    return name


def storage_toml(server, bucket, extra=""):
    return (f'[storage]\nbackend = "s3"\nbucket = "{bucket}"\nendpoint = "{server.endpoint}"\n'
            f'region = "{server.region}"\naddressing = "path"\npart_size_bytes = {PART}\n'
            f"{extra}")


def aws_env(server, secret=None, **extra):
    """The process environment with the credential chain's AWS_* variables for `server`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID=server.access_key_id,
               AWS_SECRET_ACCESS_KEY=secret or server.secret_access_key,
               AWS_REGION=server.region,
               AWS_SHARED_CREDENTIALS_FILE="/nonexistent")
    env.update(extra)
    return env


def list_objects(server, bucket, prefix=""):
    """{key: size} as boto3 lists them (every page)."""
    out = {}
    paginator = server.client("s3").get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
        for o in page.get("Contents", []):
            out[o["Key"]] = o["Size"]
    return out


def awscli(server, *args, secret=None):
    """`aws --endpoint-url … ARGS` (the preinstalled awscli) as JSON."""
    out = subprocess.run(["aws", "--endpoint-url", server.endpoint, "--output", "json", *args],
                         capture_output=True, text=True, timeout=120, env=aws_env(server, secret))
    if out.returncode != 0:
        raise AssertionError(f"aws {' '.join(args)} failed: {out.stderr}")
    return json.loads(out.stdout) if out.stdout.strip() else {}


class FaultProxy:
    """tests/e2e/fault_proxy.py in front of `upstream`; `endpoint`, plan(), counts(), stop()."""

    def __init__(self, upstream):
        self.process = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "fault_proxy.py"), "--upstream", upstream],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.process.stdout.readline()
        if not line.startswith("PORT "):
            self.process.kill()
            raise AssertionError(f"fault_proxy did not start: {line!r}")
        self.endpoint = f"http://127.0.0.1:{int(line.split()[1])}"

    def plan(self, faults):
        requests.post(self.endpoint + "/__fault__", json=faults, timeout=10).raise_for_status()

    def counts(self):
        return requests.get(self.endpoint + "/__fault__", timeout=10).json()

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        self.process.stdout.close()


class S3Test(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.auth = moto_support.MotoServer(auth=True)
        cls.open = moto_support.MotoServer(auth=False)
        cls.tmp = tempfile.mkdtemp(prefix="de-s3-e2e-")
        cls.big_warehouse = os.path.join(cls.tmp, "big-warehouse.db")
        # The demo template exists once a DataDir was made.
        probe = DataDir()
        inflate_warehouse(probe.warehouse, cls.big_warehouse)
        probe.cleanup()

        cls.proxy = FaultProxy(cls.auth.endpoint)

    @classmethod
    def tearDownClass(cls):
        cls.proxy.stop()
        cls.auth.stop()
        cls.open.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def data_dir(self, toml, big=False):
        data = DataDir(extra_toml=toml, prefix="de-s3-")
        self.addCleanup(data.cleanup)
        if big:
            with open(data.config) as f:
                text = f.read()
            with open(data.config, "w") as f:
                f.write(text.replace(f'path = "{data.warehouse}"',
                                     f'path = "{self.big_warehouse}"'))
            data.warehouse = self.big_warehouse
        return data

    def download_objects(self, server, bucket, keys, directory):
        """Downloads `keys` with boto3; {key: local path}."""
        s3 = server.client("s3")
        out = {}
        for key in keys:
            path = os.path.join(directory, key.replace("/", "_"))
            s3.download_file(bucket, key, path)
            out[key] = path
        return out

    def check_export(self, server, bucket, data, start, end, objects):
        """Every table's data files as the policy lets them out; returns {table: rows}."""
        directory = tempfile.mkdtemp(prefix="de-s3-dl-", dir=self.tmp)
        rows = {}
        for table in TABLES:
            keys = sorted(k for k in objects if f"/{table}/" in k and k.endswith(".parquet"))
            self.assertTrue(keys, f"no file of {table} in {sorted(objects)}")
            paths = self.download_objects(server, bucket, keys, directory)
            rows[table] = check_table_files(self, data, table, [paths[k] for k in keys], start,
                                            end)
        return rows

    # --- on demand, with authentication --------------------------------------------------------

    def test_on_demand_export_to_authenticated_s3(self):
        bucket = new_bucket(self.auth)
        data = self.data_dir(storage_toml(self.auth, bucket), big=True)
        out = run_cli(data.config, "export", "--start", str(DAY), "--end", str(DAY_END),
                      env=aws_env(self.auth), timeout=600)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertNotIn(self.auth.secret_access_key, out.stdout + out.stderr)
        objects = list_objects(self.auth, bucket)
        # awscli, an independent client, sees the same objects and sizes.
        listed = awscli(self.auth, "s3api", "list-objects-v2", "--bucket", bucket)
        self.assertEqual({o["Key"]: o["Size"] for o in listed.get("Contents", [])}, objects)
        self.assertFalse(any("_staging" in k for k in objects), sorted(objects))
        rows = self.check_export(self.auth, bucket, data, DAY, DAY_END, objects)
        self.assertGreater(rows["way"], 0)
        # way's file is larger than two parts: a multipart upload (ETag "<md5 of md5s>-<parts>").
        s3 = self.auth.client("s3")
        way = [k for k in objects if "/way/" in k and k.endswith(".parquet")]
        self.assertTrue(any(objects[k] > 2 * PART for k in way), {k: objects[k] for k in way})
        for key in way:
            etag = s3.head_object(Bucket=bucket, Key=key)["ETag"].strip('"')
            parts = -(-objects[key] // PART)
            if parts > 1:
                self.assertTrue(etag.endswith(f"-{parts}"), (key, objects[key], etag))
        # Manifests name the objects by their s3:// URI and size.
        manifests = [k for k in objects if k.endswith("/manifest")]
        self.assertEqual(len(manifests), len(TABLES), sorted(objects))
        for key in manifests:
            manifest = json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
            self.assertTrue(manifest["entries"], key)
            for entry in manifest["entries"]:
                self.assertTrue(entry["url"].startswith(f"s3://{bucket}/"), entry)
                entry_key = entry["url"][len(f"s3://{bucket}/"):]
                self.assertEqual(objects.get(entry_key), entry["meta"]["content_length"], entry)
        self.assertEqual(awscli(self.auth, "s3api", "list-multipart-uploads", "--bucket",
                                bucket).get("Uploads", []), [])

    def test_wrong_secret_key_is_a_clear_error_and_writes_nothing(self):
        bucket = new_bucket(self.auth)
        data = self.data_dir(storage_toml(self.auth, bucket))
        wrong = "wrong" + self.auth.secret_access_key[5:]
        out = run_cli(data.config, "export", "--start", str(DAY), "--end", str(DAY_END),
                      env=aws_env(self.auth, secret=wrong), timeout=300)
        self.assertNotEqual(out.returncode, 0, out.stdout)
        self.assertIn("SignatureDoesNotMatch", out.stderr + out.stdout)
        self.assertNotIn(wrong, out.stdout + out.stderr)
        self.assertEqual(list_objects(self.auth, bucket), {})

    # --- daily run and SNS ---------------------------------------------------------------------

    def test_daily_run_to_s3_publishes_its_summary_to_sns(self):
        bucket = new_bucket(self.auth)
        sns, sqs = self.auth.client("sns"), self.auth.client("sqs")
        topic = sns.create_topic(Name="de-runs-" + uuid.uuid4().hex[:8])["TopicArn"]
        queue = sqs.create_queue(QueueName="de-runs-" + uuid.uuid4().hex[:8])["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"]
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
        toml = storage_toml(self.auth, bucket) + (
            f'[notify.sns]\ntopic_arn = "{topic}"\nendpoint = "{self.auth.endpoint}"\n')
        data = self.data_dir(toml)
        out = run_cli(data.config, "run-daily", "--date", DAILY_DATE, env=aws_env(self.auth),
                      timeout=600)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        objects = list_objects(self.auth, bucket)
        for table in TABLES:
            self.assertTrue(any(f"/2026/11/20/{table}/" in k for k in objects), sorted(objects))
        self.assertTrue(any("/classifications/" in k for k in objects), sorted(objects))
        messages = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=5,
                                       MaxNumberOfMessages=10).get("Messages", [])
        self.assertEqual(len(messages), 1, messages)
        envelope = json.loads(messages[0]["Body"])
        self.assertEqual(envelope["TopicArn"], topic)
        self.assertEqual(envelope["Subject"], "SUCCESS")
        summary = json.loads(envelope["Message"])
        self.assertEqual(summary["status"], "SUCCESS")
        self.assertEqual(summary["env"], "dev")
        self.assertEqual(summary["run_date"], DAILY_DATE)
        self.assertEqual(sorted(t["table"] for t in summary["tables"]), sorted(TABLES))

    # --- presigned links -----------------------------------------------------------------------

    def test_presigned_links_download_the_exact_stored_bytes(self):
        bucket = new_bucket(self.open)
        data = self.data_dir(storage_toml(self.open, bucket))
        with Server(data, env=aws_env(self.open)) as server:
            client = Client(server)
            request_id = client.submit(DAY, DAY_END)
            status, _ = client.wait_completed(request_id, timeout=300)
            self.assertEqual(status["status"], "Completed", status)
            reply = client.post(f'{{ requestStatus(requestId: "{request_id}") {{ '
                                "dataRequestDownloadLinks linksExpireAt } }")
            links = reply.data["requestStatus"]["dataRequestDownloadLinks"]
            expires = reply.data["requestStatus"]["linksExpireAt"]
            server.stop()
        self.assertEqual(sorted(links), sorted(TABLES))
        expires_at = datetime.datetime.fromisoformat(expires.replace("Z", "+00:00")).timestamp()
        self.assertAlmostEqual(expires_at, time.time() + 86_400, delta=120)
        s3 = self.open.client("s3")
        for table, urls in links.items():
            for url in urls:
                query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
                self.assertEqual(query["X-Amz-Expires"], ["86400"], url)
                key = urllib.parse.unquote(urllib.parse.urlsplit(url).path).split("/", 2)[2]
                got = requests.get(url, timeout=60)
                self.assertEqual(got.status_code, 200, url)
                stored = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
                self.assertEqual(got.content, stored, key)
        paths = download(links, tempfile.mkdtemp(prefix="de-s3-links-", dir=self.tmp))
        for table in TABLES:
            check_table_files(self, data, table, paths[table], DAY, DAY_END)

    def test_session_credentials_clamp_the_links_to_their_expiry(self):
        bucket = new_bucket(self.open)
        data = self.data_dir(storage_toml(self.open, bucket))
        session_end = int(time.time()) + 900
        env = aws_env(self.open, AWS_SESSION_TOKEN="session-token-for-moto",
                      AWS_CREDENTIAL_EXPIRATION=datetime.datetime.fromtimestamp(
                          session_end, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
        with Server(data, env=env) as server:
            client = Client(server)
            request_id = client.submit(DAY, DAY_END)
            status, _ = client.wait_completed(request_id, timeout=300)
            self.assertEqual(status["status"], "Completed", status)
            reply = client.post(f'{{ requestStatus(requestId: "{request_id}") {{ '
                                "dataRequestDownloadLinks linksExpireAt } }")
            server.stop()
        status = reply.data["requestStatus"]
        expires_at = datetime.datetime.fromisoformat(
            status["linksExpireAt"].replace("Z", "+00:00")).timestamp()
        self.assertEqual(int(expires_at), session_end)
        for urls in status["dataRequestDownloadLinks"].values():
            for url in urls:
                query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
                self.assertLessEqual(int(query["X-Amz-Expires"][0]), 900, url)
                self.assertEqual(query["X-Amz-Security-Token"], ["session-token-for-moto"])
                self.assertEqual(requests.get(url, timeout=60).status_code, 200, url)

    # --- faults ----------------------------------------------------------------------------------

    def proxied_toml(self, bucket):
        """Storage on the authenticating moto through the fault proxy (signed for the proxy's
        host, which it forwards unchanged)."""
        return (f'[storage]\nbackend = "s3"\nbucket = "{bucket}"\n'
                f'endpoint = "{self.proxy.endpoint}"\nregion = "{self.auth.region}"\n'
                f'addressing = "path"\npart_size_bytes = {PART}\n')

    def test_transient_faults_are_retried_and_the_files_are_whole(self):
        bucket = new_bucket(self.auth)
        data = self.data_dir(self.proxied_toml(bucket), big=True)
        faults = [
            {"status": 500, "method": "PUT", "path_contains": "partNumber=1&"},
            {"status": 503, "code": "SlowDown", "method": "PUT", "path_contains": "partNumber=2&"},
            {"drop": True, "method": "PUT", "path_contains": "partNumber=3&"},
            {"status": 503, "code": "SlowDown", "method": "POST", "path_contains": "uploads"},
            {"status": 500, "method": "POST", "path_contains": "uploadId="},
            {"delay_ms": 1500, "method": "PUT"},
        ]
        self.proxy.plan(faults)
        out = run_cli(data.config, "export", "--start", str(DAY), "--end", str(DAY_END),
                      env=aws_env(self.auth), timeout=600)
        counts = self.proxy.counts()
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr + json.dumps(counts)[:4000])
        served = [entry for entry in counts["log"] if entry["action"] != "forward"]
        self.assertEqual(counts["faults_served"], len(faults), served)
        objects = list_objects(self.auth, bucket)
        self.check_export(self.auth, bucket, data, DAY, DAY_END, objects)
        self.assertEqual(awscli(self.auth, "s3api", "list-multipart-uploads", "--bucket",
                                bucket).get("Uploads", []), [])

    def test_a_permanent_failure_aborts_the_multipart_upload(self):
        bucket = new_bucket(self.auth)
        data = self.data_dir(self.proxied_toml(bucket), big=True)
        self.proxy.plan([{"status": 500, "method": "PUT", "path_contains": "partNumber=",
                          "times": -1}])
        out = run_cli(data.config, "export", "--start", str(DAY), "--end", str(DAY_END),
                      env=aws_env(self.auth), timeout=600)
        counts = self.proxy.counts()
        self.proxy.plan([])
        self.assertNotEqual(out.returncode, 0, out.stdout)
        self.assertIn("500", out.stderr + out.stdout)
        self.assertGreater(counts["faults_served"], 0)
        self.assertEqual(awscli(self.auth, "s3api", "list-multipart-uploads", "--bucket",
                                bucket).get("Uploads", []), [])
        # The request failed: its files are removed, nothing is published.
        self.assertEqual([k for k in list_objects(self.auth, bucket) if k.endswith(".parquet")],
                         [])


if __name__ == "__main__":
    unittest.main()
