// Builds a Schema from SDL: the work behind BuildSchema (schema.h). Internal to graphql/.
//
// The user's document and the prelude (the built-in directives and the introspection types,
// introspection.h) go through the same phases: declare every named type and directive, fill in
// fields, arguments, input fields and enum values (definitions, then extensions), pick the root
// types, coerce default values, apply the directives used in the SDL (@deprecated, @specifiedBy),
// check what the specification requires of each type, bind the introspection resolvers and
// order the types as graphql-js does. The user's types are filled before the prelude's are
// declared, so the user's SDL cannot name __Type and the like. The first problem found is returned
// as kInvalidArgument "line:column: message".
//
// Thread-safety: a builder is used by one thread, once.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "graphql/ast.h"
#include "graphql/schema.h"

namespace de::graphql {

class SchemaBuilder {
 public:
  explicit SchemaBuilder(Schema& schema) : schema_(schema) {}
  SchemaBuilder(const SchemaBuilder&) = delete;
  SchemaBuilder& operator=(const SchemaBuilder&) = delete;

  // Parses `sdl` (no token or depth limit) and builds the whole schema into the Schema given to
  // the constructor. Call once.
  Status Build(std::string_view sdl);

 private:
  // Where a definition comes from: the prelude may use names starting with "__".
  enum class Origin { kUser, kPrelude };

  // Phase 1: names of types and directives.
  Status DeclareTypes(const Document& doc, Origin origin);
  Status DeclareType(const TypeDefinition& def, Origin origin);
  Status DeclareDirectives(const Document& user, const Document& prelude);
  Status CheckName(std::string_view name, SourceLocation location, Origin origin) const;
  // A type of the schema, or a built-in scalar added to it on first use; nullptr if neither.
  Type* FindOrBuiltin(std::string_view name);
  Type* Mutable(std::string_view name);  // schema_.Find, for changing the type

  // Phase 2: fields, arguments, input fields, enum values; extensions; root types.
  Status FillTypes();  // every declared type not filled yet, from its definition
  Status FillType(Type& type, const TypeDefinition& def);
  Status AddFields(Type& type, const std::vector<FieldDefinition>& defs, Origin origin);
  Status AddInputFields(Type& type, const std::vector<InputValueDefinition>& defs, Origin origin);
  Status AddEnumValues(Type& type, const std::vector<EnumValueDefinition>& defs, Origin origin);
  Result<std::vector<InputValue>> BuildArguments(const std::vector<InputValueDefinition>& defs,
                                                 std::string_view owner, Origin origin);
  Result<const Type*> ResolveRef(const TypeRef& ref);
  Status ApplyExtensions(const Document& doc);
  Status PickRootTypes(const Document& doc);
  Status SetRoot(const RootOperationTypeDefinition& op);
  Status FillDirectiveArguments();

  // Phase 3: default values, coerced and printed for introspection.
  Status CoerceDefaults();
  Status CoerceInputObjectDefaults(Type& type, std::set<const Type*>& done);
  Status CoerceDefault(InputValue& value, const InputValueDefinition& def, std::string_view label);

  // Phase 4: directives used in the SDL (@deprecated, @specifiedBy, and checks of all others).
  Status ApplyDirectives(const Document& doc);
  Status ApplyTypeDirectives(Type& type, const TypeDefinition& def);
  Status ApplyFieldDirectives(Type& type, const FieldDefinition& def);
  Status ApplyInputValueDirectives(InputValue& value, const InputValueDefinition& def,
                                   std::string_view label, std::string_view location);
  Result<Json> DirectiveArguments(const Directive& use, const DirectiveType& directive);
  Status CheckDirectiveUses(const std::vector<Directive>& uses, std::string_view location);
  Result<bool> Deprecation(const std::vector<Directive>& uses, std::string* reason);

  // Phase 5: what §3 requires of each type; then the order of Schema::types().
  Status CheckTypes() const;
  void OrderTypes();

  Schema& schema_;
  // Every type defined in a document, in document order (user's, then prelude's), with the
  // definition and then the extensions that describe it.
  std::vector<Type*> declared_;
  std::map<const Type*, std::vector<const TypeDefinition*>> definitions_;
  std::map<const Type*, Origin> origins_;
  std::set<const Type*> filled_;
  // Directive definitions, parallel to schema_.directives_.
  std::vector<const DirectiveDefinition*> directive_definitions_;
  std::vector<Origin> directive_origins_;
};

}  // namespace de::graphql
