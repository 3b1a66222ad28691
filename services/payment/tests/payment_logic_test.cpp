// Payment rules with no I/O: validation, the idempotency-key mismatch and refundability.
#include "payment_logic.h"

#include <gtest/gtest.h>

#include "livedrop/core/ids.h"
#include "livedrop/testing/errors.h"

namespace livedrop::payment {
namespace {

using testing::ErrorCodeOf;

ChargeInput Valid() { return ChargeInput{NewUuid(), NewUuid(), 1999, "EUR", "tok_visa"}; }

std::string FieldOf(const ChargeInput& input) {
  try {
    ValidateCharge(input);
  } catch (const Error& e) {
    const auto it = e.metadata().find("field");
    return e.code() + ":" + (it == e.metadata().end() ? "" : it->second);
  }
  return "none";
}

TEST(PaymentLogicTest, ValidateCharge_AcceptsAWellFormedCharge) {
  EXPECT_EQ(FieldOf(Valid()), "none");
  auto free = Valid();
  free.amount = 0;
  EXPECT_EQ(FieldOf(free), "none");
  auto longest = Valid();
  longest.payment_token = std::string(255, 't');
  EXPECT_EQ(FieldOf(longest), "none");
}

TEST(PaymentLogicTest, ValidateCharge_RejectsEachBadFieldByName) {
  auto order = Valid();
  order.order_id = "order-1";
  EXPECT_EQ(FieldOf(order), "validation_failed:order_id");
  auto buyer = Valid();
  buyer.buyer_id = "";
  EXPECT_EQ(FieldOf(buyer), "validation_failed:buyer_id");
  auto negative = Valid();
  negative.amount = -1;
  EXPECT_EQ(FieldOf(negative), "validation_failed:amount");
  for (const char* currency : {"", "eur", "EU", "EURO", "E1R", "€UR"}) {
    auto c = Valid();
    c.currency = currency;
    EXPECT_EQ(FieldOf(c), "validation_failed:currency") << currency;
  }
  auto empty_token = Valid();
  empty_token.payment_token = "";
  EXPECT_EQ(FieldOf(empty_token), "validation_failed:payment_token");
  auto long_token = Valid();
  long_token.payment_token = std::string(256, 't');
  EXPECT_EQ(FieldOf(long_token), "validation_failed:payment_token");
}

PaymentRow RowFor(const ChargeInput& input, PaymentState state) {
  return PaymentRow{NewUuid(), input.order_id, input.buyer_id, input.amount, input.currency, state};
}

TEST(PaymentLogicTest, CheckSameCharge_RefusesAnotherBuyerAmountOrCurrency) {
  const auto input = Valid();
  const auto row = RowFor(input, PaymentState::kSucceeded);
  EXPECT_EQ(ErrorCodeOf([&] { CheckSameCharge(row, input); }), "none");
  auto other_buyer = input;
  other_buyer.buyer_id = NewUuid();
  EXPECT_EQ(ErrorCodeOf([&] { CheckSameCharge(row, other_buyer); }), "payment_mismatch");
  auto other_amount = input;
  other_amount.amount += 1;
  EXPECT_EQ(ErrorCodeOf([&] { CheckSameCharge(row, other_amount); }), "payment_mismatch");
  auto other_currency = input;
  other_currency.currency = "USD";
  EXPECT_EQ(ErrorCodeOf([&] { CheckSameCharge(row, other_currency); }), "payment_mismatch");
  auto other_token = input;
  other_token.payment_token = "tok_chargeDeclined";
  EXPECT_EQ(ErrorCodeOf([&] { CheckSameCharge(row, other_token); }), "none");
}

TEST(PaymentLogicTest, CheckRefundable_OnlySucceededOrRefunded) {
  const auto input = Valid();
  EXPECT_EQ(ErrorCodeOf([&] { CheckRefundable(RowFor(input, PaymentState::kSucceeded)); }), "none");
  EXPECT_EQ(ErrorCodeOf([&] { CheckRefundable(RowFor(input, PaymentState::kRefunded)); }), "none");
  EXPECT_EQ(ErrorCodeOf([&] { CheckRefundable(RowFor(input, PaymentState::kPending)); }),
            "payment_not_refundable");
  EXPECT_EQ(ErrorCodeOf([&] { CheckRefundable(RowFor(input, PaymentState::kFailed)); }),
            "payment_not_refundable");
}

TEST(PaymentLogicTest, OutcomeState_FollowsTheProvider) {
  EXPECT_EQ(OutcomeState(ProviderResult::Success()), PaymentState::kSucceeded);
  EXPECT_EQ(OutcomeState(ProviderResult::Failure(v1::PAYMENT_FAILURE_CARD_DECLINED)),
            PaymentState::kFailed);
  EXPECT_EQ(OutcomeFailureCode(ProviderResult::Success()), "");
  EXPECT_EQ(OutcomeFailureCode(ProviderResult::Failure(v1::PAYMENT_FAILURE_CARD_DECLINED)),
            "card_declined");
  EXPECT_EQ(OutcomeFailureCode(ProviderResult::Failure(v1::PAYMENT_FAILURE_UNSPECIFIED)),
            "processing_error");
  EXPECT_FALSE(IsFinal(PaymentState::kPending));
  EXPECT_TRUE(IsFinal(PaymentState::kSucceeded));
  EXPECT_TRUE(IsFinal(PaymentState::kFailed));
  EXPECT_TRUE(IsFinal(PaymentState::kRefunded));
}

}  // namespace
}  // namespace livedrop::payment
