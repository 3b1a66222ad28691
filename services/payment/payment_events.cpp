#include "payment_events.h"

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

}  // namespace livedrop::payment
