// LinkSigner: HMAC-SHA256 signatures for the local object store's download links.
//
// A link names an object key and an expiry (epoch seconds); its signature is the lower-case hex
// HMAC-SHA256, under a secret key, of the canonical string
//
//     "GET\n" + key + "\n" + expires
//
// where `key` is the decoded object key and `expires` the decimal expiry without leading zeros.
// The expiry is inside the signed string, so a link whose expiry was edited fails as a bad
// signature, not as expired.
#pragma once

#include <openssl/types.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace de {

// How a presented link fared. Checked in this order: shape, signature, expiry.
enum class LinkVerdict {
  kValid,
  kMalformed,     // expiry not a canonical decimal, or signature not 64 hex digits
  kBadSignature,  // signature does not match key + expiry
  kExpired,       // authentic, but now > expires
};

std::string_view LinkVerdictName(LinkVerdict verdict);

// Immutable after construction; thread-safe.
class LinkSigner {
 public:
  static constexpr size_t kKeyFileBytes = 32;
  static constexpr size_t kMinSecretBytes = 32;
  static constexpr std::string_view kKeyFileName = "link-signing.key";

  // A signer keyed by `secret` (raw bytes, e.g. from an environment variable or a secret file
  // read by the caller). kInvalidArgument if shorter than kMinSecretBytes. The secret is never
  // logged or put into errors.
  static Result<LinkSigner> FromSecret(std::string_view secret);

  // Reads the key at `path`, or on first start creates it: kKeyFileBytes from the OpenSSL
  // random generator, written atomically with mode 0600 (the parent directory is created with
  // mode 0700 if missing). Refuses (kPermissionDenied) a key file readable or writable by
  // others, or that is not a regular file; warns if it is group-readable. kDataLoss if the file
  // does not hold exactly kKeyFileBytes. Safe against a concurrent first start of another
  // process on the same path: both end up with the same key.
  static Result<LinkSigner> LoadOrCreateKeyFile(const std::string& path);

  // LoadOrCreateKeyFile("{data_dir}/link-signing.key").
  static Result<LinkSigner> LoadOrCreateKey(const std::string& data_dir);

  LinkSigner(LinkSigner&&) noexcept = default;
  LinkSigner& operator=(LinkSigner&&) noexcept = default;
  LinkSigner(const LinkSigner&) = delete;
  LinkSigner& operator=(const LinkSigner&) = delete;
  ~LinkSigner();

  // The canonical string signed for `key` and `expires`.
  static std::string CanonicalString(std::string_view key, int64_t expires);

  // Lower-case hex signature (64 characters) of `key` valid until `expires`.
  std::string Sign(std::string_view key, int64_t expires) const;

  // Checks a presented link: `expires` and `signature` exactly as received (query values).
  // Compares signatures in constant time. The link is valid while now_seconds <= expires.
  LinkVerdict Verify(std::string_view key, std::string_view expires, std::string_view signature,
                     int64_t now_seconds) const;

 private:
  struct MacContextFree {
    void operator()(EVP_MAC_CTX* context) const;
  };
  // Keys the HMAC once (the key's inner and outer pads hashed); each signature copies that
  // state instead of fetching the algorithm and hashing the key again.
  explicit LinkSigner(std::string secret);
  // HMAC-SHA256 of `message` under the secret.
  std::array<unsigned char, 32> Mac(std::string_view message) const;

  std::string secret_;
  // Keyed HMAC-SHA256 state, only copied from (EVP_MAC_CTX_dup), so shared by threads; null
  // if OpenSSL could not key it, then each Mac keys afresh.
  std::unique_ptr<EVP_MAC_CTX, MacContextFree> keyed_;
};

}  // namespace de
