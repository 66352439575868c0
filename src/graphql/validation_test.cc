#include "graphql/validation.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "graphql/parser.h"
#include "graphql/schema.h"

namespace de::graphql {
namespace {

// Every expected error below was produced by graphql-core 3.2 (validate(schema, parse(doc)) with
// the specification's line counting) for the same schema and document.
constexpr char kSdl[] = R"(
type Query {
  hero(episode: Episode = NEWHOPE): Character
  character(id: ID!): Character
  echo(int: Int, float: Float, string: String, boolean: Boolean, id: ID, episode: Episode, json: JSON, input: ReviewInput, list: [Int], strictList: [Int!], defaulted: Int = 42): JSON
  search(text: String!, episodes: [Episode!] = [NEWHOPE]): [Character]
  int: Int
  float: Float
  string: String
  node: Node
}
type Mutation { setCount(value: Int!): Int! }
type Character { id: ID! name: String! age: Int friends: [Character] }
type Node { value: Int name: String child: Node }
enum Episode { NEWHOPE EMPIRE JEDI }
input ReviewInput { stars: Int! commentary: String tags: [String!] = ["none"] }
scalar JSON
)";

struct ExpectedError {
  std::string message;
  std::vector<SourceLocation> locations;
};

struct RuleCase {
  std::string rule;
  std::string document;
  std::vector<ExpectedError> errors;  // in graphql-core's order
};

const std::vector<RuleCase>& RuleCases() {
  static const auto* const kCases = new std::vector<RuleCase>{
      {"ExecutableDefinitions", "query A { int } fragment F on Query { int } query Q { ...F }", {}},
      {"ExecutableDefinitions",
       "{ int }\ntype Extra { a: Int }\nschema { query: Query }\nextend type Query { b: Int "
       "}\ndirective @mine on FIELD",
       {
           {"The 'Extra' definition is not executable.", {{2, 1}}},
           {"The schema definition is not executable.", {{3, 1}}},
           {"The 'Query' definition is not executable.", {{4, 1}}},
           {"The 'mine' definition is not executable.", {{5, 1}}},
       }},
      {"UniqueOperationNames",
       "query A { int } query B { int } mutation C { setCount(value: 1) }",
       {}},
      {"UniqueOperationNames",
       "query A { int } mutation A { setCount(value: 1) } query A { float }",
       {
           {"There can be only one operation named 'A'.", {{1, 7}, {1, 26}}},
           {"There can be only one operation named 'A'.", {{1, 7}, {1, 57}}},
       }},
      {"LoneAnonymousOperation", "{ int }", {}},
      {"LoneAnonymousOperation",
       "{ int }\nquery Q { float }\n{ string }",
       {
           {"This anonymous operation must be the only defined operation.", {{1, 1}}},
           {"This anonymous operation must be the only defined operation.", {{3, 1}}},
       }},
      {"FieldsOnCorrectType",
       "{ __typename hero { __typename name friends { id } } __schema { queryType { name } } "
       "__type(name: \"Query\") { name } }",
       {}},
      {"FieldsOnCorrectType",
       "{ hero { nme frends { name } } ints }",
       {
           {"Cannot query field 'nme' on type 'Character'. Did you mean 'name' or 'age'?",
            {{1, 10}}},
           {"Cannot query field 'frends' on type 'Character'. Did you mean 'friends'?", {{1, 14}}},
           {"Cannot query field 'ints' on type 'Query'. Did you mean 'int'?", {{1, 32}}},
       }},
      {"FieldsOnCorrectType",
       "mutation { __typename __schema { queryType { name } } }",
       {
           {"Cannot query field '__schema' on type 'Mutation'.", {{1, 23}}},
       }},
      {"FragmentsOnCompositeTypes",
       "{ hero { ... on Character { name } } ...F } fragment F on Query { int }",
       {}},
      {"FragmentsOnCompositeTypes",
       "{ int ... on Int { a } ...F } fragment F on ReviewInput { stars }",
       {
           {"Fragment cannot condition on non composite type 'Int'.", {{1, 14}}},
           {"Fragment 'F' cannot condition on non composite type 'ReviewInput'.", {{1, 45}}},
       }},
      {"VariablesAreInputTypes",
       "query ($a: Int, $b: [Episode!], $c: Episode!, $d: JSON) { echo(int: $a, json: $d, episode: "
       "$c) search(text: \"x\", episodes: $b) { id } }",
       {}},
      {"VariablesAreInputTypes",
       "query ($a: Character, $b: [Node]!) { int }",
       {
           {"Variable '$a' cannot be non-input type 'Character'.", {{1, 12}}},
           {"Variable '$b' cannot be non-input type '[Node]!'.", {{1, 27}}},
           {"Variable '$a' is never used.", {{1, 8}}},
           {"Variable '$b' is never used.", {{1, 23}}},
       }},
      {"ScalarLeafs", "{ int hero { name } echo(int: 1) }", {}},
      {"ScalarLeafs",
       "{ hero int { a } string(x: 1) { b } }",
       {
           {"Field 'hero' of type 'Character' must have a selection of subfields. Did you mean "
            "'hero { ... }'?",
            {{1, 3}}},
           {"Field 'int' must not have a selection since type 'Int' has no subfields.", {{1, 12}}},
           {"Field 'string' must not have a selection since type 'String' has no subfields.",
            {{1, 31}}},
           {"Unknown argument 'x' on field 'Query.string'.", {{1, 25}}},
       }},
      {"KnownArgumentNames", "{ hero(episode: JEDI) { name } int @include(if: true) }", {}},
      {"KnownArgumentNames",
       "{ hero(episod: JEDI) { name } int @include(iff: true) }",
       {
           {"Unknown argument 'episod' on field 'Query.hero'. Did you mean 'episode'?", {{1, 8}}},
           {"Unknown argument 'iff' on directive '@include'. Did you mean 'if'?", {{1, 44}}},
           {"Directive '@include' argument 'if' of type 'Boolean!' is required, but it was not "
            "provided.",
            {{1, 35}}},
       }},
      {"KnownDirectives",
       "query Q($v: Boolean = true) { int @skip(if: $v) ...F @include(if: true) } fragment F on "
       "Query { float }",
       {}},
      {"KnownDirectives",
       "query @skip(if: true) { int @unknown hero { name @deprecated } }",
       {
           {"Directive '@skip' may not be used on query.", {{1, 7}}},
           {"Unknown directive '@unknown'.", {{1, 29}}},
           {"Directive '@deprecated' may not be used on field.", {{1, 50}}},
       }},
      {"UniqueDirectivesPerLocation", "{ int @skip(if: false) @include(if: true) }", {}},
      {"UniqueDirectivesPerLocation",
       "{ int @skip(if: false) @skip(if: true) @skip(if: true) }",
       {
           {"The directive '@skip' can only be used once at this location.", {{1, 7}, {1, 24}}},
           {"The directive '@skip' can only be used once at this location.", {{1, 7}, {1, 40}}},
       }},
      {"UniqueFragmentNames",
       "{ ...A ...B } fragment A on Query { int } fragment B on Query { int }",
       {}},
      {"UniqueFragmentNames",
       "{ ...A } fragment A on Query { int }\nfragment A on Query { float }",
       {
           {"There can be only one fragment named 'A'.", {{1, 19}, {2, 10}}},
       }},
      {"KnownFragmentNames", "{ ...F } fragment F on Query { int }", {}},
      {"KnownFragmentNames",
       "{ ...Missing hero { ...AlsoMissing } }",
       {
           {"Unknown fragment 'Missing'.", {{1, 6}}},
           {"Unknown fragment 'AlsoMissing'.", {{1, 24}}},
       }},
      {"KnownTypeNames",
       "query ($e: Episode) { hero(episode: $e) { ... on Character { name } } }",
       {}},
      {"KnownTypeNames",
       "query ($e: Episod, $l: [Strin!]) { hero { ... on Charcter { name } } ...F } fragment F on "
       "Quer { int }",
       {
           {"Unknown type 'Episod'. Did you mean 'Episode'?", {{1, 12}}},
           {"Unknown type 'Strin'. Did you mean 'String'?", {{1, 25}}},
           {"Unknown type 'Charcter'. Did you mean 'Character'?", {{1, 50}}},
           {"Variable '$e' is never used.", {{1, 8}}},
           {"Variable '$l' is never used.", {{1, 20}}},
           {"Unknown type 'Quer'. Did you mean 'Query'?", {{1, 91}}},
       }},
      {"NoUnusedFragments",
       "{ ...A } fragment A on Query { ...B } fragment B on Query { int }",
       {}},
      {"NoUnusedFragments",
       "{ int } fragment A on Query { ...B } fragment B on Query { int }",
       {
           {"Fragment 'A' is never used.", {{1, 9}}},
           {"Fragment 'B' is never used.", {{1, 38}}},
       }},
      {"PossibleFragmentSpreads",
       "{ hero { ...C ... on Character { id } } } fragment C on Character { name }",
       {}},
      {"PossibleFragmentSpreads",
       "{ hero { ...Q ... on Node { value } } } fragment Q on Query { int }",
       {
           {"Fragment 'Q' cannot be spread here as objects of type 'Character' can never be of "
            "type 'Query'.",
            {{1, 10}}},
           {"Fragment cannot be spread here as objects of type 'Character' can never be of type "
            "'Node'.",
            {{1, 15}}},
       }},
      {"NoFragmentCycles",
       "{ ...A } fragment A on Query { ...B ...B } fragment B on Query { int }",
       {}},
      {"NoFragmentCycles",
       "{ ...A }\nfragment A on Query { ...B }\nfragment B on Query { ...C ...A }\nfragment C on "
       "Query { ...C }",
       {
           {"Cannot spread fragment 'C' within itself.", {{4, 23}}},
           {"Cannot spread fragment 'A' within itself via 'B'.", {{2, 23}, {3, 28}}},
       }},
      {"UniqueVariableNames", "query ($a: Int, $b: Int) { echo(int: $a, defaulted: $b) }", {}},
      {"UniqueVariableNames",
       "query ($a: Int, $a: Int, $a: String) { echo(int: $a) }",
       {
           {"There can be only one variable named '$a'.", {{1, 9}, {1, 18}, {1, 27}}},
           {"Variable '$a' of type 'String' used in position expecting type 'Int'.",
            {{1, 26}, {1, 50}}},
       }},
      {"NoUndefinedVariables",
       "query Q($a: Int) { ...F } fragment F on Query { echo(int: $a) }",
       {}},
      {"NoUndefinedVariables",
       "query Q($a: Int) { echo(int: $a, list: [$b]) ...F } fragment F on Query { echo(input: "
       "{stars: $c}) }\n{ echo(int: $d) }",
       {
           {"Fields 'echo' conflict because they have differing arguments. Use different aliases "
            "on the fields to fetch both if this was intentional.",
            {{1, 20}, {1, 75}}},
           {"Variable '$b' is not defined by operation 'Q'.", {{1, 41}, {1, 1}}},
           {"Variable '$c' is not defined by operation 'Q'.", {{1, 95}, {1, 1}}},
           {"This anonymous operation must be the only defined operation.", {{2, 1}}},
           {"Variable '$d' is not defined.", {{2, 13}, {2, 1}}},
       }},
      {"NoUnusedVariables",
       "query ($a: Int, $b: Boolean!) { ...F @include(if: $b) } fragment F on Query { echo(int: "
       "$a) }",
       {}},
      {"NoUnusedVariables",
       "query Q($a: Int, $b: Int) { echo(int: $a) }\nquery ($c: Int) { int }",
       {
           {"Variable '$b' is never used in operation 'Q'.", {{1, 18}}},
           {"This anonymous operation must be the only defined operation.", {{2, 1}}},
           {"Variable '$c' is never used.", {{2, 8}}},
       }},
      {"UniqueArgumentNames", "{ echo(int: 1, float: 2) @include(if: true) }", {}},
      {"UniqueArgumentNames",
       "{ echo(int: 1, int: 2, int: 3) @include(if: true, if: false) }",
       {
           {"There can be only one argument named 'int'.", {{1, 8}, {1, 16}, {1, 24}}},
           {"There can be only one argument named 'if'.", {{1, 41}, {1, 51}}},
       }},
      {"ValuesOfCorrectType",
       "{ echo(int: 1, float: 2, string: \"s\", boolean: true, id: 4, episode: JEDI, json: {a: [1, "
       "null]}, input: {stars: 1, tags: [\"x\"]}, list: [1, null], strictList: 5) }",
       {}},
      {"ValuesOfCorrectType",
       "{ echo(int: \"1\", float: true, string: 2, boolean: 1, id: 1.5, episode: JEDII) }",
       {
           {"Int cannot represent non-integer value: \"1\"", {{1, 13}}},
           {"Float cannot represent non numeric value: true", {{1, 25}}},
           {"String cannot represent a non string value: 2", {{1, 39}}},
           {"Boolean cannot represent a non boolean value: 1", {{1, 51}}},
           {"ID cannot represent a non-string and non-integer value: 1.5", {{1, 58}}},
           {"Value 'JEDII' does not exist in 'Episode' enum. Did you mean the enum value 'JEDI'?",
            {{1, 72}}},
       }},
      {"ValuesOfCorrectType",
       "{ echo(int: 2147483648, episode: \"JEDI\", input: {stars: null, comentary: \"x\"}, list: "
       "[1, \"a\"], strictList: [null]) }",
       {
           {"Int cannot represent non 32-bit signed integer value: 2147483648", {{1, 13}}},
           {"Enum 'Episode' cannot represent non-enum value: \"JEDI\". Did you mean the enum value "
            "'JEDI'?",
            {{1, 34}}},
           {"Expected value of type 'Int!', found null.", {{1, 57}}},
           {"Field 'comentary' is not defined by type 'ReviewInput'. Did you mean 'commentary'?",
            {{1, 63}}},
           {"Int cannot represent non-integer value: \"a\"", {{1, 90}}},
           {"Expected value of type 'Int!', found null.", {{1, 109}}},
       }},
      {"ValuesOfCorrectType",
       "query ($a: Int = \"x\", $b: ReviewInput = {tags: [1]}) { echo(int: $a, input: $b, json: "
       "{a: $a}) x: echo(input: [1]) y: echo(input: 5) }",
       {
           {"Int cannot represent non-integer value: \"x\"", {{1, 18}}},
           {"Field 'ReviewInput.stars' of required type 'Int!' was not provided.", {{1, 41}}},
           {"String cannot represent a non string value: 1", {{1, 49}}},
           {"Expected value of type 'ReviewInput', found [1].", {{1, 111}}},
           {"Expected value of type 'ReviewInput', found 5.", {{1, 131}}},
       }},
      {"ProvidedRequiredArguments",
       "{ character(id: 1) { id } search(text: \"x\") { id } echo int @skip(if: true) }",
       {}},
      {"ProvidedRequiredArguments",
       "{ character { id } search(episodes: [JEDI]) { id } int @skip __type { name } }",
       {
           {"Field 'character' argument 'id' of type 'ID!' is required, but it was not provided.",
            {{1, 3}}},
           {"Field 'search' argument 'text' of type 'String!' is required, but it was not "
            "provided.",
            {{1, 20}}},
           {"Directive '@skip' argument 'if' of type 'Boolean!' is required, but it was not "
            "provided.",
            {{1, 56}}},
           {"Field '__type' argument 'name' of type 'String!' is required, but it was not "
            "provided.",
            {{1, 62}}},
       }},
      {"VariablesInAllowedPosition",
       "query ($a: Int!, $b: [Int!]!, $c: String = \"x\", $d: Int) { echo(int: $a, list: $b, "
       "strictList: $b) search(text: $c) { id } e: echo(int: $d, defaulted: $d) }",
       {}},
      {"VariablesInAllowedPosition",
       "query ($a: Int, $b: [Int], $c: String, $e: Episode) { character(id: $a) { id } "
       "echo(strictList: $b) search(text: $c, episodes: [$e]) { id } e: echo(int: $e) }",
       {
           {"Variable '$a' of type 'Int' used in position expecting type 'ID!'.",
            {{1, 8}, {1, 69}}},
           {"Variable '$b' of type '[Int]' used in position expecting type '[Int!]'.",
            {{1, 17}, {1, 97}}},
           {"Variable '$c' of type 'String' used in position expecting type 'String!'.",
            {{1, 28}, {1, 114}}},
           {"Variable '$e' of type 'Episode' used in position expecting type 'Episode!'.",
            {{1, 40}, {1, 129}}},
           {"Variable '$e' of type 'Episode' used in position expecting type 'Int'.",
            {{1, 40}, {1, 154}}},
       }},
      {"VariablesInAllowedPosition",
       "query ($a: Int = null, $s: String) { echo(int: $a) ...F } fragment F on Query { "
       "character(id: $s) { id } }",
       {
           {"Variable '$s' of type 'String' used in position expecting type 'ID!'.",
            {{1, 24}, {1, 95}}},
       }},
      {"OverlappingFieldsCanBeMerged",
       "{ int a: int int a: int hero { name } hero { id } echo(int: 1) echo(int: 1) ...F ... on "
       "Query { int } } fragment F on Query { int a: int }",
       {}},
      {"OverlappingFieldsCanBeMerged",
       "{ a: int a: float echo(int: 1) echo(int: 2) echo: string }",
       {
           {"Fields 'a' conflict because 'int' and 'float' are different fields. Use different "
            "aliases on the fields to fetch both if this was intentional.",
            {{1, 3}, {1, 10}}},
           {"Fields 'echo' conflict because they have differing arguments. Use different aliases "
            "on the fields to fetch both if this was intentional.",
            {{1, 19}, {1, 32}}},
           {"Fields 'echo' conflict because 'echo' and 'string' are different fields. Use "
            "different aliases on the fields to fetch both if this was intentional.",
            {{1, 19}, {1, 45}}},
           {"Fields 'echo' conflict because 'echo' and 'string' are different fields. Use "
            "different aliases on the fields to fetch both if this was intentional.",
            {{1, 32}, {1, 45}}},
       }},
      {"OverlappingFieldsCanBeMerged",
       "{ hero { x: name friends { y: id } } hero { x: id friends { y: name } } }",
       {
           {"Fields 'hero' conflict because subfields 'x' conflict because 'name' and 'id' are "
            "different fields and subfields 'friends' conflict because subfields 'y' conflict "
            "because 'id' and 'name' are different fields. Use different aliases on the fields to "
            "fetch both if this was intentional.",
            {{1, 3}, {1, 10}, {1, 18}, {1, 28}, {1, 38}, {1, 45}, {1, 51}, {1, 61}}},
       }},
      {"OverlappingFieldsCanBeMerged",
       "{ ...A ...B hero { ...C } hero { ...D } }\nfragment A on Query { x: int }\nfragment B on "
       "Query { x: float }\nfragment C on Character { n: name }\nfragment D on Character { n: age "
       "}",
       {
           {"Fields 'hero' conflict because subfields 'n' conflict because 'name' and 'age' are "
            "different fields. Use different aliases on the fields to fetch both if this was "
            "intentional.",
            {{1, 13}, {4, 27}, {1, 27}, {5, 27}}},
           {"Fields 'x' conflict because 'int' and 'float' are different fields. Use different "
            "aliases on the fields to fetch both if this was intentional.",
            {{2, 23}, {3, 23}}},
       }},
      {"OverlappingFieldsCanBeMerged",
       "{ echo(input: {stars: 1, commentary: \"a\"}) echo(input: {commentary: \"a\", stars: 1}) e: "
       "echo(list: [1]) e: echo(list: [2]) }",
       {
           {"Fields 'e' conflict because they have differing arguments. Use different aliases on "
            "the fields to fetch both if this was intentional.",
            {{1, 85}, {1, 104}}},
       }},
      {"UniqueInputFieldNames",
       "{ echo(input: {stars: 1, commentary: \"c\"}, json: {a: {a: 1}, b: 2}) }",
       {}},
      {"UniqueInputFieldNames",
       "{ echo(input: {stars: 1, stars: 2, stars: 3}, json: {a: {b: 1, b: 2}}) }",
       {
           {"There can be only one input field named 'stars'.", {{1, 16}, {1, 26}}},
           {"There can be only one input field named 'stars'.", {{1, 16}, {1, 36}}},
           {"There can be only one input field named 'b'.", {{1, 58}, {1, 64}}},
       }},
      {"MaxIntrospectionDepth",
       "{ __schema { types { fields { type { fields { name } } } } } }",
       {}},
      {"MaxIntrospectionDepth",
       "{ __type(name: \"Query\") { ...T } } fragment T on __Type { fields { type { fields { type "
       "{ fields { name } } } } } }",
       {
           {"Maximum introspection depth exceeded", {{1, 3}}},
       }},

  };
  return *kCases;
}

class ValidationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto built = BuildSchema(kSdl);
    ASSERT_TRUE(built.ok()) << built.status().ToString();
    schema_ = std::move(built).value().release();
  }
  static void TearDownTestSuite() {
    delete schema_;
    schema_ = nullptr;
  }

  static std::vector<GraphQLError> ValidateText(const std::string& text, size_t max_errors = 100) {
    ParseResult parsed = Parse(text, {.max_tokens = 0, .max_depth = 0});  // no parser limits
    EXPECT_TRUE(parsed.ok) << parsed.error.message;
    return Validate(*schema_, parsed.document, max_errors);
  }

  static void ExpectErrors(const std::vector<GraphQLError>& actual,
                           const std::vector<ExpectedError>& expected) {
    ASSERT_EQ(actual.size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i) {
      SCOPED_TRACE("error " + std::to_string(i));
      EXPECT_EQ(actual[i].message, expected[i].message);
      EXPECT_EQ(actual[i].locations, expected[i].locations);
      EXPECT_EQ(actual[i].code, "GRAPHQL_VALIDATION_FAILED");
      EXPECT_TRUE(actual[i].path.empty());
    }
  }

  static Schema* schema_;
};

