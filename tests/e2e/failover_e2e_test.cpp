// Two instances of every service and two gateways behind HAProxy (Platform replicas = 2),
// under a steady mix of reads and orders, lose one instance: a gateway killed, an instance
// each of orders, inventory and payment killed, every service restarted one instance at a
// time. Nothing a client retries is lost or doubled, and the platform heals by itself.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <pqxx/pqxx>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include "api.h"
#include "livedrop/core/ids.h"
#include "livedrop/testing/eventually.h"
#include "platform.h"
#include "sql.h"
#include "ws_client.h"

namespace livedrop::e2e {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

// The sum of a counter over all its label sets in Prometheus text.
double CounterSum(const std::string& metrics, const std::string& name) {
  double sum = 0;
  std::istringstream lines(metrics);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(name + "{", 0) != 0 && line.rfind(name + " ", 0) != 0) continue;
    sum += std::stod(line.substr(line.rfind(' ') + 1));
  }
  return sum;
}

class FailoverE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    // The broker as its own process, as `up` runs it.
    platform_ =
        std::make_unique<Platform>(Platform::Options{.broker_process = true, .replicas = 2});
    creator_ = RegisterAccount(http(), "creator");
    const auto product = NewProduct(http(), creator_, 1200);
    // Stock and per-buyer limit far above what the load can buy: these tests are about faults,
    // and a quiet machine once bought 5,760 units in one test (three buyers past a limit of
    // 1,000 each were refused limit_exceeded, which the checks count as lost purchases).
    drop_ = NewDrop(http(), creator_, product, 200ms, 1h, 200000, 200000);
    ASSERT_FALSE(drop_.empty());
    testing::Eventually([&] { return StockRows() > 0; }, 20s, 50ms);
    AwaitDrop(http(), drop_, "live");
    for (int i = 0; i < kBuyers; ++i) buyers_.push_back(RegisterAccount(http()));
    // The platform takes orders before any fault: with two instances in each consumer group
    // the first rebalance can hold drop_started back for tens of seconds (the orders wait at
    // stock_not_ready meanwhile), which is not what these tests are about.
    const auto first = Buy(buyers_[0]);
    ASSERT_EQ(first.final.status, 201) << first.final.body;
    warm_up_orders_ = 1;
    warm_up_order_ = Str(Json(first.final), "id");
  }
  void TearDown() override { StopLoad(); }
  HttpClient http() const { return platform_->Http(); }

  long long StockRows() { return e2e::StockRows(platform_->DatabaseUrl(), drop_); }
  long long Sql(const std::string& query) { return SqlNumber(platform_->DatabaseUrl(), query); }

  // One purchase as a careful client makes it: the same key and body again after a 5xx or no
  // answer, until a final answer or 60 s.
  struct Purchase {
    HttpResult final;
    int failed_answers = 0;  // 5xx or no answer on the way
    std::string first_failure;
  };
  Purchase Buy(const Account& buyer) {
    Purchase p;
    const auto key = NewUuid();
    const auto until = std::chrono::steady_clock::now() + 60s;
    for (;;) {
      p.final = PlaceOrder(http(), buyer, key, drop_, 1);
      const bool failed = p.final.status == 0 || p.final.status >= 500;
      if (failed && p.failed_answers++ == 0) {
        p.first_failure = std::to_string(p.final.status) + " " + p.final.body;
      }
      const bool again = failed || p.final.status == 202 || p.final.status == 429;
      if (!again || std::chrono::steady_clock::now() > until) return p;
      testing::Idle(p.final.status == 503 || p.final.status == 429 ? 500ms : 100ms,
                    "a careful client waits before trying again");
    }
  }

  // kReaders threads reading the drop and kBuyers threads buying one at a time, until StopLoad.
  void StartLoad() {
    for (int i = 0; i < kReaders; ++i) {
      load_.emplace_back([this] {
        while (!stop_) {
          const auto r = http().Get("/v1/drops/" + drop_);
          ++reads_;
          if (r.status != 200) {
            std::lock_guard lock(mutex_);
            if (failed_reads_.size() < 20) failed_reads_.push_back(std::to_string(r.status));
            ++read_failures_;
          }
          testing::Idle(10ms, "a steady read rate");
        }
      });
    }
    for (const auto& buyer : buyers_) {
      load_.emplace_back([this, buyer] {
        while (!stop_) {
          auto p = Buy(buyer);
          std::lock_guard lock(mutex_);
          purchases_.push_back(std::move(p));
        }
      });
    }
  }
  void StopLoad() {
    stop_ = true;
    for (auto& t : load_) t.join();
    load_.clear();
  }

  // Every purchase ended with one order (201), each order id once; all of them terminal.
  void ExpectEveryPurchaseOneOrder() {
    std::set<std::string> ids;
    int not_created = 0;
    std::string answers;
    for (const auto& p : purchases_) {
      if (p.final.status == 201) {
        ids.insert(Str(Json(p.final), "id"));
      } else if (++not_created <= 3) {
        answers += std::to_string(p.final.status) + " " + p.final.body + "\n";
      }
    }
    EXPECT_GT(purchases_.size(), 0u);
    EXPECT_EQ(not_created, 0) << answers;
    EXPECT_EQ(ids.size(), purchases_.size() - static_cast<std::size_t>(not_created))
        << "one order per Idempotency-Key";
    EXPECT_EQ(Sql("SELECT count(*) FROM orders.orders"),
              static_cast<long long>(ids.size()) + warm_up_orders_)
        << "no order but the ones the clients were answered";
    long long pending = -1;
    testing::Eventually(
        [&] {
          pending = Sql("SELECT count(*) FROM orders.orders WHERE stage <> 'done'");
          return pending == 0;
        },
        60s, 200ms);
    EXPECT_EQ(pending, 0) << "every order terminal within 60 s";
    const auto confirmed = Sql("SELECT count(*) FROM orders.orders WHERE status = 'confirmed'");
    EXPECT_EQ(confirmed, static_cast<long long>(ids.size()) + warm_up_orders_);
    // One payment row per order (its key); each confirmed order paid, nothing else charged.
    EXPECT_EQ(Sql("SELECT count(*) FROM payment.payments WHERE state = 'succeeded'"), confirmed);
    EXPECT_EQ(
        Sql("SELECT count(*) FROM inventory.stock WHERE drop_id = '" + drop_ +
            "' AND available + reserved + sold = total AND sold = " + std::to_string(confirmed)),
        1);
  }

  static constexpr int kReaders = 3, kBuyers = 3;
  std::unique_ptr<Platform> platform_;
  Account creator_;
  std::string drop_;
  std::vector<Account> buyers_;
  std::atomic<bool> stop_{false};
  std::vector<std::thread> load_;
  std::mutex mutex_;
  std::vector<Purchase> purchases_;
  std::vector<std::string> failed_reads_;
  std::atomic<int> reads_{0}, read_failures_{0};
  int warm_up_orders_ = 0;
  std::string warm_up_order_;  // confirmed before the listeners connect
};

