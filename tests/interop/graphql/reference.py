"""The reference side: runs a case through graphql-core the way the engine runs it.

Mirrors Engine::Run's phases: parse (with the same token limit), validate (the specified rules
our engine implements), execute with the case's root value. The test resolvers are the same as
in graphql_conformance_main.cc.
"""

import re
from typing import Any, Dict, List, Optional, Tuple

from graphql import (GraphQLError, GraphQLSchema, Source, build_schema, execute, parse,
                     specified_rules, validate)
from graphql.execution.execute import ExecutionContext
from graphql.language.location import SourceLocation
from graphql.type.introspection import introspection_types

# MaxIntrospectionDepthRule is a graphql-core addition (not in the specification) that our
# engine replaces with its own limits; every other specified rule is compared.
RULES = [r for r in specified_rules if r.__name__ != "MaxIntrospectionDepthRule"]

_LINE_BREAK = re.compile(r"\r\n|[\n\r]")


def _spec_location(self, position: int) -> SourceLocation:
    """Line and column of a character offset, with the specification's line terminators.

    Replaces graphql-core 3.2's Source.get_location, which splits with str.splitlines(): that
    drops a trailing empty line, so every error at column 1 of a line after the first comes
    out on the previous line (at its length + 1), and it also breaks lines at characters that
    are not GraphQL line terminators (form feed, U+2028, ...). graphql-js counts as below.
    """
    line, line_start = 1, 0
    for m in _LINE_BREAK.finditer(self.body, 0, position):
        line += 1
        line_start = m.end()
    return SourceLocation(line, position + 1 - line_start)


Source.get_location = _spec_location


# graphql-core 3.2.8 also knows OneOf input objects (the @oneOf directive and __Type.isOneOf),
# a proposal newer than the October 2021 specification our engine implements: the reference
# schemas leave both out, so that introspection lists the same directives and fields.
introspection_types["__Type"].fields.pop("isOneOf", None)


def _without_one_of(schema: GraphQLSchema) -> GraphQLSchema:
    schema.directives = tuple(d for d in schema.directives if d.name != "oneOf")
    return schema


# EngineLimits defaults (src/graphql/engine.h); a case's @limits overrides them on both sides.
DEFAULT_LIMITS = {"max_tokens": 2000, "max_errors": 100}


def _field_value(parent: Any, info) -> Any:
    if isinstance(parent, dict):
        return parent.get(info.field_name)
    return None


def error_marker_resolver(parent, info, /, **_args):
    """The value the default resolver reads, except {"$error": msg} raises msg."""
    value = _field_value(parent, info)
    if isinstance(value, dict) and "$error" in value:
        message = value["$error"]
        raise Exception(message if isinstance(message, str) else repr(message))
    return value


def _sorted_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _sorted_keys(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_sorted_keys(v) for v in value]
    return value


def echo_resolver(_parent, _info, /, **args):
    """The coerced arguments, object keys sorted (their order is not specified)."""
    return _sorted_keys(args)


RESOLVERS = {"error": error_marker_resolver, "echo": echo_resolver}


class Reference:
    def __init__(self):
        self._schemas: Dict[Tuple[str, Tuple], GraphQLSchema] = {}

    def schema(self, path: str, resolvers: Dict[str, str]) -> GraphQLSchema:
        key = (path, tuple(sorted(resolvers.items())))
        if key not in self._schemas:
            with open(path, encoding="utf-8") as f:
                schema = _without_one_of(build_schema(f.read()))
            for qualified, kind in resolvers.items():
                type_name, _, field_name = qualified.partition(".")
                schema.get_type(type_name).fields[field_name].resolve = RESOLVERS[kind]
            self._schemas[key] = schema
        return self._schemas[key]

    def run(self, case) -> dict:
        """{"phase", "has_data", "response": {"errors"?, "data"?}, "rules": [...]}.

        "rules" names, for a validation failure, the graphql-core rule behind each error (in the
        order of response["errors"]).
        """
        limits = dict(DEFAULT_LIMITS, **case.limits)
        try:
            document = parse(case.query, max_tokens=limits["max_tokens"] or None)
        except GraphQLError as e:
            return _response("parse", False, [e], None)
        if case.action == "parse":
            return {"phase": "parsed", "has_data": False, "response": {}}
        schema = self.schema(case.schema_path, case.resolvers)
        errors = validate(schema, document, RULES, max_errors=limits["max_errors"])
        if errors:
            result = _response("validate", False, errors, None)
            result["rules"] = _rules_of(schema, document, errors)
            return result
        # Execution starts once the operation is chosen and the variables are coerced; errors
        # before that leave "data" out of the response (§7.1.1). graphql-core's execute()
        # returns data None either way, so ask the step it takes first.
        started = not isinstance(
            ExecutionContext.build(schema, document, case.root, None, case.variables,
                                   case.operation), list)
        result = execute(schema, document, root_value=case.root,
                         variable_values=case.variables, operation_name=case.operation)
        return _response("executed", started, result.errors or [], result.data)


def _response(phase: str, has_data: bool, errors: List[GraphQLError], data) -> dict:
    response: Dict[str, Any] = {}
    if errors:
        response["errors"] = [e.formatted for e in errors]
    if has_data:
        response["data"] = data
    return {"phase": phase, "has_data": has_data, "response": response}


def _rules_of(schema, document, errors) -> List[Optional[str]]:
    """Which rule reported each error: every rule is run alone and its messages matched."""
    by_message: Dict[Tuple[str, str], str] = {}
    for rule in RULES:
        for e in validate(schema, document, [rule], max_errors=10**9):
            by_message[(e.message, str(e.locations))] = rule.__name__.replace("Rule", "")
    return [by_message.get((e.message, str(e.locations))) for e in errors]
