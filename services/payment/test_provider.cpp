#include "test_provider.h"

#include <pqxx/pqxx>
#include <thread>

#include "livedrop/grpc/proto_values.h"
#include "livedrop/metrics/registry.h"
#include "livedrop/pg/pool.h"

namespace livedrop::payment {
namespace {

constexpr char kCaptured[] = "captured";

// The first call with a key inserts it (a concurrent one waits on the key's index entry until
// that transaction ends); a later one finds the answer.
constexpr char kClaim[] =
    "INSERT INTO test_processor_charges (idempotency_key, amount, currency, outcome) "
    "VALUES ($1, $2, $3, 'pending') ON CONFLICT (idempotency_key) DO NOTHING RETURNING 1";
constexpr char kAnswerOf[] =
    "SELECT outcome, refunded FROM test_processor_charges WHERE idempotency_key = $1";
constexpr char kDecide[] =
    "UPDATE test_processor_charges SET outcome = $2 WHERE idempotency_key = $1";
constexpr char kRefund[] =
    "UPDATE test_processor_charges SET refunded = true "
    "WHERE idempotency_key = $1 AND outcome = 'captured' AND NOT refunded RETURNING 1";

std::string OutcomeOf(const ProviderResult& r) {
  return r.succeeded ? kCaptured : rpc::EnumCode(r.failure);
}

ProviderResult ResultOf(const std::string& outcome) {
  if (outcome == kCaptured) return ProviderResult::Success();
  return ProviderResult::Failure(rpc::ParseEnumCode<v1::PaymentFailure>(outcome));
}

}  // namespace

TestProvider::TestProvider(pg::Pool& ledger, TestProviderOptions options)
    : ledger_(ledger),
      options_(options),
      captures_total_(metrics::Registry::Default().GetCounter(
          "livedrop_payment_provider_captures_total",
          "Charges the test payment provider really captured (replays not counted)")),
      refunds_total_(metrics::Registry::Default().GetCounter(
          "livedrop_payment_provider_refunds_total",
          "Captured charges the test payment provider really refunded")) {}

ProviderResult TestTokenAnswer(const std::string& token, std::chrono::milliseconds timeout) {
  if (token == "tok_visa") return ProviderResult::Success();
  if (token == "tok_chargeDeclined")
    return ProviderResult::Failure(v1::PAYMENT_FAILURE_CARD_DECLINED);
  if (token == "tok_chargeDeclinedInsufficientFunds") {
    return ProviderResult::Failure(v1::PAYMENT_FAILURE_INSUFFICIENT_FUNDS);
  }
  if (token == "tok_timeout") {
    // The processor never answers; the caller gives up after its timeout.
    std::this_thread::sleep_for(timeout);
    return ProviderResult::Failure(v1::PAYMENT_FAILURE_PROVIDER_TIMEOUT);
  }
  return ProviderResult::Failure(v1::PAYMENT_FAILURE_INVALID_PAYMENT_TOKEN);
}

ProviderResult TestProvider::Charge(const std::string& idempotency_key, std::int64_t amount,
                                    const std::string& currency, const std::string& token) {
  if (options_.latency.count() > 0) std::this_thread::sleep_for(options_.latency);
  bool captured_now = false;
  const ProviderResult result = ledger_.Transact([&](pqxx::work& tx) {
    captured_now = false;
    if (tx.exec_params(kClaim, idempotency_key, amount, currency).empty()) {
      return ResultOf(tx.exec_params1(kAnswerOf, idempotency_key)[0].as<std::string>());
    }
    const ProviderResult decided = TestTokenAnswer(token, options_.timeout);
    tx.exec_params(kDecide, idempotency_key, OutcomeOf(decided));
    captured_now = decided.succeeded;
    return decided;
  });
  if (captured_now) {  // committed: the capture happened
    std::lock_guard lock(mutex_);
    ++captures_;
    captures_total_.Inc();
  }
  return result;
}

ProviderResult TestProvider::Refund(const std::string& idempotency_key) {
  if (options_.latency.count() > 0) std::this_thread::sleep_for(options_.latency);
  bool refunded_now = false;
  const ProviderResult result = ledger_.Transact([&](pqxx::work& tx) {
    refunded_now = !tx.exec_params(kRefund, idempotency_key).empty();
    if (refunded_now) return ProviderResult::Success();
    const auto known = tx.exec_params(kAnswerOf, idempotency_key);
    if (!known.empty() && known[0][0].as<std::string>() == kCaptured) {
      return ProviderResult::Success();  // refunded before: nothing more to give back
    }
    return ProviderResult::Failure(v1::PAYMENT_FAILURE_CHARGE_NOT_CAPTURED);
  });
  if (refunded_now) {
    std::lock_guard lock(mutex_);
    ++refunds_;
    refunds_total_.Inc();
  }
  return result;
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
