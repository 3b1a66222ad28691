// The OrderWriter against a real PostgreSQL: a batch's writes in one commit, each write with its
// own answer — a refused order failing alone, a key repeated within a batch claimed once, two
// changes of one order applied in turn — and concurrent buyers sharing commits correctly.
#include "order_writer.h"

#include <gtest/gtest.h>

#include <map>
#include <pqxx/pqxx>
#include <thread>

#include "livedrop/core/ids.h"
#include "livedrop/pg/pool.h"
#include "livedrop/testing/service_database.h"
#include "orders_migrations.h"
#include "orders_store.h"

namespace livedrop::orders {
namespace {

using namespace std::chrono_literals;

class OrderWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::make_unique<testing::ServiceDatabase>("orders", Migrations(), 16);
    writer_ = std::make_unique<OrderWriter>(db_->pool(), 15s, CoalescerOptions{256, 1024});
  }

  static OrderRow NewOrder(const std::string& buyer, const std::string& currency = "EUR") {
    OrderRow o;
    o.id = NewUuid();
    o.buyer_id = buyer;
    o.drop_id = kDrop;
    o.quantity = 1;
    o.amount = 2500;
    o.currency = currency;
    o.payment_token = "tok_visa";
    return o;
  }
  static OrderWrite Place(const OrderRow& o, const std::string& key, const std::string& hash) {
    return OrderWrite{PlaceWrite{o, key, hash}, ""};
  }
  static OrderWrite Move(OrderRow o, Stage from, Stage to,
                         OrderStatus status = OrderStatus::kPending) {
    o.stage = from;
    return OrderWrite{MoveWrite{o, to, status, ""}, ""};
  }
  void ConcurrentBuyers(int lanes);
  long long Count(const std::string& sql) {
    pqxx::connection conn(db_->url());
    pqxx::nontransaction tx(conn);
    return tx.exec1(sql)[0].as<long long>();
  }

  static constexpr const char* kDrop = "00000000-0000-4000-8000-0000000000d1";
  std::unique_ptr<testing::ServiceDatabase> db_;
  std::unique_ptr<OrderWriter> writer_;
};

