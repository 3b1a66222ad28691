#include "orders_events.h"

#include "livedrop/grpc/call.h"
#include "livedrop/kafka/envelope.h"
#include "livedrop/kafka/outbox.h"
#include "livedrop/kafka/topics.h"
#include "livedrop/orders/v1/orders.pb.h"
#include "orders_proto.h"

namespace livedrop::orders {

const char* const kOrdersTopic = topics::kOrders;

namespace {

events::v1::Envelope Envelope(const char* type, const OrderRow& order,
                              const google::protobuf::Message& payload,
                              const std::string& trace_parent) {
  return kafka::MakeEnvelope(type, rpc::ServiceName(), order.id, payload, trace_parent);
}

}  // namespace

events::v1::Envelope OrderPlacedEvent(const OrderRow& order, const std::string& trace_parent) {
  v1::OrderPlaced e;
  ToProto(order, *e.mutable_order());
  return Envelope(event_types::kOrderPlaced, order, e, trace_parent);
}

events::v1::Envelope OrderOutcomeEvent(const OrderRow& order, const std::string& trace_parent) {
  switch (order.status) {
    case OrderStatus::kConfirmed: {
      v1::OrderConfirmed e;
      ToProto(order, *e.mutable_order());
      return Envelope(event_types::kOrderConfirmed, order, e, trace_parent);
    }
    case OrderStatus::kFailed: {
      v1::OrderFailed e;
      ToProto(order, *e.mutable_order());
      e.set_reason(order.failure_code);
      return Envelope(event_types::kOrderFailed, order, e, trace_parent);
    }
    case OrderStatus::kCancelled: {
      if (order.refunded) {
        v1::OrderRefunded e;
        ToProto(order, *e.mutable_order());
        e.set_reason(order.failure_code);
        return Envelope(event_types::kOrderRefunded, order, e, trace_parent);
      }
      v1::OrderCancelled e;
      ToProto(order, *e.mutable_order());
      return Envelope(event_types::kOrderCancelled, order, e, trace_parent);
    }
    case OrderStatus::kPending:
      break;
  }
  throw Error(ErrorKind::kInternal, "order_not_finished",
              "order " + order.id + " has no outcome to announce");
}

void EmitOrderPlaced(pqxx::transaction_base& tx, const OrderRow& order) {
  kafka::EnqueueEvent(tx, kOrdersTopic, OrderPlacedEvent(order, rpc::CurrentTraceParent()));
}

void EmitOrderOutcome(pqxx::transaction_base& tx, const OrderRow& order) {
  kafka::EnqueueEvent(tx, kOrdersTopic, OrderOutcomeEvent(order, rpc::CurrentTraceParent()));
}

}  // namespace livedrop::orders
