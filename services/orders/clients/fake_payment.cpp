#include "clients/fake_payment.h"

namespace livedrop::orders {

void FakePayment::Charge(const ChargeRequest& request, Then<Payment> then) {
  calls_.push_back("Charge " + request.order_id);
  charged_.push_back(request);
  if (hold_charges) {
    held_.emplace_back(request, std::move(then));
    return;
  }
  then(Reply<Payment>::From([&] { return DoCharge(request); }));
}

int FakePayment::AnswerHeldCharges() {
  auto held = std::move(held_);
  held_.clear();
  for (auto& [request, then] : held) then(Reply<Payment>::From([&] { return DoCharge(request); }));
  return static_cast<int>(held.size());
}

Payment FakePayment::DoCharge(const ChargeRequest& request) {
  if (const auto it = payments_.find(request.order_id);
      it != payments_.end() && it->second.state != PaymentState::kPending) {
    return it->second;
  }
  Payment p;
  p.order_id = request.order_id;
  p.state = charge.Next();
  if (p.state == PaymentState::kFailed) p.decline = decline;
  if (p.state == PaymentState::kSucceeded) ++captures_;
  payments_[request.order_id] = p;
  return p;
}

void FakePayment::Refund(const std::string& order_id, Then<Payment> then) {
  calls_.push_back("Refund " + order_id);
  then(Reply<Payment>::From([&] {
    Payment p = payments_.count(order_id) ? payments_[order_id] : Payment{order_id, {}, {}};
    p.state = refund.Next();
    payments_[order_id] = p;
    return p;
  }));
}

}  // namespace livedrop::orders
