// The PaymentWriter against a real PostgreSQL: a batch's writes in one commit, each write with
// its own answer — a second pending row of an order answered with the first, a transition made
// once and emitting once, a write the database refuses failing alone — and concurrent charges
// sharing commits and all ending right.
#include "payment_writer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <pqxx/pqxx>
#include <thread>
#include <vector>

#include "livedrop/core/executor.h"
#include "livedrop/core/ids.h"
#include "livedrop/metrics/registry.h"
#include "livedrop/testing/service_database.h"
#include "payment_app.h"
#include "payment_migrations.h"
#include "test_provider.h"

namespace livedrop::payment {
namespace {

using namespace std::chrono_literals;

metrics::Histogram& BatchSizes() {
  return metrics::Registry::Default().GetHistogram("livedrop_payment_write_batch_size", "", {});
}

class PaymentWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::make_unique<testing::ServiceDatabase>("payment", Migrations(), 16);
    writer_ = std::make_unique<PaymentWriter>(db_->pool(), CoalescerOptions{256, 1024});
  }

  static PaymentRow Fresh(const std::string& order_id, const std::string& currency = "EUR") {
    return PaymentRow{NewUuid(), order_id, NewUuid(), 2500, currency, PaymentState::kPending};
  }
  static PaymentWrite Pending(const PaymentRow& fresh) {
    return PaymentWrite{PendingWrite{fresh}, ""};
  }
  static PaymentWrite Succeed(const std::string& order_id) {
    return PaymentWrite{FinishWrite{order_id, PaymentState::kSucceeded, ""}, ""};
  }
  static PaymentWrite Fail(const std::string& order_id, const std::string& code) {
    return PaymentWrite{FinishWrite{order_id, PaymentState::kFailed, code}, ""};
  }
  long long Count(const std::string& sql) {
    pqxx::connection conn(db_->url());
    pqxx::nontransaction tx(conn);
    return tx.exec1(sql)[0].as<long long>();
  }
  // The transactions that last wrote these orders' payment rows.
  long long WritersOf(const std::vector<std::string>& order_ids) {
    std::string list;
    for (const auto& id : order_ids) list += (list.empty() ? "'" : ",'") + id + "'";
    return Count("SELECT count(DISTINCT xmin::text) FROM payment.payments WHERE order_id IN (" +
                 list + ")");
  }

  std::unique_ptr<testing::ServiceDatabase> db_;
  std::unique_ptr<PaymentWriter> writer_;
};

TEST_F(PaymentWriterTest, RunBatch_MixedWrites_EachGetsItsAnswer_OnlyWinningTransitionsEmit) {
  const std::string fresh = NewUuid(), to_succeed = NewUuid(), to_fail = NewUuid(),
                    done = NewUuid();
  std::vector<PaymentWrite> before{Pending(Fresh(to_succeed)), Pending(Fresh(to_fail)),
                                   Pending(Fresh(done))};
  writer_->RunBatch(before);
  std::vector<PaymentWrite> earlier{Succeed(done)};  // a transition already made
  ASSERT_TRUE(writer_->RunBatch(earlier)[0].changed);

  const auto first = Fresh(fresh), retry = Fresh(fresh);
  std::vector<PaymentWrite> batch{Pending(first),
                                  Pending(retry),  // the same order again: the first's row
                                  Succeed(to_succeed),
                                  Fail(to_fail, "card_declined"),
                                  Fail(done, "card_declined"),  // too late: it succeeded
                                  Pending(Fresh(done)),         // an order that has its payment
                                  Succeed(to_succeed)};         // a second driver: lost
  const auto out = writer_->RunBatch(batch);

  ASSERT_EQ(out.size(), batch.size());
  for (const auto& o : out) EXPECT_FALSE(o.failure);
  EXPECT_TRUE(out[0].changed);
  EXPECT_EQ(out[0].payment.id, first.id);
  EXPECT_EQ(out[0].payment.state, PaymentState::kPending);
  EXPECT_FALSE(out[1].changed);
  EXPECT_EQ(out[1].payment.id, first.id);
  EXPECT_TRUE(out[2].changed);
  EXPECT_EQ(out[2].payment.state, PaymentState::kSucceeded);
  EXPECT_TRUE(out[3].changed);
  EXPECT_EQ(out[3].payment.state, PaymentState::kFailed);
  EXPECT_EQ(out[3].payment.failure_code, "card_declined");
  EXPECT_FALSE(out[4].changed);
  EXPECT_EQ(out[4].payment.state, PaymentState::kSucceeded);
  EXPECT_FALSE(out[5].changed);
  EXPECT_EQ(out[5].payment.order_id, done);
  EXPECT_EQ(out[5].payment.state, PaymentState::kSucceeded);
  EXPECT_FALSE(out[6].changed);
  EXPECT_EQ(out[6].payment.state, PaymentState::kSucceeded);

  EXPECT_EQ(Count("SELECT count(*) FROM payment.payments"), 4);
  EXPECT_EQ(db_->OutboxCount("payment_succeeded", to_succeed), 1);
  EXPECT_EQ(db_->OutboxCount("payment_failed", to_fail), 1);
  EXPECT_EQ(db_->OutboxCount("payment_succeeded", done), 1);  // the earlier batch's
  EXPECT_EQ(db_->OutboxCount("payment_failed", done), 0);
  EXPECT_EQ(db_->OutboxSize(), 3);
  EXPECT_EQ(WritersOf({fresh, to_succeed, to_fail}), 1);  // one transaction
}

