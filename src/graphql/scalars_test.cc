// Coercion of the built-in scalars, enums and custom scalars (§3.5, §3.9). The expected values
// and messages of the three tables were produced by graphql-core 3.2 (GraphQLInt.parse_value(...),
// .serialize(...), .parse_literal(parse_value(...))), so they pin its exact wording.
#include "graphql/scalars.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "graphql/inspect.h"
#include "graphql/parser.h"
#include "graphql/schema.h"

namespace de::graphql {
namespace {

constexpr char kSdl[] = R"(
scalar JSON
enum Color { RED GREEN BLUE }
type Query { i: Int f: Float s: String b: Boolean id: ID j: JSON c: Color }
)";

class ScalarsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto built = BuildSchema(kSdl);
    ASSERT_TRUE(built.ok()) << built.status().ToString();
    schema_ = std::move(built).value();
  }
  const Type& T(std::string_view name) const {
    const Type* type = schema_->Find(name);
    EXPECT_NE(type, nullptr) << name;
    return *type;
  }
  std::unique_ptr<Schema> schema_;
};

// A literal as the parser builds it, taken from `{ f(a: <text>) }`.
Value Literal(const std::string& text) {
  ParseResult parsed = Parse("{ f(a: " + text + ") }");
  EXPECT_TRUE(parsed.ok) << text << ": " << parsed.error.message;
  return parsed.document.operations.at(0).selection_set.at(0).arguments.at(0).value;
}

// One row: a scalar, an input (JSON text or GraphQL literal), and either the result as JSON text
// or the error message.
struct Row {
  const char* scalar;
  const char* input;
  bool ok;
  const char* expected;
};
#define J(json) true, json
#define E(message) false, message

// The outcome in the table's form: "ok <json>" or "error <message>".
std::string Outcome(const std::optional<Json>& result, const std::string& error) {
  return result ? "ok " + result->dump() : "error " + error;
}
std::string Expected(const Row& row) {
  return std::string(row.ok ? "ok " : "error ") + row.expected;
}

