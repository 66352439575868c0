"""Throwaway PostgreSQL 15 clusters (scripts/pg-cluster) for the e2e tests, stopped whatever
happens: by the test, at exit, and on SIGTERM (ctest's timeout; unittest would swallow a
SystemExit raised inside a test). Importing this module installs the exit and SIGTERM hooks.
"""
import atexit
import os
import shlex
import shutil
import signal
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PG_CLUSTER = os.path.join(HERE, "..", "..", "scripts", "pg-cluster")

_started = set()  # cluster directories that may have a running server
_created = []  # directories to remove at exit, after their servers are stopped
_running = []  # pg-cluster processes being waited for


def stop_all():
    """Stops every cluster started here and removes every directory made here."""
    for directory in list(_started):
        subprocess.run([PG_CLUSTER, "stop", directory], capture_output=True, timeout=120)
        _started.discard(directory)
    for directory in _created:
        shutil.rmtree(directory, ignore_errors=True)
    _created.clear()


def _on_sigterm(signum, frame):
    for process in list(_running):
        process.terminate()  # pg-cluster start stops the server it started on SIGTERM
        process.wait(timeout=120)
    stop_all()
    os._exit(128 + signum)


atexit.register(stop_all)
signal.signal(signal.SIGTERM, _on_sigterm)


def pg_cluster(*args, timeout=600):
    """Runs scripts/pg-cluster with `args`; returns the CompletedProcess (text)."""
    process = subprocess.Popen([PG_CLUSTER, *args], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    _running.append(process)
    try:
        out, err = process.communicate(timeout=timeout)
    finally:
        _running.remove(process)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def remove_at_exit(directory):
    """Removes `directory` at exit, after the clusters are stopped."""
    _created.append(directory)


def new_dir(prefix="de-pg-"):
    """A fresh directory under /tmp (reachable by `nobody`), removed at exit."""
    directory = tempfile.mkdtemp(prefix=prefix, dir="/tmp")
    os.chmod(directory, 0o755)
    _created.append(directory)
    return directory


def start(directory, *args):
    """pg-cluster start DIRECTORY ARGS...; the server is stopped at exit at the latest."""
    _started.add(directory)
    return pg_cluster("start", directory, *args)


def stop(directory):
    out = pg_cluster("stop", directory, timeout=120)
    if out.returncode == 0:
        _started.discard(directory)
    return out


def conninfo(directory):
    """The libpq connection string of the cluster's `exporter` role."""
    out = pg_cluster("conninfo", directory)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def env(directory):
    """PGHOST, PGPORT, PGUSER, PGDATABASE and DE_PG_CONNINFO of the cluster, as a dict."""
    out = pg_cluster("env", directory)
    assert out.returncode == 0, out.stderr
    return dict(shlex.split(line)[0].split("=", 1) for line in out.stdout.splitlines())
