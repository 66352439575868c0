#include "graphql/parser.h"

#include <pthread.h>

#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "graphql/parser_internal.h"

// Expected locations were taken from graphql-core 3.2.8 (`parse`, node `loc.start_token`), and
// expected error messages and locations from its GraphQLSyntaxError, except where a comment says
// otherwise.

namespace de::graphql {
namespace {

using RefKind = Document::DefinitionRef::Kind;

SourceLocation At(int line, int column) { return SourceLocation{line, column}; }

Document ParseOk(std::string_view source, const ParseOptions& options = {}) {
  ParseResult result = Parse(source, options);
  EXPECT_TRUE(result.ok) << result.error.message;
  return std::move(result.document);
}

struct ErrorAt {
  std::string message;
  int line;
  int column;
  friend bool operator==(const ErrorAt&, const ErrorAt&) = default;
};

void PrintTo(const ErrorAt& e, std::ostream* os) {
  *os << '"' << e.message << "\" at " << e.line << ":" << e.column;
}

ErrorAt ParseError(std::string_view source, const ParseOptions& options = {}) {
  ParseResult result = Parse(source, options);
  if (result.ok) return {"<parsed>", 0, 0};
  EXPECT_EQ(result.error.code, "GRAPHQL_PARSE_FAILED");
  EXPECT_EQ(result.error.locations.size(), 1u);
  EXPECT_TRUE(result.error.path.empty());
  if (result.error.locations.empty()) return {result.error.message, 0, 0};
  return {result.error.message, result.error.locations[0].line, result.error.locations[0].column};
}

std::string Repeat(std::string_view text, size_t count) {
  std::string out;
  out.reserve(text.size() * count);
  for (size_t i = 0; i < count; ++i) out.append(text);
  return out;
}

// ---- executable documents --------------------------------------------------------------------

// Every executable construct; written for this test (not graphql-js's kitchen sink).
constexpr std::string_view kExecutableSink = R"(# Every executable construct, once.
query Dashboard($id: ID!, $first: Int = 10, $tags: [String!]! = ["a", "b"],
    $filter: Filter = {status: ACTIVE, range: {from: 1.5e3, to: null}}, $v: Boolean @deprecated) @cached(ttl: 60) {
  me: user(id: $id) {
    ...UserFields
    friends(first: $first, after: "c\u00e9") @include(if: true) {
      edges { node { id } }
    }
    ... on Admin @skip(if: false) { permissions }
    ... @defer { lazy }
  }
  ,,, search(text: """
    block
      text
  """, flags: [ONE TWO], empty: [], obj: {}, n: -0)
}

mutation { like(story: 123, weight: -0.5) { count } }

subscription OnEvent { event { __typename } }

fragment UserFields on User @tag(name: "x") {
  id
  name
}

{ shorthand }
)";

class ExecutableSinkTest : public ::testing::Test {
 protected:
  void SetUp() override { doc_ = ParseOk(kExecutableSink); }
  Document doc_;
};

TEST_F(ExecutableSinkTest, DefinitionsInOrder) {
  ASSERT_EQ(doc_.operations.size(), 4u);
  ASSERT_EQ(doc_.fragments.size(), 1u);
  EXPECT_TRUE(doc_.types.empty());
  EXPECT_TRUE(doc_.schema_definitions.empty());
  EXPECT_TRUE(doc_.directives.empty());
  ASSERT_EQ(doc_.order.size(), 5u);
  const RefKind kinds[] = {RefKind::kOperation, RefKind::kOperation, RefKind::kOperation,
                           RefKind::kFragment, RefKind::kOperation};
  const size_t indexes[] = {0, 1, 2, 0, 3};
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(doc_.order[i].kind, kinds[i]) << i;
    EXPECT_EQ(doc_.order[i].index, indexes[i]) << i;
  }
  EXPECT_EQ(doc_.operations[1].type, OperationType::kMutation);
  EXPECT_EQ(doc_.operations[1].name, "");
  EXPECT_EQ(doc_.operations[1].location, At(18, 1));
  EXPECT_EQ(doc_.operations[2].type, OperationType::kSubscription);
  EXPECT_EQ(doc_.operations[2].name, "OnEvent");
  EXPECT_EQ(doc_.operations[2].selection_set[0].selection_set[0].name, "__typename");
  EXPECT_EQ(doc_.operations[2].selection_set[0].selection_set[0].location, At(20, 32));
  // The `{ ... }` shorthand is an anonymous query.
  EXPECT_EQ(doc_.operations[3].type, OperationType::kQuery);
  EXPECT_EQ(doc_.operations[3].name, "");
  EXPECT_EQ(doc_.operations[3].location, At(27, 1));
  EXPECT_EQ(doc_.operations[3].selection_set[0].name, "shorthand");
}

