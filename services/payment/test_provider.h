#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "livedrop/core/bounded_cache.h"
#include "payment_provider.h"

namespace livedrop::metrics {
class Counter;
}

namespace livedrop::payment {

struct TestProviderOptions {
  // How long tok_timeout keeps the caller waiting before the charge fails provider_timeout.
  std::chrono::milliseconds timeout{2000};
  // Added to every call, to give benchmarks a processor's round trip.
  std::chrono::milliseconds latency{0};
  // Answered orders remembered (the most recently charged or refunded); older ones forgotten.
  std::size_t remembered_orders = 100000;
};

// A processor in test mode, answering by the familiar test tokens:
//   tok_visa                             succeeds (a capture)
//   tok_chargeDeclined                   card_declined
//   tok_chargeDeclinedInsufficientFunds  insufficient_funds
//   tok_timeout                          waits `timeout`, then provider_timeout
//   anything else                        invalid_payment_token
// Idempotent by order id in memory, so per process: a concurrent or later Charge for an order
// on the same instance waits for and returns the first answer (across instances the payment
// service's database decides which answer is recorded). The memory keeps the answers of the
// last `remembered_orders` orders; an order forgotten since is treated like one charged on
// another instance: Charge asks again by the token, Refund trusts it was captured. An order
// still in flight is never forgotten, since its concurrent callers wait for its answer. Real
// captures are counted in livedrop_payment_provider_captures_total, so a load test can check
// captures against the succeeded payments in the database.
class TestProvider final : public PaymentProvider {
 public:
  explicit TestProvider(TestProviderOptions options = {});

  ProviderResult Charge(const std::string& order_id, std::int64_t amount,
                        const std::string& currency, const std::string& token) override;
  // Refunds a captured charge once; charge_not_captured if this process saw it declined or
  // still in flight. An order this process never saw is taken as captured elsewhere (another
  // instance, or before a restart) and refunded.
  ProviderResult Refund(const std::string& order_id) override;

  // Captures and refunds made by this instance (the metrics count every instance's).
  std::int64_t captures() const;
  std::int64_t refunds() const;

 private:
  struct InFlight {
    bool answered = false;
    ProviderResult result;
  };
  struct Charged {
    ProviderResult result;
    bool refunded = false;
  };
  ProviderResult Answer(const std::string& token) const;

  const TestProviderOptions options_;
  metrics::Counter& captures_total_;
  metrics::Counter& refunds_total_;
  mutable std::mutex mutex_;
  std::condition_variable answered_;
  // Bounded by the concurrent Charge calls (the gRPC handler pool); shared with the waiters.
  std::unordered_map<std::string, std::shared_ptr<InFlight>> in_flight_;
  BoundedCache<std::string, Charged> charges_;  // answered orders only
  std::int64_t captures_ = 0;
  std::int64_t refunds_ = 0;
};

}  // namespace livedrop::payment
