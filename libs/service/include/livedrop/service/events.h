#pragma once

#include <string>

namespace google::protobuf {
class Message;
}
namespace pqxx {
class transaction_base;
}

namespace livedrop::service {

// Writes an event of this service into the outbox of `tx` (delivered only if it commits):
// source = this service, and the trace parent of the call being served on this thread, so the
// consumers' work joins the request's trace. `type` and `topic` come from kafka/topics.h.
void EnqueueEvent(pqxx::transaction_base& tx, const char* topic, const char* type,
                  const std::string& subject, const google::protobuf::Message& payload);

// The same for an event caused by a consumed event rather than a call: it carries that event's
// trace parent.
void EnqueueEvent(pqxx::transaction_base& tx, const char* topic, const char* type,
                  const std::string& subject, const google::protobuf::Message& payload,
                  const std::string& trace_parent);

}  // namespace livedrop::service
