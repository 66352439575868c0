// GraphQL over HTTP against the real HttpServer on an ephemeral port: media types, methods,
// bodies and status codes (https://graphql.github.io/graphql-over-http/draft/), and bearer auth.
// The engine runs a small schema of its own here; the export schema has export_api_test.cc.
#include "api/graphql_http.h"

#include <atomic>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "api/http_test_client.h"

namespace de {
namespace {

using graphql::Json;
using testing::ClientResponse;
using testing::Fetch;
using Verb = boost::beast::http::verb;
using Headers = std::vector<std::pair<std::string, std::string>>;

constexpr std::string_view kSdl = R"(
type Query {
  hello(name: String = "world"): String!
  echo(value: Int!): Int!
  whoami: String!
  broken: String
}
type Mutation {
  bump: Int!
}
)";

constexpr const char* kGraphqlResponse = "application/graphql-response+json; charset=utf-8";
constexpr const char* kJson = "application/json; charset=utf-8";

TEST(NegotiateMediaTypeTest, FollowsQValuesSpecificityAndCharset) {
  using T = GraphqlMediaType;
  struct Case {
    std::optional<std::string_view> accept;
    std::optional<T> expected;
  };
  const Case cases[] = {
      {std::nullopt, T::kJson},
      {"", T::kJson},
      {"*/*", T::kJson},
      {"application/*", T::kJson},
      {"application/json", T::kJson},
      {"Application/JSON", T::kJson},
      {"application/graphql-response+json", T::kGraphqlResponseJson},
      {"application/graphql-response+json, application/json", T::kGraphqlResponseJson},
      {"application/json, application/graphql-response+json", T::kGraphqlResponseJson},
      {"application/graphql-response+json; charset=utf-8, application/json; charset=utf-8",
       T::kGraphqlResponseJson},
      {"application/graphql-response+json, application/json;q=0.9", T::kGraphqlResponseJson},
      {"application/json;q=1.0, application/graphql-response+json;q=0.9", T::kJson},
      {"application/graphql-response+json;q=0.5, */*", T::kJson},
      {"application/graphql-response+json, */*;q=0.1", T::kGraphqlResponseJson},
      {"application/json;q=0, */*", T::kGraphqlResponseJson},
      {"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", T::kJson},
      {"application/json; charset=UTF-8", T::kJson},
      {"application/json; charset=\"utf-8\"", T::kJson},
      {"application/json; charset=iso-8859-1, application/graphql-response+json",
       T::kGraphqlResponseJson},
      {"text/html", std::nullopt},
      {"application/xml, text/*", std::nullopt},
      {"application/json; charset=iso-8859-1", std::nullopt},
      {"application/json;q=0", std::nullopt},
      {"application/json;q=abc", std::nullopt},
      {"application/json;q=1.5", std::nullopt},
      {"*/*;q=0", std::nullopt},
      {"application", std::nullopt},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(NegotiateMediaType(c.accept), c.expected) << c.accept.value_or("(none)");
  }
}

class GraphqlHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto schema = graphql::BuildSchema(kSdl);
    ASSERT_TRUE(schema.ok()) << schema.status().ToString();
    schema_ = std::move(schema).value();
    Bind("Query", "hello", [](const graphql::ResolveInfo& info) -> Result<Json> {
      return Json("hello " + info.args.at("name").get<std::string>());
    });
    Bind("Query", "echo",
         [](const graphql::ResolveInfo& info) -> Result<Json> { return info.args.at("value"); });
    Bind("Query", "whoami", [](const graphql::ResolveInfo& info) -> Result<Json> {
      const ApiCaller* caller = std::any_cast<ApiCaller>(&info.context);
      if (caller == nullptr) return Json("nobody");
      return Json(caller->admin() ? "admin" : "user");
    });
    Bind("Query", "broken",
         [](const graphql::ResolveInfo&) -> Result<Json> { return NotFound("nothing is here"); });
    Bind("Mutation", "bump", [this](const graphql::ResolveInfo&) -> Result<Json> {
      return Json(bumps_.fetch_add(1) + 1);
    });
    engine_ = std::make_unique<graphql::Engine>(schema_.get(), graphql::EngineLimits{});
  }

  void TearDown() override {
    if (server_) server_->Stop();
  }

  void Bind(std::string_view type, std::string_view field, graphql::Resolver resolver) {
    ASSERT_TRUE(schema_->BindResolver(type, field, std::move(resolver)).ok());
  }

  void Start(Authenticator auth = Authenticator::Off()) {
    auth_ = std::move(auth);
    handler_ = std::make_unique<GraphqlHttpHandler>(engine_.get(), &auth_);
    server_ = std::make_unique<HttpServer>(HttpServerOptions{});
    MountGraphqlRoute(*server_, *handler_);
    ASSERT_TRUE(server_->Start().ok());
  }

  ClientResponse Post(std::string body, Headers headers = {{"Content-Type", "application/json"}}) {
    return Fetch(server_->port(), Verb::post, "/graphql", std::move(headers), std::move(body));
  }

  ClientResponse PostJson(const Json& body, std::string accept) {
    return Post(body.dump(), {{"Content-Type", "application/json"}, {"Accept", std::move(accept)}});
  }

  ClientResponse Get(const std::string& query_string, Headers headers = {}) {
    return Fetch(server_->port(), Verb::get, "/graphql?" + query_string, std::move(headers));
  }

  static Json Body(const ClientResponse& response) {
    Json body = Json::parse(response.body, nullptr, false);
    EXPECT_FALSE(body.is_discarded()) << response.body;
    return body;
  }

  // Asserts a request-level error: `status`, one error with `code`, no data.
  static void ExpectRequestError(const ClientResponse& response, int status, std::string_view code,
                                 std::string_view message) {
    EXPECT_EQ(response.status, status) << response.body;
    Json body = Body(response);
    EXPECT_FALSE(body.contains("data")) << response.body;
    ASSERT_EQ(body["errors"].size(), 1u) << response.body;
    EXPECT_EQ(body["errors"][0]["extensions"]["code"], code) << response.body;
    EXPECT_EQ(body["errors"][0]["message"], message) << response.body;
  }

  std::unique_ptr<graphql::Schema> schema_;
  std::unique_ptr<graphql::Engine> engine_;
  Authenticator auth_ = Authenticator::Off();
  std::unique_ptr<GraphqlHttpHandler> handler_;
  std::unique_ptr<HttpServer> server_;
  std::atomic<int> bumps_{0};
};

