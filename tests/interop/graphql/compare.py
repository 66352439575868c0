"""Compares our engine's response for a case with graphql-core's.

What must agree: the phase the request stopped in, `data` (exactly: numbers by value, so 1 and
1.0 agree, booleans apart), whether `errors` is present, and each error's message, locations
and path. Errors are compared as a multiset: the order of errors is not specified.

Messages are compared exactly: the engine words its messages as graphql-core does (names in
single quotes, values as Python's repr prints them). With `@match class` errors are compared by
class (the validation rule or error family that produced them, see CLASSES) instead.
"""

import json
import re
from typing import Any, List, Tuple

# Error classes, tried in order on the message (with ' read as "). For validation errors the
# class is the graphql-core rule's name (the runner checks the table against graphql-core).
CLASSES: List[Tuple[str, str]] = [
    ("Syntax", r"^Syntax Error: "),
    ("ExecutableDefinitions", r"^The .* definition is not executable\.$"),
    ("UniqueOperationNames", r"^There can be only one operation named "),
    ("LoneAnonymousOperation", r"^This anonymous operation must be the only defined operation"),
    ("SingleFieldSubscriptions", r"must select only one top level field|"
                                 r"must not select an introspection top level field"),
    ("KnownTypeNames", r"^Unknown type \""),
    ("FragmentsOnCompositeTypes", r"cannot condition on non composite type"),
    ("VariablesAreInputTypes", r"cannot be non-input type"),
    ("ScalarLeafs", r"must not have a selection since type|must have a selection of subfields"),
    ("FieldsOnCorrectType", r"^Cannot query field "),
    ("UniqueFragmentNames", r"^There can be only one fragment named "),
    ("KnownFragmentNames", r"^Unknown fragment \""),
    ("NoUnusedFragments", r"^Fragment \".*\" is never used\.$"),
    ("PossibleFragmentSpreads", r"cannot be spread here as objects of type"),
    ("NoFragmentCycles", r"^Cannot spread fragment \".*\" within itself"),
    ("UniqueVariableNames", r"^There can be only one variable named "),
    ("NoUndefinedVariables", r"^Variable \"\$[^\"]*\" is not defined"),
    ("NoUnusedVariables", r"^Variable \"\$[^\"]*\" is never used"),
    ("KnownDirectives", r"^Unknown directive \"@|^Directive \"@[^\"]*\" may not be used on "),
    ("UniqueDirectivesPerLocation", r"can only be used once at this location\.$"),
    ("KnownArgumentNames", r"^Unknown argument \""),
    ("UniqueArgumentNames", r"^There can be only one argument named "),
    ("ProvidedRequiredArguments", r"^(Field|Directive) \"[^\"]*\" argument \"[^\"]*\" of type "
                                  r".* is required, but it was not provided\.$"),
    ("VariableCoercion", r"^Variable \"\$[^\"]*\" (got invalid value|of required type|"
                         r"of non-null type)"),
    ("ValuesOfCorrectType", r"^Expected value of type |^Field \"[^\"]*\" of required type .* "
                            r"was not provided\.$|^Field \"[^\"]*\" is not defined by type "
                            r"|cannot represent|^Value \"[^\"]*\" does not exist in \"[^\"]*\" "
                            r"enum\."),
    ("VariablesInAllowedPosition", r"used in position expecting type"),
    ("OverlappingFieldsCanBeMerged", r"^Fields \"[^\"]*\" conflict because "),
    ("UniqueInputFieldNames", r"^There can be only one input field named "),
    ("TooManyValidationErrors", r"^Too many validation errors"),
    ("OperationSelection", r"^Must provide operation name|^Unknown operation named|"
                           r"^Must provide an operation|^Schema is not configured"),
    ("NonNullViolation", r"^Cannot return null for non-nullable field "),
    ("Limit", r"exceeds the limit|exceeding the limit|^Query text is .* bytes"),
]
_COMPILED = [(name, re.compile(pattern)) for name, pattern in CLASSES]


def _quotes(message: str) -> str:
    """For classifying only: the CLASSES patterns are written with double quotes."""
    return message.replace("'", '"')


def classify(message: str) -> str:
    message = _quotes(message)
    for name, pattern in _COMPILED:
        if pattern.search(message):
            return name
    return "Other"


