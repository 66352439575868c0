#include "graphql/schema.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "graphql/schema_test_sdl.h"

namespace de::graphql {
namespace {

std::unique_ptr<Schema> Build(std::string_view sdl) {
  auto schema = BuildSchema(sdl);
  EXPECT_TRUE(schema.ok()) << schema.status().ToString();
  return schema.ok() ? std::move(schema).value() : nullptr;
}

std::string BuildError(std::string_view sdl) {
  auto schema = BuildSchema(sdl);
  if (schema.ok()) return "built";
  EXPECT_EQ(schema.status().code(), StatusCode::kInvalidArgument);
  return schema.status().message();
}

std::vector<std::string> TypeNames(const Schema& schema) {
  std::vector<std::string> names;
  for (const Type* type : schema.types()) names.push_back(type->name);
  return names;
}

// "name(arg: T = default): T" per field, or "name: T = default" per input field.
std::string Signature(const InputValue& value) {
  std::string out = value.name + ": " + value.type->ToString();
  if (value.default_value) out += " = " + value.default_value_literal;
  return out;
}

std::string Signature(const Field& field) {
  std::string out = field.name;
  if (!field.arguments.empty()) {
    out += "(";
    for (size_t i = 0; i < field.arguments.size(); ++i) {
      out += (i ? ", " : "") + Signature(field.arguments[i]);
    }
    out += ")";
  }
  return out + ": " + field.type->ToString();
}

std::vector<std::string> Signatures(const Type& type) {
  std::vector<std::string> out;
  for (const Field& field : type.fields) out.push_back(Signature(field));
  for (const InputValue& field : type.input_fields) out.push_back(Signature(field));
  for (const EnumValue& value : type.enum_values) out.push_back(value.name);
  return out;
}

class SampleSchemaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    schema_ = Build(testing::kSampleSdl);
    ASSERT_NE(schema_, nullptr);
  }
  const Type& Get(std::string_view name) {
    const Type* type = schema_->Find(name);
    EXPECT_NE(type, nullptr) << name;
    return *type;
  }
  std::unique_ptr<Schema> schema_;
};

TEST_F(SampleSchemaTest, RootTypesAndDescriptionComeFromTheSchemaDefinition) {
  EXPECT_EQ(schema_->query_type(), schema_->Find("Root"));
  EXPECT_EQ(schema_->mutation_type(), schema_->Find("Changes"));
  EXPECT_EQ(schema_->description(), "The API's schema.\n  Indented line.");
}

TEST_F(SampleSchemaTest, TypesInGraphqlJsOrderWithOnlyTheBuiltinScalarsInUse) {
  EXPECT_EQ(TypeNames(*schema_),
            (std::vector<std::string>{"JSON",        "Stamp",       "Status",
                                      "Range",       "Int",         "String",
                                      "Boolean",     "Filter",      "ID",
                                      "Float",       "Root",        "Request",
                                      "Changes",     "__Schema",    "__Type",
                                      "__TypeKind",  "__Field",     "__InputValue",
                                      "__EnumValue", "__Directive", "__DirectiveLocation"}));
}

TEST_F(SampleSchemaTest, FieldsArgumentsAndDefaults) {
  EXPECT_EQ(Signatures(Get("Root")),
            (std::vector<std::string>{
                "request(id: ID!, filter: Filter = {range: {start: 5, end: 86400, unit: "
                "IN_PROGRESS, tags: [\"x\"], step: -1}, ids: [1, \"b\"], ratio: 2}, old: Int): "
                "Request",
                "requests(first: Int = 10, status: [Status!] = [COMPLETED]): [Request!]!",
                "legacy: String",
                "json(value: JSON = {a: [1, 2.5, \"x\"], b: null}): JSON",
            }));
  EXPECT_EQ(Signatures(Get("Request")),
            (std::vector<std::string>{"id: ID!", "status: Status!", "progress: Float!",
                                      "stamp: Stamp", "links: [[String!]]"}));
  EXPECT_EQ(
      Signatures(Get("Range")),
      (std::vector<std::string>{"start: Int!", "end: Int = 86400", "unit: Status = COMPLETED",
                                "tags: [String!] = [\"x\"]", "legacy: Boolean", "step: Int = -1"}));
  EXPECT_EQ(Signatures(Get("Status")),
            (std::vector<std::string>{"IN_PROGRESS", "COMPLETED", "OLD", "OLDER", "FAILED"}));
}

