// Payments against a real PostgreSQL and the test provider: one capture per order whatever
// the retries, races and crashes; events written once by the transition that wins.
#include <gtest/gtest.h>

#include <atomic>
#include <pqxx/pqxx>
#include <set>
#include <thread>

#include "livedrop/core/executor.h"
#include "livedrop/core/ids.h"
#include "livedrop/testing/errors.h"
#include "livedrop/testing/service_database.h"
#include "payment_app.h"
#include "payment_migrations.h"
#include "payment_writer.h"
#include "test_provider.h"

namespace livedrop::payment {
namespace {

using namespace std::chrono_literals;
using testing::ErrorCodeOf;

// A processor that cannot be reached for its first `failures` charges.
class UnreachableProvider final : public PaymentProvider {
 public:
  UnreachableProvider(PaymentProvider& next, int failures) : next_(next), failures_(failures) {}
  void Charge(const std::string& order_id, std::int64_t amount, const std::string& currency,
              const std::string& token, Then<ProviderResult> then) override {
    if (failures_-- > 0) {
      return then(Reply<ProviderResult>::Failed(std::make_exception_ptr(
          Error(ErrorKind::kUnavailable, "provider_unavailable", "processor unreachable"))));
    }
    next_.Charge(order_id, amount, currency, token, std::move(then));
  }
  void Refund(const std::string& order_id, Then<ProviderResult> then) override {
    next_.Refund(order_id, std::move(then));
  }

 private:
  PaymentProvider& next_;
  std::atomic<int> failures_;
};

// The asynchronous calls, waited for.
PaymentRow Charge(PaymentApp& app, const ChargeInput& in) {
  return Await<PaymentRow>([&](Then<PaymentRow> then) { app.Charge(in, std::move(then)); });
}
PaymentRow Refund(PaymentApp& app, const std::string& order_id) {
  return Await<PaymentRow>([&](Then<PaymentRow> then) { app.Refund(order_id, std::move(then)); });
}
ProviderResult Ask(PaymentProvider& provider, const std::string& key, const ChargeInput& in) {
  return Await<ProviderResult>([&](Then<ProviderResult> then) {
    provider.Charge(key, in.amount, in.currency, in.payment_token, std::move(then));
  });
}

class PaymentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::make_unique<testing::ServiceDatabase>("payment", Migrations(), 16);
    url_ = db_->url();
    pool_ = &db_->pool();
    repository_ = std::make_unique<PaymentWriter>(*pool_);
    processor_ = std::make_unique<Executor>(ExecutorOptions{"test processor", 4});
    provider_ =
        std::make_unique<TestProvider>(*pool_, *processor_, TestProviderOptions{100ms, 0ms});
  }
  ChargeInput Input(const std::string& token = "tok_visa") {
    return ChargeInput{NewUuid(), NewUuid(), 2500, "EUR", token};
  }
  int Count(const std::string& sql, const std::string& param) {
    pqxx::connection conn(url_);
    pqxx::work tx(conn);
    return tx.exec_params1(sql, param)[0].as<int>();
  }
  int Events(const std::string& order_id, const std::string& type) {
    return db_->OutboxCount(type, order_id);
  }
  int Rows(const std::string& order_id, const std::string& state) {
    pqxx::connection conn(url_);
    pqxx::work tx(conn);
    return tx
        .exec_params1(
            "SELECT count(*) FROM payment.payments WHERE order_id = $1 AND "
            "state = $2",
            order_id, state)[0]
        .as<int>();
  }
  // A pending payment as a first attempt records it; returns its id (the processor's key).
  std::string InsertPending(const ChargeInput& in) {
    pqxx::connection conn(url_);
    pqxx::work tx(conn);
    const std::string id = NewUuid();
    tx.exec_params(
        "INSERT INTO payment.payments (order_id, id, buyer_id, amount, currency, "
        "state) VALUES ($1, $2, $3, $4, $5, 'pending')",
        in.order_id, id, in.buyer_id, in.amount, in.currency);
    tx.commit();
    return id;
  }

  std::unique_ptr<testing::ServiceDatabase> db_;
  std::string url_;
  pg::Pool* pool_ = nullptr;
  std::unique_ptr<PaymentWriter> repository_;
  std::unique_ptr<Executor> processor_;  // before the providers: goes after them
  std::unique_ptr<TestProvider> provider_;
};

