// The abstract syntax tree of GraphQL documents (GraphQL specification, October 2021, §2 for
// executable definitions, §3 for type-system definitions). Plain values: the parser builds them,
// validation and execution read them. Every node carries the location of its first token.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace de::graphql {

// 1-based, as the specification's error locations are; column counts Unicode code points.
struct SourceLocation {
  int line = 0;
  int column = 0;
  friend bool operator==(const SourceLocation&, const SourceLocation&) = default;
};

struct ObjectField;

enum class ValueKind { kVariable, kInt, kFloat, kString, kBoolean, kNull, kEnum, kList, kObject };

// A literal or variable in a document (§2.9).
struct Value {
  ValueKind kind = ValueKind::kNull;
  // kInt/kFloat: the token's text as written ("-12", "1.5e3"); kString: the decoded value (block
  // strings already dedented); kEnum: the name; kVariable: the name without '$'.
  std::string text;
  bool boolean = false;             // kBoolean
  std::vector<Value> list;          // kList
  std::vector<ObjectField> fields;  // kObject, in document order
  SourceLocation location;
};

struct ObjectField {
  std::string name;
  Value value;
  SourceLocation location;
};

// A type reference: Name, [T] or T! (§2.11).
struct TypeRef {
  enum class Kind { kNamed, kList, kNonNull };
  Kind kind = Kind::kNamed;
  std::string name;              // kNamed
  std::vector<TypeRef> of_type;  // kList/kNonNull: exactly one element
  SourceLocation location;

  // "[Int!]!"
  std::string ToString() const;
};

struct Argument {
  std::string name;
  Value value;
  SourceLocation location;
};

struct Directive {
  std::string name;
  std::vector<Argument> arguments;
  SourceLocation location;  // of the '@'
};

enum class SelectionKind { kField, kFragmentSpread, kInlineFragment };

// One entry of a selection set (§2.4): a field, `...Fragment` or `... on Type { }`.
struct Selection {
  SelectionKind kind = SelectionKind::kField;
  std::string alias;                // kField; empty when none
  std::string name;                 // kField: field name; kFragmentSpread: fragment name
  std::vector<Argument> arguments;  // kField
  std::string type_condition;       // kInlineFragment; empty when none
  std::vector<Directive> directives;
  std::vector<Selection> selection_set;
  SourceLocation location;

  // The key in the response: the alias if any, else the name.
  const std::string& ResponseKey() const { return alias.empty() ? name : alias; }
};

enum class OperationType { kQuery, kMutation, kSubscription };
const char* OperationTypeName(OperationType type);  // "query", ...

struct VariableDefinition {
  std::string name;  // without '$'
  TypeRef type;
  std::optional<Value> default_value;
  std::vector<Directive> directives;
  SourceLocation location;  // of the '$'
};

struct OperationDefinition {
  OperationType type = OperationType::kQuery;
  std::string name;  // empty for an anonymous operation, including the `{ ... }` shorthand
  std::vector<VariableDefinition> variables;
  std::vector<Directive> directives;
  std::vector<Selection> selection_set;
  SourceLocation location;
};

struct FragmentDefinition {
  std::string name;
  std::string type_condition;
  SourceLocation type_condition_location;
  std::vector<Directive> directives;
  std::vector<Selection> selection_set;
  SourceLocation location;
};

// ---- Type-system definitions (§3), as written in SDL files --------------------------------

struct InputValueDefinition {
  std::string description;  // empty when none
  std::string name;
  TypeRef type;
  std::optional<Value> default_value;
  std::vector<Directive> directives;
  SourceLocation location;
};

struct FieldDefinition {
  std::string description;
  std::string name;
  std::vector<InputValueDefinition> arguments;
  TypeRef type;
  std::vector<Directive> directives;
  SourceLocation location;
};

struct EnumValueDefinition {
  std::string description;
  std::string name;
  std::vector<Directive> directives;
  SourceLocation location;
};

enum class TypeDefinitionKind { kScalar, kObject, kInterface, kUnion, kEnum, kInputObject };

// A type definition or, with is_extension, a type extension (`extend type X ...`).
struct TypeDefinition {
  TypeDefinitionKind kind = TypeDefinitionKind::kObject;
  bool is_extension = false;
  std::string description;
  std::string name;
  std::vector<std::string> interfaces;  // kObject/kInterface: `implements A & B`
  std::vector<Directive> directives;
  std::vector<FieldDefinition> fields;             // kObject/kInterface
  std::vector<InputValueDefinition> input_fields;  // kInputObject
  std::vector<EnumValueDefinition> enum_values;    // kEnum
  std::vector<std::string> union_members;          // kUnion
  SourceLocation location;
};

struct RootOperationTypeDefinition {
  OperationType operation = OperationType::kQuery;
  std::string type_name;
  SourceLocation location;
};

// `schema { query: Q mutation: M }`, or `extend schema ...` with is_extension.
struct SchemaDefinition {
  bool is_extension = false;
  std::string description;
  std::vector<Directive> directives;
  std::vector<RootOperationTypeDefinition> operation_types;
  SourceLocation location;
};

struct DirectiveDefinition {
  std::string description;
  std::string name;
  std::vector<InputValueDefinition> arguments;
  bool repeatable = false;
  std::vector<std::string> locations;  // "QUERY", "FIELD_DEFINITION", ...
  SourceLocation location;
};

// A parsed document: executable definitions and type-system definitions in one (the parser
// accepts both; validation rejects type-system definitions in a request, as §5.1.1 says).
struct Document {
  std::vector<OperationDefinition> operations;
  std::vector<FragmentDefinition> fragments;
  std::vector<SchemaDefinition> schema_definitions;
  std::vector<TypeDefinition> types;
  std::vector<DirectiveDefinition> directives;
  // Every definition in document order: its kind and location, for the executable-definitions
  // rule and for error messages that must name the first offender.
  struct DefinitionRef {
    enum class Kind { kOperation, kFragment, kSchema, kType, kDirective };
    Kind kind;
    size_t index;  // into the vector of that kind
  };
  std::vector<DefinitionRef> order;
};

}  // namespace de::graphql
