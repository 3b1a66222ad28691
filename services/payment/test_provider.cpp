#include "test_provider.h"

#include <optional>
#include <pqxx/pqxx>

#include "livedrop/core/executor.h"
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

TestProvider::TestProvider(pg::Pool& ledger, Executor& executor, TestProviderOptions options)
    : ledger_(ledger),
      executor_(executor),
      options_(options),
      captures_total_(metrics::Registry::Default().GetCounter(
          "livedrop_payment_provider_captures_total",
          "Charges the test payment provider really captured (replays not counted)")),
      refunds_total_(metrics::Registry::Default().GetCounter(
          "livedrop_payment_provider_refunds_total",
          "Captured charges the test payment provider really refunded")) {}

TestProvider::~TestProvider() {
  std::unique_lock lock(mutex_);
  settled_.wait(lock, [&] { return in_flight_ == 0; });
}

ProviderResult TestTokenAnswer(const std::string& token) {
  if (token == "tok_visa") return ProviderResult::Success();
  if (token == "tok_chargeDeclined")
    return ProviderResult::Failure(v1::PAYMENT_FAILURE_CARD_DECLINED);
  if (token == "tok_chargeDeclinedInsufficientFunds") {
    return ProviderResult::Failure(v1::PAYMENT_FAILURE_INSUFFICIENT_FUNDS);
  }
  // The processor never answers; the caller gives up after its timeout.
  if (token == "tok_timeout") return ProviderResult::Failure(v1::PAYMENT_FAILURE_PROVIDER_TIMEOUT);
  return ProviderResult::Failure(v1::PAYMENT_FAILURE_INVALID_PAYMENT_TOKEN);
}

void TestProvider::AfterLatency(std::function<void()> call) {
  {
    std::lock_guard lock(mutex_);
    ++in_flight_;
  }
  // Even with no latency the call goes to the executor: the caller's thread (a gRPC callback
  // thread, say) must not run the ledger's statements.
  executor_.PostAfter(options_.latency, [this, call = std::move(call)] {
    call();
    std::lock_guard lock(mutex_);
    if (--in_flight_ == 0) settled_.notify_all();
  });
}

void TestProvider::Charge(const std::string& idempotency_key, std::int64_t amount,
                          const std::string& currency, const std::string& token,
                          Then<ProviderResult> then) {
  AfterLatency([this, idempotency_key, amount, currency, token, then = std::move(then)] {
    std::optional<Decision> decision;
    try {
      decision = DecideCharge(idempotency_key, amount, currency, token);
    } catch (...) {
      return then(Reply<ProviderResult>::Failed(std::current_exception()));
    }
    const auto answer = Reply<ProviderResult>::Of(decision->answer);
    if (decision->decided_now && decision->answer.failure == v1::PAYMENT_FAILURE_PROVIDER_TIMEOUT) {
      // Decided and stored first, so a retry meanwhile gets this answer; the caller's wait is
      // a timer, holding neither a thread nor the ledger's row.
      executor_.PostAfter(options_.timeout, [then, answer] { then(answer); });
      return;
    }
    then(answer);
  });
}

TestProvider::Decision TestProvider::DecideCharge(const std::string& idempotency_key,
                                                  std::int64_t amount, const std::string& currency,
                                                  const std::string& token) {
  const Decision decision = ledger_.Transact([&](pqxx::work& tx) {
    if (tx.exec_params(kClaim, idempotency_key, amount, currency).empty()) {
      return Decision{ResultOf(tx.exec_params1(kAnswerOf, idempotency_key)[0].as<std::string>()),
                      false};
    }
    const ProviderResult decided = TestTokenAnswer(token);
    tx.exec_params(kDecide, idempotency_key, OutcomeOf(decided));
    return Decision{decided, true};
  });
  if (decision.decided_now && decision.answer.succeeded) {  // committed: the capture happened
    std::lock_guard lock(mutex_);
    ++captures_;
    captures_total_.Inc();
  }
  return decision;
}

void TestProvider::Refund(const std::string& idempotency_key, Then<ProviderResult> then) {
  AfterLatency([this, idempotency_key, then = std::move(then)] {
    then(Reply<ProviderResult>::From([&] { return DecideRefund(idempotency_key); }));
  });
}

ProviderResult TestProvider::DecideRefund(const std::string& idempotency_key) {
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
