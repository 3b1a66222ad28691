#pragma once

#include <grpcpp/support/status.h>

#include "livedrop/core/error.h"

namespace livedrop::rpc {

// The one table from domain outcomes to gRPC codes (and back, for clients of a service).
::grpc::StatusCode ToGrpcCode(ErrorKind kind);
ErrorKind FromGrpcCode(::grpc::StatusCode code);

// A livedrop::Error as a grpc::Status whose error_details carry a serialized
// livedrop.common.v1.ErrorInfo {reason = error.code(), domain, metadata}.
::grpc::Status ToStatus(const Error& error, const std::string& domain);

// The reverse: the error a called service reported. Statuses without ErrorInfo (e.g. a
// transport failure) get a code derived from the gRPC code ("unavailable", "deadline_exceeded"...).
Error FromStatus(const ::grpc::Status& status);

}  // namespace livedrop::rpc
