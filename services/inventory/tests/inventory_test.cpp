// Inventory against a real PostgreSQL: no oversell under contention (coalesced and not),
// each request of a shared batch getting its own answer, idempotency by order, per-buyer
// limits, events once per transition, expiry, the invariant metrics, the stock cache and the
// freeze of a cancelled drop's stock.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <pqxx/pqxx>
#include <sstream>
#include <thread>

#include "drop_events_handler.h"
#include "inventory_app.h"
#include "inventory_metrics.h"
#include "inventory_migrations.h"
#include "inventory_store.h"
#include "livedrop/core/ids.h"
#include "livedrop/drops/v1/drops.pb.h"
#include "livedrop/kafka/envelope.h"
#include "livedrop/kafka/topics.h"
#include "livedrop/metrics/registry.h"
#include "livedrop/pg/pool.h"
#include "livedrop/redis/pool.h"
#include "livedrop/testing/errors.h"
#include "livedrop/testing/event_messages.h"
#include "livedrop/testing/eventually.h"
#include "livedrop/testing/servers.h"
#include "livedrop/testing/service_database.h"

namespace livedrop::inventory {
namespace {

using namespace std::chrono_literals;
using testing::ErrorCodeOf;

class InventoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::make_unique<testing::ServiceDatabase>("inventory", Migrations(), 16);
    url_ = db_->url();
    pool_ = &db_->pool();
  }
  int Events(const std::string& type) { return db_->OutboxCount(type); }
  void ExpectInvariant(const StockRow& s) {
    EXPECT_EQ(s.available + s.reserved + s.sold, s.total);
    EXPECT_GE(s.available, 0);
  }
  void Sql(const std::string& sql) {
    pqxx::connection conn(url_);
    pqxx::work tx(conn);
    tx.exec(sql);
    tx.commit();
  }
  int Count(const std::string& sql) {
    pqxx::connection conn(url_);
    pqxx::work tx(conn);
    return tx.exec1(sql)[0].as<int>();
  }
  StockTotals Totals() {
    return pool_->Transact([](pqxx::work& tx) { return InventoryStore::Totals(tx); });
  }
  void TwoThousandAttemptsForAHundredUnits(bool coalesce);

  std::string url_;
  std::unique_ptr<testing::ServiceDatabase> db_;
  pg::Pool* pool_ = nullptr;
};

