#!/usr/bin/env python3
"""Writes the standard introspection queries into cases/introspection/ (run after upgrading
graphql-core; the files are checked in so that a diff shows any change).

full.graphql: getIntrospectionQuery with every option on, as GraphiQL sends it
(descriptions, specifiedByUrl, directiveIsRepeatable, schemaDescription, inputValueDeprecation).
default.graphql: getIntrospectionQuery() with the defaults, as Apollo and older clients send it.
"""

import os

from graphql import get_introspection_query

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cases", "introspection")

QUERIES = {
    "full.graphql": get_introspection_query(
        descriptions=True, specified_by_url=True, directive_is_repeatable=True,
        schema_description=True, input_value_deprecation=True),
    "default.graphql": get_introspection_query(),
}

for name, text in QUERIES.items():
    with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
        f.write(text.strip("\n") + "\n")
