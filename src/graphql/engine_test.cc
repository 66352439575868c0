// The engine facade: where a request stops (limits, parse, validation, GET mutations) and what the
// response says then.
#include "graphql/engine.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace de::graphql {
namespace {

constexpr char kSdl[] = R"(
type Query { hello: String item: Item whoami: String }
type Item { id: ID! child: Item }
type Mutation { setValue(v: Int!): Int }
)";

using Phase = EngineResponse::Phase;

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto built = BuildSchema(kSdl);
    ASSERT_TRUE(built.ok()) << built.status().ToString();
    schema_ = std::move(built).value();
    auto bind = [&](const char* type, const char* field, Resolver resolver) {
      ASSERT_TRUE(schema_->BindResolver(type, field, std::move(resolver)).ok()) << field;
    };
    bind("Query", "hello", [](const ResolveInfo&) -> Result<Json> { return Json("world"); });
    bind("Query", "item", [](const ResolveInfo&) -> Result<Json> {
      return Json::parse(R"({"id":"1","child":{"id":"2"}})");
    });
    bind("Query", "whoami", [](const ResolveInfo& info) -> Result<Json> {
      return Json(std::any_cast<std::string>(info.context));
    });
    bind("Mutation", "setValue",
         [](const ResolveInfo& info) -> Result<Json> { return info.args["v"]; });
  }

  EngineResponse Run(std::string query, const char* variables = "{}", bool allow_mutations = true,
                     EngineLimits limits = {}) {
    Engine engine(schema_.get(), limits);
    EngineRequest request;
    request.query = std::move(query);
    request.variables = Json::parse(variables);
    request.allow_mutations = allow_mutations;
    request.context = std::string("alice");
    return engine.Run(std::move(request));
  }

  std::unique_ptr<Schema> schema_;
};

std::string Dump(const EngineResponse& response) { return response.result.ToJson().dump(); }

TEST_F(EngineTest, ExecutesAValidQuery) {
  EngineResponse response = Run("{ hello whoami }");
  EXPECT_EQ(response.phase, Phase::kExecuted);
  EXPECT_EQ(Dump(response), R"({"data":{"hello":"world","whoami":"alice"}})");
}

TEST_F(EngineTest, QueryTextOverTheLimit) {
  EngineLimits limits;
  limits.max_query_bytes = 10;
  EngineResponse response = Run("{ hello hello }", "{}", true, limits);
  EXPECT_EQ(response.phase, Phase::kParse);
  EXPECT_EQ(Dump(response), R"({"errors":[{"message":"Query text is 15 bytes; the limit is 10.",)"
                            R"("extensions":{"code":"LIMIT_EXCEEDED"}}]})");
}

TEST_F(EngineTest, SyntaxError) {
  EngineResponse response = Run("{ hello");
  EXPECT_EQ(response.phase, Phase::kParse);
  EXPECT_EQ(
      Dump(response),
      R"({"errors":[{"message":"Syntax Error: Expected Name, found <EOF>.",)"
      R"("locations":[{"line":1,"column":8}],"extensions":{"code":"GRAPHQL_PARSE_FAILED"}}]})");
}

TEST_F(EngineTest, TokenLimitStopsParsing) {
  EngineLimits limits;
  limits.max_tokens = 3;
  EngineResponse response = Run("{ hello hello hello }", "{}", true, limits);
  EXPECT_EQ(response.phase, Phase::kParse);
  ASSERT_EQ(response.result.errors.size(), 1u);
  EXPECT_EQ(response.result.errors[0].code, "GRAPHQL_PARSE_FAILED");
  EXPECT_FALSE(response.result.has_data);
}

TEST_F(EngineTest, ShapeLimitsStopBeforeValidation) {
  EngineLimits limits;
  limits.max_field_depth = 2;
  EngineResponse response = Run("{ item { child { id } } nope }", "{}", true, limits);
  EXPECT_EQ(response.phase, Phase::kValidate);
  ASSERT_EQ(response.result.errors.size(), 1u);  // the unknown field is not reported yet
  EXPECT_EQ(response.result.errors[0].code, "LIMIT_EXCEEDED");
  EXPECT_FALSE(response.result.has_data);
}