TEST_F(GraphqlHttpTest, PostAnswersInTheNegotiatedMediaType) {
  Start();
  const Json query = {{"query", "{ hello }"}};
  struct Case {
    std::optional<std::string> accept;
    const char* content_type;
  };
  const Case cases[] = {
      {"application/graphql-response+json", kGraphqlResponse},
      {"application/json", kJson},
      {"*/*", kJson},
      {std::nullopt, kJson},
      {"application/graphql-response+json, application/json;q=0.9", kGraphqlResponse},
  };
  for (const Case& c : cases) {
    Headers headers = {{"Content-Type", "application/json"}};
    if (c.accept) headers.emplace_back("Accept", *c.accept);
    ClientResponse response = Post(query.dump(), headers);
    EXPECT_EQ(response.status, 200) << c.accept.value_or("(none)");
    EXPECT_EQ(response.Header("content-type"), c.content_type);
    EXPECT_EQ(response.body, R"({"data":{"hello":"hello world"}})");
  }
}

TEST_F(GraphqlHttpTest, UnacceptableAcceptIs406) {
  Start();
  ClientResponse response = PostJson({{"query", "{ hello }"}}, "text/html");
  ExpectRequestError(response, 406, "NOT_ACCEPTABLE",
                     "Accept 'text/html' allows neither application/graphql-response+json nor "
                     "application/json");
  EXPECT_EQ(response.Header("content-type"), kJson);
  EXPECT_EQ(PostJson({{"query", "{ hello }"}}, "application/json; charset=latin1").status, 406);
  EXPECT_EQ(Get("query=%7Bhello%7D", {{"Accept", "image/png"}}).status, 406);
}

TEST_F(GraphqlHttpTest, ContentTypeMustBeJsonInUtf8) {
  Start();
  const std::string body = R"({"query":"{ hello }"})";
  ClientResponse missing = Post(body, {});
  ExpectRequestError(missing, 415, "UNSUPPORTED_MEDIA_TYPE",
                     "the request has no Content-Type; send the request as Content-Type: "
                     "application/json");
  ClientResponse text = Post(body, {{"Content-Type", "text/plain"}});
  ExpectRequestError(text, 415, "UNSUPPORTED_MEDIA_TYPE",
                     "Content-Type 'text/plain' is not supported; send the request as "
                     "Content-Type: application/json (UTF-8)");
  EXPECT_EQ(Post(body, {{"Content-Type", "application/json; charset=iso-8859-1"}}).status, 415);
  EXPECT_EQ(Post(body, {{"Content-Type", "application/x-www-form-urlencoded"}}).status, 415);
  EXPECT_EQ(Post(body, {{"Content-Type", "application/graphql"}}).status, 415);
  EXPECT_EQ(Post(body, {{"Content-Type", "application/json; charset=utf-8"}}).status, 200);
  EXPECT_EQ(Post(body, {{"Content-Type", "Application/JSON;charset=UTF-8"}}).status, 200);
}