const Row kParseValueRows[] = {
    {"Int", "1", J("1")},
    {"Int", "-1", J("-1")},
    {"Int", "0", J("0")},
    {"Int", "2147483647", J("2147483647")},
    {"Int", "-2147483648", J("-2147483648")},
    {"Int", "2147483648", E("Int cannot represent non 32-bit signed integer value: 2147483648")},
    {"Int", "-2147483649", E("Int cannot represent non 32-bit signed integer value: -2147483649")},
    {"Int", "4294967296", E("Int cannot represent non 32-bit signed integer value: 4294967296")},
    {"Int", "1.0", J("1")},
    {"Int", "1.5", E("Int cannot represent non-integer value: 1.5")},
    {"Int", "-0.5", E("Int cannot represent non-integer value: -0.5")},
    {"Int", "1e30", E("Int cannot represent non 32-bit signed integer value: 1e+30")},
    {"Int", "3000000000.0",
     E("Int cannot represent non 32-bit signed integer value: 3000000000.0")},
    {"Int", "\"1\"", E("Int cannot represent non-integer value: '1'")},
    {"Int", "\" 12 \"", E("Int cannot represent non-integer value: ' 12 '")},
    {"Int", "\"1.5\"", E("Int cannot represent non-integer value: '1.5'")},
    {"Int", "\"abc\"", E("Int cannot represent non-integer value: 'abc'")},
    {"Int", "\"\"", E("Int cannot represent non-integer value: ''")},
    {"Int", "true", E("Int cannot represent non-integer value: True")},
    {"Int", "false", E("Int cannot represent non-integer value: False")},
    {"Int", "[]", E("Int cannot represent non-integer value: []")},
    {"Int", "[1]", E("Int cannot represent non-integer value: [1]")},
    {"Int", "{}", E("Int cannot represent non-integer value: {}")},
    {"Int", "{\"a\":1}", E("Int cannot represent non-integer value: {'a': 1}")},
    {"Float", "1", J("1.0")},
    {"Float", "-1", J("-1.0")},
    {"Float", "0", J("0.0")},
    {"Float", "2147483647", J("2147483647.0")},
    {"Float", "-2147483648", J("-2147483648.0")},
    {"Float", "2147483648", J("2147483648.0")},
    {"Float", "-2147483649", J("-2147483649.0")},
    {"Float", "4294967296", J("4294967296.0")},
    {"Float", "1.0", J("1.0")},
    {"Float", "1.5", J("1.5")},
    {"Float", "-0.5", J("-0.5")},
    {"Float", "1e30", J("1e+30")},
    {"Float", "3000000000.0", J("3000000000.0")},
    {"Float", "\"1\"", E("Float cannot represent non numeric value: '1'")},
    {"Float", "\" 12 \"", E("Float cannot represent non numeric value: ' 12 '")},
    {"Float", "\"1.5\"", E("Float cannot represent non numeric value: '1.5'")},
    {"Float", "\"abc\"", E("Float cannot represent non numeric value: 'abc'")},
    {"Float", "\"\"", E("Float cannot represent non numeric value: ''")},
    {"Float", "true", E("Float cannot represent non numeric value: True")},
    {"Float", "false", E("Float cannot represent non numeric value: False")},
    {"Float", "[]", E("Float cannot represent non numeric value: []")},
    {"Float", "[1]", E("Float cannot represent non numeric value: [1]")},
    {"Float", "{}", E("Float cannot represent non numeric value: {}")},
    {"Float", "{\"a\":1}", E("Float cannot represent non numeric value: {'a': 1}")},
    {"String", "1", E("String cannot represent a non string value: 1")},
    {"String", "-1", E("String cannot represent a non string value: -1")},
    {"String", "0", E("String cannot represent a non string value: 0")},
    {"String", "2147483647", E("String cannot represent a non string value: 2147483647")},
    {"String", "-2147483648", E("String cannot represent a non string value: -2147483648")},
    {"String", "2147483648", E("String cannot represent a non string value: 2147483648")},
    {"String", "-2147483649", E("String cannot represent a non string value: -2147483649")},
    {"String", "4294967296", E("String cannot represent a non string value: 4294967296")},
    {"String", "1.0", E("String cannot represent a non string value: 1.0")},
    {"String", "1.5", E("String cannot represent a non string value: 1.5")},
    {"String", "-0.5", E("String cannot represent a non string value: -0.5")},
    {"String", "1e30", E("String cannot represent a non string value: 1e+30")},
    {"String", "3000000000.0", E("String cannot represent a non string value: 3000000000.0")},
    {"String", "\"1\"", J("\"1\"")},
    {"String", "\" 12 \"", J("\" 12 \"")},
    {"String", "\"1.5\"", J("\"1.5\"")},
    {"String", "\"abc\"", J("\"abc\"")},
    {"String", "\"\"", J("\"\"")},
    {"String", "true", E("String cannot represent a non string value: True")},
    {"String", "false", E("String cannot represent a non string value: False")},
    {"String", "[]", E("String cannot represent a non string value: []")},
    {"String", "[1]", E("String cannot represent a non string value: [1]")},
    {"String", "{}", E("String cannot represent a non string value: {}")},
    {"String", "{\"a\":1}", E("String cannot represent a non string value: {'a': 1}")},
    {"Boolean", "1", E("Boolean cannot represent a non boolean value: 1")},
    {"Boolean", "-1", E("Boolean cannot represent a non boolean value: -1")},
    {"Boolean", "0", E("Boolean cannot represent a non boolean value: 0")},
    {"Boolean", "2147483647", E("Boolean cannot represent a non boolean value: 2147483647")},
    {"Boolean", "-2147483648", E("Boolean cannot represent a non boolean value: -2147483648")},
    {"Boolean", "2147483648", E("Boolean cannot represent a non boolean value: 2147483648")},
    {"Boolean", "-2147483649", E("Boolean cannot represent a non boolean value: -2147483649")},
    {"Boolean", "4294967296", E("Boolean cannot represent a non boolean value: 4294967296")},
    {"Boolean", "1.0", E("Boolean cannot represent a non boolean value: 1.0")},
    {"Boolean", "1.5", E("Boolean cannot represent a non boolean value: 1.5")},
    {"Boolean", "-0.5", E("Boolean cannot represent a non boolean value: -0.5")},
    {"Boolean", "1e30", E("Boolean cannot represent a non boolean value: 1e+30")},
    {"Boolean", "3000000000.0", E("Boolean cannot represent a non boolean value: 3000000000.0")},
    {"Boolean", "\"1\"", E("Boolean cannot represent a non boolean value: '1'")},
    {"Boolean", "\" 12 \"", E("Boolean cannot represent a non boolean value: ' 12 '")},
    {"Boolean", "\"1.5\"", E("Boolean cannot represent a non boolean value: '1.5'")},
    {"Boolean", "\"abc\"", E("Boolean cannot represent a non boolean value: 'abc'")},
    {"Boolean", "\"\"", E("Boolean cannot represent a non boolean value: ''")},
    {"Boolean", "true", J("true")},
    {"Boolean", "false", J("false")},
    {"Boolean", "[]", E("Boolean cannot represent a non boolean value: []")},
    {"Boolean", "[1]", E("Boolean cannot represent a non boolean value: [1]")},
    {"Boolean", "{}", E("Boolean cannot represent a non boolean value: {}")},
    {"Boolean", "{\"a\":1}", E("Boolean cannot represent a non boolean value: {'a': 1}")},
    {"ID", "1", J("\"1\"")},
    {"ID", "-1", J("\"-1\"")},
    {"ID", "0", J("\"0\"")},
    {"ID", "2147483647", J("\"2147483647\"")},
    {"ID", "-2147483648", J("\"-2147483648\"")},
    {"ID", "2147483648", J("\"2147483648\"")},
    {"ID", "-2147483649", J("\"-2147483649\"")},
    {"ID", "4294967296", J("\"4294967296\"")},
    {"ID", "1.0", J("\"1\"")},
    {"ID", "1.5", E("ID cannot represent value: 1.5")},
    {"ID", "-0.5", E("ID cannot represent value: -0.5")},
    {"ID", "1e30", J("\"1000000000000000019884624838656\"")},
    {"ID", "3000000000.0", J("\"3000000000\"")},
    {"ID", "\"1\"", J("\"1\"")},
    {"ID", "\" 12 \"", J("\" 12 \"")},
    {"ID", "\"1.5\"", J("\"1.5\"")},
    {"ID", "\"abc\"", J("\"abc\"")},
    {"ID", "\"\"", J("\"\"")},
    {"ID", "true", E("ID cannot represent value: True")},
    {"ID", "false", E("ID cannot represent value: False")},
    {"ID", "[]", E("ID cannot represent value: []")},
    {"ID", "[1]", E("ID cannot represent value: [1]")},
    {"ID", "{}", E("ID cannot represent value: {}")},
    {"ID", "{\"a\":1}", E("ID cannot represent value: {'a': 1}")},
};

