// The SDL the schema and introspection tests build: every feature BuildSchema supports.
#pragma once

#include <string_view>

namespace de::graphql::testing {

inline constexpr std::string_view kSampleSdl = R"sdl(
"""
The API's schema.
  Indented line.
"""
schema {
  query: Root
  mutation: Changes
}

"A JSON value."
scalar JSON @specifiedBy(url: "https://www.rfc-editor.org/rfc/rfc8259")

scalar Stamp

"Export status."
enum Status {
  "Still running."
  IN_PROGRESS
  COMPLETED
  OLD @deprecated
  OLDER @deprecated(reason: "Use COMPLETED.")
}

input Range {
  start: Int!
  end: Int = 86400
  unit: Status = COMPLETED
  tags: [String!] = "x"
  legacy: Boolean @deprecated(reason: "gone")
}

input Filter {
  range: Range = {start: 1}
  ids: [ID] = [1, "b"]
  ratio: Float = 2
}

"""The root query."""
type Root {
  "Looks up one request."
  request(id: ID!, filter: Filter = {range: {start: 5, unit: IN_PROGRESS}}, old: Int @deprecated): Request
  requests(first: Int = 10, status: [Status!] = [COMPLETED]): [Request!]!
  legacy: String @deprecated
  json(value: JSON = {a: [1, 2.5, "x"], b: null}): JSON
}

type Request @cost {
  id: ID!
  status: Status!
  progress: Float! @cost(weight: 2) @cost
  stamp: Stamp
}

type Changes {
  requestData(startTime: Int!, endTime: Int!): String!
}

extend type Request {
  links: [[String!]]
}

extend enum Status {
  FAILED
}

extend input Range {
  step: Int = -1
}

extend scalar Stamp @specifiedBy(url: "https://example.com/stamp")

"How much a field costs."
directive @cost(weight: Int = 1) repeatable on FIELD_DEFINITION | OBJECT
)sdl";

}  // namespace de::graphql::testing
