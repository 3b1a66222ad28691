// The test-mode processor against a real PostgreSQL (its ledger): outcomes by token,
// idempotency by key across instances and restarts, capture counting.
#include "test_provider.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "livedrop/core/executor.h"
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

// The provider's asynchronous calls, waited for.
ProviderResult Charge(TestProvider& provider, const std::string& key, const std::string& token) {
  return Await<ProviderResult>(
      [&](Then<ProviderResult> then) { provider.Charge(key, 500, "EUR", token, std::move(then)); });
}
ProviderResult Refund(TestProvider& provider, const std::string& key) {
  return Await<ProviderResult>(
      [&](Then<ProviderResult> then) { provider.Refund(key, std::move(then)); });
}

class TestProviderTest : public ::testing::Test {
 protected:
  TestProviderTest() : db_("payment", Migrations(), 12) {}
  pg::Pool& ledger() { return db_.pool(); }

  testing::ServiceDatabase db_;
  Executor executor_{ExecutorOptions{"test processor", 4}};  // after the pool: goes before it
};

TEST_F(TestProviderTest, EachTestToken_HasItsProcessorOutcome) {
  TestProvider provider(ledger(), executor_, TestProviderOptions{20ms, 0ms});
  auto charge = [&](const char* token) { return Outcome(Charge(provider, NewUuid(), token)); };
  EXPECT_EQ(charge("tok_visa"), "ok");
  EXPECT_EQ(charge("tok_chargeDeclined"), "card_declined");
  EXPECT_EQ(charge("tok_chargeDeclinedInsufficientFunds"), "insufficient_funds");
  EXPECT_EQ(charge("tok_timeout"), "provider_timeout");
  EXPECT_EQ(charge("tok_unknown"), "invalid_payment_token");
  EXPECT_EQ(charge("TOK_VISA"), "invalid_payment_token");
  EXPECT_EQ(provider.captures(), 1);
}

TEST_F(TestProviderTest, Timeout_WaitsTheProviderTimeout) {
  TestProvider provider(ledger(), executor_, TestProviderOptions{150ms, 0ms});
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(Outcome(Charge(provider, NewUuid(), "tok_timeout")), "provider_timeout");
  const auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_GE(waited, 150ms);
  EXPECT_LT(waited, 2s);
}

TEST_F(TestProviderTest, Latency_DelaysEveryAnswer) {
  TestProvider provider(ledger(), executor_, TestProviderOptions{2s, 60ms});
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(Outcome(Charge(provider, NewUuid(), "tok_visa")), "ok");
  EXPECT_GE(std::chrono::steady_clock::now() - started, 60ms);
}

TEST_F(TestProviderTest, SameKeyTwice_ReturnsTheFirstAnswerAndCapturesOnce) {
  TestProvider provider(ledger(), executor_);
  const double metric_before = CapturesMetric();
  const std::string order = NewUuid();
  EXPECT_EQ(Outcome(Charge(provider, order, "tok_visa")), "ok");
  // A retry with another token is still the same idempotency key: the first answer stands.
  EXPECT_EQ(Outcome(Charge(provider, order, "tok_chargeDeclined")), "ok");
  EXPECT_EQ(provider.captures(), 1);
  EXPECT_EQ(CapturesMetric() - metric_before, 1);

  const std::string declined = NewUuid();
  EXPECT_EQ(Outcome(Charge(provider, declined, "tok_chargeDeclined")), "card_declined");
  EXPECT_EQ(Outcome(Charge(provider, declined, "tok_visa")), "card_declined");
  EXPECT_EQ(provider.captures(), 1);
}

TEST_F(TestProviderTest, SameKeyConcurrently_CapturesOnceAndAllSeeTheSameAnswer) {
  TestProvider provider(ledger(), executor_, TestProviderOptions{2s, 20ms});
  const std::string order = NewUuid();
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      if (Charge(provider, order, "tok_visa").succeeded) ok++;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 8);
  EXPECT_EQ(provider.captures(), 1);
}

// The timeout is decided (and stored) before it is delivered: a retry meanwhile gets it too.
TEST_F(TestProviderTest, ConcurrentRetryOfATimeout_GetsTheFirstAnswer) {
  TestProvider provider(ledger(), executor_, TestProviderOptions{100ms, 0ms});
  const std::string order = NewUuid();
  std::thread first([&] { Charge(provider, order, "tok_timeout"); });
  testing::Idle(20ms, "the first charge is in flight (the provider shows no sign of it)");
  EXPECT_EQ(Outcome(Charge(provider, order, "tok_visa")), "provider_timeout");
  first.join();
  EXPECT_EQ(provider.captures(), 0);
}

