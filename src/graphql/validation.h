// Validation of an executable document against a schema (specification §5) and the request
// limits that are checked before execution.
#pragma once

#include <vector>

#include "graphql/ast.h"
#include "graphql/error.h"
#include "graphql/schema.h"

namespace de::graphql {

// Every error of the rules in §5 that clients depend on, in document order, at most
// `max_errors` (then one more: "Too many validation errors, error limit reached. Validation
// aborted."). Messages follow graphql-js/graphql-core's wording, e.g.
// "Cannot query field \"x\" on type \"Query\".", so the tests can compare them. Rules:
// executable definitions, operation name uniqueness, lone anonymous operation, fields on
// correct type, fragments on composite types, variables are input types, leaf field
// selections, known argument names, known directives, directives are unique per location,
// known fragment names, known type names, no unused fragments, possible fragment spreads,
// no fragment cycles, unique variable names, no undefined variables, no unused variables,
// unique argument names, values of correct type, provided required arguments, variables in
// allowed position, overlapping fields can be merged, unique input field names.
std::vector<GraphQLError> Validate(const Schema& schema, const Document& document,
                                   size_t max_errors = 100);

struct ShapeLimits {
  int max_field_depth = 10;  // nesting of fields; fields under __schema/__type are exempt
  int max_aliases = 15;      // aliased fields in the whole document
  int max_directives = 50;   // directive uses in the whole document
};

// Checks the document's shape against the limits, following fragment spreads (each fragment is
// counted where it is spread, once per path). At most one error per limit, with code
// "LIMIT_EXCEEDED" and the location of the first offending node, e.g. "Query depth 11 exceeds
// the limit of 10.".
std::vector<GraphQLError> CheckShapeLimits(const Document& document, const ShapeLimits& limits);

}  // namespace de::graphql
