#pragma once

#include <string>

#include "payment_logic.h"
#include "payment_provider.h"
#include "payment_store.h"

namespace livedrop::pg {
class Pool;
}
namespace livedrop::metrics {
class Counter;
}

namespace livedrop::payment {

// Charge, Refund and GetPayment, idempotent by order id.
//
// A charge is two short transactions around the provider call, so no transaction (and no row
// lock) is held while the processor thinks: the first records the payment as pending (or finds
// the order's payment), the second moves it pending → succeeded | failed only if it is still
// pending and writes the event in the same transaction, so only the transition that wins
// emits. Whoever finds a payment pending — a concurrent retry, or the next attempt after a
// crash between the two — asks the provider again; the provider is idempotent by order id, so
// the card is captured at most once and every caller gets the same answer.
class Payments {
 public:
  Payments(pg::Pool& pool, PaymentProvider& provider);

  // Throws validation_failed and payment_mismatch; a declined card is a failed payment, not an
  // error. A provider that cannot be reached (its Error) leaves the payment pending.
  PaymentRow Charge(const ChargeInput& input);
  // Throws not_found, payment_not_refundable, refund_failed (the provider refused).
  PaymentRow Refund(const std::string& order_id);
  // Throws not_found.
  PaymentRow GetPayment(const std::string& order_id);

 private:
  PaymentRow Record(const ChargeInput& input);
  PaymentRow Finish(const std::string& order_id, const ProviderResult& result);

  pg::Pool& pool_;
  PaymentProvider& provider_;
  metrics::Counter& succeeded_;
  metrics::Counter& failed_;
  metrics::Counter& refunded_;
};

}  // namespace livedrop::payment
