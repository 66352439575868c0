#include "graphql/introspection.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "graphql/inspect.h"
#include "graphql/parser.h"

namespace de::graphql::introspection {

namespace {

// Descriptions as graphql-js words them, so that introspection matches the reference
// implementation; the spec (§4.5) gives the same types without descriptions.
constexpr std::string_view kPrelude = R"sdl(
"""
Directs the executor to include this field or fragment only when the `if` argument is true.
"""
directive @include(
  """Included when true."""
  if: Boolean!
) on FIELD | FRAGMENT_SPREAD | INLINE_FRAGMENT

"""
Directs the executor to skip this field or fragment when the `if` argument is true.
"""
directive @skip(
  """Skipped when true."""
  if: Boolean!
) on FIELD | FRAGMENT_SPREAD | INLINE_FRAGMENT

"""Marks an element of a GraphQL schema as no longer supported."""
directive @deprecated(
  """
  Explains why this element was deprecated, usually also including a suggestion for how to access supported similar data. Formatted using the Markdown syntax, as specified by [CommonMark](https://commonmark.org/).
  """
  reason: String = "No longer supported"
) on FIELD_DEFINITION | ARGUMENT_DEFINITION | INPUT_FIELD_DEFINITION | ENUM_VALUE

"""Exposes a URL that specifies the behavior of this scalar."""
directive @specifiedBy(
  """The URL that specifies the behavior of this scalar."""
  url: String!
) on SCALAR

"""
A GraphQL Schema defines the capabilities of a GraphQL server. It exposes all available types and directives on the server, as well as the entry points for query, mutation, and subscription operations.
"""
type __Schema {
  description: String

  """A list of all types supported by this server."""
  types: [__Type!]!

  """The type that query operations will be rooted at."""
  queryType: __Type!

  """
  If this server supports mutation, the type that mutation operations will be rooted at.
  """
  mutationType: __Type

  """
  If this server supports subscription, the type that subscription operations will be rooted at.
  """
  subscriptionType: __Type

  """A list of all directives supported by this server."""
  directives: [__Directive!]!
}

"""
The fundamental unit of any GraphQL Schema is the type. There are many kinds of types in GraphQL as represented by the `__TypeKind` enum.

Depending on the kind of a type, certain fields describe information about that type. Scalar types provide no information beyond a name, description and optional `specifiedByURL`, while Enum types provide their values. Object and Interface types provide the fields they describe. Abstract types, Union and Interface, provide the Object types possible at runtime. List and NonNull types compose other types.
"""
type __Type {
  kind: __TypeKind!
  name: String
  description: String
  specifiedByURL: String
  fields(includeDeprecated: Boolean = false): [__Field!]
  interfaces: [__Type!]
  possibleTypes: [__Type!]
  enumValues(includeDeprecated: Boolean = false): [__EnumValue!]
  inputFields(includeDeprecated: Boolean = false): [__InputValue!]
  ofType: __Type
}

"""An enum describing what kind of type a given `__Type` is."""
enum __TypeKind {
  """Indicates this type is a scalar."""
  SCALAR

  """
  Indicates this type is an object. `fields` and `interfaces` are valid fields.
  """
  OBJECT

  """
  Indicates this type is an interface. `fields`, `interfaces`, and `possibleTypes` are valid fields.
  """
  INTERFACE

  """Indicates this type is a union. `possibleTypes` is a valid field."""
  UNION

  """Indicates this type is an enum. `enumValues` is a valid field."""
  ENUM

  """
  Indicates this type is an input object. `inputFields` is a valid field.
  """
  INPUT_OBJECT

  """Indicates this type is a list. `ofType` is a valid field."""
  LIST

