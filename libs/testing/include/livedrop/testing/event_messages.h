#pragma once

#include <string>

#include "livedrop/kafka/consumer.h"

namespace google::protobuf {
class Message;
}

namespace livedrop::testing {

// An event as a consumer's handler receives it: `payload` in a new envelope (kafka::MakeEnvelope,
// `type`, `source`, `subject`) on `topic`, keyed by the subject.
kafka::Message EventMessage(const std::string& topic, const std::string& type,
                            const std::string& source, const std::string& subject,
                            const google::protobuf::Message& payload);

}  // namespace livedrop::testing
