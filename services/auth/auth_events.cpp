#include "auth_events.h"

#include "auth_proto.h"
#include "livedrop/grpc/call.h"
#include "livedrop/kafka/envelope.h"
#include "livedrop/kafka/outbox.h"
#include "livedrop/kafka/topics.h"

namespace livedrop::auth {
namespace {

void Enqueue(pqxx::transaction_base& tx, const char* type, const User& user,
             const google::protobuf::Message& payload) {
  const auto* call = rpc::CurrentInboundCall();
  const std::string trace = call ? call->trace_parent : "";
  kafka::EnqueueEvent(tx, topics::kAuth,
                      kafka::MakeEnvelope(type, rpc::ServiceName(), user.id, payload, trace));
}

}  // namespace

void EmitUserRegistered(pqxx::transaction_base& tx, const User& user) {
  v1::UserRegistered e;
  e.set_user_id(user.id);
  e.set_role(RoleToProto(user.role));
  e.set_display_name(user.display_name);
  Enqueue(tx, event_types::kUserRegistered, user, e);
}

}  // namespace livedrop::auth
