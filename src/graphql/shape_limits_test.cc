#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "graphql/parser.h"
#include "graphql/validation.h"

namespace de::graphql {
namespace {

// "{ node { child { ... child { value } ... } } }" with `depth` fields on the deepest path.
std::string Nested(int depth) {
  std::string text = "{ node {";
  for (int i = 2; i < depth; ++i) text += " child {";
  text += " value";
  for (int i = 1; i < depth; ++i) text += " }";
  return text + " }";
}

std::vector<GraphQLError> Check(const std::string& text, const ShapeLimits& limits = {}) {
  ParseResult parsed = Parse(text);
  EXPECT_TRUE(parsed.ok) << parsed.error.message;
  return CheckShapeLimits(parsed.document, limits);
}

TEST(ShapeLimitsTest, DefaultsMatchTheIssue) {
  const ShapeLimits limits;
  EXPECT_EQ(limits.max_field_depth, 10);
  EXPECT_EQ(limits.max_aliases, 15);
  EXPECT_EQ(limits.max_directives, 50);
}

TEST(ShapeLimitsTest, DepthAtTheLimitPasses) {
  EXPECT_TRUE(Check(Nested(10)).empty());
  EXPECT_TRUE(Check("{ value }", {.max_field_depth = 1}).empty());
}

TEST(ShapeLimitsTest, DepthOverTheLimitNamesTheFirstDeepField) {
  // node at depth 1 (column 3), child at 2..10, value at 11: column 3 + 7 + 9 * 8 = 82.
  const std::vector<GraphQLError> errors = Check(Nested(11));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].message, "Query depth 11 exceeds the limit of 10.");
  EXPECT_EQ(errors[0].locations, (std::vector<SourceLocation>{{1, 82}}));
  EXPECT_EQ(errors[0].code, "LIMIT_EXCEEDED");
  EXPECT_TRUE(errors[0].path.empty());
}

// The message gives the document's depth, the location the first field beyond the limit.
TEST(ShapeLimitsTest, DepthCountsEveryOperation) {
  const std::vector<GraphQLError> errors = Check(
      "query A { a { b { c } } }\n"
      "query B { a { b { c { d } } } x }\n",
      {.max_field_depth = 2});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].message, "Query depth 4 exceeds the limit of 2.");
  EXPECT_EQ(errors[0].locations, (std::vector<SourceLocation>{{1, 19}}));  // A's `c`
}

TEST(ShapeLimitsTest, FragmentsCountWhereSpreadAndInlineFragmentsAddNothing) {
  const std::string text =
      "{ a { ...F } }\n"
      "fragment F on T { b { ... on T { c { ... { d } } } } }\n";
  EXPECT_TRUE(Check(text, {.max_field_depth = 4}).empty());
  const std::vector<GraphQLError> errors = Check(text, {.max_field_depth = 3});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].message, "Query depth 4 exceeds the limit of 3.");
  EXPECT_EQ(errors[0].locations, (std::vector<SourceLocation>{{2, 44}}));  // `d` in F
}

TEST(ShapeLimitsTest, FieldsUnderIntrospectionAreExempt) {
  const std::string deep_introspection =
      "{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType "
      "{ ofType { name } } } } } } } } } } } __type(name: \"Q\") { fields { type { ofType { "
      "ofType { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } } }";
  EXPECT_TRUE(Check(deep_introspection).empty());
  // The introspection field itself still counts.
  const std::vector<GraphQLError> errors =
      Check("{ a { b { __schema { types { name } } } } }", {.max_field_depth = 2});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].message, "Query depth 3 exceeds the limit of 2.");
  EXPECT_EQ(errors[0].locations, (std::vector<SourceLocation>{{1, 11}}));
}

