#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "livedrop/core/coalescer.h"
#include "payment_provider.h"

namespace livedrop {
class Executor;
}
namespace livedrop::metrics {
class Counter;
}
namespace livedrop::pg {
class Pool;
}

namespace livedrop::payment {

struct TestProviderOptions {
  // How long tok_timeout keeps the caller waiting before the charge fails provider_timeout
  // (no thread waits: the answer is delivered by a timer).
  std::chrono::milliseconds timeout{2000};
  // Added to every call, to give benchmarks a processor's round trip.
  std::chrono::milliseconds latency{0};
  // The ledger's charges of concurrent calls share a commit: at most this many in one, at
  // most this many waiting (beyond: the charge fails overloaded, nothing decided).
  CoalescerOptions ledger_batching{256, 4096};
  // Ledger batches that may commit at once (keys spread over them by hash).
  int ledger_lanes = 1;
};

// One charge as the ledger decides it, and its answer (a batch of them shares a transaction).
struct LedgerCharge {
  std::string idempotency_key;
  std::int64_t amount = 0;
  std::string currency, token;
};
struct LedgerDecision {
  ProviderResult answer;
  bool decided_now = false;    // this charge decided it (else: the key's earlier answer)
  std::exception_ptr failure;  // this charge failed on its own
};

// What the test processor answers a token; see below. Returns at once (TestProvider is the one
// that keeps a tok_timeout caller waiting).
ProviderResult TestTokenAnswer(const std::string& token);

// A processor in test mode, answering by the familiar test tokens:
//   tok_visa                             succeeds (a capture)
//   tok_chargeDeclined                   card_declined
//   tok_chargeDeclinedInsufficientFunds  insufficient_funds
//   tok_timeout                          waits `timeout`, then provider_timeout
//   anything else                        invalid_payment_token
// Idempotent by key durably, like a real processor: its ledger is a table
// (test_processor_charges) in the database it is given, and a charge is decided in the
// transaction that inserts its key, so a second Charge with that key — concurrent, from another
// instance or after a restart — waits for that transaction and returns its answer. The charges
// of concurrent calls share that transaction (a Coalescer with options.ledger_lanes lanes, a
// key always in one): one statement inserts the keys not seen before with their decisions, one
// reads the answers of the others, one commit; a key twice in a batch is decided once, and the
// second hears the first's answer, as it would one batch later. Real
// captures and refunds are counted in livedrop_payment_provider_captures_total / _refunds_total,
// so a load test can check captures against the succeeded payments in the database.
//
// Holds no thread while it "thinks", like a remote processor: a call waits its latency as a
// timer on `executor`, then runs its ledger transaction on an executor thread and answers from
// there; tok_timeout's answer is decided (and stored) at once and delivered `timeout` later by
// another timer. So calls in flight are bounded by nothing but the caller, not by threads.
class TestProvider final : public PaymentProvider {
 public:
  // `executor` must outlive the provider; destruction waits for the provider's calls still
  // queued or running there (a tok_timeout answer that is only waiting to be delivered uses
  // nothing of the provider and is left to the executor).
  TestProvider(pg::Pool& ledger, Executor& executor, TestProviderOptions options = {});
  ~TestProvider() override;
  TestProvider(const TestProvider&) = delete;
  TestProvider& operator=(const TestProvider&) = delete;

  void Charge(const std::string& idempotency_key, std::int64_t amount, const std::string& currency,
              const std::string& token, Then<ProviderResult> then) override;
  // Refunds a captured charge once (again: success, nothing refunded); charge_not_captured for
  // a key it declined or never saw.
  void Refund(const std::string& idempotency_key, Then<ProviderResult> then) override;

  // Captures and refunds made by this instance (the metrics count every instance's).
  std::int64_t captures() const;
  std::int64_t refunds() const;

  // One ledger batch, as its leader runs it; public for tests that need a batch of a known
  // make-up (captures are counted by the calls, not here).
  std::vector<LedgerDecision> RunLedgerBatch(std::vector<LedgerCharge>& batch);

 private:
  // Runs `call` on the executor once the latency has passed, counted in flight until it ends.
  void AfterLatency(std::function<void()> call);
  // The ledger's transactions: blocking, so only ever run on the executor.
  LedgerDecision DecideCharge(LedgerCharge charge);
  std::vector<LedgerDecision> RunLedgerTogether(std::vector<LedgerCharge>& batch);
  ProviderResult DecideRefund(const std::string& idempotency_key);

  pg::Pool& ledger_;
  Executor& executor_;
  const TestProviderOptions options_;
  metrics::Counter& captures_total_;
  metrics::Counter& refunds_total_;
  mutable std::mutex mutex_;
  std::condition_variable settled_;  // the destructor: no call of this provider in flight
  int in_flight_ = 0;
  std::int64_t captures_ = 0;
  std::int64_t refunds_ = 0;
  std::vector<std::string> lanes_;
  std::unique_ptr<Coalescer<LedgerCharge, LedgerDecision>> coalescer_;  // last: goes first
};

}  // namespace livedrop::payment
