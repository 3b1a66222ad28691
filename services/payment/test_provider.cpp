#include "test_provider.h"

#include <algorithm>
#include <optional>
#include <pqxx/pqxx>
#include <unordered_map>

#include "livedrop/core/executor.h"
#include "livedrop/grpc/proto_values.h"
#include "livedrop/metrics/registry.h"
#include "livedrop/pg/arrays.h"
#include "livedrop/pg/batch_writes.h"
#include "livedrop/pg/pool.h"
#include "livedrop/pg/statement.h"

namespace livedrop::payment {
namespace {

constexpr char kCaptured[] = "captured";

// The charges of a batch (each key once): the first call with a key inserts it with its
// decision (a concurrent one waits on the key's index entry until that transaction ends); a
// later one finds the answer. Keys are inserted in key order, so two instances' batches that
// share keys wait on each other in one order rather than deadlock.
constexpr pg::Statement kClaimMany{"test_processor_claim_many", R"sql(
  INSERT INTO test_processor_charges (idempotency_key, amount, currency, outcome)
  SELECT idempotency_key, amount, currency, outcome
    FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[])
         AS c(idempotency_key, amount, currency, outcome)
   ORDER BY idempotency_key
  ON CONFLICT (idempotency_key) DO NOTHING RETURNING idempotency_key
)sql"};
constexpr pg::Statement kAnswersOf{"test_processor_answers_of", R"sql(
  SELECT idempotency_key, outcome FROM test_processor_charges
   WHERE idempotency_key = ANY($1::text[])
)sql"};
constexpr char kAnswerOf[] =
    "SELECT outcome, refunded FROM test_processor_charges WHERE idempotency_key = $1";
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

metrics::Histogram& LedgerBatchSizes() {
  static auto& histogram = metrics::Registry::Default().GetHistogram(
      "livedrop_payment_provider_batch_size", "Test processor charges decided per commit",
      {1, 2, 4, 8, 16, 32, 64, 128, 256});
  return histogram;
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
          "Captured charges the test payment provider really refunded")),
      lanes_(static_cast<std::size_t>(std::max(options.ledger_lanes, 1))),
      coalescer_(std::make_unique<Coalescer<LedgerCharge, LedgerDecision>>(
          options.ledger_batching,
          [this](const std::string&, std::vector<LedgerCharge>& batch) {
            return RunLedgerBatch(batch);
          },
          Coalescer<LedgerCharge, LedgerDecision>::Hooks{
              [](std::size_t n) { LedgerBatchSizes().Observe(static_cast<double>(n)); }, {}})) {
  for (std::size_t i = 0; i < lanes_.size(); ++i) lanes_[i] = "ledger-" + std::to_string(i);
}

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
    std::optional<LedgerDecision> decision;
    try {
      decision = DecideCharge(LedgerCharge{idempotency_key, amount, currency, token});
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

LedgerDecision TestProvider::DecideCharge(LedgerCharge charge) {
  const auto& lane = lanes_[std::hash<std::string>{}(charge.idempotency_key) % lanes_.size()];
  auto decision = coalescer_->Submit(lane, std::move(charge));
  if (decision.failure) std::rethrow_exception(decision.failure);
  if (decision.decided_now && decision.answer.succeeded) {  // committed: the capture happened
    std::lock_guard lock(mutex_);
    ++captures_;
    captures_total_.Inc();
  }
  return decision;
}

// One INSERT of the new keys with their decisions (atomic by itself) and, for keys decided
// before, one read of their answers (ON CONFLICT waited for a concurrent claim to commit, so
// the read sees it): autocommitted, no BEGIN / COMMIT round trips.
std::vector<LedgerDecision> TestProvider::RunLedgerTogether(std::vector<LedgerCharge>& batch) {
  return ledger_.AutoCommit([&](pqxx::nontransaction& tx) {
    // Each key once: its first charge in the batch is the one that may decide it.
    std::unordered_map<std::string, std::size_t> first;
    std::vector<std::string> keys, amounts, currencies, outcomes;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (!first.emplace(batch[i].idempotency_key, i).second) continue;
      keys.push_back(batch[i].idempotency_key);
      amounts.push_back(std::to_string(batch[i].amount));
      currencies.push_back(batch[i].currency);
      outcomes.push_back(OutcomeOf(TestTokenAnswer(batch[i].token)));
    }
    std::unordered_map<std::string, bool> claimed;
    for (const auto& row :
         pg::Exec(tx, kClaimMany, pg::ArrayLiteral(keys), pg::ArrayLiteral(amounts),
                  pg::ArrayLiteral(currencies), pg::ArrayLiteral(outcomes))) {
      claimed[row[0].as<std::string>()] = true;
    }
    std::vector<std::string> known;
    for (const auto& key : keys) {
      if (!claimed.count(key)) known.push_back(key);
    }
    std::unordered_map<std::string, std::string> answers;  // of keys decided before
    if (!known.empty()) {
      for (const auto& row : pg::Exec(tx, kAnswersOf, pg::ArrayLiteral(known))) {
        answers[row[0].as<std::string>()] = row[1].as<std::string>();
      }
    }
    std::vector<LedgerDecision> out(batch.size());
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const auto& key = batch[i].idempotency_key;
      if (claimed.count(key)) {
        out[i].answer = TestTokenAnswer(batch[first.at(key)].token);
        out[i].decided_now = first.at(key) == i;
      } else {
        const auto it = answers.find(key);
        if (it == answers.end()) {
          throw Error(ErrorKind::kInternal, "charge_vanished", "a key neither claimed nor found");
        }
        out[i].answer = ResultOf(it->second);
      }
    }
    return out;
  });
}

std::vector<LedgerDecision> TestProvider::RunLedgerBatch(std::vector<LedgerCharge>& batch) {
  return pg::RunTogetherOrEachAlone(
      batch, [this](std::vector<LedgerCharge>& charges) { return RunLedgerTogether(charges); });
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
