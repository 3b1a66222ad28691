// PaymentApp's charge and refund decisions on an in-memory repository and an in-memory test
// processor (MemoryProcessor: the test tokens, idempotent by key): no PostgreSQL, no processes.
// What the database adds (ON CONFLICT, the conditional UPDATEs, the outbox) is pinned by
// payment_test.cpp against a real PostgreSQL.
#include "payment_app.h"

#include <gtest/gtest.h>

#include <chrono>

#include "fake_payments_repository.h"
#include "livedrop/core/error.h"
#include "livedrop/core/ids.h"
#include "livedrop/metrics/registry.h"
#include "livedrop/testing/errors.h"
#include "memory_processor.h"

namespace livedrop::payment {
namespace {

using namespace std::chrono_literals;
using testing::ErrorCodeOf;
using Event = FakePaymentsRepository::Event;

// The processor, with calls counted and scripted failures in front of it: the first
// `unreachable` charges throw as a processor that cannot be reached, refunds answer
// `refund_refusal` when set, and `decline_without_code` declines every charge saying nothing.
class ScriptedProvider final : public PaymentProvider {
 public:
  explicit ScriptedProvider(PaymentProvider& next) : next_(next) {}

  ProviderResult Charge(const std::string& order_id, std::int64_t amount,
                        const std::string& currency, const std::string& token) override {
    ++charges;
    if (unreachable > 0) {
      --unreachable;
      throw Error(ErrorKind::kUnavailable, "provider_unavailable", "processor unreachable");
    }
    if (decline_without_code) return ProviderResult::Failure(v1::PAYMENT_FAILURE_UNSPECIFIED);
    return next_.Charge(order_id, amount, currency, token);
  }
  ProviderResult Refund(const std::string& order_id) override {
    ++refunds;
    if (refund_refusal != v1::PAYMENT_FAILURE_UNSPECIFIED) {
      return ProviderResult::Failure(refund_refusal);
    }
    return next_.Refund(order_id);
  }

  int charges = 0, refunds = 0;
  int unreachable = 0;
  bool decline_without_code = false;
  v1::PaymentFailure refund_refusal = v1::PAYMENT_FAILURE_UNSPECIFIED;

 private:
  PaymentProvider& next_;
};

double TransitionsMetric(const char* state) {
  return metrics::Registry::Default()
      .GetCounter("livedrop_payment_transitions_total", "", {{"state", state}})
      .Value();
}

class PaymentAppTest : public ::testing::Test {
 protected:
  ChargeInput Input(const std::string& token = "tok_visa") {
    return ChargeInput{NewUuid(), NewUuid(), 2500, "EUR", token};
  }
  PaymentRow PendingRow(const ChargeInput& in) {
    return PaymentRow{NewUuid(), in.order_id, in.buyer_id,
                      in.amount, in.currency, PaymentState::kPending};
  }

