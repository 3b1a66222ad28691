#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "clients/fake_script.h"
#include "clients/payment_port.h"

namespace livedrop::orders {

// livedrop-payment for tests: Charge answers from its script (by default: succeeded) and,
// like the real service, remembers the payment of each order, so a repeated Charge returns
// the first answer without charging again; `charges()` counts real captures. Refund answers
// from its script (by default: refunded). Answers come at once, on the calling thread —
// unless `hold_charges` is set: then each Charge's answer waits until AnswerHeldCharges(), as
// a slow processor's would. Every call is recorded as "<Method> <order id>". Not
// thread-safe: drive one order at a time, or from one thread.
class FakePayment final : public PaymentPort {
 public:
  FakeScript<PaymentState> charge{PaymentState::kSucceeded};
  FakeScript<PaymentState> refund{PaymentState::kRefunded};
  // The reason a scripted kFailed charge gives.
  DeclineReason decline = DeclineReason::kCardDeclined;

  bool hold_charges = false;

  void Charge(const ChargeRequest& request, Then<Payment> then) override;
  void Refund(const std::string& order_id, Then<Payment> then) override;
  // Answers every held Charge (each with what its script says now); returns how many.
  int AnswerHeldCharges();
  int held_charges() const { return static_cast<int>(held_.size()); }

  const std::vector<std::string>& calls() const { return calls_; }
  const std::vector<ChargeRequest>& charged() const { return charged_; }
  int Count(const std::string& method) const { return CountCalls(calls_, method); }
  int charges() const { return captures_; }

 private:
  Payment DoCharge(const ChargeRequest& request);

  std::vector<std::pair<ChargeRequest, Then<Payment>>> held_;
  std::map<std::string, Payment> payments_;
  std::vector<std::string> calls_;
  std::vector<ChargeRequest> charged_;
  int captures_ = 0;
};

}  // namespace livedrop::orders