TEST_F(PaymentTest, Charge_Visa_Succeeds) {
  PaymentApp payments(*repository_, *provider_);
  const auto in = Input("tok_visa");
  const auto p = Charge(payments, in);
  EXPECT_EQ(p.state, PaymentState::kSucceeded);
  EXPECT_EQ(p.failure_code, "");
  EXPECT_EQ(p.order_id, in.order_id);
  EXPECT_EQ(p.buyer_id, in.buyer_id);
  EXPECT_EQ(p.amount, 2500);
  EXPECT_EQ(p.currency, "EUR");
  EXPECT_TRUE(IsUuid(p.id));
  EXPECT_EQ(Rows(in.order_id, "succeeded"), 1);
  EXPECT_EQ(Events(in.order_id, "payment_succeeded"), 1);
  EXPECT_EQ(provider_->captures(), 1);
}

TEST_F(PaymentTest, Charge_EachFailingToken_FailsWithItsCodeAndNoCapture) {
  PaymentApp payments(*repository_, *provider_);
  for (const auto& [token, code] : std::vector<std::pair<std::string, std::string>>{
           {"tok_chargeDeclined", "card_declined"},
           {"tok_chargeDeclinedInsufficientFunds", "insufficient_funds"},
           {"tok_timeout", "provider_timeout"},
           {"tok_nonsense", "invalid_payment_token"}}) {
    const auto in = Input(token);
    const auto p = Charge(payments, in);
    EXPECT_EQ(p.state, PaymentState::kFailed) << token;
    EXPECT_EQ(p.failure_code, code) << token;
    EXPECT_EQ(Rows(in.order_id, "failed"), 1) << token;
    EXPECT_EQ(Events(in.order_id, "payment_failed"), 1) << token;
    EXPECT_EQ(Events(in.order_id, "payment_succeeded"), 0) << token;
  }
  EXPECT_EQ(provider_->captures(), 0);
}

TEST_F(PaymentTest, Charge_TimeoutToken_FailsAfterTheProviderTimeout) {
  PaymentApp payments(*repository_, *provider_);
  const auto started = std::chrono::steady_clock::now();
  const auto p = Charge(payments, Input("tok_timeout"));
  EXPECT_GE(std::chrono::steady_clock::now() - started, 100ms);
  EXPECT_EQ(p.state, PaymentState::kFailed);
  EXPECT_EQ(p.failure_code, "provider_timeout");
}

TEST_F(PaymentTest, Charge_SameOrderTwice_CapturesOnce) {
  PaymentApp payments(*repository_, *provider_);
  const auto in = Input();
  const auto first = Charge(payments, in);
  const auto second = Charge(payments, in);
  EXPECT_EQ(first.id, second.id);
  EXPECT_EQ(second.state, PaymentState::kSucceeded);
  EXPECT_EQ(provider_->captures(), 1);
  EXPECT_EQ(Rows(in.order_id, "succeeded"), 1);
  EXPECT_EQ(Events(in.order_id, "payment_succeeded"), 1);
}

