#pragma once

#include <cstdint>
#include <string>

#include "livedrop/core/reply.h"
#include "livedrop/payment/v1/payment.pb.h"

namespace livedrop::payment {

// What a card processor answered, in the platform's vocabulary (an adapter maps the
// processor's own codes to PaymentFailure). A decline is an answer, not an error: `succeeded`
// is false and `failure` says why (UNSPECIFIED when the processor did not say). Failing to reach
// the processor at all is a failed reply (a livedrop::Error of kind kUnavailable), and leaves the
// payment pending for the next attempt.
struct ProviderResult {
  bool succeeded = false;
  v1::PaymentFailure failure = v1::PAYMENT_FAILURE_UNSPECIFIED;

  static ProviderResult Success() { return {true, v1::PAYMENT_FAILURE_UNSPECIFIED}; }
  static ProviderResult Failure(v1::PaymentFailure why) { return {false, why}; }
};

// A card processor, called with an idempotency key the way real processors are: the payment
// service stores the key with the pending payment before it asks (the payment's id), and a
// second Charge with that key returns the first answer and never captures again — whichever
// instance asks, before or after a restart. A second Refund never refunds again. Thread-safe.
//
// Asynchronous, because the processor is another party: a call returns at once, without
// waiting for the processor (it neither blocks nor throws), and the answer comes to `then`,
// called once, from whichever thread has it. No thread is held while the processor thinks.
class PaymentProvider {
 public:
  virtual ~PaymentProvider() = default;

  virtual void Charge(const std::string& idempotency_key, std::int64_t amount,
                      const std::string& currency, const std::string& token,
                      Then<ProviderResult> then) = 0;
  // Refunds in full what the charge with this key captured.
  virtual void Refund(const std::string& idempotency_key, Then<ProviderResult> then) = 0;
};

}  // namespace livedrop::payment
