// PaymentApp's charge and refund decisions on an in-memory repository and an in-memory test
// processor (MemoryProcessor: the test tokens, idempotent by key): no PostgreSQL, no processes.
// What the database adds (ON CONFLICT, the conditional UPDATEs, the outbox) is pinned by
// payment_test.cpp against a real PostgreSQL.
#include "payment_app.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <vector>

#include "fake_payments_repository.h"
#include "livedrop/core/error.h"
#include "livedrop/core/ids.h"
#include "livedrop/core/reply.h"
#include "livedrop/metrics/registry.h"
#include "livedrop/testing/errors.h"
#include "livedrop/testing/eventually.h"
#include "memory_processor.h"

namespace livedrop::payment {
namespace {

using namespace std::chrono_literals;
using testing::ErrorCodeOf;
using Event = FakePaymentsRepository::Event;

// The processor, with calls counted and scripted failures in front of it: the first
// `unreachable` charges fail as a processor that cannot be reached, refunds answer
// `refund_refusal` when set, and `decline_without_code` declines every charge saying nothing.
// The knobs are set by the test before the calls it scripts; the calls run on the app's threads.
class ScriptedProvider final : public PaymentProvider {
 public:
  explicit ScriptedProvider(PaymentProvider& next) : next_(next) {}

  void Charge(const std::string& order_id, std::int64_t amount, const std::string& currency,
              const std::string& token, Then<ProviderResult> then) override {
    ++charges;
    if (unreachable > 0) {
      --unreachable;
      return then(Reply<ProviderResult>::Failed(std::make_exception_ptr(
          Error(ErrorKind::kUnavailable, "provider_unavailable", "processor unreachable"))));
    }
    if (decline_without_code) {
      return then(
          Reply<ProviderResult>::Of(ProviderResult::Failure(v1::PAYMENT_FAILURE_UNSPECIFIED)));
    }
    next_.Charge(order_id, amount, currency, token, std::move(then));
  }
  void Refund(const std::string& order_id, Then<ProviderResult> then) override {
    ++refunds;
    if (refund_refusal != v1::PAYMENT_FAILURE_UNSPECIFIED) {
      return then(Reply<ProviderResult>::Of(ProviderResult::Failure(refund_refusal)));
    }
    next_.Refund(order_id, std::move(then));
  }

  std::atomic<int> charges = 0, refunds = 0;
  std::atomic<int> unreachable = 0;
  std::atomic<bool> decline_without_code = false;
  std::atomic<v1::PaymentFailure> refund_refusal = v1::PAYMENT_FAILURE_UNSPECIFIED;

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

  // The app's asynchronous calls, waited for.
  PaymentRow Charge(const ChargeInput& in) {
    return Await<PaymentRow>([&](Then<PaymentRow> then) { app_.Charge(in, std::move(then)); });
  }
  PaymentRow Refund(const std::string& order_id) {
    return Await<PaymentRow>(
        [&](Then<PaymentRow> then) { app_.Refund(order_id, std::move(then)); });
  }

