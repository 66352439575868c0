// Coercion of a request's variables (§6.1.2) and of field and directive arguments (§6.4.1), on top
// of CoerceInputValue/CoerceLiteral (executor.h). Used by the executor; the error messages follow
// graphql-core. Thread-safe (pure).
#pragma once

#include <optional>
#include <variant>
#include <vector>

#include "graphql/ast.h"
#include "graphql/error.h"
#include "graphql/json.h"
#include "graphql/schema.h"

namespace de::graphql {

// The coerced variables of `operation` as a JSON object (a variable without a value and without a
// default is absent), or the errors: every one of them, each with code BAD_USER_INPUT and the
// location of its variable definition, e.g. "Variable '$x' got invalid value 'a' at 'x.list[1]';
// Int cannot represent non-integer value: 'a'". With more than `max_errors`
// errors (0 = no limit) the list ends in "Too many errors processing variables, error limit
// reached. Execution aborted.". `inputs` must be an object (or null, meaning none).
std::variant<Json, std::vector<GraphQLError>> CoerceVariableValues(
    const Schema& schema, const OperationDefinition& operation, const Json& inputs,
    size_t max_errors);

// The coerced arguments (an object: given ones, and defaults of missing ones), or the one error
// that stops the field, e.g. "Argument 'x' of required type 'Int!' was not provided." at
// `node_location`, or "Argument 'x' has invalid value \"a\"." at the value. `variables` are the
// coerced variable values.
std::variant<Json, GraphQLError> CoerceArgumentValues(const std::vector<InputValue>& definitions,
                                                      const std::vector<Argument>& arguments,
                                                      SourceLocation node_location,
                                                      const Json& variables);

}  // namespace de::graphql