void InventoryTest::TwoThousandAttemptsForAHundredUnits(bool coalesce) {
  InventoryOptions options;
  options.coalesce = coalesce;
  InventoryApp inventory(*pool_, options);
  const std::string drop = NewUuid();
  inventory.CreateStock(drop, 100, 2);
  std::vector<std::string> buyers;
  for (int i = 0; i < 400; ++i) buyers.push_back(NewUuid());
  std::atomic<int> reserved_units{0}, sold_out{0}, over_limit{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < 2000; i += 16) {
        try {
          const auto r = inventory.Reserve(drop, NewUuid(), buyers[i % buyers.size()], 1);
          reserved_units += r.quantity;
        } catch (const Error& e) {
          if (e.code() == "sold_out")
            sold_out++;
          else if (e.code() == "limit_exceeded")
            over_limit++;
          else
            other++;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(reserved_units.load(), 100);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(reserved_units + sold_out + over_limit, 2000);
  const auto stock = inventory.GetStock(drop);
  ExpectInvariant(stock);
  EXPECT_EQ(stock.available, 0);
  EXPECT_EQ(stock.reserved, 100);
  EXPECT_EQ(Count("SELECT count(*) FROM (SELECT buyer_id FROM inventory.reservations "
                  "GROUP BY buyer_id HAVING sum(quantity) > 2) over"),
            0);
  EXPECT_EQ(Count("SELECT coalesce(sum(quantity), 0)::int FROM inventory.reservations"), 100);
  EXPECT_EQ(Events("sold_out"), 1);
  // A batch may take the drop from above the low-stock line straight to 0 (as one reservation
  // of several units can): then only sold_out is said. Never twice, though.
  EXPECT_LE(Events("low_stock"), 1);
}

TEST_F(InventoryTest, TwoThousandAttemptsForAHundredUnits_SellExactlyAHundred) {
  TwoThousandAttemptsForAHundredUnits(/*coalesce=*/true);
}

TEST_F(InventoryTest,
       TwoThousandAttemptsForAHundredUnits_OneTransactionPerCall_SellExactlyAHundred) {
  TwoThousandAttemptsForAHundredUnits(/*coalesce=*/false);
}

// One transaction, seven requests, seven different right answers.
TEST_F(InventoryTest, Batch_MixedRequests_EachGetsItsOwnAnswer) {
  InventoryApp inventory(*pool_, InventoryOptions{});
  const std::string drop = NewUuid();
  const std::string a = NewUuid(), b = NewUuid(), c = NewUuid(), d = NewUuid();
  inventory.CreateStock(drop, 4, 2);
  const auto earlier = inventory.Reserve(drop, NewUuid(), a, 1);  // 3 left; a holds 1
  using K = StockRequest::Kind;
  const std::vector<StockRequest> batch = {
      {K::kReserve, NewUuid(), b, 2},         // new: 1 left, b holds 2
      {K::kReserve, earlier.order_id, a, 1},  // retry: the same reservation, nothing moves
      {K::kReserve, NewUuid(), b, 1},         // b's 2 from this very batch count
      {K::kReserve, NewUuid(), a, 2},         // a holds 1 already
      {K::kReserve, NewUuid(), c, 2},         // only 1 left
      {K::kReserve, NewUuid(), c, 1},         // takes the last one
      {K::kReserve, NewUuid(), d, 1},         // nothing left
      {K::kReserve, NewUuid(), d, 0},         // not a quantity
  };
  const auto out = inventory.ApplyBatch(drop, batch);
  ASSERT_EQ(out.size(), batch.size());
  auto code = [&](std::size_t i) { return out[i].error ? out[i].error->code() : "ok"; };
  EXPECT_EQ(code(0), "ok");
  EXPECT_TRUE(out[0].changed);
  EXPECT_EQ(out[0].reservation->order_id, batch[0].order_id);
  EXPECT_EQ(code(1), "ok");
  EXPECT_FALSE(out[1].changed);
  EXPECT_EQ(out[1].reservation->order_id, earlier.order_id);
  EXPECT_EQ(out[1].reservation->expires_at, earlier.expires_at);
  EXPECT_EQ(code(2), "limit_exceeded");
  EXPECT_EQ(code(3), "limit_exceeded");
  EXPECT_EQ(code(4), "sold_out");
  EXPECT_EQ(code(5), "ok");
  EXPECT_EQ(code(6), "sold_out");
  EXPECT_EQ(code(7), "validation_failed");
  const auto stock = inventory.GetStock(drop);
  ExpectInvariant(stock);
  EXPECT_EQ(stock.available, 0);
  EXPECT_EQ(stock.reserved, 4);
  EXPECT_EQ(Count("SELECT count(*)::int FROM inventory.reservations"), 3);
  EXPECT_EQ(Events("sold_out"), 1);
  // Retrying each request afterwards gives the same answers (idempotent by order).
  EXPECT_EQ(inventory.Reserve(drop, batch[0].order_id, b, 2).order_id, batch[0].order_id);
  EXPECT_EQ(ErrorCodeOf([&] { inventory.Reserve(drop, batch[6].order_id, d, 1); }), "sold_out");
}

// A batch whose transaction fails (here: a malformed order id the database cannot cast) is
// applied again request by request: the others still succeed, and only once.
TEST_F(InventoryTest, Batch_FailedTransaction_IsRetriedRequestByRequest) {
  InventoryApp inventory(*pool_, InventoryOptions{});
  const std::string drop = NewUuid();
  inventory.CreateStock(drop, 10, 5);
  using K = StockRequest::Kind;
  const std::vector<StockRequest> batch = {{K::kReserve, NewUuid(), NewUuid(), 1},
                                           {K::kReserve, "not-a-uuid", NewUuid(), 1},
                                           {K::kReserve, NewUuid(), NewUuid(), 2}};
  const auto out = inventory.ApplyBatch(drop, batch);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_FALSE(out[0].error);
  ASSERT_TRUE(out[1].error);
  EXPECT_EQ(out[1].error->kind(), ErrorKind::kInternal);
  EXPECT_FALSE(out[2].error);
  const auto stock = inventory.GetStock(drop);
  ExpectInvariant(stock);
  EXPECT_EQ(stock.reserved, 3);
  EXPECT_EQ(Count("SELECT count(*)::int FROM inventory.reservations"), 2);
}

TEST_F(InventoryTest, Reserve_IsIdempotentByOrder) {
  InventoryApp inventory(*pool_, InventoryOptions{});
  const std::string drop = NewUuid(), order = NewUuid(), buyer = NewUuid();
  inventory.CreateStock(drop, 10, 3);
  const auto a = inventory.Reserve(drop, order, buyer, 2);
  const auto b = inventory.Reserve(drop, order, buyer, 2);
  EXPECT_EQ(a.order_id, b.order_id);
  EXPECT_EQ(inventory.GetStock(drop).reserved, 2);
}

// An order id already used for another reservation is a clear error, and moves nothing.
TEST_F(InventoryTest, Reserve_SameOrderForSomethingElse_IsAMismatch) {
  InventoryApp inventory(*pool_, InventoryOptions{});
  const std::string drop = NewUuid(), other = NewUuid(), order = NewUuid(), buyer = NewUuid();
  inventory.CreateStock(drop, 10, 3);
  inventory.CreateStock(other, 10, 3);
  inventory.Reserve(drop, order, buyer, 2);
  EXPECT_EQ(ErrorCodeOf([&] { inventory.Reserve(drop, order, buyer, 1); }), "reservation_mismatch");
  EXPECT_EQ(ErrorCodeOf([&] { inventory.Reserve(drop, order, NewUuid(), 2); }),
            "reservation_mismatch");
  EXPECT_EQ(ErrorCodeOf([&] { inventory.Reserve(other, order, buyer, 2); }),
            "reservation_mismatch");
  EXPECT_EQ(inventory.GetStock(drop).reserved, 2);
  EXPECT_EQ(inventory.GetStock(other).reserved, 0);
}

TEST_F(InventoryTest, Reserve_OutOfRangeQuantities_AreRefused) {
  InventoryApp inventory(*pool_, InventoryOptions{});
  const std::string drop = NewUuid(), buyer = NewUuid();
  inventory.CreateStock(drop, 10, 3);
  inventory.Reserve(drop, NewUuid(), buyer, 1);
  EXPECT_EQ(ErrorCodeOf([&] { inventory.Reserve(drop, NewUuid(), buyer, 2147483647); }),
            "limit_exceeded");
  EXPECT_EQ(ErrorCodeOf([&] { inventory.Reserve(drop, NewUuid(), buyer, -1); }),
            "validation_failed");
  EXPECT_EQ(inventory.GetStock(drop).reserved, 1);
  // A huge drop's low-stock line is computed without overflowing.
  EXPECT_EQ(inventory.CreateStock(NewUuid(), 2000000000, 1).total, 2000000000);
}

TEST_F(InventoryTest, PerBuyerLimit_CountsHeldAndBought) {
  InventoryApp inventory(*pool_, InventoryOptions{});
  const std::string drop = NewUuid(), buyer = NewUuid();
  inventory.CreateStock(drop, 10, 2);
  const auto first = inventory.Reserve(drop, NewUuid(), buyer, 1);
  inventory.Confirm(first.order_id);
  inventory.Reserve(drop, NewUuid(), buyer, 1);
  EXPECT_EQ(ErrorCodeOf([&] { inventory.Reserve(drop, NewUuid(), buyer, 1); }), "limit_exceeded");
  EXPECT_EQ(ErrorCodeOf([&] { inventory.Reserve(drop, NewUuid(), NewUuid(), 3); }),
            "limit_exceeded");
}

// The per-buyer limit of a batch is looked up for its buyers, not by reading every reservation
// of the drop: a hot drop is seconds old, so the planner's statistics never know how many it has.
TEST_F(InventoryTest, PerBuyerLimit_OfABatch_ReadsTheBuyersRows_NotTheWholeDrop) {
  InventoryApp inventory(*pool_, InventoryOptions{});
  const std::string drop = NewUuid();
  inventory.CreateStock(drop, 100000, 2);
  Sql("INSERT INTO inventory.reservations (order_id, drop_id, buyer_id, quantity, state, "
      "expires_at) SELECT gen_random_uuid(), '" +
      drop +
      "', gen_random_uuid(), 1, 'held', "
      "now() + interval '10 minutes' FROM generate_series(1, 4000)");
  pqxx::connection conn(url_);
  pqxx::work tx(conn);
  std::vector<std::string> buyers;
  std::string buyers_array;
  for (const auto& r :
       tx.exec("SELECT buyer_id::text FROM inventory.reservations WHERE drop_id = '" + drop +
               "' LIMIT 16")) {
    buyers.push_back(r[0].as<std::string>());
    buyers_array += (buyers_array.empty() ? "{" : ",") + buyers.back();
  }
  buyers_array += "}";
  tx.exec("SET LOCAL search_path TO inventory");
  // The store runs it prepared, so after a few calls PostgreSQL may plan it once for any
  // arguments: both plans, the one for these arguments and the generic one, must descend by
  // buyer.
  tx.exec(std::string("PREPARE held_or_bought(uuid, uuid[]) AS ") +
          InventoryStore::kHeldOrBoughtSql);
  for (const char* mode : {"force_custom_plan", "force_generic_plan"}) {
    tx.exec(std::string("SET LOCAL plan_cache_mode = ") + mode);
    const auto plan = tx.exec1("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) EXECUTE held_or_bought(" +
                               tx.quote(drop) + ", " + tx.quote(buyers_array) + ")")[0]
                          .as<std::string>();
    const auto blocks = [&](const std::string& field) {
      const auto at = plan.find("\"" + field + "\": ");
      return at == std::string::npos ? -1 : std::stoi(plan.substr(at + field.size() + 4));
    };
    // The first of each is the top node's: every buffer the statement touched. Sixteen buyers
    // are sixteen short descents; reading the drop's 4,000 reservations is a few thousand.
    ASSERT_GE(blocks("Shared Hit Blocks"), 0) << mode << plan;
    EXPECT_LT(blocks("Shared Hit Blocks") + blocks("Shared Read Blocks"), 200) << mode << plan;
  }
  // And it still answers: each of these buyers holds one unit, a stranger none.
  auto asked = buyers;
  asked.push_back(NewUuid());
  const auto held = InventoryStore::HeldOrBought(tx, drop, asked);
  EXPECT_EQ(held.size(), buyers.size());
  for (const auto& b : buyers) EXPECT_EQ(held.at(b), 1) << b;
}

TEST_F(InventoryTest, ConfirmAndRelease_AreIdempotentAndKeepTheInvariant) {
  InventoryApp inventory(*pool_, InventoryOptions{});
  const std::string drop = NewUuid();
  inventory.CreateStock(drop, 5, 5);
  const auto kept = inventory.Reserve(drop, NewUuid(), NewUuid(), 2);
  const auto dropped = inventory.Reserve(drop, NewUuid(), NewUuid(), 3);
  EXPECT_EQ(Events("sold_out"), 1);
  inventory.Confirm(kept.order_id);
  inventory.Confirm(kept.order_id);
  inventory.Release(dropped.order_id);
  inventory.Release(dropped.order_id);
  const auto stock = inventory.GetStock(drop);
  ExpectInvariant(stock);
  EXPECT_EQ(stock.sold, 2);
  EXPECT_EQ(stock.available, 3);
  EXPECT_EQ(Events("restocked"), 1);
  EXPECT_EQ(ErrorCodeOf([&] { inventory.Release(kept.order_id); }), "reservation_confirmed");
  EXPECT_EQ(ErrorCodeOf([&] { inventory.Confirm(dropped.order_id); }), "reservation_not_held");
  EXPECT_EQ(ErrorCodeOf([&] { inventory.Confirm(NewUuid()); }), "not_found");
}

TEST_F(InventoryTest, ConfirmAndRelease_ToldTheDrop_AnswerAsWithout_AnotherDropFindsNothing) {
  InventoryApp inventory(*pool_, InventoryOptions{});
  const std::string drop = NewUuid(), other = NewUuid();
  inventory.CreateStock(drop, 5, 5);
  inventory.CreateStock(other, 5, 5);
  const auto kept = inventory.Reserve(drop, NewUuid(), NewUuid(), 2);
  const auto dropped = inventory.Reserve(drop, NewUuid(), NewUuid(), 3);
  // Told another drop, neither moves anything, in either drop.
  EXPECT_EQ(ErrorCodeOf([&] { inventory.Confirm(kept.order_id, other); }), "not_found");
  EXPECT_EQ(ErrorCodeOf([&] { inventory.Release(dropped.order_id, other); }), "not_found");
  EXPECT_EQ(inventory.GetStock(drop).reserved, 5);
  EXPECT_EQ(inventory.GetStock(other).available, 5);
  // Told the right one: as without, final states included.
  EXPECT_EQ(inventory.Confirm(kept.order_id, drop).state, ReservationState::kConfirmed);
  EXPECT_EQ(inventory.Confirm(kept.order_id, drop).state, ReservationState::kConfirmed);
  EXPECT_EQ(inventory.Release(dropped.order_id, drop).state, ReservationState::kReleased);
  EXPECT_EQ(inventory.Release(dropped.order_id, drop).state, ReservationState::kReleased);
  EXPECT_EQ(ErrorCodeOf([&] { inventory.Release(kept.order_id, drop); }), "reservation_confirmed");
  EXPECT_EQ(ErrorCodeOf([&] { inventory.Confirm(dropped.order_id, drop); }),
            "reservation_not_held");
  EXPECT_EQ(ErrorCodeOf([&] { inventory.Confirm(NewUuid(), drop); }), "not_found");
  EXPECT_EQ(ErrorCodeOf([&] { inventory.Confirm(kept.order_id, "not-a-uuid"); }),
            "validation_failed");
  const auto stock = inventory.GetStock(drop);
  ExpectInvariant(stock);
  EXPECT_EQ(stock.sold, 2);
  EXPECT_EQ(stock.available, 3);
}

TEST_F(InventoryTest, SoldOut_IsRefusedFromMemoryAndForgottenOnRestock) {
  InventoryApp inventory(*pool_, InventoryOptions{300s, 10, 60s});
  const std::string drop = NewUuid();
  inventory.CreateStock(drop, 1, 1);
  const auto only = inventory.Reserve(drop, NewUuid(), NewUuid(), 1);
  // Fill the stock behind the service's back: a DB-backed check would now succeed.
  {
    pqxx::connection conn(url_);
    pqxx::work tx(conn);
    tx.exec_params(
        "UPDATE inventory.stock SET total = total + 1, available = available + 1 "
        "WHERE drop_id = $1",
        drop);
    tx.commit();
  }
  EXPECT_EQ(ErrorCodeOf([&] { inventory.Reserve(drop, NewUuid(), NewUuid(), 1); }), "sold_out");
  // The sold-out order's own retry still gets its reservation.
  EXPECT_EQ(inventory.Reserve(drop, only.order_id, only.buyer_id, 1).order_id, only.order_id);
  inventory.Release(only.order_id);
  EXPECT_NO_THROW(inventory.Reserve(drop, NewUuid(), NewUuid(), 1));
}

TEST_F(InventoryTest, SoldOutMemory_AtItsBound_ForgetsOnlyTheLeastRecentDrop) {
  InventoryOptions options{300s, 10, 60s};
  options.sold_out_drops = 2;
  InventoryApp inventory(*pool_, options);
  const std::string a = NewUuid(), b = NewUuid(), c = NewUuid();
  auto sell_out = [&](const std::string& drop) {
    inventory.CreateStock(drop, 1, 1);
    inventory.Reserve(drop, NewUuid(), NewUuid(), 1);
  };
  auto refusal = [&](const std::string& drop) {
    return ErrorCodeOf([&] { inventory.Reserve(drop, NewUuid(), NewUuid(), 1); });
  };
  sell_out(a);
  sell_out(b);
  ASSERT_EQ(refusal(a), "sold_out");  // from memory: a is now more recent than b
  sell_out(c);                        // one past the bound: b is forgotten
  // Restock behind the service's back: only a drop it no longer remembers sees it.
  Sql("UPDATE inventory.stock SET total = total + 1, available = available + 1");
  EXPECT_EQ(refusal(a), "sold_out");
  EXPECT_EQ(refusal(c), "sold_out");
  EXPECT_EQ(refusal(b), "none");
}

TEST_F(InventoryTest, Expiry_ReturnsStockOnce) {
  InventoryApp inventory(*pool_, InventoryOptions{0s, 10, 1s});
  const std::string drop = NewUuid();
  inventory.CreateStock(drop, 3, 3);
  const auto r = inventory.Reserve(drop, NewUuid(), NewUuid(), 3);
  testing::Idle(20ms, "the reservation's 0 s hold lapses");
  std::atomic<int> expired{0};
  std::thread a([&] { expired += inventory.ExpireDue(); });
  std::thread b([&] { expired += inventory.ExpireDue(); });
  a.join();
  b.join();
  EXPECT_EQ(expired.load(), 1);
  const auto stock = inventory.GetStock(drop);
  ExpectInvariant(stock);
  EXPECT_EQ(stock.available, 3);
  EXPECT_EQ(Events("restocked"), 1);
  EXPECT_EQ(ErrorCodeOf([&] { inventory.Confirm(r.order_id); }), "reservation_not_held");
}

TEST_F(InventoryTest, Database_RefusesOversellEvenWithoutTheCodeChecks) {
  InventoryApp inventory(*pool_, InventoryOptions{});
  const std::string drop = NewUuid();
  inventory.CreateStock(drop, 1, 1);
  pqxx::connection conn(url_);
  pqxx::work tx(conn);
  EXPECT_THROW(tx.exec_params("UPDATE inventory.stock SET available = available - 2, "
                              "reserved = reserved + 2 WHERE drop_id = $1",
                              drop),
               pqxx::check_violation);
}

TEST_F(InventoryTest, ConfirmAndRelease_ThroughTheBatcher_AreIdempotentUnderConcurrency) {
  InventoryApp inventory(*pool_, InventoryOptions{});
  const std::string drop = NewUuid();
  inventory.CreateStock(drop, 10, 10);
  const auto kept = inventory.Reserve(drop, NewUuid(), NewUuid(), 3);
  const auto dropped = inventory.Reserve(drop, NewUuid(), NewUuid(), 4);
  std::atomic<int> confirmed{0}, released{0}, failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&, t] {
      try {
        if (t % 2 == 0) {
          if (inventory.Confirm(kept.order_id).state == ReservationState::kConfirmed) confirmed++;
        } else {
          if (inventory.Release(dropped.order_id).state == ReservationState::kReleased) released++;
        }
      } catch (const Error&) {
        failed++;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(confirmed.load(), 8);
  EXPECT_EQ(released.load(), 8);
  EXPECT_EQ(failed.load(), 0);
  const auto stock = inventory.GetStock(drop);
  ExpectInvariant(stock);
  EXPECT_EQ(stock.sold, 3);
  EXPECT_EQ(stock.reserved, 0);
  EXPECT_EQ(stock.available, 7);
}

TEST_F(InventoryTest, Batch_ConfirmAndReleaseOfTheSameOrders_AreDecidedInOrder) {
  InventoryApp inventory(*pool_, InventoryOptions{});
  const std::string drop = NewUuid();
  inventory.CreateStock(drop, 10, 10);
  const auto k = inventory.Reserve(drop, NewUuid(), NewUuid(), 2);
  const auto l = inventory.Reserve(drop, NewUuid(), NewUuid(), 3);
  using K = StockRequest::Kind;
  const auto out = inventory.ApplyBatch(drop, {{K::kConfirm, k.order_id},
                                               {K::kConfirm, k.order_id},
                                               {K::kRelease, l.order_id},
                                               {K::kRelease, l.order_id},
                                               {K::kRelease, k.order_id},
                                               {K::kConfirm, l.order_id},
                                               {K::kConfirm, NewUuid()}});
  auto code = [&](std::size_t i) { return out[i].error ? out[i].error->code() : "ok"; };
  EXPECT_EQ(code(0), "ok");
  EXPECT_TRUE(out[0].changed);
  EXPECT_EQ(code(1), "ok");
  EXPECT_FALSE(out[1].changed);
  EXPECT_EQ(out[1].reservation->state, ReservationState::kConfirmed);
  EXPECT_EQ(code(2), "ok");
  EXPECT_TRUE(out[2].changed);
  EXPECT_EQ(code(3), "ok");
  EXPECT_FALSE(out[3].changed);
  EXPECT_EQ(out[3].reservation->state, ReservationState::kReleased);
  EXPECT_EQ(code(4), "reservation_confirmed");
  EXPECT_EQ(code(5), "reservation_not_held");
  EXPECT_EQ(code(6), "not_found");
  const auto stock = inventory.GetStock(drop);
  ExpectInvariant(stock);
  EXPECT_EQ(stock.sold, 2);
  EXPECT_EQ(stock.available, 8);
  EXPECT_EQ(Count("SELECT count(*)::int FROM inventory.reservations WHERE state = 'confirmed'"), 1);
  EXPECT_EQ(Count("SELECT count(*)::int FROM inventory.reservations WHERE state = 'released'"), 1);
}

TEST_F(InventoryTest, Events_AreWrittenOncePerTransitionOfTheNetChange) {
  InventoryApp inventory(*pool_, InventoryOptions{});
  const std::string drop = NewUuid();
  inventory.CreateStock(drop, 20, 20);  // low-stock line: 2
  inventory.Reserve(drop, NewUuid(), NewUuid(), 18);
  EXPECT_EQ(Events("low_stock"), 0);
  inventory.Reserve(drop, NewUuid(), NewUuid(), 1);  // 1 left
  EXPECT_EQ(Events("low_stock"), 1);
  const auto last = inventory.Reserve(drop, NewUuid(), NewUuid(), 1);
  EXPECT_EQ(Events("sold_out"), 1);
  EXPECT_EQ(Events("restocked"), 0);
  // Released and taken again in one batch: the net change is nothing, so nothing is said.
  using K = StockRequest::Kind;
  const auto out = inventory.ApplyBatch(
      drop, {{K::kRelease, last.order_id}, {K::kReserve, NewUuid(), NewUuid(), 1}});
  EXPECT_FALSE(out[0].error);
  EXPECT_FALSE(out[1].error);
  EXPECT_EQ(Events("restocked"), 0);
  EXPECT_EQ(Events("sold_out"), 1);
  // A release that leaves units available restocks the drop, once.
  inventory.Release(out[1].reservation->order_id);
  inventory.Release(out[1].reservation->order_id);
  EXPECT_EQ(Events("restocked"), 1);
  EXPECT_EQ(Events("low_stock"), 1);  // already said
  EXPECT_EQ(Events("sold_out"), 1);
}

TEST_F(InventoryTest, Events_UnderConcurrentBatches_SoldOutOnce) {
  InventoryApp inventory(*pool_, InventoryOptions{});
  const std::string drop = NewUuid();
  inventory.CreateStock(drop, 50, 1);
  std::vector<std::thread> threads;
  std::atomic<int> got{0};
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 8; ++i) {
        try {
          inventory.Reserve(drop, NewUuid(), NewUuid(), 1);
          got++;
        } catch (const Error&) {
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(got.load(), 50);
  EXPECT_EQ(Events("sold_out"), 1);
  EXPECT_LE(Events("low_stock"), 1);
  EXPECT_EQ(Events("restocked"), 0);
}

double MetricValue(const std::string& text, const std::string& series) {
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  }
  ADD_FAILURE() << series << " not rendered in:\n" << text;
  return -1;
}

TEST_F(InventoryTest, InvariantMetrics_ReportUnitsAndEveryDropThatBreaksTheInvariant) {
  InventoryApp inventory(*pool_, InventoryOptions{});
  metrics::Registry registry;
  InventoryMetrics metrics(*pool_, registry, std::chrono::milliseconds(0));
  const std::string drop = NewUuid(), other = NewUuid();
  inventory.CreateStock(drop, 10, 5);
  inventory.CreateStock(other, 5, 5);
  const auto r = inventory.Reserve(drop, NewUuid(), NewUuid(), 3);
  inventory.Confirm(r.order_id);
  inventory.Reserve(drop, NewUuid(), NewUuid(), 2);
  auto text = registry.Render();
  EXPECT_EQ(MetricValue(text, "livedrop_inventory_invariant_violations"), 0);
  EXPECT_EQ(MetricValue(text, "livedrop_inventory_reservation_mismatches"), 0);
  EXPECT_EQ(MetricValue(text, "livedrop_inventory_units{state=\"available\"}"), 10);
  EXPECT_EQ(MetricValue(text, "livedrop_inventory_units{state=\"reserved\"}"), 2);
  EXPECT_EQ(MetricValue(text, "livedrop_inventory_units{state=\"sold\"}"), 3);

  // Break the invariant the way only a bug or a hand edit could: without the constraint.
  Sql("ALTER TABLE inventory.stock DROP CONSTRAINT stock_accounted");
  Sql("UPDATE inventory.stock SET available = available + 1 WHERE drop_id = '" + other + "'");
  // And make a drop's reserved disagree with its reservations.
  Sql("UPDATE inventory.reservations SET state = 'released' WHERE order_id = '" + r.order_id + "'");
  text = registry.Render();
  EXPECT_EQ(MetricValue(text, "livedrop_inventory_invariant_violations"), 1);
  EXPECT_EQ(MetricValue(text, "livedrop_inventory_reservation_mismatches"), 1);
}

TEST_F(InventoryTest, InvariantMetrics_AreReadAtMostOncePerMaxAge) {
  InventoryApp inventory(*pool_, InventoryOptions{});
  metrics::Registry registry;
  InventoryMetrics metrics(*pool_, registry, std::chrono::hours(1));
  const std::string drop = NewUuid();
  inventory.CreateStock(drop, 10, 5);
  EXPECT_EQ(MetricValue(registry.Render(), "livedrop_inventory_units{state=\"available\"}"), 10);
  inventory.Reserve(drop, NewUuid(), NewUuid(), 2);
  EXPECT_EQ(MetricValue(registry.Render(), "livedrop_inventory_units{state=\"available\"}"), 10);
}

TEST_F(InventoryTest, StockCache_ServesWrittenThroughViewsAndFallsBackWhenRedisIsDown) {
  testing::RedisServer server;
  redis::Pool redis_pool(redis::RedisOptions{server.Url()});
  InventoryApp inventory(*pool_, InventoryOptions{},
                         StockCache(redis::VersionedCache(&redis_pool, "stock", 30s)));
  const std::string drop = NewUuid();
  const auto created = inventory.CreateStock(drop, 10, 5);
  inventory.Reserve(drop, NewUuid(), NewUuid(), 2);  // written through: version 2
  // Change the row behind the service's back: a cached read still shows the committed view.
  Sql("UPDATE inventory.stock SET total = total + 5, available = available + 5 "
      "WHERE drop_id = '" +
      drop + "'");
  auto stock = inventory.GetStock(drop);
  EXPECT_EQ(stock.available, 8);
  EXPECT_EQ(stock.version, created.version + 1);
  // An older view (a slow reader's fill) never replaces it.
  StockCache(redis::VersionedCache(&redis_pool, "stock", 30s)).Put(created);
  EXPECT_EQ(inventory.GetStock(drop).available, 8);
  // The next committed change is written through and read.
  inventory.Reserve(drop, NewUuid(), NewUuid(), 1);
  stock = inventory.GetStock(drop);
  EXPECT_EQ(stock.available, 12);
  EXPECT_EQ(stock.version, created.version + 2);
  // Without Redis, reads go to PostgreSQL.
  server.Stop();
  Sql("UPDATE inventory.stock SET total = total + 1, available = available + 1 "
      "WHERE drop_id = '" +
      drop + "'");
  EXPECT_EQ(inventory.GetStock(drop).available, 13);
  EXPECT_EQ(inventory.GetStocks({drop}).at(0).available, 13);
}

TEST_F(InventoryTest, GetStocks_ReturnsTheFoundOnesInTheOrderAsked) {
  InventoryApp inventory(*pool_, InventoryOptions{});
  const std::string a = NewUuid(), b = NewUuid();
  inventory.CreateStock(a, 10, 5);
  inventory.CreateStock(b, 20, 5);
  const auto stocks = inventory.GetStocks({b, NewUuid(), a, b});
  ASSERT_EQ(stocks.size(), 2u);
  EXPECT_EQ(stocks[0].drop_id, b);
  EXPECT_EQ(stocks[0].total, 20);
  EXPECT_EQ(stocks[1].drop_id, a);
  EXPECT_TRUE(inventory.GetStocks({}).empty());
}

TEST_F(InventoryTest, FreezeStock_RefusesNewReservations_HeldOnesStillConfirmOrRelease) {
  InventoryApp inventory(*pool_, InventoryOptions{});
  const std::string drop = NewUuid();
  const auto created = inventory.CreateStock(drop, 5, 5);
  EXPECT_FALSE(created.frozen);
  const auto kept = inventory.Reserve(drop, NewUuid(), NewUuid(), 2);
  const auto dropped = inventory.Reserve(drop, NewUuid(), NewUuid(), 1);

  const auto frozen = inventory.FreezeStock(drop);
  ASSERT_TRUE(frozen);
  EXPECT_TRUE(frozen->frozen);
  EXPECT_EQ(frozen->version, created.version + 3);  // two reservations, then the freeze
  EXPECT_EQ(frozen->reserved, 3);
  // Idempotent: a redelivered drop_cancelled changes nothing, not even the version.
  const auto again = inventory.FreezeStock(drop);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->version, frozen->version);
  EXPECT_TRUE(inventory.GetStock(drop).frozen);

  try {
    inventory.Reserve(drop, NewUuid(), NewUuid(), 1);
    ADD_FAILURE() << "a frozen drop reserved";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "drop_not_live");
    EXPECT_EQ(e.kind(), ErrorKind::kFailedPrecondition);
    EXPECT_STREQ(e.what(), "the drop was cancelled");
  }
  // A replay of an order that holds stock still gets its reservation.
  EXPECT_EQ(inventory.Reserve(drop, kept.order_id, kept.buyer_id, 2).order_id, kept.order_id);
  EXPECT_EQ(inventory.Confirm(kept.order_id).state, ReservationState::kConfirmed);
  EXPECT_EQ(inventory.Release(dropped.order_id).state, ReservationState::kReleased);
  EXPECT_EQ(inventory.Reserve(drop, kept.order_id, kept.buyer_id, 2).state,
            ReservationState::kConfirmed);

  const auto stock = inventory.GetStock(drop);
  ExpectInvariant(stock);
  EXPECT_TRUE(stock.frozen);
  EXPECT_EQ(stock.sold, 2);
  EXPECT_EQ(stock.reserved, 0);
  EXPECT_EQ(stock.available, 3);
  EXPECT_EQ(
      Count("SELECT count(*)::int FROM inventory.reservations WHERE drop_id = '" + drop + "'"), 2);
  const auto totals = Totals();
  EXPECT_EQ(totals.invariant_violations, 0);
  EXPECT_EQ(totals.reservation_mismatches, 0);
  // A drop with no stock here: nothing to freeze, nothing thrown.
  EXPECT_FALSE(inventory.FreezeStock(NewUuid()));
}

// A sold-out drop remembered as such is told cancelled, not sold out, once frozen; its released
// units are not for sale, so nothing says restocked.
TEST_F(InventoryTest, FreezeStock_OfASoldOutDrop_IsDropNotLiveAndNeverRestocked) {
  InventoryApp inventory(*pool_, InventoryOptions{300s, 10, 60s});
  const std::string drop = NewUuid();
  inventory.CreateStock(drop, 1, 1);
  const auto only = inventory.Reserve(drop, NewUuid(), NewUuid(), 1);
  ASSERT_EQ(ErrorCodeOf([&] { inventory.Reserve(drop, NewUuid(), NewUuid(), 1); }), "sold_out");
  ASSERT_TRUE(inventory.FreezeStock(drop));
  EXPECT_EQ(ErrorCodeOf([&] { inventory.Reserve(drop, NewUuid(), NewUuid(), 1); }),
            "drop_not_live");
  inventory.Release(only.order_id);
  EXPECT_EQ(ErrorCodeOf([&] { inventory.Reserve(drop, NewUuid(), NewUuid(), 1); }),
            "drop_not_live");
  EXPECT_EQ(Events("sold_out"), 1);
  EXPECT_EQ(Events("restocked"), 0);
  ExpectInvariant(inventory.GetStock(drop));
}

TEST_F(InventoryTest, FreezeStock_WritesTheNewVersionThroughToTheCacheAndTheStockListener) {
  testing::RedisServer server;
  redis::Pool redis_pool(redis::RedisOptions{server.Url()});
  InventoryApp inventory(*pool_, InventoryOptions{},
                         StockCache(redis::VersionedCache(&redis_pool, "stock", 30s)));
  std::vector<StockRow> changed;
  inventory.OnStockChanged([&](const StockRow& row) { changed.push_back(row); });
  const std::string drop = NewUuid();
  const auto created = inventory.CreateStock(drop, 10, 5);
  EXPECT_EQ(inventory.GetStock(drop).version, created.version);  // cached now
  inventory.FreezeStock(drop);
  inventory.FreezeStock(drop);
  EXPECT_EQ(inventory.GetStock(drop).version, created.version + 1);
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_TRUE(changed[0].frozen);
  EXPECT_EQ(changed[0].version, created.version + 1);
}

kafka::Message DropEvent(const std::string& type, const google::protobuf::Message& payload,
                         const std::string& drop_id) {
  return livedrop::testing::EventMessage(topics::kDrops, type, "test", drop_id, payload);
}

TEST_F(InventoryTest, DropEvents_DropCancelled_FreezesTheStock_OthersAreSkipped) {
  InventoryApp inventory(*pool_, InventoryOptions{});
  DropEventsHandler handler(inventory);
  const std::string id = NewUuid();
  drops::v1::Drop drop;
  drop.set_id(id);
  drop.set_quantity(10);
  drop.set_per_buyer_limit(2);
  drops::v1::DropScheduled scheduled;
  *scheduled.mutable_drop() = drop;
  drops::v1::DropStarted started;
  *started.mutable_drop() = drop;
  drops::v1::DropCancelled cancelled;
  *cancelled.mutable_drop() = drop;

  handler(DropEvent(event_types::kDropScheduled, scheduled, id));
  handler(DropEvent(event_types::kDropStarted, started, id));
  const auto held = inventory.Reserve(id, NewUuid(), NewUuid(), 1);
  EXPECT_FALSE(inventory.GetStock(id).frozen);
  handler(DropEvent(event_types::kDropCancelled, cancelled, id));
  handler(DropEvent(event_types::kDropCancelled, cancelled, id));  // redelivered
  EXPECT_TRUE(inventory.GetStock(id).frozen);
  EXPECT_EQ(ErrorCodeOf([&] { inventory.Reserve(id, NewUuid(), NewUuid(), 1); }), "drop_not_live");
  EXPECT_EQ(inventory.Confirm(held.order_id).state, ReservationState::kConfirmed);
  // The cancellation of a drop inventory never had stock for is logged and skipped.
  drops::v1::DropCancelled unknown;
  unknown.mutable_drop()->set_id(NewUuid());
  EXPECT_NO_THROW(handler(DropEvent(event_types::kDropCancelled, unknown, unknown.drop().id())));
}

}  // namespace
}  // namespace livedrop::inventory