TEST_F(PaymentTest, Charge_SameOrderFromEightThreads_CapturesOnceAndEmitsOnce) {
  TestProvider slow(*pool_, *processor_,
                    TestProviderOptions{2s, 30ms});  // keeps the charges overlapping
  PaymentApp payments(*repository_, slow);
  const auto in = Input();
  std::mutex mutex;
  std::set<std::string> ids;
  std::atomic<int> succeeded{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      const auto p = Charge(payments, in);
      if (p.state == PaymentState::kSucceeded) succeeded++;
      std::lock_guard lock(mutex);
      ids.insert(p.id);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(succeeded.load(), 8);
  EXPECT_EQ(ids.size(), 1u);
  EXPECT_EQ(slow.captures(), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM payment.payments WHERE order_id = $1", in.order_id), 1);
  EXPECT_EQ(Events(in.order_id, "payment_succeeded"), 1);
}

TEST_F(PaymentTest, Charge_AfterDecline_ReturnsTheFailedPaymentWithoutCharging) {
  PaymentApp payments(*repository_, *provider_);
  auto in = Input("tok_chargeDeclined");
  Charge(payments, in);
  in.payment_token = "tok_visa";
  const auto retry = Charge(payments, in);
  EXPECT_EQ(retry.state, PaymentState::kFailed);
  EXPECT_EQ(retry.failure_code, "card_declined");
  EXPECT_EQ(provider_->captures(), 0);
  EXPECT_EQ(Events(in.order_id, "payment_failed"), 1);
}

TEST_F(PaymentTest, Charge_SameOrderOtherBuyerAmountOrCurrency_IsAMismatch) {
  PaymentApp payments(*repository_, *provider_);
  const auto in = Input();
  Charge(payments, in);
  auto other_amount = in;
  other_amount.amount = 1;
  auto other_buyer = in;
  other_buyer.buyer_id = NewUuid();
  auto other_currency = in;
  other_currency.currency = "USD";
  EXPECT_EQ(ErrorCodeOf([&] { Charge(payments, other_amount); }), "payment_mismatch");
  EXPECT_EQ(ErrorCodeOf([&] { Charge(payments, other_buyer); }), "payment_mismatch");
  EXPECT_EQ(ErrorCodeOf([&] { Charge(payments, other_currency); }), "payment_mismatch");
  EXPECT_EQ(payments.GetPayment(in.order_id).amount, 2500);
  EXPECT_EQ(provider_->captures(), 1);
}

TEST_F(PaymentTest, Charge_PendingMismatch_NeverReachesTheProvider) {
  PaymentApp payments(*repository_, *provider_);
  const auto in = Input();
  InsertPending(in);
  auto other = in;
  other.amount = 1;
  EXPECT_EQ(ErrorCodeOf([&] { Charge(payments, other); }), "payment_mismatch");
  EXPECT_EQ(provider_->captures(), 0);
  EXPECT_EQ(payments.GetPayment(in.order_id).state, PaymentState::kPending);
}

TEST_F(PaymentTest, Charge_BadInput_IsValidationFailedAndStoresNothing) {
  PaymentApp payments(*repository_, *provider_);
  auto in = Input();
  in.currency = "eur";
  EXPECT_EQ(ErrorCodeOf([&] { Charge(payments, in); }), "validation_failed");
  EXPECT_EQ(Count("SELECT count(*) FROM payment.payments WHERE order_id = $1", in.order_id), 0);
}

TEST_F(PaymentTest, Charge_PendingLeftByACrash_IsCompletedByTheNextCharge) {
  PaymentApp payments(*repository_, *provider_);
  const auto in = Input();
  InsertPending(in);
  const auto p = Charge(payments, in);
  EXPECT_EQ(p.state, PaymentState::kSucceeded);
  EXPECT_EQ(provider_->captures(), 1);
  EXPECT_EQ(Rows(in.order_id, "succeeded"), 1);
  EXPECT_EQ(Events(in.order_id, "payment_succeeded"), 1);
}

TEST_F(PaymentTest, Charge_CrashAfterTheCapture_CompletesWithoutASecondCapture) {
  PaymentApp payments(*repository_, *provider_);
  const auto in = Input();
  // The first attempt recorded pending and the processor captured, then the process died
  // before recording the outcome.
  const auto key = InsertPending(in);
  ASSERT_TRUE(Ask(*provider_, key, in).succeeded);
  const auto p = Charge(payments, in);
  EXPECT_EQ(p.state, PaymentState::kSucceeded);
  EXPECT_EQ(provider_->captures(), 1);
  EXPECT_EQ(Events(in.order_id, "payment_succeeded"), 1);
}

TEST_F(PaymentTest, Charge_ProviderUnreachable_StaysPendingAndTheRetryCompletesIt) {
  UnreachableProvider flaky(*provider_, 1);
  PaymentApp payments(*repository_, flaky);
  const auto in = Input();
  EXPECT_EQ(ErrorCodeOf([&] { Charge(payments, in); }), "provider_unavailable");
  EXPECT_EQ(payments.GetPayment(in.order_id).state, PaymentState::kPending);
  EXPECT_EQ(Events(in.order_id, "payment_succeeded"), 0);
  EXPECT_EQ(Charge(payments, in).state, PaymentState::kSucceeded);
  EXPECT_EQ(provider_->captures(), 1);
  EXPECT_EQ(Events(in.order_id, "payment_succeeded"), 1);
}

TEST_F(PaymentTest, Refund_SucceededPayment_IsRefundedOnceAndIdempotent) {
  PaymentApp payments(*repository_, *provider_);
  const auto in = Input();
  Charge(payments, in);
  const auto first = Refund(payments, in.order_id);
  const auto second = Refund(payments, in.order_id);
  EXPECT_EQ(first.state, PaymentState::kRefunded);
  EXPECT_EQ(second.state, PaymentState::kRefunded);
  EXPECT_EQ(first.id, second.id);
  EXPECT_EQ(provider_->refunds(), 1);
  EXPECT_EQ(Rows(in.order_id, "refunded"), 1);
  EXPECT_EQ(Events(in.order_id, "payment_refunded"), 1);
  // A charge retried after the refund returns the refunded payment; it never charges again.
  EXPECT_EQ(Charge(payments, in).state, PaymentState::kRefunded);
  EXPECT_EQ(provider_->captures(), 1);
}

TEST_F(PaymentTest, Refund_FailedOrPending_IsNotRefundable) {
  PaymentApp payments(*repository_, *provider_);
  const auto declined = Input("tok_chargeDeclined");
  Charge(payments, declined);
  EXPECT_EQ(ErrorCodeOf([&] { Refund(payments, declined.order_id); }), "payment_not_refundable");
  const auto pending = Input();
  InsertPending(pending);
  EXPECT_EQ(ErrorCodeOf([&] { Refund(payments, pending.order_id); }), "payment_not_refundable");
  EXPECT_EQ(provider_->refunds(), 0);
  EXPECT_EQ(Events(declined.order_id, "payment_refunded"), 0);
}

TEST_F(PaymentTest, RefundAndGet_UnknownOrder_IsNotFound) {
  PaymentApp payments(*repository_, *provider_);
  EXPECT_EQ(ErrorCodeOf([&] { Refund(payments, NewUuid()); }), "not_found");
  EXPECT_EQ(ErrorCodeOf([&] { payments.GetPayment(NewUuid()); }), "not_found");
  EXPECT_EQ(ErrorCodeOf([&] { payments.GetPayment("not-a-uuid"); }), "not_found");
  EXPECT_EQ(ErrorCodeOf([&] { Refund(payments, "not-a-uuid"); }), "validation_failed");
}

TEST_F(PaymentTest, GetPayment_ReturnsTheStoredPayment) {
  PaymentApp payments(*repository_, *provider_);
  const auto in = Input("tok_chargeDeclinedInsufficientFunds");
  const auto charged = Charge(payments, in);
  const auto got = payments.GetPayment(in.order_id);
  EXPECT_EQ(got.id, charged.id);
  EXPECT_EQ(got.state, PaymentState::kFailed);
  EXPECT_EQ(got.failure_code, "insufficient_funds");
  EXPECT_GE(got.updated_at, got.created_at);
}

TEST_F(PaymentTest, Database_RefusesAnUnknownStateNegativeAmountOrBadCurrency) {
  auto insert = [&](const std::string& amount, const std::string& currency,
                    const std::string& state) {
    pqxx::connection conn(url_);
    pqxx::work tx(conn);
    tx.exec_params(
        "INSERT INTO payment.payments (order_id, id, buyer_id, amount, currency, "
        "state) VALUES ($1, $2, $3, $4::bigint, $5, $6)",
        NewUuid(), NewUuid(), NewUuid(), amount, currency, state);
  };
  EXPECT_NO_THROW(insert("0", "EUR", "pending"));
  EXPECT_THROW(insert("-1", "EUR", "pending"), pqxx::check_violation);
  EXPECT_THROW(insert("1", "eur", "pending"), pqxx::check_violation);
  EXPECT_THROW(insert("1", "EUR", "captured"), pqxx::check_violation);
}

// What a restart or another instance sees: a processor object that never heard of the charge.
// Its ledger (the processor's own database) still knows the key, so nothing is captured twice.
TEST_F(PaymentTest, Charge_CrashAfterTheCaptureThenARestart_CapturesOnce) {
  const auto in = Input();
  const auto key = InsertPending(in);
  {
    TestProvider before_the_crash(*pool_, *processor_);
    ASSERT_TRUE(Ask(before_the_crash, key, in).succeeded);
  }  // the process died before recording the outcome
  TestProvider after_the_restart(*pool_, *processor_);
  PaymentApp payments(*repository_, after_the_restart);
  EXPECT_EQ(Charge(payments, in).state, PaymentState::kSucceeded);
  EXPECT_EQ(after_the_restart.captures(), 0) << "the restarted instance captured again";
  EXPECT_EQ(Count("SELECT count(*) FROM payment.test_processor_charges WHERE "
                  "idempotency_key = $1 AND outcome = 'captured'",
                  key),
            1);
  EXPECT_EQ(Events(in.order_id, "payment_succeeded"), 1);
}

TEST_F(PaymentTest, Charge_TwoInstancesRacingOnOneOrder_CaptureOnce) {
  const auto in = Input();
  TestProvider first_processor(*pool_, *processor_, TestProviderOptions{2s, 30ms});
  TestProvider second_processor(*pool_, *processor_, TestProviderOptions{2s, 30ms});
  PaymentWriter second_repository(*pool_);
  PaymentApp first(*repository_, first_processor);
  PaymentApp second(second_repository, second_processor);
  std::vector<std::thread> threads;
  std::atomic<int> succeeded{0};
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&, i] {
      if (Charge(i % 2 == 0 ? first : second, in).state == PaymentState::kSucceeded) {
        ++succeeded;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(succeeded.load(), 6);
  EXPECT_EQ(first_processor.captures() + second_processor.captures(), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM payment.test_processor_charges WHERE amount = 2500 AND "
                  "idempotency_key = (SELECT id::text FROM payment.payments WHERE order_id = $1)",
                  in.order_id),
            1);
  EXPECT_EQ(Events(in.order_id, "payment_succeeded"), 1);
}

}  // namespace
}  // namespace livedrop::payment
