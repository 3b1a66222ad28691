#include "http_errors.h"

#include <string_view>

#include "livedrop/http/problem.h"

namespace livedrop::gateway {
namespace {

struct KindRow {
  ErrorKind kind;
  int status;
  const char* title;
};

constexpr KindRow kByKind[] = {
    {ErrorKind::kInvalidArgument, 400, "Bad Request"},
    {ErrorKind::kUnauthenticated, 401, "Unauthorized"},
    {ErrorKind::kPermissionDenied, 403, "Forbidden"},
    {ErrorKind::kNotFound, 404, "Not Found"},
    {ErrorKind::kAlreadyExists, 409, "Conflict"},
    {ErrorKind::kAborted, 409, "Conflict"},
    {ErrorKind::kFailedPrecondition, 409, "Conflict"},
    {ErrorKind::kResourceExhausted, 429, "Too Many Requests"},
    {ErrorKind::kUnavailable, 503, "Service Unavailable"},
    {ErrorKind::kDeadlineExceeded, 504, "Gateway Timeout"},
    {ErrorKind::kInternal, 500, "Internal Server Error"},
};

struct CodeRow {
  std::string_view code;
  int status;
  const char* title;
};

constexpr CodeRow kByCode[] = {
    {"payment_declined", 402, "Payment Required"},
    {"idempotency_key_reused", 422, "Unprocessable Content"},
    {"payload_too_large", 413, "Content Too Large"},
    {"unsupported_media_type", 415, "Unsupported Media Type"},
};

const KindRow& RowFor(ErrorKind kind) {
  for (const auto& row : kByKind) {
    if (row.kind == kind) return row;
  }
  return kByKind[std::size(kByKind) - 1];
}

}  // namespace

int HttpStatusFor(const Error& error) {
  for (const auto& row : kByCode) {
    if (row.code == error.code()) return row.status;
  }
  return RowFor(error.kind()).status;
}

http::Response ProblemFor(const Error& error, const std::string& request_id) {
  for (const auto& row : kByCode) {
    if (row.code == error.code()) {
      return http::Problem(row.status, error.code(), row.title, error.what(), request_id,
                           error.metadata());
    }
  }
  const auto& row = RowFor(error.kind());
  if (error.kind() == ErrorKind::kInternal) {
    return http::Problem(row.status, "internal", row.title, "an unexpected error occurred",
                         request_id);
  }
  return http::Problem(row.status, error.code(), row.title, error.what(), request_id,
                       error.metadata());
}

}  // namespace livedrop::gateway
