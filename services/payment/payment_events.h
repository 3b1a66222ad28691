#pragma once

#include "livedrop/payment/v1/payment.pb.h"
#include "payment_store.h"

namespace pqxx {
class transaction_base;
}

// Payment rows → proto, and the payment events written to the outbox.
namespace livedrop::payment {

void ToProto(const PaymentRow& row, v1::Payment& out);

// Enqueues the event of the state `row` has just reached — payment_succeeded, payment_failed
// or payment_refunded — on livedrop.payment keyed by order id, in tx.
void EmitPaymentEvent(pqxx::transaction_base& tx, const PaymentRow& row);

}  // namespace livedrop::payment
