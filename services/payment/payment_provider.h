#pragma once

#include <cstdint>
#include <string>

#include "livedrop/payment/v1/payment.pb.h"

namespace livedrop::payment {

// What a card processor answered, in the platform's vocabulary (an adapter maps the
// processor's own codes to PaymentFailure). A decline is an answer, not an error: `succeeded`
// is false and `failure` says why (UNSPECIFIED when the processor did not say). Failures to reach
// the processor at all are thrown as livedrop::Error (kUnavailable) and leave the payment pending
// for the next attempt.
struct ProviderResult {
  bool succeeded = false;
  v1::PaymentFailure failure = v1::PAYMENT_FAILURE_UNSPECIFIED;

  static ProviderResult Success() { return {true, v1::PAYMENT_FAILURE_UNSPECIFIED}; }
  static ProviderResult Failure(v1::PaymentFailure why) { return {false, why}; }
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
