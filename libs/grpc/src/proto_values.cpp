#include "livedrop/grpc/proto_values.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/timestamp.pb.h>

#include <cctype>

namespace livedrop::rpc {

void SetTimestamp(TimePoint t, google::protobuf::Timestamp* out) {
  const auto us = t.time_since_epoch().count();
  auto seconds = us / 1'000'000;
  auto micros = us % 1'000'000;
  if (micros < 0) {  // before 1970: nanos must stay in [0, 1e9)
    --seconds;
    micros += 1'000'000;
  }
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int>(micros) * 1000);
}

TimePoint FromTimestamp(const google::protobuf::Timestamp& ts) {
  return TimePoint(std::chrono::seconds(ts.seconds()) +
                   std::chrono::microseconds(ts.nanos() / 1000));
}

std::string Rfc3339(const google::protobuf::Timestamp& ts) {
  return FormatRfc3339(FromTimestamp(ts));
}

std::string EnumName(const google::protobuf::EnumDescriptor& type, int value,
                     std::string_view prefix) {
  const auto* v = type.FindValueByNumber(value);
  if (v == nullptr) return "unknown";
  std::string_view name = v->name();
  if (name.substr(0, prefix.size()) == prefix) name.remove_prefix(prefix.size());
  std::string out(name);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace livedrop::rpc
