#include "storage/local/link_signer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <filesystem>
#include <optional>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <spdlog/spdlog.h>

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

Status WriteAll(int fd, std::string_view bytes, const std::string& what) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, what);
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

Status EnsureKeyDirectory(const std::filesystem::path& dir) {
  if (dir.empty()) return Status::Ok();
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) return Status::Ok();
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return PermissionDenied("cannot create directory {} for the link signing key: {}", dir.string(),
                            ec.message());
  }
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all, ec);
  return Status::Ok();
}

// Writes a fresh random key through a temporary file that is hard-linked into place, so a
// concurrent creator's key is never overwritten (link() fails with EEXIST instead).
Status CreateKeyFile(const std::string& path) {
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  RETURN_IF_ERROR(EnsureKeyDirectory(dir));
  std::string key(LinkSigner::kKeyFileBytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), static_cast<int>(key.size())) != 1) {
    return Internal("the OpenSSL random generator failed to make a link signing key");
  }
  std::string tmp = path + ".tmp-XXXXXX";
  int fd = ::mkstemp(tmp.data());
  if (fd < 0) {
    OPENSSL_cleanse(key.data(), key.size());
    return ErrnoStatus(errno, "create link signing key file " + path);
  }
  Status written = WriteAll(fd, key, "write link signing key file " + tmp);
  OPENSSL_cleanse(key.data(), key.size());
  if (written.ok() && (::fchmod(fd, 0600) != 0 || ::fsync(fd) != 0)) {
    written = ErrnoStatus(errno, "sync link signing key file " + tmp);
  }
  ::close(fd);
  if (written.ok() && ::link(tmp.c_str(), path.c_str()) != 0 && errno != EEXIST) {
    written = ErrnoStatus(errno, "install link signing key file " + path);
  }
  ::unlink(tmp.c_str());
  RETURN_IF_ERROR(written);
  int dir_fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return Status::Ok();
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

LinkSigner::~LinkSigner() { OPENSSL_cleanse(secret_.data(), secret_.size()); }

std::string LinkSigner::CanonicalString(std::string_view key, int64_t expires) {
  return fmt::format("GET\n{}\n{}", key, expires);
}

std::string LinkSigner::Sign(std::string_view key, int64_t expires) const {
  return ToHex(HmacSha256(secret_, CanonicalString(key, expires)));
}

LinkVerdict LinkSigner::Verify(std::string_view key, std::string_view expires,
                               std::string_view signature, int64_t now_seconds) const {
  std::optional<int64_t> expires_at = ParseExpiry(expires);
  std::optional<Digest> presented = ParseHexDigest(signature);
  if (!expires_at || !presented) return LinkVerdict::kMalformed;
  Digest expected = HmacSha256(secret_, CanonicalString(key, *expires_at));
  if (CRYPTO_memcmp(expected.data(), presented->data(), expected.size()) != 0) {
    return LinkVerdict::kBadSignature;
  }
  return now_seconds > *expires_at ? LinkVerdict::kExpired : LinkVerdict::kValid;
}

}  // namespace de