  """Indicates this type is a non-null. `ofType` is a valid field."""
  NON_NULL
}

"""
Object and Interface types are described by a list of Fields, each of which has a name, potentially a list of arguments, and a return type.
"""
type __Field {
  name: String!
  description: String
  args(includeDeprecated: Boolean = false): [__InputValue!]!
  type: __Type!
  isDeprecated: Boolean!
  deprecationReason: String
}

"""
Arguments provided to Fields or Directives and the input fields of an InputObject are represented as Input Values which describe their type and optionally a default value.
"""
type __InputValue {
  name: String!
  description: String
  type: __Type!

  """
  A GraphQL-formatted string representing the default value for this input value.
  """
  defaultValue: String
  isDeprecated: Boolean!
  deprecationReason: String
}

"""
One possible value for a given Enum. Enum values are unique values, not a placeholder for a string or numeric value. However an Enum value is returned in a JSON response as a string.
"""
type __EnumValue {
  name: String!
  description: String
  isDeprecated: Boolean!
  deprecationReason: String
}

"""
A Directive provides a way to describe alternate runtime execution and type validation behavior in a GraphQL document.

In some cases, you need to provide options to alter GraphQL's execution behavior in ways field arguments will not suffice, such as conditionally including or skipping a field. Directives provide this by describing additional information to the executor.
"""
type __Directive {
  name: String!
  description: String
  isRepeatable: Boolean!
  locations: [__DirectiveLocation!]!
  args(includeDeprecated: Boolean = false): [__InputValue!]!
}

"""
A Directive can be adjacent to many parts of the GraphQL language, a __DirectiveLocation describes one such possible adjacencies.
"""
enum __DirectiveLocation {
  """Location adjacent to a query operation."""
  QUERY

  """Location adjacent to a mutation operation."""
  MUTATION

  """Location adjacent to a subscription operation."""
  SUBSCRIPTION

  """Location adjacent to a field."""
  FIELD

  """Location adjacent to a fragment definition."""
  FRAGMENT_DEFINITION

  """Location adjacent to a fragment spread."""
  FRAGMENT_SPREAD

  """Location adjacent to an inline fragment."""
  INLINE_FRAGMENT

  """Location adjacent to a variable definition."""
  VARIABLE_DEFINITION

  """Location adjacent to a schema definition."""
  SCHEMA

  """Location adjacent to a scalar definition."""
  SCALAR

  """Location adjacent to an object type definition."""
  OBJECT

  """Location adjacent to a field definition."""
  FIELD_DEFINITION

  """Location adjacent to an argument definition."""
  ARGUMENT_DEFINITION

  """Location adjacent to an interface definition."""
  INTERFACE

  """Location adjacent to a union definition."""
  UNION

  """Location adjacent to an enum definition."""
  ENUM

  """Location adjacent to an enum value definition."""
  ENUM_VALUE

  """Location adjacent to an input object type definition."""
  INPUT_OBJECT

