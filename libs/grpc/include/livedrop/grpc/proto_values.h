#pragma once

#include <google/protobuf/generated_enum_reflection.h>

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
// Seconds from `t` to Now() (negative if `t` is ahead of this clock): the lag of an event.
double SecondsSince(const google::protobuf::Timestamp& t);
// RFC 3339 UTC with milliseconds, as every JSON time is written.
std::string Rfc3339(const google::protobuf::Timestamp& ts);

// Proto enums are the vocabularies of stable codes (statuses, common.v1.Reason,
// payment.v1.PaymentFailure), written in JSON and in string fields as the value's name without
// the enum's prefix (the name of its 0 value minus "UNSPECIFIED"), lower-cased:
// ORDER_STATUS_CONFIRMED is "confirmed" and "confirmed" is ORDER_STATUS_CONFIRMED. A number the
// enum does not list is "unknown"; a code it does not list reads as the 0 value. The enum is the
// one list: nobody spells the strings.
std::string EnumCodeOf(const google::protobuf::EnumDescriptor& type, int value);
int EnumValueOf(const google::protobuf::EnumDescriptor& type, std::string_view code);

template <class Enum>
std::string EnumCode(Enum value) {
  return EnumCodeOf(*google::protobuf::GetEnumDescriptor<Enum>(), static_cast<int>(value));
}

template <class Enum>
Enum ParseEnumCode(std::string_view code) {
  return static_cast<Enum>(EnumValueOf(*google::protobuf::GetEnumDescriptor<Enum>(), code));
}

}  // namespace livedrop::rpc