const Row kSerializeRows[] = {
    {"Int", "1", J("1")},
    {"Int", "-1", J("-1")},
    {"Int", "0", J("0")},
    {"Int", "2147483647", J("2147483647")},
    {"Int", "-2147483648", J("-2147483648")},
    {"Int", "2147483648", E("Int cannot represent non 32-bit signed integer value: 2147483648")},
    {"Int", "-2147483649", E("Int cannot represent non 32-bit signed integer value: -2147483649")},
    {"Int", "4294967296", E("Int cannot represent non 32-bit signed integer value: 4294967296")},
    {"Int", "1.0", J("1")},
    {"Int", "1.5", E("Int cannot represent non-integer value: 1.5")},
    {"Int", "-0.5", E("Int cannot represent non-integer value: -0.5")},
    {"Int", "1e30", E("Int cannot represent non 32-bit signed integer value: 1e+30")},
    {"Int", "3000000000.0",
     E("Int cannot represent non 32-bit signed integer value: 3000000000.0")},
    {"Int", "\"1\"", J("1")},
    {"Int", "\" 12 \"", J("12")},
    {"Int", "\"1.5\"", E("Int cannot represent non-integer value: '1.5'")},
    {"Int", "\"abc\"", E("Int cannot represent non-integer value: 'abc'")},
    {"Int", "\"\"", E("Int cannot represent non-integer value: ''")},
    {"Int", "true", J("1")},
    {"Int", "false", J("0")},
    {"Int", "[]", E("Int cannot represent non-integer value: []")},
    {"Int", "[1]", E("Int cannot represent non-integer value: [1]")},
    {"Int", "{}", E("Int cannot represent non-integer value: {}")},
    {"Int", "{\"a\":1}", E("Int cannot represent non-integer value: {'a': 1}")},
    {"Float", "1", J("1.0")},
    {"Float", "-1", J("-1.0")},
    {"Float", "0", J("0.0")},
    {"Float", "2147483647", J("2147483647.0")},
    {"Float", "-2147483648", J("-2147483648.0")},
    {"Float", "2147483648", J("2147483648.0")},
    {"Float", "-2147483649", J("-2147483649.0")},
    {"Float", "4294967296", J("4294967296.0")},
    {"Float", "1.0", J("1.0")},
    {"Float", "1.5", J("1.5")},
    {"Float", "-0.5", J("-0.5")},
    {"Float", "1e30", J("1e+30")},
    {"Float", "3000000000.0", J("3000000000.0")},
    {"Float", "\"1\"", J("1.0")},
    {"Float", "\" 12 \"", J("12.0")},
    {"Float", "\"1.5\"", J("1.5")},
    {"Float", "\"abc\"", E("Float cannot represent non numeric value: 'abc'")},
    {"Float", "\"\"", E("Float cannot represent non numeric value: ''")},
    {"Float", "true", J("1")},
    {"Float", "false", J("0")},
    {"Float", "[]", E("Float cannot represent non numeric value: []")},
    {"Float", "[1]", E("Float cannot represent non numeric value: [1]")},
    {"Float", "{}", E("Float cannot represent non numeric value: {}")},
    {"Float", "{\"a\":1}", E("Float cannot represent non numeric value: {'a': 1}")},
    {"String", "1", J("\"1\"")},
    {"String", "-1", J("\"-1\"")},
    {"String", "0", J("\"0\"")},
    {"String", "2147483647", J("\"2147483647\"")},
    {"String", "-2147483648", J("\"-2147483648\"")},
    {"String", "2147483648", J("\"2147483648\"")},
    {"String", "-2147483649", J("\"-2147483649\"")},
    {"String", "4294967296", J("\"4294967296\"")},
    {"String", "1.0", J("\"1.0\"")},
    {"String", "1.5", J("\"1.5\"")},
    {"String", "-0.5", J("\"-0.5\"")},
    {"String", "1e30", J("\"1e+30\"")},
    {"String", "3000000000.0", J("\"3000000000.0\"")},
    {"String", "\"1\"", J("\"1\"")},
    {"String", "\" 12 \"", J("\" 12 \"")},
    {"String", "\"1.5\"", J("\"1.5\"")},
    {"String", "\"abc\"", J("\"abc\"")},
    {"String", "\"\"", J("\"\"")},
    {"String", "true", J("\"true\"")},
    {"String", "false", J("\"false\"")},
    {"String", "[]", E("String cannot represent value: []")},
    {"String", "[1]", E("String cannot represent value: [1]")},
    {"String", "{}", E("String cannot represent value: {}")},
    {"String", "{\"a\":1}", E("String cannot represent value: {'a': 1}")},
    {"Boolean", "1", J("true")},
    {"Boolean", "-1", J("true")},
    {"Boolean", "0", J("false")},
    {"Boolean", "2147483647", J("true")},
    {"Boolean", "-2147483648", J("true")},
    {"Boolean", "2147483648", J("true")},
    {"Boolean", "-2147483649", J("true")},
    {"Boolean", "4294967296", J("true")},
    {"Boolean", "1.0", J("true")},
    {"Boolean", "1.5", J("true")},
    {"Boolean", "-0.5", J("true")},
    {"Boolean", "1e30", J("true")},
    {"Boolean", "3000000000.0", J("true")},
    {"Boolean", "\"1\"", E("Boolean cannot represent a non boolean value: '1'")},
    {"Boolean", "\" 12 \"", E("Boolean cannot represent a non boolean value: ' 12 '")},
    {"Boolean", "\"1.5\"", E("Boolean cannot represent a non boolean value: '1.5'")},
    {"Boolean", "\"abc\"", E("Boolean cannot represent a non boolean value: 'abc'")},
    {"Boolean", "\"\"", E("Boolean cannot represent a non boolean value: ''")},
    {"Boolean", "true", J("true")},
    {"Boolean", "false", J("false")},
    {"Boolean", "[]", E("Boolean cannot represent a non boolean value: []")},
    {"Boolean", "[1]", E("Boolean cannot represent a non boolean value: [1]")},
    {"Boolean", "{}", E("Boolean cannot represent a non boolean value: {}")},
    {"Boolean", "{\"a\":1}", E("Boolean cannot represent a non boolean value: {'a': 1}")},
    {"ID", "1", J("\"1\"")},
    {"ID", "-1", J("\"-1\"")},
    {"ID", "0", J("\"0\"")},
    {"ID", "2147483647", J("\"2147483647\"")},
    {"ID", "-2147483648", J("\"-2147483648\"")},
    {"ID", "2147483648", J("\"2147483648\"")},
    {"ID", "-2147483649", J("\"-2147483649\"")},
    {"ID", "4294967296", J("\"4294967296\"")},
    {"ID", "1.0", J("\"1\"")},
    {"ID", "1.5", E("ID cannot represent value: 1.5")},
    {"ID", "-0.5", E("ID cannot represent value: -0.5")},
    {"ID", "1e30", J("\"1000000000000000019884624838656\"")},
    {"ID", "3000000000.0", J("\"3000000000\"")},
    {"ID", "\"1\"", J("\"1\"")},
    {"ID", "\" 12 \"", J("\" 12 \"")},
    {"ID", "\"1.5\"", J("\"1.5\"")},
    {"ID", "\"abc\"", J("\"abc\"")},
    {"ID", "\"\"", J("\"\"")},
    {"ID", "true", E("ID cannot represent value: True")},
    {"ID", "false", E("ID cannot represent value: False")},
    {"ID", "[]", E("ID cannot represent value: []")},
    {"ID", "[1]", E("ID cannot represent value: [1]")},
    {"ID", "{}", E("ID cannot represent value: {}")},
    {"ID", "{\"a\":1}", E("ID cannot represent value: {'a': 1}")},
};

