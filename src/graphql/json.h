// The JSON value type of the engine: results, variables and resolver values. Ordered, because a
// GraphQL response lists fields in the order the query selected them (§7.2.2).
#pragma once

#include <nlohmann/json.hpp>

namespace de::graphql {

using Json = nlohmann::ordered_json;

}  // namespace de::graphql