TEST_F(ExecutableSinkTest, VariableDefinitions) {
  const OperationDefinition& op = doc_.operations[0];
  EXPECT_EQ(op.type, OperationType::kQuery);
  EXPECT_EQ(op.name, "Dashboard");
  EXPECT_EQ(op.location, At(2, 1));
  ASSERT_EQ(op.variables.size(), 5u);

  EXPECT_EQ(op.variables[0].name, "id");
  EXPECT_EQ(op.variables[0].location, At(2, 17));
  EXPECT_EQ(op.variables[0].type.ToString(), "ID!");
  EXPECT_EQ(op.variables[0].type.location, At(2, 22));
  EXPECT_FALSE(op.variables[0].default_value.has_value());

  EXPECT_EQ(op.variables[1].name, "first");
  ASSERT_TRUE(op.variables[1].default_value.has_value());
  EXPECT_EQ(op.variables[1].default_value->kind, ValueKind::kInt);
  EXPECT_EQ(op.variables[1].default_value->text, "10");
  EXPECT_EQ(op.variables[1].default_value->location, At(2, 41));

  const TypeRef& tags = op.variables[2].type;
  EXPECT_EQ(tags.ToString(), "[String!]!");
  EXPECT_EQ(tags.kind, TypeRef::Kind::kNonNull);
  EXPECT_EQ(tags.location, At(2, 52));
  ASSERT_EQ(tags.of_type.size(), 1u);
  EXPECT_EQ(tags.of_type[0].kind, TypeRef::Kind::kList);
  EXPECT_EQ(tags.of_type[0].location, At(2, 52));
  EXPECT_EQ(tags.of_type[0].of_type[0].kind, TypeRef::Kind::kNonNull);
  EXPECT_EQ(tags.of_type[0].of_type[0].location, At(2, 53));
  EXPECT_EQ(tags.of_type[0].of_type[0].of_type[0].name, "String");
  EXPECT_EQ(PrintValue(*op.variables[2].default_value), "[\"a\", \"b\"]");
  EXPECT_EQ(op.variables[2].default_value->location, At(2, 65));
  EXPECT_EQ(op.variables[2].default_value->list[1].location, At(2, 71));

  const Value& filter = *op.variables[3].default_value;
  EXPECT_EQ(op.variables[3].location, At(3, 5));
  EXPECT_EQ(filter.kind, ValueKind::kObject);
  EXPECT_EQ(filter.location, At(3, 23));
  ASSERT_EQ(filter.fields.size(), 2u);
  EXPECT_EQ(filter.fields[0].name, "status");
  EXPECT_EQ(filter.fields[0].location, At(3, 24));
  EXPECT_EQ(filter.fields[0].value.kind, ValueKind::kEnum);
  EXPECT_EQ(filter.fields[0].value.text, "ACTIVE");
  const Value& range = filter.fields[1].value;
  EXPECT_EQ(range.location, At(3, 47));
  EXPECT_EQ(range.fields[0].value.kind, ValueKind::kFloat);
  EXPECT_EQ(range.fields[0].value.text, "1.5e3");
  EXPECT_EQ(range.fields[0].value.location, At(3, 54));
  EXPECT_EQ(range.fields[1].value.kind, ValueKind::kNull);
  EXPECT_EQ(range.fields[1].value.location, At(3, 65));

  EXPECT_EQ(op.variables[4].name, "v");
  ASSERT_EQ(op.variables[4].directives.size(), 1u);
  EXPECT_EQ(op.variables[4].directives[0].name, "deprecated");
  EXPECT_EQ(op.variables[4].directives[0].location, At(3, 85));

  ASSERT_EQ(op.directives.size(), 1u);
  EXPECT_EQ(op.directives[0].name, "cached");
  EXPECT_EQ(op.directives[0].location, At(3, 98));
  EXPECT_EQ(op.directives[0].arguments[0].name, "ttl");
  EXPECT_EQ(op.directives[0].arguments[0].location, At(3, 106));
  EXPECT_EQ(op.directives[0].arguments[0].value.text, "60");
}

TEST_F(ExecutableSinkTest, FieldsFragmentsAndArguments) {
  const std::vector<Selection>& top = doc_.operations[0].selection_set;
  ASSERT_EQ(top.size(), 2u);
  const Selection& me = top[0];
  EXPECT_EQ(me.kind, SelectionKind::kField);
  EXPECT_EQ(me.alias, "me");
  EXPECT_EQ(me.name, "user");
  EXPECT_EQ(me.ResponseKey(), "me");
  EXPECT_EQ(me.location, At(4, 3));
  ASSERT_EQ(me.arguments.size(), 1u);
  EXPECT_EQ(me.arguments[0].location, At(4, 12));
  EXPECT_EQ(me.arguments[0].value.kind, ValueKind::kVariable);
  EXPECT_EQ(me.arguments[0].value.text, "id");
  EXPECT_EQ(me.arguments[0].value.location, At(4, 16));
  ASSERT_EQ(me.selection_set.size(), 4u);

  const Selection& spread = me.selection_set[0];
  EXPECT_EQ(spread.kind, SelectionKind::kFragmentSpread);
  EXPECT_EQ(spread.name, "UserFields");
  EXPECT_EQ(spread.location, At(5, 5));

  const Selection& friends = me.selection_set[1];
  EXPECT_EQ(friends.alias, "");
  EXPECT_EQ(friends.ResponseKey(), "friends");
  EXPECT_EQ(friends.arguments[1].value.kind, ValueKind::kString);
  EXPECT_EQ(friends.arguments[1].value.text, "cé");
  EXPECT_EQ(friends.arguments[1].value.location, At(6, 35));
  ASSERT_EQ(friends.directives.size(), 1u);
  EXPECT_EQ(friends.directives[0].name, "include");
  EXPECT_EQ(friends.directives[0].location, At(6, 46));
  EXPECT_EQ(friends.directives[0].arguments[0].value.kind, ValueKind::kBoolean);
  EXPECT_TRUE(friends.directives[0].arguments[0].value.boolean);
  const Selection& id = friends.selection_set[0].selection_set[0].selection_set[0];
  EXPECT_EQ(id.name, "id");
  EXPECT_EQ(id.location, At(7, 22));

  const Selection& admin = me.selection_set[2];
  EXPECT_EQ(admin.kind, SelectionKind::kInlineFragment);
  EXPECT_EQ(admin.type_condition, "Admin");
  EXPECT_EQ(admin.location, At(9, 5));
  EXPECT_EQ(admin.directives[0].name, "skip");
  EXPECT_FALSE(admin.directives[0].arguments[0].value.boolean);
  EXPECT_EQ(admin.selection_set[0].name, "permissions");

  const Selection& deferred = me.selection_set[3];
  EXPECT_EQ(deferred.kind, SelectionKind::kInlineFragment);
  EXPECT_EQ(deferred.type_condition, "");
  EXPECT_EQ(deferred.directives[0].name, "defer");
  EXPECT_EQ(deferred.selection_set[0].location, At(10, 18));

  const Selection& search = top[1];
  EXPECT_EQ(search.location, At(12, 7));
  ASSERT_EQ(search.arguments.size(), 5u);
  EXPECT_EQ(search.arguments[0].value.text, "block\n  text");  // dedented block string
  EXPECT_EQ(search.arguments[0].value.location, At(12, 20));
  EXPECT_EQ(search.arguments[1].location, At(15, 8));
  EXPECT_EQ(PrintValue(search.arguments[1].value), "[ONE, TWO]");
  EXPECT_EQ(search.arguments[2].value.kind, ValueKind::kList);
  EXPECT_TRUE(search.arguments[2].value.list.empty());
  EXPECT_EQ(search.arguments[3].value.kind, ValueKind::kObject);
  EXPECT_TRUE(search.arguments[3].value.fields.empty());
  EXPECT_EQ(search.arguments[4].value.text, "-0");
  EXPECT_EQ(search.arguments[4].value.location, At(15, 49));

  const Selection& like = doc_.operations[1].selection_set[0];
  EXPECT_EQ(like.arguments[1].value.kind, ValueKind::kFloat);
  EXPECT_EQ(like.arguments[1].value.text, "-0.5");
  EXPECT_EQ(like.arguments[1].value.location, At(18, 37));
}

