#include "orders_events.h"

#include "livedrop/kafka/topics.h"
#include "livedrop/orders/v1/orders.pb.h"
#include "livedrop/service/events.h"
#include "orders_proto.h"

namespace livedrop::orders {
namespace {

void Enqueue(pqxx::transaction_base& tx, const char* type, const OrderRow& order,
             const google::protobuf::Message& payload) {
  service::EnqueueEvent(tx, topics::kOrders, type, order.id, payload);
}

}  // namespace

void EmitOrderPlaced(pqxx::transaction_base& tx, const OrderRow& order) {
  v1::OrderPlaced e;
  ToProto(order, *e.mutable_order());
  Enqueue(tx, event_types::kOrderPlaced, order, e);
}

void EmitOrderConfirmed(pqxx::transaction_base& tx, const OrderRow& order) {
  v1::OrderConfirmed e;
  ToProto(order, *e.mutable_order());
  Enqueue(tx, event_types::kOrderConfirmed, order, e);
}

void EmitOrderFailed(pqxx::transaction_base& tx, const OrderRow& order) {
  v1::OrderFailed e;
  ToProto(order, *e.mutable_order());
  e.set_reason(order.failure_code);
  Enqueue(tx, event_types::kOrderFailed, order, e);
}

void EmitOrderCancelled(pqxx::transaction_base& tx, const OrderRow& order) {
  v1::OrderCancelled e;
  ToProto(order, *e.mutable_order());
  Enqueue(tx, event_types::kOrderCancelled, order, e);
}

}  // namespace livedrop::orders
