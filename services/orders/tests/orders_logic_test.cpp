// The order rules with no I/O: validation, request hashing, the sale window and the answer
// each finished order gives.
#include "orders_logic.h"

#include <gtest/gtest.h>

#include "livedrop/core/ids.h"
#include "livedrop/testing/errors.h"

namespace livedrop::orders {
namespace {

using namespace std::chrono_literals;
using testing::ErrorCodeOf;

PlaceOrderInput Valid() { return PlaceOrderInput{NewUuid(), "key-1", NewUuid(), "tok_visa", 1}; }

TEST(ValidatePlaceOrder, MissingKey_IsIdempotencyKeyMissing) {
  auto in = Valid();
  in.idempotency_key.clear();
  EXPECT_EQ(ErrorCodeOf([&] { ValidatePlaceOrder(in); }), "idempotency_key_missing");
}

TEST(ValidatePlaceOrder, BadFields_AreValidationFailed) {
  auto long_key = Valid();
  long_key.idempotency_key = std::string(256, 'k');
  auto control_key = Valid();
  control_key.idempotency_key = "a\nb";
  auto bad_drop = Valid();
  bad_drop.drop_id = "not-a-uuid";
  auto zero = Valid();
  zero.quantity = 0;
  auto huge = Valid();
  huge.quantity = kMaxQuantity + 1;
  auto no_token = Valid();
  no_token.payment_token.clear();
  for (const auto& in : {long_key, control_key, bad_drop, zero, huge, no_token}) {
    EXPECT_EQ(ErrorCodeOf([&] { ValidatePlaceOrder(in); }), "validation_failed");
  }
  EXPECT_EQ(ErrorCodeOf([] { ValidatePlaceOrder(Valid()); }), "none");
}

TEST(RequestHash, SameBody_SameHash_AnyDifference_OtherHash) {
  const auto a = Valid();
  auto b = a;
  b.idempotency_key = "another key";  // the key is not part of the body
  EXPECT_EQ(RequestHash(a), RequestHash(b));
  auto c = a;
  c.quantity = 2;
  auto d = a;
  d.payment_token = "tok_chargeDeclined";
  auto e = a;
  e.drop_id = NewUuid();
  for (const auto& other : {c, d, e}) EXPECT_NE(RequestHash(a), RequestHash(other));
  EXPECT_EQ(RequestHash(a).size(), 64u);
}

TEST(CheckOnSale, OnlyInsideTheWindowAndNotCancelled) {
  const auto now = Now();
  DropTerms drop{NewUuid(), DropStatus::kLive, now - 1s, now + 1min, 2, 2500, "EUR"};
  EXPECT_EQ(ErrorCodeOf([&] { CheckOnSale(drop, now); }), "none");
  EXPECT_EQ(ErrorCodeOf([&] { CheckOnSale(drop, now - 2s); }), "drop_not_live");
  EXPECT_EQ(ErrorCodeOf([&] { CheckOnSale(drop, now + 2min); }), "drop_not_live");
  drop.status = DropStatus::kScheduled;  // the scheduler flips it a moment after starts_at
  EXPECT_EQ(ErrorCodeOf([&] { CheckOnSale(drop, now); }), "none");
  drop.status = DropStatus::kCancelled;
  EXPECT_EQ(ErrorCodeOf([&] { CheckOnSale(drop, now); }), "drop_not_live");
  drop.status = DropStatus::kEnded;
  EXPECT_EQ(ErrorCodeOf([&] { CheckOnSale(drop, now); }), "drop_not_live");
}

TEST(OutcomeError, EachFinishedOrderAnswersItsOwnCode) {
  OrderRow order;
  order.id = NewUuid();
  order.status = OrderStatus::kConfirmed;
  EXPECT_FALSE(OutcomeError(order).has_value());
  order.status = OrderStatus::kPending;  // answered as it stands, with its id: not an error
  EXPECT_FALSE(OutcomeError(order).has_value());
  order.status = OrderStatus::kCancelled;
  EXPECT_EQ(OutcomeError(order)->code(), "order_cancelled");
  order.status = OrderStatus::kFailed;
  const std::pair<const char*, const char*> cases[] = {
      {"card_declined", "payment_declined"},    {"insufficient_funds", "payment_declined"},
      {"provider_timeout", "payment_declined"}, {"sold_out", "sold_out"},
      {"limit_exceeded", "limit_exceeded"},     {"reservation_expired", "reservation_expired"},
  };
  for (const auto& [failure, code] : cases) {
    order.failure_code = failure;
    const auto e = OutcomeError(order);
    ASSERT_TRUE(e.has_value()) << failure;
    EXPECT_EQ(e->code(), code) << failure;
    EXPECT_EQ(e->metadata().at("order_id"), order.id);
  }
  order.failure_code = "insufficient_funds";
  EXPECT_EQ(OutcomeError(order)->metadata().at("reason"), "insufficient_funds");
}

TEST(StageNames, RoundTrip) {
  for (auto s : {Stage::kPlaced, Stage::kReserved, Stage::kCharging, Stage::kCharged,
                 Stage::kRefunding, Stage::kReleasing, Stage::kDone}) {
    EXPECT_EQ(ParseStage(StageName(s)), s);
  }
  EXPECT_EQ(ErrorCodeOf([] { ParseStage("bogus"); }), "corrupt_row");
}

}  // namespace
}  // namespace livedrop::orders
