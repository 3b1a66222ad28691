#include "fake_payments_repository.h"

#include <utility>

#include "livedrop/core/error.h"

namespace livedrop::payment {

PaymentRow FakePaymentsRepository::RecordPending(const PaymentRow& fresh) {
  const auto [it, inserted] = rows_.emplace(fresh.order_id, fresh);
  if (inserted) {
    ++inserts_;
    it->second.state = PaymentState::kPending;
    it->second.failure_code.clear();
    it->second.created_at = it->second.updated_at = Now();
  }
  return it->second;
}

std::optional<PaymentRow> FakePaymentsRepository::Find(const std::string& order_id) {
  const auto it = rows_.find(order_id);
  if (it == rows_.end()) return std::nullopt;
  return it->second;
}

PaymentChange FakePaymentsRepository::Move(const std::string& order_id, PaymentState from,
                                           PaymentState to, const std::string& failure_code) {
  if (auto hook = std::exchange(before_transition_, nullptr)) hook();
  const auto it = rows_.find(order_id);
  if (it == rows_.end()) {
    throw Error(ErrorKind::kInternal, "payment_vanished", "payment " + order_id);
  }
  PaymentRow& row = it->second;
  if (row.state != from) return PaymentChange{row, false};
  row.state = to;
  if (to == PaymentState::kFailed) row.failure_code = failure_code;
  row.updated_at = Now();
  events_.push_back(Event{order_id, to});
  return PaymentChange{row, true};
}

PaymentChange FakePaymentsRepository::MarkSucceeded(const std::string& order_id) {
  return Move(order_id, PaymentState::kPending, PaymentState::kSucceeded, "");
}

PaymentChange FakePaymentsRepository::MarkFailed(const std::string& order_id,
                                                 const std::string& failure_code) {
  return Move(order_id, PaymentState::kPending, PaymentState::kFailed, failure_code);
}

PaymentChange FakePaymentsRepository::MarkRefunded(const std::string& order_id) {
  return Move(order_id, PaymentState::kSucceeded, PaymentState::kRefunded, "");
}

}  // namespace livedrop::payment