  MemoryProcessor test_provider_;
  ScriptedProvider provider_{test_provider_};
  FakePaymentsRepository payments_;
  PaymentApp app_{payments_, provider_};
};

TEST_F(PaymentAppTest, Charge_Visa_SucceedsWithOneCaptureAndOneEvent) {
  const auto in = Input();
  const double before = TransitionsMetric("succeeded");
  const auto p = Charge(in);
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
  const auto first = Charge(in);
  const auto second = Charge(in);
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
    const auto p = Charge(in);
    EXPECT_EQ(p.state, PaymentState::kFailed) << token;
    EXPECT_EQ(p.failure_code, code) << token;
    EXPECT_EQ(payments_.events().back(), (Event{in.order_id, PaymentState::kFailed})) << token;
  }
  EXPECT_EQ(payments_.events().size(), 3u);
  EXPECT_EQ(test_provider_.captures(), 0);
}

TEST_F(PaymentAppTest, Charge_DeclineWithoutACode_FailsProcessingError) {
  provider_.decline_without_code = true;
  const auto p = Charge(Input());
  EXPECT_EQ(p.state, PaymentState::kFailed);
  EXPECT_EQ(p.failure_code, "processing_error");
}

TEST_F(PaymentAppTest, Charge_AfterDecline_ReturnsTheFailedPaymentEvenWithAGoodToken) {
  auto in = Input("tok_chargeDeclined");
  Charge(in);
  in.payment_token = "tok_visa";
  const auto retry = Charge(in);
  EXPECT_EQ(retry.state, PaymentState::kFailed);
  EXPECT_EQ(retry.failure_code, "card_declined");
  EXPECT_EQ(provider_.charges, 1);
  EXPECT_EQ(test_provider_.captures(), 0);
  EXPECT_EQ(payments_.events().size(), 1u);
}

TEST_F(PaymentAppTest, Charge_TimeoutToken_FailsProviderTimeout) {
  const auto p = Charge(Input("tok_timeout"));
  EXPECT_EQ(p.state, PaymentState::kFailed);
  EXPECT_EQ(p.failure_code, "provider_timeout");
}

TEST_F(PaymentAppTest, Charge_ProviderUnreachable_StaysPendingAndTheRetryCompletesIt) {
  provider_.unreachable = 1;
  const auto in = Input();
  EXPECT_EQ(ErrorCodeOf([&] { Charge(in); }), "provider_unavailable");
  EXPECT_EQ(app_.GetPayment(in.order_id).state, PaymentState::kPending);
  EXPECT_TRUE(payments_.events().empty());
  EXPECT_EQ(Charge(in).state, PaymentState::kSucceeded);
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
  ASSERT_TRUE(Await<ProviderResult>([&](Then<ProviderResult> then) {
                test_provider_.Charge(pending.id, in.amount, in.currency, "tok_visa",
                                      std::move(then));
              }).succeeded);
  const auto p = Charge(in);
  EXPECT_EQ(p.state, PaymentState::kSucceeded);
  EXPECT_EQ(test_provider_.captures(), 1);
  EXPECT_EQ(payments_.inserts(), 0);
  EXPECT_EQ(payments_.events(), (std::vector<Event>{{in.order_id, PaymentState::kSucceeded}}));
}

TEST_F(PaymentAppTest, Charge_AnotherCallFinishesFirst_ReturnsItsPaymentAndEmitsNothing) {
  const auto in = Input();
  payments_.BeforeNextTransition([&] { payments_.MarkSucceeded(in.order_id); });
  const double before = TransitionsMetric("succeeded");
  const auto p = Charge(in);
  EXPECT_EQ(p.state, PaymentState::kSucceeded);
  // Only the winner's transition wrote an event, and this call, which lost, counted none.
  EXPECT_EQ(payments_.events().size(), 1u);
  EXPECT_EQ(TransitionsMetric("succeeded") - before, 0);
}

TEST_F(PaymentAppTest, Charge_SameOrderOtherBuyerAmountOrCurrency_IsAMismatch) {
  const auto in = Input();
  Charge(in);
  auto other_amount = in;
  other_amount.amount = 1;
  auto other_buyer = in;
  other_buyer.buyer_id = NewUuid();
  auto other_currency = in;
  other_currency.currency = "USD";
  EXPECT_EQ(ErrorCodeOf([&] { Charge(other_amount); }), "payment_mismatch");
  EXPECT_EQ(ErrorCodeOf([&] { Charge(other_buyer); }), "payment_mismatch");
  EXPECT_EQ(ErrorCodeOf([&] { Charge(other_currency); }), "payment_mismatch");
  EXPECT_EQ(app_.GetPayment(in.order_id).amount, 2500);
  EXPECT_EQ(provider_.charges, 1);
}

TEST_F(PaymentAppTest, Charge_PendingMismatch_NeverReachesTheProvider) {
  const auto in = Input();
  payments_.Put(PendingRow(in));
  auto other = in;
  other.amount = 1;
  EXPECT_EQ(ErrorCodeOf([&] { Charge(other); }), "payment_mismatch");
  EXPECT_EQ(provider_.charges, 0);
  EXPECT_EQ(app_.GetPayment(in.order_id).state, PaymentState::kPending);
}

TEST_F(PaymentAppTest, Charge_BadInput_IsValidationFailedAndRecordsNothing) {
  auto in = Input();
  in.currency = "eur";
  EXPECT_EQ(ErrorCodeOf([&] { Charge(in); }), "validation_failed");
  EXPECT_EQ(payments_.inserts(), 0);
  EXPECT_EQ(provider_.charges, 0);
}

TEST_F(PaymentAppTest, Refund_SucceededPayment_RefundsOnceAndRepeatsAnswerRefunded) {
  const auto in = Input();
  Charge(in);
  const double before = TransitionsMetric("refunded");
  const auto first = Refund(in.order_id);
  const auto second = Refund(in.order_id);
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
  Charge(in);
  Refund(in.order_id);
  EXPECT_EQ(Charge(in).state, PaymentState::kRefunded);
  EXPECT_EQ(provider_.charges, 1);
  EXPECT_EQ(test_provider_.captures(), 1);
}

TEST_F(PaymentAppTest, Refund_FailedOrPendingPayment_IsNotRefundable) {
  const auto declined = Input("tok_chargeDeclined");
  Charge(declined);
  EXPECT_EQ(ErrorCodeOf([&] { Refund(declined.order_id); }), "payment_not_refundable");
  const auto pending = Input();
  payments_.Put(PendingRow(pending));
  EXPECT_EQ(ErrorCodeOf([&] { Refund(pending.order_id); }), "payment_not_refundable");
  EXPECT_EQ(provider_.refunds, 0);
  EXPECT_EQ(app_.GetPayment(pending.order_id).state, PaymentState::kPending);
  EXPECT_EQ(payments_.events().size(), 1u);  // the decline's only
}

TEST_F(PaymentAppTest, Refund_ProviderRefuses_IsRefundFailedAndStaysSucceeded) {
  const auto in = Input();
  Charge(in);
  provider_.refund_refusal = v1::PAYMENT_FAILURE_CHARGE_NOT_CAPTURED;
  try {
    Refund(in.order_id);
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
  EXPECT_EQ(ErrorCodeOf([&] { Refund(NewUuid()); }), "not_found");
  EXPECT_EQ(ErrorCodeOf([&] { app_.GetPayment(NewUuid()); }), "not_found");
  EXPECT_EQ(ErrorCodeOf([&] { app_.GetPayment("not-a-uuid"); }), "not_found");
  EXPECT_EQ(ErrorCodeOf([&] { Refund("not-a-uuid"); }), "validation_failed");
  EXPECT_EQ(provider_.refunds, 0);
}

// A processor that answers only when told to: it keeps each charge's reply, and counts how many
// it held at once.
class HeldProcessor final : public PaymentProvider {
 public:
  void Charge(const std::string&, std::int64_t, const std::string&, const std::string&,
              Then<ProviderResult> then) override {
    std::lock_guard lock(mutex_);
    held_.push_back(std::move(then));
    most_held_ = std::max(most_held_, held_.size());
  }
  void Refund(const std::string&, Then<ProviderResult> then) override {
    then(Reply<ProviderResult>::Of(ProviderResult::Success()));
  }
  std::size_t held() const {
    std::lock_guard lock(mutex_);
    return held_.size();
  }
  std::size_t most_held() const {
    std::lock_guard lock(mutex_);
    return most_held_;
  }
  void AnswerAll(const ProviderResult& answer) {
    std::vector<Then<ProviderResult>> held;
    {
      std::lock_guard lock(mutex_);
      held.swap(held_);
    }
    for (auto& then : held) then(Reply<ProviderResult>::Of(answer));
  }

 private:
  mutable std::mutex mutex_;
  std::vector<Then<ProviderResult>> held_;
  std::size_t most_held_ = 0;
};

// Issue 12: no thread is held while the processor thinks. With ONE thread, an app that waited
// for each answer would have one charge at the processor at a time; this one has all eight
// there at once, and finishes them all when the answers come.
TEST(PaymentAppThreadsTest, Charge_OneThread_HasEveryChargeAtTheProcessorAtOnce) {
  FakePaymentsRepository payments;
  HeldProcessor processor;
  PaymentApp app(payments, processor, /*threads=*/1);
  constexpr int kCharges = 8;
  std::atomic<int> answered = 0, succeeded = 0;
  for (int i = 0; i < kCharges; ++i) {
    app.Charge(ChargeInput{NewUuid(), NewUuid(), 2500, "EUR", "tok_visa"},
               [&](Reply<PaymentRow> reply) {
                 if (reply.ok() && std::move(reply).Get().state == PaymentState::kSucceeded) {
                   ++succeeded;
                 }
                 ++answered;
               });
  }
  const bool all_asked = testing::Eventually(
      [&] { return processor.held() == static_cast<std::size_t>(kCharges); }, 5s);
  const int answered_before = answered.load();
  processor.AnswerAll(ProviderResult::Success());  // even on failure: the app waits for them
  EXPECT_TRUE(all_asked) << "at most " << processor.most_held()
                         << " charges were at the processor at once";
  EXPECT_EQ(processor.most_held(), static_cast<std::size_t>(kCharges));
  EXPECT_EQ(answered_before, 0);
  ASSERT_TRUE(testing::Eventually([&] { return answered == kCharges; }, 5s));
  EXPECT_EQ(succeeded.load(), kCharges);
  EXPECT_EQ(payments.events().size(), static_cast<std::size_t>(kCharges));
}

// Callback methods are not bounded by the handler pool: past --max-charges-in-flight a charge
// is refused overloaded at once, nothing recorded, and a place comes back when one is answered.
TEST(PaymentAppThreadsTest, Charge_PastTheLimitInFlight_IsOverloaded_UntilOneIsAnswered) {
  FakePaymentsRepository payments;
  HeldProcessor processor;
  PaymentApp app(payments, processor, /*threads=*/1, /*max_in_flight=*/2);
  std::atomic<int> answered = 0;
  const auto charge = [&] {
    auto outcome = std::make_shared<std::promise<std::string>>();
    app.Charge(ChargeInput{NewUuid(), NewUuid(), 2500, "EUR", "tok_visa"},
               [&, outcome](Reply<PaymentRow> reply) {
                 ++answered;
                 try {
                   std::move(reply).Get();
                   outcome->set_value("charged");
                 } catch (const Error& e) {
                   outcome->set_value(e.code());
                 }
               });
    return outcome->get_future();
  };
  auto first = charge();
  auto second = charge();
  ASSERT_TRUE(testing::Eventually([&] { return processor.held() == 2; }, 5s));
  auto third = charge();
  ASSERT_EQ(third.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(third.get(), "overloaded");
  EXPECT_EQ(answered.load(), 1);
  processor.AnswerAll(ProviderResult::Success());
  EXPECT_EQ(first.get(), "charged");
  EXPECT_EQ(second.get(), "charged");
  auto fourth = charge();  // the places are back
  ASSERT_TRUE(testing::Eventually([&] { return processor.held() == 1; }, 5s));
  processor.AnswerAll(ProviderResult::Success());
  EXPECT_EQ(fourth.get(), "charged");
  EXPECT_EQ(payments.events().size(), 3u);  // the refused one recorded nothing
}

}  // namespace
}  // namespace livedrop::payment