def same_value(a: Any, b: Any) -> bool:
    """JSON equality with numbers by value and booleans kept apart from numbers."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a.keys()) == list(b.keys()) and all(same_value(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def _location_key(error: dict) -> tuple:
    return tuple((loc.get("line"), loc.get("column")) for loc in error.get("locations") or [])


def error_key(error: dict, by_class: bool) -> tuple:
    message = error.get("message", "")
    text = classify(message) if by_class else message
    # Path segments tagged by kind, so that keys sort even when names and indices meet.
    path = tuple((isinstance(p, str), p) for p in error.get("path") or [])
    return (_location_key(error), path, text)


def format_error(error: dict) -> str:
    locations = " ".join(f"{l}:{c}" for l, c in _location_key(error))
    path = error.get("path")
    out = f"[{classify(error.get('message', ''))}] {error.get('message')!r}"
    if locations:
        out += f" at {locations}"
    if path:
        out += f" path {json.dumps(path)}"
    return out


def compare(expected: dict, got: dict, by_class: bool) -> List[str]:
    """The differences between two results {"phase", "has_data", "response"}; [] when equal."""
    diffs: List[str] = []
    if expected["phase"] != got.get("phase"):
        diffs.append(f"phase: expected {expected['phase']}, got {got.get('phase')}")
    exp_resp, got_resp = expected["response"], got.get("response") or {}
    if expected["has_data"] != bool(got.get("has_data")):
        diffs.append(f"data present: expected {expected['has_data']}, "
                     f"got {bool(got.get('has_data'))}")
    elif expected["has_data"]:
        exp_data, got_data = exp_resp.get("data"), got_resp.get("data")
        if not same_value(exp_data, got_data):
            diffs.append("data differs:\n" + data_diff(exp_data, got_data))
    exp_errors, got_errors = exp_resp.get("errors") or [], got_resp.get("errors") or []
    if bool(exp_errors) != bool(got_errors):
        diffs.append(f"errors present: expected {bool(exp_errors)}, got {bool(got_errors)}")
    exp_keys = sorted(error_key(e, by_class) for e in exp_errors)
    got_keys = sorted(error_key(e, by_class) for e in got_errors)
    if exp_keys != got_keys:
        missing = _multiset_minus(exp_errors, got_errors, by_class)
        extra = _multiset_minus(got_errors, exp_errors, by_class)
        lines = [f"errors differ ({len(exp_errors)} expected, {len(got_errors)} got):"]
        lines += [f"  - expected, missing: {format_error(e)}" for e in missing]
        lines += [f"  + got, unexpected:  {format_error(e)}" for e in extra]
        diffs.append("\n".join(lines))
    return diffs


def _multiset_minus(a: List[dict], b: List[dict], by_class: bool) -> List[dict]:
    remaining = [error_key(e, by_class) for e in b]
    out = []
    for e in a:
        k = error_key(e, by_class)
        if k in remaining:
            remaining.remove(k)
        else:
            out.append(e)
    return out


def data_diff(expected: Any, got: Any, path: str = "data", limit: int = 12) -> str:
    """The first differing paths, one per line."""
    lines: List[str] = []

    def walk(a, b, p):
        if len(lines) >= limit or same_value(a, b):
            return
        if isinstance(a, dict) and isinstance(b, dict):
            if list(a.keys()) != list(b.keys()):
                lines.append(f"  {p}: keys {list(a.keys())} expected, {list(b.keys())} got")
            for k in a:
                if k in b:
                    walk(a[k], b[k], f"{p}.{k}")
            return
        if isinstance(a, list) and isinstance(b, list):
            if len(a) != len(b):
                names_a, names_b = _names(a), _names(b)
                if names_a is not None and names_b is not None:
                    lines.append(f"  {p}: {len(a)} items expected, {len(b)} got; missing "
                                 f"{[n for n in names_a if n not in names_b]}, unexpected "
                                 f"{[n for n in names_b if n not in names_a]}")
                    by_name = {n: x for n, x in zip(names_b, b)}
                    for n, x in zip(names_a, a):
                        if n in by_name:
                            walk(x, by_name[n], f"{p}[name={n}]")
                    return
                lines.append(f"  {p}: {len(a)} items expected, {len(b)} got")
            for i, (x, y) in enumerate(zip(a, b)):
                walk(x, y, f"{p}[{i}]")
            return
        lines.append(f"  {p}: expected {_short(a)}, got {_short(b)}")

    walk(expected, got, path)
    return "\n".join(lines)


def _names(items: list):
    """The "name" of every item when all are objects with one (introspection lists)."""
    if all(isinstance(x, dict) and "name" in x for x in items):
        return [x["name"] for x in items]
    return None


def _short(value: Any, width: int = 300) -> str:
    text = json.dumps(value, sort_keys=False)
    return text if len(text) <= width else text[:width] + "..."