  """Location adjacent to an input object field definition."""
  INPUT_FIELD_DEFINITION
})sdl";

struct BuiltinScalar {
  std::string_view name;
  std::string_view description;
};

constexpr BuiltinScalar kBuiltinScalars[] = {
    {"Int",
     "The `Int` scalar type represents non-fractional signed whole numeric values. Int can "
     "represent values between -(2^31) and 2^31 - 1."},
    {"Float",
     "The `Float` scalar type represents signed double-precision fractional values as specified "
     "by [IEEE 754](https://en.wikipedia.org/wiki/IEEE_floating_point)."},
    {"String",
     "The `String` scalar type represents textual data, represented as UTF-8 character "
     "sequences. The String type is most often used by GraphQL to represent free-form "
     "human-readable text."},
    {"Boolean", "The `Boolean` scalar type represents `true` or `false`."},
    {"ID",
     "The `ID` scalar type represents a unique identifier, often used to refetch an object or as "
     "key for a cache. The ID type appears in a JSON response as a String; however, it is not "
     "intended to be human-readable. When expected as an input type, any string (such as `\"4\"`) "
     "or integer (such as `4`) input value will be accepted as an ID."},
};

// ---- Introspection values ---------------------------------------------------------------------

Json OrNull(const std::string& text) { return text.empty() ? Json(nullptr) : Json(text); }

Json DeprecationReason(bool deprecated, const std::string& reason) {
  return deprecated ? Json(reason) : Json(nullptr);
}

// `includeDeprecated` as the executor coerced it; absent or null counts as false.
bool IncludeDeprecated(const ResolveInfo& info) {
  auto it = info.args.find("includeDeprecated");
  return it != info.args.end() && it->is_boolean() && it->get<bool>();
}

const std::string* Member(const Json& parent, const char* key) {
  if (!parent.is_object()) return nullptr;
  auto it = parent.find(key);
  return it != parent.end() && it->is_string() ? &it->get_ref<const std::string&>() : nullptr;
}

Status NotIntrospectionValue(const char* what) {
  return Internal("introspection: the parent value is not a {}", what);
}

// A __Type parent: a wrapper (kind, and the reference of what it wraps) or a named type.
struct TypeView {
  TypeKind kind = TypeKind::kScalar;
  std::string of_type;          // kList/kNonNull: "[Int!]!" -> "[Int!]"
  const Type* named = nullptr;  // named types
};

Result<TypeView> ViewType(const Schema& schema, const Json& parent) {
  const std::string* ref = Member(parent, "$type");
  if (ref == nullptr || ref->empty()) return NotIntrospectionValue("__Type");
  if (ref->back() == '!') return TypeView{TypeKind::kNonNull, ref->substr(0, ref->size() - 1)};
  if (ref->front() == '[' && ref->size() >= 2) {
    return TypeView{TypeKind::kList, ref->substr(1, ref->size() - 2)};
  }
  const Type* named = schema.Find(*ref);
  if (named == nullptr) return NotIntrospectionValue("__Type");
  return TypeView{named->kind, "", named};
}

Result<const Field*> ViewField(const Schema& schema, const Json& parent) {
  const std::string* type_name = Member(parent, "$type");
  const std::string* field_name = Member(parent, "$field");
  const Type* type = type_name == nullptr ? nullptr : schema.Find(*type_name);
  const Field* field =
      type == nullptr || field_name == nullptr ? nullptr : type->FindField(*field_name);
  if (field == nullptr) return NotIntrospectionValue("__Field");
  return field;
}

Result<const DirectiveType*> ViewDirective(const Schema& schema, const Json& parent) {
  const std::string* name = Member(parent, "$directive");
  const DirectiveType* directive = name == nullptr ? nullptr : schema.FindDirective(*name);
  if (directive == nullptr) return NotIntrospectionValue("__Directive");
  return directive;
}

Result<const InputValue*> ViewInputValue(const Schema& schema, const Json& parent) {
  const std::string* arg = Member(parent, "$arg");
  const InputValue* value = nullptr;
  if (Member(parent, "$directive") != nullptr) {
    ASSIGN_OR_RETURN(const DirectiveType* directive, ViewDirective(schema, parent));
    auto it = std::find_if(directive->arguments.begin(), directive->arguments.end(),
                           [&](const InputValue& v) { return arg != nullptr && v.name == *arg; });
    if (it != directive->arguments.end()) value = &*it;
  } else if (const std::string* input_field = Member(parent, "$inputField")) {
    const std::string* type_name = Member(parent, "$type");
    const Type* type = type_name == nullptr ? nullptr : schema.Find(*type_name);
    if (type != nullptr) value = type->FindInputField(*input_field);
  } else if (arg != nullptr) {
    ASSIGN_OR_RETURN(const Field* field, ViewField(schema, parent));
    value = field->FindArgument(*arg);
  }
  if (value == nullptr) return NotIntrospectionValue("__InputValue");
  return value;
}

Result<const EnumValue*> ViewEnumValue(const Schema& schema, const Json& parent) {
  const std::string* type_name = Member(parent, "$type");
  const std::string* value_name = Member(parent, "$enumValue");
  const Type* type = type_name == nullptr ? nullptr : schema.Find(*type_name);
  const EnumValue* value =
      type == nullptr || value_name == nullptr ? nullptr : type->FindEnumValue(*value_name);
  if (value == nullptr) return NotIntrospectionValue("__EnumValue");
  return value;
}

// The __InputValue list of arguments: `base` (a __Field or __Directive value) plus "$arg".
Json ArgumentValues(const std::vector<InputValue>& arguments, const Json& base,
                    bool include_deprecated) {
  Json list = Json::array();
  for (const InputValue& argument : arguments) {
    if (argument.deprecated && !include_deprecated) continue;
    Json value = base;
    value["$arg"] = argument.name;
    list.push_back(std::move(value));
  }
  return list;
}

// ---- Resolvers --------------------------------------------------------------------------------

// Binds `getters` to the fields of `type_name`; each resolver first turns its parent into a T
// with `view`, then asks the getter.
template <typename T>
using View = Result<T> (*)(const Schema&, const Json&);
template <typename T>
using Getter = std::function<Json(const T&, const ResolveInfo&)>;

template <typename T>
Status BindType(Schema& schema, std::string_view type_name, View<T> view,
                std::vector<std::pair<std::string_view, Getter<T>>> getters) {
  const Schema* owner = &schema;
  for (auto& [field, getter] : getters) {
    Resolver resolver = [owner, view,
                         getter = std::move(getter)](const ResolveInfo& info) -> Result<Json> {
      ASSIGN_OR_RETURN(T subject, view(*owner, info.parent));
      return getter(subject, info);
    };
    RETURN_IF_ERROR(schema.BindResolver(type_name, field, std::move(resolver)));
  }
  return Status::Ok();
}

Result<const Schema*> ViewSchema(const Schema& schema, const Json&) { return &schema; }

Status BindSchemaType(Schema& schema) {
  using S = const Schema*;
  return BindType<S>(
      schema, "__Schema", ViewSchema,
      {
          {"description", [](S s, const ResolveInfo&) { return OrNull(s->description()); }},
          {"types",
           [](S s, const ResolveInfo&) {
             Json list = Json::array();
             for (const Type* type : s->types()) list.push_back(TypeValue(*type));
             return list;
           }},
          {"queryType", [](S s, const ResolveInfo&) { return TypeValue(*s->query_type()); }},
          {"mutationType",
           [](S s, const ResolveInfo&) {
             return s->mutation_type() ? TypeValue(*s->mutation_type()) : Json(nullptr);
           }},
          {"subscriptionType", [](S, const ResolveInfo&) { return Json(nullptr); }},
          {"directives",
           [](S s, const ResolveInfo&) {
             Json list = Json::array();
             for (const DirectiveType& d : s->directives())
               list.push_back(Json::object({{"$directive", d.name}}));
             return list;
           }},
      });
}

Json FieldValues(const Type& type, bool include_deprecated) {
  Json list = Json::array();
  for (const Field& field : type.fields) {
    if (field.deprecated && !include_deprecated) continue;
    list.push_back(Json::object({{"$type", type.name}, {"$field", field.name}}));
  }
  return list;
}

Json EnumValueValues(const Type& type, bool include_deprecated) {
  Json list = Json::array();
  for (const EnumValue& value : type.enum_values) {
    if (value.deprecated && !include_deprecated) continue;
    list.push_back(Json::object({{"$type", type.name}, {"$enumValue", value.name}}));
  }
  return list;
}

Json InputFieldValues(const Type& type, bool include_deprecated) {
  Json list = Json::array();
  for (const InputValue& field : type.input_fields) {
    if (field.deprecated && !include_deprecated) continue;
    list.push_back(Json::object({{"$type", type.name}, {"$inputField", field.name}}));
  }
  return list;
}

Status BindTypeType(Schema& schema) {
  using V = TypeView;
  auto of_kind = [](const V& v, TypeKind kind) { return v.named != nullptr && v.kind == kind; };
  return BindType<V>(
      schema, "__Type", ViewType,
      {
          {"kind", [](const V& v, const ResolveInfo&) { return Json(TypeKindName(v.kind)); }},
          {"name",
           [](const V& v, const ResolveInfo&) {
             return v.named ? Json(v.named->name) : Json(nullptr);
           }},
          {"description",
           [](const V& v, const ResolveInfo&) {
             return v.named ? OrNull(v.named->description) : Json(nullptr);
           }},
          {"specifiedByURL",
           [](const V& v, const ResolveInfo&) {
             return v.named ? OrNull(v.named->specified_by_url) : Json(nullptr);
           }},
          {"fields",
           [of_kind](const V& v, const ResolveInfo& info) {
             if (!of_kind(v, TypeKind::kObject)) return Json(nullptr);
             return FieldValues(*v.named, IncludeDeprecated(info));
           }},
          {"interfaces",
           [of_kind](const V& v, const ResolveInfo&) {
             return of_kind(v, TypeKind::kObject) ? Json::array() : Json(nullptr);
           }},
          {"possibleTypes", [](const V&, const ResolveInfo&) { return Json(nullptr); }},
          {"enumValues",
           [of_kind](const V& v, const ResolveInfo& info) {
             if (!of_kind(v, TypeKind::kEnum)) return Json(nullptr);
             return EnumValueValues(*v.named, IncludeDeprecated(info));
           }},
          {"inputFields",
           [of_kind](const V& v, const ResolveInfo& info) {
             if (!of_kind(v, TypeKind::kInputObject)) return Json(nullptr);
             return InputFieldValues(*v.named, IncludeDeprecated(info));
           }},
          {"ofType",
           [](const V& v, const ResolveInfo&) {
             return v.named ? Json(nullptr) : Json::object({{"$type", v.of_type}});
           }},
      });
}

Status BindFieldType(Schema& schema) {
  using F = const Field*;
  return BindType<F>(
      schema, "__Field", ViewField,
      {
          {"name", [](F f, const ResolveInfo&) { return Json(f->name); }},
          {"description", [](F f, const ResolveInfo&) { return OrNull(f->description); }},
          {"args",
           [](F f, const ResolveInfo& info) {
             return ArgumentValues(f->arguments, info.parent, IncludeDeprecated(info));
           }},
          {"type", [](F f, const ResolveInfo&) { return TypeValue(*f->type); }},
          {"isDeprecated", [](F f, const ResolveInfo&) { return Json(f->deprecated); }},
          {"deprecationReason",
           [](F f, const ResolveInfo&) {
             return DeprecationReason(f->deprecated, f->deprecation_reason);
           }},
      });
}

Status BindInputValueType(Schema& schema) {
  using I = const InputValue*;
  return BindType<I>(
      schema, "__InputValue", ViewInputValue,
      {
          {"name", [](I v, const ResolveInfo&) { return Json(v->name); }},
          {"description", [](I v, const ResolveInfo&) { return OrNull(v->description); }},
          {"type", [](I v, const ResolveInfo&) { return TypeValue(*v->type); }},
          {"defaultValue",
           [](I v, const ResolveInfo&) {
             return v->default_value ? Json(v->default_value_literal) : Json(nullptr);
           }},
          {"isDeprecated", [](I v, const ResolveInfo&) { return Json(v->deprecated); }},
          {"deprecationReason",
           [](I v, const ResolveInfo&) {
             return DeprecationReason(v->deprecated, v->deprecation_reason);
           }},
      });
}

Status BindEnumValueType(Schema& schema) {
  using E = const EnumValue*;
  return BindType<E>(
      schema, "__EnumValue", ViewEnumValue,
      {
          {"name", [](E v, const ResolveInfo&) { return Json(v->name); }},
          {"description", [](E v, const ResolveInfo&) { return OrNull(v->description); }},
          {"isDeprecated", [](E v, const ResolveInfo&) { return Json(v->deprecated); }},
          {"deprecationReason",
           [](E v, const ResolveInfo&) {
             return DeprecationReason(v->deprecated, v->deprecation_reason);
           }},
      });
}

Status BindDirectiveType(Schema& schema) {
  using D = const DirectiveType*;
  return BindType<D>(
      schema, "__Directive", ViewDirective,
      {
          {"name", [](D d, const ResolveInfo&) { return Json(d->name); }},
          {"description", [](D d, const ResolveInfo&) { return OrNull(d->description); }},
          {"isRepeatable", [](D d, const ResolveInfo&) { return Json(d->repeatable); }},
          {"locations", [](D d, const ResolveInfo&) { return Json(d->locations); }},
          {"args",
           [](D d, const ResolveInfo& info) {
             return ArgumentValues(d->arguments, info.parent, IncludeDeprecated(info));
           }},
      });
}

// ---- Default values in GraphQL syntax ---------------------------------------------------------

// A Float as graphql-core prints it in a default value: Python's repr without a trailing ".0".
std::string FloatText(double number) {
  std::string text = FormatPythonFloat(number);
  if (text.ends_with(".0")) text.resize(text.size() - 2);
  return text;
}

Value Literal(ValueKind kind, std::string text = "") {
  Value value;
  value.kind = kind;
  value.text = std::move(text);
  return value;
}

bool IsIntegerText(const std::string& text) {
  size_t i = !text.empty() && text[0] == '-' ? 1 : 0;
  if (i == text.size()) return false;
  if (text[i] == '0') return i + 1 == text.size();
  return std::all_of(text.begin() + i, text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Any JSON value as a literal: what a custom scalar's default prints as.
Value UntypedLiteral(const Json& value) {
  switch (value.type()) {
    case Json::value_t::boolean: {
      Value literal = Literal(ValueKind::kBoolean);
      literal.boolean = value.get<bool>();
      return literal;
    }
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
      return Literal(ValueKind::kInt, value.dump());
    case Json::value_t::number_float: {
      std::string text = FloatText(value.get<double>());
      return Literal(IsIntegerText(text) ? ValueKind::kInt : ValueKind::kFloat, text);
    }
    case Json::value_t::string:
      return Literal(ValueKind::kString, value.get<std::string>());
    case Json::value_t::array: {
      Value literal = Literal(ValueKind::kList);
      for (const Json& item : value) literal.list.push_back(UntypedLiteral(item));
      return literal;
    }
    case Json::value_t::object: {
      Value literal = Literal(ValueKind::kObject);
      for (const auto& [name, member] : value.items()) {
        literal.fields.push_back(ObjectField{name, UntypedLiteral(member), {}});
      }
      return literal;
    }
    default:
      return Literal(ValueKind::kNull);
  }
}

Value LeafLiteral(const Type& type, const Json& value) {
  if (type.kind == TypeKind::kEnum && value.is_string()) {
    return Literal(ValueKind::kEnum, value.get<std::string>());
  }
  if (type.name == "ID" && value.is_string() && IsIntegerText(value.get<std::string>())) {
    return Literal(ValueKind::kInt, value.get<std::string>());
  }
  return UntypedLiteral(value);
}

// graphql-js's astFromValue: the literal that coerces to `value`.
Value ToLiteral(const Type& type, const Json& value) {
  if (type.kind == TypeKind::kNonNull) return ToLiteral(*type.of_type, value);
  if (value.is_null()) return Literal(ValueKind::kNull);
  if (type.kind == TypeKind::kList) {
    if (!value.is_array()) return ToLiteral(*type.of_type, value);
    Value literal = Literal(ValueKind::kList);
    for (const Json& item : value) literal.list.push_back(ToLiteral(*type.of_type, item));
    return literal;
  }
  if (type.kind == TypeKind::kInputObject && value.is_object()) {
    Value literal = Literal(ValueKind::kObject);
    for (const InputValue& field : type.input_fields) {
      auto it = value.find(field.name);
      if (it == value.end()) continue;
      literal.fields.push_back(ObjectField{field.name, ToLiteral(*field.type, *it), {}});
    }
    return literal;
  }
  return LeafLiteral(type, value);
}

}  // namespace

std::string_view PreludeSdl() { return kPrelude; }

std::string_view BuiltinScalarDescription(std::string_view name) {
  for (const BuiltinScalar& scalar : kBuiltinScalars) {
    if (scalar.name == name) return scalar.description;
  }
  return {};
}

Status BindResolvers(Schema& schema) {
  RETURN_IF_ERROR(BindSchemaType(schema));
  RETURN_IF_ERROR(BindTypeType(schema));
  RETURN_IF_ERROR(BindFieldType(schema));
  RETURN_IF_ERROR(BindInputValueType(schema));
  RETURN_IF_ERROR(BindEnumValueType(schema));
  return BindDirectiveType(schema);
}

MetaFields MakeMetaFields(const Schema& schema) {
  const Schema* owner = &schema;
  MetaFields meta;
  meta.typename_field.name = "__typename";
  meta.typename_field.description = "The name of the current Object type at runtime.";
  meta.typename_field.type = schema.NonNullOf(schema.Find("String"));
  meta.typename_field.resolver = [](const ResolveInfo& info) -> Result<Json> {
    return Json(info.parent_type.name);
  };

  meta.schema_field.name = "__schema";
  meta.schema_field.description = "Access the current type schema of this server.";
  meta.schema_field.type = schema.NonNullOf(schema.Find("__Schema"));
  meta.schema_field.resolver = [](const ResolveInfo&) -> Result<Json> { return Json::object(); };

  meta.type_field.name = "__type";
  meta.type_field.description = "Request the type information of a single type.";
  meta.type_field.type = schema.Find("__Type");
  InputValue name_argument;
  name_argument.name = "name";
  name_argument.type = schema.NonNullOf(schema.Find("String"));
  meta.type_field.arguments.push_back(std::move(name_argument));
  meta.type_field.resolver = [owner](const ResolveInfo& info) -> Result<Json> {
    const std::string* name = Member(info.args, "name");
    const Type* type = name == nullptr ? nullptr : owner->Find(*name);
    return type == nullptr ? Json(nullptr) : TypeValue(*type);
  };
  return meta;
}

std::string PrintDefaultValue(const Type& type, const Json& value) {
  return PrintValue(ToLiteral(type, value));
}

Json TypeValue(const Type& type) { return Json::object({{"$type", type.ToString()}}); }

}  // namespace de::graphql::introspection
