// Execution of a validated operation (specification §6): variable coercion (§6.1.2), field
// collection with @skip/@include, argument coercion, resolvers, __typename, result coercion,
// null propagation and error paths. Mutations' root fields run serially; queries' too (resolvers
// here are cheap or block on I/O already bounded by their own timeouts). Messages are
// graphql-core 3.2's, word for word (names in single quotes, values as Python prints them).
// Thread-safety: Execute and the coercion functions only read the schema and the document, so
// any number of threads may call them at once.
#pragma once

#include <any>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "graphql/ast.h"
#include "graphql/error.h"
#include "graphql/json.h"
#include "graphql/schema.h"

namespace de::graphql {

struct ExecutionOptions {
  // Once passed, unresolved fields become errors "Execution timed out." (code TIMEOUT). Checked
  // before each field is resolved; a resolver that is already running is not interrupted.
  std::chrono::milliseconds timeout{30'000};
  size_t max_errors = 100;  // later field errors are dropped; 0 = no limit
};

struct ExecutionResult {
  // false when execution never started (no operation, bad variables): the response then has no
  // "data" member at all (§7.1.1).
  bool has_data = false;
  Json data;  // an object, or null when a non-null root field failed
  std::vector<GraphQLError> errors;

  // {"errors":[...], "data":...} with errors first only when present, as §7.1 recommends. The
  // rvalue form moves `data` instead of copying it.
  Json ToJson() const&;
  Json ToJson() &&;
};

struct ExecutionRequest {
  const Document* document = nullptr;
  std::optional<std::string> operation_name;
  Json variables = Json::object();  // raw variable values from the request
  std::any context;                 // handed to every resolver
};

// Picks the operation (§6.1.1: "Must provide operation name if query contains multiple
// operations." / "Unknown operation named 'X'." / "Must provide an operation."), coerces the
// variables (errors with code BAD_USER_INPUT and the variable definition's location, messages as
// graphql-core's "Variable '$x' got invalid value ..."), then executes. Those request errors give
// a result without data. `variables` must be an object or null ("Variables must be provided as an
// object."). `document` must have passed Validate(); what only execution can see (e.g. a missing
// runtime value for a non-null argument) becomes a field error with code BAD_USER_INPUT. A
// resolver's error becomes a field error with ErrorCodeFor(code); a resolver that throws becomes
// "Internal error." (code INTERNAL) without the exception's text.
ExecutionResult Execute(const Schema& schema, const ExecutionRequest& request,
                        const ExecutionOptions& options = {});

// The operation Execute would run, or nullptr (no operation / ambiguous / unknown name).
const OperationDefinition* SelectOperation(const Document& document,
                                           const std::optional<std::string>& operation_name);

// Input coercion (§3.5, §3.10, §3.11), shared by variables, arguments and defaults. Int is
// 32-bit: a larger value is an error, never wrapped. On failure returns std::nullopt and sets
// `error` to graphql-core's wording, e.g. "Int cannot represent non 32-bit signed integer value:
// 4294967296", or for a problem inside the value "Invalid value 'a' at 'value.list[1]': Int
// cannot represent non-integer value: 'a'" (the first problem only).
std::optional<Json> CoerceInputValue(const Type& type, const Json& value, std::string* error);
// A literal; its variables are looked up in `variables` (the coerced values: a missing member is
// a variable without a value). Messages as graphql-core's ValuesOfCorrectType, e.g. "Expected
// value of type 'Int!', found null.".
std::optional<Json> CoerceLiteral(const Type& type, const Value& literal, const Json& variables,
                                  std::string* error);

}  // namespace de::graphql
