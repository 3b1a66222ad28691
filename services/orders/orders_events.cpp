#include "orders_events.h"

#include "livedrop/grpc/call.h"
#include "livedrop/kafka/envelope.h"
#include "livedrop/kafka/outbox.h"
#include "livedrop/orders/v1/orders.pb.h"
#include "orders_proto.h"

namespace livedrop::orders {
namespace {

constexpr char kTopic[] = "livedrop.orders";

void Enqueue(pqxx::transaction_base& tx, const char* type, const OrderRow& order,
             const google::protobuf::Message& payload) {
  const auto* call = rpc::CurrentInboundCall();
  const std::string trace = call ? call->trace_parent : "";
  kafka::EnqueueEvent(tx, kTopic,
                      kafka::MakeEnvelope(type, rpc::ServiceName(), order.id, payload, trace));
}

}  // namespace

void EmitOrderPlaced(pqxx::transaction_base& tx, const OrderRow& order) {
  v1::OrderPlaced e;
  ToProto(order, *e.mutable_order());
  Enqueue(tx, "order_placed", order, e);
}

void EmitOrderConfirmed(pqxx::transaction_base& tx, const OrderRow& order) {
  v1::OrderConfirmed e;
  ToProto(order, *e.mutable_order());
  Enqueue(tx, "order_confirmed", order, e);
}

void EmitOrderFailed(pqxx::transaction_base& tx, const OrderRow& order) {
  v1::OrderFailed e;
  ToProto(order, *e.mutable_order());
  e.set_reason(order.failure_code);
  Enqueue(tx, "order_failed", order, e);
}

void EmitOrderCancelled(pqxx::transaction_base& tx, const OrderRow& order) {
  v1::OrderCancelled e;
  ToProto(order, *e.mutable_order());
  Enqueue(tx, "order_cancelled", order, e);
}

}  // namespace livedrop::orders