TEST_F(OrderWriterTest, RunBatch_OneOrderRefusedByTheDatabase_TheOthersAreWritten) {
  const auto a = NewOrder(NewUuid()), b = NewOrder(NewUuid(), "euro"), c = NewOrder(NewUuid());
  std::vector<OrderWrite> batch{Place(a, "k", "h"), Place(b, "k", "h"), Place(c, "k", "h")};
  const auto out = writer_->RunBatch(batch);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_FALSE(out[0].failure);
  ASSERT_TRUE(out[0].row);
  EXPECT_EQ(out[0].row->id, a.id);
  EXPECT_EQ(out[0].row->stage, Stage::kPlaced);
  EXPECT_TRUE(out[1].failure);  // currency CHECK
  EXPECT_FALSE(out[1].row);
  ASSERT_TRUE(out[2].row);
  EXPECT_EQ(out[2].row->id, c.id);
  EXPECT_EQ(Count("SELECT count(*) FROM orders.orders"), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM orders.idempotency_keys"), 2);
  EXPECT_EQ(db_->OutboxCount("order_placed"), 2);
  EXPECT_EQ(db_->OutboxCount("order_placed", b.id), 0);
}

TEST_F(OrderWriterTest, RunBatch_SameKeyTwiceInOneBatch_OneOrderAndTheSecondGetsTheFirstsClaim) {
  const std::string buyer = NewUuid();
  const auto first = NewOrder(buyer), second = NewOrder(buyer);
  std::vector<OrderWrite> batch{Place(first, "same", "hash-1"), Place(second, "same", "hash-2")};
  const auto out = writer_->RunBatch(batch);
  ASSERT_TRUE(out[0].row);
  EXPECT_FALSE(out[0].existing_key);
  EXPECT_FALSE(out[1].row);
  ASSERT_TRUE(out[1].existing_key);
  EXPECT_EQ(out[1].existing_key->order_id, first.id);
  EXPECT_EQ(out[1].existing_key->request_hash, "hash-1");
  EXPECT_EQ(Count("SELECT count(*) FROM orders.orders"), 1);
  EXPECT_EQ(db_->OutboxCount("order_placed"), 1);
}

TEST_F(OrderWriterTest, Place_KeyClaimedByAnEarlierBatch_ReturnsThatClaim) {
  const std::string buyer = NewUuid();
  const auto first = NewOrder(buyer);
  ASSERT_TRUE(std::holds_alternative<OrderRow>(writer_->Place(PlaceWrite{first, "k", "h"})));
  const auto again = writer_->Place(PlaceWrite{NewOrder(buyer), "k", "h"});
  ASSERT_TRUE(std::holds_alternative<OrdersStore::KeyRow>(again));
  EXPECT_EQ(std::get<OrdersStore::KeyRow>(again).order_id, first.id);
  // Another buyer's same key is another claim.
  const auto other = writer_->Place(PlaceWrite{NewOrder(NewUuid()), "k", "h"});
  EXPECT_TRUE(std::holds_alternative<OrderRow>(other));
  EXPECT_EQ(Count("SELECT count(*) FROM orders.orders"), 2);
}

TEST_F(OrderWriterTest, FindKeys_AnswersEachRefInOrder_NothingForAKeyNeverClaimed) {
  const std::string buyer = NewUuid();
  const auto a = NewOrder(buyer), b = NewOrder(buyer);
  std::vector<OrderWrite> batch{Place(a, "a", "hash-a"), Place(b, "b", "hash-b")};
  writer_->RunBatch(batch);
  const auto found = db_->pool().AutoCommit([&](pqxx::nontransaction& tx) {
    return OrdersStore::FindKeys(tx,
                                 {{buyer, "b"}, {buyer, "never"}, {NewUuid(), "a"}, {buyer, "a"}});
  });
  ASSERT_EQ(found.size(), 4u);
  ASSERT_TRUE(found[0]);
  EXPECT_EQ(found[0]->order_id, b.id);
  EXPECT_EQ(found[0]->request_hash, "hash-b");
  EXPECT_FALSE(found[1]);
  EXPECT_FALSE(found[2]);  // another buyer's key "a"
  ASSERT_TRUE(found[3]);
  EXPECT_EQ(found[3]->order_id, a.id);
}

TEST_F(OrderWriterTest, RunBatch_TwoChangesOfOneOrder_ApplyInTurn_AndAStaleOneIsNotApplied) {
  const auto o = NewOrder(NewUuid());
  const auto other = NewOrder(NewUuid());
  std::vector<OrderWrite> place{Place(o, "k1", "h"), Place(other, "k2", "h")};
  writer_->RunBatch(place);
  std::vector<OrderWrite> batch{Move(o, Stage::kPlaced, Stage::kReserved),
                                Move(o, Stage::kReserved, Stage::kCharging),
                                Move(other, Stage::kCharging, Stage::kCharged)};  // stale
  const auto out = writer_->RunBatch(batch);
  ASSERT_TRUE(out[0].row);
  EXPECT_EQ(out[0].row->stage, Stage::kReserved);
  ASSERT_TRUE(out[1].row);
  EXPECT_EQ(out[1].row->stage, Stage::kCharging);
  EXPECT_FALSE(out[2].row);
  EXPECT_FALSE(out[2].failure);
  EXPECT_EQ(Count("SELECT count(*) FROM orders.orders WHERE stage = 'charging'"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM orders.orders WHERE stage = 'placed'"), 1);
}

TEST_F(OrderWriterTest, RunBatch_TheTokenIsKeptWhileACharge_MayBeMade_AndForgottenPastIt) {
  const auto o = NewOrder(NewUuid());
  const auto cancelled = NewOrder(NewUuid());
  std::vector<OrderWrite> place{Place(o, "k1", "h"), Place(cancelled, "k2", "h")};
  writer_->RunBatch(place);
  const auto token_of = [&](const std::string& id) {
    pqxx::connection conn(db_->url());
    pqxx::nontransaction tx(conn);
    return tx.exec_params1("SELECT payment_token FROM orders.orders WHERE id = $1", id)[0]
        .as<std::string>();
  };
  std::vector<OrderWrite> to_charging{Move(o, Stage::kPlaced, Stage::kReserved),
                                      Move(o, Stage::kReserved, Stage::kCharging)};
  writer_->RunBatch(to_charging);
  EXPECT_EQ(token_of(o.id), "tok_visa");  // a crash now: recovery charges with it
  std::vector<OrderWrite> charged{Move(o, Stage::kCharging, Stage::kCharged),
                                  Move(cancelled, Stage::kPlaced, Stage::kReleasing)};
  const auto out = writer_->RunBatch(charged);
  ASSERT_TRUE(out[0].row);
  EXPECT_EQ(out[0].row->stage, Stage::kCharged);
  EXPECT_EQ(token_of(o.id), "");
  EXPECT_EQ(token_of(cancelled.id), "");
  EXPECT_EQ(Count("SELECT count(*) FROM orders.orders WHERE payment_token <> ''"), 0);
}

TEST_F(OrderWriterTest, RunBatch_OrdersReachingDone_WriteTheirOutcomeEventsInTheSameCommit) {
  auto ok = NewOrder(NewUuid()), declined = NewOrder(NewUuid());
  std::vector<OrderWrite> place{Place(ok, "k1", "h"), Place(declined, "k2", "h")};
  writer_->RunBatch(place);
  std::vector<OrderWrite> batch{
      Move(ok, Stage::kPlaced, Stage::kDone, OrderStatus::kConfirmed),
      OrderWrite{MoveWrite{declined, Stage::kDone, OrderStatus::kFailed, "card_declined"}, ""},
      Move(ok, Stage::kPlaced, Stage::kDone, OrderStatus::kConfirmed)};  // a second driver: lost
  const auto out = writer_->RunBatch(batch);
  ASSERT_TRUE(out[0].row);
  EXPECT_EQ(out[0].row->status, OrderStatus::kConfirmed);
  ASSERT_TRUE(out[1].row);
  EXPECT_EQ(out[1].row->failure_code, "card_declined");
  EXPECT_FALSE(out[2].row);
  EXPECT_EQ(db_->OutboxCount("order_confirmed", ok.id), 1);
  EXPECT_EQ(db_->OutboxCount("order_failed", declined.id), 1);
  EXPECT_EQ(db_->OutboxCount("order_placed"), 2);
}

// The SQL of a cancelled drop's withdrawal on the real table: unpaid and confirmed orders of
// the drop are withdrawn once each, nothing else; the refund's move sets `refunded`, and the
// refunded order's outcome is order_refunded.
TEST_F(OrderWriterTest, WithdrawForCancelledDrop_EachOrderOnce_ThenRefundedOnesSayOrderRefunded) {
  auto placed = NewOrder(NewUuid()), confirmed = NewOrder(NewUuid()),
       charging = NewOrder(NewUuid()), failed = NewOrder(NewUuid()), other = NewOrder(NewUuid());
  other.drop_id = NewUuid();
  std::vector<OrderWrite> place{Place(placed, "k1", "h"), Place(confirmed, "k2", "h"),
                                Place(charging, "k3", "h"), Place(failed, "k4", "h"),
                                Place(other, "k5", "h")};
  writer_->RunBatch(place);
  std::vector<OrderWrite> moves{
      Move(confirmed, Stage::kPlaced, Stage::kDone, OrderStatus::kConfirmed),
      Move(charging, Stage::kPlaced, Stage::kCharging),
      OrderWrite{MoveWrite{failed, Stage::kDone, OrderStatus::kFailed, "sold_out"}, ""},
      Move(other, Stage::kPlaced, Stage::kDone, OrderStatus::kConfirmed)};
  writer_->RunBatch(moves);
  auto withdraw = [&] {
    return db_->pool().AutoCommit([&](pqxx::nontransaction& tx) {
      return OrdersStore::WithdrawForCancelledDrop(tx, kDrop, 50, 15s);
    });
  };

  const auto first = withdraw();
  const auto second = withdraw();

  ASSERT_EQ(first.size(), 2u);
  EXPECT_TRUE(second.empty());
  std::map<std::string, OrderRow> by_id;
  for (const auto& o : first) by_id[o.id] = o;
  ASSERT_TRUE(by_id.count(placed.id) && by_id.count(confirmed.id));
  EXPECT_EQ(by_id[placed.id].stage, Stage::kReleasing);
  EXPECT_EQ(by_id[confirmed.id].stage, Stage::kRefunding);
  EXPECT_EQ(by_id[confirmed.id].status, OrderStatus::kPending);
  for (const auto& o : first) EXPECT_EQ(o.failure_code, "drop_cancelled");
  EXPECT_EQ(db_->pool().AutoCommit([&](pqxx::nontransaction& tx) {
    return OrdersStore::CountLeftToWithdraw(tx, kDrop);
  }),
            1);

  auto refunding = by_id[confirmed.id];
  const auto released =
      writer_->Advance(MoveWrite{refunding, Stage::kReleasing, OrderStatus::kPending, ""});
  ASSERT_TRUE(released);
  EXPECT_TRUE(released->refunded);
  const auto done =
      writer_->Advance(MoveWrite{*released, Stage::kDone, OrderStatus::kCancelled, ""});
  ASSERT_TRUE(done);
  EXPECT_TRUE(done->refunded);
  const auto unpaid =
      writer_->Advance(MoveWrite{by_id[placed.id], Stage::kDone, OrderStatus::kCancelled, ""});
  ASSERT_TRUE(unpaid);
  EXPECT_FALSE(unpaid->refunded);
  EXPECT_EQ(db_->OutboxCount("order_refunded", confirmed.id), 1);
  EXPECT_EQ(db_->OutboxCount("order_cancelled", placed.id), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM orders.orders WHERE status = 'confirmed'"), 1);  // other
  EXPECT_EQ(Count("SELECT count(*) FROM orders.orders WHERE stage = 'charging'"), 1);
}

void OrderWriterTest::ConcurrentBuyers(int lanes) {
  writer_ = std::make_unique<OrderWriter>(db_->pool(), 15s, CoalescerOptions{256, 1024}, lanes);
  constexpr int kBuyers = 48;
  std::vector<std::thread> threads;
  std::atomic<int> confirmed{0}, replayed{0};
  for (int i = 0; i < kBuyers; ++i) {
    threads.emplace_back([&] {
      const std::string buyer = NewUuid();
      auto placed = writer_->Place(PlaceWrite{NewOrder(buyer), "key", "h"});
      // The same request again, as a retry racing the first would.
      if (std::holds_alternative<OrdersStore::KeyRow>(
              writer_->Place(PlaceWrite{NewOrder(buyer), "key", "h"}))) {
        ++replayed;
      }
      auto row = std::get<OrderRow>(placed);
      for (const auto to : {Stage::kReserved, Stage::kCharging, Stage::kCharged}) {
        row = *writer_->Advance(MoveWrite{row, to, OrderStatus::kPending, ""});
      }
      const auto done = writer_->Advance(MoveWrite{row, Stage::kDone, OrderStatus::kConfirmed, ""});
      if (done && done->status == OrderStatus::kConfirmed) ++confirmed;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(confirmed.load(), kBuyers);
  EXPECT_EQ(replayed.load(), kBuyers);
  EXPECT_EQ(Count("SELECT count(*) FROM orders.orders WHERE status = 'confirmed'"), kBuyers);
  EXPECT_EQ(db_->OutboxCount("order_placed"), kBuyers);
  EXPECT_EQ(db_->OutboxCount("order_confirmed"), kBuyers);
}

TEST_F(OrderWriterTest, ConcurrentBuyers_EveryOrderPlacedOnceAndDriven_EachEventOnce) {
  ConcurrentBuyers(1);
}

TEST_F(OrderWriterTest, ConcurrentBuyersOverFourLanes_EveryOrderPlacedOnceAndDriven_EachEventOnce) {
  ConcurrentBuyers(4);
}

}  // namespace
}  // namespace livedrop::orders