TEST_F(ExecutableSinkTest, FragmentDefinition) {
  const FragmentDefinition& fragment = doc_.fragments[0];
  EXPECT_EQ(fragment.name, "UserFields");
  EXPECT_EQ(fragment.location, At(22, 1));
  EXPECT_EQ(fragment.type_condition, "User");
  EXPECT_EQ(fragment.type_condition_location, At(22, 24));
  ASSERT_EQ(fragment.directives.size(), 1u);
  EXPECT_EQ(fragment.directives[0].location, At(22, 29));
  EXPECT_EQ(fragment.directives[0].arguments[0].value.location, At(22, 40));
  ASSERT_EQ(fragment.selection_set.size(), 2u);
  EXPECT_EQ(fragment.selection_set[1].name, "name");
  EXPECT_EQ(fragment.selection_set[1].location, At(24, 3));
}

TEST(ParserTest, KeywordsAreNamesWhereANameIsExpected) {
  Document doc = ParseOk(
      "query query($on: on = on) { fragment: type(schema: true) on extend { null } }\n"
      "fragment on_ on on { query }");
  const OperationDefinition& op = doc.operations[0];
  EXPECT_EQ(op.name, "query");
  EXPECT_EQ(op.variables[0].name, "on");
  EXPECT_EQ(op.variables[0].type.name, "on");
  EXPECT_EQ(op.variables[0].default_value->kind, ValueKind::kEnum);
  EXPECT_EQ(op.selection_set[0].alias, "fragment");
  EXPECT_EQ(op.selection_set[0].name, "type");
  EXPECT_EQ(op.selection_set[1].name, "on");
  EXPECT_EQ(op.selection_set[2].name, "extend");
  EXPECT_EQ(op.selection_set[2].selection_set[0].name, "null");
  EXPECT_EQ(doc.fragments[0].name, "on_");
  EXPECT_EQ(doc.fragments[0].type_condition, "on");
}

TEST(ParserTest, CommentsAndCommasAreIgnored) {
  Document doc = ParseOk("#c\n{,a,#x\n,b(x:1,,y:[1,,2]),}");
  const std::vector<Selection>& selections = doc.operations[0].selection_set;
  ASSERT_EQ(selections.size(), 2u);
  EXPECT_EQ(selections[1].location, At(3, 2));
  EXPECT_EQ(PrintValue(selections[1].arguments[1].value), "[1, 2]");
}

// ---- type-system documents -------------------------------------------------------------------

constexpr std::string_view kSchemaSink = R"("The schema"
schema @entry { query: Query mutation: Mutation }
extend schema @more { subscription: Sub }
"""
A scalar
"""
scalar JSON @specifiedBy(url: "https://example.com")
extend scalar JSON @tag
type Query implements Node & Named @key(fields: "id") {
  "the id" id: ID!
  users(first: Int = 10 @deprecated, "filter" where: UserFilter): [User!]! @auth
}
extend type Query implements Other
interface Named implements Node { name: String }
extend interface Named @tag
union Result @tag = | User | Error
extend union Result = Other
enum Status { "on" ACTIVE @tag INACTIVE }
extend enum Status { GONE }
input UserFilter { status: Status = ACTIVE, ids: [ID!] = [] @tag }
extend input UserFilter { name: String }
"Does x" directive @auth(role: String = "admin") repeatable on FIELD_DEFINITION | OBJECT
directive @tag on | SCALAR
)";

class SchemaSinkTest : public ::testing::Test {
 protected:
  void SetUp() override { doc_ = ParseOk(kSchemaSink, ParseOptions{.max_tokens = 0}); }
  Document doc_;
};

TEST_F(SchemaSinkTest, Order) {
  EXPECT_TRUE(doc_.operations.empty());
  ASSERT_EQ(doc_.schema_definitions.size(), 2u);
  ASSERT_EQ(doc_.types.size(), 12u);
  ASSERT_EQ(doc_.directives.size(), 2u);
  ASSERT_EQ(doc_.order.size(), 16u);
  EXPECT_EQ(doc_.order[0].kind, RefKind::kSchema);
  EXPECT_EQ(doc_.order[1].kind, RefKind::kSchema);
  EXPECT_EQ(doc_.order[1].index, 1u);
  EXPECT_EQ(doc_.order[2].kind, RefKind::kType);
  EXPECT_EQ(doc_.order[2].index, 0u);
  EXPECT_EQ(doc_.order[13].kind, RefKind::kType);
  EXPECT_EQ(doc_.order[13].index, 11u);
  EXPECT_EQ(doc_.order[14].kind, RefKind::kDirective);
  EXPECT_EQ(doc_.order[15].kind, RefKind::kDirective);
  EXPECT_EQ(doc_.order[15].index, 1u);
}