const Row kParseLiteralRows[] = {
    {"Int", "1", J("1")},
    {"Int", "-1", J("-1")},
    {"Int", "2147483647", J("2147483647")},
    {"Int", "-2147483648", J("-2147483648")},
    {"Int", "2147483648", E("Int cannot represent non 32-bit signed integer value: 2147483648")},
    {"Int", "-2147483649", E("Int cannot represent non 32-bit signed integer value: -2147483649")},
    {"Int", "99999999999999999999",
     E("Int cannot represent non 32-bit signed integer value: 99999999999999999999")},
    {"Int", "1.5", E("Int cannot represent non-integer value: 1.5")},
    {"Int", "1e3", E("Int cannot represent non-integer value: 1e3")},
    {"Int", "-0.0", E("Int cannot represent non-integer value: -0.0")},
    {"Int", "\"abc\"", E("Int cannot represent non-integer value: \"abc\"")},
    {"Int", "\"1\"", E("Int cannot represent non-integer value: \"1\"")},
    {"Int", "\"\"", E("Int cannot represent non-integer value: \"\"")},
    {"Int", "true", E("Int cannot represent non-integer value: true")},
    {"Int", "false", E("Int cannot represent non-integer value: false")},
    {"Int", "RED", E("Int cannot represent non-integer value: RED")},
    {"Int", "[1]", E("Int cannot represent non-integer value: [1]")},
    {"Int", "{a: 1}", E("Int cannot represent non-integer value: {a: 1}")},
    {"Int", "$v", E("Int cannot represent non-integer value: $v")},
    {"Float", "1", J("1.0")},
    {"Float", "-1", J("-1.0")},
    {"Float", "2147483647", J("2147483647.0")},
    {"Float", "-2147483648", J("-2147483648.0")},
    {"Float", "2147483648", J("2147483648.0")},
    {"Float", "-2147483649", J("-2147483649.0")},
    {"Float", "99999999999999999999", J("1e+20")},
    {"Float", "1.5", J("1.5")},
    {"Float", "1e3", J("1000.0")},
    {"Float", "-0.0", J("-0.0")},
    {"Float", "\"abc\"", E("Float cannot represent non numeric value: \"abc\"")},
    {"Float", "\"1\"", E("Float cannot represent non numeric value: \"1\"")},
    {"Float", "\"\"", E("Float cannot represent non numeric value: \"\"")},
    {"Float", "true", E("Float cannot represent non numeric value: true")},
    {"Float", "false", E("Float cannot represent non numeric value: false")},
    {"Float", "RED", E("Float cannot represent non numeric value: RED")},
    {"Float", "[1]", E("Float cannot represent non numeric value: [1]")},
    {"Float", "{a: 1}", E("Float cannot represent non numeric value: {a: 1}")},
    {"Float", "$v", E("Float cannot represent non numeric value: $v")},
    {"String", "1", E("String cannot represent a non string value: 1")},
    {"String", "-1", E("String cannot represent a non string value: -1")},
    {"String", "2147483647", E("String cannot represent a non string value: 2147483647")},
    {"String", "-2147483648", E("String cannot represent a non string value: -2147483648")},
    {"String", "2147483648", E("String cannot represent a non string value: 2147483648")},
    {"String", "-2147483649", E("String cannot represent a non string value: -2147483649")},
    {"String", "99999999999999999999",
     E("String cannot represent a non string value: 99999999999999999999")},
    {"String", "1.5", E("String cannot represent a non string value: 1.5")},
    {"String", "1e3", E("String cannot represent a non string value: 1e3")},
    {"String", "-0.0", E("String cannot represent a non string value: -0.0")},
    {"String", "\"abc\"", J("\"abc\"")},
    {"String", "\"1\"", J("\"1\"")},
    {"String", "\"\"", J("\"\"")},
    {"String", "true", E("String cannot represent a non string value: true")},
    {"String", "false", E("String cannot represent a non string value: false")},
    {"String", "RED", E("String cannot represent a non string value: RED")},
    {"String", "[1]", E("String cannot represent a non string value: [1]")},
    {"String", "{a: 1}", E("String cannot represent a non string value: {a: 1}")},
    {"String", "$v", E("String cannot represent a non string value: $v")},
    {"Boolean", "1", E("Boolean cannot represent a non boolean value: 1")},
    {"Boolean", "-1", E("Boolean cannot represent a non boolean value: -1")},
    {"Boolean", "2147483647", E("Boolean cannot represent a non boolean value: 2147483647")},
    {"Boolean", "-2147483648", E("Boolean cannot represent a non boolean value: -2147483648")},
    {"Boolean", "2147483648", E("Boolean cannot represent a non boolean value: 2147483648")},
    {"Boolean", "-2147483649", E("Boolean cannot represent a non boolean value: -2147483649")},
    {"Boolean", "99999999999999999999",
     E("Boolean cannot represent a non boolean value: 99999999999999999999")},
    {"Boolean", "1.5", E("Boolean cannot represent a non boolean value: 1.5")},
    {"Boolean", "1e3", E("Boolean cannot represent a non boolean value: 1e3")},
    {"Boolean", "-0.0", E("Boolean cannot represent a non boolean value: -0.0")},
    {"Boolean", "\"abc\"", E("Boolean cannot represent a non boolean value: \"abc\"")},
    {"Boolean", "\"1\"", E("Boolean cannot represent a non boolean value: \"1\"")},
    {"Boolean", "\"\"", E("Boolean cannot represent a non boolean value: \"\"")},
    {"Boolean", "true", J("true")},
    {"Boolean", "false", J("false")},
    {"Boolean", "RED", E("Boolean cannot represent a non boolean value: RED")},
    {"Boolean", "[1]", E("Boolean cannot represent a non boolean value: [1]")},
    {"Boolean", "{a: 1}", E("Boolean cannot represent a non boolean value: {a: 1}")},
    {"Boolean", "$v", E("Boolean cannot represent a non boolean value: $v")},
    {"ID", "1", J("\"1\"")},
    {"ID", "-1", J("\"-1\"")},
    {"ID", "2147483647", J("\"2147483647\"")},
    {"ID", "-2147483648", J("\"-2147483648\"")},
    {"ID", "2147483648", J("\"2147483648\"")},
    {"ID", "-2147483649", J("\"-2147483649\"")},
    {"ID", "99999999999999999999", J("\"99999999999999999999\"")},
    {"ID", "1.5", E("ID cannot represent a non-string and non-integer value: 1.5")},
    {"ID", "1e3", E("ID cannot represent a non-string and non-integer value: 1e3")},
    {"ID", "-0.0", E("ID cannot represent a non-string and non-integer value: -0.0")},
    {"ID", "\"abc\"", J("\"abc\"")},
    {"ID", "\"1\"", J("\"1\"")},
    {"ID", "\"\"", J("\"\"")},
    {"ID", "true", E("ID cannot represent a non-string and non-integer value: true")},
    {"ID", "false", E("ID cannot represent a non-string and non-integer value: false")},
    {"ID", "RED", E("ID cannot represent a non-string and non-integer value: RED")},
    {"ID", "[1]", E("ID cannot represent a non-string and non-integer value: [1]")},
    {"ID", "{a: 1}", E("ID cannot represent a non-string and non-integer value: {a: 1}")},
    {"ID", "$v", E("ID cannot represent a non-string and non-integer value: $v")},
};

