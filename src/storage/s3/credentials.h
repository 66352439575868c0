// Where AWS credentials come from (the credential chain) and how long they last.
//
// The chain, first match wins, the order AWS's own tools use:
//   1. config: storage.access_key_id + storage.secret_access_key (+ storage.session_token,
//      storage.session_expires_at);
//   2. environment: AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN,
//      AWS_CREDENTIAL_EXPIRATION as RFC 3339, e.g. "2026-11-22T10:00:00Z", the variable
//      `aws configure export-credentials` writes);
//   3. the shared credentials file: AWS_SHARED_CREDENTIALS_FILE, else $HOME/.aws/credentials;
//      profile AWS_PROFILE, else "default"; keys aws_access_key_id, aws_secret_access_key,
//      aws_session_token and x_security_token_expires (RFC 3339; written by saml2aws and
//      gimme-aws-creds). The file is read again when it changes on disk, so a sidecar that
//      rotates it is followed without a restart.
//
// Expiry: long-term keys never expire. Session credentials expire at the time their source
// states; when it states none, they are assumed to expire kAssumedSessionSeconds after they
// were first read (STS's default session length), with one warning in the log. Presigned links
// are clamped to this expiry (s3_object_store.h), so a link is never promised for longer than
// the credentials that signed it live.
//
// Secrets: nothing here logs or puts into an error message a secret key or a session token;
// errors name the source, the variable or the file and line only.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "common/clock.h"
#include "common/config.h"
#include "common/status.h"
#include "storage/s3/sigv4.h"

namespace de::s3 {

inline constexpr int64_t kAssumedSessionSeconds = 3600;

struct TimedCredentials {
  Credentials keys;
  // Epoch seconds after which the keys no longer sign valid requests; nullopt: never (long-term
  // keys without a session token).
  std::optional<int64_t> expires_at;
  bool expiry_assumed = false;  // session credentials whose source gave no expiry
  std::string source;           // "config", "environment", "shared credentials file <path>
                                // [profile]": for messages, never secret
};

// Thread-safe.
class CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;
  // The current credentials. Errors: kUnauthenticated when the source no longer has any (e.g.
  // the file lost its profile), kInvalidArgument when it became malformed.
  virtual Result<TimedCredentials> Get() = 0;
  // Where the credentials come from, as in TimedCredentials::source.
  virtual std::string Describe() const = 0;
};

// Fixed credentials (config, tests). `expires_at` as in TimedCredentials; for session
// credentials without it the assumed expiry counts from this call on `clock`.
std::shared_ptr<CredentialsProvider> StaticCredentials(Credentials keys,
                                                       std::optional<int64_t> expires_at,
                                                       std::string source, Clock* clock);

struct CredentialChainOptions {
  // Step 1, from config. Used when access_key_id or secret_access_key is set (then both must
  // be).
  Credentials configured;
  std::string configured_expires_at;  // RFC 3339 or empty
  std::string profile;                // overrides AWS_PROFILE
  std::string credentials_file;       // overrides AWS_SHARED_CREDENTIALS_FILE and $HOME
  Environment env;                    // the process environment (ProcessEnvironment())
  Clock* clock = Clock::System();
};

// The provider of the first step of the chain that has credentials. Errors:
// - kInvalidArgument naming the step for a half-set step (an id without a secret or the
//   reverse, a token without keys), an expiry that is not RFC 3339, or a credentials file line
//   that is not "[section]", "key = value", blank or a comment (file:line, never the value);
// - kUnauthenticated naming every place looked when no step has credentials.
Result<std::shared_ptr<CredentialsProvider>> MakeCredentialChain(
    const CredentialChainOptions& options);

// The region: `configured` if set, else AWS_REGION, else AWS_DEFAULT_REGION. kInvalidArgument
// when none is set or the value is not a region name (lower-case letters, digits and '-').
Result<std::string> ResolveRegion(const std::string& configured, const Environment& env);

// "2026-11-22T10:00:00Z", "2026-11-22T10:00:00.123Z", "2026-11-22T21:00:00+11:00" → epoch
// seconds (fractions dropped). kInvalidArgument otherwise.
Result<int64_t> ParseRfc3339(std::string_view text);

}  // namespace de::s3
