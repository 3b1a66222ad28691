#pragma once

#include <string>
#include <string_view>

#include "livedrop/core/time.h"

namespace google::protobuf {
class EnumDescriptor;
class Timestamp;
}  // namespace google::protobuf

// Conversions every service and the gateway need between proto values and ours.
namespace livedrop::rpc {

void SetTimestamp(TimePoint t, google::protobuf::Timestamp* out);
TimePoint FromTimestamp(const google::protobuf::Timestamp& ts);
// RFC 3339 UTC with milliseconds, as every JSON time is written.
std::string Rfc3339(const google::protobuf::Timestamp& ts);

// The public (JSON) name of a proto enum value: ORDER_STATUS_CONFIRMED with prefix
// "ORDER_STATUS_" is "confirmed"; a value the enum does not name is "unknown".
std::string EnumName(const google::protobuf::EnumDescriptor& type, int value,
                     std::string_view prefix);

}  // namespace livedrop::rpc
