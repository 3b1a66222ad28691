#include "livedrop/grpc/status.h"

#include "livedrop/common/v1/error.pb.h"

namespace livedrop::rpc {
namespace {

struct Mapping {
  ErrorKind kind;
  ::grpc::StatusCode code;
  const char* default_reason;
};

constexpr Mapping kTable[] = {
    {ErrorKind::kInvalidArgument, ::grpc::StatusCode::INVALID_ARGUMENT, "validation_failed"},
    {ErrorKind::kUnauthenticated, ::grpc::StatusCode::UNAUTHENTICATED, "unauthenticated"},
    {ErrorKind::kPermissionDenied, ::grpc::StatusCode::PERMISSION_DENIED, "permission_denied"},
    {ErrorKind::kNotFound, ::grpc::StatusCode::NOT_FOUND, "not_found"},
    {ErrorKind::kAlreadyExists, ::grpc::StatusCode::ALREADY_EXISTS, "already_exists"},
    {ErrorKind::kAborted, ::grpc::StatusCode::ABORTED, "aborted"},
    {ErrorKind::kFailedPrecondition, ::grpc::StatusCode::FAILED_PRECONDITION,
     "failed_precondition"},
    {ErrorKind::kResourceExhausted, ::grpc::StatusCode::RESOURCE_EXHAUSTED, "resource_exhausted"},
    {ErrorKind::kUnavailable, ::grpc::StatusCode::UNAVAILABLE, "unavailable"},
    {ErrorKind::kDeadlineExceeded, ::grpc::StatusCode::DEADLINE_EXCEEDED, "deadline_exceeded"},
    {ErrorKind::kInternal, ::grpc::StatusCode::INTERNAL, "internal"},
};

const Mapping& ByKind(ErrorKind kind) {
  for (const auto& m : kTable) {
    if (m.kind == kind) return m;
  }
  return kTable[std::size(kTable) - 1];
}

}  // namespace

::grpc::StatusCode ToGrpcCode(ErrorKind kind) { return ByKind(kind).code; }

ErrorKind FromGrpcCode(::grpc::StatusCode code) {
  for (const auto& m : kTable) {
    if (m.code == code) return m.kind;
  }
  if (code == ::grpc::StatusCode::CANCELLED) return ErrorKind::kUnavailable;
  return ErrorKind::kInternal;
}

::grpc::Status ToStatus(const Error& error, const std::string& domain) {
  livedrop::common::v1::ErrorInfo info;
  info.set_reason(error.code());
  info.set_domain(domain);
  for (const auto& [k, v] : error.metadata()) (*info.mutable_metadata())[k] = v;
  return ::grpc::Status(ToGrpcCode(error.kind()), error.what(), info.SerializeAsString());
}

Error FromStatus(const ::grpc::Status& status) {
  const ErrorKind kind = FromGrpcCode(status.error_code());
  livedrop::common::v1::ErrorInfo info;
  if (!status.error_details().empty() && info.ParseFromString(status.error_details()) &&
      !info.reason().empty()) {
    std::map<std::string, std::string> metadata(info.metadata().begin(), info.metadata().end());
    return Error(kind, info.reason(), status.error_message(), std::move(metadata));
  }
  return Error(kind, ByKind(kind).default_reason, status.error_message());
}

}  // namespace livedrop::rpc
