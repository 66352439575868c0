// Execution (§6) end to end on a small schema: documents are parsed and validated, then executed.
// Expected responses were checked against graphql-core 3.2 (execute() with the same resolvers);
// ours add extensions.code, and leave "data" out when execution never started (§7.1.1).
#include "graphql/executor.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include "graphql/parser.h"
#include "graphql/schema.h"
#include "graphql/validation.h"

namespace de::graphql {
namespace {

constexpr char kSdl[] = R"(
scalar JSON
enum Color { RED GREEN BLUE }
input Range { start: Int! end: Int! label: String = "none" }
type Query {
  hello: String
  echoInt(x: Int): Int
  echoIntDefault(x: Int = 7): Int
  echoArgs(a: Int, b: String = "dflt", c: [Int], r: Range, color: Color, j: JSON): JSON
  requiredInt(x: Int!): Int
  item: Item
  items: [Item]
  strictItems: [Item!]
  strictItemsNonNull: [Item!]!
  failNonNull: String!
  fail: String
  failWith(code: String!): String
  throws: String
  badInt: Int
  color: Color
  notAList: [Int]
  slow: String
  many(n: Int!): [Item!]!
  json: JSON
}
type Item { id: ID! name: String child: Item mustHave: String! list: [Int!] }
type Mutation { setValue(v: Int!): Int }
)";

Resolver Constant(const char* json) {
  Json value = Json::parse(json);
  return [value](const ResolveInfo&) -> Result<Json> { return value; };
}

Resolver Argument(const char* name) {
  return [name](const ResolveInfo& info) -> Result<Json> {
    return info.args.contains(name) ? info.args[name] : Json(nullptr);
  };
}

Result<Json> FailWith(const ResolveInfo& info) {
  const std::string code = info.args["code"].get<std::string>();
  if (code == "invalid") return InvalidArgument("bad range");
  if (code == "forbidden") return PermissionDenied("admins only");
  if (code == "unauthenticated") return Unauthenticated("who are you");
  if (code == "busy") return ResourceExhausted("queue full");
  if (code == "down") return Unavailable("warehouse down");
  return Internal("{}", code);
}

Result<Json> Many(const ResolveInfo& info) {
  Json items = Json::array();
  for (int i = 0; i < info.args["n"].get<int>(); ++i) {
    items.push_back({{"id", i}, {"name", "item " + std::to_string(i)}});
  }
  return items;
}

class ExecutorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto built = BuildSchema(kSdl);
    ASSERT_TRUE(built.ok()) << built.status().ToString();
    schema_ = std::move(built).value();
    Bind("hello", Constant(R"("world")"));
    Bind("echoInt", Argument("x"));
    Bind("echoIntDefault", Argument("x"));
    Bind("echoArgs", [](const ResolveInfo& info) -> Result<Json> { return info.args; });
    Bind("requiredInt", Argument("x"));
    Bind("item", Constant(R"({"id":"1","name":"one","list":[1,null,3]})"));
    Bind("items", Constant(R"([{"id":1,"child":{}},{"id":"2","child":{"mustHave":"x"}}])"));
    Bind("strictItems", Constant(R"([{"id":"1"},null,{"id":"3"}])"));
    Bind("strictItemsNonNull", Constant("[null]"));
    Bind("failNonNull", [](const ResolveInfo&) -> Result<Json> { return NotFound("no such"); });
    Bind("fail", [](const ResolveInfo&) -> Result<Json> { return NotFound("no such thing"); });
    Bind("failWith", FailWith);
    Bind("throws",
         [](const ResolveInfo&) -> Result<Json> { throw std::runtime_error("password=hunter2"); });
    Bind("badInt", Constant("1.5"));
    Bind("color", Constant(R"("PINK")"));
    Bind("notAList", Constant("5"));
    Bind("slow", [](const ResolveInfo&) -> Result<Json> {
      std::this_thread::sleep_for(std::chrono::milliseconds(30));
      return Json("done");
    });
    Bind("many", Many);
    Bind("json", Constant(R"({"way":["https://x/1","https://x/2"],"n":null})"));
    ASSERT_TRUE(schema_->BindResolver("Mutation", "setValue", Argument("v")).ok());
  }

  void Bind(std::string_view field, Resolver resolver) {
    Status status = schema_->BindResolver("Query", field, std::move(resolver));
    ASSERT_TRUE(status.ok()) << status.ToString();
  }

  // Parses, validates (expecting no errors) and executes; the response as compact JSON.
  std::string Run(std::string_view query, const char* variables = "{}",
                  const ExecutionOptions& options = {},
                  std::optional<std::string> operation = std::nullopt) {
    ParseResult parsed = Parse(query);
    EXPECT_TRUE(parsed.ok) << parsed.error.message;
    std::vector<GraphQLError> errors = Validate(*schema_, parsed.document);
    EXPECT_TRUE(errors.empty()) << query << ": " << errors.front().message;
    return Exec(parsed.document, variables, options, std::move(operation));
  }

  // For what only execution can catch: documents that validation would reject.
  std::string RunUnvalidated(std::string_view query, const char* variables = "{}") {
    ParseResult parsed = Parse(query);
    EXPECT_TRUE(parsed.ok) << parsed.error.message;
    return Exec(parsed.document, variables, {}, std::nullopt);
  }

  std::string Exec(const Document& document, const char* variables, const ExecutionOptions& options,
                   std::optional<std::string> operation) {
    ExecutionRequest request;
    request.document = &document;
    request.variables = Json::parse(variables);
    request.operation_name = std::move(operation);
    return Execute(*schema_, request, options).ToJson().dump();
  }

  std::unique_ptr<Schema> schema_;
};

TEST_F(ExecutorTest, MergesFieldsByResponseKeyInOrder) {
  EXPECT_EQ(Run("{ b: hello a: hello hello ...F } fragment F on Query { b: hello }"),
            R"({"data":{"b":"world","a":"world","hello":"world"}})");
}

TEST_F(ExecutorTest, TypenameOnQueryAndMutation) {
  EXPECT_EQ(Run("{ __typename t: __typename }"), R"({"data":{"__typename":"Query","t":"Query"}})");
  EXPECT_EQ(Run("mutation { __typename setValue(v: 1) }"),
            R"({"data":{"__typename":"Mutation","setValue":1}})");
  EXPECT_EQ(Run("{ item { __typename id } }"),
            R"({"data":{"item":{"__typename":"Item","id":"1"}}})");
}

TEST_F(ExecutorTest, SkipAndInclude) {
  const char* query =
      "query($s: Boolean!, $i: Boolean = false) { a: hello @skip(if: $s) b: hello @include(if: $i) "
      "c: hello @include(if: true) @skip(if: false) ... @skip(if: true) { d: hello } "
      "...F @include(if: $s) } fragment F on Query { e: hello }";
  EXPECT_EQ(Run(query, R"({"s": true})"), R"({"data":{"c":"world","e":"world"}})");
  EXPECT_EQ(Run(query, R"({"s": false, "i": true})"),
            R"({"data":{"a":"world","b":"world","c":"world"}})");
  // Both directives must let the field through.
  EXPECT_EQ(Run("{ a: hello @include(if: true) @skip(if: true) b: hello }"),
            R"({"data":{"b":"world"}})");
}

TEST_F(ExecutorTest, FragmentsAndInlineFragments) {
  EXPECT_EQ(Run("{ item { ...I ... on Item { name } ... { id } } } fragment I on Item { id }"),
            R"({"data":{"item":{"id":"1","name":"one"}}})");
}

TEST_F(ExecutorTest, ArgumentDefaultsAndExplicitNull) {
  EXPECT_EQ(Run("{ echoArgs }"), R"({"data":{"echoArgs":{"b":"dflt"}}})");
  const char* query = "query($a: Int, $b: String) { echoArgs(a: $a, b: $b) }";
  EXPECT_EQ(Run(query, "{}"), R"({"data":{"echoArgs":{"b":"dflt"}}})");
  EXPECT_EQ(Run(query, R"({"b": null, "a": 3})"), R"({"data":{"echoArgs":{"a":3,"b":null}}})");
  EXPECT_EQ(Run("{ echoArgs(b: null, c: 1, r: {start: 1, end: 2}, color: RED) }"),
            R"({"data":{"echoArgs":{"b":null,"c":[1],"r":{"start":1,"end":2,"label":"none"},)"
            R"("color":"RED"}}})");
}

TEST_F(ExecutorTest, VariablesInsideLiterals) {
  EXPECT_EQ(Run("query($s: Int!) { echoArgs(r: {start: $s, end: 2, label: null}, c: [1, $s]) }",
                R"({"s": 9})"),
            R"({"data":{"echoArgs":{"b":"dflt","c":[1,9],"r":{"start":9,"end":2,"label":null}}}})");
  EXPECT_EQ(Run(R"(query($v: Int) { echoArgs(j: {a: [$v, 2], b: "x"}) })", R"({"v": 5})"),
            R"({"data":{"echoArgs":{"b":"dflt","j":{"a":[5,2],"b":"x"}}}})");
  // A missing variable inside a list is null.
  EXPECT_EQ(Run("query($x: Int, $y: Int) { echoArgs(c: [$x, $y]) }", R"({"x": 1})"),
            R"({"data":{"echoArgs":{"b":"dflt","c":[1,null]}}})");
}

TEST_F(ExecutorTest, VariableDefaultsAndNull) {
  EXPECT_EQ(Run("query($x: Int = 5) { echoInt(x: $x) }"), R"({"data":{"echoInt":5}})");
  EXPECT_EQ(Run("query($x: Int = 5) { echoInt(x: $x) }", R"({"x": null})"),
            R"({"data":{"echoInt":null}})");
  // A variable without a value leaves the argument to its default; an explicit null does not.
  EXPECT_EQ(Run("query($x: Int) { echoIntDefault(x: $x) }"), R"({"data":{"echoIntDefault":7}})");
  EXPECT_EQ(Run("query($x: Int) { echoIntDefault(x: $x) }", R"({"x": null})"),
            R"({"data":{"echoIntDefault":null}})");
  // Int accepts 1.0 and a single value stands for a list of one.
  EXPECT_EQ(Run("query($x: Int!) { requiredInt(x: $x) }", R"({"x": 1.0})"),
            R"({"data":{"requiredInt":1}})");
  EXPECT_EQ(Run("query($c: [Int]) { echoArgs(c: $c) }", R"({"c": 3})"),
            R"({"data":{"echoArgs":{"b":"dflt","c":[3]}}})");
  EXPECT_EQ(Run("query($x: Int!) { requiredInt(x: $x) }", R"({"x": 2147483647})"),
            R"({"data":{"requiredInt":2147483647}})");
  EXPECT_EQ(Run("query($x: Int!) { requiredInt(x: $x) }", R"({"x": -2147483648})"),
            R"({"data":{"requiredInt":-2147483648}})");
}

TEST_F(ExecutorTest, VariableErrors) {
  const char* required = "query($x: Int!) { requiredInt(x: $x) }";
  EXPECT_EQ(Run(required),
            R"({"errors":[{"message":"Variable '$x' of required type 'Int!' was not provided.",)"
            R"("locations":[{"line":1,"column":7}],"extensions":{"code":"BAD_USER_INPUT"}}]})");
  EXPECT_EQ(Run(required, R"({"x": null})"),
            R"({"errors":[{"message":"Variable '$x' of non-null type 'Int!' must not be null.",)"
            R"("locations":[{"line":1,"column":7}],"extensions":{"code":"BAD_USER_INPUT"}}]})");
  EXPECT_EQ(Run(required, R"({"x": 2147483648})"),
            R"({"errors":[{"message":"Variable '$x' got invalid value 2147483648; Int cannot )"
            R"(represent non 32-bit signed integer value: 2147483648","locations":[{"line":1,)"
            R"("column":7}],"extensions":{"code":"BAD_USER_INPUT"}}]})");
}

std::vector<std::string> Messages(const std::string& response) {
  std::vector<std::string> out;
  const Json parsed = Json::parse(response);
  for (const Json& error : parsed["errors"]) out.push_back(error["message"]);
  return out;
}

TEST_F(ExecutorTest, EveryVariableErrorIsReported) {
  EXPECT_EQ(Messages(Run("query($r: Range) { echoArgs(r: $r) }",
                         R"({"r": {"start": "a", "zz": 1, "label": 1}})")),
            (std::vector<std::string>{
                "Variable '$r' got invalid value 'a' at 'r.start'; Int cannot represent "
                "non-integer value: 'a'",
                "Variable '$r' got invalid value {'start': 'a', 'zz': 1, 'label': 1}; Field 'end' "
                "of required type 'Int!' was not provided.",
                "Variable '$r' got invalid value 1 at 'r.label'; String cannot represent a non "
                "string value: 1",
                "Variable '$r' got invalid value {'start': 'a', 'zz': 1, 'label': 1}; Field 'zz' "
                "is not defined by type 'Range'.",
            }));
  EXPECT_EQ(Messages(Run("query($c: [Int]) { echoArgs(c: $c) }", R"({"c": [1, "x", 2.5]})")),
            (std::vector<std::string>{
                "Variable '$c' got invalid value 'x' at 'c[1]'; Int cannot represent non-integer "
                "value: 'x'",
                "Variable '$c' got invalid value 2.5 at 'c[2]'; Int cannot represent non-integer "
                "value: 2.5",
            }));
  EXPECT_EQ(Messages(Run("query($c: Color) { echoArgs(color: $c) }", R"({"c": "GREN"})")),
            (std::vector<std::string>{
                "Variable '$c' got invalid value 'GREN'; Value 'GREN' does not exist in 'Color' "
                "enum. Did you mean the enum value 'GREEN' or 'RED'?"}));
}

TEST_F(ExecutorTest, VariableErrorsAreCapped) {
  ExecutionOptions options;
  options.max_errors = 2;
  const std::string response =
      Run("query($a: Int, $b: Int, $c: Int) { echoArgs(a: $a c: [$b, $c]) }",
          R"({"a": "x", "b": "y", "c": "z"})", options);
  EXPECT_EQ(Messages(response),
            (std::vector<std::string>{
                "Variable '$a' got invalid value 'x'; Int cannot represent non-integer value: 'x'",
                "Variable '$b' got invalid value 'y'; Int cannot represent non-integer value: 'y'",
                "Too many errors processing variables, error limit reached. Execution aborted.",
            }));
}

TEST_F(ExecutorTest, ArgumentErrorsOnlyExecutionSees) {
  EXPECT_EQ(RunUnvalidated("query($x: Int) { requiredInt(x: $x) }"),
            R"({"errors":[{"message":"Argument 'x' of required type 'Int!' was provided the )"
            R"(variable '$x' which was not provided a runtime value.","locations":[{"line":1,)"
            R"("column":33}],"path":["requiredInt"],"extensions":{"code":"BAD_USER_INPUT"}}],)"
            R"("data":{"requiredInt":null}})");
  EXPECT_EQ(RunUnvalidated("query($x: Int) { requiredInt(x: $x) }", R"({"x": null})"),
            R"({"errors":[{"message":"Argument 'x' of non-null type 'Int!' must not be null.",)"
            R"("locations":[{"line":1,"column":33}],"path":["requiredInt"],"extensions":)"
            R"({"code":"BAD_USER_INPUT"}}],"data":{"requiredInt":null}})");
  EXPECT_EQ(Messages(RunUnvalidated("{ requiredInt }")),
            (std::vector<std::string>{"Argument 'x' of required type 'Int!' was not provided."}));
  EXPECT_EQ(Messages(RunUnvalidated(R"({ requiredInt(x: "a") })")),
            (std::vector<std::string>{"Argument 'x' has invalid value \"a\"."}));
}

TEST_F(ExecutorTest, DirectiveArgumentErrors) {
  // At the root the whole result is null; below it, the field whose selection set holds it.
  EXPECT_EQ(RunUnvalidated("query($b: Boolean) { hello @skip(if: $b) }"),
            R"({"errors":[{"message":"Argument 'if' of required type 'Boolean!' was provided )"
            R"(the variable '$b' which was not provided a runtime value.","locations":[{"line":1,)"
            R"("column":38}],"extensions":{"code":"BAD_USER_INPUT"}}],"data":null})");
  EXPECT_EQ(RunUnvalidated("query($b: Boolean) { item { id @skip(if: $b) } hello }"),
            R"({"errors":[{"message":"Argument 'if' of required type 'Boolean!' was provided )"
            R"(the variable '$b' which was not provided a runtime value.","locations":[{"line":1,)"
            R"("column":42}],"path":["item"],"extensions":{"code":"BAD_USER_INPUT"}}],)"
            R"("data":{"item":null,"hello":"world"}})");
}

TEST_F(ExecutorTest, NonNullRootFieldNullsData) {
  EXPECT_EQ(Run("{ failNonNull hello }"),
            R"({"errors":[{"message":"no such","locations":[{"line":1,"column":3}],)"
            R"("path":["failNonNull"],"extensions":{"code":"NOT_FOUND"}}],"data":null})");
  EXPECT_EQ(Run("{ strictItemsNonNull { id } hello }"),
            R"({"errors":[{"message":"Cannot return null for non-nullable field )"
            R"(Query.strictItemsNonNull.","locations":[{"line":1,"column":3}],)"
            R"("path":["strictItemsNonNull",0]}],"data":null})");
}

