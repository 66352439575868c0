#include "api/auth.h"

#include <gtest/gtest.h>

namespace de {
namespace {

// SHA-256("abc"), FIPS 180-2 appendix B.1.
constexpr std::string_view kAbcHash =
    "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

TEST(AuthTest, TokenHashEntryIsSha256Hex) { EXPECT_EQ(TokenHashEntry("abc"), kAbcHash); }

TEST(AuthTest, NewTokensAreRandomAndWellFormed) {
  auto a = NewApiToken();
  auto b = NewApiToken();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->size(), 67u);
  EXPECT_TRUE(a->starts_with("de_"));
  EXPECT_EQ(a->find_first_not_of("0123456789abcdef", 3), std::string::npos) << *a;
  EXPECT_NE(*a, *b);
}

TEST(AuthTest, OffLetsEveryoneInAsAdmin) {
  Authenticator auth = Authenticator::Off();
  EXPECT_FALSE(auth.required());
  auto caller = auth.Authenticate(std::nullopt);
  ASSERT_TRUE(caller.ok());
  EXPECT_TRUE(caller->admin());
  EXPECT_FALSE(caller->authenticated);
}

TEST(AuthTest, UserAndAdminTokens) {
  std::string upper(kAbcHash);
  for (size_t i = 7; i < upper.size(); ++i) upper[i] = static_cast<char>(std::toupper(upper[i]));
  auto auth = Authenticator::FromHashes({TokenHashEntry("user-token")}, {upper});
  ASSERT_TRUE(auth.ok()) << auth.status().ToString();
  EXPECT_TRUE(auth->required());

  auto user = auth->Authenticate("Bearer user-token");
  ASSERT_TRUE(user.ok()) << user.status().ToString();
  EXPECT_FALSE(user->admin());
  EXPECT_TRUE(user->authenticated);

  auto admin = auth->Authenticate("bearer   abc ");
  ASSERT_TRUE(admin.ok()) << admin.status().ToString();
  EXPECT_TRUE(admin->admin());
}

TEST(AuthTest, RefusalsAreUnauthenticatedAndNeverEchoTheToken) {
  auto auth = Authenticator::FromHashes({TokenHashEntry("right")}, {});
  ASSERT_TRUE(auth.ok());
  struct Case {
    std::optional<std::string_view> header;
    std::string_view message;
  };
  const Case cases[] = {
      {std::nullopt, "this API needs a bearer token: send 'Authorization: Bearer <token>'"},
      {"Bearer wrong-secret", "the bearer token is not valid"},
      {"Bearer right2", "the bearer token is not valid"},
      {"Basic cmlnaHQ6", "the Authorization header must be 'Bearer <token>'"},
      {"Bearer", "the Authorization header must be 'Bearer <token>'"},
      {"Bearer    ", "the Authorization header must be 'Bearer <token>'"},
      {"Bearerright", "the Authorization header must be 'Bearer <token>'"},
      {"", "the Authorization header must be 'Bearer <token>'"},
  };
  for (const Case& c : cases) {
    auto caller = auth->Authenticate(c.header);
    ASSERT_FALSE(caller.ok()) << c.header.value_or("(none)");
    EXPECT_EQ(caller.status().code(), StatusCode::kUnauthenticated);
    EXPECT_EQ(caller.status().message(), c.message);
  }
}

TEST(AuthTest, MalformedHashEntriesAreRefused) {
  auto bad = Authenticator::FromHashes({std::string(kAbcHash), "sha256:xyz"}, {});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "api.tokens[1] is not \"sha256:\" and 64 hex digits");
  auto bad_admin = Authenticator::FromHashes({}, {"md5:" + std::string(64, 'a')});
  ASSERT_FALSE(bad_admin.ok());
  EXPECT_EQ(bad_admin.status().message(),
            "api.admin_tokens[0] is not \"sha256:\" and 64 hex digits");
  EXPECT_FALSE(Authenticator::FromHashes({}, {}).ok());
}

TEST(AuthTest, LoopbackHosts) {
  for (std::string_view host : {"127.0.0.1", "127.1.2.3", "::1", "localhost", "::ffff:127.0.0.1"}) {
    EXPECT_TRUE(IsLoopbackHost(host)) << host;
  }
  for (std::string_view host : {"0.0.0.0", "::", "10.0.0.1", "192.168.1.2", "example.com", "",
                                "::ffff:10.0.0.1", "128.0.0.1"}) {
    EXPECT_FALSE(IsLoopbackHost(host)) << host;
  }
}

TEST(AuthTest, ConfigDecidesWhetherAuthIsOn) {
  Config config;
  auto local = AuthenticatorFromConfig(config);
  ASSERT_TRUE(local.ok());
  EXPECT_FALSE(local->required());

  config.http.host = "0.0.0.0";
  auto open = AuthenticatorFromConfig(config);
  ASSERT_FALSE(open.ok());
  EXPECT_EQ(open.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(open.status().message(),
            "http.host 0.0.0.0 is not a loopback address, so the API needs tokens: set "
            "api.tokens (and api.admin_tokens) to hashes made by `data-exporter token new`, or "
            "bind to 127.0.0.1");

  config.api.admin_tokens = {std::string(kAbcHash)};
  auto guarded = AuthenticatorFromConfig(config);
  ASSERT_TRUE(guarded.ok());
  EXPECT_TRUE(guarded->required());
  EXPECT_TRUE(guarded->Authenticate("Bearer abc")->admin());

  config.http.host = "127.0.0.1";  // tokens configured on loopback: still required
  auto local_guarded = AuthenticatorFromConfig(config);
  ASSERT_TRUE(local_guarded.ok());
  EXPECT_TRUE(local_guarded->required());
  EXPECT_FALSE(local_guarded->Authenticate(std::nullopt).ok());
}

}  // namespace
}  // namespace de
