#include "payment_events.h"

#include "livedrop/core/error.h"
#include "livedrop/grpc/call.h"
#include "livedrop/kafka/envelope.h"
#include "livedrop/kafka/topics.h"
#include "livedrop/service/events.h"
#include "payment_proto.h"

namespace livedrop::payment {

namespace {

// `Event` is one of the v1 payment events, each carrying the payment.
template <typename Event>
void Enqueue(pqxx::transaction_base& tx, const char* type, const PaymentRow& payment) {
  Event event;
  ToProto(payment, *event.mutable_payment());
  service::EnqueueEvent(tx, topics::kPayment, type, payment.order_id, event);
}

template <typename Event>
events::v1::Envelope Envelope(const char* type, const PaymentRow& payment,
                              const std::string& trace_parent) {
  Event event;
  ToProto(payment, *event.mutable_payment());
  return kafka::MakeEnvelope(type, rpc::ServiceName(), payment.order_id, event, trace_parent);
}

}  // namespace

void EmitPaymentSucceeded(pqxx::transaction_base& tx, const PaymentRow& payment) {
  Enqueue<v1::PaymentSucceeded>(tx, event_types::kPaymentSucceeded, payment);
}

void EmitPaymentFailed(pqxx::transaction_base& tx, const PaymentRow& payment) {
  Enqueue<v1::PaymentFailed>(tx, event_types::kPaymentFailed, payment);
}

void EmitPaymentRefunded(pqxx::transaction_base& tx, const PaymentRow& payment) {
  Enqueue<v1::PaymentRefunded>(tx, event_types::kPaymentRefunded, payment);
}

events::v1::Envelope PaymentFinishedEvent(const PaymentRow& payment,
                                          const std::string& trace_parent) {
  switch (payment.state) {
    case PaymentState::kSucceeded:
      return Envelope<v1::PaymentSucceeded>(event_types::kPaymentSucceeded, payment, trace_parent);
    case PaymentState::kFailed:
      return Envelope<v1::PaymentFailed>(event_types::kPaymentFailed, payment, trace_parent);
    case PaymentState::kPending:
    case PaymentState::kRefunded:
      break;
  }
  throw Error(ErrorKind::kInternal, "payment_not_finished",
              "payment " + payment.order_id + " is neither succeeded nor failed");
}

}  // namespace livedrop::payment
