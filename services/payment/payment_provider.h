#pragma once

#include <cstdint>
#include <string>

namespace livedrop::payment {

// What a card processor answered. A decline is an answer, not an error: `succeeded` is false
// and `failure_code` says why ("card_declined", "insufficient_funds", "provider_timeout",
// "invalid_payment_token"). Failures to reach the processor at all are thrown as
// livedrop::Error (kUnavailable) and leave the payment pending for the next attempt.
struct ProviderResult {
  bool succeeded = false;
  std::string failure_code;

  static ProviderResult Success() { return {true, ""}; }
  static ProviderResult Failure(std::string code) { return {false, std::move(code)}; }
};

// A card processor. Implementations must be idempotent by order id, the way real processors
// honour an idempotency key: a second Charge for an order returns the first answer and never
// captures again, and a second Refund never refunds again. The payment service relies on this
// to finish a charge that a crash or a concurrent call left pending. Thread-safe.
class PaymentProvider {
 public:
  virtual ~PaymentProvider() = default;

  virtual ProviderResult Charge(const std::string& order_id, std::int64_t amount,
                                const std::string& currency, const std::string& token) = 0;
  // Refunds the order's captured charge in full.
  virtual ProviderResult Refund(const std::string& order_id) = 0;
};

}  // namespace livedrop::payment