TEST_F(SampleSchemaTest, DefaultValuesAreStoredCoerced) {
  const Field* request = Get("Root").FindField("request");
  ASSERT_NE(request, nullptr);
  const InputValue* filter = request->FindArgument("filter");
  ASSERT_NE(filter, nullptr);
  ASSERT_TRUE(filter->default_value.has_value());
  EXPECT_EQ(filter->default_value->dump(),
            R"({"range":{"start":5,"end":86400,"unit":"IN_PROGRESS","tags":["x"],"step":-1},)"
            R"("ids":["1","b"],"ratio":2.0})");
  EXPECT_FALSE(request->FindArgument("id")->default_value.has_value());
  const InputValue* value = Get("Root").FindField("json")->FindArgument("value");
  EXPECT_EQ(value->default_value->dump(), R"({"a":[1,2.5,"x"],"b":null})");
}

TEST_F(SampleSchemaTest, DescriptionsIncludingBlockStrings) {
  EXPECT_EQ(Get("Root").description, "The root query.");
  EXPECT_EQ(Get("JSON").description, "A JSON value.");
  EXPECT_EQ(Get("Request").description, "");
  EXPECT_EQ(Get("Root").FindField("request")->description, "Looks up one request.");
  EXPECT_EQ(Get("Status").FindEnumValue("IN_PROGRESS")->description, "Still running.");
  EXPECT_EQ(Get("Int").description,
            "The `Int` scalar type represents non-fractional signed whole numeric values. Int can "
            "represent values between -(2^31) and 2^31 - 1.");
}

TEST_F(SampleSchemaTest, Deprecation) {
  const Field* legacy = Get("Root").FindField("legacy");
  EXPECT_TRUE(legacy->deprecated);
  EXPECT_EQ(legacy->deprecation_reason, "No longer supported");
  EXPECT_FALSE(Get("Root").FindField("request")->deprecated);
  const InputValue* old = Get("Root").FindField("request")->FindArgument("old");
  EXPECT_TRUE(old->deprecated);
  EXPECT_EQ(old->deprecation_reason, "No longer supported");
  const InputValue* input_field = Get("Range").FindInputField("legacy");
  EXPECT_TRUE(input_field->deprecated);
  EXPECT_EQ(input_field->deprecation_reason, "gone");
  EXPECT_FALSE(Get("Status").FindEnumValue("COMPLETED")->deprecated);
  EXPECT_TRUE(Get("Status").FindEnumValue("OLD")->deprecated);
  EXPECT_EQ(Get("Status").FindEnumValue("OLDER")->deprecation_reason, "Use COMPLETED.");
}

TEST_F(SampleSchemaTest, SpecifiedByOnDefinitionAndExtension) {
  EXPECT_EQ(Get("JSON").specified_by_url, "https://www.rfc-editor.org/rfc/rfc8259");
  EXPECT_EQ(Get("Stamp").specified_by_url, "https://example.com/stamp");
  EXPECT_EQ(Get("String").specified_by_url, "");
}