TEST(ShapeLimitsTest, FragmentCyclesTerminate) {
  const std::string text =
      "{ ...A }\n"
      "fragment A on Q { a { ...B } }\n"
      "fragment B on Q { b { ...A c { d } } }\n";
  // a (1), b (2), c (3), d (4); the spread of A inside B closes the cycle and adds nothing.
  EXPECT_TRUE(Check(text, {.max_field_depth = 4}).empty());
  const std::vector<GraphQLError> errors = Check(text, {.max_field_depth = 3});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].message, "Query depth 4 exceeds the limit of 3.");
  EXPECT_EQ(errors[0].locations, (std::vector<SourceLocation>{{3, 32}}));  // `d` in B
}

// Sixty fragments each spreading the next one twice: 2^60 paths, measured once per fragment.
TEST(ShapeLimitsTest, FragmentsSpreadingFragmentsCostLinearTime) {
  std::string text = "{ ...F0 }";
  for (int i = 0; i < 60; ++i) {
    const std::string next = "...F" + std::to_string(i + 1);
    text += " fragment F" + std::to_string(i) + " on T { " + next + " " + next + " }";
  }
  text += " fragment F60 on T { a { b } }";
  EXPECT_TRUE(Check(text).empty());
  const std::vector<GraphQLError> errors = Check(text, {.max_field_depth = 1});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].message, "Query depth 2 exceeds the limit of 1.");
}

TEST(ShapeLimitsTest, AliasesCountedOncePerUseInTheText) {
  // Three aliases in F, spread twice, plus two in the operation: 5 uses in the text.
  const std::string text =
      "{ x: a y: b ...F ...F }\n"
      "fragment F on T { p: a q: b r: c }\n";
  EXPECT_TRUE(Check(text, {.max_aliases = 5}).empty());
  const std::vector<GraphQLError> errors = Check(text, {.max_aliases = 4});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].message, "Query uses 5 aliases, exceeding the limit of 4.");
  EXPECT_EQ(errors[0].locations, (std::vector<SourceLocation>{{2, 29}}));  // the 5th: `r: c`
  EXPECT_EQ(errors[0].code, "LIMIT_EXCEEDED");
}

TEST(ShapeLimitsTest, DefaultAliasLimit) {
  std::string text = "{";
  for (int i = 0; i < 16; ++i) text += " a" + std::to_string(i) + ": a";
  text += " }";
  const std::vector<GraphQLError> errors = Check(text);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].message, "Query uses 16 aliases, exceeding the limit of 15.");
  // "{" then 15 aliases of 7 characters (" aN: a") or 8 (" aNN: a") before the 16th.
  EXPECT_EQ(errors[0].locations, (std::vector<SourceLocation>{{1, 2 + 10 * 6 + 5 * 7 + 1}}));
}

TEST(ShapeLimitsTest, DirectivesEverywhereCount) {
  const std::string text =
      "query Q($v: Int @d) @d { a @skip(if: true) @include(if: true) ...F @d "
      "... @d { b } }\n"
      "fragment F on T @d { c @d }\n";
  EXPECT_TRUE(Check(text, {.max_directives = 8}).empty());
  const std::vector<GraphQLError> errors = Check(text, {.max_directives = 6});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].message, "Query uses 8 directives, exceeding the limit of 6.");
  EXPECT_EQ(errors[0].locations, (std::vector<SourceLocation>{{2, 17}}));  // the 7th: F's @d
}

TEST(ShapeLimitsTest, OneErrorPerLimitInFixedOrder) {
  const std::string text = "{ a: x @d { b: y @d { c: z @d { w } } } }";
  const std::vector<GraphQLError> errors =
      Check(text, {.max_field_depth = 2, .max_aliases = 1, .max_directives = 1});
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].message, "Query depth 4 exceeds the limit of 2.");
  EXPECT_EQ(errors[0].locations, (std::vector<SourceLocation>{{1, 23}}));
  EXPECT_EQ(errors[1].message, "Query uses 3 aliases, exceeding the limit of 1.");
  EXPECT_EQ(errors[1].locations, (std::vector<SourceLocation>{{1, 13}}));
  EXPECT_EQ(errors[2].message, "Query uses 3 directives, exceeding the limit of 1.");
  EXPECT_EQ(errors[2].locations, (std::vector<SourceLocation>{{1, 18}}));
}

}  // namespace
}  // namespace de::graphql
