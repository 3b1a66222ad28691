#pragma once

#include <map>
#include <mutex>
#include <string>

#include "payment_provider.h"
#include "test_provider.h"

namespace livedrop::payment {

// The test processor's answers and its idempotency by key, kept in memory: for the unit tests
// of PaymentApp, which run without PostgreSQL (TestProvider keeps the same ledger in a table).
// It answers at once, on the caller's thread: tok_timeout's wait is TestProvider's (and
// test_provider_test's).
class MemoryProcessor final : public PaymentProvider {
 public:
  void Charge(const std::string& key, std::int64_t, const std::string&, const std::string& token,
              Then<ProviderResult> then) override {
    then(Reply<ProviderResult>::Of(Decide(key, token)));
  }
  void Refund(const std::string& key, Then<ProviderResult> then) override {
    then(Reply<ProviderResult>::Of(DecideRefund(key)));
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
  ProviderResult Decide(const std::string& key, const std::string& token) {
    std::lock_guard lock(mutex_);
    if (const auto it = charges_.find(key); it != charges_.end()) return it->second.result;
    const ProviderResult result = TestTokenAnswer(token);
    charges_[key] = Entry{result, false};
    if (result.succeeded) ++captures_;
    return result;
  }
  ProviderResult DecideRefund(const std::string& key) {
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
  struct Entry {
    ProviderResult result;
    bool refunded = false;
  };
  mutable std::mutex mutex_;
  std::map<std::string, Entry> charges_;
  int captures_ = 0;
  int refunds_ = 0;
};

}  // namespace livedrop::payment
