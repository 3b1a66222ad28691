#include "order_events.h"

#include "livedrop/grpc/call.h"
#include "livedrop/grpc/proto_values.h"
#include "livedrop/kafka/envelope.h"
#include "livedrop/kafka/outbox.h"

namespace livedrop::orders {
namespace {

constexpr char kTopic[] = "livedrop.orders";

v1::OrderStatus ToProto(OrderStatus s) {
  switch (s) {
    case OrderStatus::kPending:
      return v1::ORDER_STATUS_PENDING;
    case OrderStatus::kConfirmed:
      return v1::ORDER_STATUS_CONFIRMED;
    case OrderStatus::kFailed:
      return v1::ORDER_STATUS_FAILED;
    case OrderStatus::kCancelled:
      return v1::ORDER_STATUS_CANCELLED;
  }
  return v1::ORDER_STATUS_UNSPECIFIED;
}

}  // namespace

void ToProto(const OrderRow& o, v1::Order& out) {
  out.set_id(o.id);
  out.set_buyer_id(o.buyer_id);
  out.set_drop_id(o.drop_id);
  out.set_quantity(o.quantity);
  out.set_amount(o.amount);
  out.set_currency(o.currency);
  out.set_status(ToProto(o.status));
  out.set_failure_code(o.failure_code);
  rpc::SetTimestamp(o.created_at, out.mutable_created_at());
}

void EmitOrderEvent(pqxx::transaction_base& tx, const std::string& type, const OrderRow& order) {
  const auto* call = rpc::CurrentInboundCall();
  const std::string trace = call ? call->trace_parent : "";
  auto enqueue = [&](const google::protobuf::Message& payload) {
    kafka::EnqueueEvent(tx, kTopic,
                        kafka::MakeEnvelope(type, rpc::ServiceName(), order.id, payload, trace));
  };
  if (type == "order_placed") {
    v1::OrderPlaced e;
    ToProto(order, *e.mutable_order());
    enqueue(e);
  } else if (type == "order_confirmed") {
    v1::OrderConfirmed e;
    ToProto(order, *e.mutable_order());
    enqueue(e);
  } else if (type == "order_failed") {
    v1::OrderFailed e;
    ToProto(order, *e.mutable_order());
    e.set_reason(order.failure_code);
    enqueue(e);
  } else {
    v1::OrderCancelled e;
    ToProto(order, *e.mutable_order());
    enqueue(e);
  }
}

}  // namespace livedrop::orders
