#include "storage/local/link_signer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <filesystem>
#include <optional>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include "common/secret_file.h"

namespace de {
namespace {

using Digest = std::array<unsigned char, 32>;

Digest HmacSha256(std::string_view secret, std::string_view message) {
  Digest digest{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest.data(),
       &length);
  return digest;
}

// A context keyed with `secret` for HMAC-SHA256, or null if OpenSSL cannot make one.
EVP_MAC_CTX* KeyedHmacSha256(std::string_view secret) {
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (mac == nullptr) return nullptr;
  EVP_MAC_CTX* context = EVP_MAC_CTX_new(mac);
  EVP_MAC_free(mac);  // the context holds its own reference
  if (context == nullptr) return nullptr;
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                         OSSL_PARAM_construct_end()};
  if (EVP_MAC_init(context, reinterpret_cast<const unsigned char*>(secret.data()), secret.size(),
                   params) != 1) {
    EVP_MAC_CTX_free(context);
    return nullptr;
  }
  return context;
}

std::string ToHex(const Digest& digest) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(digest.size() * 2);
  for (unsigned char byte : digest) {
    hex.push_back(kHex[byte >> 4]);
    hex.push_back(kHex[byte & 0xf]);
  }
  return hex;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<Digest> ParseHexDigest(std::string_view hex) {
  Digest digest{};
  if (hex.size() != digest.size() * 2) return std::nullopt;
  for (size_t i = 0; i < digest.size(); ++i) {
    int high = HexValue(hex[2 * i]);
    int low = HexValue(hex[2 * i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    digest[i] = static_cast<unsigned char>(high << 4 | low);
  }
  return digest;
}

// Canonical non-negative decimal: digits only, no sign, no leading zero, fits in int64.
std::optional<int64_t> ParseExpiry(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  if (text.size() > 1 && text.front() == '0') return std::nullopt;
  int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

Result<std::string> ReadKeyFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && errno == ELOOP) {
    return PermissionDenied("link signing key file {} is a symbolic link", path);
  }
  if (fd < 0) return ErrnoStatus(errno, "open link signing key file " + path);
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return PermissionDenied("link signing key file {} is not a regular file", path);
  }
  if ((st.st_mode & (S_IROTH | S_IWOTH)) != 0) {
    ::close(fd);
    return PermissionDenied(
        "link signing key file {} is accessible by other users (mode {:03o}); run chmod 600 on it",
        path, st.st_mode & 0777);
  }
  if ((st.st_mode & S_IRGRP) != 0) {
    spdlog::warn("link signing key file {} is group-readable (mode {:03o}); chmod 600 advised",
                 path, st.st_mode & 0777);
  }
  std::string key(LinkSigner::kKeyFileBytes + 1, '\0');
  ssize_t n = ::read(fd, key.data(), key.size());
  int read_errno = errno;
  ::close(fd);
  if (n < 0) return ErrnoStatus(read_errno, "read link signing key file " + path);
  if (static_cast<size_t>(n) != LinkSigner::kKeyFileBytes) {
    OPENSSL_cleanse(key.data(), key.size());
    return DataLoss(
        "link signing key file {} does not hold exactly {} bytes; remove it to generate a new key "
        "(links issued under the old key stop working)",
        path, LinkSigner::kKeyFileBytes);
  }
  key.resize(LinkSigner::kKeyFileBytes);
  return key;
}

// Writes a fresh random key; a concurrent creator's key is never overwritten.
Status CreateKeyFile(const std::string& path) {
  std::string key(LinkSigner::kKeyFileBytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), static_cast<int>(key.size())) != 1) {
    return Internal("the OpenSSL random generator failed to make a link signing key");
  }
  Status created = CreateSecretFile(path, key, "link signing key");
  OPENSSL_cleanse(key.data(), key.size());
  return created;
}

}  // namespace

std::string_view LinkVerdictName(LinkVerdict verdict) {
  switch (verdict) {
    case LinkVerdict::kValid:
      return "valid";
    case LinkVerdict::kMalformed:
      return "malformed link";
    case LinkVerdict::kBadSignature:
      return "invalid signature";
    case LinkVerdict::kExpired:
      return "link expired";
  }
  return "unknown";
}

Result<LinkSigner> LinkSigner::FromSecret(std::string_view secret) {
  if (secret.size() < kMinSecretBytes) {
    return InvalidArgument("the link signing secret must be at least {} bytes long",
                           kMinSecretBytes);
  }
  return LinkSigner(std::string(secret));
}

Result<LinkSigner> LinkSigner::LoadOrCreateKeyFile(const std::string& path) {
  Result<std::string> key = ReadKeyFile(path);
  if (!key.ok() && key.status().code() == StatusCode::kNotFound) {
    RETURN_IF_ERROR(CreateKeyFile(path));
    spdlog::info("created link signing key file {}", path);
    key = ReadKeyFile(path);
  }
  if (!key.ok()) return key.status();
  return LinkSigner(std::move(key).value());
}

Result<LinkSigner> LinkSigner::LoadOrCreateKey(const std::string& data_dir) {
  return LoadOrCreateKeyFile((std::filesystem::path(data_dir) / kKeyFileName).string());
}

void LinkSigner::MacContextFree::operator()(EVP_MAC_CTX* context) const {
  EVP_MAC_CTX_free(context);
}

LinkSigner::LinkSigner(std::string secret)
    : secret_(std::move(secret)), keyed_(KeyedHmacSha256(secret_)) {}

LinkSigner::~LinkSigner() { OPENSSL_cleanse(secret_.data(), secret_.size()); }

Digest LinkSigner::Mac(std::string_view message) const {
  if (keyed_) {
    Digest digest{};
    size_t length = 0;
    EVP_MAC_CTX* context = EVP_MAC_CTX_dup(keyed_.get());
    const bool ok = context != nullptr &&
                    EVP_MAC_update(context, reinterpret_cast<const unsigned char*>(message.data()),
                                   message.size()) == 1 &&
                    EVP_MAC_final(context, digest.data(), &length, digest.size()) == 1 &&
                    length == digest.size();
    EVP_MAC_CTX_free(context);
    if (ok) return digest;
  }
  return HmacSha256(secret_, message);
}

std::string LinkSigner::CanonicalString(std::string_view key, int64_t expires) {
  return fmt::format("GET\n{}\n{}", key, expires);
}

std::string LinkSigner::Sign(std::string_view key, int64_t expires) const {
  return ToHex(Mac(CanonicalString(key, expires)));
}

LinkVerdict LinkSigner::Verify(std::string_view key, std::string_view expires,
                               std::string_view signature, int64_t now_seconds) const {
  std::optional<int64_t> expires_at = ParseExpiry(expires);
  std::optional<Digest> presented = ParseHexDigest(signature);
  if (!expires_at || !presented) return LinkVerdict::kMalformed;
  Digest expected = Mac(CanonicalString(key, *expires_at));
  if (CRYPTO_memcmp(expected.data(), presented->data(), expected.size()) != 0) {
    return LinkVerdict::kBadSignature;
  }
  return now_seconds > *expires_at ? LinkVerdict::kExpired : LinkVerdict::kValid;
}

}  // namespace de