TEST_F(SchemaSinkTest, SchemaDefinitionAndExtension) {
  const SchemaDefinition& schema = doc_.schema_definitions[0];
  EXPECT_FALSE(schema.is_extension);
  EXPECT_EQ(schema.description, "The schema");
  EXPECT_EQ(schema.location, At(1, 1));  // the description is the first token
  EXPECT_EQ(schema.directives[0].name, "entry");
  ASSERT_EQ(schema.operation_types.size(), 2u);
  EXPECT_EQ(schema.operation_types[0].operation, OperationType::kQuery);
  EXPECT_EQ(schema.operation_types[0].type_name, "Query");
  EXPECT_EQ(schema.operation_types[0].location, At(2, 17));
  EXPECT_EQ(schema.operation_types[1].operation, OperationType::kMutation);
  EXPECT_EQ(schema.operation_types[1].location, At(2, 30));

  const SchemaDefinition& extension = doc_.schema_definitions[1];
  EXPECT_TRUE(extension.is_extension);
  EXPECT_EQ(extension.location, At(3, 1));
  EXPECT_EQ(extension.directives[0].name, "more");
  EXPECT_EQ(extension.operation_types[0].operation, OperationType::kSubscription);
  EXPECT_EQ(extension.operation_types[0].location, At(3, 23));
}

TEST_F(SchemaSinkTest, ScalarsAndObjects) {
  const TypeDefinition& json = doc_.types[0];
  EXPECT_EQ(json.kind, TypeDefinitionKind::kScalar);
  EXPECT_EQ(json.name, "JSON");
  EXPECT_EQ(json.description, "A scalar");
  EXPECT_EQ(json.location, At(4, 1));
  EXPECT_EQ(json.directives[0].name, "specifiedBy");
  EXPECT_EQ(json.directives[0].arguments[0].value.text, "https://example.com");
  EXPECT_TRUE(doc_.types[1].is_extension);
  EXPECT_EQ(doc_.types[1].kind, TypeDefinitionKind::kScalar);
  EXPECT_EQ(doc_.types[1].location, At(8, 1));

  const TypeDefinition& query = doc_.types[2];
  EXPECT_EQ(query.kind, TypeDefinitionKind::kObject);
  EXPECT_FALSE(query.is_extension);
  EXPECT_EQ(query.location, At(9, 1));
  EXPECT_EQ(query.interfaces, (std::vector<std::string>{"Node", "Named"}));
  EXPECT_EQ(query.directives[0].name, "key");
  ASSERT_EQ(query.fields.size(), 2u);
  EXPECT_EQ(query.fields[0].description, "the id");
  EXPECT_EQ(query.fields[0].name, "id");
  EXPECT_EQ(query.fields[0].location, At(10, 3));
  EXPECT_EQ(query.fields[0].type.ToString(), "ID!");
  const FieldDefinition& users = query.fields[1];
  EXPECT_EQ(users.location, At(11, 3));
  EXPECT_EQ(users.type.ToString(), "[User!]!");
  EXPECT_EQ(users.directives[0].name, "auth");
  ASSERT_EQ(users.arguments.size(), 2u);
  EXPECT_EQ(users.arguments[0].name, "first");
  EXPECT_EQ(users.arguments[0].location, At(11, 9));
  EXPECT_EQ(users.arguments[0].type.location, At(11, 16));
  EXPECT_EQ(users.arguments[0].default_value->text, "10");
  EXPECT_EQ(users.arguments[0].directives[0].name, "deprecated");
  EXPECT_EQ(users.arguments[1].description, "filter");
  EXPECT_EQ(users.arguments[1].location, At(11, 38));
  EXPECT_EQ(users.arguments[1].type.location, At(11, 54));
  EXPECT_FALSE(users.arguments[1].default_value.has_value());

  const TypeDefinition& query_extension = doc_.types[3];
  EXPECT_TRUE(query_extension.is_extension);
  EXPECT_EQ(query_extension.location, At(13, 1));
  EXPECT_EQ(query_extension.interfaces, (std::vector<std::string>{"Other"}));
}

TEST_F(SchemaSinkTest, InterfacesAndUnions) {
  const TypeDefinition& named = doc_.types[4];
  EXPECT_EQ(named.kind, TypeDefinitionKind::kInterface);
  EXPECT_EQ(named.interfaces, (std::vector<std::string>{"Node"}));
  EXPECT_EQ(named.fields[0].location, At(14, 35));
  EXPECT_EQ(doc_.types[5].kind, TypeDefinitionKind::kInterface);
  EXPECT_TRUE(doc_.types[5].is_extension);
  EXPECT_EQ(doc_.types[5].location, At(15, 1));

  const TypeDefinition& result = doc_.types[6];
  EXPECT_EQ(result.kind, TypeDefinitionKind::kUnion);
  EXPECT_EQ(result.directives[0].name, "tag");
  EXPECT_EQ(result.union_members, (std::vector<std::string>{"User", "Error"}));
  EXPECT_EQ(doc_.types[7].union_members, (std::vector<std::string>{"Other"}));
  EXPECT_EQ(doc_.types[7].location, At(17, 1));
}

TEST_F(SchemaSinkTest, EnumsAndInputs) {
  const TypeDefinition& status = doc_.types[8];
  EXPECT_EQ(status.kind, TypeDefinitionKind::kEnum);
  ASSERT_EQ(status.enum_values.size(), 2u);
  EXPECT_EQ(status.enum_values[0].description, "on");
  EXPECT_EQ(status.enum_values[0].name, "ACTIVE");
  EXPECT_EQ(status.enum_values[0].location, At(18, 15));
  EXPECT_EQ(status.enum_values[0].directives[0].name, "tag");
  EXPECT_EQ(status.enum_values[1].location, At(18, 32));
  EXPECT_EQ(doc_.types[9].enum_values[0].name, "GONE");
  EXPECT_EQ(doc_.types[9].enum_values[0].location, At(19, 22));

  const TypeDefinition& filter = doc_.types[10];
  EXPECT_EQ(filter.kind, TypeDefinitionKind::kInputObject);
  ASSERT_EQ(filter.input_fields.size(), 2u);
  EXPECT_EQ(filter.input_fields[0].location, At(20, 20));
  EXPECT_EQ(filter.input_fields[0].default_value->kind, ValueKind::kEnum);
  EXPECT_EQ(filter.input_fields[1].location, At(20, 45));
  EXPECT_EQ(filter.input_fields[1].type.ToString(), "[ID!]");
  EXPECT_EQ(PrintValue(*filter.input_fields[1].default_value), "[]");
  EXPECT_EQ(filter.input_fields[1].directives[0].name, "tag");
  EXPECT_EQ(doc_.types[11].input_fields[0].location, At(21, 27));
  EXPECT_TRUE(doc_.types[11].is_extension);
}

