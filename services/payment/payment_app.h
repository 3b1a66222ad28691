#pragma once

#include <memory>
#include <optional>
#include <string>

#include "livedrop/core/in_flight_limit.h"
#include "livedrop/core/reply.h"
#include "payment_logic.h"
#include "payment_provider.h"
#include "payment_store.h"

namespace livedrop {
class Executor;
}
namespace livedrop::metrics {
class Counter;
}

namespace livedrop::payment {

// Charge, Refund and GetPayment, idempotent by order id: the use cases of livedrop-payment,
// the only layer that writes payments and their events (through the repository).
//
// A charge is two short database steps around the provider call, so no transaction (and no
// row lock) is held while the processor thinks: the first records the payment as pending (or
// finds the order's payment), the second moves it pending → succeeded | failed only if it is
// still pending and writes the event in the same transaction, so only the transition that wins
// emits. Whoever finds a payment pending — a concurrent retry, or the next attempt after a
// crash between the two — asks the provider again; the provider is idempotent by order id, so
// the card is captured at most once and every caller gets the same answer. Payment calls no
// other service: the processor is its one dependency, behind PaymentProvider.
//
// On PostgreSQL (PaymentWriter, payment_writer.h) each step of concurrent charges shares its
// commit with the others': the step's thread waits in the writer while its batch runs, and a
// caller hears of its step only once the batch committed, so a payment is still recorded
// pending before the provider is asked.
//
// Charge and Refund hold no thread while the processor thinks: they return at once, their
// database steps run on the app's executor (`threads` of them, busy only while PostgreSQL is —
// and so the most steps that can wait in one write batch), and the provider's answer is
// carried on there (in the served call's context) to `then`. More than `max_in_flight` charges
// and refunds at once are refused overloaded.
class PaymentApp {
 public:
  PaymentApp(PaymentsRepository& payments, PaymentProvider& provider, int threads = 16,
             int max_in_flight = 1024);
  // Waits for the charges and refunds in flight (their provider answers included) to end.
  ~PaymentApp();
  PaymentApp(const PaymentApp&) = delete;
  PaymentApp& operator=(const PaymentApp&) = delete;

  // Fails validation_failed and payment_mismatch; a declined card is a failed payment, not an
  // error. A provider that cannot be reached (its failed reply) leaves the payment pending, and
  // the charge fails with the provider's error.
  void Charge(const ChargeInput& input, Then<PaymentRow> then);
  // Fails not_found, payment_not_refundable, refund_failed (the provider refused).
  void Refund(const std::string& order_id, Then<PaymentRow> then);
  // Throws not_found.
  PaymentRow GetPayment(const std::string& order_id);

 private:
  // The order's payment, recorded pending if it had none (after the checks that need no
  // provider).
  PaymentRow RecordCharge(const ChargeInput& input);
  // Records the provider's answer on a pending payment (or the answer another call recorded).
  PaymentRow Finish(const std::string& order_id, const ProviderResult& result);
  PaymentRow FindRefundable(const std::string& order_id);
  PaymentRow RecordRefund(const std::string& order_id, const ProviderResult& result);

  PaymentsRepository& payments_;
  PaymentProvider& provider_;
  metrics::Counter& succeeded_;
  metrics::Counter& failed_;
  metrics::Counter& refunded_;
  InFlightLimit in_flight_;             // charges and refunds not answered yet
  std::unique_ptr<Executor> executor_;  // last: destroyed first, while the rest is alive
};

}  // namespace livedrop::payment