TEST_F(ExecutorTest, NullPropagatesToNearestNullableParent) {
  EXPECT_EQ(Run("{ item { mustHave } hello }"),
            R"({"errors":[{"message":"Cannot return null for non-nullable field Item.mustHave.",)"
            R"("locations":[{"line":1,"column":10}],"path":["item","mustHave"]}],)"
            R"("data":{"item":null,"hello":"world"}})");
  EXPECT_EQ(Run("{ strictItems { id } }"),
            R"({"errors":[{"message":"Cannot return null for non-nullable field )"
            R"(Query.strictItems.","locations":[{"line":1,"column":3}],)"
            R"("path":["strictItems",1]}],"data":{"strictItems":null}})");
  EXPECT_EQ(Run("{ items { id name child { mustHave } } }"),
            R"({"errors":[{"message":"Cannot return null for non-nullable field Item.mustHave.",)"
            R"("locations":[{"line":1,"column":27}],"path":["items",0,"child","mustHave"]}],)"
            R"("data":{"items":[{"id":"1","name":null,"child":null},)"
            R"({"id":"2","name":null,"child":{"mustHave":"x"}}]}})");
  EXPECT_EQ(Run("{ item { list } }"),
            R"({"errors":[{"message":"Cannot return null for non-nullable field Item.list.",)"
            R"("locations":[{"line":1,"column":10}],"path":["item","list",1]}],)"
            R"("data":{"item":{"list":null}}})");
}

