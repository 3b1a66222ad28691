// The test-mode processor against a real PostgreSQL (its ledger): outcomes by token,
// idempotency by key across instances and restarts, capture counting.
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
#include "livedrop/testing/service_database.h"
#include "payment_migrations.h"

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

class TestProviderTest : public ::testing::Test {
 protected:
  TestProviderTest() : db_("payment", Migrations(), 12) {}
  pg::Pool& ledger() { return db_.pool(); }

  testing::ServiceDatabase db_;
};

TEST_F(TestProviderTest, EachTestToken_HasItsProcessorOutcome) {
  TestProvider provider(ledger(), TestProviderOptions{20ms, 0ms});
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

TEST_F(TestProviderTest, Timeout_WaitsTheProviderTimeout) {
  TestProvider provider(ledger(), TestProviderOptions{150ms, 0ms});
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(Outcome(provider.Charge(NewUuid(), 500, "EUR", "tok_timeout")), "provider_timeout");
  const auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_GE(waited, 150ms);
  EXPECT_LT(waited, 2s);
}

TEST_F(TestProviderTest, Latency_DelaysEveryAnswer) {
  TestProvider provider(ledger(), TestProviderOptions{2s, 60ms});
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(Outcome(provider.Charge(NewUuid(), 500, "EUR", "tok_visa")), "ok");
  EXPECT_GE(std::chrono::steady_clock::now() - started, 60ms);
}

TEST_F(TestProviderTest, SameKeyTwice_ReturnsTheFirstAnswerAndCapturesOnce) {
  TestProvider provider(ledger());
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

TEST_F(TestProviderTest, SameKeyConcurrently_CapturesOnceAndAllSeeTheSameAnswer) {
  TestProvider provider(ledger(), TestProviderOptions{2s, 20ms});
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

TEST_F(TestProviderTest, ConcurrentRetryOfATimeout_WaitsForTheFirstAnswer) {
  TestProvider provider(ledger(), TestProviderOptions{100ms, 0ms});
  const std::string order = NewUuid();
  std::thread first([&] { provider.Charge(order, 500, "EUR", "tok_timeout"); });
  testing::Idle(20ms, "the first charge is in flight (the provider shows no sign of it)");
  EXPECT_EQ(Outcome(provider.Charge(order, 500, "EUR", "tok_visa")), "provider_timeout");
  first.join();
  EXPECT_EQ(provider.captures(), 0);
}

TEST_F(TestProviderTest, Refund_RefundsACaptureOnce) {
  TestProvider provider(ledger());
  const std::string order = NewUuid();
  provider.Charge(order, 500, "EUR", "tok_visa");
  EXPECT_EQ(Outcome(provider.Refund(order)), "ok");
  EXPECT_EQ(Outcome(provider.Refund(order)), "ok");
  EXPECT_EQ(provider.refunds(), 1);
}

TEST_F(TestProviderTest, Refund_RefusesADeclinedCharge) {
  TestProvider provider(ledger());
  const std::string declined = NewUuid();
  provider.Charge(declined, 500, "EUR", "tok_chargeDeclined");
  EXPECT_EQ(Outcome(provider.Refund(declined)), "charge_not_captured");
  EXPECT_EQ(provider.refunds(), 0);
}

TEST_F(TestProviderTest, Refund_OfAKeyItNeverCharged_IsChargeNotCaptured) {
  TestProvider provider(ledger());
  EXPECT_EQ(Outcome(provider.Refund(NewUuid())), "charge_not_captured");
  EXPECT_EQ(provider.refunds(), 0);
}

// Another instance, or this one after a restart: a processor object that never saw the key.
TEST_F(TestProviderTest, AnotherInstanceOrARestart_AnswersTheKeyAsTheFirstDidWithoutCapturing) {
  const std::string captured = NewUuid(), declined = NewUuid();
  {
    TestProvider first(ledger());
    ASSERT_EQ(Outcome(first.Charge(captured, 500, "EUR", "tok_visa")), "ok");
    ASSERT_EQ(Outcome(first.Charge(declined, 500, "EUR", "tok_chargeDeclined")), "card_declined");
  }
  TestProvider restarted(ledger());
  EXPECT_EQ(Outcome(restarted.Charge(captured, 500, "EUR", "tok_chargeDeclined")), "ok");
  EXPECT_EQ(Outcome(restarted.Charge(declined, 500, "EUR", "tok_visa")), "card_declined");
  EXPECT_EQ(restarted.captures(), 0);
  EXPECT_EQ(Outcome(restarted.Refund(captured)), "ok");
  EXPECT_EQ(Outcome(restarted.Refund(declined)), "charge_not_captured");
  TestProvider third(ledger());
  EXPECT_EQ(Outcome(third.Refund(captured)), "ok");
  EXPECT_EQ(restarted.refunds() + third.refunds(), 1);
}

TEST_F(TestProviderTest, TwoInstancesConcurrently_CaptureOnceAndAllSeeTheSameAnswer) {
  TestProvider a(ledger(), TestProviderOptions{2s, 20ms});
  TestProvider b(ledger(), TestProviderOptions{2s, 20ms});
  const std::string key = NewUuid();
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      if ((i % 2 ? a : b).Charge(key, 500, "EUR", "tok_visa").succeeded) ok++;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 8);
  EXPECT_EQ(a.captures() + b.captures(), 1);
}

}  // namespace
}  // namespace livedrop::payment