#undef J
#undef E

TEST_F(ScalarsTest, ParseValueMatchesGraphqlCore) {
  for (const Row& row : kParseValueRows) {
    std::string error;
    auto result = ParseLeafValue(T(row.scalar), Json::parse(row.input), &error);
    EXPECT_EQ(Outcome(result, error), Expected(row)) << row.scalar << " <- " << row.input;
  }
}

TEST_F(ScalarsTest, SerializeMatchesGraphqlCore) {
  for (const Row& row : kSerializeRows) {
    std::string error;
    auto result = SerializeLeaf(T(row.scalar), Json::parse(row.input), &error);
    EXPECT_EQ(Outcome(result, error), Expected(row)) << row.scalar << " <- " << row.input;
  }
}

TEST_F(ScalarsTest, ParseLiteralMatchesGraphqlCore) {
  for (const Row& row : kParseLiteralRows) {
    std::string error;
    auto result = ParseLeafLiteral(T(row.scalar), Literal(row.input), Json::object(), &error);
    EXPECT_EQ(Outcome(result, error), Expected(row)) << row.scalar << " <- " << row.input;
  }
}

TEST_F(ScalarsTest, FloatResultsKeepTheirType) {
  std::string error;
  EXPECT_EQ(ParseLeafValue(T("Float"), Json(3), &error)->dump(), "3.0");
  EXPECT_EQ(ParseLeafLiteral(T("Float"), Literal("3"), Json::object(), &error)->dump(), "3.0");
  EXPECT_EQ(ParseLeafValue(T("Int"), Json(3.0), &error)->dump(), "3");
}

