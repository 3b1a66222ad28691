#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace livedrop::orders {

enum class PaymentState { kPending, kSucceeded, kFailed, kRefunded };

// Why the card was not charged (a payment in kFailed).
enum class DeclineReason {
  kCardDeclined,
  kInsufficientFunds,
  kProviderTimeout,
  kInvalidPaymentToken,
  kOther,  // a reason this build does not know
};

struct ChargeRequest {
  std::string order_id, buyer_id;
  std::int64_t amount = 0;
  std::string currency;
  std::string payment_token;
};

struct Payment {
  std::string order_id;
  PaymentState state = PaymentState::kPending;
  std::optional<DeclineReason> decline;  // set when state is kFailed
};

// What orders asks of livedrop-payment. Every call is idempotent by order id: a repeated
// Charge returns the same payment without charging again. Failures with no answer
// (unavailable, deadline_exceeded) and refusals (a mismatch, a payment that cannot be
// refunded) are thrown as livedrop::Error; a declined card is an answer, not an error.
class PaymentPort {
 public:
  virtual ~PaymentPort() = default;
  virtual Payment Charge(const ChargeRequest& request) = 0;
  virtual Payment Refund(const std::string& order_id) = 0;
  // Nothing when the order has no payment.
  virtual std::optional<Payment> GetPayment(const std::string& order_id) = 0;
};

// The failure code an order keeps for a decline (what the buyer's 402 names as `reason`).
inline const char* DeclineReasonName(DeclineReason reason) {
  switch (reason) {
    case DeclineReason::kCardDeclined:
      return "card_declined";
    case DeclineReason::kInsufficientFunds:
      return "insufficient_funds";
    case DeclineReason::kProviderTimeout:
      return "provider_timeout";
    case DeclineReason::kInvalidPaymentToken:
      return "invalid_payment_token";
    case DeclineReason::kOther:
      break;
  }
  return "payment_failed";
}

}  // namespace livedrop::orders
