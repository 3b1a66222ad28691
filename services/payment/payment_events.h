#pragma once

#include <string>

#include "payment_logic.h"

namespace pqxx {
class transaction_base;
}
namespace livedrop::events::v1 {
class Envelope;
}

// The events of livedrop.payment, each written to the outbox (topic livedrop.payment, key
// order id) in the caller's transaction, carrying the payment as it is now and the trace of the
// call that caused it.
namespace livedrop::payment {

void EmitPaymentSucceeded(pqxx::transaction_base& tx, const PaymentRow& payment);
void EmitPaymentFailed(pqxx::transaction_base& tx, const PaymentRow& payment);
void EmitPaymentRefunded(pqxx::transaction_base& tx, const PaymentRow& payment);

// payment_succeeded or payment_failed for a payment that has just reached that state, as an
// envelope for a coalesced batch's kafka::EnqueueEvents (on topics::kPayment): `trace_parent` is
// the one of the call that caused it, taken where that call was served.
events::v1::Envelope PaymentFinishedEvent(const PaymentRow& payment,
                                          const std::string& trace_parent);

}  // namespace livedrop::payment
