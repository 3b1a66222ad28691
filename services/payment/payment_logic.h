#pragma once

#include <cstdint>
#include <string>

#include "livedrop/core/time.h"
#include "payment_provider.h"

// The payment rows and the rules about them, with no I/O.
namespace livedrop::payment {

enum class PaymentState { kPending, kSucceeded, kFailed, kRefunded };
// The strings stored in payments.state: "pending", "succeeded", "failed", "refunded".
const char* StateName(PaymentState state);

struct PaymentRow {
  std::string id, order_id, buyer_id;
  std::int64_t amount = 0;
  std::string currency;
  PaymentState state = PaymentState::kPending;
  std::string failure_code;  // empty unless failed
  TimePoint created_at, updated_at;
};

struct ChargeInput {
  std::string order_id, buyer_id;
  std::int64_t amount = 0;
  std::string currency, payment_token;
};

// Throws validation_failed (livedrop::Error kInvalidArgument) naming the first bad field: ids
// must be UUIDs, amount >= 0, currency three upper-case letters (ISO 4217 shaped), the token
// non-empty and at most 255 characters.
void ValidateCharge(const ChargeInput& input);

// True for succeeded, failed and refunded: the provider is never asked about it again.
bool IsFinal(PaymentState state);

// Throws payment_mismatch (kFailedPrecondition) when a charge for an order that already has a
// payment names another buyer, amount or currency: the order id is an idempotency key, and
// reusing it for a different charge is a caller's bug, never a second charge.
void CheckSameCharge(const PaymentRow& existing, const ChargeInput& input);

// The state a pending payment moves to on the provider's answer, and the failure code it
// records ("processing_error" when a provider declines without saying why: a failed payment
// always carries a code).
PaymentState OutcomeState(const ProviderResult& result);
std::string OutcomeFailureCode(const ProviderResult& result);

// Throws payment_not_refundable (kFailedPrecondition) unless the payment succeeded or was
// already refunded.
void CheckRefundable(const PaymentRow& payment);

}  // namespace livedrop::payment
