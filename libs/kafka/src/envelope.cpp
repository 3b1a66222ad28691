#include "livedrop/kafka/envelope.h"

#include <google/protobuf/message.h>

#include <chrono>

#include "livedrop/core/ids.h"
#include "livedrop/core/time.h"

namespace livedrop::kafka {

events::v1::Envelope MakeEnvelope(std::string type, std::string source, std::string subject,
                                  const google::protobuf::Message& payload,
                                  std::string trace_parent) {
  events::v1::Envelope envelope;
  envelope.set_id(NewUuid());
  envelope.set_type(std::move(type));
  envelope.set_source(std::move(source));
  int64_t micros = Now().time_since_epoch().count();
  int64_t seconds = micros / 1'000'000;
  int64_t rest = micros % 1'000'000;
  if (rest < 0) {
    seconds -= 1;
    rest += 1'000'000;
  }
  envelope.mutable_time()->set_seconds(seconds);
  envelope.mutable_time()->set_nanos(static_cast<int32_t>(rest * 1000));
  envelope.set_subject(std::move(subject));
  envelope.set_payload_type(payload.GetDescriptor()->full_name());
  envelope.set_payload(payload.SerializeAsString());
  envelope.set_trace_parent(std::move(trace_parent));
  return envelope;
}

bool UnpackPayload(const events::v1::Envelope& envelope, google::protobuf::Message& out) {
  if (envelope.payload_type() != out.GetDescriptor()->full_name()) return false;
  return out.ParseFromString(envelope.payload());
}

TimePoint EventTime(const events::v1::Envelope& envelope) {
  if (!envelope.has_time()) return Now();
  return TimePoint(std::chrono::seconds(envelope.time().seconds()) +
                   std::chrono::microseconds(envelope.time().nanos() / 1000));
}

std::string SerializeEnvelope(const events::v1::Envelope& envelope) {
  return envelope.SerializeAsString();
}

events::v1::Envelope ParseEnvelope(std::string_view bytes) {
  events::v1::Envelope envelope;
  if (!envelope.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    throw Error(ErrorKind::kInvalidArgument, "malformed_envelope",
                "message is not a livedrop.events.v1.Envelope");
  }
  return envelope;
}

}  // namespace livedrop::kafka
