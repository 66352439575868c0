#include "storage/s3/credentials.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

namespace de::s3 {
namespace {

// A credentials file larger than this is not one.
constexpr int64_t kMaxCredentialsFileBytes = 1 << 20;

// Credentials a step found, before their expiry is settled.
struct Found {
  Credentials keys;
  std::optional<int64_t> expires_at;
};

// The names a step's four values go by, for messages.
struct StepNames {
  std::string_view id, secret, token, expiry;
};

// A step's four values; empty = not set.
struct StepValues {
  std::string id, secret, token, expiry;
};

constexpr StepNames kConfigNames = {"storage.access_key_id", "storage.secret_access_key",
                                    "storage.session_token", "storage.session_expires_at"};
constexpr StepNames kEnvNames = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                                 "AWS_CREDENTIAL_EXPIRATION"};
constexpr StepNames kFileNames = {"aws_access_key_id", "aws_secret_access_key", "aws_session_token",
                                  "x_security_token_expires"};

std::string_view Trim(std::string_view text) {
  auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  return text;
}

std::string EnvValue(const Environment& env, const std::string& name) {
  auto it = env.find(name);
  return it == env.end() ? "" : it->second;
}

// "2026-11-22T10:00:00Z" for epoch seconds.
std::string FormatUtc(int64_t epoch_seconds) {
  std::time_t t = static_cast<std::time_t>(epoch_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

// Checks one step: nothing set → nullopt; keys complete → Found; anything half-set → an error
// naming what is missing. Messages name variables and keys only, never values (the expiry, not
// a secret, is quoted).
Result<std::optional<Found>> ReadStep(std::string_view where, const StepNames& names,
                                      const StepValues& values) {
  bool id = !values.id.empty();
  bool secret = !values.secret.empty();
  if (!id && !secret) {
    if (!values.token.empty() || !values.expiry.empty()) {
      return InvalidArgument("{}: {} is set but {} and {} are not", where,
                             values.token.empty() ? names.expiry : names.token, names.id,
                             names.secret);
    }
    return std::optional<Found>();
  }
  if (id != secret) {
    return InvalidArgument("{}: {} is set but {} is not", where, id ? names.id : names.secret,
                           id ? names.secret : names.id);
  }
  Found found{{values.id, values.secret, values.token}, std::nullopt};
  if (!values.expiry.empty()) {
    Result<int64_t> expiry = ParseRfc3339(values.expiry);
    if (!expiry.ok()) {
      return InvalidArgument("{}: {} is '{}', not an RFC 3339 time such as 2026-11-22T10:00:00Z",
                             where, names.expiry, values.expiry);
    }
    found.expires_at = *expiry;
  }
  return std::optional<Found>(std::move(found));
}

// The credentials with their expiry settled: session keys without one expire
// kAssumedSessionSeconds after `first_read`. Logs the warning when `warn` and it applies.
TimedCredentials Settle(Found found, std::string source, int64_t first_read, bool warn) {
  TimedCredentials out;
  out.expires_at = found.expires_at;
  if (!out.expires_at && !found.keys.session_token.empty()) {
    out.expires_at = first_read + kAssumedSessionSeconds;
    out.expiry_assumed = true;
    if (warn) {
      spdlog::warn(
          "AWS session credentials from {} state no expiry; assuming they expire {} s after "
          "they were first read, at {}",
          source, kAssumedSessionSeconds, FormatUtc(*out.expires_at));
    }
  }
  out.keys = std::move(found.keys);
  out.source = std::move(source);
  return out;
}

class StaticProvider final : public CredentialsProvider {
 public:
  explicit StaticProvider(TimedCredentials credentials) : credentials_(std::move(credentials)) {}
  Result<TimedCredentials> Get() override { return credentials_; }
  std::string Describe() const override { return credentials_.source; }

 private:
  const TimedCredentials credentials_;  // immutable: no lock needed
};

// ---- the shared credentials file ----

struct IniValue {
  std::string value;
  int line = 0;
};
using IniSection = std::map<std::string, IniValue>;  // key (lower-case) → value
using IniFile = std::map<std::string, IniSection>;   // section name → keys

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Parses "[section]", "key = value", blank and '#'/';' comment lines. Errors name path:line
// and never the line's content (it may hold a secret).
Result<IniFile> ParseIni(std::string_view text, const std::string& path) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // UTF-8 byte order mark
  IniFile file;
  IniSection* section = nullptr;
  int line_number = 0;
  while (!text.empty()) {
    ++line_number;
    size_t end = text.find('\n');
    std::string_view line = Trim(text.substr(0, end));
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '[') {
      std::string_view name = line.back() == ']' ? Trim(line.substr(1, line.size() - 2)) : "";
      if (name.empty()) {
        return InvalidArgument("{}:{}: expected a [section] name in brackets", path, line_number);
      }
      section = &file[std::string(name)];
      continue;
    }
    size_t eq = line.find('=');
    if (eq == std::string_view::npos || Trim(line.substr(0, eq)).empty()) {
      return InvalidArgument(
          "{}:{}: expected \"[section]\", \"key = value\", a comment or a blank line", path,
          line_number);
    }
    if (section == nullptr) {
      return InvalidArgument("{}:{}: \"key = value\" before any [section]", path, line_number);
    }
    (*section)[Lower(Trim(line.substr(0, eq)))] = {std::string(Trim(line.substr(eq + 1))),
                                                   line_number};
  }
  return file;
}

// What identifies one version of the file on disk.
struct FileState {
  dev_t device = 0;
  ino_t inode = 0;
  int64_t size = 0;
  int64_t mtime_ns = 0;
  bool operator==(const FileState&) const = default;
};

// The file's state; kNotFound when it does not exist.
Result<FileState> StatFile(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    int err = errno;
    if (err == ENOENT || err == ENOTDIR) return NotFound("{} does not exist", path);
    return ErrnoStatus(err, fmt::format("cannot stat {}", path));
  }
  return FileState{st.st_dev, st.st_ino, static_cast<int64_t>(st.st_size),
                   static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};
}

