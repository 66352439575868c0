// Status and Result<T>: the project's single error channel (STYLE.md habit 1).
//
// Every fallible function returns Status or Result<T>. No exception crosses a module boundary:
// third-party code that throws is wrapped where it is called.
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include <fmt/format.h>

namespace de {

// What went wrong, coarse enough for callers to decide what to do (retry, report, exit code).
enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // bad input from a user or operator: never retried
  kNotFound,            // a named thing does not exist
  kAlreadyExists,       // a thing that must be new exists
  kPermissionDenied,    // forbidden, or the file system refuses
  kUnauthenticated,     // missing or wrong credentials
  kFailedPrecondition,  // the system is not in a state where this can run
  kPolicyViolation,     // the data-classification policy forbids it; never retried
  kResourceExhausted,   // a queue or quota is full; retry later
  kUnavailable,         // transient: connection lost, server busy; retried
  kDeadlineExceeded,    // a timeout; retried
  kCancelled,           // the caller asked to stop
  kDataLoss,            // stored data is corrupt or a value does not fit its declared type
  kInternal,            // a bug
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "INVALID_ARGUMENT: message", or "OK".
  std::string ToString() const;

  // Returns a copy whose message is prefixed with `context: `.
  Status WithContext(std::string_view context) const;

  // True for errors that may succeed when retried (kUnavailable, kDeadlineExceeded,
  // kResourceExhausted).
  bool IsTransient() const;

  // Marks a status as consumed on purpose.
  void IgnoreError() const {}

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// Constructors for each code, with fmt-style formatting.
#define DE_STATUS_FACTORY(Name, Code)                                                  \
  template <typename... Args>                                                          \
  Status Name(fmt::format_string<Args...> format, Args&&... args) {                    \
    return Status(StatusCode::Code, fmt::format(format, std::forward<Args>(args)...)); \
  }
DE_STATUS_FACTORY(InvalidArgument, kInvalidArgument)
DE_STATUS_FACTORY(NotFound, kNotFound)
DE_STATUS_FACTORY(AlreadyExists, kAlreadyExists)
DE_STATUS_FACTORY(PermissionDenied, kPermissionDenied)
DE_STATUS_FACTORY(Unauthenticated, kUnauthenticated)
DE_STATUS_FACTORY(FailedPrecondition, kFailedPrecondition)
DE_STATUS_FACTORY(PolicyViolation, kPolicyViolation)
DE_STATUS_FACTORY(ResourceExhausted, kResourceExhausted)
DE_STATUS_FACTORY(Unavailable, kUnavailable)
DE_STATUS_FACTORY(DeadlineExceeded, kDeadlineExceeded)
DE_STATUS_FACTORY(Cancelled, kCancelled)
DE_STATUS_FACTORY(DataLoss, kDataLoss)
DE_STATUS_FACTORY(Internal, kInternal)
#undef DE_STATUS_FACTORY

// Status from errno of a failed system call: "what: strerror".
Status ErrnoStatus(int err, std::string_view what);

// A value or the error that prevented it.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Status status) : value_(std::move(status)) {  // NOLINT: implicit by design
    assert(!std::get<Status>(value_).ok() && "Result constructed from an OK status");
  }

  bool ok() const { return std::holds_alternative<T>(value_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(value_);
  }

  // Preconditions: ok().
  T& value() & { return std::get<T>(value_); }
  const T& value() const& { return std::get<T>(value_); }
  T&& value() && { return std::get<T>(std::move(value_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> value_;
};

namespace internal {
inline const Status& AsStatus(const Status& s) { return s; }
template <typename T>
const Status& AsStatus(const Result<T>& r) {
  return r.status();
}
}  // namespace internal

}  // namespace de

#define DE_CONCAT_INNER(a, b) a##b
#define DE_CONCAT(a, b) DE_CONCAT_INNER(a, b)

// Returns the error of a Status or Result expression from the enclosing function.
#define RETURN_IF_ERROR(expr)                                                                    \
  do {                                                                                           \
    const auto& de_status_ = (expr);                                                             \
    if (!::de::internal::AsStatus(de_status_).ok()) return ::de::internal::AsStatus(de_status_); \
  } while (0)

// ASSIGN_OR_RETURN(lhs, result_expr): evaluates a Result; on error returns it, else assigns
// (or declares, with `auto x`) lhs from its value.
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL(DE_CONCAT(de_result_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp.ok()) return tmp.status();         \
  lhs = std::move(tmp).value()