TEST_F(PaymentWriterTest, RunBatch_OneWriteRefusedByTheDatabase_OnlyThatWriteFails) {
  const std::string ok = NewUuid(), bad_currency = NewUuid(), no_code = NewUuid(),
                    to_succeed = NewUuid();
  std::vector<PaymentWrite> before{Pending(Fresh(no_code)), Pending(Fresh(to_succeed))};
  writer_->RunBatch(before);

  std::vector<PaymentWrite> batch{Pending(Fresh(ok)), Pending(Fresh(bad_currency, "euro")),
                                  Fail(no_code, ""),  // CHECK: a failed payment has a code
                                  Succeed(to_succeed)};
  const auto out = writer_->RunBatch(batch);

  ASSERT_EQ(out.size(), 4u);
  EXPECT_FALSE(out[0].failure);
  EXPECT_TRUE(out[0].changed);
  EXPECT_TRUE(out[1].failure);
  EXPECT_TRUE(out[2].failure);
  EXPECT_FALSE(out[3].failure);
  EXPECT_TRUE(out[3].changed);
  EXPECT_EQ(Count("SELECT count(*) FROM payment.payments"), 3);  // not the one in "euro"
  EXPECT_EQ(Count("SELECT count(*) FROM payment.payments WHERE state = 'pending'"), 2);
  EXPECT_EQ(db_->OutboxCount("payment_succeeded", to_succeed), 1);
  EXPECT_EQ(db_->OutboxCount("payment_failed"), 0);
}

TEST_F(PaymentWriterTest, Submit_RefusedWrite_ThrowsToItsCallerOnly) {
  const std::string order = NewUuid();
  EXPECT_ANY_THROW(writer_->RecordPending(Fresh(order, "euro")));
  const auto recorded = writer_->RecordPending(Fresh(order));
  EXPECT_EQ(recorded.state, PaymentState::kPending);
  const auto change = writer_->MarkFailed(order, "card_declined");
  EXPECT_TRUE(change.changed);
  EXPECT_FALSE(writer_->MarkSucceeded(order).changed);
  EXPECT_EQ(writer_->MarkSucceeded(order).payment.state, PaymentState::kFailed);
}

ProviderResult AnswerOf(const std::string& token) { return TestTokenAnswer(token); }

TEST_F(PaymentWriterTest, ConcurrentCharges_ShareCommits_AndEachOrderEndsOnceAsItsTokenSays) {
  writer_ = std::make_unique<PaymentWriter>(db_->pool(), CoalescerOptions{256, 1024}, 2);
  Executor processor(ExecutorOptions{"test processor", 8});
  TestProvider provider(db_->pool(), processor, TestProviderOptions{2s, 0ms});
  const double batches_before = static_cast<double>(BatchSizes().Count());
  const double writes_before = BatchSizes().Sum();
  {
    PaymentApp app(*writer_, provider, 16);
    constexpr int kOrders = 96;
    std::vector<ChargeInput> inputs;
    for (int i = 0; i < kOrders; ++i) {
      inputs.push_back(ChargeInput{NewUuid(), NewUuid(), 1000 + i, "EUR",
                                   i % 3 == 0 ? "tok_chargeDeclined" : "tok_visa"});
    }
    std::vector<std::thread> threads;
    std::atomic<int> wrong{0};
    for (int t = 0; t < 2 * kOrders; ++t) {  // every order charged twice at once: a retry race
      threads.emplace_back([&, t] {
        const auto& in = inputs[t / 2];
        const auto row =
            Await<PaymentRow>([&](Then<PaymentRow> then) { app.Charge(in, std::move(then)); });
        const auto expected =
            AnswerOf(in.payment_token).succeeded ? PaymentState::kSucceeded : PaymentState::kFailed;
        if (row.state != expected || row.order_id != in.order_id) ++wrong;
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(wrong.load(), 0);
    EXPECT_EQ(Count("SELECT count(*) FROM payment.payments WHERE state = 'succeeded'"), 64);
    EXPECT_EQ(Count("SELECT count(*) FROM payment.payments WHERE state = 'failed'"), 32);
    EXPECT_EQ(db_->OutboxCount("payment_succeeded"), 64);
    EXPECT_EQ(db_->OutboxCount("payment_failed"), 32);
    EXPECT_EQ(provider.captures(), 64);
  }
  const double batches = static_cast<double>(BatchSizes().Count()) - batches_before;
  const double writes = BatchSizes().Sum() - writes_before;
  EXPECT_GE(writes, 2 * 96);  // each order's pending row and transition, retries besides
  EXPECT_LT(batches, writes);
}

}  // namespace
}  // namespace livedrop::payment
