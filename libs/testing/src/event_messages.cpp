#include "livedrop/testing/event_messages.h"

#include "livedrop/kafka/envelope.h"

namespace livedrop::testing {

kafka::Message EventMessage(const std::string& topic, const std::string& type,
                            const std::string& source, const std::string& subject,
                            const google::protobuf::Message& payload) {
  kafka::Message m;
  m.topic = topic;
  m.key = subject;
  m.payload = kafka::SerializeEnvelope(kafka::MakeEnvelope(type, source, subject, payload));
  return m;
}

}  // namespace livedrop::testing
