#!/usr/bin/env python3
"""Adds the DuckDB native bindings of other platforms to package-lock.json.

The npm mirror this project's machines use serves only the linux-x64 bindings, so `npm install`
cannot record the other platforms' optional packages, and `npm ci` then rejects the lock as out
of sync. This records them as npm does with a full registry: optional and restricted to their
os/cpu/libc, so `npm ci` skips them on linux-x64 without fetching anything.
Run after `npm install` whenever the lock is regenerated.
"""
import json

PLATFORMS = {
    "darwin-arm64": {"os": ["darwin"], "cpu": ["arm64"]},
    "darwin-x64": {"os": ["darwin"], "cpu": ["x64"]},
    "linux-arm64": {"os": ["linux"], "cpu": ["arm64"], "libc": ["glibc"]},
    "linux-arm64-musl": {"os": ["linux"], "cpu": ["arm64"], "libc": ["musl"]},
    "win32-arm64": {"os": ["win32"], "cpu": ["arm64"]},
    "win32-x64": {"os": ["win32"], "cpu": ["x64"]},
}

with open("package-lock.json") as f:
    lock = json.load(f)
packages = lock["packages"]
version = packages["node_modules/@duckdb/node-bindings"]["version"]
for platform, fields in PLATFORMS.items():
    key = f"node_modules/@duckdb/node-bindings-{platform}"
    packages.setdefault(key, {"version": version, "license": "MIT", "optional": True, **fields})
lock["packages"] = dict(sorted(packages.items(), key=lambda kv: (kv[0] != "", kv[0])))
with open("package-lock.json", "w") as f:
    json.dump(lock, f, indent=2)
    f.write("\n")
