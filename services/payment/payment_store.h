#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "payment_logic.h"

namespace pqxx {
class transaction_base;
}

namespace livedrop::payment {

// The SQL of the payment schema (named constants in payment_store.cpp); every method runs in
// the caller's transaction. The *Many methods are the coalesced forms (PaymentWriter): one
// statement for many orders, arrays in, one answer per element out, in the input's order.
class PaymentStore {
 public:
  // A pending payment's move to succeeded or failed (failure_code: only for failed).
  struct Finishing {
    std::string order_id;
    PaymentState to = PaymentState::kSucceeded;
    std::string failure_code;
  };

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

  // InsertPending for each of `rows` (orders all different): the inserted row, or nothing
  // for an order that had a payment already.
  static std::vector<std::optional<PaymentRow>> InsertPendingMany(
      pqxx::transaction_base& tx, const std::vector<PaymentRow>& rows);
  // Find for each of `order_ids`.
  static std::vector<std::optional<PaymentRow>> FindMany(pqxx::transaction_base& tx,
                                                         const std::vector<std::string>& order_ids);
  // Finish for each of `moves` (orders all different): the moved row, or nothing for an
  // order that was not pending.
  static std::vector<std::optional<PaymentRow>> FinishMany(pqxx::transaction_base& tx,
                                                           const std::vector<Finishing>& moves);
};

// A transition asked of the repository: the payment after it, and whether this call made it
// (and so wrote its event) or found it already made by another.
struct PaymentChange {
  PaymentRow payment;
  bool changed = false;
};

// The payments table as the app uses it, as a port: the app runs on a fake of it in unit tests
// (tests/fake_payments_repository.h). The PostgreSQL implementation (PaymentWriter,
// payment_writer.h) runs the statements above, the pending rows and transitions of concurrent
// charges coalesced into shared transactions with their events; it lives in the app layer
// because it opens the transactions and writes the events.
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
