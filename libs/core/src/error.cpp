#include "livedrop/core/error.h"

namespace livedrop {

Error ValidationError(const std::string& field, const std::string& message) {
  return Error(ErrorKind::kInvalidArgument, "validation_failed", message, {{"field", field}});
}

Error NotFoundError(const std::string& what) {
  return Error(ErrorKind::kNotFound, "not_found", what + " not found");
}

Error UnauthenticatedError(const std::string& message) {
  return Error(ErrorKind::kUnauthenticated, "unauthenticated", message);
}

Error PermissionDeniedError(const std::string& message) {
  return Error(ErrorKind::kPermissionDenied, "permission_denied", message);
}

bool IsRetryable(ErrorKind kind) {
  return kind == ErrorKind::kUnavailable || kind == ErrorKind::kDeadlineExceeded ||
         kind == ErrorKind::kAborted;
}

}  // namespace livedrop