TEST_F(TestProviderTest, Refund_RefundsACaptureOnce) {
  TestProvider provider(ledger(), executor_);
  const std::string order = NewUuid();
  Charge(provider, order, "tok_visa");
  EXPECT_EQ(Outcome(Refund(provider, order)), "ok");
  EXPECT_EQ(Outcome(Refund(provider, order)), "ok");
  EXPECT_EQ(provider.refunds(), 1);
}

TEST_F(TestProviderTest, Refund_RefusesADeclinedCharge) {
  TestProvider provider(ledger(), executor_);
  const std::string declined = NewUuid();
  Charge(provider, declined, "tok_chargeDeclined");
  EXPECT_EQ(Outcome(Refund(provider, declined)), "charge_not_captured");
  EXPECT_EQ(provider.refunds(), 0);
}

TEST_F(TestProviderTest, Refund_OfAKeyItNeverCharged_IsChargeNotCaptured) {
  TestProvider provider(ledger(), executor_);
  EXPECT_EQ(Outcome(Refund(provider, NewUuid())), "charge_not_captured");
  EXPECT_EQ(provider.refunds(), 0);
}

// Another instance, or this one after a restart: a processor object that never saw the key.
TEST_F(TestProviderTest, AnotherInstanceOrARestart_AnswersTheKeyAsTheFirstDidWithoutCapturing) {
  const std::string captured = NewUuid(), declined = NewUuid();
  {
    TestProvider first(ledger(), executor_);
    ASSERT_EQ(Outcome(Charge(first, captured, "tok_visa")), "ok");
    ASSERT_EQ(Outcome(Charge(first, declined, "tok_chargeDeclined")), "card_declined");
  }
  TestProvider restarted(ledger(), executor_);
  EXPECT_EQ(Outcome(Charge(restarted, captured, "tok_chargeDeclined")), "ok");
  EXPECT_EQ(Outcome(Charge(restarted, declined, "tok_visa")), "card_declined");
  EXPECT_EQ(restarted.captures(), 0);
  EXPECT_EQ(Outcome(Refund(restarted, captured)), "ok");
  EXPECT_EQ(Outcome(Refund(restarted, declined)), "charge_not_captured");
  TestProvider third(ledger(), executor_);
  EXPECT_EQ(Outcome(Refund(third, captured)), "ok");
  EXPECT_EQ(restarted.refunds() + third.refunds(), 1);
}

TEST_F(TestProviderTest, TwoInstancesConcurrently_CaptureOnceAndAllSeeTheSameAnswer) {
  TestProvider a(ledger(), executor_, TestProviderOptions{2s, 20ms});
  TestProvider b(ledger(), executor_, TestProviderOptions{2s, 20ms});
  const std::string key = NewUuid();
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      if (Charge((i % 2 ? a : b), key, "tok_visa").succeeded) ok++;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 8);
  EXPECT_EQ(a.captures() + b.captures(), 1);
}

// One ledger batch of a known make-up, then a later one: a key replayed, in the batch that
// decided it or after, is answered as its first charge was, and only that charge decided it.
TEST_F(TestProviderTest, LedgerBatch_AReplayedKey_IsAnsweredLikeTheFirst_AndDecidedOnce) {
  TestProvider provider(ledger(), executor_);
  const std::string visa = NewUuid(), declined = NewUuid(), later = NewUuid();
  std::vector<LedgerCharge> batch{{visa, 500, "EUR", "tok_visa"},
                                  {declined, 500, "EUR", "tok_chargeDeclined"},
                                  {visa, 500, "EUR", "tok_chargeDeclined"}};
  const auto first = provider.RunLedgerBatch(batch);
  ASSERT_EQ(first.size(), 3u);
  for (const auto& d : first) EXPECT_FALSE(d.failure);
  EXPECT_EQ(Outcome(first[0].answer), "ok");
  EXPECT_TRUE(first[0].decided_now);
  EXPECT_EQ(Outcome(first[1].answer), "card_declined");
  EXPECT_TRUE(first[1].decided_now);
  EXPECT_EQ(Outcome(first[2].answer), "ok");  // the replay in the same batch
  EXPECT_FALSE(first[2].decided_now);

  std::vector<LedgerCharge> replays{{declined, 500, "EUR", "tok_visa"},
                                    {later, 500, "EUR", "tok_visa"},
                                    {visa, 500, "EUR", "tok_chargeDeclined"}};
  const auto second = provider.RunLedgerBatch(replays);
  EXPECT_EQ(Outcome(second[0].answer), "card_declined");
  EXPECT_FALSE(second[0].decided_now);
  EXPECT_EQ(Outcome(second[1].answer), "ok");
  EXPECT_TRUE(second[1].decided_now);
  EXPECT_EQ(Outcome(second[2].answer), "ok");
  EXPECT_FALSE(second[2].decided_now);
  EXPECT_EQ(Outcome(Charge(provider, visa, "tok_chargeDeclined")), "ok");
  EXPECT_EQ(provider.captures(), 0);  // batches run directly count nothing; the replay neither
}