TEST_F(FailoverE2E, GatewayKilled_ReadsOrdersAndWebSocketsCarryOn) {
  // Each buyer listens on a WebSocket (through HAProxy, so on either gateway) for its orders.
  struct Listener {
    std::unique_ptr<WsClient> ws;
    std::string last_id;
    std::set<std::string> confirmed;  // order ids seen in order_confirmed
    int reconnects = 0;
  };
  std::vector<Listener> listeners(buyers_.size());
  auto connect = [&](std::size_t i) {
    auto& l = listeners[i];
    WsClient::Options o;
    o.target = "/v1/ws?access_token=" + buyers_[i].access_token +
               (l.last_id.empty() ? "" : "&last_event_id=" + l.last_id);
    l.ws = std::make_unique<WsClient>(platform_->HttpPort(), o);
    return !l.ws->Refused() && l.ws->ReadType("ready", 10s).has_value();
  };
  for (std::size_t i = 0; i < listeners.size(); ++i) ASSERT_TRUE(connect(i));
  std::atomic<bool> listening{true};
  std::vector<std::thread> readers;
  for (std::size_t i = 0; i < listeners.size(); ++i) {
    readers.emplace_back([&, i] {
      auto& l = listeners[i];
      while (listening) {
        const auto frame = l.ws->Read(300ms);
        if (frame) {
          const auto f = json::parse(*frame).as_object();
          if (Str(f, "type") != "order_confirmed") continue;
          std::lock_guard lock(mutex_);
          l.last_id = Str(f, "id");
          l.confirmed.insert(Str(f.at("data").as_object(), "order_id"));
        } else if (l.ws->Closed()) {  // its gateway died: reconnect from the last event seen
          ++l.reconnects;
          while (listening && !connect(i)) testing::Idle(200ms, "reconnect backoff");
        }
      }
    });
  }

  StartLoad();
  testing::Idle(2s, "the load runs before the kill");
  const int reads_before = reads_;
  platform_->Kill("gateway", 0);
  testing::Idle(4s, "the load runs on the one gateway left");
  platform_->Start("gateway", 0);
  testing::Idle(2s, "and on both again");
  StopLoad();

  std::printf("reads %d (%d after the kill), failed %d; purchases %zu\n", reads_.load(),
              reads_ - reads_before, read_failures_.load(), purchases_.size());
  EXPECT_GT(reads_ - reads_before, 100) << "reads went on after the kill";
  EXPECT_LE(read_failures_, kReaders) << "only reads in flight on the dead gateway may fail";
  ExpectEveryPurchaseOneOrder();

  // Every confirmed order reaches its buyer's WebSocket, across the reconnect.
  std::vector<std::set<std::string>> expected(buyers_.size());
  pqxx::connection conn(platform_->DatabaseUrl());
  pqxx::nontransaction tx(conn);
  for (std::size_t i = 0; i < buyers_.size(); ++i) {
    for (const auto& row : tx.exec("SELECT id::text FROM orders.orders WHERE status = "
                                   "'confirmed' AND buyer_id = '" +
                                   buyers_[i].id + "'")) {
      if (row[0].as<std::string>() != warm_up_order_) expected[i].insert(row[0].as<std::string>());
    }
  }
  testing::Eventually(
      [&] {
        std::lock_guard lock(mutex_);
        for (std::size_t i = 0; i < buyers_.size(); ++i) {
          if (listeners[i].confirmed.size() < expected[i].size()) return false;
        }
        return true;
      },
      30s, 200ms);
  listening = false;
  for (auto& t : readers) t.join();
  int reconnects = 0;
  for (std::size_t i = 0; i < buyers_.size(); ++i) {
    reconnects += listeners[i].reconnects;
    listeners[i].confirmed.erase(warm_up_order_);  // its event may come after the connect
    EXPECT_EQ(listeners[i].confirmed, expected[i]) << "buyer " << i << " missed nothing";
  }
  std::printf("WebSocket reconnects %d\n", reconnects);
  EXPECT_GT(reconnects, 0) << "a listener on the killed gateway had to reconnect";
}

