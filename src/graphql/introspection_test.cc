#include "graphql/introspection.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "graphql/executor.h"
#include "graphql/parser.h"
#include "graphql/schema.h"
#include "graphql/schema_test_sdl.h"

namespace de::graphql {
namespace {

// The full introspection query of graphql-js/graphql-core with every option on (descriptions,
// specifiedByURL, isRepeatable, schema description, input value deprecation): what GraphiQL
// sends.
constexpr std::string_view kIntrospectionQuery = R"graphql(
query IntrospectionQuery {
  __schema {
    description
    queryType { name }
    mutationType { name }
    subscriptionType { name }
    types {
      ...FullType
    }
    directives {
      name
      description
      isRepeatable
      locations
      args(includeDeprecated: true) {
        ...InputValue
      }
    }
  }
}

fragment FullType on __Type {
  kind
  name
  description
  specifiedByURL

  fields(includeDeprecated: true) {
    name
    description
    args(includeDeprecated: true) {
      ...InputValue
    }
    type {
      ...TypeRef
    }
    isDeprecated
    deprecationReason
  }
  inputFields(includeDeprecated: true) {
    ...InputValue
  }
  interfaces {
    ...TypeRef
  }
  enumValues(includeDeprecated: true) {
    name
    description
    isDeprecated
    deprecationReason
  }
  possibleTypes {
    ...TypeRef
  }
}

fragment InputValue on __InputValue {
  name
  description
  type { ...TypeRef }
  defaultValue
  isDeprecated
  deprecationReason
}

fragment TypeRef on __Type {
  kind
  name
  ofType {
    kind
    name
    ofType {
      kind
      name
      ofType {
        kind
        name
        ofType {
          kind
          name
          ofType {
            kind
            name
            ofType {
              kind
              name
              ofType {
                kind
                name
                ofType {
                  kind
                  name
                  ofType {
                    kind
                    name
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}
)graphql";

// Calls resolvers the way the executor does, enough for introspection documents: fields with
// literal arguments (missing ones take their defaults), fragment spreads and inline fragments,
// lists, non-null and leaves. Stops the test at the first resolver error.
class MiniExecutor {
 public:
  MiniExecutor(const Schema& schema, const Document& document) : schema_(schema) {
    for (const FragmentDefinition& fragment : document.fragments) {
      fragments_[fragment.name] = &fragment;
    }
  }

  Json SelectObject(const Type& type, const Json& parent, const std::vector<Selection>& set) {
    Json out = Json::object();
    Collect(type, parent, set, out);
    return out;
  }

 private:
  void Collect(const Type& type, const Json& parent, const std::vector<Selection>& set, Json& out) {
    for (const Selection& selection : set) {
      if (selection.kind == SelectionKind::kField) {
        out[selection.ResponseKey()] = ResolveField(type, parent, selection);
      } else if (selection.kind == SelectionKind::kFragmentSpread) {
        Collect(type, parent, fragments_.at(selection.name)->selection_set, out);
      } else {
        Collect(type, parent, selection.selection_set, out);
      }
    }
  }

  Json ResolveField(const Type& type, const Json& parent, const Selection& selection) {
    const Field* field = schema_.MetaField(type, selection.name);
    if (field == nullptr) field = type.FindField(selection.name);
    EXPECT_NE(field, nullptr) << type.name << "." << selection.name;
    if (field == nullptr) return nullptr;
    Json args = Json::object();
    for (const InputValue& def : field->arguments) {
      for (const Argument& given : selection.arguments) {
        if (given.name == def.name) {
          args[def.name] = *CoerceLiteral(*def.type, given.value, Json::object(), nullptr);
        }
      }
      if (!args.contains(def.name) && def.default_value) args[def.name] = *def.default_value;
    }
    std::any context;
    ResolveInfo info{parent, args, field->name, type, context};
    EXPECT_TRUE(field->resolver) << type.name << "." << field->name;
    if (!field->resolver) return nullptr;
    Result<Json> value = field->resolver(info);
    EXPECT_TRUE(value.ok()) << type.name << "." << field->name << ": " << value.status().ToString();
    if (!value.ok()) return nullptr;
    return Complete(*field->type, *value, selection.selection_set);
  }

  Json Complete(const Type& type, const Json& value, const std::vector<Selection>& set) {
    if (type.kind == TypeKind::kNonNull) {
      EXPECT_FALSE(value.is_null()) << "null for " << type.ToString();
      return Complete(*type.of_type, value, set);
    }
    if (value.is_null()) return nullptr;
    if (type.kind == TypeKind::kList) {
      Json out = Json::array();
      for (const Json& item : value) out.push_back(Complete(*type.of_type, item, set));
      return out;
    }
    if (type.IsLeaf()) return value;
    return SelectObject(type, value, set);
  }

  const Schema& schema_;
  std::map<std::string, const FragmentDefinition*> fragments_;
};

class IntrospectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto built = BuildSchema(testing::kSampleSdl);
    ASSERT_TRUE(built.ok()) << built.status().ToString();
    schema_ = std::move(built).value();
  }

  // Runs `query` (a document with one operation) against the query type.
  Json Run(std::string_view query) {
    ParseResult parsed = Parse(query, ParseOptions{0, 0});
    EXPECT_TRUE(parsed.ok) << parsed.error.message;
    if (!parsed.ok) return nullptr;
    MiniExecutor executor(*schema_, parsed.document);
    return executor.SelectObject(*schema_->query_type(), Json::object(),
                                 parsed.document.operations.front().selection_set);
  }

  // Calls the resolver of `type_name`.`field` directly.
  Result<Json> Call(std::string_view type_name, std::string_view field, const Json& parent,
                    const Json& args = Json::object()) {
    const Type* type = schema_->Find(type_name);
    EXPECT_NE(type, nullptr);
    const Field* target = schema_->MetaField(*type, field);
    if (target == nullptr) target = type->FindField(field);
    EXPECT_NE(target, nullptr) << type_name << "." << field;
    std::any context;
    ResolveInfo info{parent, args, field, *type, context};
    return target->resolver(info);
  }

  std::unique_ptr<Schema> schema_;
};

// ---- The introspection types themselves -------------------------------------------------------

std::string Describe(const Type& type) {
  std::string out = type.name + ": " + TypeKindName(type.kind);
  for (const EnumValue& value : type.enum_values) out += " " + value.name;
  for (size_t i = 0; i < type.fields.size(); ++i) {
    const Field& field = type.fields[i];
    out += (i ? " | " : " ") + field.name;
    if (!field.arguments.empty()) {
      const InputValue& arg = field.arguments[0];
      out += "(" + arg.name + ": " + arg.type->ToString() + " = " + arg.default_value_literal + ")";
    }
    out += ": " + field.type->ToString();
  }
  return out;
}

TEST_F(IntrospectionTest, TypesAreTheSpecificationsAsGraphqlCoreHasThem) {
  // Generated from graphql-core 3.2's introspection_types, without isOneOf (not in Oct 2021).
  const std::vector<std::string> expected = {
      "__Schema: OBJECT description: String | types: [__Type!]! | queryType: __Type! | "
      "mutationType: __Type | subscriptionType: __Type | directives: [__Directive!]!",
      "__Type: OBJECT kind: __TypeKind! | name: String | description: String | specifiedByURL: "
      "String | fields(includeDeprecated: Boolean = false): [__Field!] | interfaces: [__Type!] | "
      "possibleTypes: [__Type!] | enumValues(includeDeprecated: Boolean = false): "
      "[__EnumValue!] | inputFields(includeDeprecated: Boolean = false): [__InputValue!] | "
      "ofType: __Type",
      "__TypeKind: ENUM SCALAR OBJECT INTERFACE UNION ENUM INPUT_OBJECT LIST NON_NULL",
      "__Field: OBJECT name: String! | description: String | args(includeDeprecated: Boolean = "
      "false): [__InputValue!]! | type: __Type! | isDeprecated: Boolean! | deprecationReason: "
      "String",
      "__InputValue: OBJECT name: String! | description: String | type: __Type! | defaultValue: "
      "String | isDeprecated: Boolean! | deprecationReason: String",
      "__EnumValue: OBJECT name: String! | description: String | isDeprecated: Boolean! | "
      "deprecationReason: String",
      "__Directive: OBJECT name: String! | description: String | isRepeatable: Boolean! | "
      "locations: [__DirectiveLocation!]! | args(includeDeprecated: Boolean = false): "
      "[__InputValue!]!",
      "__DirectiveLocation: ENUM QUERY MUTATION SUBSCRIPTION FIELD FRAGMENT_DEFINITION "
      "FRAGMENT_SPREAD INLINE_FRAGMENT VARIABLE_DEFINITION SCHEMA SCALAR OBJECT FIELD_DEFINITION "
      "ARGUMENT_DEFINITION INTERFACE UNION ENUM ENUM_VALUE INPUT_OBJECT INPUT_FIELD_DEFINITION",
  };
  std::vector<std::string> actual;
  for (const Type* type : schema_->types()) {
    if (type->name.starts_with("__")) actual.push_back(Describe(*type));
  }
  EXPECT_EQ(actual, expected);
}

TEST_F(IntrospectionTest, DescriptionsOfTheIntrospectionTypes) {
  EXPECT_EQ(schema_->Find("__Schema")->description,
            "A GraphQL Schema defines the capabilities of a GraphQL server. It exposes all "
            "available types and directives on the server, as well as the entry points for "
            "query, mutation, and subscription operations.");
  const std::string& type_description = schema_->Find("__Type")->description;
  EXPECT_TRUE(type_description.starts_with(
      "The fundamental unit of any GraphQL Schema is the type. There are many kinds of types in "
      "GraphQL as represented by the `__TypeKind` enum.\n\nDepending on the kind of a type,"))
      << type_description;
  EXPECT_EQ(schema_->Find("__Schema")->FindField("types")->description,
            "A list of all types supported by this server.");
  EXPECT_EQ(schema_->Find("__InputValue")->FindField("defaultValue")->description,
            "A GraphQL-formatted string representing the default value for this input value.");
  EXPECT_EQ(schema_->Find("__TypeKind")->FindEnumValue("LIST")->description,
            "Indicates this type is a list. `ofType` is a valid field.");
  EXPECT_EQ(schema_->Find("__DirectiveLocation")->FindEnumValue("QUERY")->description,
            "Location adjacent to a query operation.");
}

TEST_F(IntrospectionTest, EveryIntrospectionFieldHasAResolver) {
  for (const Type* type : schema_->types()) {
    if (!type->name.starts_with("__")) continue;
    for (const Field& field : type->fields) {
      EXPECT_TRUE(field.resolver) << type->name << "." << field.name;
    }
  }
}

// ---- Resolvers, called directly ---------------------------------------------------------------

Json Ref(std::initializer_list<std::pair<const char*, const char*>> members) {
  Json out = Json::object();
  for (const auto& [key, value] : members) out[key] = value;
  return out;
}

TEST_F(IntrospectionTest, SchemaFields) {
  auto root = Call("Root", "__schema", nullptr);
  ASSERT_TRUE(root.ok());
  EXPECT_EQ(*root, Json::object());
  EXPECT_EQ(*Call("__Schema", "description", *root), Json("The API's schema.\n  Indented line."));
  EXPECT_EQ(*Call("__Schema", "queryType", *root), Ref({{"$type", "Root"}}));
  EXPECT_EQ(*Call("__Schema", "mutationType", *root), Ref({{"$type", "Changes"}}));
  EXPECT_EQ(*Call("__Schema", "subscriptionType", *root), Json(nullptr));
  Json types = *Call("__Schema", "types", *root);
  ASSERT_EQ(types.size(), 21u);
  EXPECT_EQ(types[0], Ref({{"$type", "JSON"}}));
  EXPECT_EQ(types[20], Ref({{"$type", "__DirectiveLocation"}}));
  Json directives = *Call("__Schema", "directives", *root);
  EXPECT_EQ(directives.dump(),
            R"([{"$directive":"cost"},{"$directive":"include"},{"$directive":"skip"},)"
            R"({"$directive":"deprecated"},{"$directive":"specifiedBy"}])");
}

TEST_F(IntrospectionTest, SchemaDescriptionIsNullWithoutOne) {
  auto built = BuildSchema("type Query { a: Int }");
  ASSERT_TRUE(built.ok());
  const Schema& schema = **built;
  std::any context;
  Json parent = Json::object();
  Json args = Json::object();
  ResolveInfo info{parent, args, "description", *schema.Find("__Schema"), context};
  auto description = schema.Find("__Schema")->FindField("description")->resolver(info);
  ASSERT_TRUE(description.ok());
  EXPECT_EQ(*description, Json(nullptr));
  auto mutation = schema.Find("__Schema")->FindField("mutationType")->resolver(info);
  EXPECT_EQ(*mutation, Json(nullptr));
}

TEST_F(IntrospectionTest, TypeMetaField) {
  EXPECT_EQ(*Call("Root", "__type", nullptr, {{"name", "Status"}}), Ref({{"$type", "Status"}}));
  EXPECT_EQ(*Call("Root", "__type", nullptr, {{"name", "__Directive"}}),
            Ref({{"$type", "__Directive"}}));
  EXPECT_EQ(*Call("Root", "__type", nullptr, {{"name", "Nope"}}), Json(nullptr));
  EXPECT_EQ(*Call("Root", "__type", nullptr, {{"name", "[Int]"}}), Json(nullptr));
  EXPECT_EQ(*Call("Root", "__typename", nullptr), Json("Root"));
}

TEST_F(IntrospectionTest, NamedTypeFields) {
  Json root = Ref({{"$type", "Root"}});
  EXPECT_EQ(*Call("__Type", "kind", root), Json("OBJECT"));
  EXPECT_EQ(*Call("__Type", "name", root), Json("Root"));
  EXPECT_EQ(*Call("__Type", "description", root), Json("The root query."));
  EXPECT_EQ(*Call("__Type", "specifiedByURL", root), Json(nullptr));
  EXPECT_EQ(*Call("__Type", "interfaces", root), Json::array());
  EXPECT_EQ(*Call("__Type", "possibleTypes", root), Json(nullptr));
  EXPECT_EQ(*Call("__Type", "enumValues", root), Json(nullptr));
  EXPECT_EQ(*Call("__Type", "inputFields", root), Json(nullptr));
  EXPECT_EQ(*Call("__Type", "ofType", root), Json(nullptr));
  EXPECT_EQ(Call("__Type", "fields", root)->dump(),
            R"([{"$type":"Root","$field":"request"},{"$type":"Root","$field":"requests"},)"
            R"({"$type":"Root","$field":"json"}])");
  EXPECT_EQ(Call("__Type", "fields", root, {{"includeDeprecated", false}})->size(), 3u);
  EXPECT_EQ(Call("__Type", "fields", root, {{"includeDeprecated", true}})->size(), 4u);

  Json request = Ref({{"$type", "Request"}});
  EXPECT_EQ(*Call("__Type", "description", request), Json(nullptr));

  Json json = Ref({{"$type", "JSON"}});
  EXPECT_EQ(*Call("__Type", "kind", json), Json("SCALAR"));
  EXPECT_EQ(*Call("__Type", "specifiedByURL", json),
            Json("https://www.rfc-editor.org/rfc/rfc8259"));
  EXPECT_EQ(*Call("__Type", "fields", json), Json(nullptr));
  EXPECT_EQ(*Call("__Type", "interfaces", json), Json(nullptr));
  EXPECT_EQ(*Call("__Type", "specifiedByURL", Ref({{"$type", "Int"}})), Json(nullptr));
}

TEST_F(IntrospectionTest, EnumAndInputObjectTypeFields) {
  Json status = Ref({{"$type", "Status"}});
  EXPECT_EQ(*Call("__Type", "kind", status), Json("ENUM"));
  EXPECT_EQ(Call("__Type", "enumValues", status)->dump(),
            R"([{"$type":"Status","$enumValue":"IN_PROGRESS"},)"
            R"({"$type":"Status","$enumValue":"COMPLETED"},)"
            R"({"$type":"Status","$enumValue":"FAILED"}])");
  EXPECT_EQ(Call("__Type", "enumValues", status, {{"includeDeprecated", true}})->size(), 5u);
  EXPECT_EQ(*Call("__Type", "fields", status), Json(nullptr));

  Json range = Ref({{"$type", "Range"}});
  EXPECT_EQ(*Call("__Type", "kind", range), Json("INPUT_OBJECT"));
  Json fields = *Call("__Type", "inputFields", range);
  ASSERT_EQ(fields.size(), 5u);  // without the deprecated "legacy"
  EXPECT_EQ(fields[4], Ref({{"$type", "Range"}, {"$inputField", "step"}}));
  EXPECT_EQ(Call("__Type", "inputFields", range, {{"includeDeprecated", true}})->size(), 6u);
  EXPECT_EQ(Call("__Type", "inputFields", range, {{"includeDeprecated", nullptr}})->size(), 5u);
  EXPECT_EQ(*Call("__Type", "interfaces", range), Json(nullptr));
}

TEST_F(IntrospectionTest, WrapperTypes) {
  Json outer = Ref({{"$type", "[Request!]!"}});
  EXPECT_EQ(*Call("__Type", "kind", outer), Json("NON_NULL"));
  EXPECT_EQ(*Call("__Type", "name", outer), Json(nullptr));
  EXPECT_EQ(*Call("__Type", "description", outer), Json(nullptr));
  EXPECT_EQ(*Call("__Type", "fields", outer), Json(nullptr));
  EXPECT_EQ(*Call("__Type", "interfaces", outer), Json(nullptr));
  Json list = *Call("__Type", "ofType", outer);
  EXPECT_EQ(list, Ref({{"$type", "[Request!]"}}));
  EXPECT_EQ(*Call("__Type", "kind", list), Json("LIST"));
  Json item = *Call("__Type", "ofType", list);
  EXPECT_EQ(*Call("__Type", "kind", item), Json("NON_NULL"));
  Json named = *Call("__Type", "ofType", item);
  EXPECT_EQ(named, Ref({{"$type", "Request"}}));
  EXPECT_EQ(*Call("__Type", "kind", named), Json("OBJECT"));
}

TEST_F(IntrospectionTest, FieldFields) {
  Json request = Ref({{"$type", "Root"}, {"$field", "request"}});
  EXPECT_EQ(*Call("__Field", "name", request), Json("request"));
  EXPECT_EQ(*Call("__Field", "description", request), Json("Looks up one request."));
  EXPECT_EQ(*Call("__Field", "type", request), Ref({{"$type", "Request"}}));
  EXPECT_EQ(*Call("__Field", "isDeprecated", request), Json(false));
  EXPECT_EQ(*Call("__Field", "deprecationReason", request), Json(nullptr));
  EXPECT_EQ(Call("__Field", "args", request)->dump(),
            R"([{"$type":"Root","$field":"request","$arg":"id"},)"
            R"({"$type":"Root","$field":"request","$arg":"filter"}])");
  EXPECT_EQ(Call("__Field", "args", request, {{"includeDeprecated", true}})->size(), 3u);

  Json legacy = Ref({{"$type", "Root"}, {"$field", "legacy"}});
  EXPECT_EQ(*Call("__Field", "description", legacy), Json(nullptr));
  EXPECT_EQ(*Call("__Field", "isDeprecated", legacy), Json(true));
  EXPECT_EQ(*Call("__Field", "deprecationReason", legacy), Json("No longer supported"));
  EXPECT_EQ(*Call("__Field", "args", legacy), Json::array());

  Json requests = Ref({{"$type", "Root"}, {"$field", "requests"}});
  EXPECT_EQ(*Call("__Field", "type", requests), Ref({{"$type", "[Request!]!"}}));
}

TEST_F(IntrospectionTest, InputValueFields) {
  Json filter = Ref({{"$type", "Root"}, {"$field", "request"}, {"$arg", "filter"}});
  EXPECT_EQ(*Call("__InputValue", "name", filter), Json("filter"));
  EXPECT_EQ(*Call("__InputValue", "description", filter), Json(nullptr));
  EXPECT_EQ(*Call("__InputValue", "type", filter), Ref({{"$type", "Filter"}}));
  EXPECT_EQ(*Call("__InputValue", "defaultValue", filter),
            Json("{range: {start: 5, end: 86400, unit: IN_PROGRESS, tags: [\"x\"], step: -1}, "
                 "ids: [1, \"b\"], ratio: 2}"));
  EXPECT_EQ(*Call("__InputValue", "isDeprecated", filter), Json(false));
  EXPECT_EQ(*Call("__InputValue", "deprecationReason", filter), Json(nullptr));

  Json id = Ref({{"$type", "Root"}, {"$field", "request"}, {"$arg", "id"}});
  EXPECT_EQ(*Call("__InputValue", "defaultValue", id), Json(nullptr));
  EXPECT_EQ(*Call("__InputValue", "type", id), Ref({{"$type", "ID!"}}));

  Json old = Ref({{"$type", "Root"}, {"$field", "request"}, {"$arg", "old"}});
  EXPECT_EQ(*Call("__InputValue", "isDeprecated", old), Json(true));
  EXPECT_EQ(*Call("__InputValue", "deprecationReason", old), Json("No longer supported"));

  Json legacy = Ref({{"$type", "Range"}, {"$inputField", "legacy"}});
  EXPECT_EQ(*Call("__InputValue", "name", legacy), Json("legacy"));
  EXPECT_EQ(*Call("__InputValue", "deprecationReason", legacy), Json("gone"));
  Json unit = Ref({{"$type", "Range"}, {"$inputField", "unit"}});
  EXPECT_EQ(*Call("__InputValue", "defaultValue", unit), Json("COMPLETED"));

  Json reason = Ref({{"$directive", "deprecated"}, {"$arg", "reason"}});
  EXPECT_EQ(*Call("__InputValue", "defaultValue", reason), Json("\"No longer supported\""));
  EXPECT_EQ(*Call("__InputValue", "type", reason), Ref({{"$type", "String"}}));
}

TEST_F(IntrospectionTest, EnumValueFields) {
  Json running = Ref({{"$type", "Status"}, {"$enumValue", "IN_PROGRESS"}});
  EXPECT_EQ(*Call("__EnumValue", "name", running), Json("IN_PROGRESS"));
  EXPECT_EQ(*Call("__EnumValue", "description", running), Json("Still running."));
  EXPECT_EQ(*Call("__EnumValue", "isDeprecated", running), Json(false));
  EXPECT_EQ(*Call("__EnumValue", "deprecationReason", running), Json(nullptr));
  Json older = Ref({{"$type", "Status"}, {"$enumValue", "OLDER"}});
  EXPECT_EQ(*Call("__EnumValue", "isDeprecated", older), Json(true));
  EXPECT_EQ(*Call("__EnumValue", "deprecationReason", older), Json("Use COMPLETED."));
}

TEST_F(IntrospectionTest, DirectiveFields) {
  Json cost = Ref({{"$directive", "cost"}});
  EXPECT_EQ(*Call("__Directive", "name", cost), Json("cost"));
  EXPECT_EQ(*Call("__Directive", "description", cost), Json("How much a field costs."));
  EXPECT_EQ(*Call("__Directive", "isRepeatable", cost), Json(true));
  EXPECT_EQ(Call("__Directive", "locations", cost)->dump(), R"(["FIELD_DEFINITION","OBJECT"])");
  EXPECT_EQ(Call("__Directive", "args", cost)->dump(),
            R"([{"$directive":"cost","$arg":"weight"}])");
  Json skip = Ref({{"$directive", "skip"}});
  EXPECT_EQ(*Call("__Directive", "isRepeatable", skip), Json(false));
  EXPECT_EQ(Call("__Directive", "locations", skip)->dump(),
            R"(["FIELD","FRAGMENT_SPREAD","INLINE_FRAGMENT"])");
}

TEST_F(IntrospectionTest, ParentThatIsNotAnIntrospectionValueIsAnInternalError) {
  auto type = Call("__Type", "name", Json::object());
  EXPECT_EQ(type.status().code(), StatusCode::kInternal);
  EXPECT_EQ(type.status().message(), "introspection: the parent value is not a __Type");
  EXPECT_EQ(Call("__Type", "kind", Ref({{"$type", "Nope"}})).status().code(),
            StatusCode::kInternal);
  EXPECT_EQ(Call("__Field", "name", Ref({{"$type", "Root"}, {"$field", "x"}})).status().code(),
            StatusCode::kInternal);
  EXPECT_EQ(
      Call("__InputValue", "name", Ref({{"$directive", "skip"}, {"$arg", "x"}})).status().code(),
      StatusCode::kInternal);
  EXPECT_EQ(Call("__Directive", "name", Json(nullptr)).status().code(), StatusCode::kInternal);
}

// ---- Whole documents --------------------------------------------------------------------------

TEST_F(IntrospectionTest, FullIntrospectionQuery) {
  Json result = Run(kIntrospectionQuery);
  const Json& schema = result["__schema"];
  EXPECT_EQ(schema["description"], Json("The API's schema.\n  Indented line."));
  EXPECT_EQ(schema["queryType"], Json({{"name", "Root"}}));
  EXPECT_EQ(schema["mutationType"], Json({{"name", "Changes"}}));
  EXPECT_EQ(schema["subscriptionType"], Json(nullptr));
  ASSERT_EQ(schema["types"].size(), 21u);
  ASSERT_EQ(schema["directives"].size(), 5u);

  const Json& root = schema["types"][10];
  EXPECT_EQ(root["name"], Json("Root"));
  EXPECT_EQ(root["fields"].size(), 4u);
  EXPECT_EQ(root["fields"][1].dump(),
            R"({"name":"requests","description":null,"args":[)"
            R"({"name":"first","description":null,"type":{"kind":"SCALAR","name":"Int",)"
            R"("ofType":null},"defaultValue":"10","isDeprecated":false,"deprecationReason":null},)"
            R"({"name":"status","description":null,"type":{"kind":"LIST","name":null,"ofType":)"
            R"({"kind":"NON_NULL","name":null,"ofType":{"kind":"ENUM","name":"Status",)"
            R"("ofType":null}}},"defaultValue":"[COMPLETED]","isDeprecated":false,)"
            R"("deprecationReason":null}],"type":{"kind":"NON_NULL","name":null,"ofType":)"
            R"({"kind":"LIST","name":null,"ofType":{"kind":"NON_NULL","name":null,"ofType":)"
            R"({"kind":"OBJECT","name":"Request","ofType":null}}}},"isDeprecated":false,)"
            R"("deprecationReason":null})");
  EXPECT_EQ(root["interfaces"], Json::array());
  EXPECT_EQ(root["inputFields"], Json(nullptr));
  EXPECT_EQ(root["enumValues"], Json(nullptr));
  EXPECT_EQ(root["possibleTypes"], Json(nullptr));

  const Json& include = schema["directives"][1];
  EXPECT_EQ(include.dump(),
            R"({"name":"include","description":"Directs the executor to include this field or )"
            R"(fragment only when the `if` argument is true.","isRepeatable":false,"locations":)"
            R"(["FIELD","FRAGMENT_SPREAD","INLINE_FRAGMENT"],"args":[{"name":"if",)"
            R"("description":"Included when true.","type":{"kind":"NON_NULL","name":null,)"
            R"("ofType":{"kind":"SCALAR","name":"Boolean","ofType":null}},"defaultValue":null,)"
            R"("isDeprecated":false,"deprecationReason":null}]})");
}

TEST_F(IntrospectionTest, TypenameOnIntrospectionObjects) {
  Json result = Run("{ __typename __schema { __typename queryType { __typename name } } }");
  EXPECT_EQ(result.dump(), R"({"__typename":"Root","__schema":{"__typename":"__Schema",)"
                           R"("queryType":{"__typename":"__Type","name":"Root"}}})");
}

// ---- Default values in GraphQL syntax ---------------------------------------------------------

TEST(PrintDefaultValueTest, AsGraphqlCorePrintsThem) {
  auto built = BuildSchema(
      "type Query { a(i: I): Int } input I { b: Int, e: E, f: Float, id: ID, j: J, l: [Int] } "
      "enum E { A } scalar J");
  ASSERT_TRUE(built.ok());
  const Schema& schema = **built;
  const Type& input = *schema.Find("I");
  using introspection::PrintDefaultValue;
  EXPECT_EQ(PrintDefaultValue(input, Json::parse(R"({"l":[1,null],"e":"A","b":3})")),
            "{b: 3, e: A, l: [1, null]}");
  EXPECT_EQ(PrintDefaultValue(*schema.Find("Float"), Json(2.0)), "2");
  EXPECT_EQ(PrintDefaultValue(*schema.Find("Float"), Json(-0.5)), "-0.5");
  EXPECT_EQ(PrintDefaultValue(*schema.Find("Float"), Json(1e100)), "1e+100");
  EXPECT_EQ(PrintDefaultValue(*schema.Find("ID"), Json("12")), "12");
  EXPECT_EQ(PrintDefaultValue(*schema.Find("ID"), Json("012")), "\"012\"");
  EXPECT_EQ(PrintDefaultValue(*schema.Find("ID"), Json("-3")), "-3");
  EXPECT_EQ(PrintDefaultValue(*schema.Find("J"), Json::parse(R"({"x":[true,1.5,"s"]})")),
            "{x: [true, 1.5, \"s\"]}");
  EXPECT_EQ(PrintDefaultValue(*schema.ListOf(schema.Find("Int")), Json(4)), "4");
  EXPECT_EQ(PrintDefaultValue(*schema.NonNullOf(schema.Find("String")), Json("a\nb")), "\"a\\nb\"");
  EXPECT_EQ(PrintDefaultValue(input, Json(nullptr)), "null");
}

}  // namespace
}  // namespace de::graphql