TEST_F(SampleSchemaTest, KindsAndHelpers) {
  EXPECT_EQ(Get("JSON").kind, TypeKind::kScalar);
  EXPECT_EQ(Get("Status").kind, TypeKind::kEnum);
  EXPECT_EQ(Get("Range").kind, TypeKind::kInputObject);
  EXPECT_EQ(Get("Root").kind, TypeKind::kObject);
  EXPECT_TRUE(Get("Status").IsLeaf());
  EXPECT_FALSE(Get("Range").IsLeaf());
  EXPECT_TRUE(Get("Range").IsInput());
  EXPECT_FALSE(Get("Request").IsInput());
  const Type* links = Get("Request").FindField("links")->type;
  EXPECT_EQ(links->kind, TypeKind::kList);
  EXPECT_EQ(&links->Named(), schema_->Find("String"));
  EXPECT_EQ(links->ToString(), "[[String!]]");
  EXPECT_TRUE(schema_->ListOf(schema_->Find("Status"))->IsInput());
  EXPECT_STREQ(TypeKindName(TypeKind::kInputObject), "INPUT_OBJECT");
  EXPECT_STREQ(TypeKindName(TypeKind::kNonNull), "NON_NULL");
}

TEST_F(SampleSchemaTest, Directives) {
  std::vector<std::string> names;
  for (const DirectiveType& d : schema_->directives()) names.push_back(d.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"cost", "include", "skip", "deprecated", "specifiedBy"}));
  const DirectiveType* cost = schema_->FindDirective("cost");
  ASSERT_NE(cost, nullptr);
  EXPECT_TRUE(cost->repeatable);
  EXPECT_EQ(cost->description, "How much a field costs.");
  EXPECT_EQ(cost->locations, (std::vector<std::string>{"FIELD_DEFINITION", "OBJECT"}));
  ASSERT_EQ(cost->arguments.size(), 1u);
  EXPECT_EQ(Signature(cost->arguments[0]), "weight: Int = 1");
  EXPECT_EQ(schema_->FindDirective("nope"), nullptr);
}

TEST(BuiltinDirectivesTest, AsGraphqlJsDefinesThem) {
  auto schema = Build("type Query { a: Int }");
  ASSERT_NE(schema, nullptr);
  const DirectiveType* include = schema->FindDirective("include");
  ASSERT_NE(include, nullptr);
  EXPECT_EQ(include->description,
            "Directs the executor to include this field or fragment only when the `if` argument "
            "is true.");
  EXPECT_EQ(include->locations,
            (std::vector<std::string>{"FIELD", "FRAGMENT_SPREAD", "INLINE_FRAGMENT"}));
  EXPECT_FALSE(include->repeatable);
  ASSERT_EQ(include->arguments.size(), 1u);
  EXPECT_EQ(Signature(include->arguments[0]), "if: Boolean!");
  EXPECT_EQ(include->arguments[0].description, "Included when true.");

  const DirectiveType* skip = schema->FindDirective("skip");
  EXPECT_EQ(skip->arguments[0].description, "Skipped when true.");
  EXPECT_EQ(skip->locations, include->locations);

  const DirectiveType* deprecated = schema->FindDirective("deprecated");
  EXPECT_EQ(deprecated->description,
            "Marks an element of a GraphQL schema as no longer supported.");
  EXPECT_EQ(deprecated->locations,
            (std::vector<std::string>{"FIELD_DEFINITION", "ARGUMENT_DEFINITION",
                                      "INPUT_FIELD_DEFINITION", "ENUM_VALUE"}));
  EXPECT_EQ(Signature(deprecated->arguments[0]), "reason: String = \"No longer supported\"");
  EXPECT_EQ(*deprecated->arguments[0].default_value, Json("No longer supported"));

  const DirectiveType* specified_by = schema->FindDirective("specifiedBy");
  EXPECT_EQ(specified_by->description, "Exposes a URL that specifies the behavior of this scalar.");
  EXPECT_EQ(specified_by->locations, (std::vector<std::string>{"SCALAR"}));
  EXPECT_EQ(Signature(specified_by->arguments[0]), "url: String!");
  EXPECT_EQ(specified_by->arguments[0].description,
            "The URL that specifies the behavior of this scalar.");
}

