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
          "Captured charges the test payment provider really refunded")),
      charges_(options.remembered_orders, metrics::CacheEvictionCounter("test_charges")) {}

ProviderResult TestProvider::Answer(const std::string& token) const {
  if (token == "tok_visa") return ProviderResult::Success();
  if (token == "tok_chargeDeclined")
    return ProviderResult::Failure(v1::PAYMENT_FAILURE_CARD_DECLINED);
  if (token == "tok_chargeDeclinedInsufficientFunds") {
    return ProviderResult::Failure(v1::PAYMENT_FAILURE_INSUFFICIENT_FUNDS);
  }
  if (token == "tok_timeout") {
    // The processor never answers; the caller gives up after its timeout.
    std::this_thread::sleep_for(options_.timeout);
    return ProviderResult::Failure(v1::PAYMENT_FAILURE_PROVIDER_TIMEOUT);
  }
  return ProviderResult::Failure(v1::PAYMENT_FAILURE_INVALID_PAYMENT_TOKEN);
}

ProviderResult TestProvider::Charge(const std::string& order_id, std::int64_t amount,
                                    const std::string& currency, const std::string& token) {
  if (options_.latency.count() > 0) std::this_thread::sleep_for(options_.latency);
  std::unique_lock lock(mutex_);
  if (const Charged* known = charges_.Find(order_id)) return known->result;
  if (const auto it = in_flight_.find(order_id); it != in_flight_.end()) {
    const std::shared_ptr<InFlight> first = it->second;
    answered_.wait(lock, [&] { return first->answered; });
    return first->result;
  }
  const auto charge = std::make_shared<InFlight>();
  in_flight_.emplace(order_id, charge);
  lock.unlock();
  const ProviderResult result = Answer(token);
  lock.lock();
  charge->result = result;
  charge->answered = true;
  charges_.Put(order_id, Charged{result, false});
  in_flight_.erase(order_id);
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
  if (in_flight_.count(order_id)) {
    return ProviderResult::Failure(v1::PAYMENT_FAILURE_CHARGE_NOT_CAPTURED);
  }
  Charged* charge = charges_.Find(order_id);
  if (charge == nullptr) {
    // Captured by another instance, before a restart, or so long ago that this process forgot
    // it (this memory is per process and bounded). The service refunds only what its database
    // shows captured, so the test processor trusts it.
    charge = &charges_.Put(order_id, Charged{ProviderResult::Success(), false});
  }
  if (!charge->result.succeeded) {
    return ProviderResult::Failure(v1::PAYMENT_FAILURE_CHARGE_NOT_CAPTURED);
  }
  if (!charge->refunded) {
    charge->refunded = true;
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
