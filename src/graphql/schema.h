// A GraphQL schema (specification §3) built from an SDL file at start-up, with resolvers bound to
// its fields from C++. Supported: object, scalar (Int, Float, String, Boolean, ID and custom ones
// such as JSON, whose values pass through as JSON), enum, input object, list and non-null types,
// descriptions, @deprecated (fields, arguments, input fields, enum values) and @specifiedBy.
// Interfaces and unions are rejected by BuildSchema: the product needs neither.
#pragma once

#include <any>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "graphql/ast.h"
#include "graphql/json.h"

namespace de::graphql {

enum class TypeKind { kScalar, kObject, kInterface, kUnion, kEnum, kInputObject, kList, kNonNull };
const char* TypeKindName(TypeKind kind);  // "SCALAR", ... as in __TypeKind

class Type;

struct InputValue {  // an argument or an input-object field
  std::string name;
  std::string description;
  const Type* type = nullptr;
  std::optional<Json> default_value;  // coerced; set when the SDL gives a default
  // The coerced default in GraphQL syntax as graphql-js prints it for introspection's
  // defaultValue ("{a: 3, e: A}": type field order, nested defaults filled in).
  std::string default_value_literal;
  bool deprecated = false;
  std::string deprecation_reason;
};

struct EnumValue {
  std::string name;
  std::string description;
  bool deprecated = false;
  std::string deprecation_reason;
};

// What a resolver sees. `parent` is the value the parent field resolved to (an object; null for
// root fields), `args` the coerced arguments (an object holding every argument that was given or
// has a default), `context` the per-request value passed to Execute.
struct ResolveInfo {
  const Json& parent;
  const Json& args;
  std::string_view field_name;
  const Type& parent_type;
  const std::any& context;
};

// Returns the field's value: for a leaf, its result value; for an object, a JSON object whose
// members the child fields read (by the default resolver, member = field name, or by their own
// resolvers); for a list, an array. An error becomes a field error (§6.4.4) whose
// extensions.code is ErrorCodeFor(status.code()).
using Resolver = std::function<Result<Json>(const ResolveInfo&)>;

struct Field {
  std::string name;
  std::string description;
  std::vector<InputValue> arguments;
  const Type* type = nullptr;
  bool deprecated = false;
  std::string deprecation_reason;
  Resolver resolver;  // empty: the default resolver, parent[name] (null when missing)

  const InputValue* FindArgument(std::string_view name) const;
};

// A named type, or a list/non-null wrapper (of_type set, no name). Owned by its Schema.
class Type {
 public:
  TypeKind kind = TypeKind::kScalar;
  std::string name;  // empty for wrappers
  std::string description;
  std::string specified_by_url;          // scalars with @specifiedBy
  std::vector<Field> fields;             // kObject, in SDL order
  std::vector<InputValue> input_fields;  // kInputObject
  std::vector<EnumValue> enum_values;    // kEnum
  const Type* of_type = nullptr;         // kList/kNonNull

  const Field* FindField(std::string_view name) const;
  const InputValue* FindInputField(std::string_view name) const;
  const EnumValue* FindEnumValue(std::string_view name) const;

  bool IsLeaf() const { return kind == TypeKind::kScalar || kind == TypeKind::kEnum; }
  bool IsInput() const;  // scalar, enum, input object, or wrappers of those
  // The named type under any wrappers.
  const Type& Named() const;
  // "[Int!]!"
  std::string ToString() const;
};

struct DirectiveType {
  std::string name;
  std::string description;
  std::vector<InputValue> arguments;
  std::vector<std::string> locations;  // "FIELD", "QUERY", ...
  bool repeatable = false;
};

// Immutable once built, except for BindResolver before first use. Thread-safety: after the
// resolvers are bound, any number of threads may execute against one Schema.
class Schema {
 public:
  const Type* query_type() const { return query_; }
  const Type* mutation_type() const { return mutation_; }  // nullptr when none
  // Named types, including __Schema etc. A built-in scalar (Int, Float, ID) that nothing in the
  // schema references is not part of it, as in graphql-js: Find("ID") is then nullptr. String and
  // Boolean are always present (the introspection types use them).
  const Type* Find(std::string_view name) const;
  // Every named type in graphql-js's order: the SDL's in document order, each built-in scalar
  // right after the first type whose fields or arguments reference it, then the scalars only the
  // directives use, then the introspection types (__Schema, __Type, __TypeKind, __Field,
  // __InputValue, __EnumValue, __Directive, __DirectiveLocation).
  const std::vector<const Type*>& types() const { return type_order_; }
  // The description of the SDL's `schema` definition; empty when none (introspection: null).
  const std::string& description() const { return description_; }
  const DirectiveType* FindDirective(std::string_view name) const;
  // The meta-fields of §4.4 with their resolvers: __typename on every object type, __schema and
  // __type(name:) on the query type; nullptr for any other name or parent.
  const Field* MetaField(const Type& parent, std::string_view name) const;
  // The SDL's own directive definitions in document order, then @include, @skip, @deprecated
  // and @specifiedBy.
  const std::vector<DirectiveType>& directives() const { return directives_; }

  // The wrapper types, interned (so equal types are the same pointer) under a mutex: callable
  // from any thread, also during validation of a request's variable types.
  const Type* ListOf(const Type* type) const;
  const Type* NonNullOf(const Type* type) const;
  // Resolves an AST type reference; nullptr when its named type does not exist.
  const Type* Resolve(const TypeRef& ref) const;

  // kNotFound when type.field does not exist; kFailedPrecondition when it already has one.
  Status BindResolver(std::string_view type, std::string_view field, Resolver resolver);
  // kFailedPrecondition naming every root field (Query, Mutation) without a resolver.
  Status CheckRootResolvers() const;

 private:
  friend class SchemaBuilder;
  friend Result<std::unique_ptr<Schema>> BuildSchema(std::string_view sdl);
  Type* Add(std::unique_ptr<Type> type);

  std::map<std::string, std::unique_ptr<Type>, std::less<>> named_;
  std::vector<const Type*> type_order_;
  mutable std::mutex wrappers_mu_;
  mutable std::vector<std::unique_ptr<Type>> wrappers_;  // guarded by wrappers_mu_
  mutable std::map<std::pair<const Type*, TypeKind>, const Type*> wrapper_index_;  // same
  std::vector<DirectiveType> directives_;
  const Type* query_ = nullptr;
  const Type* mutation_ = nullptr;
  std::string description_;
  // What MetaField returns; set by BuildSchema.
  Field typename_field_;
  Field schema_field_;
  Field type_field_;
};

// Parses SDL (no token limit) and builds the schema with the built-in scalars, directives
// (@skip, @include, @deprecated, @specifiedBy) and introspection types (__Schema, __Type, ...,
// whose resolvers are bound here). kInvalidArgument with "line:column: message" (graphql-core's
// wording where it has one) for a syntax error, an unknown type, a duplicate name, an output type
// used as input (or the reverse), an interface or union, a missing or non-object root type, an
// object, enum or input object without members, a name starting with "__", a default value that
// does not coerce to its type, or an unknown, misplaced or repeated directive.
Result<std::unique_ptr<Schema>> BuildSchema(std::string_view sdl);

}  // namespace de::graphql