// Orders, inventory and payment each lose an instance at once (SIGKILL) under load and get it
// back. It was disabled for orders stuck at stock_not_ready for over a minute: the killed
// inventory's partitions stayed with it until the group gave up on it, librdkafka's default
// session.timeout.ms of 45 s; consumers now say 10 s (--kafka-session-timeout).
TEST_F(FailoverE2E, OrdersInventoryAndPaymentInstanceKilled_NoOrderLostOrChargedTwice) {
  StartLoad();
  testing::Idle(2s, "the load runs before the kills");
  for (const char* service : {"orders", "inventory", "payment"}) platform_->Kill(service, 0);
  testing::Idle(3s, "the load runs on the instances left");
  for (const char* service : {"orders", "inventory", "payment"}) platform_->Start(service, 0);
  // The restarted instances (fresh counters) are called again: the callers' round robin
  // reconnects to them.
  for (const char* service : {"orders", "inventory", "payment"}) {
    double calls = 0;
    testing::Eventually(
        [&] {
          calls = CounterSum(platform_->Metrics(service, 0), "livedrop_rpc_requests_total");
          return calls > 0;
        },
        40s, 200ms);
    EXPECT_GT(calls, 0) << service << " instance 0 gets traffic again after its restart";
  }
  StopLoad();
  std::printf("purchases %zu, reads %d, failed reads %d\n", purchases_.size(), reads_.load(),
              read_failures_.load());
  ExpectEveryPurchaseOneOrder();
}

// Every service and gateway restarted one instance at a time (SIGTERM, then started again
// and ready before the next). Reads fail none; every purchase ends in one order. Not yet met:
// an order request now and then (1 in ~900 in one run) is answered 503 "CANCELLED" on the
// way (a call a stopping gRPC server cancels before it ran), which the client's retry with
// its Idempotency-Key absorbs; counted and printed, not asserted, until that is fixed.
// It was disabled for purchases refused 401 "unknown key": HAProxy, not yet having seen a
// quick restart, sent requests to the new gateway before it had loaded the keys (its /readyz
// was still 503). The gateway now opens its public port only once ready.
TEST_F(FailoverE2E, RollingRestartOfEveryService_NoReadFailsAndEveryPurchaseEndsOnce) {
  StartLoad();
  testing::Idle(1s, "the load runs before the restarts");
  int restarts = 0;
  for (const auto& service : platform_->Services()) {
    for (int i = 0; i < 2; ++i, ++restarts) platform_->Restart(service, i);
  }
  testing::Idle(1s, "the load runs after the restarts");
  StopLoad();
  int failed_answers = 0;
  std::string first;
  for (const auto& p : purchases_) {
    failed_answers += p.failed_answers;
    if (first.empty()) first = p.first_failure;
  }
  std::printf("restarts %d, purchases %zu, reads %d, order answers failed on the way %d %s\n",
              restarts, purchases_.size(), reads_.load(), failed_answers, first.c_str());
  EXPECT_EQ(restarts, 16) << "eight kinds of instance, two of each";
  EXPECT_EQ(read_failures_, 0) << failed_reads_.size() << " e.g. "
                               << (failed_reads_.empty() ? "" : failed_reads_[0]);
  ExpectEveryPurchaseOneOrder();
}

}  // namespace
}  // namespace livedrop::e2e