Schema* ValidationTest::schema_ = nullptr;

// Each rule of validation.h, with a valid document (no errors) and invalid ones: messages,
// locations and order as graphql-core reports them.
TEST_F(ValidationTest, RulesMatchGraphqlCore) {
  for (const RuleCase& c : RuleCases()) {
    SCOPED_TRACE(c.rule + ": " + c.document);
    ExpectErrors(ValidateText(c.document), c.errors);
  }
}

TEST_F(ValidationTest, EveryRuleHasValidAndInvalidCases) {
  std::map<std::string, std::pair<int, int>> counts;  // rule -> (valid, invalid)
  for (const RuleCase& c : RuleCases()) {
    (c.errors.empty() ? counts[c.rule].first : counts[c.rule].second)++;
  }
  EXPECT_EQ(counts.size(), 26u);  // validation.h's 24, UniqueFragmentNames, MaxIntrospectionDepth
  for (const auto& [rule, count] : counts) {
    EXPECT_GE(count.first, 1) << rule;
    EXPECT_GE(count.second, 1) << rule;
  }
}

TEST_F(ValidationTest, ErrorCapAppendsAbortMessage) {
  const std::string document = "{ a b c d e }";
  const std::string abort = "Too many validation errors, error limit reached. Validation aborted.";
  std::vector<GraphQLError> errors = ValidateText(document, 3);
  ASSERT_EQ(errors.size(), 4u);
  EXPECT_EQ(errors[2].message, "Cannot query field 'c' on type 'Query'.");
  EXPECT_EQ(errors[3].message, abort);
  EXPECT_TRUE(errors[3].locations.empty());
  EXPECT_EQ(errors[3].code, "GRAPHQL_VALIDATION_FAILED");

  errors = ValidateText(document, 5);  // exactly at the cap: no abort message
  ASSERT_EQ(errors.size(), 5u);
  EXPECT_EQ(errors[4].message, "Cannot query field 'e' on type 'Query'.");

  errors = ValidateText(document, 0);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].message, abort);
}

