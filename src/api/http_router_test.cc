#include "api/http_router.h"

#include <gtest/gtest.h>

namespace de {
namespace {

HttpHandler Named(std::string name) {
  return [name](const HttpRequest&) { return HttpResponse::Text(HttpStatus::ok, name); };
}

std::string Call(const HttpRouter& router, HttpMethod method, std::string_view path) {
  HttpRouter::Match match = router.Find(method, path);
  if (match.outcome == HttpRouter::Outcome::kNotFound) return "404";
  if (match.outcome == HttpRouter::Outcome::kMethodNotAllowed) return "405 " + match.allow;
  return (*match.handler)(HttpRequest{}).body;
}

TEST(HttpRouterTest, ExactBeatsPrefixAndLongestPrefixWins) {
  HttpRouter router;
  router.Add(HttpMethod::post, "/graphql", Named("graphql-post"));
  router.Add(HttpMethod::get, "/graphql", Named("graphql-get"));
  router.Add(HttpMethod::get, "/", Named("dashboard"));
  router.Add(HttpMethod::get, "/download/", Named("download"));
  router.Add(HttpMethod::get, "/download/special", Named("special"));

  EXPECT_EQ(Call(router, HttpMethod::post, "/graphql"), "graphql-post");
  EXPECT_EQ(Call(router, HttpMethod::get, "/graphql"), "graphql-get");
  EXPECT_EQ(Call(router, HttpMethod::get, "/graphqlx"), "dashboard");
  EXPECT_EQ(Call(router, HttpMethod::get, "/download/a/b.parquet"), "download");
  EXPECT_EQ(Call(router, HttpMethod::get, "/download/special"), "special");
  EXPECT_EQ(Call(router, HttpMethod::get, "/download"), "dashboard");
  EXPECT_EQ(Call(router, HttpMethod::get, "/index.html"), "dashboard");
}

TEST(HttpRouterTest, NotFoundAndMethodNotAllowed) {
  HttpRouter router;
  router.Add(HttpMethod::post, "/graphql", Named("graphql"));
  router.Add(HttpMethod::get, "/download/", Named("download"));
  EXPECT_EQ(Call(router, HttpMethod::get, "/nothing"), "404");
  EXPECT_EQ(Call(router, HttpMethod::get, "/graphql"), "405 POST");
  EXPECT_EQ(Call(router, HttpMethod::delete_, "/download/x"), "405 GET, HEAD");
  // HEAD falls back to GET.
  EXPECT_EQ(Call(router, HttpMethod::head, "/download/x"), "download");
  EXPECT_EQ(Call(router, HttpMethod::head, "/graphql"), "405 POST");
}

TEST(HttpRouterTest, LaterRegistrationReplaces) {
  HttpRouter router;
  router.Add(HttpMethod::get, "/a", Named("first"));
  router.Add(HttpMethod::get, "/a", Named("second"));
  EXPECT_EQ(Call(router, HttpMethod::get, "/a"), "second");
}

TEST(HttpHeadersTest, CaseInsensitiveGetAndSet) {
  HttpHeaders headers;
  headers.Add("Content-Type", "a");
  headers.Add("content-type", "b");
  EXPECT_EQ(headers.Get("CONTENT-TYPE"), "a");
  headers.Set("Content-type", "c");
  EXPECT_EQ(headers.fields().size(), 1u);
  EXPECT_EQ(headers.Get("content-type"), "c");
  EXPECT_FALSE(headers.Get("accept").has_value());
}

TEST(HttpResponseTest, FromStatusMapsCodes) {
  EXPECT_EQ(HttpResponse::FromStatus(NotFound("no such request")).status, HttpStatus::not_found);
  EXPECT_EQ(HttpResponse::FromStatus(NotFound("no such request")).body, "no such request\n");
  EXPECT_EQ(HttpResponse::FromStatus(ResourceExhausted("queue full")).status,
            HttpStatus::too_many_requests);
  HttpResponse internal = HttpResponse::FromStatus(Internal("pointer 0x1234 broke"));
  EXPECT_EQ(internal.status, HttpStatus::internal_server_error);
  EXPECT_EQ(internal.body.find("0x1234"), std::string::npos);
}

}  // namespace
}  // namespace de
