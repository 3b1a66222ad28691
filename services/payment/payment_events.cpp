#include "payment_events.h"

#include <pqxx/pqxx>

#include "livedrop/core/error.h"
#include "livedrop/grpc/call.h"
#include "livedrop/grpc/proto_values.h"
#include "livedrop/kafka/envelope.h"
#include "livedrop/kafka/outbox.h"

namespace livedrop::payment {
namespace {

constexpr char kTopic[] = "livedrop.payment";

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

void EmitPaymentEvent(pqxx::transaction_base& tx, const PaymentRow& row) {
  const auto* call = rpc::CurrentInboundCall();
  const std::string trace = call ? call->trace_parent : "";
  auto enqueue = [&](const char* type, auto event) {
    ToProto(row, *event.mutable_payment());
    kafka::EnqueueEvent(tx, kTopic,
                        kafka::MakeEnvelope(type, rpc::ServiceName(), row.order_id, event, trace));
  };
  switch (row.state) {
    case PaymentState::kSucceeded:
      enqueue("payment_succeeded", v1::PaymentSucceeded());
      break;
    case PaymentState::kFailed:
      enqueue("payment_failed", v1::PaymentFailed());
      break;
    case PaymentState::kRefunded:
      enqueue("payment_refunded", v1::PaymentRefunded());
      break;
    case PaymentState::kPending:
      throw Error(ErrorKind::kInternal, "no_event", "a pending payment has no event");
  }
}

}  // namespace livedrop::payment
