#include "payment_proto.h"

#include "livedrop/grpc/proto_values.h"

namespace livedrop::payment {
namespace {

v1::PaymentState ProtoState(PaymentState s) {
  switch (s) {
    case PaymentState::kPending:
      return v1::PAYMENT_STATE_PENDING;
    case PaymentState::kSucceeded:
      return v1::PAYMENT_STATE_SUCCEEDED;
    case PaymentState::kFailed:
      return v1::PAYMENT_STATE_FAILED;
    case PaymentState::kRefunded:
      return v1::PAYMENT_STATE_REFUNDED;
  }
  return v1::PAYMENT_STATE_UNSPECIFIED;
}

}  // namespace

void ToProto(const PaymentRow& row, v1::Payment& out) {
  out.set_id(row.id);
  out.set_order_id(row.order_id);
  out.set_buyer_id(row.buyer_id);
  out.set_amount(row.amount);
  out.set_currency(row.currency);
  out.set_state(ProtoState(row.state));
  out.set_failure_code(row.failure_code);
  rpc::SetTimestamp(row.created_at, out.mutable_created_at());
  rpc::SetTimestamp(row.updated_at, out.mutable_updated_at());
}

}  // namespace livedrop::payment