TEST_F(ScalarsTest, EnumValues) {
  const Type& color = T("Color");
  std::string error;
  EXPECT_EQ(ParseLeafValue(color, Json("RED"), &error), Json("RED"));
  EXPECT_FALSE(ParseLeafValue(color, Json("GREN"), &error));
  EXPECT_EQ(error,
            "Value 'GREN' does not exist in 'Color' enum. Did you mean the enum value 'GREEN' or "
            "'RED'?");
  EXPECT_FALSE(ParseLeafValue(color, Json("X"), &error));
  EXPECT_EQ(error, "Value 'X' does not exist in 'Color' enum.");
  EXPECT_FALSE(ParseLeafValue(color, Json(1), &error));
  EXPECT_EQ(error, "Enum 'Color' cannot represent non-string value: 1.");
  EXPECT_FALSE(ParseLeafValue(color, Json(true), &error));
  EXPECT_EQ(error,
            "Enum 'Color' cannot represent non-string value: True. Did you mean the enum value "
            "'BLUE'?");
  EXPECT_FALSE(ParseLeafValue(color, Json::parse(R"(["RED"])"), &error));
  EXPECT_EQ(error, "Enum 'Color' cannot represent non-string value: ['RED'].");
}

TEST_F(ScalarsTest, EnumLiterals) {
  const Type& color = T("Color");
  std::string error;
  EXPECT_EQ(ParseLeafLiteral(color, Literal("RED"), Json::object(), &error), Json("RED"));
  EXPECT_FALSE(ParseLeafLiteral(color, Literal("red"), Json::object(), &error));
  EXPECT_EQ(error,
            "Value 'red' does not exist in 'Color' enum. Did you mean the enum value 'RED'?");
  EXPECT_FALSE(ParseLeafLiteral(color, Literal("\"RED\""), Json::object(), &error));
  EXPECT_EQ(error,
            "Enum 'Color' cannot represent non-enum value: \"RED\". Did you mean the enum value "
            "'RED' or 'GREEN'?");
  EXPECT_FALSE(ParseLeafLiteral(color, Literal("1"), Json::object(), &error));
  EXPECT_EQ(error, "Enum 'Color' cannot represent non-enum value: 1.");
  EXPECT_FALSE(ParseLeafLiteral(color, Literal("[RED]"), Json::object(), &error));
  EXPECT_EQ(error,
            "Enum 'Color' cannot represent non-enum value: [RED]. Did you mean the enum value "
            "'RED' or 'GREEN'?");
}

