#include "test_provider.h"

#include <thread>

#include "livedrop/metrics/registry.h"

namespace livedrop::payment {

TestProvider::TestProvider(TestProviderOptions options)
    : options_(options),
      captures_total_(metrics::Registry::Default().GetCounter(
          "livedrop_payment_provider_captures_total",
          "Charges the test payment provider really captured (replays not counted)")),
      refunds_total_(metrics::Registry::Default().GetCounter(
          "livedrop_payment_provider_refunds_total",
          "Captured charges the test payment provider really refunded")) {}

ProviderResult TestProvider::Answer(const std::string& token) const {
  if (token == "tok_visa") return ProviderResult::Success();
  if (token == "tok_chargeDeclined") return ProviderResult::Failure("card_declined");
  if (token == "tok_chargeDeclinedInsufficientFunds") {
    return ProviderResult::Failure("insufficient_funds");
  }
  if (token == "tok_timeout") {
    // The processor never answers; the caller gives up after its timeout.
    std::this_thread::sleep_for(options_.timeout);
    return ProviderResult::Failure("provider_timeout");
  }
  return ProviderResult::Failure("invalid_payment_token");
}

ProviderResult TestProvider::Charge(const std::string& order_id, std::int64_t amount,
                                    const std::string& currency, const std::string& token) {
  if (options_.latency.count() > 0) std::this_thread::sleep_for(options_.latency);
  std::unique_lock lock(mutex_);
  // unordered_map keeps references to its elements valid across rehashing.
  auto [it, first] = charges_.try_emplace(order_id);
  Charged& charge = it->second;
  if (!first) {
    answered_.wait(lock, [&] { return charge.answered; });
    return charge.result;
  }
  lock.unlock();
  const ProviderResult result = Answer(token);
  lock.lock();
  charge.result = result;
  charge.answered = true;
  if (result.succeeded) {
    ++captures_;
    captures_total_.Inc();
  }
  answered_.notify_all();
  return result;
}

ProviderResult TestProvider::Refund(const std::string& order_id) {
  if (options_.latency.count() > 0) std::this_thread::sleep_for(options_.latency);
  std::lock_guard lock(mutex_);
  auto [it, unknown] = charges_.try_emplace(order_id);
  Charged& charge = it->second;
  if (unknown) {
    // Captured by another instance or before a restart (this memory is per process). The
    // service refunds only what its database shows captured, so the test processor trusts it.
    charge.answered = true;
    charge.result = ProviderResult::Success();
  }
  if (!charge.answered || !charge.result.succeeded) {
    return ProviderResult::Failure("charge_not_captured");
  }
  if (!charge.refunded) {
    charge.refunded = true;
    ++refunds_;
    refunds_total_.Inc();
  }
  return ProviderResult::Success();
}

std::int64_t TestProvider::captures() const {
  std::lock_guard lock(mutex_);
  return captures_;
}

std::int64_t TestProvider::refunds() const {
  std::lock_guard lock(mutex_);
  return refunds_;
}

}  // namespace livedrop::payment
