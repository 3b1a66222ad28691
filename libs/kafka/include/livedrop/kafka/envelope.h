#pragma once

#include <string>
#include <string_view>

#include "livedrop/core/error.h"
#include "livedrop/core/time.h"
#include "livedrop/events/v1/envelope.pb.h"

namespace google::protobuf {
class Message;
}

namespace livedrop::kafka {

// A new event: id = NewUuid(), time = now, payload_type = payload's full proto name.
events::v1::Envelope MakeEnvelope(std::string type, std::string source, std::string subject,
                                  const google::protobuf::Message& payload,
                                  std::string trace_parent = "");

// Fills `out` from the envelope's payload. False when payload_type is not out's full name or
// the bytes do not parse.
bool UnpackPayload(const events::v1::Envelope& envelope, google::protobuf::Message& out);

// Throws Error(kInvalidArgument, "payload_type_mismatch") where the bool form returns false;
// a consumer therefore dead-letters such a message instead of retrying it forever.
template <class T>
T UnpackPayload(const events::v1::Envelope& envelope) {
  T out;
  if (!UnpackPayload(envelope, static_cast<google::protobuf::Message&>(out))) {
    throw Error(ErrorKind::kInvalidArgument, "payload_type_mismatch",
                "event " + envelope.id() + " carries " + envelope.payload_type() + ", not " +
                    out.GetDescriptor()->full_name());
  }
  return out;
}

// When the event happened (its `time`); now for an envelope that carries none.
TimePoint EventTime(const events::v1::Envelope& envelope);

std::string SerializeEnvelope(const events::v1::Envelope& envelope);

// Throws Error(kInvalidArgument, "malformed_envelope") for bytes that are not an Envelope.
events::v1::Envelope ParseEnvelope(std::string_view bytes);

}  // namespace livedrop::kafka
