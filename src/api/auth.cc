#include "api/auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cctype>

#include <fmt/format.h>
#include <boost/asio/ip/address.hpp>

namespace de {
namespace {

using Hash = std::array<uint8_t, 32>;

Hash Sha256(std::string_view text) {
  Hash out{};
  unsigned int size = 0;
  EVP_Digest(text.data(), text.size(), out.data(), &size, EVP_sha256(), nullptr);
  return out;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<Hash> ParseHashEntry(std::string_view entry) {
  if (!entry.starts_with(kTokenHashPrefix)) return std::nullopt;
  entry.remove_prefix(kTokenHashPrefix.size());
  if (entry.size() != 64) return std::nullopt;
  Hash hash{};
  for (size_t i = 0; i < hash.size(); ++i) {
    int high = HexDigit(entry[2 * i]);
    int low = HexDigit(entry[2 * i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    hash[i] = static_cast<uint8_t>(high * 16 + low);
  }
  return hash;
}

std::string Hex(const uint8_t* bytes, size_t size) {
  std::string out;
  out.reserve(size * 2);
  for (size_t i = 0; i < size; ++i) out += fmt::format("{:02x}", bytes[i]);
  return out;
}

// The credentials of "Bearer <token>" (scheme case-insensitive, RFC 6750 §2.1), or nullopt.
std::optional<std::string_view> BearerToken(std::string_view header) {
  constexpr std::string_view kScheme = "bearer";
  if (header.size() <= kScheme.size()) return std::nullopt;
  for (size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(header[i])) != kScheme[i]) return std::nullopt;
  }
  std::string_view rest = header.substr(kScheme.size());
  if (rest.front() != ' ') return std::nullopt;
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t')) rest.remove_suffix(1);
  if (rest.empty()) return std::nullopt;
  return rest;
}

}  // namespace

Authenticator Authenticator::Off() { return Authenticator(); }

Result<Authenticator> Authenticator::FromHashes(const std::vector<std::string>& tokens,
                                                const std::vector<std::string>& admin_tokens) {
  Authenticator auth;
  auth.required_ = true;
  auto add = [&](const std::vector<std::string>& entries, std::string_view key,
                 ApiCaller::Role role) -> Status {
    for (size_t i = 0; i < entries.size(); ++i) {
      std::optional<Hash> hash = ParseHashEntry(entries[i]);
      if (!hash) {
        return InvalidArgument("api.{}[{}] is not \"sha256:\" and 64 hex digits", key, i);
      }
      auth.entries_.push_back({*hash, role});
    }
    return Status::Ok();
  };
  RETURN_IF_ERROR(add(tokens, "tokens", ApiCaller::Role::kUser));
  RETURN_IF_ERROR(add(admin_tokens, "admin_tokens", ApiCaller::Role::kAdmin));
  if (auth.entries_.empty()) return InvalidArgument("no API token is configured");
  return auth;
}

Result<ApiCaller> Authenticator::Authenticate(std::optional<std::string_view> authorization) const {
  if (!required_) return ApiCaller{ApiCaller::Role::kAdmin, false};
  if (!authorization) {
    return Unauthenticated("this API needs a bearer token: send 'Authorization: Bearer <token>'");
  }
  std::optional<std::string_view> token = BearerToken(*authorization);
  if (!token) {
    return Unauthenticated("the Authorization header must be 'Bearer <token>'");
  }
  Hash presented = Sha256(*token);
  // Every entry is compared, matched or not, so the time taken does not depend on the token.
  bool user = false;
  bool admin = false;
  for (const Entry& entry : entries_) {
    bool match = CRYPTO_memcmp(entry.hash.data(), presented.data(), presented.size()) == 0;
    user |= match;
    admin |= match && entry.role == ApiCaller::Role::kAdmin;
  }
  if (!user) return Unauthenticated("the bearer token is not valid");
  return ApiCaller{admin ? ApiCaller::Role::kAdmin : ApiCaller::Role::kUser, true};
}

bool IsLoopbackHost(std::string_view host) {
  if (host == "localhost") return true;
  boost::system::error_code ec;
  boost::asio::ip::address address = boost::asio::ip::make_address(std::string(host), ec);
  if (ec) return false;
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6())
        .is_loopback();
  }
  return address.is_loopback();
}

Result<Authenticator> AuthenticatorFromConfig(const Config& config) {
  if (!config.api.tokens.empty() || !config.api.admin_tokens.empty()) {
    return Authenticator::FromHashes(config.api.tokens, config.api.admin_tokens);
  }
  if (IsLoopbackHost(config.http.host)) return Authenticator::Off();
  return FailedPrecondition(
      "http.host {} is not a loopback address, so the API needs tokens: set api.tokens (and "
      "api.admin_tokens) to hashes made by `data-exporter token new`, or bind to 127.0.0.1",
      config.http.host);
}

std::string TokenHashEntry(std::string_view token) {
  Hash hash = Sha256(token);
  return std::string(kTokenHashPrefix) + Hex(hash.data(), hash.size());
}

Result<std::string> NewApiToken() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) return Internal("OpenSSL RAND_bytes failed");
  return "de_" + Hex(bytes, sizeof(bytes));
}

}  // namespace de
