// Inventory against a real PostgreSQL: no oversell under contention, idempotency by order,
// per-buyer limits, expiry and the stock invariant.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <pqxx/pqxx>
#include <thread>

#include "inventory.h"
#include "inventory_migrations.h"
#include "livedrop/core/ids.h"
#include "livedrop/kafka/outbox.h"
#include "livedrop/pg/pool.h"
#include "livedrop/testing/errors.h"
#include "livedrop/testing/servers.h"

namespace livedrop::inventory {
namespace {

using namespace std::chrono_literals;
using testing::ErrorCodeOf;

class InventoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = testing::PostgresServer::Shared().CreateDatabase();
    pool_ = std::make_unique<pg::Pool>(pg::PoolOptions{url_, "inventory", 16});
    pg::Migrate(*pool_, "inventory", Migrations());
    pg::Migrate(*pool_, "outbox", kafka::OutboxMigrations());
  }
  int Events(const std::string& type) {
    pqxx::connection conn(url_);
    pqxx::work tx(conn);
    return tx.exec_params1("SELECT count(*) FROM inventory.outbox WHERE event_type = $1", type)[0]
        .as<int>();
  }
  void ExpectInvariant(const StockRow& s) {
    EXPECT_EQ(s.available + s.reserved + s.sold, s.total);
    EXPECT_GE(s.available, 0);
  }

  std::string url_;
  std::unique_ptr<pg::Pool> pool_;
};

TEST_F(InventoryTest, TwoThousandAttemptsForAHundredUnits_SellExactlyAHundred) {
  Inventory inventory(*pool_, InventoryOptions{});
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
          if (e.code() == "sold_out") sold_out++;
          else if (e.code() == "limit_exceeded") over_limit++;
          else other++;
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
  pqxx::connection conn(url_);
  pqxx::work tx(conn);
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM (SELECT buyer_id FROM inventory.reservations "
                     "GROUP BY buyer_id HAVING sum(quantity) > 2) over")[0]
                .as<int>(),
            0);
  EXPECT_EQ(Events("sold_out"), 1);
  EXPECT_EQ(Events("low_stock"), 1);
}

TEST_F(InventoryTest, Reserve_IsIdempotentByOrder) {
  Inventory inventory(*pool_, InventoryOptions{});
  const std::string drop = NewUuid(), order = NewUuid(), buyer = NewUuid();
  inventory.CreateStock(drop, 10, 3);
  const auto a = inventory.Reserve(drop, order, buyer, 2);
  const auto b = inventory.Reserve(drop, order, buyer, 2);
  EXPECT_EQ(a.order_id, b.order_id);
  EXPECT_EQ(inventory.GetStock(drop).reserved, 2);
}

TEST_F(InventoryTest, PerBuyerLimit_CountsHeldAndBought) {
  Inventory inventory(*pool_, InventoryOptions{});
  const std::string drop = NewUuid(), buyer = NewUuid();
  inventory.CreateStock(drop, 10, 2);
  const auto first = inventory.Reserve(drop, NewUuid(), buyer, 1);
  inventory.Confirm(first.order_id);
  inventory.Reserve(drop, NewUuid(), buyer, 1);
  EXPECT_EQ(ErrorCodeOf([&] { inventory.Reserve(drop, NewUuid(), buyer, 1); }), "limit_exceeded");
  EXPECT_EQ(ErrorCodeOf([&] { inventory.Reserve(drop, NewUuid(), NewUuid(), 3); }),
            "limit_exceeded");
}

TEST_F(InventoryTest, ConfirmAndRelease_AreIdempotentAndKeepTheInvariant) {
  Inventory inventory(*pool_, InventoryOptions{});
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

TEST_F(InventoryTest, SoldOut_IsRefusedFromMemoryAndForgottenOnRestock) {
  Inventory inventory(*pool_, InventoryOptions{300s, 10, 60s});
  const std::string drop = NewUuid();
  inventory.CreateStock(drop, 1, 1);
  const auto only = inventory.Reserve(drop, NewUuid(), NewUuid(), 1);
  // Fill the stock behind the service's back: a DB-backed check would now succeed.
  {
    pqxx::connection conn(url_);
    pqxx::work tx(conn);
    tx.exec_params("UPDATE inventory.stock SET total = total + 1, available = available + 1 "
                   "WHERE drop_id = $1", drop);
    tx.commit();
  }
  EXPECT_EQ(ErrorCodeOf([&] { inventory.Reserve(drop, NewUuid(), NewUuid(), 1); }), "sold_out");
  // The sold-out order's own retry still gets its reservation.
  EXPECT_EQ(inventory.Reserve(drop, only.order_id, only.buyer_id, 1).order_id, only.order_id);
  inventory.Release(only.order_id);
  EXPECT_NO_THROW(inventory.Reserve(drop, NewUuid(), NewUuid(), 1));
}

TEST_F(InventoryTest, Expiry_ReturnsStockOnce) {
  Inventory inventory(*pool_, InventoryOptions{0s, 10, 1s});
  const std::string drop = NewUuid();
  inventory.CreateStock(drop, 3, 3);
  const auto r = inventory.Reserve(drop, NewUuid(), NewUuid(), 3);
  std::this_thread::sleep_for(20ms);
  std::atomic<int> expired{0};
  std::thread a([&] { expired += inventory.ExpireDue(); });
  std::thread b([&] { expired += inventory.ExpireDue(); });
  a.join();
  b.join();
  EXPECT_EQ(expired.load(), 1);
  const auto stock = inventory.GetStock(drop);
  ExpectInvariant(stock);
  EXPECT_EQ(stock.available, 3);
  EXPECT_EQ(ErrorCodeOf([&] { inventory.Confirm(r.order_id); }), "reservation_not_held");
}

TEST_F(InventoryTest, Database_RefusesOversellEvenWithoutTheCodeChecks) {
  Inventory inventory(*pool_, InventoryOptions{});
  const std::string drop = NewUuid();
  inventory.CreateStock(drop, 1, 1);
  pqxx::connection conn(url_);
  pqxx::work tx(conn);
  EXPECT_THROW(tx.exec_params("UPDATE inventory.stock SET available = available - 2, "
                              "reserved = reserved + 2 WHERE drop_id = $1", drop),
               pqxx::check_violation);
}

}  // namespace
}  // namespace livedrop::inventory
