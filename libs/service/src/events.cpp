#include "livedrop/service/events.h"

#include "livedrop/grpc/call.h"
#include "livedrop/kafka/envelope.h"
#include "livedrop/kafka/outbox.h"

namespace livedrop::service {

void EnqueueEvent(pqxx::transaction_base& tx, const char* topic, const char* type,
                  const std::string& subject, const google::protobuf::Message& payload) {
  const auto* call = rpc::CurrentInboundCall();
  EnqueueEvent(tx, topic, type, subject, payload, call != nullptr ? call->trace_parent : "");
}

void EnqueueEvent(pqxx::transaction_base& tx, const char* topic, const char* type,
                  const std::string& subject, const google::protobuf::Message& payload,
                  const std::string& trace_parent) {
  kafka::EnqueueEvent(
      tx, topic, kafka::MakeEnvelope(type, rpc::ServiceName(), subject, payload, trace_parent));
}

}  // namespace livedrop::service
