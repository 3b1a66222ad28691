#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "payment_logic.h"

namespace pqxx {
class transaction_base;
}

namespace livedrop::payment {

// The SQL of the payment schema (named constants in payment_store.cpp); every method runs in
// the caller's transaction.
class PaymentStore {
 public:
  // Inserts `row` as pending unless the order already has a payment; returns the inserted row
  // or nothing.
  static std::optional<PaymentRow> InsertPending(pqxx::transaction_base& tx, const PaymentRow& row);
  static std::optional<PaymentRow> Find(pqxx::transaction_base& tx, const std::string& order_id);
  // pending → `to` (succeeded or failed), only if still pending: returns the updated row when
  // this call made the transition, nothing when another one already did.
  static std::optional<PaymentRow> Finish(pqxx::transaction_base& tx, const std::string& order_id,
                                          PaymentState to, const std::string& failure_code);
  // succeeded → refunded, only if still succeeded; same contract as Finish.
  static std::optional<PaymentRow> MarkRefunded(pqxx::transaction_base& tx,
                                                const std::string& order_id);
};

// A transition asked of the repository: the payment after it, and whether this call made it
// (and so wrote its event) or found it already made by another.
struct PaymentChange {
  PaymentRow payment;
  bool changed = false;
};

// The payments table as the app uses it, as a port: the app runs on a fake of it in unit tests
// (tests/fake_payments_repository.h). The PostgreSQL implementation (PgPaymentsRepository,
// payment_app.h) runs the statements above, each transition in one transaction with its event;
// it lives in the app layer because it opens the transactions and writes the events.
class PaymentsRepository {
 public:
  virtual ~PaymentsRepository() = default;

  // Records `fresh` as pending unless the order already has a payment; returns the order's
  // payment, the new one or the one found.
  virtual PaymentRow RecordPending(const PaymentRow& fresh) = 0;
  virtual std::optional<PaymentRow> Find(const std::string& order_id) = 0;
  // pending → succeeded with payment_succeeded, only if still pending.
  virtual PaymentChange MarkSucceeded(const std::string& order_id) = 0;
  // pending → failed with `failure_code` and payment_failed, only if still pending.
  virtual PaymentChange MarkFailed(const std::string& order_id,
                                   const std::string& failure_code) = 0;
  // succeeded → refunded with payment_refunded, only if still succeeded.
  virtual PaymentChange MarkRefunded(const std::string& order_id) = 0;
};

}  // namespace livedrop::payment