TEST_F(ExecutorTest, ResolverErrorsCarryCodePathAndEveryLocation) {
  EXPECT_EQ(Run("{ fail ... on Query { fail } }"),
            R"({"errors":[{"message":"no such thing","locations":[{"line":1,"column":3},)"
            R"({"line":1,"column":23}],"path":["fail"],"extensions":{"code":"NOT_FOUND"}}],)"
            R"("data":{"fail":null}})");
  const std::pair<const char*, const char*> cases[] = {
      {"invalid", "BAD_USER_INPUT"},
      {"forbidden", "FORBIDDEN"},
      {"unauthenticated", "UNAUTHENTICATED"},
      {"busy", "TOO_MANY_REQUESTS"},
      {"down", "UNAVAILABLE"},
      {"other", "INTERNAL"},
  };
  for (const auto& [argument, code] : cases) {
    Json response = Json::parse(Run(std::string(R"({ failWith(code: ")") + argument + R"(") })"));
    EXPECT_EQ(response["errors"][0]["extensions"]["code"], code) << argument;
    EXPECT_EQ(response["data"], Json::parse(R"({"failWith":null})"));
  }
}

TEST_F(ExecutorTest, ThrowingResolverIsAnInternalErrorWithoutDetails) {
  EXPECT_EQ(Run("{ throws hello }"),
            R"({"errors":[{"message":"Internal error.","locations":[{"line":1,"column":3}],)"
            R"("path":["throws"],"extensions":{"code":"INTERNAL"}}],)"
            R"("data":{"throws":null,"hello":"world"}})");
}

TEST_F(ExecutorTest, ResultCoercionErrors) {
  EXPECT_EQ(Messages(Run("{ badInt color notAList }")),
            (std::vector<std::string>{
                "Int cannot represent non-integer value: 1.5",
                "Enum 'Color' cannot represent value: 'PINK'",
                "Expected Iterable, but did not find one for field 'Query.notAList'.",
            }));
  EXPECT_EQ(Json::parse(Run("{ badInt color notAList }"))["data"],
            Json::parse(R"({"badInt":null,"color":null,"notAList":null})"));
}

TEST_F(ExecutorTest, OperationSelection) {
  const char* two = "query A { a: hello } query B { b: hello }";
  EXPECT_EQ(Run(two),
            R"({"errors":[{"message":"Must provide operation name if query contains multiple )"
            R"(operations.","extensions":{"code":"BAD_USER_INPUT"}}]})");
  EXPECT_EQ(
      Run(two, "{}", {}, "C"),
      R"({"errors":[{"message":"Unknown operation named 'C'.","extensions":{"code":"BAD_USER_INPUT"}}]})");
  EXPECT_EQ(Run(two, "{}", {}, "B"), R"({"data":{"b":"world"}})");
  EXPECT_EQ(
      Run("{ hello }", "{}", {}, "A"),
      R"({"errors":[{"message":"Unknown operation named 'A'.","extensions":{"code":"BAD_USER_INPUT"}}]})");

  Document empty;
  ExecutionRequest request;
  request.document = &empty;
  EXPECT_EQ(
      Execute(*schema_, request).ToJson().dump(),
      R"({"errors":[{"message":"Must provide an operation.","extensions":{"code":"BAD_USER_INPUT"}}]})");
  EXPECT_EQ(SelectOperation(empty, std::nullopt), nullptr);
}

