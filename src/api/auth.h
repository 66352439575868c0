// Authentication of API callers: bearer tokens from the configuration ([api] tokens and
// admin_tokens), stored there only as "sha256:<hex>" hashes of the tokens.
//
// Tokens are required whenever the server listens on anything but a loopback address; on loopback
// with no token configured, auth is off and every caller is an admin (a local operator). Presented
// tokens are hashed and compared with every configured hash in constant time. Download links need
// no token (they are signed) and /healthz is always open: only /graphql is guarded.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/config.h"
#include "common/status.h"

namespace de {

// Who is calling; handed to resolvers as the GraphQL context (std::any holding an ApiCaller).
struct ApiCaller {
  enum class Role { kUser, kAdmin };
  Role role = Role::kUser;
  bool authenticated = false;  // false when auth is off (such callers are admins)

  bool admin() const { return role == Role::kAdmin; }
};

inline constexpr std::string_view kTokenHashPrefix = "sha256:";

// Immutable once built; thread-safe.
class Authenticator {
 public:
  // Auth off: every caller is an admin.
  static Authenticator Off();
  // Auth on, from "sha256:<64 hex digits>" entries (either case). kInvalidArgument naming the
  // first malformed entry; kInvalidArgument when both lists are empty.
  static Result<Authenticator> FromHashes(const std::vector<std::string>& tokens,
                                          const std::vector<std::string>& admin_tokens);

  bool required() const { return required_; }

  // The caller presenting `authorization` (the Authorization header's value; nullopt when the
  // header is missing). When auth is on: kUnauthenticated for a missing header, a scheme other
  // than Bearer, or a token that matches no configured hash; messages never echo the token.
  Result<ApiCaller> Authenticate(std::optional<std::string_view> authorization) const;

 private:
  struct Entry {
    std::array<uint8_t, 32> hash;
    ApiCaller::Role role;
  };

  bool required_ = false;
  std::vector<Entry> entries_;
};

// True for "localhost", 127.0.0.0/8, ::1 and ::ffff:127.x.y.z.
bool IsLoopbackHost(std::string_view host);

// The authenticator the configuration asks for: on when api.tokens or api.admin_tokens is set;
// off when neither is and http.host is loopback. kFailedPrecondition when http.host is not
// loopback and no token is configured (the server must not start open to the network).
Result<Authenticator> AuthenticatorFromConfig(const Config& config);

// "sha256:<64 lower-case hex digits>" of `token`: the line to put into the configuration.
std::string TokenHashEntry(std::string_view token);

// A fresh random bearer token: "de_" and 64 hex digits (256 bits from OpenSSL's CSPRNG).
// kInternal if the RNG fails.
Result<std::string> NewApiToken();

}  // namespace de
