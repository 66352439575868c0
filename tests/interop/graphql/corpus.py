"""Reads the conformance corpus: *.cases files under cases/ (format in README.md).

A .cases file is a header of file-wide options followed by cases:

    # comment
    @schema schemas/test.graphql
    @root roots/test.json

    === case name
    @variables {"x": 1}
    query ($x: Int) { echo(int: $x) }

Option lines start with '@' directly after the '=== ' line; the first other line starts the
document, which runs until the next '=== ' line (trailing blank lines dropped).
"""

import json
import os
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

# Options a case may set; file headers may set the same ones as defaults.
KNOWN_OPTIONS = {
    "schema",      # SDL file, relative to cases/, or $REPO/... for files of the repository
    "root",        # root value: inline JSON or a JSON file relative to cases/
    "variables",   # inline JSON, or null
    "operation",   # operationName
    "resolvers",   # Type.field=kind ... (kinds: error, echo)
    "limits",      # inline JSON overriding EngineLimits fields of the driver
    "match",       # exact (default) | class: errors by class, not by message | schema-only:
                   # no comparison with graphql-core, only the @check of the rebuilt schema
    "phase",       # the phase graphql-core must reach (corpus self-check)
    "rule",        # an error class graphql-core must report (corpus self-check)
    "expect",      # our expected response when graphql-core has no equivalent (limits)
    "check",       # client-schema: rebuild our introspection result with build_client_schema
    "doc-json",    # the document as a JSON string (control characters and the like)
    "doc-file",    # the document from a file relative to cases/
    "action",      # run (default) | parse
    "note",        # shown with a failure
    "known",       # reason: an accepted divergence; reported, not failed, while it lasts
}

CASE_LINE = re.compile(r"^=== (\S.*?)\s*$")
OPTION_LINE = re.compile(r"^@([a-z][a-z-]*)(?:\s+(.*?))?\s*$")


@dataclass
class Case:
    id: str
    file: str
    line: int
    query: str
    options: Dict[str, str] = field(default_factory=dict)
    # Filled by resolve():
    schema_path: str = ""
    root: Any = None
    variables: Optional[dict] = None
    operation: Optional[str] = None
    resolvers: Dict[str, str] = field(default_factory=dict)
    limits: Dict[str, Any] = field(default_factory=dict)
    expect: Optional[dict] = None
    action: str = "run"

    def opt(self, name: str, default: Optional[str] = None) -> Optional[str]:
        return self.options.get(name, default)


class CorpusError(Exception):
    pass


def _parse_option(path: str, lineno: int, line: str):
    m = OPTION_LINE.match(line)
    if not m:
        return None
    name, value = m.group(1), m.group(2) or ""
    if name not in KNOWN_OPTIONS:
        raise CorpusError(f"{path}:{lineno}: unknown option @{name}")
    return name, value


def _finish(cases, path, header, current):
    if current is None:
        return
    name, lineno, options, lines = current
    while lines and not lines[-1].strip():
        lines.pop()
    merged = dict(header)
    merged.update(options)
    query = "\n".join(lines)
    stem = os.path.splitext(os.path.basename(path))[0]
    cases.append(Case(id=f"{stem}/{name}", file=path, line=lineno, query=query,
                      options=merged))


def parse_file(path: str) -> List[Case]:
    with open(path, encoding="utf-8") as f:
        text = f.read()
    header: Dict[str, str] = {}
    cases: List[Case] = []
    current = None  # (name, line, options, document lines)
    in_options = False
    for lineno, line in enumerate(text.split("\n"), start=1):
        m = CASE_LINE.match(line)
        if m:
            _finish(cases, path, header, current)
            current = (m.group(1), lineno, {}, [])
            in_options = True
            continue
        if current is None:
            if not line.strip() or line.startswith("#"):
                continue
            opt = _parse_option(path, lineno, line)
            if opt is None:
                raise CorpusError(f"{path}:{lineno}: text before the first '=== ' case")
            header[opt[0]] = opt[1]
            continue
        if in_options:
            opt = _parse_option(path, lineno, line)
            if opt is not None:
                current[2][opt[0]] = opt[1]
                continue
            in_options = False
        current[3].append(line)
    _finish(cases, path, header, current)
    ids = [c.id for c in cases]
    dupes = {i for i in ids if ids.count(i) > 1}
    if dupes:
        raise CorpusError(f"{path}: duplicate case names: {sorted(dupes)}")
    return cases


def _json(case: Case, name: str):
    try:
        return json.loads(case.options[name])
    except json.JSONDecodeError as e:
        raise CorpusError(f"{case.file}:{case.line}: @{name} is not JSON: {e}") from e


def resolve(case: Case, cases_dir: str, repo_root: str) -> None:
    """Turns the textual options into values; file paths become absolute."""

    def path_of(value: str) -> str:
        if value.startswith("$REPO/"):
            return os.path.join(repo_root, value[len("$REPO/"):])
        return os.path.join(cases_dir, value)

    o = case.options
    if "doc-json" in o:
        case.query = _json(case, "doc-json")
    elif "doc-file" in o:
        with open(path_of(o["doc-file"]), encoding="utf-8", newline="") as f:
            case.query = f.read()
    case.action = o.get("action", "run")
    if case.action not in ("run", "parse"):
        raise CorpusError(f"{case.file}:{case.line}: @action must be run or parse")
    if case.action == "run":
        if "schema" not in o:
            raise CorpusError(f"{case.file}:{case.line}: no @schema")
        case.schema_path = path_of(o["schema"])
    root = o.get("root", "null").strip()
    if root.startswith(("{", "[", "null")):
        case.root = json.loads(root) if root == "null" else _json(case, "root")
    else:
        with open(path_of(root), encoding="utf-8") as f:
            case.root = json.load(f)
    if "variables" in o:
        case.variables = _json(case, "variables")
    case.operation = o.get("operation")
    for item in o.get("resolvers", "").split():
        name, _, kind = item.partition("=")
        if kind not in ("error", "echo"):
            raise CorpusError(f"{case.file}:{case.line}: resolver kind must be error or echo")
        case.resolvers[name] = kind
    if "limits" in o:
        case.limits = _json(case, "limits")
    if "expect" in o:
        case.expect = _json(case, "expect")
    if o.get("match", "exact") not in ("exact", "class", "schema-only"):
        raise CorpusError(f"{case.file}:{case.line}: @match must be exact, class or schema-only")


def load(cases_dir: str, repo_root: str) -> List[Case]:
    cases: List[Case] = []
    for dirpath, _, files in sorted(os.walk(cases_dir)):
        for name in sorted(files):
            if name.endswith(".cases"):
                cases.extend(parse_file(os.path.join(dirpath, name)))
    for case in cases:
        resolve(case, cases_dir, repo_root)
    return cases