  MemoryProcessor test_provider_{20ms};
  ScriptedProvider provider_{test_provider_};
  FakePaymentsRepository payments_;
  PaymentApp app_{payments_, provider_};
};

TEST_F(PaymentAppTest, Charge_Visa_SucceedsWithOneCaptureAndOneEvent) {
  const auto in = Input();
  const double before = TransitionsMetric("succeeded");
  const auto p = app_.Charge(in);
  EXPECT_EQ(p.state, PaymentState::kSucceeded);
  EXPECT_EQ(p.failure_code, "");
  EXPECT_EQ(p.order_id, in.order_id);
  EXPECT_EQ(p.buyer_id, in.buyer_id);
  EXPECT_EQ(p.amount, 2500);
  EXPECT_TRUE(IsUuid(p.id));
  EXPECT_EQ(test_provider_.captures(), 1);
  EXPECT_EQ(payments_.events(), (std::vector<Event>{{in.order_id, PaymentState::kSucceeded}}));
  EXPECT_EQ(TransitionsMetric("succeeded") - before, 1);
}

TEST_F(PaymentAppTest, Charge_SameOrderTwice_ReplaysTheFirstPaymentWithoutAskingAgain) {
  const auto in = Input();
  const auto first = app_.Charge(in);
  const auto second = app_.Charge(in);
  EXPECT_EQ(second.id, first.id);
  EXPECT_EQ(second.state, PaymentState::kSucceeded);
  EXPECT_EQ(provider_.charges, 1);
  EXPECT_EQ(test_provider_.captures(), 1);
  EXPECT_EQ(payments_.inserts(), 1);
  EXPECT_EQ(payments_.events().size(), 1u);
}

TEST_F(PaymentAppTest, Charge_DeclinedCard_IsAFailedPaymentWithItsCodeNotAnError) {
  for (const auto& [token, code] : std::vector<std::pair<std::string, std::string>>{
           {"tok_chargeDeclined", "card_declined"},
           {"tok_chargeDeclinedInsufficientFunds", "insufficient_funds"},
           {"tok_nonsense", "invalid_payment_token"}}) {
    const auto in = Input(token);
    const auto p = app_.Charge(in);
    EXPECT_EQ(p.state, PaymentState::kFailed) << token;
    EXPECT_EQ(p.failure_code, code) << token;
    EXPECT_EQ(payments_.events().back(), (Event{in.order_id, PaymentState::kFailed})) << token;
  }
  EXPECT_EQ(payments_.events().size(), 3u);
  EXPECT_EQ(test_provider_.captures(), 0);
}

TEST_F(PaymentAppTest, Charge_DeclineWithoutACode_FailsProcessingError) {
  provider_.decline_without_code = true;
  const auto p = app_.Charge(Input());
  EXPECT_EQ(p.state, PaymentState::kFailed);
  EXPECT_EQ(p.failure_code, "processing_error");
}

TEST_F(PaymentAppTest, Charge_AfterDecline_ReturnsTheFailedPaymentEvenWithAGoodToken) {
  auto in = Input("tok_chargeDeclined");
  app_.Charge(in);
  in.payment_token = "tok_visa";
  const auto retry = app_.Charge(in);
  EXPECT_EQ(retry.state, PaymentState::kFailed);
  EXPECT_EQ(retry.failure_code, "card_declined");
  EXPECT_EQ(provider_.charges, 1);
  EXPECT_EQ(test_provider_.captures(), 0);
  EXPECT_EQ(payments_.events().size(), 1u);
}

TEST_F(PaymentAppTest, Charge_TimeoutToken_FailsProviderTimeoutAfterTheTimeout) {
  const auto started = std::chrono::steady_clock::now();
  const auto p = app_.Charge(Input("tok_timeout"));
  EXPECT_GE(std::chrono::steady_clock::now() - started, 20ms);
  EXPECT_EQ(p.state, PaymentState::kFailed);
  EXPECT_EQ(p.failure_code, "provider_timeout");
}

TEST_F(PaymentAppTest, Charge_ProviderUnreachable_StaysPendingAndTheRetryCompletesIt) {
  provider_.unreachable = 1;
  const auto in = Input();
  EXPECT_EQ(ErrorCodeOf([&] { app_.Charge(in); }), "provider_unavailable");
  EXPECT_EQ(app_.GetPayment(in.order_id).state, PaymentState::kPending);
  EXPECT_TRUE(payments_.events().empty());
  EXPECT_EQ(app_.Charge(in).state, PaymentState::kSucceeded);
  EXPECT_EQ(provider_.charges, 2);
  EXPECT_EQ(test_provider_.captures(), 1);
  EXPECT_EQ(payments_.inserts(), 1);
  EXPECT_EQ(payments_.events(), (std::vector<Event>{{in.order_id, PaymentState::kSucceeded}}));
}

TEST_F(PaymentAppTest, Charge_PendingLeftByACrash_IsCompletedWithoutASecondCapture) {
  const auto in = Input();
  const auto pending = PendingRow(in);
  payments_.Put(pending);
  // The processor is asked with the pending payment's id, its idempotency key.
  ASSERT_TRUE(test_provider_.Charge(pending.id, in.amount, in.currency, "tok_visa").succeeded);
  const auto p = app_.Charge(in);
  EXPECT_EQ(p.state, PaymentState::kSucceeded);
  EXPECT_EQ(test_provider_.captures(), 1);
  EXPECT_EQ(payments_.inserts(), 0);
  EXPECT_EQ(payments_.events(), (std::vector<Event>{{in.order_id, PaymentState::kSucceeded}}));
}

TEST_F(PaymentAppTest, Charge_AnotherCallFinishesFirst_ReturnsItsPaymentAndEmitsNothing) {
  const auto in = Input();
  payments_.BeforeNextTransition([&] { payments_.MarkSucceeded(in.order_id); });
  const double before = TransitionsMetric("succeeded");
  const auto p = app_.Charge(in);
  EXPECT_EQ(p.state, PaymentState::kSucceeded);
  // Only the winner's transition wrote an event, and this call, which lost, counted none.
  EXPECT_EQ(payments_.events().size(), 1u);
  EXPECT_EQ(TransitionsMetric("succeeded") - before, 0);
}

TEST_F(PaymentAppTest, Charge_SameOrderOtherBuyerAmountOrCurrency_IsAMismatch) {
  const auto in = Input();
  app_.Charge(in);
  auto other_amount = in;
  other_amount.amount = 1;
  auto other_buyer = in;
  other_buyer.buyer_id = NewUuid();
  auto other_currency = in;
  other_currency.currency = "USD";
  EXPECT_EQ(ErrorCodeOf([&] { app_.Charge(other_amount); }), "payment_mismatch");
  EXPECT_EQ(ErrorCodeOf([&] { app_.Charge(other_buyer); }), "payment_mismatch");
  EXPECT_EQ(ErrorCodeOf([&] { app_.Charge(other_currency); }), "payment_mismatch");
  EXPECT_EQ(app_.GetPayment(in.order_id).amount, 2500);
  EXPECT_EQ(provider_.charges, 1);
}

TEST_F(PaymentAppTest, Charge_PendingMismatch_NeverReachesTheProvider) {
  const auto in = Input();
  payments_.Put(PendingRow(in));
  auto other = in;
  other.amount = 1;
  EXPECT_EQ(ErrorCodeOf([&] { app_.Charge(other); }), "payment_mismatch");
  EXPECT_EQ(provider_.charges, 0);
  EXPECT_EQ(app_.GetPayment(in.order_id).state, PaymentState::kPending);
}

TEST_F(PaymentAppTest, Charge_BadInput_IsValidationFailedAndRecordsNothing) {
  auto in = Input();
  in.currency = "eur";
  EXPECT_EQ(ErrorCodeOf([&] { app_.Charge(in); }), "validation_failed");
  EXPECT_EQ(payments_.inserts(), 0);
  EXPECT_EQ(provider_.charges, 0);
}

TEST_F(PaymentAppTest, Refund_SucceededPayment_RefundsOnceAndRepeatsAnswerRefunded) {
  const auto in = Input();
  app_.Charge(in);
  const double before = TransitionsMetric("refunded");
  const auto first = app_.Refund(in.order_id);
  const auto second = app_.Refund(in.order_id);
  EXPECT_EQ(first.state, PaymentState::kRefunded);
  EXPECT_EQ(second.state, PaymentState::kRefunded);
  EXPECT_EQ(second.id, first.id);
  EXPECT_EQ(provider_.refunds, 1);
  EXPECT_EQ(test_provider_.refunds(), 1);
  EXPECT_EQ(payments_.events().back(), (Event{in.order_id, PaymentState::kRefunded}));
  EXPECT_EQ(payments_.events().size(), 2u);
  EXPECT_EQ(TransitionsMetric("refunded") - before, 1);
}

TEST_F(PaymentAppTest, Charge_AfterRefund_ReturnsTheRefundedPaymentWithoutCharging) {
  const auto in = Input();
  app_.Charge(in);
  app_.Refund(in.order_id);
  EXPECT_EQ(app_.Charge(in).state, PaymentState::kRefunded);
  EXPECT_EQ(provider_.charges, 1);
  EXPECT_EQ(test_provider_.captures(), 1);
}

TEST_F(PaymentAppTest, Refund_FailedOrPendingPayment_IsNotRefundable) {
  const auto declined = Input("tok_chargeDeclined");
  app_.Charge(declined);
  EXPECT_EQ(ErrorCodeOf([&] { app_.Refund(declined.order_id); }), "payment_not_refundable");
  const auto pending = Input();
  payments_.Put(PendingRow(pending));
  EXPECT_EQ(ErrorCodeOf([&] { app_.Refund(pending.order_id); }), "payment_not_refundable");
  EXPECT_EQ(provider_.refunds, 0);
  EXPECT_EQ(app_.GetPayment(pending.order_id).state, PaymentState::kPending);
  EXPECT_EQ(payments_.events().size(), 1u);  // the decline's only
}

TEST_F(PaymentAppTest, Refund_ProviderRefuses_IsRefundFailedAndStaysSucceeded) {
  const auto in = Input();
  app_.Charge(in);
  provider_.refund_refusal = v1::PAYMENT_FAILURE_CHARGE_NOT_CAPTURED;
  try {
    app_.Refund(in.order_id);
    ADD_FAILURE() << "the refused refund returned";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "refund_failed");
    EXPECT_EQ(e.kind(), ErrorKind::kFailedPrecondition);
    EXPECT_EQ(e.metadata().at("failure_code"), "charge_not_captured");
  }
  EXPECT_EQ(app_.GetPayment(in.order_id).state, PaymentState::kSucceeded);
  EXPECT_EQ(payments_.events().size(), 1u);
}

TEST_F(PaymentAppTest, RefundAndGet_UnknownOrBadOrder_IsNotFoundOrValidationFailed) {
  EXPECT_EQ(ErrorCodeOf([&] { app_.Refund(NewUuid()); }), "not_found");
  EXPECT_EQ(ErrorCodeOf([&] { app_.GetPayment(NewUuid()); }), "not_found");
  EXPECT_EQ(ErrorCodeOf([&] { app_.GetPayment("not-a-uuid"); }), "not_found");
  EXPECT_EQ(ErrorCodeOf([&] { app_.Refund("not-a-uuid"); }), "validation_failed");
  EXPECT_EQ(provider_.refunds, 0);
}

}  // namespace
}  // namespace livedrop::payment