TEST_F(TestProviderTest, ConcurrentCharges_ShareLedgerCommits_EachCapturedOnce) {
  auto& sizes =
      metrics::Registry::Default().GetHistogram("livedrop_payment_provider_batch_size", "", {});
  const auto batches_before = sizes.Count();
  const double charges_before = sizes.Sum();
  TestProvider provider(ledger(), executor_, TestProviderOptions{2s, 10ms});
  constexpr int kCharges = 48;
  std::vector<std::string> keys;
  for (int i = 0; i < kCharges; ++i) keys.push_back(NewUuid());
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 2 * kCharges; ++i) {  // each key twice at once
    threads.emplace_back([&, i] {
      if (Charge(provider, keys[i / 2], "tok_visa").succeeded) ok++;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 2 * kCharges);
  EXPECT_EQ(provider.captures(), kCharges);
  const double charges = sizes.Sum() - charges_before;
  EXPECT_EQ(charges, 2 * kCharges);
  EXPECT_LT(static_cast<double>(sizes.Count() - batches_before), charges);
}

// Issue 12: no thread is held while the processor "thinks". On ONE thread with a 300 ms
// latency, eight charges are all waiting their latency at once, and the thread stays free
// meanwhile: a task posted after them runs before any has answered. A provider that slept on
// the caller's thread would have answered each before the next was asked; one that slept on
// its executor's thread would run the task only after the first answer.
TEST_F(TestProviderTest, Latency_HoldsNoThreadWhileEightChargesWait) {
  constexpr int kCharges = 8;
  std::atomic<int> answered = 0, succeeded = 0;  // before the executor: its tasks use them
  Executor one_thread(ExecutorOptions{"test processor", 1});
  TestProvider provider(ledger(), one_thread, TestProviderOptions{2s, 300ms});
  for (int i = 0; i < kCharges; ++i) {
    provider.Charge(NewUuid(), 500, "EUR", "tok_visa", [&](Reply<ProviderResult> reply) {
      if (reply.ok() && std::move(reply).Get().succeeded) ++succeeded;
      ++answered;
    });
  }
  const int answered_when_free = Await<int>([&](Then<int> then) {
    one_thread.Post([&, then] { then(Reply<int>::Of(answered.load())); });
  });
  EXPECT_EQ(kCharges - answered_when_free, kCharges) << "charges outstanding at once";
  ASSERT_TRUE(testing::Eventually([&] { return answered == kCharges; }, 10s));
  EXPECT_EQ(succeeded.load(), kCharges);
  EXPECT_EQ(provider.captures(), kCharges);
}

// tok_timeout keeps its caller waiting on a timer, not on a thread: a charge on the same one
// thread is answered while the timeout is still running.
TEST_F(TestProviderTest, Timeout_HoldsNoThreadWhileTheCallerWaits) {
  std::atomic<bool> timed_out = false;  // before the executor: its tasks use them
  std::atomic<int> answered = 0;
  Executor one_thread(ExecutorOptions{"test processor", 1});
  TestProvider provider(ledger(), one_thread, TestProviderOptions{3s, 0ms});
  provider.Charge(NewUuid(), 500, "EUR", "tok_timeout", [&](Reply<ProviderResult> reply) {
    timed_out =
        reply.ok() && std::move(reply).Get().failure == v1::PAYMENT_FAILURE_PROVIDER_TIMEOUT;
    ++answered;
  });
  EXPECT_EQ(Outcome(Charge(provider, NewUuid(), "tok_visa")), "ok");
  EXPECT_EQ(answered.load(), 0) << "the visa charge waited for the timeout";
  ASSERT_TRUE(testing::Eventually([&] { return answered == 1; }, 10s));
  EXPECT_TRUE(timed_out.load());
}

}  // namespace
}  // namespace livedrop::payment
