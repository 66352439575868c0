#include "graphql/schema_builder.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "graphql/executor.h"
#include "graphql/introspection.h"
#include "graphql/parser.h"

namespace de::graphql {

namespace {

// Messages follow graphql-core's wording where it has one (names in single quotes, as the rest
// of graphql/ does), so the tests can compare them with the reference implementation.
template <typename... Args>
Status ErrorAt(SourceLocation location, fmt::format_string<Args...> format, Args&&... args) {
  return InvalidArgument("{}:{}: {}", location.line, location.column,
                         fmt::format(format, std::forward<Args>(args)...));
}

bool IsBuiltinScalar(std::string_view name) {
  return !introspection::BuiltinScalarDescription(name).empty();
}

const char* KindWord(TypeKind kind) {
  switch (kind) {
    case TypeKind::kScalar:
      return "scalar";
    case TypeKind::kObject:
      return "object";
    case TypeKind::kEnum:
      return "enum";
    case TypeKind::kInputObject:
      return "input object";
    default:
      return "composite";
  }
}

TypeKind KindOf(TypeDefinitionKind kind) {
  switch (kind) {
    case TypeDefinitionKind::kScalar:
      return TypeKind::kScalar;
    case TypeDefinitionKind::kObject:
      return TypeKind::kObject;
    case TypeDefinitionKind::kInterface:
      return TypeKind::kInterface;
    case TypeDefinitionKind::kUnion:
      return TypeKind::kUnion;
    case TypeDefinitionKind::kEnum:
      return TypeKind::kEnum;
    case TypeDefinitionKind::kInputObject:
      return TypeKind::kInputObject;
  }
  return TypeKind::kScalar;
}

// Where a type's own directives stand, as a __DirectiveLocation.
const char* DirectiveLocationOf(TypeKind kind) {
  switch (kind) {
    case TypeKind::kScalar:
      return "SCALAR";
    case TypeKind::kObject:
      return "OBJECT";
    case TypeKind::kEnum:
      return "ENUM";
    default:
      return "INPUT_OBJECT";
  }
}

// The element of `items` (fields, arguments, ...) named `name`; nullptr if none.
template <typename Items>
auto FindNamed(Items& items, std::string_view name) -> decltype(&items[0]) {
  for (auto& item : items) {
    if (item.name == name) return &item;
  }
  return nullptr;
}

Status UnsupportedKind(const TypeDefinition& def) {
  const char* what = def.kind == TypeDefinitionKind::kInterface ? "Interface" : "Union";
  return ErrorAt(def.location, "{} type '{}' is not supported.", what, def.name);
}

Status CheckNoInterfaces(const TypeDefinition& def) {
  if (def.interfaces.empty()) return Status::Ok();
  return ErrorAt(def.location, "Type '{}' implements '{}', but interfaces are not supported.",
                 def.name, def.interfaces.front());
}

}  // namespace

// ---- Build ------------------------------------------------------------------------------------

Status SchemaBuilder::Build(std::string_view sdl) {
  ParseOptions unlimited;
  unlimited.max_tokens = 0;
  unlimited.max_depth = 0;
  ParseResult user = Parse(sdl, unlimited);
  if (!user.ok) {
    SourceLocation at =
        user.error.locations.empty() ? SourceLocation{1, 1} : user.error.locations.front();
    return ErrorAt(at, "{}", user.error.message);
  }
  static const ParseResult prelude = Parse(introspection::PreludeSdl(), unlimited);
  if (!prelude.ok) return Internal("introspection prelude: {}", prelude.error.message);
  const Document& doc = user.document;
  if (!doc.operations.empty() || !doc.fragments.empty()) {
    SourceLocation at =
        doc.operations.empty() ? doc.fragments.front().location : doc.operations.front().location;
    return ErrorAt(at, "A schema cannot contain operations or fragments.");
  }

  RETURN_IF_ERROR(DeclareTypes(doc, Origin::kUser));
  RETURN_IF_ERROR(DeclareDirectives(doc, prelude.document));
  RETURN_IF_ERROR(FillTypes());
  RETURN_IF_ERROR(ApplyExtensions(doc));
  RETURN_IF_ERROR(PickRootTypes(doc));
  RETURN_IF_ERROR(DeclareTypes(prelude.document, Origin::kPrelude));
  RETURN_IF_ERROR(FillTypes());
  RETURN_IF_ERROR(FillDirectiveArguments());
  RETURN_IF_ERROR(CoerceDefaults());
  RETURN_IF_ERROR(ApplyDirectives(doc));
  RETURN_IF_ERROR(CheckTypes());

  RETURN_IF_ERROR(introspection::BindResolvers(schema_));
  introspection::MetaFields meta = introspection::MakeMetaFields(schema_);
  schema_.typename_field_ = std::move(meta.typename_field);
  schema_.schema_field_ = std::move(meta.schema_field);
  schema_.type_field_ = std::move(meta.type_field);
  OrderTypes();
  return Status::Ok();
}

// ---- Phase 1: declarations --------------------------------------------------------------------

Status SchemaBuilder::CheckName(std::string_view name, SourceLocation location,
                                Origin origin) const {
  if (origin == Origin::kPrelude || !name.starts_with("__")) return Status::Ok();
  return ErrorAt(location,
                 "Name '{}' must not begin with '__', which is reserved by GraphQL "
                 "introspection.",
                 name);
}

Type* SchemaBuilder::Mutable(std::string_view name) {
  auto it = schema_.named_.find(name);
  return it == schema_.named_.end() ? nullptr : it->second.get();
}

Type* SchemaBuilder::FindOrBuiltin(std::string_view name) {
  if (Type* type = Mutable(name)) return type;
  if (!IsBuiltinScalar(name)) return nullptr;
  auto scalar = std::make_unique<Type>();
  scalar->kind = TypeKind::kScalar;
  scalar->name = std::string(name);
  scalar->description = std::string(introspection::BuiltinScalarDescription(name));
  return schema_.Add(std::move(scalar));
}

Status SchemaBuilder::DeclareTypes(const Document& doc, Origin origin) {
  for (const TypeDefinition& def : doc.types) {
    if (!def.is_extension) RETURN_IF_ERROR(DeclareType(def, origin));
  }
  return Status::Ok();
}

Status SchemaBuilder::DeclareType(const TypeDefinition& def, Origin origin) {
  if (def.kind == TypeDefinitionKind::kInterface || def.kind == TypeDefinitionKind::kUnion) {
    return UnsupportedKind(def);
  }
  RETURN_IF_ERROR(CheckName(def.name, def.location, origin));
  RETURN_IF_ERROR(CheckNoInterfaces(def));
  // Built-in scalars enter the schema only when declared or first used, which is later.
  if (schema_.Find(def.name) != nullptr) {
    return ErrorAt(def.location, "There can be only one type named '{}'.", def.name);
  }
  Type* type = nullptr;
  if (IsBuiltinScalar(def.name)) {
    // `scalar String` in SDL names the built-in scalar (graphql-js does the same).
    if (def.kind != TypeDefinitionKind::kScalar) {
      return ErrorAt(def.location, "Type '{}' is a built-in scalar and cannot be redefined.",
                     def.name);
    }
    type = FindOrBuiltin(def.name);
  } else {
    auto created = std::make_unique<Type>();
    created->kind = KindOf(def.kind);
    created->name = def.name;
    created->description = def.description;
    type = schema_.Add(std::move(created));
  }
  declared_.push_back(type);
  definitions_[type].push_back(&def);
  origins_[type] = origin;
  return Status::Ok();
}

Status SchemaBuilder::DeclareDirectives(const Document& user, const Document& prelude) {
  std::vector<DirectiveType> directives;
  auto declare = [&](const DirectiveDefinition& def, Origin origin) -> Status {
    RETURN_IF_ERROR(CheckName(def.name, def.location, origin));
    DirectiveType directive;
    directive.name = def.name;
    directive.description = def.description;
    directive.locations = def.locations;
    directive.repeatable = def.repeatable;
    directives.push_back(std::move(directive));
    directive_definitions_.push_back(&def);
    directive_origins_.push_back(origin);
    return Status::Ok();
  };
  for (const DirectiveDefinition& def : user.directives) {
    bool builtin = std::any_of(prelude.directives.begin(), prelude.directives.end(),
                               [&](const DirectiveDefinition& d) { return d.name == def.name; });
    if (builtin) {
      return ErrorAt(def.location,
                     "Directive '@{}' already exists in the schema. It cannot be redefined.",
                     def.name);
    }
    bool duplicate = std::any_of(directives.begin(), directives.end(),
                                 [&](const DirectiveType& d) { return d.name == def.name; });
    if (duplicate) {
      return ErrorAt(def.location, "There can be only one directive named '@{}'.", def.name);
    }
    RETURN_IF_ERROR(declare(def, Origin::kUser));
  }
  for (const DirectiveDefinition& def : prelude.directives) {
    RETURN_IF_ERROR(declare(def, Origin::kPrelude));
  }
  schema_.directives_ = std::move(directives);
  return Status::Ok();
}

// ---- Phase 2: fields, arguments, input fields, enum values ------------------------------------

Status SchemaBuilder::FillTypes() {
  for (Type* type : declared_) {
    if (filled_.insert(type).second) {
      RETURN_IF_ERROR(FillType(*type, *definitions_[type].front()));
    }
  }
  return Status::Ok();
}

Status SchemaBuilder::FillType(Type& type, const TypeDefinition& def) {
  switch (type.kind) {
    case TypeKind::kObject:
      return AddFields(type, def.fields, origins_[&type]);
    case TypeKind::kInputObject:
      return AddInputFields(type, def.input_fields, origins_[&type]);
    case TypeKind::kEnum:
      return AddEnumValues(type, def.enum_values, origins_[&type]);
    default:
      return Status::Ok();
  }
}

Result<const Type*> SchemaBuilder::ResolveRef(const TypeRef& ref) {
  if (ref.kind == TypeRef::Kind::kNamed) {
    const Type* type = FindOrBuiltin(ref.name);
    if (type == nullptr) return ErrorAt(ref.location, "Unknown type '{}'.", ref.name);
    return type;
  }
  if (ref.of_type.size() != 1) return ErrorAt(ref.location, "Malformed type reference.");
  ASSIGN_OR_RETURN(const Type* inner, ResolveRef(ref.of_type.front()));
  return ref.kind == TypeRef::Kind::kList ? schema_.ListOf(inner) : schema_.NonNullOf(inner);
}

Status SchemaBuilder::AddFields(Type& type, const std::vector<FieldDefinition>& defs,
                                Origin origin) {
  for (const FieldDefinition& def : defs) {
    RETURN_IF_ERROR(CheckName(def.name, def.location, origin));
    if (type.FindField(def.name) != nullptr) {
      return ErrorAt(def.location, "Field '{}.{}' can only be defined once.", type.name, def.name);
    }
    Field field;
    field.name = def.name;
    field.description = def.description;
    ASSIGN_OR_RETURN(field.type, ResolveRef(def.type));
    if (field.type->Named().kind == TypeKind::kInputObject) {
      return ErrorAt(def.type.location, "The type of {}.{} must be Output Type but got: {}.",
                     type.name, def.name, field.type->ToString());
    }
    ASSIGN_OR_RETURN(field.arguments,
                     BuildArguments(def.arguments, type.name + "." + def.name, origin));
    type.fields.push_back(std::move(field));
  }
  return Status::Ok();
}

Result<std::vector<InputValue>> SchemaBuilder::BuildArguments(
    const std::vector<InputValueDefinition>& defs, std::string_view owner, Origin origin) {
  std::vector<InputValue> arguments;
  for (const InputValueDefinition& def : defs) {
    RETURN_IF_ERROR(CheckName(def.name, def.location, origin));
    bool duplicate = std::any_of(arguments.begin(), arguments.end(),
                                 [&](const InputValue& a) { return a.name == def.name; });
    if (duplicate) {
      return ErrorAt(def.location, "Argument '{}({}:)' can only be defined once.", owner, def.name);
    }
    InputValue argument;
    argument.name = def.name;
    argument.description = def.description;
    ASSIGN_OR_RETURN(argument.type, ResolveRef(def.type));
    if (!argument.type->IsInput()) {
      return ErrorAt(def.type.location, "The type of {}({}:) must be Input Type but got: {}.",
                     owner, def.name, argument.type->ToString());
    }
    arguments.push_back(std::move(argument));
  }
  return arguments;
}

Status SchemaBuilder::AddInputFields(Type& type, const std::vector<InputValueDefinition>& defs,
                                     Origin origin) {
  for (const InputValueDefinition& def : defs) {
    RETURN_IF_ERROR(CheckName(def.name, def.location, origin));
    if (type.FindInputField(def.name) != nullptr) {
      return ErrorAt(def.location, "Field '{}.{}' can only be defined once.", type.name, def.name);
    }
    InputValue field;
    field.name = def.name;
    field.description = def.description;
    ASSIGN_OR_RETURN(field.type, ResolveRef(def.type));
    if (!field.type->IsInput()) {
      return ErrorAt(def.type.location, "The type of {}.{} must be Input Type but got: {}.",
                     type.name, def.name, field.type->ToString());
    }
    type.input_fields.push_back(std::move(field));
  }
  return Status::Ok();
}

Status SchemaBuilder::AddEnumValues(Type& type, const std::vector<EnumValueDefinition>& defs,
                                    Origin origin) {
  for (const EnumValueDefinition& def : defs) {
    RETURN_IF_ERROR(CheckName(def.name, def.location, origin));
    if (def.name == "true" || def.name == "false" || def.name == "null") {
      return ErrorAt(def.location, "Enum type {} cannot include value: {}.", type.name, def.name);
    }
    if (type.FindEnumValue(def.name) != nullptr) {
      return ErrorAt(def.location, "Enum value '{}.{}' can only be defined once.", type.name,
                     def.name);
    }
    EnumValue value;
    value.name = def.name;
    value.description = def.description;
    type.enum_values.push_back(std::move(value));
  }
  return Status::Ok();
}

Status SchemaBuilder::ApplyExtensions(const Document& doc) {
  for (const TypeDefinition& def : doc.types) {
    if (!def.is_extension) continue;
    if (def.kind == TypeDefinitionKind::kInterface || def.kind == TypeDefinitionKind::kUnion) {
      return UnsupportedKind(def);
    }
    RETURN_IF_ERROR(CheckNoInterfaces(def));
    if (IsBuiltinScalar(def.name)) {
      return ErrorAt(def.location, "Cannot extend built-in type '{}'.", def.name);
    }
    Type* type = Mutable(def.name);
    if (type == nullptr || definitions_.count(type) == 0) {
      return ErrorAt(def.location, "Cannot extend type '{}' because it is not defined.", def.name);
    }
    if (type->kind != KindOf(def.kind)) {
      return ErrorAt(def.location, "Cannot extend non-{} type '{}'.", KindWord(KindOf(def.kind)),
                     def.name);
    }
    definitions_[type].push_back(&def);
    RETURN_IF_ERROR(FillType(*type, def));
  }
  return Status::Ok();
}

Status SchemaBuilder::FillDirectiveArguments() {
  for (size_t i = 0; i < directive_definitions_.size(); ++i) {
    DirectiveType& directive = schema_.directives_[i];
    const DirectiveDefinition& def = *directive_definitions_[i];
    ASSIGN_OR_RETURN(directive.arguments,
                     BuildArguments(def.arguments, "@" + directive.name, directive_origins_[i]));
  }
  return Status::Ok();
}

// ---- Phase 3: default values ------------------------------------------------------------------

Status SchemaBuilder::CoerceDefault(InputValue& value, const InputValueDefinition& def,
                                    std::string_view label) {
  if (!def.default_value) return Status::Ok();
  std::string error;
  std::optional<Json> coerced =
      CoerceLiteral(*value.type, *def.default_value, Json::object(), &error);
  if (!coerced) {
    return ErrorAt(def.default_value->location, "Invalid default value for {}: {}", label, error);
  }
  value.default_value_literal = introspection::PrintDefaultValue(*value.type, *coerced);
  value.default_value = std::move(*coerced);
  return Status::Ok();
}

// Input objects first, each after the input objects its fields use, so that a default written
// as `{a: 1}` picks up the defaults of the fields it leaves out. A cycle is cut where it closes.
Status SchemaBuilder::CoerceInputObjectDefaults(Type& type, std::set<const Type*>& done) {
  if (!done.insert(&type).second) return Status::Ok();
  for (const InputValue& field : type.input_fields) {
    const Type& named = field.type->Named();
    if (named.kind == TypeKind::kInputObject) {
      RETURN_IF_ERROR(CoerceInputObjectDefaults(*Mutable(named.name), done));
    }
  }
  for (const TypeDefinition* def : definitions_[&type]) {
    for (const InputValueDefinition& field_def : def->input_fields) {
      InputValue& field = *FindNamed(type.input_fields, field_def.name);
      RETURN_IF_ERROR(CoerceDefault(field, field_def, type.name + "." + field.name));
    }
  }
  return Status::Ok();
}

Status SchemaBuilder::CoerceDefaults() {
  std::set<const Type*> done;
  for (Type* type : declared_) {
    if (type->kind == TypeKind::kInputObject) {
      RETURN_IF_ERROR(CoerceInputObjectDefaults(*type, done));
    }
  }
  for (size_t i = 0; i < directive_definitions_.size(); ++i) {
    DirectiveType& directive = schema_.directives_[i];
    for (const InputValueDefinition& def : directive_definitions_[i]->arguments) {
      InputValue& argument = *FindNamed(directive.arguments, def.name);
      RETURN_IF_ERROR(CoerceDefault(argument, def, "@" + directive.name + "(" + def.name + ":)"));
    }
  }
  for (Type* type : declared_) {
    for (const TypeDefinition* def : definitions_[type]) {
      for (const FieldDefinition& field_def : def->fields) {
        Field& field = *FindNamed(type->fields, field_def.name);
        for (const InputValueDefinition& arg_def : field_def.arguments) {
          InputValue& argument = *FindNamed(field.arguments, arg_def.name);
          std::string label = type->name + "." + field.name + "(" + argument.name + ":)";
          RETURN_IF_ERROR(CoerceDefault(argument, arg_def, label));
        }
      }
    }
  }
  return Status::Ok();
}

// ---- Phase 4: directives used in the SDL ------------------------------------------------------

Result<Json> SchemaBuilder::DirectiveArguments(const Directive& use,
                                               const DirectiveType& directive) {
  Json values = Json::object();
  for (const Argument& argument : use.arguments) {
    const InputValue* def = FindNamed(directive.arguments, argument.name);
    if (def == nullptr) {
      return ErrorAt(argument.location, "Unknown argument '{}' on directive '@{}'.", argument.name,
                     directive.name);
    }
    if (values.contains(argument.name)) {
      return ErrorAt(argument.location, "There can be only one argument named '{}'.",
                     argument.name);
    }
    std::string error;
    std::optional<Json> value = CoerceLiteral(*def->type, argument.value, Json::object(), &error);
    if (!value) {
      return ErrorAt(argument.value.location, "Invalid value for argument '{}' of '@{}': {}",
                     argument.name, directive.name, error);
    }
    values[argument.name] = std::move(*value);
  }
  for (const InputValue& def : directive.arguments) {
    if (values.contains(def.name)) continue;
    if (def.default_value) {
      values[def.name] = *def.default_value;
    } else if (def.type->kind == TypeKind::kNonNull) {
      return ErrorAt(use.location,
                     "Directive '@{}' argument '{}' of type '{}' is required, but it was "
                     "not provided.",
                     directive.name, def.name, def.type->ToString());
    }
  }
  return values;
}

Status SchemaBuilder::CheckDirectiveUses(const std::vector<Directive>& uses,
                                         std::string_view location) {
  for (size_t i = 0; i < uses.size(); ++i) {
    const Directive& use = uses[i];
    const DirectiveType* directive = schema_.FindDirective(use.name);
    if (directive == nullptr) return ErrorAt(use.location, "Unknown directive '@{}'.", use.name);
    if (std::find(directive->locations.begin(), directive->locations.end(), location) ==
        directive->locations.end()) {
      return ErrorAt(use.location, "Directive '@{}' may not be used on {}.", use.name, location);
    }
    bool repeated = std::any_of(uses.begin(), uses.begin() + i,
                                [&](const Directive& d) { return d.name == use.name; });
    if (repeated && !directive->repeatable) {
      return ErrorAt(use.location, "The directive '@{}' can only be used once at this location.",
                     use.name);
    }
    RETURN_IF_ERROR(DirectiveArguments(use, *directive));
  }
  return Status::Ok();
}

// Whether `uses` deprecate their element; sets `reason`. @deprecated(reason: null) does not,
// as in graphql-js (deprecation is "deprecationReason is not null").
Result<bool> SchemaBuilder::Deprecation(const std::vector<Directive>& uses, std::string* reason) {
  auto use = std::find_if(uses.begin(), uses.end(),
                          [](const Directive& d) { return d.name == "deprecated"; });
  if (use == uses.end()) return false;
  ASSIGN_OR_RETURN(Json args, DirectiveArguments(*use, *schema_.FindDirective("deprecated")));
  const Json& value = args["reason"];
  if (!value.is_string()) return false;
  *reason = value.get<std::string>();
  return true;
}

Status SchemaBuilder::ApplyInputValueDirectives(InputValue& value, const InputValueDefinition& def,
                                                std::string_view label, std::string_view location) {
  RETURN_IF_ERROR(CheckDirectiveUses(def.directives, location));
  ASSIGN_OR_RETURN(value.deprecated, Deprecation(def.directives, &value.deprecation_reason));
  if (value.deprecated && value.type->kind == TypeKind::kNonNull && !value.default_value) {
    const char* what = location == "ARGUMENT_DEFINITION" ? "argument" : "input field";
    return ErrorAt(def.location, "Required {} {} cannot be deprecated.", what, label);
  }
  return Status::Ok();
}

Status SchemaBuilder::ApplyFieldDirectives(Type& type, const FieldDefinition& def) {
  Field& field = *FindNamed(type.fields, def.name);
  RETURN_IF_ERROR(CheckDirectiveUses(def.directives, "FIELD_DEFINITION"));
  ASSIGN_OR_RETURN(field.deprecated, Deprecation(def.directives, &field.deprecation_reason));
  for (const InputValueDefinition& arg_def : def.arguments) {
    InputValue& argument = *FindNamed(field.arguments, arg_def.name);
    std::string label = type.name + "." + field.name + "(" + argument.name + ":)";
    RETURN_IF_ERROR(ApplyInputValueDirectives(argument, arg_def, label, "ARGUMENT_DEFINITION"));
  }
  return Status::Ok();
}

Status SchemaBuilder::ApplyTypeDirectives(Type& type, const TypeDefinition& def) {
  RETURN_IF_ERROR(CheckDirectiveUses(def.directives, DirectiveLocationOf(type.kind)));
  for (const Directive& use : def.directives) {
    if (use.name != "specifiedBy" || IsBuiltinScalar(type.name)) continue;
    ASSIGN_OR_RETURN(Json args, DirectiveArguments(use, *schema_.FindDirective(use.name)));
    type.specified_by_url = args["url"].get<std::string>();
  }
  for (const FieldDefinition& field_def : def.fields) {
    RETURN_IF_ERROR(ApplyFieldDirectives(type, field_def));
  }
  for (const InputValueDefinition& field_def : def.input_fields) {
    InputValue& field = *FindNamed(type.input_fields, field_def.name);
    RETURN_IF_ERROR(ApplyInputValueDirectives(field, field_def, type.name + "." + field.name,
                                              "INPUT_FIELD_DEFINITION"));
  }
  for (const EnumValueDefinition& value_def : def.enum_values) {
    EnumValue& value = *FindNamed(type.enum_values, value_def.name);
    RETURN_IF_ERROR(CheckDirectiveUses(value_def.directives, "ENUM_VALUE"));
    ASSIGN_OR_RETURN(value.deprecated,
                     Deprecation(value_def.directives, &value.deprecation_reason));
  }
  return Status::Ok();
}

Status SchemaBuilder::ApplyDirectives(const Document& doc) {
  for (Type* type : declared_) {
    for (const TypeDefinition* def : definitions_[type]) {
      RETURN_IF_ERROR(ApplyTypeDirectives(*type, *def));
    }
  }
  for (size_t i = 0; i < directive_definitions_.size(); ++i) {
    DirectiveType& directive = schema_.directives_[i];
    for (const InputValueDefinition& def : directive_definitions_[i]->arguments) {
      InputValue& argument = *FindNamed(directive.arguments, def.name);
      std::string label = "@" + directive.name + "(" + def.name + ":)";
      RETURN_IF_ERROR(ApplyInputValueDirectives(argument, def, label, "ARGUMENT_DEFINITION"));
    }
  }
  for (const SchemaDefinition& def : doc.schema_definitions) {
    RETURN_IF_ERROR(CheckDirectiveUses(def.directives, "SCHEMA"));
  }
  return Status::Ok();
}

// ---- Phase 5-7: root types, checks, order -----------------------------------------------------

Status SchemaBuilder::SetRoot(const RootOperationTypeDefinition& op) {
  if (op.operation == OperationType::kSubscription) {
    return ErrorAt(op.location, "Subscriptions are not supported.");
  }
  bool query = op.operation == OperationType::kQuery;
  const Type*& root = query ? schema_.query_ : schema_.mutation_;
  if (root != nullptr) {
    return ErrorAt(op.location, "There can be only one {} type in schema.",
                   query ? "query" : "mutation");
  }
  const Type* type = FindOrBuiltin(op.type_name);
  if (type == nullptr) return ErrorAt(op.location, "Unknown type '{}'.", op.type_name);
  if (type->kind != TypeKind::kObject) {
    return ErrorAt(op.location, "{} root type must be Object type{}, it cannot be {}.",
                   query ? "Query" : "Mutation", query ? "" : " if provided", type->name);
  }
  root = type;
  return Status::Ok();
}

Status SchemaBuilder::PickRootTypes(const Document& doc) {
  const SchemaDefinition* definition = nullptr;
  for (const SchemaDefinition& def : doc.schema_definitions) {
    if (def.is_extension) continue;
    if (definition != nullptr) {
      return ErrorAt(def.location, "Must provide only one schema definition.");
    }
    definition = &def;
  }
  if (definition != nullptr) schema_.description_ = definition->description;
  if (definition != nullptr) {
    for (const auto& op : definition->operation_types) RETURN_IF_ERROR(SetRoot(op));
  }
  for (const SchemaDefinition& def : doc.schema_definitions) {
    if (!def.is_extension) continue;
    for (const auto& op : def.operation_types) RETURN_IF_ERROR(SetRoot(op));
  }
  if (definition == nullptr) {
    // Without a schema definition the roots are the types named Query and Mutation (§3.3.1).
    for (auto [operation, name] : {std::pair{OperationType::kQuery, "Query"},
                                   std::pair{OperationType::kMutation, "Mutation"}}) {
      const Type*& root = operation == OperationType::kQuery ? schema_.query_ : schema_.mutation_;
      const Type* type = schema_.Find(name);
      if (root != nullptr || type == nullptr) continue;
      RETURN_IF_ERROR(SetRoot({operation, name, definitions_[type].front()->location}));
    }
  }
  if (schema_.query_ == nullptr) {
    SourceLocation at = definition != nullptr ? definition->location : SourceLocation{1, 1};
    return ErrorAt(at, "Query root type must be provided.");
  }
  return Status::Ok();
}

Status SchemaBuilder::CheckTypes() const {
  for (const Type* type : declared_) {
    const TypeDefinition& def = *definitions_.at(type).front();
    if (type->kind == TypeKind::kObject && type->fields.empty()) {
      return ErrorAt(def.location, "Type {} must define one or more fields.", type->name);
    }
    if (type->kind == TypeKind::kEnum && type->enum_values.empty()) {
      return ErrorAt(def.location, "Enum type {} must define one or more values.", type->name);
    }
    if (type->kind == TypeKind::kInputObject && type->input_fields.empty()) {
      return ErrorAt(def.location, "Input Object type {} must define one or more fields.",
                     type->name);
    }
  }
  return Status::Ok();
}

// graphql-js's order (GraphQLSchema's type map): the SDL's types in document order, a built-in
// scalar right after the first type whose fields, arguments or input fields use it, then the
// scalars of the directives' arguments, then the introspection types.
void SchemaBuilder::OrderTypes() {
  std::vector<const Type*> order;
  std::set<const Type*> seen;
  auto visit = [&](const Type* type) {
    const Type& named = type->Named();
    if (IsBuiltinScalar(named.name) && seen.insert(&named).second) order.push_back(&named);
  };
  auto visit_arguments = [&](const std::vector<InputValue>& arguments) {
    for (const InputValue& argument : arguments) visit(argument.type);
  };
  for (const Type* type : declared_) {
    if (origins_.at(type) != Origin::kUser || !seen.insert(type).second) continue;
    order.push_back(type);
    for (const Field& field : type->fields) {
      visit(field.type);
      visit_arguments(field.arguments);
    }
    visit_arguments(type->input_fields);
  }
  for (const DirectiveType& directive : schema_.directives_) visit_arguments(directive.arguments);
  for (const Type* type : declared_) {
    if (origins_.at(type) == Origin::kPrelude) order.push_back(type);
  }
  schema_.type_order_ = std::move(order);
}

}  // namespace de::graphql
