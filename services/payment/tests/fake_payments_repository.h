#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "payment_store.h"

namespace livedrop::payment {

// The payments table in memory, with the semantics of PaymentWriter: a pending row is
// recorded once per order, each transition happens only from its state and is the one that
// writes an event. Records the events written and the rows recorded. Not thread-safe.
class FakePaymentsRepository final : public PaymentsRepository {
 public:
  struct Event {
    std::string order_id;
    PaymentState state;  // what the event says: payment_succeeded, _failed or _refunded
    bool operator==(const Event&) const = default;
  };

  PaymentRow RecordPending(const PaymentRow& fresh) override;
  std::optional<PaymentRow> Find(const std::string& order_id) override;
  PaymentChange MarkSucceeded(const std::string& order_id) override;
  PaymentChange MarkFailed(const std::string& order_id, const std::string& failure_code) override;
  PaymentChange MarkRefunded(const std::string& order_id) override;

  // Puts a row as another instance (or a crash) left it.
  void Put(const PaymentRow& row) { rows_[row.order_id] = row; }
  // Runs once, just before the next transition, as a concurrent caller finishing first would.
  void BeforeNextTransition(std::function<void()> hook) { before_transition_ = std::move(hook); }

  const std::vector<Event>& events() const { return events_; }
  int inserts() const { return inserts_; }

 private:
  PaymentChange Move(const std::string& order_id, PaymentState from, PaymentState to,
                     const std::string& failure_code);

  std::map<std::string, PaymentRow> rows_;  // by order id
  std::vector<Event> events_;
  std::function<void()> before_transition_;
  int inserts_ = 0;
};

}  // namespace livedrop::payment
