// How values, names and suggestions appear inside error messages. The wording is graphql-core's
// (the reference implementation the tests compare against; graphql-js says the same with double
// quotes and JavaScript values): names in single quotes ('Int!'), values as Python's repr prints
// the JSON (None, True, 'abc', 1.0, [1, 'a'], {'a': 1}, nesting cut at depth 3, long lists and
// strings shortened), and " Did you mean 'x' or 'y'?" suffixes. Thread-safe (pure).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "graphql/json.h"

namespace de::graphql {

// `value` as graphql-core's inspect() renders it, e.g. {"a":[1,"x",null]} → {'a': [1, 'x', None]}.
std::string Inspect(const Json& value);

// A double as Python's repr writes it: 1.0, 1.5, 1e+16, 1e-05.
std::string FormatPythonFloat(double value);

// 'name': the quoting of names and types in messages.
std::string Quoted(std::string_view name);

// The options within a typo's reach of `input` (edit distance at most 40% of its length, a case
// change counting as one edit), nearest first, ties in natural order.
std::vector<std::string> SuggestionList(std::string_view input,
                                        const std::vector<std::string_view>& options);

// " Did you mean 'a', 'b', or 'c'?" for up to five suggestions (with `what ` before the
// names when given, e.g. "the enum value"), or "" when there are none.
std::string DidYouMean(const std::vector<std::string>& suggestions, std::string_view what = {});

}  // namespace de::graphql
