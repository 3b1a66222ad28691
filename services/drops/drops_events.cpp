#include "drops_events.h"

#include "drops_proto.h"
#include "livedrop/kafka/topics.h"
#include "livedrop/service/events.h"

namespace livedrop::drops {
namespace {

// The scheduler's events carry no trace: no inbound call started them.
void Enqueue(pqxx::transaction_base& tx, const char* type, const DropRow& drop,
             const google::protobuf::Message& payload) {
  service::EnqueueEvent(tx, topics::kDrops, type, drop.id, payload);
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
