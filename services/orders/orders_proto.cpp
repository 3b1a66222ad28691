#include "orders_proto.h"

#include "livedrop/grpc/proto_values.h"

namespace livedrop::orders {
namespace {

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
  out.set_refunded(o.refunded);
  rpc::SetTimestamp(o.created_at, out.mutable_created_at());
}

}  // namespace livedrop::orders
