#pragma once

#include "payment_logic.h"

namespace pqxx {
class transaction_base;
}

// The events of livedrop.payment, each written to the outbox (topic livedrop.payment, key
// order id) in the caller's transaction, carrying the payment as it is now and the trace of the
// call that caused it.
namespace livedrop::payment {

void EmitPaymentSucceeded(pqxx::transaction_base& tx, const PaymentRow& payment);
void EmitPaymentFailed(pqxx::transaction_base& tx, const PaymentRow& payment);
void EmitPaymentRefunded(pqxx::transaction_base& tx, const PaymentRow& payment);

}  // namespace livedrop::payment
