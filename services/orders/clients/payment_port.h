#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "livedrop/core/reply.h"

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
// Charge returns the same payment without charging again. Calls are asynchronous: each
// returns at once and delivers its reply to `then` (see livedrop/core/reply.h), so no thread
// waits while the processor does. Failures with no answer (unavailable, deadline_exceeded)
// and refusals (a mismatch, a payment that cannot be refunded) are a failed reply carrying
// livedrop::Error; a declined card is an answer, not an error.
class PaymentPort {
 public:
  virtual ~PaymentPort() = default;
  virtual void Charge(const ChargeRequest& request, Then<Payment> then) = 0;
  virtual void Refund(const std::string& order_id, Then<Payment> then) = 0;
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