TEST(BuildSchemaTest, DefaultRootNamesAndOnlyReferencedBuiltinScalars) {
  auto schema = Build("type Mutation { m: Boolean } type Query { q: String }");
  ASSERT_NE(schema, nullptr);
  EXPECT_EQ(schema->query_type(), schema->Find("Query"));
  EXPECT_EQ(schema->mutation_type(), schema->Find("Mutation"));
  EXPECT_EQ(schema->description(), "");
  EXPECT_EQ(schema->Find("Int"), nullptr);
  EXPECT_EQ(schema->Find("ID"), nullptr);
  EXPECT_EQ(TypeNames(*schema),
            (std::vector<std::string>{"Mutation", "Boolean", "Query", "String", "__Schema",
                                      "__Type", "__TypeKind", "__Field", "__InputValue",
                                      "__EnumValue", "__Directive", "__DirectiveLocation"}));
}

TEST(BuildSchemaTest, NoMutationTypeWithoutOne) {
  auto schema = Build("type Query { q: Int }");
  ASSERT_NE(schema, nullptr);
  EXPECT_EQ(schema->mutation_type(), nullptr);
  // Boolean and String come from the directives, in their order.
  EXPECT_EQ(TypeNames(*schema)[0], "Query");
  EXPECT_EQ(TypeNames(*schema)[1], "Int");
  EXPECT_EQ(TypeNames(*schema)[2], "Boolean");
  EXPECT_EQ(TypeNames(*schema)[3], "String");
}

TEST(BuildSchemaTest, ExplicitBuiltinScalarDefinitionNamesTheBuiltin) {
  auto schema = Build("scalar ID type Query { q: Int }");
  ASSERT_NE(schema, nullptr);
  ASSERT_NE(schema->Find("ID"), nullptr);
  EXPECT_EQ(schema->Find("ID")->description.substr(0, 13), "The `ID` scal");
  EXPECT_EQ(TypeNames(*schema)[0], "ID");
}

TEST(BuildSchemaTest, ExtendSchemaAddsTheMutationType) {
  auto schema = Build("type Query { q: Int } type M { m: Int } extend schema { mutation: M }");
  ASSERT_NE(schema, nullptr);
  EXPECT_EQ(schema->mutation_type(), schema->Find("M"));
}

struct ErrorCase {
  const char* sdl;
  const char* message;
};

void PrintTo(const ErrorCase& c, std::ostream* out) { *out << c.sdl; }

class BuildSchemaErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(BuildSchemaErrorTest, ReportsLineColumnAndMessage) {
  EXPECT_EQ(BuildError(GetParam().sdl), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BuildSchemaErrorTest,
    ::testing::Values(
        ErrorCase{"type Query {\n  a: Foo\n}", "2:6: Unknown type 'Foo'."},
        ErrorCase{"type Query { a: [Foo!] }", "1:18: Unknown type 'Foo'."},
        ErrorCase{"type Query { a: Int }\ntype Query { b: Int }",
                  "2:1: There can be only one type named 'Query'."},
        ErrorCase{"type Query { a: Int a: String }",
                  "1:21: Field 'Query.a' can only be defined once."},
        ErrorCase{"type Query { a: Int } extend type Query { a: Int }",
                  "1:43: Field 'Query.a' can only be defined once."},
        ErrorCase{"type Query { a(x: Int, x: Int): Int }",
                  "1:24: Argument 'Query.a(x:)' can only be defined once."},
        ErrorCase{"type Query { a: E } enum E { A A }",
                  "1:32: Enum value 'E.A' can only be defined once."},
        ErrorCase{"type Query { a: Int } input I { x: Int x: Int }",
                  "1:40: Field 'I.x' can only be defined once."},
        ErrorCase{"type Query { a(x: Query): Int }",
                  "1:19: The type of Query.a(x:) must be Input Type but got: Query."},
        ErrorCase{"type Query { a(x: I): Int } input I { q: [Query] }",
                  "1:42: The type of I.q must be Input Type but got: [Query]."},
        ErrorCase{"type Query { a: I! } input I { q: Int }",
                  "1:17: The type of Query.a must be Output Type but got: I!."},
        ErrorCase{"type Query { a: Int } interface Node { id: ID }",
                  "1:23: Interface type 'Node' is not supported."},
        ErrorCase{"type Query { a: Int } union U = Query",
                  "1:23: Union type 'U' is not supported."},
        ErrorCase{"type Query implements Node { a: Int }",
                  "1:1: Type 'Query' implements 'Node', but interfaces are not supported."},
        ErrorCase{"type Foo { a: Int }", "1:1: Query root type must be provided."},
        ErrorCase{"schema { mutation: M } type M { a: Int } type Query { a: Int }",
                  "1:1: Query root type must be provided."},
        ErrorCase{"type Query", "1:1: Type Query must define one or more fields."},
        ErrorCase{"type Query { a: E } enum E",
                  "1:21: Enum type E must define one or more values."},
        ErrorCase{"type Query { a(i: I): Int } input I",
                  "1:29: Input Object type I must define one or more fields."},
        ErrorCase{"type Query { __a: Int }",
                  "1:14: Name '__a' must not begin with '__', which is reserved by GraphQL "
                  "introspection."},
        ErrorCase{"type Query { a: Int } type __X { a: Int }",
                  "1:23: Name '__X' must not begin with '__', which is reserved by GraphQL "
                  "introspection."},
        ErrorCase{"type Query { a(__x: Int): Int }",
                  "1:16: Name '__x' must not begin with '__', which is reserved by GraphQL "
                  "introspection."},
        ErrorCase{"type Query { a: __Type }", "1:17: Unknown type '__Type'."},
        ErrorCase{"type Query { a: Int } extend type Foo { b: Int }",
                  "1:23: Cannot extend type 'Foo' because it is not defined."},
        ErrorCase{"type Query { a: Int } extend enum Query { B }",
                  "1:23: Cannot extend non-enum type 'Query'."},
        ErrorCase{"type Query { a: Int } extend scalar Int @specifiedBy(url: \"x\")",
                  "1:23: Cannot extend built-in type 'Int'."},
        ErrorCase{"type Query { a: Int } type String { a: Int }",
                  "1:23: Type 'String' is a built-in scalar and cannot be redefined."},
        ErrorCase{"schema { query: Foo } type Query { a: Int }", "1:10: Unknown type 'Foo'."},
        ErrorCase{"schema { query: Q } schema { query: Q } type Q { a: Int }",
                  "1:21: Must provide only one schema definition."},
        ErrorCase{"schema { query: Q query: Q } type Q { a: Int }",
                  "1:19: There can be only one query type in schema."},
        ErrorCase{"schema { query: Q mutation: Int } type Q { a: Int }",
                  "1:19: Mutation root type must be Object type if provided, it cannot be Int."},
        ErrorCase{"type Query { a: Int } enum Mutation { A }",
                  "1:23: Mutation root type must be Object type if provided, it cannot be "
                  "Mutation."},
        ErrorCase{"schema { query: Q subscription: Q } type Q { a: Int }",
                  "1:19: Subscriptions are not supported."},
        ErrorCase{"type Query { a: Int @foo }", "1:21: Unknown directive '@foo'."},
        ErrorCase{"type Query @deprecated { a: Int }",
                  "1:12: Directive '@deprecated' may not be used on OBJECT."},
        ErrorCase{"type Query { a: Int @deprecated @deprecated }",
                  "1:33: The directive '@deprecated' can only be used once at this location."},
        ErrorCase{"type Query { a: Int @deprecated(why: \"x\") }",
                  "1:33: Unknown argument 'why' on directive '@deprecated'."},
        ErrorCase{"type Query { a: Int @deprecated(reason: 5) }",
                  "1:41: Invalid value for argument 'reason' of '@deprecated': String cannot "
                  "represent a non string value: 5"},
        ErrorCase{"scalar S @specifiedBy type Query { a: S }",
                  "1:10: Directive '@specifiedBy' argument 'url' of type 'String!' is required, "
                  "but it was not provided."},
        ErrorCase{"directive @skip on FIELD type Query { a: Int }",
                  "1:1: Directive '@skip' already exists in the schema. It cannot be redefined."},
        ErrorCase{"directive @a on FIELD directive @a on FIELD type Query { a: Int }",
                  "1:23: There can be only one directive named '@a'."},
        ErrorCase{"type Query { a(x: Int = \"s\"): Int }",
                  "1:25: Invalid default value for Query.a(x:): Int cannot represent non-integer "
                  "value: \"s\""},
        ErrorCase{"type Query { a(x: Int = 4294967296): Int }",
                  "1:25: Invalid default value for Query.a(x:): Int cannot represent non 32-bit "
                  "signed integer value: 4294967296"},
        ErrorCase{"type Query { a(x: I = {}): Int } input I { r: Int! }",
                  "1:23: Invalid default value for Query.a(x:): Field 'I.r' of required type "
                  "'Int!' was not provided."},
        ErrorCase{"type Query { a(x: Int! @deprecated): Int }",
                  "1:16: Required argument Query.a(x:) cannot be deprecated."},
        ErrorCase{"type Query { a(x: I): Int } input I { r: Int! @deprecated }",
                  "1:39: Required input field I.r cannot be deprecated."},
        ErrorCase{"type Query { a: Int } query { a }",
                  "1:23: A schema cannot contain operations or fragments."},
        ErrorCase{"type Query { a: }", "1:17: Syntax Error: Expected Name, found '}'."}));

TEST(BuildSchemaTest, DeprecatedRequiredArgumentWithDefaultIsAllowed) {
  auto schema = Build("type Query { a(x: Int! = 1 @deprecated): Int }");
  ASSERT_NE(schema, nullptr);
  EXPECT_TRUE(schema->query_type()->fields[0].arguments[0].deprecated);
}

TEST(BuildSchemaTest, DeprecatedWithNullReasonIsNotDeprecated) {
  auto schema = Build("type Query { a: Int @deprecated(reason: null) }");
  ASSERT_NE(schema, nullptr);
  EXPECT_FALSE(schema->query_type()->fields[0].deprecated);
}

TEST(BuildSchemaTest, DefaultsFollowInputObjectsDeclaredLater) {
  auto schema =
      Build("type Query { a(x: A = {}): Int } input A { b: B = {} } input B { c: Int = 7 }");
  ASSERT_NE(schema, nullptr);
  const InputValue& x = schema->query_type()->fields[0].arguments[0];
  EXPECT_EQ(x.default_value->dump(), R"({"b":{"c":7}})");
  EXPECT_EQ(x.default_value_literal, "{b: {c: 7}}");
}

TEST(BuildSchemaTest, RecursiveInputObjectsBuild) {
  auto schema = Build("type Query { a(x: A): Int } input A { self: A, n: [A!] = [] }");
  ASSERT_NE(schema, nullptr);
  EXPECT_EQ(schema->Find("A")->input_fields[0].type, schema->Find("A"));
  EXPECT_EQ(schema->Find("A")->input_fields[1].default_value_literal, "[]");
}

TEST(BuildSchemaTest, DefaultValueLiteralsAsGraphqlCorePrintsThem) {
  auto schema = Build(
      "type Query { a(f: Float = 1, g: Float = 1.5e3, h: Float = 1e25, i: Float = 0.000001, "
      "id: ID = 5, sid: ID = \"05\", s: String = \"a\\\"b\", n: Int = null, l: [Int] = 1, "
      "b: Boolean = false): Int }");
  ASSERT_NE(schema, nullptr);
  std::vector<std::string> literals;
  for (const InputValue& arg : schema->query_type()->fields[0].arguments) {
    literals.push_back(arg.default_value_literal);
  }
  EXPECT_EQ(literals, (std::vector<std::string>{"1", "1500", "1e+25", "1e-06", "5", "\"05\"",
                                                "\"a\\\"b\"", "null", "[1]", "false"}));
}

// ---- Type interning ---------------------------------------------------------------------------

TEST(InterningTest, EqualWrappersAreTheSamePointer) {
  auto schema = Build("type Query { a: [Int!]! b(x: [Int!]!): [Int!] }");
  ASSERT_NE(schema, nullptr);
  const Type* int_type = schema->Find("Int");
  const Type* a = schema->query_type()->FindField("a")->type;
  const Type* b = schema->query_type()->FindField("b")->type;
  const Type* x = schema->query_type()->FindField("b")->FindArgument("x")->type;
  EXPECT_EQ(a, x);
  EXPECT_EQ(a->of_type, b);
  EXPECT_EQ(schema->NonNullOf(schema->ListOf(schema->NonNullOf(int_type))), a);
  EXPECT_NE(schema->ListOf(int_type), schema->NonNullOf(int_type));
  EXPECT_EQ(schema->ListOf(int_type), schema->ListOf(int_type));
  EXPECT_EQ(schema->ListOf(int_type)->kind, TypeKind::kList);
  EXPECT_EQ(schema->NonNullOf(int_type)->kind, TypeKind::kNonNull);
  EXPECT_EQ(schema->ListOf(int_type)->name, "");
}

TypeRef Named(const char* name) {
  TypeRef ref;
  ref.name = name;
  return ref;
}

TypeRef Wrap(TypeRef::Kind kind, TypeRef inner) {
  TypeRef ref;
  ref.kind = kind;
  ref.of_type.push_back(std::move(inner));
  return ref;
}

TEST(InterningTest, ResolveTypeRef) {
  auto schema = Build("type Query { a: [Int!]! }");
  ASSERT_NE(schema, nullptr);
  TypeRef ref = Wrap(TypeRef::Kind::kNonNull,
                     Wrap(TypeRef::Kind::kList, Wrap(TypeRef::Kind::kNonNull, Named("Int"))));
  EXPECT_EQ(schema->Resolve(ref), schema->query_type()->fields[0].type);
  EXPECT_EQ(schema->Resolve(Named("Query")), schema->query_type());
  EXPECT_EQ(schema->Resolve(Named("Nope")), nullptr);
  EXPECT_EQ(schema->Resolve(Wrap(TypeRef::Kind::kList, Named("Nope"))), nullptr);
  EXPECT_EQ(schema->Resolve(Named("ID")), nullptr);  // not used by this schema
}

TEST(InterningTest, ConcurrentCallersGetTheSameWrappers) {
  auto schema = Build(testing::kSampleSdl);
  ASSERT_NE(schema, nullptr);
  const std::vector<const Type*>& named = schema->types();
  constexpr int kThreads = 8;
  std::vector<std::vector<const Type*>> seen(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 20; ++round) {
        for (size_t i = 0; i < named.size(); ++i) {
          // Each thread walks the types in a different order to interleave first creations.
          const Type* type = named[(i * (t + 1) + round) % named.size()];
          const Type* wrapped = schema->NonNullOf(schema->ListOf(schema->NonNullOf(type)));
          if (round == 0) seen[t].push_back(wrapped);
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) {
    for (size_t i = 0; i < named.size(); ++i) {
      const Type* type = named[(i * (t + 1)) % named.size()];
      EXPECT_EQ(seen[t][i], schema->NonNullOf(schema->ListOf(schema->NonNullOf(type))));
      EXPECT_EQ(seen[t][i]->of_type->of_type->of_type, type);
    }
  }
}

// ---- Resolvers and meta-fields ----------------------------------------------------------------

TEST(ResolverTest, BindAndCheckRoots) {
  auto schema =
      Build("type Query { a: Int b: Obj } type Obj { c: Int } type Mutation { m: Int n: Int }");
  ASSERT_NE(schema, nullptr);
  Status missing = schema->CheckRootResolvers();
  EXPECT_EQ(missing.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(missing.message(),
            "root fields without a resolver: Query.a, Query.b, Mutation.m, "
            "Mutation.n");

  auto constant = [](int v) { return [v](const ResolveInfo&) -> Result<Json> { return Json(v); }; };
  EXPECT_TRUE(schema->BindResolver("Query", "a", constant(1)).ok());
  EXPECT_TRUE(schema->BindResolver("Query", "b", constant(2)).ok());
  EXPECT_TRUE(schema->BindResolver("Mutation", "m", constant(3)).ok());
  EXPECT_EQ(schema->CheckRootResolvers().message(), "root fields without a resolver: Mutation.n");
  EXPECT_TRUE(schema->BindResolver("Mutation", "n", constant(4)).ok());
  EXPECT_TRUE(schema->CheckRootResolvers().ok());

  Status again = schema->BindResolver("Query", "a", constant(5));
  EXPECT_EQ(again.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(again.message(), "Query.a already has a resolver");
  Status no_field = schema->BindResolver("Obj", "zz", constant(5));
  EXPECT_EQ(no_field.code(), StatusCode::kNotFound);
  EXPECT_EQ(no_field.message(),
            "cannot bind a resolver to Obj.zz: type \"Obj\" has no field \"zz\"");
  EXPECT_EQ(schema->BindResolver("Nope", "a", constant(5)).code(), StatusCode::kNotFound);
  EXPECT_EQ(schema->BindResolver("Int", "a", constant(5)).code(), StatusCode::kNotFound);
  // Introspection fields come bound.
  EXPECT_EQ(schema->BindResolver("__Type", "name", constant(5)).code(),
            StatusCode::kFailedPrecondition);

  std::any context;
  Json parent;
  Json args = Json::object();
  ResolveInfo info{parent, args, "a", *schema->query_type(), context};
  auto value = schema->query_type()->FindField("a")->resolver(info);
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*value, Json(1));
}

TEST(MetaFieldTest, TypenameEverywhereSchemaAndTypeOnQueryOnly) {
  auto schema = Build("type Query { a: Obj } type Obj { c: Int } type Mutation { m: Int }");
  ASSERT_NE(schema, nullptr);
  const Type& query = *schema->query_type();
  const Type& mutation = *schema->mutation_type();
  const Type& obj = *schema->Find("Obj");

  const Field* typename_field = schema->MetaField(obj, "__typename");
  ASSERT_NE(typename_field, nullptr);
  EXPECT_EQ(typename_field, schema->MetaField(mutation, "__typename"));
  EXPECT_EQ(typename_field, schema->MetaField(*schema->Find("__Type"), "__typename"));
  EXPECT_EQ(typename_field->type->ToString(), "String!");
  EXPECT_EQ(typename_field->description, "The name of the current Object type at runtime.");

  const Field* schema_field = schema->MetaField(query, "__schema");
  ASSERT_NE(schema_field, nullptr);
  EXPECT_EQ(schema_field->type->ToString(), "__Schema!");
  EXPECT_EQ(schema_field->description, "Access the current type schema of this server.");
  const Field* type_field = schema->MetaField(query, "__type");
  ASSERT_NE(type_field, nullptr);
  EXPECT_EQ(Signature(*type_field), "__type(name: String!): __Type");
  EXPECT_EQ(type_field->description, "Request the type information of a single type.");

  EXPECT_EQ(schema->MetaField(mutation, "__schema"), nullptr);
  EXPECT_EQ(schema->MetaField(obj, "__type"), nullptr);
  EXPECT_EQ(schema->MetaField(query, "__other"), nullptr);
  EXPECT_EQ(schema->MetaField(query, "a"), nullptr);
  EXPECT_EQ(schema->MetaField(*schema->Find("Int"), "__typename"), nullptr);

  std::any context;
  Json parent = Json::object();
  Json args = Json::object();
  ResolveInfo info{parent, args, "__typename", mutation, context};
  auto name = typename_field->resolver(info);
  ASSERT_TRUE(name.ok());
  EXPECT_EQ(*name, Json("Mutation"));
}

}  // namespace
}  // namespace de::graphql
