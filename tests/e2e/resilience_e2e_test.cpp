// Dependencies fail and come back while the platform runs: PostgreSQL restarted, Redis
// restarted, the Kafka broker stalled. The platform heals by itself, a request during the
// outage gets a 503 that says when to retry, and nothing is lost or charged twice.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <pqxx/pqxx>
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

class ResilienceE2E : public ::testing::Test {
 protected:
  void Start(Platform::Options options) {
    platform_ = std::make_unique<Platform>(std::move(options));
    creator_ = RegisterAccount(http(), "creator");
    product_ = NewProduct(http(), creator_, 1200);
  }
  HttpClient http() const { return platform_->Http(); }

  // A drop starting `in` from now whose stock inventory already holds.
  std::string Drop(std::chrono::milliseconds in, int quantity, int limit) {
    const auto drop = NewDrop(http(), creator_, product_, in, 1h, quantity, limit);
    testing::Eventually([&] { return StockRows(drop) > 0; }, 20s, 50ms);
    return drop;
  }
  long long StockRows(const std::string& drop) {
    return e2e::StockRows(platform_->DatabaseUrl(), drop);
  }
  long long Sql(const std::string& query) { return SqlNumber(platform_->DatabaseUrl(), query); }
  long long SqlWhenUp(const std::string& query) {
    long long value = 0;
    const bool up = testing::Eventually(
        [&] {
          try {
            value = Sql(query);
            return true;
          } catch (const pqxx::broken_connection&) {
            return false;
          }
        },
        30s, 100ms);
    return up ? value : Sql(query);  // still down: its error is the answer
  }
  int Available(const std::string& drop) {
    const auto r = http().Get("/v1/drops/" + drop);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? static_cast<int>(Json(r).at("available").as_int64()) : -1;
  }
  // The drop view's stock once it shows `expected` (a committed change reaches the gateway's
  // held view one Kafka hop later), or what it shows after 10 s.
  int AvailableOnce(const std::string& drop, int expected) {
    int seen = -1;
    testing::Eventually(
        [&] {
          seen = Available(drop);
          return seen == expected;
        },
        10s, 20ms);
    return seen;
  }

  // What a careful client does: the same key and body again after a 5xx or no answer, after
  // the Retry-After the server asked for, until a final answer or the deadline.
  struct Attempt {
    HttpResult final;
    int unavailable = 0;               // 503 answers on the way
    int unavailable_without_hint = 0;  // ... without Retry-After
    int server_errors = 0;             // 500 answers: never acceptable
  };
  Attempt Buy(const Account& buyer, const std::string& drop, std::chrono::seconds deadline) {
    Attempt a;
    const auto key = NewUuid();
    const auto until = std::chrono::steady_clock::now() + deadline;
    for (;;) {
      a.final = PlaceOrder(http(), buyer, key, drop, 1);
      if (a.final.status == 500) ++a.server_errors;
      if (a.final.status == 503) {
        ++a.unavailable;
        if (a.final.Header("retry-after").empty()) ++a.unavailable_without_hint;
      }
      const bool again = a.final.status == 0 || a.final.status >= 500 ||
                         a.final.status == 202 || a.final.status == 429;
      if (!again || std::chrono::steady_clock::now() > until) return a;
      testing::Idle(a.final.status == 503 || a.final.status == 429 ? 1s : 100ms,
                    "a careful client waits before trying again");
    }
  }

  std::unique_ptr<Platform> platform_;
  Account creator_;
  std::string product_;
};

TEST_F(ResilienceE2E, PostgresRestartedUnderLoad_EveryOrderFinishesAndIsChargedOnce) {
  Start({.own_postgres = true});
  const auto drop = Drop(200ms, 1000, 100);
  AwaitDrop(http(), drop, "live");
  constexpr int kClients = 4, kBuyersPerClient = 3;  // 12 buyers, well inside their limits
  std::vector<std::vector<Account>> buyers(kClients);
  for (auto& own : buyers) {
    for (int i = 0; i < kBuyersPerClient; ++i) own.push_back(RegisterAccount(http()));
  }

  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::vector<Attempt> attempts;
  std::vector<std::thread> clients;
  for (const auto& own : buyers) {
    clients.emplace_back([&, own] {
      for (std::size_t n = 0; !stop; ++n) {
        auto a = Buy(own[n % own.size()], drop, 30s);
        {
          std::lock_guard lock(mutex);
          attempts.push_back(std::move(a));
        }
        testing::Idle(50ms, "light load");
      }
    });
  }
  testing::Idle(2s, "the load runs before the restart");
  platform_->RestartPostgres();
  testing::Idle(4s, "the load runs through the restart and after it");
  stop = true;
  for (auto& c : clients) c.join();

  int confirmed = 0, server_errors = 0, unavailable = 0, without_hint = 0, unfinished = 0;
  std::string unfinished_answers;
  for (const auto& a : attempts) {
    if (a.final.status == 201) ++confirmed;
    if (a.final.status != 201 && ++unfinished <= 3) {
      unfinished_answers += std::to_string(a.final.status) + " " + a.final.body + "\n";
    }
    server_errors += a.server_errors;
    unavailable += a.unavailable;
    without_hint += a.unavailable_without_hint;
  }
  RecordProperty("confirmed", confirmed);
  RecordProperty("answers_503", unavailable);
  std::printf("confirmed %d, 503 answers on the way %d\n", confirmed, unavailable);
  EXPECT_GT(confirmed, 0);
  EXPECT_EQ(unfinished, 0) << "every purchase retried with its key ends confirmed:\n"
                           << unfinished_answers;
  EXPECT_EQ(server_errors, 0) << "an outage is a 503, never a 500";
  EXPECT_EQ(without_hint, 0) << "of " << unavailable << " answers 503";

  // Orders accepted around the restart all end; the recovery loop finishes what was cut off.
  long long pending = -1;
  testing::Eventually(
      [&] {
        pending = SqlWhenUp("SELECT count(*) FROM orders.orders WHERE stage <> 'done'");
        return pending == 0;
      },
      60s, 200ms);
  EXPECT_EQ(pending, 0);
  const auto succeeded =
      SqlWhenUp("SELECT count(*) FROM payment.payments WHERE state = 'succeeded'");
  EXPECT_EQ(SqlWhenUp("SELECT count(*) FROM orders.orders WHERE status = 'confirmed'"), succeeded);
  // The processor captured exactly once per succeeded payment.
  const auto metrics = platform_->Metrics("payment");
  const std::string captures = "\nlivedrop_payment_provider_captures_total ";
  const auto at = metrics.find(captures);
  ASSERT_NE(at, std::string::npos) << metrics;
  EXPECT_EQ(std::stoll(metrics.substr(at + captures.size())), succeeded);
  EXPECT_EQ(SqlWhenUp("SELECT count(*) FROM inventory.stock WHERE drop_id = '" + drop +
                      "' AND available + reserved + sold = total AND sold = " +
                      std::to_string(succeeded)),
            1);
}

