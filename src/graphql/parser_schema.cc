// Parser: type-system definitions and extensions (specification §3), as SDL files write them.
#include <array>
#include <utility>

#include <fmt/format.h>

#include "graphql/parser_internal.h"

namespace de::graphql::internal {
namespace {

struct TypeKeyword {
  std::string_view word;
  TypeDefinitionKind kind;
};

constexpr std::array<TypeKeyword, 6> kTypeKeywords = {{
    {"scalar", TypeDefinitionKind::kScalar},
    {"type", TypeDefinitionKind::kObject},
    {"interface", TypeDefinitionKind::kInterface},
    {"union", TypeDefinitionKind::kUnion},
    {"enum", TypeDefinitionKind::kEnum},
    {"input", TypeDefinitionKind::kInputObject},
}};

const TypeKeyword* FindTypeKeyword(std::string_view word) {
  for (const TypeKeyword& keyword : kTypeKeywords) {
    if (keyword.word == word) return &keyword;
  }
  return nullptr;
}

std::string_view KeywordOf(TypeDefinitionKind kind) {
  for (const TypeKeyword& keyword : kTypeKeywords) {
    if (keyword.kind == kind) return keyword.word;
  }
  return "";
}

// §3.13 DirectiveLocation: ExecutableDirectiveLocation or TypeSystemDirectiveLocation.
bool IsDirectiveLocation(std::string_view name) {
  static constexpr std::array<std::string_view, 19> kLocations = {"QUERY",
                                                                  "MUTATION",
                                                                  "SUBSCRIPTION",
                                                                  "FIELD",
                                                                  "FRAGMENT_DEFINITION",
                                                                  "FRAGMENT_SPREAD",
                                                                  "INLINE_FRAGMENT",
                                                                  "VARIABLE_DEFINITION",
                                                                  "SCHEMA",
                                                                  "SCALAR",
                                                                  "OBJECT",
                                                                  "FIELD_DEFINITION",
                                                                  "ARGUMENT_DEFINITION",
                                                                  "INTERFACE",
                                                                  "UNION",
                                                                  "ENUM",
                                                                  "ENUM_VALUE",
                                                                  "INPUT_OBJECT",
                                                                  "INPUT_FIELD_DEFINITION"};
  for (std::string_view location : kLocations) {
    if (location == name) return true;
  }
  return false;
}

bool IsEmptyExtension(const TypeDefinition& type) {
  return type.interfaces.empty() && type.directives.empty() && type.fields.empty() &&
         type.input_fields.empty() && type.enum_values.empty() && type.union_members.empty();
}

}  // namespace

bool IsTypeSystemKeyword(std::string_view word) {
  return word == "schema" || word == "directive" || FindTypeKeyword(word) != nullptr;
}

bool Parser::ParseTypeSystemDefinition(std::string_view keyword) {
  if (keyword == "schema") return ParseSchemaDefinition(false);
  if (keyword == "directive") return ParseDirectiveDefinition();
  return ParseTypeDefinition(FindTypeKeyword(keyword)->kind, false);
}

// `extend schema|scalar|type|interface|union|enum|input ...`; the keyword after `extend`
// decides.
bool Parser::ParseTypeSystemExtension() {
  const Token& keyword = Lookahead();
  if (failed_) return false;
  if (keyword.kind == TokenKind::kName) {
    if (keyword.raw == "schema") return ParseSchemaDefinition(true);
    if (const TypeKeyword* type = FindTypeKeyword(keyword.raw)) {
      return ParseTypeDefinition(type->kind, true);
    }
  }
  return Unexpected(keyword);
}

bool Parser::ParseDescription(std::string* out) {
  if (!Peek(TokenKind::kString) && !Peek(TokenKind::kBlockString)) return !failed_;
  *out = std::move(token_.value);
  return Advance();
}

bool Parser::ParseSchemaDefinition(bool is_extension) {
  SchemaDefinition schema;
  schema.is_extension = is_extension;
  schema.location = token_.location;
  if (is_extension ? !ExpectKeyword("extend") : !ParseDescription(&schema.description)) {
    return false;
  }
  if (!ExpectKeyword("schema") || !ParseDirectives(true, &schema.directives) ||
      !ParseMany(TokenKind::kBraceL, TokenKind::kBraceR, /*optional=*/is_extension,
                 &schema.operation_types, [this](RootOperationTypeDefinition* root) {
                   return ParseOperationTypeDefinition(root);
                 })) {
    return false;
  }
  if (is_extension && schema.directives.empty() && schema.operation_types.empty()) {
    return Unexpected();
  }
  document_.schema_definitions.push_back(std::move(schema));
  AddToOrder(Document::DefinitionRef::Kind::kSchema, document_.schema_definitions.size() - 1);
  return true;
}

bool Parser::ParseOperationTypeDefinition(RootOperationTypeDefinition* out) {
  out->location = token_.location;
  return ParseOperationType(&out->operation) && Expect(TokenKind::kColon) &&
         ParseNamedType(&out->type_name);
}

bool Parser::ParseTypeDefinition(TypeDefinitionKind kind, bool is_extension) {
  TypeDefinition type;
  type.kind = kind;
  type.is_extension = is_extension;
  type.location = token_.location;
  if (is_extension ? !ExpectKeyword("extend") : !ParseDescription(&type.description)) {
    return false;
  }
  if (!ExpectKeyword(KeywordOf(kind)) || !ParseName(&type.name) || !ParseTypeBody(&type)) {
    return false;
  }
  // An extension must add something: `extend type T` alone is an error at the next token.
  if (is_extension && IsEmptyExtension(type)) return Unexpected();
  document_.types.push_back(std::move(type));
  AddToOrder(Document::DefinitionRef::Kind::kType, document_.types.size() - 1);
  return true;
}

// What follows the name: implemented interfaces, directives, then fields, members or values.
bool Parser::ParseTypeBody(TypeDefinition* type) {
  switch (type->kind) {
    case TypeDefinitionKind::kScalar:
      return ParseDirectives(true, &type->directives);
    case TypeDefinitionKind::kObject:
    case TypeDefinitionKind::kInterface:
      return ParseImplementsInterfaces(&type->interfaces) &&
             ParseDirectives(true, &type->directives) && ParseFieldsDefinition(&type->fields);
    case TypeDefinitionKind::kUnion:
      return ParseDirectives(true, &type->directives) && ParseUnionMembers(&type->union_members);
    case TypeDefinitionKind::kEnum:
      return ParseDirectives(true, &type->directives) &&
             ParseEnumValuesDefinition(&type->enum_values);
    case TypeDefinitionKind::kInputObject:
      return ParseDirectives(true, &type->directives) &&
             ParseInputFieldsDefinition(&type->input_fields);
  }
  return false;
}

bool Parser::ParseImplementsInterfaces(std::vector<std::string>* out) {
  if (!ExpectOptionalKeyword("implements")) return !failed_;
  return ParseDelimited(TokenKind::kAmp, out,
                        [this](std::string* name) { return ParseNamedType(name); });
}

bool Parser::ParseFieldsDefinition(std::vector<FieldDefinition>* out) {
  return ParseMany(TokenKind::kBraceL, TokenKind::kBraceR, /*optional=*/true, out,
                   [this](FieldDefinition* field) { return ParseFieldDefinition(field); });
}

bool Parser::ParseFieldDefinition(FieldDefinition* out) {
  out->location = token_.location;
  return ParseDescription(&out->description) && ParseName(&out->name) &&
         ParseArgumentDefinitions(&out->arguments) && Expect(TokenKind::kColon) &&
         ParseTypeReference(&out->type) && ParseDirectives(true, &out->directives);
}

bool Parser::ParseArgumentDefinitions(std::vector<InputValueDefinition>* out) {
  return ParseMany(TokenKind::kParenL, TokenKind::kParenR, /*optional=*/true, out,
                   [this](InputValueDefinition* v) { return ParseInputValueDefinition(v); });
}

bool Parser::ParseInputFieldsDefinition(std::vector<InputValueDefinition>* out) {
  return ParseMany(TokenKind::kBraceL, TokenKind::kBraceR, /*optional=*/true, out,
                   [this](InputValueDefinition* v) { return ParseInputValueDefinition(v); });
}

bool Parser::ParseInputValueDefinition(InputValueDefinition* out) {
  out->location = token_.location;
  if (!ParseDescription(&out->description) || !ParseName(&out->name) ||
      !Expect(TokenKind::kColon) || !ParseTypeReference(&out->type)) {
    return false;
  }
  if (ExpectOptional(TokenKind::kEquals) && !ParseValue(true, &out->default_value.emplace())) {
    return false;
  }
  return ParseDirectives(true, &out->directives);
}

bool Parser::ParseUnionMembers(std::vector<std::string>* out) {
  if (!ExpectOptional(TokenKind::kEquals)) return !failed_;
  return ParseDelimited(TokenKind::kPipe, out,
                        [this](std::string* name) { return ParseNamedType(name); });
}

bool Parser::ParseEnumValuesDefinition(std::vector<EnumValueDefinition>* out) {
  return ParseMany(TokenKind::kBraceL, TokenKind::kBraceR, /*optional=*/true, out,
                   [this](EnumValueDefinition* value) { return ParseEnumValueDefinition(value); });
}

// EnumValue: Name but not `true`, `false` or `null`.
bool Parser::ParseEnumValueDefinition(EnumValueDefinition* out) {
  out->location = token_.location;
  if (!ParseDescription(&out->description)) return false;
  if (token_.HasValue() &&
      (token_.Value() == "true" || token_.Value() == "false" || token_.Value() == "null")) {
    return Fail(token_.start, fmt::format("{} is reserved and cannot be used for an enum value.",
                                          DescribeToken(token_)));
  }
  return ParseName(&out->name) && ParseDirectives(true, &out->directives);
}

bool Parser::ParseDirectiveDefinition() {
  DirectiveDefinition directive;
  directive.location = token_.location;
  if (!ParseDescription(&directive.description) || !ExpectKeyword("directive") ||
      !Expect(TokenKind::kAt) || !ParseName(&directive.name) ||
      !ParseArgumentDefinitions(&directive.arguments)) {
    return false;
  }
  directive.repeatable = ExpectOptionalKeyword("repeatable");
  if (!ExpectKeyword("on") || !ParseDirectiveLocations(&directive.locations)) return false;
  document_.directives.push_back(std::move(directive));
  AddToOrder(Document::DefinitionRef::Kind::kDirective, document_.directives.size() - 1);
  return true;
}

bool Parser::ParseDirectiveLocations(std::vector<std::string>* out) {
  return ParseDelimited(TokenKind::kPipe, out, [this](std::string* location) {
    if (!Peek(TokenKind::kName)) return Expect(TokenKind::kName);
    const std::string_view name = token_.raw;
    const size_t start = token_.start;
    if (!Advance()) return false;
    if (!IsDirectiveLocation(name)) return Fail(start, fmt::format("Unexpected Name '{}'.", name));
    location->assign(name);
    return true;
  });
}

}  // namespace de::graphql::internal