TEST_F(EngineTest, ValidationErrors) {
  EngineResponse response = Run("{ nope }");
  EXPECT_EQ(response.phase, Phase::kValidate);
  EXPECT_EQ(Dump(response), R"({"errors":[{"message":"Cannot query field 'nope' on type 'Query'.",)"
                            R"("locations":[{"line":1,"column":3}],)"
                            R"("extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}]})");
}

TEST_F(EngineTest, MutationsOnlyWhenAllowed) {
  EngineResponse refused = Run("mutation M { setValue(v: 1) }", "{}", false);
  EXPECT_EQ(refused.phase, Phase::kNotAllowed);
  EXPECT_EQ(Dump(refused),
            R"({"errors":[{"message":"Mutations are not allowed over GET; use POST.",)"
            R"("locations":[{"line":1,"column":1}],"extensions":{"code":"METHOD_NOT_ALLOWED"}}]})");
  EXPECT_EQ(Run("{ hello }", "{}", false).phase, Phase::kExecuted);

  EngineResponse allowed = Run("mutation { setValue(v: 2) }");
  EXPECT_EQ(allowed.phase, Phase::kExecuted);
  EXPECT_EQ(Dump(allowed), R"({"data":{"setValue":2}})");
}

TEST_F(EngineTest, VariablesMustBeAnObjectOrNull) {
  EngineResponse response = Run("{ hello }", R"("x")");
  EXPECT_EQ(response.phase, Phase::kParse);
  EXPECT_EQ(Dump(response), R"({"errors":[{"message":"Variables must be provided as an object.",)"
                            R"("extensions":{"code":"BAD_USER_INPUT"}}]})");
  EXPECT_EQ(Run("{ hello }", "null").phase, Phase::kExecuted);
}

TEST_F(EngineTest, BadVariablesAreExecutionErrorsWithoutData) {
  EngineResponse response = Run("mutation($v: Int!) { setValue(v: $v) }", R"({"v": 4294967296})");
  EXPECT_EQ(response.phase, Phase::kExecuted);
  EXPECT_EQ(Dump(response),
            R"({"errors":[{"message":"Variable '$v' got invalid value 4294967296; Int cannot )"
            R"(represent non 32-bit signed integer value: 4294967296","locations":[{"line":1,)"
            R"("column":10}],"extensions":{"code":"BAD_USER_INPUT"}}]})");
}

TEST_F(EngineTest, TimeoutFromTheLimits) {
  EngineLimits limits;
  limits.timeout = std::chrono::milliseconds(0);
  EngineResponse response = Run("{ hello }", "{}", true, limits);
  EXPECT_EQ(response.phase, Phase::kExecuted);
  ASSERT_EQ(response.result.errors.size(), 1u);
  EXPECT_EQ(response.result.errors[0].code, "TIMEOUT");
}

TEST_F(EngineTest, RunsFromManyThreads) {
  Engine engine(schema_.get(), {});
  std::vector<std::thread> threads;
  std::vector<std::string> last(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        EngineRequest request;
        request.query = "query { item { id child { id } } hello }";
        last[t] = engine.Run(std::move(request)).result.ToJson().dump();
        EngineRequest mutation;
        mutation.query = "mutation($v: Int!) { setValue(v: $v) }";
        mutation.variables = Json::parse(R"({"v": 7})");
        EXPECT_EQ(engine.Run(std::move(mutation)).result.ToJson().dump(),
                  R"({"data":{"setValue":7}})");
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const std::string& response : last) {
    EXPECT_EQ(response, R"({"data":{"item":{"id":"1","child":{"id":"2"}},"hello":"world"}})");
  }
}

}  // namespace
}  // namespace de::graphql
