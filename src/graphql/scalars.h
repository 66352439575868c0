// Leaf types: the built-in scalars (Int, Float, String, Boolean, ID), custom scalars (JSON and
// any other, whose values pass through unchanged) and enums. The three coercions of §3.5/§3.9,
// with graphql-core's error wording, shared by validation (literals) and execution.
#pragma once

#include <optional>
#include <string>

#include "graphql/ast.h"
#include "graphql/json.h"
#include "graphql/schema.h"

namespace de::graphql {

// Result coercion of a resolver's value, e.g. "Int cannot represent non-integer value: 1.5".
std::optional<Json> SerializeLeaf(const Type& leaf, const Json& value, std::string* error);
// Input coercion of a variable's JSON value, e.g. "Int cannot represent non 32-bit signed
// integer value: 4294967296".
std::optional<Json> ParseLeafValue(const Type& leaf, const Json& value, std::string* error);
// Input coercion of a literal (not a variable; for custom scalars a variable inside a list or
// object literal is looked up in `variables`), e.g. "Int cannot represent non-integer value:
// \"abc\"".
std::optional<Json> ParseLeafLiteral(const Type& leaf, const Value& literal, const Json& variables,
                                     std::string* error);

}  // namespace de::graphql