TEST_F(SchemaSinkTest, DirectiveDefinitions) {
  const DirectiveDefinition& auth = doc_.directives[0];
  EXPECT_EQ(auth.description, "Does x");
  EXPECT_EQ(auth.name, "auth");
  EXPECT_EQ(auth.location, At(22, 1));
  EXPECT_TRUE(auth.repeatable);
  ASSERT_EQ(auth.arguments.size(), 1u);
  EXPECT_EQ(auth.arguments[0].location, At(22, 26));
  EXPECT_EQ(auth.arguments[0].default_value->text, "admin");
  EXPECT_EQ(auth.locations, (std::vector<std::string>{"FIELD_DEFINITION", "OBJECT"}));
  const DirectiveDefinition& tag = doc_.directives[1];
  EXPECT_FALSE(tag.repeatable);
  EXPECT_EQ(tag.description, "");
  EXPECT_EQ(tag.location, At(23, 1));
  EXPECT_EQ(tag.locations, (std::vector<std::string>{"SCALAR"}));
}

TEST(ParserTest, EveryDirectiveLocation) {
  Document doc = ParseOk(
      "directive @all on QUERY | MUTATION | SUBSCRIPTION | FIELD | FRAGMENT_DEFINITION | "
      "FRAGMENT_SPREAD | INLINE_FRAGMENT | VARIABLE_DEFINITION | SCHEMA | SCALAR | OBJECT | "
      "FIELD_DEFINITION | ARGUMENT_DEFINITION | INTERFACE | UNION | ENUM | ENUM_VALUE | "
      "INPUT_OBJECT | INPUT_FIELD_DEFINITION");
  EXPECT_EQ(doc.directives[0].locations.size(), 19u);
  EXPECT_EQ(doc.directives[0].locations.back(), "INPUT_FIELD_DEFINITION");
}

TEST(ParserTest, MixedDocumentKeepsOrder) {
  Document doc = ParseOk("type A { a: Int } { a } directive @d on FIELD fragment F on A { a }");
  ASSERT_EQ(doc.order.size(), 4u);
  EXPECT_EQ(doc.order[0].kind, RefKind::kType);
  EXPECT_EQ(doc.order[1].kind, RefKind::kOperation);
  EXPECT_EQ(doc.order[2].kind, RefKind::kDirective);
  EXPECT_EQ(doc.order[3].kind, RefKind::kFragment);
}

// ---- syntax errors -----------------------------------------------------------------------------

struct BrokenCase {
  std::string_view source;
  ErrorAt expected;
};

class BrokenDocumentTest : public ::testing::TestWithParam<BrokenCase> {};

TEST_P(BrokenDocumentTest, ReportsGraphqlCoreMessageAndLocation) {
  EXPECT_EQ(ParseError(GetParam().source, ParseOptions{.max_tokens = 0}), GetParam().expected)
      << GetParam().source;
}

