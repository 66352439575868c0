// Type-system definitions inside a request. ExecutableDefinitions already rejected them; like
// graphql-core, the other rules still look inside: unknown types, unknown or misplaced
// directives, their arguments and uniqueness.
#include <cstring>

#include "graphql/validation_context.h"

namespace de::graphql::validation {
namespace {

const char* TypeLocation(TypeDefinitionKind kind) {
  switch (kind) {
    case TypeDefinitionKind::kScalar:
      return "SCALAR";
    case TypeDefinitionKind::kObject:
      return "OBJECT";
    case TypeDefinitionKind::kInterface:
      return "INTERFACE";
    case TypeDefinitionKind::kUnion:
      return "UNION";
    case TypeDefinitionKind::kEnum:
      return "ENUM";
    case TypeDefinitionKind::kInputObject:
      return "INPUT_OBJECT";
  }
  return "OBJECT";
}

void VisitNodeDirectives(ValidationContext& context, const std::vector<Directive>& directives,
                         std::string_view location) {
  std::map<std::string, SourceLocation, std::less<>> seen;
  CheckUniqueDirectives(context, directives, seen);
  VisitDirectives(context, directives, location, nullptr);
}

}  // namespace

void TypeSystemChecker::Visit(ValidationContext& context, const Document::DefinitionRef& ref) {
  const Document& document = context.document();
  switch (ref.kind) {
    case Document::DefinitionRef::Kind::kSchema: {
      const SchemaDefinition& schema = document.schema_definitions[ref.index];
      CheckUniqueDirectives(context, schema.directives, schema_directives_);
      VisitDirectives(context, schema.directives, "SCHEMA", nullptr);
      for (const RootOperationTypeDefinition& root : schema.operation_types) {
        TypeRef named;  // `query: Name`, the name assumed after "query: "
        named.name = root.type_name;
        named.location = {root.location.line,
                          root.location.column +
                              static_cast<int>(std::strlen(OperationTypeName(root.operation))) + 2};
        CheckTypeRef(context, named, /*sdl=*/true);
      }
      return;
    }
    case Document::DefinitionRef::Kind::kType:
      VisitType(context, document.types[ref.index]);
      return;
    case Document::DefinitionRef::Kind::kDirective:
      for (const InputValueDefinition& argument : document.directives[ref.index].arguments) {
        VisitInputValue(context, argument, "ARGUMENT_DEFINITION");
      }
      return;
    default:
      return;
  }
}

void TypeSystemChecker::VisitType(ValidationContext& context, const TypeDefinition& type) {
  CheckUniqueDirectives(context, type.directives, type_directives_[type.name]);
  VisitDirectives(context, type.directives, TypeLocation(type.kind), nullptr);
  for (const FieldDefinition& field : type.fields) {
    std::map<std::string, SourceLocation, std::less<>> seen;
    CheckUniqueDirectives(context, field.directives, seen);
    for (const InputValueDefinition& argument : field.arguments) {
      VisitInputValue(context, argument, "ARGUMENT_DEFINITION");
    }
    CheckTypeRef(context, field.type, /*sdl=*/true);
    VisitDirectives(context, field.directives, "FIELD_DEFINITION", nullptr);
  }
  for (const EnumValueDefinition& value : type.enum_values) {
    VisitNodeDirectives(context, value.directives, "ENUM_VALUE");
  }
  for (const InputValueDefinition& field : type.input_fields) {
    VisitInputValue(context, field, "INPUT_FIELD_DEFINITION");
  }
}

void TypeSystemChecker::VisitInputValue(ValidationContext& context,
                                        const InputValueDefinition& value,
                                        std::string_view location) {
  std::map<std::string, SourceLocation, std::less<>> seen;
  CheckUniqueDirectives(context, value.directives, seen);
  CheckTypeRef(context, value.type, /*sdl=*/true);
  if (value.default_value.has_value()) {
    CheckValue(context, *value.default_value, nullptr);  // graphql-core types no SDL defaults
  }
  VisitDirectives(context, value.directives, location, nullptr);
}

}  // namespace de::graphql::validation
