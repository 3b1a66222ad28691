// The test-mode processor: outcomes by token, idempotency by order id, capture counting.
#include "test_provider.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "livedrop/core/ids.h"
#include "livedrop/grpc/reason.h"
#include "livedrop/metrics/registry.h"
#include "livedrop/testing/eventually.h"

namespace livedrop::payment {
namespace {

using namespace std::chrono_literals;

double CapturesMetric() {
  return metrics::Registry::Default()
      .GetCounter("livedrop_payment_provider_captures_total", "")
      .Value();
}

std::string Outcome(const ProviderResult& r) {
  return r.succeeded ? "ok" : rpc::EnumCode(r.failure);
}

TEST(TestProviderTest, EachTestToken_HasItsProcessorOutcome) {
  TestProvider provider(TestProviderOptions{20ms, 0ms});
  auto charge = [&](const char* token) {
    return Outcome(provider.Charge(NewUuid(), 500, "EUR", token));
  };
  EXPECT_EQ(charge("tok_visa"), "ok");
  EXPECT_EQ(charge("tok_chargeDeclined"), "card_declined");
  EXPECT_EQ(charge("tok_chargeDeclinedInsufficientFunds"), "insufficient_funds");
  EXPECT_EQ(charge("tok_timeout"), "provider_timeout");
  EXPECT_EQ(charge("tok_unknown"), "invalid_payment_token");
  EXPECT_EQ(charge("TOK_VISA"), "invalid_payment_token");
  EXPECT_EQ(provider.captures(), 1);
}

TEST(TestProviderTest, Timeout_WaitsTheProviderTimeout) {
  TestProvider provider(TestProviderOptions{150ms, 0ms});
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(Outcome(provider.Charge(NewUuid(), 500, "EUR", "tok_timeout")), "provider_timeout");
  const auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_GE(waited, 150ms);
  EXPECT_LT(waited, 2s);
}

TEST(TestProviderTest, Latency_DelaysEveryAnswer) {
  TestProvider provider(TestProviderOptions{2s, 60ms});
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(Outcome(provider.Charge(NewUuid(), 500, "EUR", "tok_visa")), "ok");
  EXPECT_GE(std::chrono::steady_clock::now() - started, 60ms);
}

TEST(TestProviderTest, SameOrderTwice_ReturnsTheFirstAnswerAndCapturesOnce) {
  TestProvider provider;
  const double metric_before = CapturesMetric();
  const std::string order = NewUuid();
  EXPECT_EQ(Outcome(provider.Charge(order, 500, "EUR", "tok_visa")), "ok");
  // A retry with another token is still the same idempotency key: the first answer stands.
  EXPECT_EQ(Outcome(provider.Charge(order, 500, "EUR", "tok_chargeDeclined")), "ok");
  EXPECT_EQ(provider.captures(), 1);
  EXPECT_EQ(CapturesMetric() - metric_before, 1);

  const std::string declined = NewUuid();
  EXPECT_EQ(Outcome(provider.Charge(declined, 500, "EUR", "tok_chargeDeclined")), "card_declined");
  EXPECT_EQ(Outcome(provider.Charge(declined, 500, "EUR", "tok_visa")), "card_declined");
  EXPECT_EQ(provider.captures(), 1);
}

TEST(TestProviderTest, SameOrderConcurrently_CapturesOnceAndAllSeeTheSameAnswer) {
  TestProvider provider(TestProviderOptions{2s, 20ms});
  const std::string order = NewUuid();
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      if (provider.Charge(order, 500, "EUR", "tok_visa").succeeded) ok++;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 8);
  EXPECT_EQ(provider.captures(), 1);
}

TEST(TestProviderTest, ConcurrentRetryOfATimeout_WaitsForTheFirstAnswer) {
  TestProvider provider(TestProviderOptions{100ms, 0ms});
  const std::string order = NewUuid();
  std::thread first([&] { provider.Charge(order, 500, "EUR", "tok_timeout"); });
  testing::Idle(20ms, "the first charge is in flight (the provider shows no sign of it)");
  EXPECT_EQ(Outcome(provider.Charge(order, 500, "EUR", "tok_visa")), "provider_timeout");
  first.join();
  EXPECT_EQ(provider.captures(), 0);
}

TEST(TestProviderTest, Refund_RefundsACaptureOnce) {
  TestProvider provider;
  const std::string order = NewUuid();
  provider.Charge(order, 500, "EUR", "tok_visa");
  EXPECT_EQ(Outcome(provider.Refund(order)), "ok");
  EXPECT_EQ(Outcome(provider.Refund(order)), "ok");
  EXPECT_EQ(provider.refunds(), 1);
}

TEST(TestProviderTest, Refund_RefusesADeclinedCharge) {
  TestProvider provider;
  const std::string declined = NewUuid();
  provider.Charge(declined, 500, "EUR", "tok_chargeDeclined");
  EXPECT_EQ(Outcome(provider.Refund(declined)), "charge_not_captured");
  EXPECT_EQ(provider.refunds(), 0);
}

TEST(TestProviderTest, Refund_OfAChargeThisProcessNeverSaw_SucceedsOnce) {
  // Another instance (or this one before a restart) captured it.
  TestProvider provider;
  const std::string order = NewUuid();
  EXPECT_EQ(Outcome(provider.Refund(order)), "ok");
  EXPECT_EQ(Outcome(provider.Refund(order)), "ok");
  EXPECT_EQ(provider.refunds(), 1);
  EXPECT_EQ(provider.captures(), 0);
}

TEST(TestProviderTest, AtItsBound_ForgetsTheLeastRecentOrderNotAll) {
  TestProvider provider(TestProviderOptions{2s, 0ms, 3});
  const std::string a = NewUuid(), b = NewUuid(), c = NewUuid(), d = NewUuid();
  for (const auto& order : {a, b, c}) provider.Charge(order, 500, "EUR", "tok_visa");
  provider.Charge(a, 500, "EUR", "tok_visa");  // a retry: a is now more recent than b
  provider.Charge(d, 500, "EUR", "tok_visa");  // one past the bound: b is forgotten
  ASSERT_EQ(provider.captures(), 4);

  // Remembered orders answer as before whatever the token; the forgotten one is asked again.
  for (const auto& order : {a, c, d}) {
    EXPECT_EQ(Outcome(provider.Charge(order, 500, "EUR", "tok_chargeDeclined")), "ok");
  }
  EXPECT_EQ(Outcome(provider.Charge(b, 500, "EUR", "tok_chargeDeclined")), "card_declined");
  EXPECT_EQ(provider.captures(), 4);
}

TEST(TestProviderTest, ForgottenCapture_IsRefundedAsCapturedElsewhere) {
  TestProvider provider(TestProviderOptions{2s, 0ms, 1});
  const std::string old_order = NewUuid();
  provider.Charge(old_order, 500, "EUR", "tok_chargeDeclined");
  provider.Charge(NewUuid(), 500, "EUR", "tok_visa");  // evicts old_order's decline
  EXPECT_EQ(Outcome(provider.Refund(old_order)), "ok");
  EXPECT_EQ(provider.refunds(), 1);
}

TEST(TestProviderTest, InFlightOrder_IsNeverEvictedAtTheBound) {
  TestProvider provider(TestProviderOptions{400ms, 0ms, 1});
  const std::string slow = NewUuid();
  std::thread first([&] { provider.Charge(slow, 500, "EUR", "tok_timeout"); });
  testing::Idle(100ms, "`slow` is in flight (the provider shows no sign of it)");
  // Far more answered orders than the bound while `slow` waits for its processor.
  for (int i = 0; i < 5; ++i) provider.Charge(NewUuid(), 500, "EUR", "tok_visa");
  EXPECT_EQ(Outcome(provider.Refund(slow)), "charge_not_captured");
  // A retry still waits for the first answer instead of charging a second time.
  EXPECT_EQ(Outcome(provider.Charge(slow, 500, "EUR", "tok_visa")), "provider_timeout");
  first.join();
  EXPECT_EQ(Outcome(provider.Charge(slow, 500, "EUR", "tok_visa")), "provider_timeout");
  EXPECT_EQ(provider.captures(), 5);
}

}  // namespace
}  // namespace livedrop::payment
