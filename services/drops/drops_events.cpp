#include "drops_events.h"

#include "drops_proto.h"
#include "livedrop/grpc/call.h"
#include "livedrop/kafka/envelope.h"
#include "livedrop/kafka/outbox.h"
#include "livedrop/kafka/topics.h"

namespace livedrop::drops {
namespace {

// The scheduler's events carry no trace: no inbound call started them.
void Enqueue(pqxx::transaction_base& tx, const char* type, const DropRow& drop,
             const google::protobuf::Message& payload) {
  const auto* call = rpc::CurrentInboundCall();
  kafka::EnqueueEvent(tx, topics::kDrops,
                      kafka::MakeEnvelope(type, rpc::ServiceName(), drop.id, payload,
                                          call ? call->trace_parent : ""));
}

}  // namespace

void EmitDropScheduled(pqxx::transaction_base& tx, const DropRow& drop) {
  v1::DropScheduled e;
  ToProto(drop, nullptr, *e.mutable_drop());
  Enqueue(tx, event_types::kDropScheduled, drop, e);
}

void EmitDropStarted(pqxx::transaction_base& tx, const DropRow& drop) {
  v1::DropStarted e;
  ToProto(drop, nullptr, *e.mutable_drop());
  *e.mutable_scheduled_start() = e.drop().starts_at();
  Enqueue(tx, event_types::kDropStarted, drop, e);
}

void EmitDropEnded(pqxx::transaction_base& tx, const DropRow& drop) {
  v1::DropEnded e;
  ToProto(drop, nullptr, *e.mutable_drop());
  Enqueue(tx, event_types::kDropEnded, drop, e);
}

void EmitDropCancelled(pqxx::transaction_base& tx, const DropRow& drop) {
  v1::DropCancelled e;
  ToProto(drop, nullptr, *e.mutable_drop());
  Enqueue(tx, event_types::kDropCancelled, drop, e);
}

}  // namespace livedrop::drops
