#pragma once

#include <map>
#include <string>
#include <vector>

#include "clients/fake_script.h"
#include "clients/payment_port.h"

namespace livedrop::orders {

// livedrop-payment for tests: Charge answers from its script (by default: succeeded) and,
// like the real service, remembers the payment of each order, so a repeated Charge returns
// the first answer without charging again; `charges()` counts real captures. Refund answers
// from its script (by default: refunded). Every call is recorded as "<Method> <order id>".
// Not thread-safe.
class FakePayment final : public PaymentPort {
 public:
  FakeScript<PaymentState> charge{PaymentState::kSucceeded};
  FakeScript<PaymentState> refund{PaymentState::kRefunded};
  // The reason a scripted kFailed charge gives.
  DeclineReason decline = DeclineReason::kCardDeclined;

  Payment Charge(const ChargeRequest& request) override;
  Payment Refund(const std::string& order_id) override;
  std::optional<Payment> GetPayment(const std::string& order_id) override;

  const std::vector<std::string>& calls() const { return calls_; }
  const std::vector<ChargeRequest>& charged() const { return charged_; }
  int Count(const std::string& method) const { return CountCalls(calls_, method); }
  int charges() const { return captures_; }

 private:
  std::map<std::string, Payment> payments_;
  std::vector<std::string> calls_;
  std::vector<ChargeRequest> charged_;
  int captures_ = 0;
};

}  // namespace livedrop::orders