Result<std::string> ReadWholeFile(const std::string& path, int64_t size) {
  if (size > kMaxCredentialsFileBytes) {
    return InvalidArgument("shared credentials file {} is larger than {} bytes", path,
                           kMaxCredentialsFileBytes);
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return PermissionDenied("shared credentials file {} cannot be read", path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Follows one profile of a shared credentials file; reads the file again whenever its identity,
// size or modification time change, and otherwise answers from the last read.
// Thread-safe: one mutex guards the cache.
class SharedFileProvider final : public CredentialsProvider {
 public:
  SharedFileProvider(std::string path, std::string profile, Clock* clock)
      : path_(std::move(path)),
        profile_(std::move(profile)),
        clock_(clock),
        source_(fmt::format("shared credentials file {} [{}]", path_, profile_)) {}

  Result<TimedCredentials> Get() override {
    std::lock_guard<std::mutex> lock(mu_);
    Result<FileState> state = StatFile(path_);
    if (!state.ok()) {
      cached_.reset();
      if (state.status().code() == StatusCode::kNotFound) {
        return Unauthenticated("{}: the file no longer exists", source_);
      }
      return state.status();
    }
    if (cached_ && *state == state_) return *cached_;
    Result<TimedCredentials> loaded = Load(state->size);
    // Cache only a read of a file that did not change while it was read (a rotation caught
    // half-written is read again next time).
    Result<FileState> after = StatFile(path_);
    if (after.ok() && *after == *state) {
      state_ = *state;
      cached_ = loaded;
    } else {
      cached_.reset();
    }
    return loaded;
  }

  std::string Describe() const override { return source_; }

 private:
  Result<TimedCredentials> Load(int64_t size) {
    ASSIGN_OR_RETURN(std::string text, ReadWholeFile(path_, size));
    ASSIGN_OR_RETURN(IniFile file, ParseIni(text, path_));
    auto section = file.find(profile_);
    if (section == file.end()) {
      return Unauthenticated("{}: the file has no profile [{}]", source_, profile_);
    }
    auto value = [&](std::string_view key) {
      auto it = section->second.find(std::string(key));
      return it == section->second.end() ? std::string() : it->second.value;
    };
    StepValues values{value(kFileNames.id), value(kFileNames.secret), value(kFileNames.token),
                      value(kFileNames.expiry)};
    ASSIGN_OR_RETURN(std::optional<Found> found, ReadStep(source_, kFileNames, values));
    if (!found) {
      return Unauthenticated("{}: the profile has no {} and {}", source_, kFileNames.id,
                             kFileNames.secret);
    }
    // The assumed expiry counts from when these keys were first seen, not from each re-read.
    bool same_keys = found->keys.access_key_id == last_keys_.access_key_id &&
                     found->keys.session_token == last_keys_.session_token;
    if (!same_keys) {
      first_read_ = clock_->NowSeconds();
      last_keys_ = {found->keys.access_key_id, "", found->keys.session_token};
    }
    return Settle(std::move(*found), source_, first_read_, !same_keys);
  }

  const std::string path_;
  const std::string profile_;
  Clock* const clock_;
  const std::string source_;

  std::mutex mu_;
  FileState state_;                                 // guarded by mu_
  std::optional<Result<TimedCredentials>> cached_;  // guarded by mu_
  Credentials last_keys_;                           // guarded by mu_; id and token only
  int64_t first_read_ = 0;                          // guarded by mu_
};

// The file and profile step 3 reads, and why when there is no file to read.
struct FileStep {
  std::string path;  // empty: no path could be formed
  std::string profile;
};

FileStep ChooseFile(const CredentialChainOptions& options) {
  FileStep step;
  step.profile = !options.profile.empty() ? options.profile
                 : !EnvValue(options.env, "AWS_PROFILE").empty()
                     ? EnvValue(options.env, "AWS_PROFILE")
                     : "default";
  std::string from_env = EnvValue(options.env, "AWS_SHARED_CREDENTIALS_FILE");
  std::string home = EnvValue(options.env, "HOME");
  step.path = !options.credentials_file.empty() ? options.credentials_file
              : !from_env.empty()               ? from_env
              : !home.empty()                   ? home + "/.aws/credentials"
                                                : "";
  return step;
}

// Step 3: a provider when the file has credentials for the profile, else nullptr with `looked`
// saying why not.
Result<std::shared_ptr<CredentialsProvider>> FileStepProvider(const CredentialChainOptions& options,
                                                              std::string& looked) {
  FileStep step = ChooseFile(options);
  if (step.path.empty()) {
    looked = "shared credentials file (no AWS_SHARED_CREDENTIALS_FILE and no HOME)";
    return std::shared_ptr<CredentialsProvider>();
  }
  Result<FileState> state = StatFile(step.path);
  if (!state.ok()) {
    if (state.status().code() != StatusCode::kNotFound) return state.status();
    looked = fmt::format("shared credentials file {} (does not exist)", step.path);
    return std::shared_ptr<CredentialsProvider>();
  }
  auto provider = std::make_shared<SharedFileProvider>(step.path, step.profile, options.clock);
  Result<TimedCredentials> first = provider->Get();
  if (first.ok()) return std::shared_ptr<CredentialsProvider>(provider);
  if (first.status().code() != StatusCode::kUnauthenticated) return first.status();
  looked = first.status().message();
  return std::shared_ptr<CredentialsProvider>();
}

Result<int> Digits(std::string_view text, size_t pos, size_t count) {
  if (pos + count > text.size()) return InvalidArgument("too short");
  int value = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return InvalidArgument("not a digit");
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

bool CharAt(std::string_view text, size_t pos, char c) {
  return pos < text.size() && text[pos] == c;
}

}  // namespace

std::shared_ptr<CredentialsProvider> StaticCredentials(Credentials keys,
                                                       std::optional<int64_t> expires_at,
                                                       std::string source, Clock* clock) {
  Found found{std::move(keys), expires_at};
  return std::make_shared<StaticProvider>(
      Settle(std::move(found), std::move(source), clock->NowSeconds(), /*warn=*/true));
}

Result<std::shared_ptr<CredentialsProvider>> MakeCredentialChain(
    const CredentialChainOptions& options) {
  std::vector<std::string> looked;
  StepValues configured{options.configured.access_key_id, options.configured.secret_access_key,
                        options.configured.session_token, options.configured_expires_at};
  ASSIGN_OR_RETURN(std::optional<Found> from_config, ReadStep("config", kConfigNames, configured));
  if (from_config) {
    return StaticCredentials(std::move(from_config->keys), from_config->expires_at, "config",
                             options.clock);
  }
  looked.push_back(fmt::format("config ({} and {} not set)", kConfigNames.id, kConfigNames.secret));

  const Environment& env = options.env;
  StepValues from_env_values{
      EnvValue(env, std::string(kEnvNames.id)), EnvValue(env, std::string(kEnvNames.secret)),
      EnvValue(env, std::string(kEnvNames.token)), EnvValue(env, std::string(kEnvNames.expiry))};
  ASSIGN_OR_RETURN(std::optional<Found> from_env,
                   ReadStep("environment", kEnvNames, from_env_values));
  if (from_env) {
    return StaticCredentials(std::move(from_env->keys), from_env->expires_at, "environment",
                             options.clock);
  }
  looked.push_back(fmt::format("environment ({} and {} not set)", kEnvNames.id, kEnvNames.secret));

  std::string file_looked;
  ASSIGN_OR_RETURN(std::shared_ptr<CredentialsProvider> from_file,
                   FileStepProvider(options, file_looked));
  if (from_file) return from_file;
  looked.push_back(file_looked);
  return Unauthenticated("no AWS credentials found; looked in: {}", fmt::join(looked, "; "));
}

Result<std::string> ResolveRegion(const std::string& configured, const Environment& env) {
  std::string where = "storage.region";
  std::string region = configured;
  for (const char* var : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
    if (!region.empty()) break;
    region = EnvValue(env, var);
    where = var;
  }
  if (region.empty()) {
    return InvalidArgument(
        "no AWS region: set storage.region or the environment variable AWS_REGION or "
        "AWS_DEFAULT_REGION");
  }
  bool valid = std::all_of(region.begin(), region.end(), [](unsigned char c) {
    return std::islower(c) || std::isdigit(c) || c == '-';
  });
  if (!valid || region.front() == '-' || region.back() == '-') {
    return InvalidArgument(
        "{} is '{}', not a region name (lower-case letters, digits and '-', e.g. us-east-1)", where,
        region);
  }
  return region;
}

Result<int64_t> ParseRfc3339(std::string_view text) {
  auto bad = [&] {
    return InvalidArgument("'{}' is not an RFC 3339 time (e.g. 2026-11-22T10:00:00Z)", text);
  };
  // YYYY-MM-DDTHH:MM:SS, fixed positions.
  Result<int> year = Digits(text, 0, 4), month = Digits(text, 5, 2), day = Digits(text, 8, 2),
              hour = Digits(text, 11, 2), minute = Digits(text, 14, 2),
              second = Digits(text, 17, 2);
  if (!year.ok() || !month.ok() || !day.ok() || !hour.ok() || !minute.ok() || !second.ok() ||
      !CharAt(text, 4, '-') || !CharAt(text, 7, '-') ||
      !(CharAt(text, 10, 'T') || CharAt(text, 10, 't')) || !CharAt(text, 13, ':') ||
      !CharAt(text, 16, ':')) {
    return bad();
  }
  std::chrono::year_month_day date{std::chrono::year(*year), std::chrono::month(*month),
                                   std::chrono::day(*day)};
  // Seconds up to 60: RFC 3339 allows a leap second.
  if (!date.ok() || *hour > 23 || *minute > 59 || *second > 60) return bad();
  size_t pos = 19;
  if (CharAt(text, pos, '.')) {
    size_t digits_start = ++pos;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) ++pos;
    if (pos == digits_start) return bad();
  }
  int64_t offset_seconds = 0;
  if (CharAt(text, pos, 'Z') || CharAt(text, pos, 'z')) {
    ++pos;
  } else if (CharAt(text, pos, '+') || CharAt(text, pos, '-')) {
    Result<int> oh = Digits(text, pos + 1, 2), om = Digits(text, pos + 4, 2);
    if (!oh.ok() || !om.ok() || !CharAt(text, pos + 3, ':') || *oh > 23 || *om > 59) return bad();
    offset_seconds = (text[pos] == '-' ? -1 : 1) * (*oh * 3600 + *om * 60);
    pos += 6;
  } else {
    return bad();
  }
  if (pos != text.size()) return bad();
  int64_t days = std::chrono::sys_days(date).time_since_epoch().count();
  return days * 86'400 + *hour * 3600 + *minute * 60 + *second - offset_seconds;
}

}  // namespace de::s3