TEST_F(ScalarsTest, EnumResults) {
  std::string error;
  EXPECT_EQ(SerializeLeaf(T("Color"), Json("BLUE"), &error), Json("BLUE"));
  EXPECT_FALSE(SerializeLeaf(T("Color"), Json("X"), &error));
  EXPECT_EQ(error, "Enum 'Color' cannot represent value: 'X'");
  EXPECT_FALSE(SerializeLeaf(T("Color"), Json(1), &error));
  EXPECT_EQ(error, "Enum 'Color' cannot represent value: 1");
}

TEST_F(ScalarsTest, CustomScalarValuesPassThrough) {
  const Type& json = T("JSON");
  const Json value = Json::parse(R"({"way":["u1","u2"],"n":1.5,"x":null})");
  std::string error;
  EXPECT_EQ(SerializeLeaf(json, value, &error), value);
  EXPECT_EQ(ParseLeafValue(json, value, &error), value);
  EXPECT_EQ(SerializeLeaf(json, Json("s"), &error), Json("s"));
}

TEST_F(ScalarsTest, CustomScalarLiteralsBecomeJson) {
  const Type& json = T("JSON");
  const Json variables = Json::parse(R"({"v":{"x":1}})");
  std::string error;
  auto dump = [&](const std::string& text) {
    auto result = ParseLeafLiteral(json, Literal(text), variables, &error);
    return result ? result->dump() : "error " + error;
  };
  EXPECT_EQ(dump("1"), "1");
  EXPECT_EQ(dump("1.5"), "1.5");
  EXPECT_EQ(dump("\"s\""), "\"s\"");
  EXPECT_EQ(dump("true"), "true");
  EXPECT_EQ(dump("null"), "null");
  EXPECT_EQ(dump("RED"), "\"RED\"");
  EXPECT_EQ(dump("[1, {a: $v, b: $w}, $w]"), R"([1,{"a":{"x":1}},null])");
  EXPECT_EQ(dump("{a: {b: [$v]}}"), R"({"a":{"b":[{"x":1}]}})");
  EXPECT_EQ(dump("99999999999999999999"), "1e+20");
}

