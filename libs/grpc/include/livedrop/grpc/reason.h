#pragma once

#include <map>
#include <string>

#include "livedrop/common/v1/reason.pb.h"
#include "livedrop/core/error.h"
#include "livedrop/grpc/proto_values.h"

namespace livedrop::rpc {

// The reason an error reports (ErrorInfo.reason), as the enum callers switch on; a reason
// common.v1.Reason does not list is REASON_UNSPECIFIED.
inline common::v1::Reason ReasonOf(const Error& error) {
  return ParseEnumCode<common::v1::Reason>(error.code());
}

// An error with a listed reason: Error(kind, EnumCode(reason), message, metadata).
inline Error ReasonError(ErrorKind kind, common::v1::Reason reason, std::string message,
                         std::map<std::string, std::string> metadata = {}) {
  return Error(kind, EnumCode(reason), std::move(message), std::move(metadata));
}

}  // namespace livedrop::rpc
