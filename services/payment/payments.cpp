#include "payments.h"

#include <pqxx/pqxx>

#include "livedrop/core/error.h"
#include "livedrop/core/ids.h"
#include "livedrop/metrics/registry.h"
#include "livedrop/pg/pool.h"
#include "payment_events.h"

namespace livedrop::payment {
namespace {

metrics::Counter& Transitions(const char* state) {
  return metrics::Registry::Default().GetCounter(
      "livedrop_payment_transitions_total",
      "Payments that reached a state (each payment once per state, whatever the retries)",
      {{"state", state}});
}

Error NoPayment() { return NotFoundError("payment"); }

}  // namespace

Payments::Payments(pg::Pool& pool, PaymentProvider& provider)
    : pool_(pool),
      provider_(provider),
      succeeded_(Transitions("succeeded")),
      failed_(Transitions("failed")),
      refunded_(Transitions("refunded")) {}

PaymentRow Payments::Record(const ChargeInput& input) {
  // Two lone statements: each commits on its own (no BEGIN/COMMIT round trips).
  return pool_.AutoCommit([&](pqxx::nontransaction& tx) {
    const PaymentRow fresh{NewUuid(),    input.order_id, input.buyer_id,
                           input.amount, input.currency, PaymentState::kPending};
    if (auto inserted = PaymentStore::InsertPending(tx, fresh)) return *inserted;
    // ON CONFLICT waited for any concurrent insert to commit, so the row is visible now.
    auto existing = PaymentStore::Find(tx, input.order_id);
    if (!existing) {
      throw Error(ErrorKind::kInternal, "payment_vanished", "payment " + input.order_id);
    }
    return *existing;
  });
}

PaymentRow Payments::Finish(const std::string& order_id, const ProviderResult& result) {
  bool won = false;
  auto payment = pool_.Transact([&](pqxx::work& tx) {
    won = false;
    if (auto done =
            PaymentStore::Finish(tx, order_id, OutcomeState(result), OutcomeFailureCode(result))) {
      EmitPaymentEvent(tx, *done);
      won = true;
      return *done;
    }
    // Another attempt finished it first with the same (idempotent) answer.
    return *PaymentStore::Find(tx, order_id);
  });
  if (won) (payment.state == PaymentState::kSucceeded ? succeeded_ : failed_).Inc();
  return payment;
}

PaymentRow Payments::Charge(const ChargeInput& input) {
  ValidateCharge(input);
  const PaymentRow payment = Record(input);
  CheckSameCharge(payment, input);
  if (IsFinal(payment.state)) return payment;
  // Pending: just recorded, in flight elsewhere, or left by a crash. Asking the provider again
  // is safe because it answers an order id once.
  const ProviderResult result =
      provider_.Charge(payment.order_id, payment.amount, payment.currency, input.payment_token);
  return Finish(payment.order_id, result);
}

PaymentRow Payments::Refund(const std::string& order_id) {
  RequireUuid("order_id", order_id);
  const auto payment =
      pool_.AutoCommit([&](pqxx::nontransaction& tx) { return PaymentStore::Find(tx, order_id); });
  if (!payment) throw NoPayment();
  CheckRefundable(*payment);
  if (payment->state == PaymentState::kRefunded) return *payment;
  const ProviderResult result = provider_.Refund(order_id);
  if (!result.succeeded) {
    throw Error(ErrorKind::kFailedPrecondition, "refund_failed",
                "the payment provider refused the refund: " + result.failure_code,
                {{"failure_code", result.failure_code}});
  }
  bool won = false;
  auto refunded = pool_.Transact([&](pqxx::work& tx) {
    won = false;
    if (auto done = PaymentStore::MarkRefunded(tx, order_id)) {
      EmitPaymentEvent(tx, *done);
      won = true;
      return *done;
    }
    return *PaymentStore::Find(tx, order_id);
  });
  if (won) refunded_.Inc();
  return refunded;
}

PaymentRow Payments::GetPayment(const std::string& order_id) {
  if (!IsUuid(order_id)) throw NoPayment();
  const auto payment =
      pool_.AutoCommit([&](pqxx::nontransaction& tx) { return PaymentStore::Find(tx, order_id); });
  if (!payment) throw NoPayment();
  return *payment;
}

}  // namespace livedrop::payment