// Messages and locations as graphql-core 3.2.8 reports them for the same sources.
const BrokenCase kBrokenCases[] = {
    {"{ a(", {"Syntax Error: Expected Name, found <EOF>.", 1, 5}},
    {"{", {"Syntax Error: Expected Name, found <EOF>.", 1, 2}},
    {"{}", {"Syntax Error: Expected Name, found '}'.", 1, 2}},
    {"{ a { b }", {"Syntax Error: Expected Name, found <EOF>.", 1, 10}},
    {"{ a } }", {"Syntax Error: Unexpected '}'.", 1, 7}},
    {"", {"Syntax Error: Unexpected <EOF>.", 1, 1}},
    {"   # only a comment", {"Syntax Error: Unexpected <EOF>.", 1, 20}},
    {"query", {"Syntax Error: Expected '{', found <EOF>.", 1, 6}},
    {"query Q($a) { a }", {"Syntax Error: Expected ':', found ')'.", 1, 11}},
    {"query Q($a: ) { a }", {"Syntax Error: Expected Name, found ')'.", 1, 13}},
    {"query Q($a: Int = ) { a }", {"Syntax Error: Unexpected ')'.", 1, 19}},
    {"query Q($a: Int = $b) { a }",
     {"Syntax Error: Unexpected variable '$b' in constant value.", 1, 19}},
    {"query Q($a: [Int) { a }", {"Syntax Error: Expected ']', found ')'.", 1, 17}},
    {"query Q($a: Int!!) { a }", {"Syntax Error: Expected '$', found '!'.", 1, 17}},
    {"query Q(a: Int) { a }", {"Syntax Error: Expected '$', found Name 'a'.", 1, 9}},
    {"{ a(b) }", {"Syntax Error: Expected ':', found ')'.", 1, 6}},
    {"{ a(b:) }", {"Syntax Error: Unexpected ')'.", 1, 7}},
    {"{ a(b: 1 }", {"Syntax Error: Expected Name, found '}'.", 1, 10}},
    {"{ a: 1 }", {"Syntax Error: Expected Name, found Int '1'.", 1, 6}},
    {"{ ... }", {"Syntax Error: Expected '{', found '}'.", 1, 7}},
    {"{ ... on }", {"Syntax Error: Expected Name, found '}'.", 1, 10}},
    {"{ ... on T }", {"Syntax Error: Expected '{', found '}'.", 1, 12}},
    {"{ a @ }", {"Syntax Error: Expected Name, found '}'.", 1, 7}},
    {"fragment F { a }", {"Syntax Error: Expected 'on', found '{'.", 1, 12}},
    {"fragment on on T { a }", {"Syntax Error: Unexpected Name 'on'.", 1, 10}},
    {"fragment F on { a }", {"Syntax Error: Expected Name, found '{'.", 1, 15}},
    {"fragment F on T", {"Syntax Error: Expected '{', found <EOF>.", 1, 16}},
    {"mutation { a(x: [1 2 }", {"Syntax Error: Unexpected '}'.", 1, 22}},
    {"{ a(x: {b 1}) }", {"Syntax Error: Expected ':', found Int '1'.", 1, 11}},
    {"{ a(x: {b: 1) }", {"Syntax Error: Expected Name, found ')'.", 1, 13}},
    {"{ a(x: $) }", {"Syntax Error: Expected Name, found ')'.", 1, 9}},
    {"{ a(x: \"s\" \"t\") }", {"Syntax Error: Expected Name, found String 't'.", 1, 12}},
    {"{ a \"x\\ny\" }", {"Syntax Error: Expected Name, found String 'x\ny'.", 1, 5}},
    {"subscriptionx { a }", {"Syntax Error: Unexpected Name 'subscriptionx'.", 1, 1}},
    {"Query { a }", {"Syntax Error: Unexpected Name 'Query'.", 1, 1}},
    {"\"desc\" query { a }",
     {"Syntax Error: Unexpected description, descriptions are supported only on type "
      "definitions.",
      1, 1}},
    {"\"desc\" { a }", {"Syntax Error: Unexpected '{'.", 1, 8}},
    {"\"\"\"d\"\"\" fragment F on T { a }",
     {"Syntax Error: Unexpected description, descriptions are supported only on type "
      "definitions.",
      1, 1}},
    {"extend", {"Syntax Error: Unexpected <EOF>.", 1, 7}},
    {"extend foo", {"Syntax Error: Unexpected Name 'foo'.", 1, 8}},
    {"extend directive @d on FIELD", {"Syntax Error: Unexpected Name 'directive'.", 1, 8}},
    {"extend scalar S", {"Syntax Error: Unexpected <EOF>.", 1, 16}},
    {"extend type T", {"Syntax Error: Unexpected <EOF>.", 1, 14}},
    {"extend schema", {"Syntax Error: Unexpected <EOF>.", 1, 14}},
    {"extend union U", {"Syntax Error: Unexpected <EOF>.", 1, 15}},
    {"extend enum E", {"Syntax Error: Unexpected <EOF>.", 1, 14}},
    {"extend input I", {"Syntax Error: Unexpected <EOF>.", 1, 15}},
    {"extend interface I", {"Syntax Error: Unexpected <EOF>.", 1, 19}},
    {"schema {}", {"Syntax Error: Expected Name, found '}'.", 1, 9}},
    {"schema { query }", {"Syntax Error: Expected ':', found '}'.", 1, 16}},
    {"schema { foo: Q }", {"Syntax Error: Unexpected Name 'foo'.", 1, 10}},
    {"scalar", {"Syntax Error: Expected Name, found <EOF>.", 1, 7}},
    {"type T {}", {"Syntax Error: Expected Name, found '}'.", 1, 9}},
    {"type T { a }", {"Syntax Error: Expected ':', found '}'.", 1, 12}},
    {"type T implements { a: Int }", {"Syntax Error: Expected Name, found '{'.", 1, 19}},
    {"type T implements A & { a: Int }", {"Syntax Error: Expected Name, found '{'.", 1, 23}},
    {"type T { a(b): Int }", {"Syntax Error: Expected ':', found ')'.", 1, 13}},
    {"type T { a(b: Int = $v): Int }",
     {"Syntax Error: Unexpected variable '$v' in constant value.", 1, 21}},
    {"union U = | ", {"Syntax Error: Expected Name, found <EOF>.", 1, 13}},
    {"enum E { true }",
     {"Syntax Error: Name 'true' is reserved and cannot be used for an enum value.", 1, 10}},
    {"enum E { null }",
     {"Syntax Error: Name 'null' is reserved and cannot be used for an enum value.", 1, 10}},
    {"enum E { \"x\" }", {"Syntax Error: Expected Name, found '}'.", 1, 14}},
    {"input I { a }", {"Syntax Error: Expected ':', found '}'.", 1, 13}},
    {"directive d on FIELD", {"Syntax Error: Expected '@', found Name 'd'.", 1, 11}},
    {"directive @d", {"Syntax Error: Expected 'on', found <EOF>.", 1, 13}},
    {"directive @d on FIELD | FOO", {"Syntax Error: Unexpected Name 'FOO'.", 1, 25}},
    {"directive @d repeatable FIELD", {"Syntax Error: Expected 'on', found Name 'FIELD'.", 1, 25}},
    {"type T @d($x: 1) { a: Int }", {"Syntax Error: Expected Name, found '$'.", 1, 11}},
    {"{ a } fragment", {"Syntax Error: Expected Name, found <EOF>.", 1, 15}},
    {"{ a(x: 1.) }", {"Syntax Error: Invalid number, expected digit but got: ')'.", 1, 10}},
    {"{ a(x: 0x1) }", {"Syntax Error: Invalid number, expected digit but got: 'x'.", 1, 9}},
    {"{ a(x: 'y') }",
     {"Syntax Error: Unexpected single quote character ('), did you mean to use a double quote "
      "(\")?",
      1, 8}},
    {"{a(x:\"\\uD800\\u0041\")}",
     {"Syntax Error: Invalid Unicode escape sequence: '\\uD800'.", 1, 7}},
    {"query Q {\n  a(x: [1, 2,\n    3 ]\n  b: c(\n}",
     {"Syntax Error: Expected Name, found '('.", 4, 7}},
    {"# \xC3\xA9\xC3\xA9\n  { \xC3\xA9 }", {"Syntax Error: Unexpected character: U+00E9.", 2, 5}},
    {"\"\xC3\xA9\xC3\xA9\" { a }", {"Syntax Error: Unexpected '{'.", 1, 6}},
    {"{ a(x: \"\"\"\n  multi\n  line\"\"\", y: $) }",
     {"Syntax Error: Expected Name, found ')'.", 3, 16}},
    {"\xEF\xBB\xBF{a b}}", {"Syntax Error: Unexpected '}'.", 1, 7}},
    // graphql-core says 1:2 and 4:4 for these two: its get_location() puts an offset at the
    // start of a line at the end of the previous one. The spec's (and graphql-js's) answer:
    {"{\n}", {"Syntax Error: Expected Name, found '}'.", 2, 1}},
    {"type T {\n  \"desc\"\n  a: Int\n  b\n}", {"Syntax Error: Expected ':', found '}'.", 5, 1}},
};