TEST_F(GraphqlHttpTest, MalformedRequestsAre400InBothMediaTypes) {
  Start();
  struct Case {
    std::string body;
    std::string message;
  };
  const Case cases[] = {
      {"", "the request body is empty: send {\"query\": \"...\"}"},
      {"{ \"not a JSON", "the request body is not valid JSON (at byte 14)"},
      {"NONSENSE", "the request body is not valid JSON (at byte 1)"},
      {R"({"query": "{ hello }", "variables": {"n": 1e400}})",
       "the request body holds a number too large to represent"},
      {R"([{"query":"{ hello }"}])", "batching is not supported: send one operation per request"},
      {"3", "the request body must be a JSON object"},
      {R"("{ hello }")", "the request body must be a JSON object"},
      {"{}", "the request has no query: send {\"query\": \"...\"}"},
      {R"({"qeury":"{ hello }"})", "the request has no query: send {\"query\": \"...\"}"},
      {R"({"query":null})", "the request has no query: send {\"query\": \"...\"}"},
      {R"({"query":{"obj":"ect"}})", "query must be a string"},
      {R"({"query":0})", "query must be a string"},
      {R"({"query":false})", "query must be a string"},
      {R"({"query":["array"]})", "query must be a string"},
      {R"({"query":"{ hello }","operationName":0})", "operationName must be a string or null"},
      {R"({"query":"{ hello }","operationName":["a"]})", "operationName must be a string or null"},
      {R"({"query":"{ hello }","variables":"string"})",
       "variables must be an object (map) or null"},
      {R"({"query":"{ hello }","variables":[7]})", "variables must be an object (map) or null"},
      {R"({"query":"{ hello }","variables":false})", "variables must be an object (map) or null"},
      {R"({"query":"{ hello }","extensions":"string"})",
       "extensions must be an object (map) or null"},
      {R"({"query":"{ hello }","extensions":0})", "extensions must be an object (map) or null"},
  };
  for (const char* accept : {"application/json", "application/graphql-response+json"}) {
    for (const Case& c : cases) {
      SCOPED_TRACE(std::string(accept) + " " + c.body);
      ClientResponse response =
          Post(c.body, {{"Content-Type", "application/json"}, {"Accept", accept}});
      ExpectRequestError(response, 400, "BAD_REQUEST", c.message);
    }
  }
}

TEST_F(GraphqlHttpTest, NullOptionalMembersAreAbsent) {
  Start();
  for (const char* member : {"operationName", "variables", "extensions"}) {
    for (const char* accept : {"application/json", "application/graphql-response+json"}) {
      ClientResponse response = PostJson({{"query", "{ hello }"}, {member, nullptr}}, accept);
      EXPECT_EQ(response.status, 200) << member;
      EXPECT_EQ(response.body, R"({"data":{"hello":"hello world"}})");
    }
  }
  ClientResponse empty_name =
      PostJson({{"query", "{ hello }"}, {"operationName", ""}}, "application/json");
  EXPECT_EQ(empty_name.body, R"({"data":{"hello":"hello world"}})");
  ClientResponse with_all = PostJson({{"query", "query Q($n: String) { hello(name: $n) }"},
                                      {"operationName", "Q"},
                                      {"variables", {{"n", "Ann"}}},
                                      {"extensions", {{"some", "value"}}}},
                                     "application/graphql-response+json");
  EXPECT_EQ(with_all.status, 200);
  EXPECT_EQ(with_all.body, R"({"data":{"hello":"hello Ann"}})");
}

