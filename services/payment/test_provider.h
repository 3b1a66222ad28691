#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

#include "payment_provider.h"

namespace livedrop::metrics {
class Counter;
}
namespace livedrop::pg {
class Pool;
}

namespace livedrop::payment {

struct TestProviderOptions {
  // How long tok_timeout keeps the caller waiting before the charge fails provider_timeout.
  std::chrono::milliseconds timeout{2000};
  // Added to every call, to give benchmarks a processor's round trip.
  std::chrono::milliseconds latency{0};
};

// What the test processor answers a token (tok_timeout after waiting `timeout`); see below.
ProviderResult TestTokenAnswer(const std::string& token, std::chrono::milliseconds timeout);

// A processor in test mode, answering by the familiar test tokens:
//   tok_visa                             succeeds (a capture)
//   tok_chargeDeclined                   card_declined
//   tok_chargeDeclinedInsufficientFunds  insufficient_funds
//   tok_timeout                          waits `timeout`, then provider_timeout
//   anything else                        invalid_payment_token
// Idempotent by key durably, like a real processor: its ledger is a table
// (test_processor_charges) in the database it is given, and a charge is decided in the
// transaction that inserts its key, so a second Charge with that key — concurrent, from another
// instance or after a restart — waits for that transaction and returns its answer. Real
// captures and refunds are counted in livedrop_payment_provider_captures_total / _refunds_total,
// so a load test can check captures against the succeeded payments in the database.
class TestProvider final : public PaymentProvider {
 public:
  TestProvider(pg::Pool& ledger, TestProviderOptions options = {});

  ProviderResult Charge(const std::string& idempotency_key, std::int64_t amount,
                        const std::string& currency, const std::string& token) override;
  // Refunds a captured charge once (again: success, nothing refunded); charge_not_captured for
  // a key it declined or never saw.
  ProviderResult Refund(const std::string& idempotency_key) override;

  // Captures and refunds made by this instance (the metrics count every instance's).
  std::int64_t captures() const;
  std::int64_t refunds() const;

 private:
  pg::Pool& ledger_;
  const TestProviderOptions options_;
  metrics::Counter& captures_total_;
  metrics::Counter& refunds_total_;
  mutable std::mutex mutex_;
  std::int64_t captures_ = 0;
  std::int64_t refunds_ = 0;
};

}  // namespace livedrop::payment
