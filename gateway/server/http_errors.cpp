#include "http_errors.h"

#include <optional>

#include "livedrop/grpc/reason.h"
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

// The reasons with an HTTP status of their own, whatever their kind.
std::optional<KindRow> RowForReason(common::v1::Reason reason) {
  switch (reason) {
    case common::v1::REASON_PAYMENT_DECLINED:
      return KindRow{ErrorKind::kFailedPrecondition, 402, "Payment Required"};
    case common::v1::REASON_IDEMPOTENCY_KEY_REUSED:
      return KindRow{ErrorKind::kFailedPrecondition, 422, "Unprocessable Content"};
    case common::v1::REASON_PAYLOAD_TOO_LARGE:
      return KindRow{ErrorKind::kInvalidArgument, 413, "Content Too Large"};
    case common::v1::REASON_UNSUPPORTED_MEDIA_TYPE:
      return KindRow{ErrorKind::kInvalidArgument, 415, "Unsupported Media Type"};
    case common::v1::REASON_INVALID_IMAGE:
      return KindRow{ErrorKind::kFailedPrecondition, 422, "Unprocessable Content"};
    default:
      return std::nullopt;
  }
}

const KindRow& RowFor(ErrorKind kind) {
  for (const auto& row : kByKind) {
    if (row.kind == kind) return row;
  }
  return kByKind[std::size(kByKind) - 1];
}

}  // namespace

int HttpStatusFor(const Error& error) {
  if (const auto row = RowForReason(rpc::ReasonOf(error))) return row->status;
  return RowFor(error.kind()).status;
}

namespace {

http::Response ProblemOf(const Error& error, const std::string& request_id) {
  if (const auto row = RowForReason(rpc::ReasonOf(error))) {
    return http::Problem(row->status, error.code(), row->title, error.what(), request_id,
                         error.metadata());
  }
  const auto& row = RowFor(error.kind());
  if (error.kind() == ErrorKind::kInternal) {
    return http::Problem(row.status, "internal", row.title, "an unexpected error occurred",
                         request_id);
  }
  return http::Problem(row.status, error.code(), row.title, error.what(), request_id,
                       error.metadata());
}

}  // namespace

http::Response ProblemFor(const Error& error, const std::string& request_id) {
  auto response = ProblemOf(error, request_id);
  // The answer of an Idempotency-Key's first request, replayed (a declined order's 402, ...),
  // says so as a replayed 201 does.
  if (const auto it = error.metadata().find("replayed");
      it != error.metadata().end() && it->second == "true") {
    response.headers.Set("Idempotent-Replayed", "true");
  }
  return response;
}

}  // namespace livedrop::gateway