TEST_F(GraphqlHttpTest, RequestErrorsAre200ForJsonAnd400ForGraphqlResponseJson) {
  Start();
  struct Case {
    Json body;
    std::string code;
  };
  const Case cases[] = {
      {{{"query", "{"}}, "GRAPHQL_PARSE_FAILED"},
      {{{"query", "{ f8f31403dfe404bccbb0e835f2629c6a7 }"}}, "GRAPHQL_VALIDATION_FAILED"},
      {{{"query", "query Q($v: Int!) { echo(value: $v) }"}, {"variables", {{"v", "abc"}}}},
       "BAD_USER_INPUT"},
      {{{"query", "query Q($v: Int!) { echo(value: $v) }"}, {"variables", {{"v", 4294967296}}}},
       "BAD_USER_INPUT"},
      {{{"query", "query A { hello } query B { hello }"}}, ""},
      {{{"query", "query A { hello }"}, {"operationName", "B"}}, ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.body.dump());
    ClientResponse json = PostJson(c.body, "application/json");
    EXPECT_EQ(json.status, 200);
    ClientResponse graphql = PostJson(c.body, "application/graphql-response+json");
    EXPECT_EQ(graphql.status, 400);
    EXPECT_EQ(graphql.Header("content-type"), kGraphqlResponse);
    EXPECT_EQ(json.body, graphql.body);
    Json body = Body(graphql);
    EXPECT_FALSE(body.contains("data"));
    ASSERT_GE(body["errors"].size(), 1u);
    if (!c.code.empty()) {
      EXPECT_EQ(body["errors"][0]["extensions"]["code"], c.code);
    }
  }
  ClientResponse parse = PostJson({{"query", "{"}}, "application/json");
  Json error = Body(parse)["errors"][0];
  EXPECT_EQ(error["message"], "Syntax Error: Expected Name, found <EOF>.");
  EXPECT_EQ(error["locations"], Json::parse(R"([{"line":1,"column":2}])"));
}

TEST_F(GraphqlHttpTest, FieldErrorsKeepStatus200WithPathAndCode) {
  Start();
  for (const char* accept : {"application/json", "application/graphql-response+json"}) {
    ClientResponse response = PostJson({{"query", "{ hello\n  broken }"}}, accept);
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.body,
              R"({"errors":[{"message":"nothing is here","locations":[{"line":2,"column":3}],)"
              R"("path":["broken"],"extensions":{"code":"NOT_FOUND"}}],)"
              R"("data":{"hello":"hello world","broken":null}})");
  }
}

TEST_F(GraphqlHttpTest, GetRunsQueriesWithJsonEncodedVariables) {
  Start();
  ClientResponse plain = Get("query=%7B%20hello%20%7D");
  EXPECT_EQ(plain.status, 200);
  EXPECT_EQ(plain.Header("content-type"), kJson);
  EXPECT_EQ(plain.body, R"({"data":{"hello":"hello world"}})");

  ClientResponse variables =
      Get("query=query%20Q(%24n%3A%20String)%7Bhello(name%3A%24n)%7D&operationName=Q"
          "&variables=%7B%22n%22%3A%22Bo%22%7D&extensions=%7B%7D",
          {{"Accept", "application/graphql-response+json"}});
  EXPECT_EQ(variables.status, 200);
  EXPECT_EQ(variables.Header("content-type"), kGraphqlResponse);
  EXPECT_EQ(variables.body, R"({"data":{"hello":"hello Bo"}})");

  EXPECT_EQ(Get("query=%7Bhello%7D&operationName=").status, 200);
  ExpectRequestError(Get(""), 400, "BAD_REQUEST",
                     "the request has no query: send {\"query\": \"...\"}");
  ExpectRequestError(Get("query=%7Bhello%7D&variables=%7Bbad"), 400, "BAD_REQUEST",
                     "query parameter variables is not valid JSON (at byte 2)");
  ExpectRequestError(Get("query=%7Bhello%7D&variables=%7B%22n%22%3A1e400%7D"), 400, "BAD_REQUEST",
                     "query parameter variables holds a number too large to represent");
  ExpectRequestError(Get("query=%7Bhello%7D&variables=%5B1%5D"), 400, "BAD_REQUEST",
                     "variables must be an object (map) or null");
  ExpectRequestError(Get("query=%7Bhello%7D&query=%7Bhello%7D"), 400, "BAD_REQUEST",
                     "query parameter query is given 2 times");
  ClientResponse parse = Get("query=%7B", {{"Accept", "application/graphql-response+json"}});
  EXPECT_EQ(parse.status, 400);
}

