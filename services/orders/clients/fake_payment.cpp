#include "clients/fake_payment.h"

namespace livedrop::orders {

Payment FakePayment::Charge(const ChargeRequest& request) {
  calls_.push_back("Charge " + request.order_id);
  charged_.push_back(request);
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

Payment FakePayment::Refund(const std::string& order_id) {
  calls_.push_back("Refund " + order_id);
  Payment p = payments_.count(order_id) ? payments_[order_id] : Payment{order_id, {}, {}};
  p.state = refund.Next();
  payments_[order_id] = p;
  return p;
}

std::optional<Payment> FakePayment::GetPayment(const std::string& order_id) {
  calls_.push_back("GetPayment " + order_id);
  const auto it = payments_.find(order_id);
  if (it == payments_.end()) return std::nullopt;
  return it->second;
}

}  // namespace livedrop::orders
