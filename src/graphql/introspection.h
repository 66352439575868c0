// Introspection (specification §4): the SDL of the built-in directives and of the introspection
// types, the resolvers that answer those types from a Schema, and the meta-fields __typename,
// __schema and __type. Internal to graphql/: BuildSchema (schema_builder.cc) uses these.
//
// How introspection values travel between resolvers (what a child resolver gets as `parent`):
//   __Schema       {}
//   __Type         {"$type": "[Int!]!"}   (Type::ToString(); named types are looked up by name)
//   __Field        {"$type": "Query", "$field": "requestData"}
//   __InputValue   {"$type": "Query", "$field": "requestData", "$arg": "startTime"}
//                  {"$type": "SomeInput", "$inputField": "name"}
//                  {"$directive": "deprecated", "$arg": "reason"}
//   __EnumValue    {"$type": "SomeEnum", "$enumValue": "A"}
//   __Directive    {"$directive": "skip"}
// Resolvers hold a pointer to their Schema, which owns them, so they never outlive it.
// Thread-safety: the resolvers only read the Schema; any number of threads may call them.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "graphql/json.h"
#include "graphql/schema.h"

namespace de::graphql::introspection {

// @include, @skip, @deprecated, @specifiedBy and __Schema, __Type, __TypeKind, __Field,
// __InputValue, __EnumValue, __Directive, __DirectiveLocation as SDL, with the descriptions
// graphql-js gives them. The types appear in the order graphql-js lists them.
std::string_view PreludeSdl();

// The description graphql-js gives a built-in scalar (Int, Float, String, Boolean, ID); empty for
// any other name.
std::string_view BuiltinScalarDescription(std::string_view name);

// Binds a resolver to every field of the introspection types of `schema`. Precondition: the
// prelude's types are in `schema` and have no resolvers yet.
Status BindResolvers(Schema& schema);

// The meta-fields of §4.4 with their resolvers. Precondition: `schema` has String, __Schema and
// __Type.
struct MetaFields {
  Field typename_field;  // __typename: String!
  Field schema_field;    // __schema: __Schema!
  Field type_field;      // __type(name: String!): __Type
};
MetaFields MakeMetaFields(const Schema& schema);

// A coerced input value of `type` in GraphQL syntax, as graphql-js prints introspection's
// defaultValue: input-object fields in the type's order, Float 1.0 as "1", ID "5" as 5.
std::string PrintDefaultValue(const Type& type, const Json& value);

// The __Type value of `type`: {"$type": "[Int!]!"}.
Json TypeValue(const Type& type);

}  // namespace de::graphql::introspection