TEST_F(GraphqlHttpTest, MutationOverGetIs405AndNotExecuted) {
  Start();
  for (const char* accept : {"application/json", "application/graphql-response+json"}) {
    ClientResponse response = Get("query=mutation%20%7B%20bump%20%7D", {{"Accept", accept}});
    EXPECT_EQ(response.status, 405);
    EXPECT_EQ(response.Header("allow"), "POST");
    Json body = Body(response);
    EXPECT_FALSE(body.contains("data"));
    EXPECT_EQ(body["errors"][0]["message"], "Mutations are not allowed over GET; use POST.");
  }
  EXPECT_EQ(bumps_.load(), 0);
  // The query of a document that also holds a mutation may still run over GET.
  ClientResponse query = Get("query=query%20Q%7Bhello%7D%20mutation%20M%7Bbump%7D&operationName=Q");
  EXPECT_EQ(query.status, 200);
  EXPECT_EQ(bumps_.load(), 0);
  ClientResponse post = PostJson({{"query", "mutation { bump }"}}, "application/json");
  EXPECT_EQ(post.body, R"({"data":{"bump":1}})");
}

TEST_F(GraphqlHttpTest, OtherMethodsAndOversizeBodies) {
  Start();
  ClientResponse put = Fetch(server_->port(), Verb::put, "/graphql",
                             {{"Content-Type", "application/json"}}, R"({"query":"{hello}"})");
  EXPECT_EQ(put.status, 405);
  EXPECT_EQ(put.Header("allow"), "GET, HEAD, POST");
  std::string big =
      R"({"query":"{ hello }","extensions":{"pad":")" + std::string(70'000, 'x') + "\"}}";
  EXPECT_EQ(Post(big).status, 413);
  // Still serving afterwards.
  EXPECT_EQ(Post(R"({"query":"{ hello }"})").status, 200);
}

TEST_F(GraphqlHttpTest, Utf8InAndOut) {
  Start();
  ClientResponse response = Post(R"({"query":"{ hello(name: \"Run🏃Swim🏊\") }"})",
                                 {{"Content-Type", "application/json; charset=utf-8"}});
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, R"({"data":{"hello":"hello Run🏃Swim🏊"}})");
  // Invalid UTF-8 inside a JSON string is malformed JSON.
  EXPECT_EQ(Post("{\"query\":\"{ hello(name: \\\"\xff\\\") }\"}").status, 400);
}

TEST_F(GraphqlHttpTest, BearerTokensGuardTheEndpoint) {
  auto auth =
      Authenticator::FromHashes({TokenHashEntry("user-token")}, {TokenHashEntry("admin-token")});
  ASSERT_TRUE(auth.ok());
  Start(std::move(auth).value());
  const std::string body = R"({"query":"{ whoami }"})";

  ClientResponse missing = Post(body);
  ExpectRequestError(missing, 401, "UNAUTHENTICATED",
                     "this API needs a bearer token: send 'Authorization: Bearer <token>'");
  EXPECT_EQ(missing.Header("www-authenticate"), "Bearer realm=\"data-exporter\"");

  ClientResponse wrong = Post(body, {{"Content-Type", "application/json"},
                                     {"Accept", "application/graphql-response+json"},
                                     {"Authorization", "Bearer guess"}});
  ExpectRequestError(wrong, 401, "UNAUTHENTICATED", "the bearer token is not valid");
  EXPECT_EQ(wrong.Header("content-type"), kGraphqlResponse);
  EXPECT_EQ(wrong.Header("www-authenticate"),
            "Bearer realm=\"data-exporter\", error=\"invalid_token\"");
  EXPECT_EQ(Get("query=%7Bwhoami%7D").status, 401);

  ClientResponse user =
      Post(body, {{"Content-Type", "application/json"}, {"Authorization", "Bearer user-token"}});
  EXPECT_EQ(user.body, R"({"data":{"whoami":"user"}})");
  ClientResponse admin = Get("query=%7Bwhoami%7D", {{"Authorization", "Bearer admin-token"}});
  EXPECT_EQ(admin.body, R"({"data":{"whoami":"admin"}})");
  // Liveness needs no token.
  EXPECT_EQ(Fetch(server_->port(), Verb::get, "/healthz").status, 200);
}

TEST_F(GraphqlHttpTest, WithoutTokensEveryCallerIsAdmin) {
  Start();
  EXPECT_EQ(Post(R"({"query":"{ whoami }"})").body, R"({"data":{"whoami":"admin"}})");
}

}  // namespace
}  // namespace de