TEST_F(ExecutorTest, TimeoutTurnsRemainingFieldsIntoErrors) {
  ExecutionOptions options;
  options.timeout = std::chrono::milliseconds(0);
  EXPECT_EQ(Run("{ hello }", "{}", options),
            R"({"errors":[{"message":"Execution timed out.","locations":[{"line":1,"column":3}],)"
            R"("path":["hello"],"extensions":{"code":"TIMEOUT"}}],"data":{"hello":null}})");

  // The slow resolver (30 ms) may or may not start in time; the field after it cannot.
  options.timeout = std::chrono::milliseconds(5);
  Json response = Json::parse(Run("{ slow hello }", "{}", options));
  EXPECT_EQ(response["data"]["hello"], nullptr);
  const Json& last = response["errors"].back();
  EXPECT_EQ(last["message"], "Execution timed out.");
  EXPECT_EQ(last["path"], Json::parse(R"(["hello"])"));
  EXPECT_EQ(last["extensions"]["code"], "TIMEOUT");
}

TEST_F(ExecutorTest, FieldErrorsAreCapped) {
  ExecutionOptions options;
  options.max_errors = 2;
  Json response = Json::parse(Run("{ a: fail b: fail c: fail }", "{}", options));
  EXPECT_EQ(response["errors"].size(), 2u);
  EXPECT_EQ(response["errors"][1]["path"], Json::parse(R"(["b"])"));
  EXPECT_EQ(response["data"], Json::parse(R"({"a":null,"b":null,"c":null})"));
}