TEST_F(ValidationTest, DefaultCapIsOneHundred) {
  std::string document = "{";
  for (int i = 0; i < 40; ++i) document += i % 2 ? " a: int" : " a: float";
  document += " }";
  const std::vector<GraphQLError> errors = ValidateText(document);
  ASSERT_EQ(errors.size(), 101u);
  EXPECT_EQ(errors[0].message,
            "Fields 'a' conflict because 'float' and 'int' are different fields. Use different "
            "aliases on the fields to fetch both if this was intentional.");
  EXPECT_EQ(errors[0].locations, (std::vector<SourceLocation>{{1, 3}, {1, 12}}));
  EXPECT_EQ(errors[100].message,
            "Too many validation errors, error limit reached. Validation aborted.");
}

// Fragments spreading fragments twice at every level, and wide duplicate selections: the
// overlap check caches fragment pairs, so this finishes (graphql-core's cost, not 2^60).
TEST_F(ValidationTest, OverlapCheckStaysPolynomial) {
  std::string document = "{ node { ...F0 } }";
  for (int i = 0; i < 60; ++i) {
    const std::string next = "F" + std::to_string(i + 1);
    document += " fragment F" + std::to_string(i) + " on Node { value child { ..." + next +
                " } child { ..." + next + " } ..." + next + " }";
  }
  document += " fragment F60 on Node { value }";
  EXPECT_TRUE(ValidateText(document).empty());

  std::string wide = "{";
  for (int i = 0; i < 300; ++i) wide += " node { child { value } }";
  wide += " }";
  EXPECT_TRUE(ValidateText(wide).empty());
}

}  // namespace
}  // namespace de::graphql