TEST_F(ResilienceE2E, RedisRestarted_ReadsAndBuysStayCorrect) {
  Start({});
  const auto drop = Drop(200ms, 10, 10);
  AwaitDrop(http(), drop, "live", 10);
  const auto buyer = RegisterAccount(http());
  ASSERT_EQ(Buy(buyer, drop, 10s).final.status, 201);
  EXPECT_EQ(AvailableOnce(drop, 9), 9);

  platform_->StopRedis();
  EXPECT_EQ(Available(drop), 9) << "reads go on without Redis";
  ASSERT_EQ(Buy(buyer, drop, 10s).final.status, 201);
  EXPECT_EQ(AvailableOnce(drop, 8), 8);

  platform_->StartRedis();  // empty: a cache that lost everything
  ASSERT_EQ(Buy(buyer, drop, 10s).final.status, 201);
  // The pool waits out its cool-down, then the cache is used again and filled correctly.
  EXPECT_EQ(AvailableOnce(drop, 7), 7);
  const auto creator = http().Get("/v1/creators/" + creator_.id);
  EXPECT_EQ(creator.status, 200) << creator.body;
  EXPECT_EQ(Sql("SELECT count(*) FROM orders.orders WHERE status = 'confirmed'"), 3);
}

TEST_F(ResilienceE2E, BrokerPaused_EveryEventDeliveredAfterItResumes) {
  Start({.broker_process = true});
  const auto buyer = RegisterAccount(http());
  const auto follow = http().Request("PUT", "/v1/me/following/" + creator_.id, "",
                                     {{"Authorization", "Bearer " + buyer.access_token}});
  ASSERT_EQ(follow.status, 200) << follow.body;
  const auto drop = Drop(3s, 10, 2);
  ASSERT_GT(StockRows(drop), 0);
  WsClient ws(platform_->HttpPort(), {"/v1/ws?access_token=" + buyer.access_token});
  ASSERT_FALSE(ws.Refused()) << ws.RefusedBody();
  ASSERT_TRUE(ws.ReadType("ready", 10s).has_value());

  platform_->PauseBroker();
  // Buying needs no Kafka: the drop goes live on schedule and the purchase completes.
  AwaitDrop(http(), drop, "live");
  const auto bought = Buy(buyer, drop, 15s);
  EXPECT_EQ(bought.final.status, 201) << bought.final.body;
  testing::Idle(5s, "the broker stays paused a while after the purchase");
  platform_->ResumeBroker();

  // What happened during the pause arrives afterwards, through the broker.
  bool started = false, confirmed = false;
  const auto until = std::chrono::steady_clock::now() + 60s;
  while ((!started || !confirmed) && std::chrono::steady_clock::now() < until) {
    const auto frame = ws.Read(5s);
    if (!frame) continue;
    const auto f = json::parse(*frame).as_object();
    const auto type = Str(f, "type");
    if (type == "drop_started") started = true;
    if (type == "order_confirmed") confirmed = true;
  }
  EXPECT_TRUE(started) << "drop_started delivered after the pause";
  EXPECT_TRUE(confirmed) << "order_confirmed delivered after the pause";
  // And the inbox has them too (notifications consumed them from the broker).
  const auto inbox = http().Get("/v1/me/notifications", buyer.access_token);
  EXPECT_EQ(inbox.status, 200);
  EXPECT_NE(inbox.body.find("order_confirmed"), std::string::npos) << inbox.body;
}

}  // namespace
}  // namespace livedrop::e2e
