#pragma once

#include <map>
#include <stdexcept>
#include <string>

namespace livedrop {

// The outcome classes a service can report. Each maps to exactly one gRPC code
// (libs/grpc/status.h) and from there to one HTTP status (gateway error table).
enum class ErrorKind {
  kInvalidArgument,
  kUnauthenticated,
  kPermissionDenied,
  kNotFound,
  kAlreadyExists,
  kAborted,
  kFailedPrecondition,
  kResourceExhausted,
  kUnavailable,
  kDeadlineExceeded,
  kInternal,
};

// The one way a failure travels inside a service: thrown, and caught at the service
// boundary where it becomes a grpc::Status carrying `code` as ErrorInfo.reason.
// `code` is stable and machine-readable ("sold_out", "validation_failed"); `message` is for
// humans and must not leak internals (INTERNAL errors are logged, not returned in detail).
class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, std::string code, std::string message,
        std::map<std::string, std::string> metadata = {})
      : std::runtime_error(message),
        kind_(kind),
        code_(std::move(code)),
        metadata_(std::move(metadata)) {}

  ErrorKind kind() const { return kind_; }
  const std::string& code() const { return code_; }
  const std::map<std::string, std::string>& metadata() const { return metadata_; }

 private:
  ErrorKind kind_;
  std::string code_;
  std::map<std::string, std::string> metadata_;
};

// The outcomes worth trying again, the same call later (a consumer retries them instead of
// dead-lettering; a client may repeat an idempotent call): kUnavailable, kDeadlineExceeded,
// kAborted.
bool IsRetryable(ErrorKind kind);

// Shorthands for the common cases.
Error ValidationError(const std::string& field, const std::string& message);
Error NotFoundError(const std::string& what);
Error UnauthenticatedError(const std::string& message);
Error PermissionDeniedError(const std::string& message);

}  // namespace livedrop
