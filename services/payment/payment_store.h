#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "livedrop/core/time.h"

namespace pqxx {
class transaction_base;
}

namespace livedrop::payment {

enum class PaymentState { kPending, kSucceeded, kFailed, kRefunded };
// The strings stored in payments.state: "pending", "succeeded", "failed", "refunded".
const char* StateName(PaymentState state);

struct PaymentRow {
  std::string id, order_id, buyer_id;
  std::int64_t amount = 0;
  std::string currency;
  PaymentState state = PaymentState::kPending;
  std::string failure_code;  // empty unless failed
  TimePoint created_at, updated_at;
};

// The SQL of the payment schema; every method runs in the caller's transaction.
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

}  // namespace livedrop::payment
