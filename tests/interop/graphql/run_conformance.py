#!/usr/bin/env python3
"""GraphQL conformance: our engine against graphql-core, the reference implementation.

    run_conformance.py --driver build/X/tests/interop/graphql/graphql_conformance
    run_conformance.py --reference-only          # the corpus against graphql-core alone

Every case of cases/ (format: corpus.py, README.md) and every kitchen-sink document with its
broken variants (kitchen_sink.py) runs through graphql-core here and through our engine in the
driver; compare.py says what must agree. Exit status 1 on any mismatch or corpus problem.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter, OrderedDict
from typing import Dict, List

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

try:
    import graphql  # noqa: F401
except ImportError:
    sys.exit("graphql_conformance: the Python package graphql-core is missing "
             "(pip install 'graphql-core==3.2.*')")

from graphql import build_client_schema, build_schema, print_schema  # noqa: E402

import compare  # noqa: E402
import corpus  # noqa: E402
import kitchen_sink  # noqa: E402
from reference import Reference  # noqa: E402

DRIVER_TIMEOUT_S = 300


def parse_args():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--driver", help="the graphql_conformance binary")
    p.add_argument("--reference-only", action="store_true",
                   help="run graphql-core only and check the corpus")
    p.add_argument("--repo-root", default=os.path.abspath(os.path.join(HERE, "..", "..", "..")))
    p.add_argument("--cases", default=os.path.join(HERE, "cases"))
    p.add_argument("--fixtures", default=os.path.join(HERE, "fixtures", "kitchen_sink"))
    p.add_argument("--filter", action="append", default=[],
                   help="run only cases whose id contains this (repeatable)")
    p.add_argument("--no-variants", action="store_true",
                   help="kitchen-sink documents only, without the broken variants")
    p.add_argument("--max-shown", type=int, default=150, help="failures printed in full")
    p.add_argument("--json-report", help="write every case's results to this file")
    p.add_argument("--list", action="store_true", help="list the case ids and stop")
    args = p.parse_args()
    if not args.driver and not args.reference_only and not args.list:
        p.error("--driver or --reference-only is required")
    return args


def load_cases(args) -> List[corpus.Case]:
    cases = corpus.load(args.cases, args.repo_root)
    sinks = kitchen_sink.load(args.fixtures)
    if args.no_variants:
        sinks = [c for c in sinks if c.id.count("/") == 1]
    cases += sinks
    ids = Counter(c.id for c in cases)
    dupes = [i for i, n in ids.items() if n > 1]
    if dupes:
        raise corpus.CorpusError(f"duplicate case ids: {dupes[:10]}")
    if args.filter:
        cases = [c for c in cases if any(f in c.id for f in args.filter)]
    return cases


# ---- The reference side and the corpus self-checks ----------------------------------------

def run_reference(cases, ref: Reference) -> Dict[str, dict]:
    results = {}
    for case in cases:
        if case.action == "run" and not os.path.exists(case.schema_path):
            results[case.id] = {"problem": f"schema file {case.schema_path} does not exist"}
            continue
        try:
            results[case.id] = ref.run(case)
        except Exception as e:
            message = f"graphql-core raised {type(e).__name__}: {e}"
            if case.expect is not None:  # the case expects what graphql-core cannot do
                results[case.id] = {"phase": "exception", "has_data": False,
                                    "response": {"errors": [{"message": message}]}}
            else:  # a broken case or schema, not a mismatch
                results[case.id] = {"problem": message}
    return results


def corpus_problems(case, result) -> List[str]:
    """What is wrong with the case itself: graphql-core does not do what the case claims."""
    if "problem" in result:
        return [result["problem"]]
    problems = []
    want_phase = case.opt("phase")
    if want_phase and result["phase"] != want_phase:
        problems.append(f"@phase {want_phase}, but graphql-core stops in {result['phase']}: "
                        f"{_brief(result)}")
    errors = result["response"].get("errors") or []
    rules = result.get("rules") or [None] * len(errors)
    classes = [compare.classify(e["message"]) for e in errors]
    for error, rule, cls in zip(errors, rules, classes):
        if rule is not None and rule != cls:
            problems.append(f"compare.CLASSES puts {error['message']!r} in {cls}, "
                            f"graphql-core's rule is {rule}")
    want_rule = case.opt("rule")
    if want_rule and want_rule not in classes:
        problems.append(f"@rule {want_rule}, but graphql-core reports {classes or 'no error'}: "
                        f"{_brief(result)}")
    check = case.opt("check")
    if check in ("client-schema", "client-schema-sdl"):
        problems += _reference_client_schema_problems(case, result, check)
    return problems


def _reference_client_schema_problems(case, result, check) -> List[str]:
    if case.opt("match") == "schema-only":
        return []
    if not result.get("has_data"):
        return [f"@check {check}: graphql-core returned no data: {_brief(result)}"]
    if check == "client-schema-sdl":
        rebuilt = print_schema(build_client_schema(result["response"]["data"]))
        if rebuilt != _sdl_printed(case):
            return ["@check client-schema-sdl: graphql-core's own introspection does not "
                    "rebuild its schema; use @check client-schema"]
    return []


def _sdl_schema(case):
    with open(case.schema_path, encoding="utf-8") as f:
        return build_schema(f.read())


def _sdl_printed(case) -> str:
    return print_schema(_sdl_schema(case))


def _input_values(schema) -> dict:
    """Type and default of every argument and input field, for schemas print_schema cannot
    print (graphql-core fails on object defaults of custom scalars)."""
    out = {}
    for type_name, named in schema.type_map.items():
        if type_name.startswith("__"):
            continue
        for field_name, field in (getattr(named, "fields", None) or {}).items():
            for arg_name, arg in (getattr(field, "args", None) or {}).items():
                out[f"{type_name}.{field_name}({arg_name}:)"] = (str(arg.type), arg.default_value)
            if hasattr(field, "default_value"):
                out[f"{type_name}.{field_name}"] = (str(field.type), field.default_value)
    return out


def _input_value_diffs(want_schema, got_schema) -> List[str]:
    want, got = _input_values(want_schema), _input_values(got_schema)
    return [f"{key}: type and default {want.get(key)!r} in the SDL, {got.get(key)!r} rebuilt "
            f"from our introspection" for key in sorted(set(want) | set(got))
            if want.get(key) != got.get(key)]


def _brief(result) -> str:
    errors = result.get("response", {}).get("errors") or []
    return "; ".join(compare.format_error(e) for e in errors[:3]) or "(no errors)"


# ---- Our side -----------------------------------------------------------------------------

def driver_input(case) -> dict:
    return {"id": case.id, "action": case.action, "schema": case.schema_path,
            "resolvers": case.resolvers, "root": case.root, "query": case.query,
            "operationName": case.operation, "variables": case.variables,
            "limits": case.limits}


def run_driver(driver: str, cases):
    """Runs every case through the driver; a crash costs the crashing case only. Returns the
    results by case id, and what went wrong after the last case (a sanitizer's leak report),
    if anything."""
    results: Dict[str, dict] = {}
    trailing_error = None
    pending = list(cases)
    while pending:
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
            for case in pending:
                f.write(json.dumps(driver_input(case)) + "\n")
            path = f.name
        try:
            proc = subprocess.run([driver, path], capture_output=True, text=True,
                                  timeout=DRIVER_TIMEOUT_S, errors="replace")
            stdout, stderr, code = proc.stdout, proc.stderr, proc.returncode
        except subprocess.TimeoutExpired as e:
            stdout = (e.stdout or b"").decode("utf-8", "replace") if isinstance(
                e.stdout, bytes) else (e.stdout or "")
            stderr, code = f"timed out after {DRIVER_TIMEOUT_S} s", "timeout"
        finally:
            os.unlink(path)
        done = 0
        for line in stdout.splitlines():
            if done >= len(pending):
                break
            try:
                out = json.loads(line)
            except json.JSONDecodeError:
                continue  # stray output; the ids keep us in step
            if out.get("id") != pending[done].id:
                continue
            results[pending[done].id] = out
            done += 1
        if done == len(pending):
            if code != 0:
                tail = "\n".join(stderr.strip().splitlines()[-15:])
                trailing_error = f"the driver exited with {code} after the last case:\n{tail}"
            break
        if code == 0:
            for case in pending[done:]:
                results[case.id] = {"fatal": "the driver printed no result for this case"}
            break
        tail = "\n".join(stderr.strip().splitlines()[-15:])
        results[pending[done].id] = {"fatal": f"the driver died on this case (exit {code}):\n"
                                              f"{tail}"}
        pending = pending[done + 1:]
    return results, trailing_error


# ---- Comparing and reporting --------------------------------------------------------------

def expected_result(case, reference_result) -> dict:
    if case.expect is None:
        return reference_result
    e = case.expect
    response = {}
    if e.get("errors"):
        response["errors"] = e["errors"]
    if e.get("has_data", "data" in e):
        response["data"] = e.get("data")
    return {"phase": e["phase"], "has_data": "data" in response, "response": response}


def client_schema_diffs(case, ours: dict, reference_result: dict) -> List[str]:
    check = case.opt("check")
    if check not in ("client-schema", "client-schema-sdl") or not ours.get("has_data"):
        return []
    data = ours["response"].get("data")
    try:
        rebuilt = build_client_schema(data)
    except Exception as e:
        return [f"build_client_schema rejects our introspection result: {e}"]
    if check == "client-schema-sdl" and case.opt("match") == "schema-only":
        return _input_value_diffs(_sdl_schema(case), rebuilt)
    ours_printed = print_schema(rebuilt)
    if check == "client-schema-sdl":
        want = _sdl_printed(case)
    else:
        want = print_schema(build_client_schema(reference_result["response"]["data"]))
    if ours_printed == want:
        return []
    import difflib
    diff = difflib.unified_diff(want.splitlines(), ours_printed.splitlines(),
                                "graphql-core", "ours (rebuilt by build_client_schema)",
                                lineterm="", n=1)
    return ["the schema rebuilt from our introspection prints differently:\n" +
            "\n".join("  " + l for l in list(diff)[:80])]


def check_case(case, reference_result, ours) -> List[str]:
    if "fatal" in ours:
        return [f"driver: {ours['fatal']}"]
    if case.opt("match") == "schema-only":  # graphql-core cannot introspect this schema
        diffs = [f"ours: {_brief(ours)}"] if ours.get("response", {}).get("errors") else []
        if ours.get("phase") != "executed" or not ours.get("has_data"):
            diffs.append(f"phase {ours.get('phase')}, data present {ours.get('has_data')}")
        return diffs + client_schema_diffs(case, ours, reference_result)
    expected = expected_result(case, reference_result)
    diffs = compare.compare(expected, ours, case.opt("match") == "class")
    diffs += client_schema_diffs(case, ours, reference_result)
    return diffs


def show_document(case) -> str:
    text = case.query
    if case.id.startswith("kitchen-sink/") and "@" in case.id.rsplit("/", 1)[-1]:
        offset = int(case.id.rsplit("@", 1)[1])
        line_start = text.rfind("\n", 0, offset) + 1
        line_end = text.find("\n", offset)
        line_end = len(text) if line_end < 0 else line_end
        line_no = text.count("\n", 0, offset) + 1
        return f"    line {line_no} of the variant: {text[line_start:line_end]!r}"
    lines = text.split("\n")
    shown = lines[:12] + (["    ..."] if len(lines) > 12 else [])
    return "\n".join("    | " + l for l in shown)


def report_failure(case, diffs, reference_result, ours):
    where = f"{os.path.relpath(case.file, HERE)}:{case.line}"
    print(f"FAIL {case.id}  ({where})")
    print(show_document(case))
    if case.variables is not None:
        print(f"    variables: {json.dumps(case.variables)}")
    for d in diffs:
        print("  " + d.replace("\n", "\n  "))
    if case.expect is not None:
        print(f"  (expected from @expect; graphql-core: {reference_result.get('phase')}: "
              f"{_brief(reference_result)})")
    if case.opt("note"):
        print(f"  note: {case.opt('note')}")
    print()


def print_kitchen_sinks(cases, reference_results):
    """Which public documents graphql-core's default parser accepts (ours must agree)."""
    documents = [c for c in cases if c.id.startswith("kitchen-sink/") and c.id.count("/") == 1]
    if documents:
        print("kitchen-sink documents (graphql-core 3.2 defaults, no experimental options):")
    for case in documents:
        ref = reference_results[case.id]
        verdict = "parses" if ref.get("phase") == "parsed" else f"rejected: {_brief(ref)}"
        print(f"  {case.id[len('kitchen-sink/'):]:48s} {verdict}")


def group_of(case_id: str) -> str:
    parts = case_id.split("/")
    return "/".join(parts[:2]) if parts[0] == "kitchen-sink" else parts[0]


def compare_all(cases, reference_results, ours_results, max_shown):
    """Checks every case, prints the first `max_shown` failures in full; returns the counts per
    group, the number of failures and the per-case report."""
    per_group: Dict[str, Counter] = OrderedDict()
    failures = 0
    report = []
    for case in cases:
        ref = reference_results[case.id]
        group = per_group.setdefault(group_of(case.id), Counter())
        if "problem" in ref:
            group["problem"] += 1
            continue
        ours = ours_results.get(case.id, {"fatal": "not run"})
        diffs = check_case(case, ref, ours)
        known = case.opt("known")
        if known is not None:  # a divergence the team accepted: it must still diverge
            if diffs:
                group["known"] += 1
                print(f"KNOWN {case.id}: {known}")
                continue
            diffs = ["passes now: remove its @known line"]
        group["fail" if diffs else "pass"] += 1
        report.append({"id": case.id, "query": case.query, "reference": ref, "ours": ours,
                       "diffs": diffs})
        if diffs:
            failures += 1
            if failures <= max_shown:
                report_failure(case, diffs, ref, ours)
    if failures > max_shown:
        print(f"... {failures - max_shown} more failures not shown (--max-shown, --filter)")
    return per_group, failures, report


def main() -> int:
    args = parse_args()
    try:
        cases = load_cases(args)
    except corpus.CorpusError as e:
        print(f"corpus error: {e}")
        return 1
    if args.list:
        for case in cases:
            print(case.id)
        return 0
    print(f"graphql-core {graphql.__version__}; {len(cases)} cases")
    reference_results = run_reference(cases, Reference())

    problems = 0
    for case in cases:
        for p in corpus_problems(case, reference_results[case.id]):
            problems += 1
            print(f"CORPUS {case.id} ({os.path.relpath(case.file, HERE)}:{case.line}): {p}")
    if args.reference_only:
        phases = Counter(r.get("phase", "problem") for r in reference_results.values())
        print(f"reference only: {dict(phases)}; {problems} corpus problems")
        return 1 if problems else 0

    ours_results, driver_error = run_driver(
        args.driver, [c for c in cases if "problem" not in reference_results[c.id]])
    per_group, failures, report = compare_all(cases, reference_results, ours_results,
                                              args.max_shown)
    if driver_error:
        failures += 1
        print(f"FAIL {driver_error}")
    print_kitchen_sinks(cases, reference_results)
    print("\nsummary (group: passed / failed):")
    for group, counts in per_group.items():
        extra = f", {counts['known']} known" if counts["known"] else ""
        extra += f", {counts['problem']} corpus problems" if counts["problem"] else ""
        print(f"  {group:60s} {counts['pass']:5d} / {counts['fail']:d}{extra}")
    total_pass = sum(c["pass"] for c in per_group.values())
    total_known = sum(c["known"] for c in per_group.values())
    print(f"total: {total_pass} passed, {failures} failed, {total_known} known divergences, "
          f"{problems} corpus problems")
    if args.json_report:
        with open(args.json_report, "w", encoding="utf-8") as f:
            json.dump(report, f, indent=1)
    return 1 if failures or problems else 0


if __name__ == "__main__":
    sys.exit(main())