INSTANTIATE_TEST_SUITE_P(GraphqlCore, BrokenDocumentTest, ::testing::ValuesIn(kBrokenCases));

TEST(ParserTest, ErrorLeavesAnEmptyDocument) {
  ParseResult result = Parse("{ a } { b");
  EXPECT_FALSE(result.ok);
  EXPECT_TRUE(result.document.operations.empty());
  EXPECT_TRUE(result.document.order.empty());
}

// ---- limits ------------------------------------------------------------------------------------

TEST(ParserLimitsTest, TokenLimitCountsLikeGraphqlCore) {
  EXPECT_TRUE(Parse("{ a b c }", ParseOptions{.max_tokens = 5}).ok);
  EXPECT_EQ(
      ParseError("{ a b c }", ParseOptions{.max_tokens = 4}),
      (ErrorAt{"Syntax Error: Document contains more than 4 tokens. Parsing aborted.", 1, 9}));
  EXPECT_EQ(
      ParseError("{ a b c d }", ParseOptions{.max_tokens = 5}),
      (ErrorAt{"Syntax Error: Document contains more than 5 tokens. Parsing aborted.", 1, 11}));
  // Comments and <EOF> do not count.
  EXPECT_TRUE(Parse("# c\n{ a # x\n b }", ParseOptions{.max_tokens = 4}).ok);
  EXPECT_EQ(
      ParseError("{ a }", ParseOptions{.max_tokens = 2}),
      (ErrorAt{"Syntax Error: Document contains more than 2 tokens. Parsing aborted.", 1, 5}));
  EXPECT_EQ(
      ParseError("{ a(x: \"s\") }", ParseOptions{.max_tokens = 6}),
      (ErrorAt{"Syntax Error: Document contains more than 6 tokens. Parsing aborted.", 1, 11}));
  // A syntax error before the limit wins; so does a lexical error in the token that crosses it.
  EXPECT_EQ(ParseError("{ a b", ParseOptions{.max_tokens = 3}),
            (ErrorAt{"Syntax Error: Expected Name, found <EOF>.", 1, 6}));
  EXPECT_EQ(ParseError("{ a 0x1 }", ParseOptions{.max_tokens = 2}),
            (ErrorAt{"Syntax Error: Invalid number, expected digit but got: 'x'.", 1, 6}));
}

TEST(ParserLimitsTest, DefaultTokenLimitIs2000) {
  std::string at_limit = "{" + Repeat(" a", 1998) + " }";  // 2000 tokens
  EXPECT_TRUE(Parse(at_limit).ok);
  std::string over = "{" + Repeat(" a", 1999) + " }";
  EXPECT_EQ(ParseError(over),
            (ErrorAt{"Syntax Error: Document contains more than 2000 tokens. Parsing aborted.", 1,
                     4001}));
  EXPECT_TRUE(Parse(over, ParseOptions{.max_tokens = 0}).ok);
}

TEST(ParserLimitsTest, SelectionSetDepth) {
  // The 64th '{' is allowed, the 65th (column 2 * 65 - 1) is not.
  std::string at_limit = Repeat("{a", 63) + "{a" + Repeat("}", 64);
  EXPECT_TRUE(Parse(at_limit).ok);
  std::string deep = Repeat("{a", 1'000'000);
  EXPECT_EQ(ParseError(deep),
            (ErrorAt{"Syntax Error: Document exceeds the maximum nesting depth of 64.", 1, 129}));
  EXPECT_EQ(ParseError(deep, ParseOptions{.max_tokens = 0, .max_depth = 3}),
            (ErrorAt{"Syntax Error: Document exceeds the maximum nesting depth of 3.", 1, 7}));
}

TEST(ParserLimitsTest, ListValueAndObjectValueDepth) {
  // One level for the selection set, 63 for the lists: the 64th '[' crosses the limit.
  std::string deep_list = "{ a(x: " + Repeat("[", 1'000'000);
  EXPECT_EQ(
      ParseError(deep_list),
      (ErrorAt{"Syntax Error: Document exceeds the maximum nesting depth of 64.", 1, 8 + 63}));
  std::string deep_object = "{ a(x: " + Repeat("{a:", 1'000'000);
  EXPECT_EQ(
      ParseError(deep_object, ParseOptions{.max_tokens = 0}),
      (ErrorAt{"Syntax Error: Document exceeds the maximum nesting depth of 64.", 1, 8 + 63 * 3}));
  std::string list_at_limit = "{ a(x: " + Repeat("[", 63) + Repeat("]", 63) + ") }";
  EXPECT_TRUE(Parse(list_at_limit).ok);
}

TEST(ParserLimitsTest, TypeReferenceDepth) {
  std::string deep_type = "query ($x: " + Repeat("[", 1'000'000);
  EXPECT_EQ(
      ParseError(deep_type),
      (ErrorAt{"Syntax Error: Document exceeds the maximum nesting depth of 64.", 1, 12 + 64}));
  std::string type_at_limit =
      "query ($x: " + Repeat("[", 64) + "Int" + Repeat("]!", 64) + ") { a }";
  Document doc = ParseOk(type_at_limit);
  EXPECT_EQ(doc.operations[0].variables[0].type.ToString(),
            Repeat("[", 64) + "Int" + Repeat("]!", 64));
}

