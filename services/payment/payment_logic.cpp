#include "payment_logic.h"

#include "livedrop/core/error.h"
#include "livedrop/core/ids.h"
#include "livedrop/grpc/reason.h"

namespace livedrop::payment {
namespace {

constexpr std::size_t kMaxTokenLength = 255;

bool IsCurrencyCode(const std::string& s) {
  if (s.size() != 3) return false;
  for (const char c : s) {
    if (c < 'A' || c > 'Z') return false;
  }
  return true;
}

}  // namespace

const char* StateName(PaymentState state) {
  switch (state) {
    case PaymentState::kPending:
      return "pending";
    case PaymentState::kSucceeded:
      return "succeeded";
    case PaymentState::kFailed:
      return "failed";
    case PaymentState::kRefunded:
      return "refunded";
  }
  return "pending";
}

void ValidateCharge(const ChargeInput& input) {
  RequireUuid("order_id", input.order_id);
  RequireUuid("buyer_id", input.buyer_id);
  if (input.amount < 0) throw ValidationError("amount", "amount must not be negative");
  if (!IsCurrencyCode(input.currency)) {
    throw ValidationError("currency", "currency must be an ISO 4217 code such as EUR");
  }
  if (input.payment_token.empty() || input.payment_token.size() > kMaxTokenLength) {
    throw ValidationError("payment_token", "payment_token must be 1 to 255 characters");
  }
}

bool IsFinal(PaymentState state) { return state != PaymentState::kPending; }

void CheckSameCharge(const PaymentRow& existing, const ChargeInput& input) {
  std::string field;
  if (existing.buyer_id != input.buyer_id) {
    field = "buyer_id";
  } else if (existing.amount != input.amount) {
    field = "amount";
  } else if (existing.currency != input.currency) {
    field = "currency";
  } else {
    return;
  }
  throw Error(ErrorKind::kFailedPrecondition, "payment_mismatch",
              "order " + existing.order_id + " was already charged with another " + field,
              {{"field", field}});
}

PaymentState OutcomeState(const ProviderResult& result) {
  return result.succeeded ? PaymentState::kSucceeded : PaymentState::kFailed;
}

std::string OutcomeFailureCode(const ProviderResult& result) {
  if (result.succeeded) return "";
  return rpc::EnumCode(result.failure == v1::PAYMENT_FAILURE_UNSPECIFIED
                           ? v1::PAYMENT_FAILURE_PROCESSING_ERROR
                           : result.failure);
}

void CheckRefundable(const PaymentRow& payment) {
  if (payment.state == PaymentState::kSucceeded || payment.state == PaymentState::kRefunded) {
    return;
  }
  throw Error(ErrorKind::kFailedPrecondition, "payment_not_refundable",
              std::string("a ") + StateName(payment.state) + " payment cannot be refunded",
              {{"state", StateName(payment.state)}});
}

}  // namespace livedrop::payment