TEST_F(ExecutorTest, LargeListsAndCustomScalars) {
  Json response = Json::parse(Run("{ many(n: 5000) { id name } json }"));
  ASSERT_EQ(response["data"]["many"].size(), 5000u);
  EXPECT_EQ(response["data"]["many"][4999], Json::parse(R"({"id":"4999","name":"item 4999"})"));
  EXPECT_EQ(response["data"]["json"],
            Json::parse(R"({"way":["https://x/1","https://x/2"],"n":null})"));
  EXPECT_FALSE(response.contains("errors"));
}

TEST_F(ExecutorTest, MetaFieldsOnTheQueryType) {
  EXPECT_EQ(Run(R"({ __type(name: "Item") { name kind } })"),
            R"({"data":{"__type":{"name":"Item","kind":"OBJECT"}}})");
  EXPECT_EQ(Run("{ __schema { queryType { name } mutationType { name } } }"),
            R"({"data":{"__schema":{"queryType":{"name":"Query"},)"
            R"("mutationType":{"name":"Mutation"}}}})");
}

TEST_F(ExecutorTest, VariablesMustBeAnObject) {
  EXPECT_EQ(Run("{ hello }", "[1]"),
            R"({"errors":[{"message":"Variables must be provided as an object.",)"
            R"("extensions":{"code":"BAD_USER_INPUT"}}]})");
  EXPECT_EQ(Run("{ hello }", "null"), R"({"data":{"hello":"world"}})");
}

// ---- Coercion entry points -------------------------------------------------------------------

class CoercionTest : public ExecutorTest {
 protected:
  const Type& T(const char* ref) {
    ParseResult parsed = Parse(std::string("query($v: ") + ref + ") { hello }");
    EXPECT_TRUE(parsed.ok);
    const Type* type = schema_->Resolve(parsed.document.operations[0].variables[0].type);
    EXPECT_NE(type, nullptr) << ref;
    return *type;
  }
  std::string Value(const char* ref, const char* json) {
    std::string error;
    auto result = CoerceInputValue(T(ref), Json::parse(json), &error);
    return result ? result->dump() : "error " + error;
  }
  std::string Literal(const char* ref, const std::string& literal, const char* variables = "{}") {
    ParseResult parsed = Parse("{ f(a: " + literal + ") }");
    EXPECT_TRUE(parsed.ok) << literal;
    const auto& value = parsed.document.operations[0].selection_set[0].arguments[0].value;
    std::string error;
    auto result = CoerceLiteral(T(ref), value, Json::parse(variables), &error);
    return result ? result->dump() : "error " + error;
  }
};

TEST_F(CoercionTest, JsonValues) {
  EXPECT_EQ(Value("Int", "2147483647"), "2147483647");
  EXPECT_EQ(Value("Int", "-2147483648"), "-2147483648");
  EXPECT_EQ(Value("Int", "2147483648"),
            "error Int cannot represent non 32-bit signed integer value: 2147483648");
  EXPECT_EQ(Value("Int", "4294967296"),
            "error Int cannot represent non 32-bit signed integer value: 4294967296");
  EXPECT_EQ(Value("Int", "1.0"), "1");
  EXPECT_EQ(Value("Int!", "null"), "error Expected non-nullable type 'Int!' not to be None.");
  EXPECT_EQ(Value("[Int]", "[1, null]"), "[1,null]");
  EXPECT_EQ(Value("[[Int]]", "1"), "[[1]]");
  EXPECT_EQ(Value("[Int!]", "[1, null]"),
            "error Invalid value None at 'value[1]': Expected non-nullable type 'Int!' not to be "
            "None.");
  EXPECT_EQ(Value("Range", R"({"end": 2, "start": 1})"), R"({"start":1,"end":2,"label":"none"})");
  EXPECT_EQ(Value("Range", "3"), "error Expected type 'Range' to be a mapping.");
  EXPECT_EQ(Value("Range", R"({"end": 2})"),
            "error Field 'start' of required type 'Int!' was not provided.");
  EXPECT_EQ(Value("Range", R"({"start": 1, "end": 2, "lable": "x"})"),
            "error Field 'lable' is not defined by type 'Range'. Did you mean 'label'?");
  EXPECT_EQ(Value("Color", R"("BLUE")"), R"("BLUE")");
  EXPECT_EQ(Value("JSON", R"({"a":[1]})"), R"({"a":[1]})");
}

TEST_F(CoercionTest, Literals) {
  EXPECT_EQ(Literal("Int", "2147483647"), "2147483647");
  EXPECT_EQ(Literal("Int", "-2147483649"),
            "error Int cannot represent non 32-bit signed integer value: -2147483649");
  EXPECT_EQ(Literal("Int", "1.0"), "error Int cannot represent non-integer value: 1.0");
  EXPECT_EQ(Literal("Int!", "null"), "error Expected value of type 'Int!', found null.");
  EXPECT_EQ(Literal("[Int]", "1"), "[1]");
  EXPECT_EQ(Literal("[Int]", "[1, null, $v]", R"({"v": 3})"), "[1,null,3]");
  EXPECT_EQ(Literal("[Int!]", "[1, $w]"),
            "error Variable '$w' of required type 'Int!' was not provided.");
  EXPECT_EQ(Literal("Range", "{start: 1, end: $e}", R"({"e": 4})"),
            R"({"start":1,"end":4,"label":"none"})");
  EXPECT_EQ(Literal("Range", "{start: 1}"),
            "error Field 'Range.end' of required type 'Int!' was not provided.");
  EXPECT_EQ(Literal("Range", "{start: 1, end: 2, x: 1}"),
            "error Field 'x' is not defined by type 'Range'.");
  EXPECT_EQ(Literal("Range", "1"), "error Expected value of type 'Range', found 1.");
  EXPECT_EQ(Literal("Color", "GREEN"), R"("GREEN")");
  EXPECT_EQ(Literal("Int", "$v", R"({"v": 8})"), "8");
  EXPECT_EQ(Literal("Int!", "$v", R"({"v": null})"),
            "error Variable '$v' of non-null type 'Int!' must not be null.");
}

TEST(ResultJsonTest, ErrorsFirstAndNoDataWhenExecutionNeverStarted) {
  ExecutionResult result;
  EXPECT_EQ(result.ToJson().dump(), "{}");
  result.errors.push_back({"bad", {{2, 5}}, {std::string("a"), 0}, "X"});
  EXPECT_EQ(result.ToJson().dump(),
            R"({"errors":[{"message":"bad","locations":[{"line":2,"column":5}],)"
            R"("path":["a",0],"extensions":{"code":"X"}}]})");
  result.has_data = true;
  result.data = Json::parse(R"({"a":[null]})");
  EXPECT_EQ(std::move(result).ToJson().dump(),
            R"({"errors":[{"message":"bad","locations":[{"line":2,"column":5}],)"
            R"("path":["a",0],"extensions":{"code":"X"}}],"data":{"a":[null]}})");
  EXPECT_EQ(GraphQLError{"only"}.ToJson().dump(), R"({"message":"only"})");
}

TEST(ErrorCodeTest, StatusCodesMapToExtensionCodes) {
  EXPECT_EQ(ErrorCodeFor(StatusCode::kInvalidArgument), "BAD_USER_INPUT");
  EXPECT_EQ(ErrorCodeFor(StatusCode::kNotFound), "NOT_FOUND");
  EXPECT_EQ(ErrorCodeFor(StatusCode::kUnauthenticated), "UNAUTHENTICATED");
  EXPECT_EQ(ErrorCodeFor(StatusCode::kPermissionDenied), "FORBIDDEN");
  EXPECT_EQ(ErrorCodeFor(StatusCode::kResourceExhausted), "TOO_MANY_REQUESTS");
  EXPECT_EQ(ErrorCodeFor(StatusCode::kUnavailable), "UNAVAILABLE");
  EXPECT_EQ(ErrorCodeFor(StatusCode::kFailedPrecondition), "FAILED_PRECONDITION");
  EXPECT_EQ(ErrorCodeFor(StatusCode::kDataLoss), "INTERNAL");
  EXPECT_EQ(ErrorCodeFor(StatusCode::kInternal), "INTERNAL");
}

}  // namespace
}  // namespace de::graphql