TEST(ParserLimitsTest, UnlimitedDepthIsStillCapped) {
  const ParseOptions unlimited{.max_tokens = 0, .max_depth = 0};
  std::string deep = Repeat("{a", 1'000'000);
  EXPECT_EQ(ParseError(deep, unlimited),
            (ErrorAt{"Syntax Error: Document exceeds the maximum nesting depth of 2000.", 1,
                     2 * 2001 - 1}));
  std::string deep_list = "{ a(x: " + Repeat("[", 1'000'000);
  EXPECT_EQ(
      ParseError(deep_list, unlimited),
      (ErrorAt{"Syntax Error: Document exceeds the maximum nesting depth of 2000.", 1, 8 + 1999}));
  const ParseOptions too_deep{.max_tokens = 0, .max_depth = 1'000'000};
  EXPECT_EQ(ParseError(deep, too_deep).message,
            "Syntax Error: Document exceeds the maximum nesting depth of 2000.");
}

// The hard cap must fit a small thread stack: 1 MiB in optimised builds (about 150 bytes per
// level there); AddressSanitizer's redzones make frames several times larger.
#ifdef __SANITIZE_ADDRESS__
constexpr size_t kSmallStack = 4 << 20;
#else
constexpr size_t kSmallStack = 1 << 20;
#endif

void* ParseAtHardCap(void* ok) {
  const int depth = internal::kHardMaxDepth;
  std::string doc = Repeat("{a", depth - 1) + "{a" + Repeat("}", depth);
  std::string value = "{ a(x: " + Repeat("[", depth - 1) + Repeat("]", depth - 1) + ") }";
  const ParseOptions unlimited{.max_tokens = 0, .max_depth = 0};
  *static_cast<bool*>(ok) = Parse(doc, unlimited).ok && Parse(value, unlimited).ok;
  return nullptr;
}

TEST(ParserLimitsTest, HardCapFitsInASmallStack) {
  pthread_attr_t attr;
  ASSERT_EQ(pthread_attr_init(&attr), 0);
  ASSERT_EQ(pthread_attr_setstacksize(&attr, kSmallStack), 0);
  pthread_t thread;
  bool ok = false;
  ASSERT_EQ(pthread_create(&thread, &attr, &ParseAtHardCap, &ok), 0);
  ASSERT_EQ(pthread_join(thread, nullptr), 0);
  pthread_attr_destroy(&attr);
  EXPECT_TRUE(ok);
}

TEST(ParserLimitsTest, SixteenKibibyteDocumentParses) {
  // About 16 KiB of realistic query text: fields with arguments, aliases and fragments.
  std::string doc = "query Big($id: ID!) {\n";
  for (int i = 0; doc.size() < 16 * 1024 - 200; ++i) {
    doc += fmt::format("  f{0}: field{0}(id: $id, n: {0}, s: \"v{0}\") {{ a b ...F }}\n", i);
  }
  doc += "}\nfragment F on T { c d }\n";
  Document parsed = ParseOk(doc, ParseOptions{.max_tokens = 0});
  EXPECT_GT(parsed.operations[0].selection_set.size(), 200u);
}

// ---- printing ----------------------------------------------------------------------------------

struct PrintCase {
  std::string_view literal;
  std::string_view printed;
};

class PrintValueTest : public ::testing::TestWithParam<PrintCase> {};

// graphql-core's print_ast(parse_value(literal)) gives the same text.
TEST_P(PrintValueTest, PrintsAndRoundTrips) {
  const std::string doc = fmt::format("{{ f(x: {}) }}", GetParam().literal);
  Document parsed = ParseOk(doc);
  ASSERT_EQ(parsed.operations.size(), 1u);
  const Value& value = parsed.operations[0].selection_set[0].arguments[0].value;
  const std::string printed = PrintValue(value);
  EXPECT_EQ(printed, GetParam().printed);
  Document reparsed = ParseOk(fmt::format("{{ f(x: {}) }}", printed));
  ASSERT_EQ(reparsed.operations.size(), 1u);
  EXPECT_EQ(PrintValue(reparsed.operations[0].selection_set[0].arguments[0].value), printed);
}

const PrintCase kPrintCases[] = {
    {"1", "1"},
    {"-1.5e3", "-1.5e3"},
    {R"("a\"b\\c\n")", R"("a\"b\\c\n")"},
    {R"("\u0001\u007F\u0080é\t\b\f\r\u001f/")", R"("\u0001\u007F\u0080é\t\b\f\r\u001F/")"},
    {R"("\u009f\u00a0")", "\"\\u009F\xC2\xA0\""},
    {R"("😀\uD83D\uDE00")", R"("😀😀")"},
    {"\"\"\"\n  block\n    text\n\"\"\"", R"("block\n  text")"},
    {"true", "true"},
    {"false", "false"},
    {"null", "null"},
    {"ENUM", "ENUM"},
    {"$var", "$var"},
    {"[1,[2 3],[]]", "[1, [2, 3], []]"},
    {"{a:1 b:{c:\"x\"} d:[]}", "{a: 1, b: {c: \"x\"}, d: []}"},
    {"{}", "{}"},
    {"[]", "[]"},
};

INSTANTIATE_TEST_SUITE_P(Literals, PrintValueTest, ::testing::ValuesIn(kPrintCases));

TEST(AstTest, TypeRefToString) {
  Document doc = ParseOk("query ($a: Int, $b: [Int], $c: [[Int!]!]!) { a }");
  const std::vector<VariableDefinition>& vars = doc.operations[0].variables;
  EXPECT_EQ(vars[0].type.ToString(), "Int");
  EXPECT_EQ(vars[1].type.ToString(), "[Int]");
  EXPECT_EQ(vars[2].type.ToString(), "[[Int!]!]!");
}

TEST(AstTest, OperationTypeName) {
  EXPECT_STREQ(OperationTypeName(OperationType::kQuery), "query");
  EXPECT_STREQ(OperationTypeName(OperationType::kMutation), "mutation");
  EXPECT_STREQ(OperationTypeName(OperationType::kSubscription), "subscription");
}

}  // namespace
}  // namespace de::graphql
