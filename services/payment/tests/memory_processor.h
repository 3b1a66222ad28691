#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>

#include "payment_provider.h"
#include "test_provider.h"

namespace livedrop::payment {

// The test processor's answers and its idempotency by key, kept in memory: for the unit tests
// of PaymentApp, which run without PostgreSQL (TestProvider keeps the same ledger in a table).
class MemoryProcessor final : public PaymentProvider {
 public:
  explicit MemoryProcessor(std::chrono::milliseconds timeout) : timeout_(timeout) {}

  ProviderResult Charge(const std::string& key, std::int64_t, const std::string&,
                        const std::string& token) override {
    std::lock_guard lock(mutex_);
    if (const auto it = charges_.find(key); it != charges_.end()) return it->second.result;
    const ProviderResult result = TestTokenAnswer(token, timeout_);
    charges_[key] = Entry{result, false};
    if (result.succeeded) ++captures_;
    return result;
  }
  ProviderResult Refund(const std::string& key) override {
    std::lock_guard lock(mutex_);
    const auto it = charges_.find(key);
    if (it == charges_.end() || !it->second.result.succeeded) {
      return ProviderResult::Failure(v1::PAYMENT_FAILURE_CHARGE_NOT_CAPTURED);
    }
    if (!it->second.refunded) {
      it->second.refunded = true;
      ++refunds_;
    }
    return ProviderResult::Success();
  }
  int captures() const {
    std::lock_guard lock(mutex_);
    return captures_;
  }
  int refunds() const {
    std::lock_guard lock(mutex_);
    return refunds_;
  }

 private:
  struct Entry {
    ProviderResult result;
    bool refunded = false;
  };
  const std::chrono::milliseconds timeout_;
  mutable std::mutex mutex_;
  std::map<std::string, Entry> charges_;
  int captures_ = 0;
  int refunds_ = 0;
};

}  // namespace livedrop::payment