TEST(InspectTest, RendersValuesAsGraphqlCore) {
  EXPECT_EQ(Inspect(Json("it's")), "\"it's\"");
  EXPECT_EQ(Inspect(Json("a\"b")), "'a\"b'");
  EXPECT_EQ(Inspect(Json("tab\tnl\n\x01\xc3\xa9")), "'tab\\tnl\\n\\x01\xc3\xa9'");
  EXPECT_EQ(Inspect(Json::parse("[0,1,2,3,4,5,6,7,8,9,10,11]")),
            "[0, 1, 2, 3, 4, ..., 8, 9, 10, 11]");
  EXPECT_EQ(Inspect(Json::parse("[[[1]]]")), "[[[...]]]");
  EXPECT_EQ(Inspect(Json::parse(R"({"a":{"b":{"c":1}}})")), "{'a': {'b': {...}}}");
  EXPECT_EQ(Inspect(Json::parse(R"({"a":[1,[2,[3]]]})")), "{'a': [1, [...]]}");
  EXPECT_EQ(Inspect(Json(std::string(300, 'a'))),
            "'" + std::string(117, 'a') + "..." + std::string(118, 'a') + "'");
  EXPECT_EQ(Inspect(Json(nullptr)), "None");
  EXPECT_EQ(Inspect(Json(true)), "True");
  EXPECT_EQ(Inspect(Json::array()), "[]");
  EXPECT_EQ(Inspect(Json::object()), "{}");
}

TEST(InspectTest, FloatsAsPythonRepr) {
  EXPECT_EQ(FormatPythonFloat(1e-7), "1e-07");
  EXPECT_EQ(FormatPythonFloat(1e16), "1e+16");
  EXPECT_EQ(FormatPythonFloat(1e15), "1000000000000000.0");
  EXPECT_EQ(FormatPythonFloat(0.1), "0.1");
  EXPECT_EQ(FormatPythonFloat(0.0001), "0.0001");
  EXPECT_EQ(FormatPythonFloat(-2.5), "-2.5");
  EXPECT_EQ(FormatPythonFloat(123456.789), "123456.789");
  EXPECT_EQ(FormatPythonFloat(1.5e300), "1.5e+300");
}

TEST(InspectTest, Suggestions) {
  EXPECT_EQ(SuggestionList("GREN", {"RED", "GREEN", "BLUE"}),
            (std::vector<std::string>{"GREEN", "RED"}));
  EXPECT_EQ(SuggestionList("f2", {"f10", "f2x", "f1"}), (std::vector<std::string>{"f1", "f2x"}));
  EXPECT_EQ(SuggestionList("abcde99", {"abcde10", "abcde2"}),
            (std::vector<std::string>{"abcde2", "abcde10"}));
  EXPECT_EQ(DidYouMean({}), "");
  EXPECT_EQ(DidYouMean({"a"}), " Did you mean 'a'?");
  EXPECT_EQ(DidYouMean({"a", "b"}, "the enum value"), " Did you mean the enum value 'a' or 'b'?");
  EXPECT_EQ(DidYouMean({"a", "b", "c", "d", "e", "f"}),
            " Did you mean 'a', 'b', 'c', 'd', or 'e'?");
}

}  // namespace
}  // namespace de::graphql
