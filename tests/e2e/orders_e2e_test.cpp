// Buying end to end: the real gateway, orders, inventory, payment, drops and auth binaries
// against PostgreSQL and the Kafka-protocol mock broker.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <pqxx/pqxx>
#include <set>
#include <thread>

#include "api.h"
#include "livedrop/core/ids.h"
#include "livedrop/drops/v1/drops.pb.h"
#include "livedrop/redis/pool.h"
#include "livedrop/testing/eventually.h"
#include "livedrop/testing/process.h"
#include "platform.h"
#include "ws_client.h"

namespace livedrop::e2e {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

// The crash tests need --fault-crash-after, which only builds with the CMake option
// LIVEDROP_FAULT_INJECTION have (on in dev and test builds, off in release builds).
#ifdef LIVEDROP_FAULT_INJECTION
#define REQUIRE_FAULT_INJECTION()
#else
#define REQUIRE_FAULT_INJECTION() GTEST_SKIP() << "built without LIVEDROP_FAULT_INJECTION"
#endif

class OrdersE2E : public ::testing::Test {
 protected:
  void Start(Platform::Options options = {}) {
    platform_ = std::make_unique<Platform>(std::move(options));
  }
  HttpClient http() const { return platform_->Http(); }

  // A live drop of `quantity` units whose stock inventory already holds.
  std::string LiveDrop(int quantity, int limit, int unit_amount = 2500) {
    creator_ = RegisterAccount(http(), "creator");
    const auto product = NewProduct(http(), creator_, unit_amount);
    const auto drop = NewDrop(http(), creator_, product, 200ms, 10min, quantity, limit);
    AwaitDrop(http(), drop, "live", quantity);
    // Stock comes from drop_scheduled through Kafka; a consumer that just joined its group
    // may take a moment.
    testing::Eventually(
        [&] {
          return Sql("SELECT count(*) FROM inventory.stock WHERE drop_id = '" + drop + "'") > 0;
        },
        20s, 50ms);
    return drop;
  }
  // The drop view's stock once it shows `expected` (bounded), else the last seen: the
  // gateway's view of a hot drop follows a commit through Kafka (stock_changed), not at once.
  int Available(const std::string& drop, int expected) {
    int seen = -1;
    testing::Eventually(
        [&] {
          seen = static_cast<int>(Json(http().Get("/v1/drops/" + drop)).at("available").as_int64());
          return seen == expected;
        },
        10s, 10ms);
    return seen;
  }
  // One value from the platform's database.
  long long Sql(const std::string& query) {
    pqxx::connection conn(platform_->DatabaseUrl());
    pqxx::nontransaction tx(conn);
    return tx.exec1(query)[0].as<long long>();
  }
  void ExpectStockAccounted(const std::string& drop) {
    EXPECT_EQ(Sql("SELECT count(*) FROM inventory.stock WHERE drop_id = '" + drop +
                  "' AND available + reserved + sold = total AND available >= 0"),
              1);
  }
  // Retries the same request (same key and body) until the order is done, as a client would.
  HttpResult AwaitOutcome(const Account& buyer, const std::string& key, const std::string& drop,
                          int quantity = 1) {
    HttpResult r;
    const bool done = testing::Eventually(
        [&] {
          r = PlaceOrder(http(), buyer, key, drop, quantity);
          return r.status != 503 && r.status != 504 && r.status != 202;
        },
        60s, 100ms);
    if (done) return r;
    ADD_FAILURE() << "the order never finished: " << r.body;
    return r;
  }

  // Starts a platform whose orders service exits right after reserving, and leaves one
  // buyer's order of 2 units on a new live drop (5 units) there: unpaid, its lease an hour away
  // (as if recovery had not come round yet), with orders restarted normally. Needs
  // LIVEDROP_FAULT_INJECTION (REQUIRE_FAULT_INJECTION first).
  struct UnpaidOrder {
    Account buyer;
    std::string drop;
  };
  UnpaidOrder StartWithAnUnpaidOrder() {
    Platform::Options options;
    options.orders_env = {{"LIVEDROP_FAULT_CRASH_AFTER", "reserved"}};
    Start(options);
    UnpaidOrder unpaid{RegisterAccount(http()), LiveDrop(5, 2)};
    EXPECT_GE(PlaceOrder(http(), unpaid.buyer, "unpaid", unpaid.drop, 2).status, 500);
    Sql("UPDATE orders.orders SET lease_until = now() + interval '1 hour' RETURNING 1");
    platform_->RestartOrders({});
    return unpaid;
  }

  std::unique_ptr<Platform> platform_;
  Account creator_;
};

TEST_F(OrdersE2E, PlaceOrder_LiveDrop_ConfirmedAndStockTaken) {
  Start();
  const auto drop = LiveDrop(10, 2, 2500);
  const auto buyer = RegisterAccount(http());
  const auto r = PlaceOrder(http(), buyer, "k1", drop, 2);
  ASSERT_EQ(r.status, 201) << r.body;
  const auto order = Json(r);
  EXPECT_EQ(Str(order, "status"), "confirmed");
  EXPECT_EQ(Str(order, "drop_id"), drop);
  EXPECT_EQ(order.at("quantity").as_int64(), 2);
  EXPECT_EQ(order.at("amount").as_int64(), 5000);
  EXPECT_EQ(Str(order, "currency"), "EUR");
  EXPECT_FALSE(Str(order, "created_at").empty());
  EXPECT_EQ(Available(drop, 8), 8);

  const auto got = http().Get("/v1/orders/" + Str(order, "id"), buyer.access_token);
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(Str(Json(got), "status"), "confirmed");
  const auto mine = Json(http().Get("/v1/me/orders", buyer.access_token));
  ASSERT_EQ(mine.at("items").as_array().size(), 1u);
  EXPECT_EQ(Str(mine.at("items").as_array()[0].as_object(), "id"), Str(order, "id"));
  EXPECT_EQ(
      Sql("SELECT count(*) FROM payment.payments WHERE state = 'succeeded' AND amount = 5000"), 1);
  ExpectStockAccounted(drop);
}

// Money never depends on a cache: the product's view in Redis poisoned to a price of 1 (at a
// newer version, so nothing replaces it) is what displays read, and an order is still charged
// the stored price, orders asking drops for GetTermsOfSale (read from PostgreSQL).
TEST_F(OrdersE2E, PoisonedPriceInTheReadCache_OrderChargedTheStoredPrice) {
  Start();
  const auto drop = LiveDrop(10, 2, 2500);
  const auto product_id = Str(Json(http().Get("/v1/drops/" + drop)), "product_id");
  ASSERT_EQ(http().Get("/v1/products/" + product_id).status, 200);  // the view is cached
  redis::Pool redis(redis::RedisOptions{platform_->RedisUrl()});
  const std::string key = "ld:drops:product:" + product_id;
  const auto entry = redis.Command({"GET", key});
  ASSERT_EQ(entry.type, redis::Reply::Type::kString) << key;
  const auto bar = entry.str.find('|');
  ASSERT_NE(bar, std::string::npos) << entry.str;
  drops::v1::Product poisoned;
  ASSERT_TRUE(poisoned.ParseFromString(entry.str.substr(bar + 1)));
  ASSERT_EQ(poisoned.price().unit_amount(), 2500);
  poisoned.mutable_price()->set_unit_amount(1);
  redis.Command({"SET", key,
                 std::to_string(std::stoll(entry.str.substr(0, bar)) + 1000) + "|" +
                     poisoned.SerializeAsString()});
  EXPECT_EQ(Json(http().Get("/v1/products/" + product_id)).at("unit_amount").as_int64(), 1)
      << "displays read the poisoned view";

  const auto buyer = RegisterAccount(http());
  const auto r = PlaceOrder(http(), buyer, NewUuid(), drop, 2);
  ASSERT_EQ(r.status, 201) << r.body;
  const auto order = Str(Json(r), "id");
  EXPECT_EQ(Json(r).at("amount").as_int64(), 5000);
  EXPECT_EQ(Sql("SELECT amount FROM orders.orders WHERE id = '" + order + "'"), 5000);
  EXPECT_EQ(Sql("SELECT amount FROM payment.payments WHERE order_id = '" + order + "'"), 5000);
}

TEST_F(OrdersE2E, TwoThousandConcurrentAttempts_ExactlyOneHundredConfirmed) {
  Start();
  const auto drop = LiveDrop(100, 2);
  std::vector<Account> buyers;
  for (int i = 0; i < 400; ++i) buyers.push_back(RegisterAccount(http()));
  std::mutex mutex;
  std::map<std::string, int> outcomes;
  std::atomic<int> next{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 32; ++c) {
    clients.emplace_back([&] {
      for (int i = next++; i < 2000; i = next++) {
        const auto r = PlaceOrder(http(), buyers[i % buyers.size()], NewUuid(), drop, 1);
        const std::string outcome = r.status == 201 ? "confirmed" : Str(Json(r), "code");
        std::lock_guard lock(mutex);
        outcomes[outcome]++;
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(outcomes["confirmed"], 100);
  EXPECT_EQ(outcomes["confirmed"] + outcomes["sold_out"] + outcomes["limit_exceeded"], 2000)
      << "unexpected outcomes: " << outcomes.size();
  for (const auto& [outcome, n] : outcomes) {
    EXPECT_TRUE(outcome == "confirmed" || outcome == "sold_out" || outcome == "limit_exceeded")
        << n << " × " << outcome;
  }
  EXPECT_EQ(Sql("SELECT sold FROM inventory.stock WHERE drop_id = '" + drop + "'"), 100);
  EXPECT_EQ(Sql("SELECT available FROM inventory.stock WHERE drop_id = '" + drop + "'"), 0);
  ExpectStockAccounted(drop);
  EXPECT_EQ(Sql("SELECT count(*) FROM orders.orders WHERE status = 'confirmed'"), 100);
  EXPECT_EQ(Sql("SELECT count(*) FROM orders.orders WHERE status = 'pending'"), 0);
  EXPECT_EQ(Sql("SELECT count(*) FROM payment.payments WHERE state = 'succeeded'"), 100);
  EXPECT_EQ(Sql("SELECT count(*) FROM (SELECT buyer_id FROM orders.orders WHERE status = "
                "'confirmed' GROUP BY buyer_id HAVING sum(quantity) > 2) over_limit"),
            0);
  // The drop view follows inventory's sold_out event (through Kafka) a moment later.
  AwaitDrop(http(), drop, "sold_out", 0);
}

TEST_F(OrdersE2E, DeclinedPayment_Returns402AndReleasesTheStock) {
  Start();
  const auto drop = LiveDrop(5, 2);
  const auto buyer = RegisterAccount(http());
  for (const auto& [token, reason] : std::map<std::string, std::string>{
           {"tok_chargeDeclined", "card_declined"},
           {"tok_chargeDeclinedInsufficientFunds", "insufficient_funds"}}) {
    const auto r = PlaceOrder(http(), buyer, token, drop, 2, token);
    ExpectProblem(r, 402, "payment_declined");
    const auto problem = Json(r);
    EXPECT_EQ(Str(problem, "reason"), reason);
    const auto order = http().Get("/v1/orders/" + Str(problem, "order_id"), buyer.access_token);
    ASSERT_EQ(order.status, 200) << order.body;
    EXPECT_EQ(Str(Json(order), "status"), "failed");
    EXPECT_EQ(Str(Json(order), "failure_code"), reason);
  }
  EXPECT_EQ(Available(drop, 5), 5);
  EXPECT_EQ(Sql("SELECT count(*) FROM inventory.reservations WHERE state = 'released'"), 2);
  EXPECT_EQ(Sql("SELECT count(*) FROM payment.payments WHERE state = 'succeeded'"), 0);
  ExpectStockAccounted(drop);
  // The released units are buyable again, within the same per-buyer limit.
  EXPECT_EQ(PlaceOrder(http(), buyer, "after-decline", drop, 2).status, 201);
}

TEST_F(OrdersE2E, IdempotencyKey_MissingKeyIs400) {
  Start();
  const auto drop = LiveDrop(5, 2);
  const auto buyer = RegisterAccount(http());
  ExpectProblem(PlaceOrder(http(), buyer, "", drop, 1), 400, "idempotency_key_missing");
  EXPECT_EQ(Sql("SELECT count(*) FROM orders.orders"), 0);
}

TEST_F(OrdersE2E, IdempotencyKey_SameKeySameBody_ReplaysTheFirstOrder) {
  Start();
  const auto drop = LiveDrop(5, 2);
  const auto buyer = RegisterAccount(http());
  const auto first = PlaceOrder(http(), buyer, "same", drop, 1);
  ASSERT_EQ(first.status, 201) << first.body;
  const auto again = PlaceOrder(http(), buyer, "same", drop, 1);
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(again.Header("idempotent-replayed"), "true");
  EXPECT_EQ(Str(Json(again), "id"), Str(Json(first), "id"));
  EXPECT_EQ(Available(drop, 4), 4);
  EXPECT_EQ(Sql("SELECT count(*) FROM payment.payments"), 1);
  // A failed order replays its failure, with the same order.
  const auto declined = PlaceOrder(http(), buyer, "declined", drop, 1, "tok_chargeDeclined");
  const auto declined_again = PlaceOrder(http(), buyer, "declined", drop, 1, "tok_chargeDeclined");
  ExpectProblem(declined_again, 402, "payment_declined");
  EXPECT_EQ(Str(Json(declined_again), "order_id"), Str(Json(declined), "order_id"));
  EXPECT_EQ(declined_again.Header("idempotent-replayed"), "true");
  EXPECT_EQ(declined.Header("idempotent-replayed"), "");
}

TEST_F(OrdersE2E, IdempotencyKey_SameKeyOtherBody_Is422) {
  Start();
  const auto drop = LiveDrop(5, 2);
  const auto buyer = RegisterAccount(http());
  ASSERT_EQ(PlaceOrder(http(), buyer, "k", drop, 1).status, 201);
  ExpectProblem(PlaceOrder(http(), buyer, "k", drop, 2), 422, "idempotency_key_reused");
  ExpectProblem(PlaceOrder(http(), buyer, "k", drop, 1, "tok_chargeDeclined"), 422,
                "idempotency_key_reused");
  EXPECT_EQ(Available(drop, 4), 4);
  // Keys belong to their buyer: another buyer's "k" is a new order.
  const auto other = RegisterAccount(http());
  EXPECT_EQ(PlaceOrder(http(), other, "k", drop, 2).status, 201);
}

// An order whose saga cannot finish (payment unreachable once the order is written) is
// answered 202 with its id, not an error that would hide it: recovery carries it on and
// charges it once payment is back, and the same request then replays the confirmed order.
TEST_F(OrdersE2E, PaymentDownOnceTheOrderIsWritten_Is202WithItsId_ThenConfirmedOnce) {
  Platform::Options options;
  options.orders_env = {{"LIVEDROP_ORDER_LEASE", "2s"}, {"LIVEDROP_RECOVERY_INTERVAL", "500ms"}};
  Start(options);
  const auto drop = LiveDrop(5, 2);
  const auto buyer = RegisterAccount(http());
  platform_->Kill("payment", 0);
  const auto placed = PlaceOrder(http(), buyer, "payment-down", drop, 1);
  ASSERT_EQ(placed.status, 202) << placed.body;
  const std::string id = Str(Json(placed), "id");
  EXPECT_TRUE(IsUuid(id)) << placed.body;
  EXPECT_EQ(Str(Json(placed), "status"), "pending");
  EXPECT_EQ(placed.Header("location"), "/v1/orders/" + id);
  const auto again = PlaceOrder(http(), buyer, "payment-down", drop, 1);
  EXPECT_EQ(again.status, 202) << again.body;  // the key replays it, as it stands
  EXPECT_EQ(Str(Json(again), "id"), id);

  platform_->Start("payment", 0);
  EXPECT_TRUE(testing::Eventually(
      [&] {
        return Str(Json(http().Get("/v1/orders/" + id, buyer.access_token)), "status") ==
               "confirmed";
      },
      30s, 200ms));
  const auto replay = PlaceOrder(http(), buyer, "payment-down", drop, 1);
  EXPECT_EQ(replay.status, 201) << replay.body;
  EXPECT_EQ(Str(Json(replay), "id"), id);
  EXPECT_EQ(replay.Header("idempotent-replayed"), "true");
  EXPECT_EQ(Sql("SELECT count(*) FROM payment.payments WHERE state = 'succeeded'"), 1);
  EXPECT_EQ(Sql("SELECT count(*) FROM orders.orders"), 1);
  EXPECT_EQ(Available(drop, 4), 4);
}

TEST_F(OrdersE2E, IdempotencyKey_WhileTheFirstIsInFlight_Is202WithThatOrder) {
  // tok_timeout keeps the first request in the payment step for the provider timeout.
  Platform::Options options;
  options.payment_env = {{"LIVEDROP_PROVIDER_TIMEOUT", "2s"}};
  Start(options);
  const auto drop = LiveDrop(5, 2);
  const auto buyer = RegisterAccount(http());
  HttpResult first;
  std::thread slow([&] { first = PlaceOrder(http(), buyer, "slow", drop, 1, "tok_timeout"); });
  testing::Eventually([&] { return Sql("SELECT count(*) FROM orders.orders") > 0; }, 5s);
  const auto meanwhile = PlaceOrder(http(), buyer, "slow", drop, 1, "tok_timeout");
  EXPECT_EQ(meanwhile.status, 202) << meanwhile.body;
  EXPECT_EQ(Str(Json(meanwhile), "status"), "pending");
  EXPECT_EQ(meanwhile.Header("idempotent-replayed"), "true");
  const std::string id = Str(Json(meanwhile), "id");
  EXPECT_EQ(meanwhile.Header("location"), "/v1/orders/" + id);
  slow.join();
  EXPECT_EQ(Str(Json(first), "order_id"), id);  // the one order, whichever answer
  ExpectProblem(first, 402, "payment_declined");
  EXPECT_EQ(Str(Json(first), "reason"), "provider_timeout");
  EXPECT_EQ(Available(drop, 5), 5);
}

TEST_F(OrdersE2E, Crash_BetweenReserveAndCharge_RecoveryConfirmsOnce) {
  REQUIRE_FAULT_INJECTION();
  Platform::Options options;
  options.orders_env = {{"LIVEDROP_FAULT_CRASH_AFTER", "reserved"}};
  Start(options);
  const auto drop = LiveDrop(5, 2);
  const auto buyer = RegisterAccount(http());
  const auto crashed = PlaceOrder(http(), buyer, "crash", drop, 1);
  EXPECT_GE(crashed.status, 500) << crashed.body;
  testing::Eventually([&] { return !platform_->Orders().Running(); }, 5s);
  EXPECT_EQ(platform_->Orders().ExitCode(), 70);
  // Reserved, not charged: the order is still placed (reserved is not a stage stored), its
  // stock held.
  EXPECT_EQ(Sql("SELECT count(*) FROM orders.orders WHERE stage = 'placed'"), 1);
  EXPECT_EQ(Sql("SELECT count(*) FROM inventory.reservations WHERE state = 'held'"), 1);

  platform_->RestartOrders({});
  const auto done = AwaitOutcome(buyer, "crash", drop);
  ASSERT_EQ(done.status, 201) << done.body;
  EXPECT_EQ(Str(Json(done), "status"), "confirmed");
  EXPECT_EQ(Sql("SELECT count(*) FROM payment.payments WHERE state = 'succeeded'"), 1);
  EXPECT_EQ(Sql("SELECT sold FROM inventory.stock WHERE drop_id = '" + drop + "'"), 1);
  ExpectStockAccounted(drop);
}

TEST_F(OrdersE2E, Crash_BetweenChargeAndConfirm_RecoveryConfirmsWithoutChargingTwice) {
  REQUIRE_FAULT_INJECTION();
  Platform::Options options;
  options.orders_env = {{"LIVEDROP_FAULT_CRASH_AFTER", "charged"}};
  Start(options);
  const auto drop = LiveDrop(5, 2);
  const auto buyer = RegisterAccount(http());
  EXPECT_GE(PlaceOrder(http(), buyer, "crash", drop, 1).status, 500);
  testing::Eventually([&] { return !platform_->Orders().Running(); }, 5s);
  EXPECT_EQ(platform_->Orders().ExitCode(), 70);
  // Charged, not confirmed: the order is still charging (the charge is not a stage stored).
  EXPECT_EQ(Sql("SELECT count(*) FROM orders.orders WHERE stage = 'charging'"), 1);
  EXPECT_EQ(Sql("SELECT count(*) FROM payment.payments WHERE state = 'succeeded'"), 1);

  platform_->RestartOrders({});
  const auto done = AwaitOutcome(buyer, "crash", drop);
  ASSERT_EQ(done.status, 201) << done.body;
  EXPECT_EQ(Sql("SELECT count(*) FROM payment.payments"), 1);
  EXPECT_EQ(Sql("SELECT sold FROM inventory.stock WHERE drop_id = '" + drop + "'"), 1);
  EXPECT_EQ(Sql("SELECT count(*) FROM orders.orders WHERE status = 'confirmed'"), 1);
  ExpectStockAccounted(drop);
}

TEST_F(OrdersE2E, Expiry_ReturnsStockOfAnAbandonedReservation_AndTheLateOrderFailsUncharged) {
  REQUIRE_FAULT_INJECTION();
  Platform::Options options;
  options.orders_env = {{"LIVEDROP_FAULT_CRASH_AFTER", "reserved"}};
  options.inventory_env = {{"LIVEDROP_RESERVATION_HOLD", "1s"}, {"LIVEDROP_EXPIRY_SWEEP", "100ms"}};
  Start(options);
  const auto drop = LiveDrop(3, 3);
  const auto buyer = RegisterAccount(http());
  EXPECT_GE(PlaceOrder(http(), buyer, "abandoned", drop, 2).status, 500);
  EXPECT_EQ(Available(drop, 1), 1);
  // Nobody drives the order: the hold lapses and the sweeper returns the stock.
  AwaitDrop(http(), drop, "live", 3);
  EXPECT_EQ(Sql("SELECT count(*) FROM inventory.reservations WHERE state = 'expired'"), 1);
  ExpectStockAccounted(drop);

  // Recovery reserves again, finds the hold gone and ends the order before any charge.
  platform_->RestartOrders({});
  ExpectProblem(AwaitOutcome(buyer, "abandoned", drop, 2), 409, "reservation_expired");
  EXPECT_EQ(Sql("SELECT count(*) FROM payment.payments"), 0);
  EXPECT_EQ(Available(drop, 3), 3);
  ExpectStockAccounted(drop);
}

TEST_F(OrdersE2E, HoldLapsesWhileThePaymentRuns_TheOrderIsRefundedAndTheStockReturned) {
  Platform::Options options;
  options.inventory_env = {{"LIVEDROP_RESERVATION_HOLD", "1s"}, {"LIVEDROP_EXPIRY_SWEEP", "100ms"}};
  options.payment_env = {{"LIVEDROP_PROVIDER_LATENCY", "2s"}};
  Start(options);
  const auto drop = LiveDrop(3, 3);
  const auto buyer = RegisterAccount(http());
  // Charged after the sweeper took the hold back: refunded, never confirmed.
  ExpectProblem(AwaitOutcome(buyer, "slow", drop, 2), 409, "reservation_expired");
  EXPECT_EQ(Sql("SELECT count(*) FROM payment.payments WHERE state = 'refunded'"), 1);
  EXPECT_EQ(Sql("SELECT count(*) FROM payment.payments WHERE state = 'succeeded'"), 0);
  EXPECT_EQ(Sql("SELECT count(*) FROM inventory.reservations WHERE state = 'expired'"), 1);
  EXPECT_EQ(Available(drop, 3), 3);
  ExpectStockAccounted(drop);
}

TEST_F(OrdersE2E, Orders_AreOnlyVisibleToTheirBuyer) {
  Start();
  const auto drop = LiveDrop(5, 2);
  const auto buyer = RegisterAccount(http());
  const auto other = RegisterAccount(http());
  const auto order = Json(PlaceOrder(http(), buyer, "mine", drop, 1));
  const auto path = "/v1/orders/" + Str(order, "id");
  ExpectProblem(http().Get(path, other.access_token), 404, "not_found");
  ExpectProblem(http().Get(path), 401, "unauthenticated");
  ExpectProblem(http().PostJson(path + "/cancel", "", other.access_token), 404, "not_found");
  EXPECT_EQ(Json(http().Get("/v1/me/orders", other.access_token)).at("items").as_array().size(),
            0u);
  ExpectProblem(http().Get("/v1/orders/not-a-uuid", buyer.access_token), 404, "not_found");
}

TEST_F(OrdersE2E, Buying_FromScheduledEndedOrCancelledDrop_IsDropNotLive) {
  Start();
  const auto creator = RegisterAccount(http(), "creator");
  const auto buyer = RegisterAccount(http());
  const auto product = NewProduct(http(), creator);
  const auto scheduled = NewDrop(http(), creator, product, 1h, 2h, 5, 1);
  ExpectProblem(PlaceOrder(http(), buyer, "s", scheduled, 1), 409, "drop_not_live");
  const auto cancelled = NewDrop(http(), creator, product, 1h, 2h, 5, 1);
  ASSERT_EQ(http().PostJson("/v1/drops/" + cancelled + "/cancel", "", creator.access_token).status,
            200);
  testing::Idle(1100ms, "the orders service remembers a drop's terms for 1 s");
  ExpectProblem(PlaceOrder(http(), buyer, "c", cancelled, 1), 409, "drop_not_live");
  const auto ended = NewDrop(http(), creator, product, -1h, 300ms, 5, 1);
  AwaitDrop(http(), ended, "ended");
  ExpectProblem(PlaceOrder(http(), buyer, "e", ended, 1), 409, "drop_not_live");
  ExpectProblem(PlaceOrder(http(), buyer, "u", NewUuid(), 1), 404, "not_found");
  EXPECT_EQ(Sql("SELECT count(*) FROM orders.orders"), 0);
}

TEST_F(OrdersE2E, BadInput_ClearErrorsAndNothingStored) {
  Start();
  const auto drop = LiveDrop(5, 2);
  const auto buyer = RegisterAccount(http());
  auto post = [&](const std::string& body, const std::string& token) {
    return http().Request("POST", "/v1/orders", body,
                          {{"Authorization", "Bearer " + token},
                           {"Content-Type", "application/json"},
                           {"Idempotency-Key", NewUuid()}});
  };
  ExpectProblem(post("{not json", buyer.access_token), 400, "malformed_json");
  ExpectProblem(post(R"({"drop_id":")" + drop + R"(","quantity":1})", buyer.access_token), 400,
                "validation_failed");
  ExpectProblem(post(R"({"drop_id":")" + drop + R"(","quantity":0,"payment_token":"tok_visa"})",
                     buyer.access_token),
                400, "validation_failed");
  ExpectProblem(PlaceOrder(http(), buyer, std::string(300, 'k'), drop, 1), 400,
                "validation_failed");
  ExpectProblem(PlaceOrder(http(), buyer, "over", drop, 3), 409, "limit_exceeded");
  ExpectProblem(PlaceOrder(http(), creator_, "creator", drop, 1), 403, "buyers_only");
  ExpectProblem(post(R"({"drop_id":")" + drop + R"(","quantity":1,"payment_token":"tok_visa"})",
                     "not-a-token"),
                401, "token_invalid");
  EXPECT_EQ(Sql("SELECT count(*) FROM orders.orders"), 0);
  EXPECT_EQ(Available(drop, 5), 5);
}

TEST_F(OrdersE2E, Cancel_UnpaidOrder_ReturnsItsStock) {
  REQUIRE_FAULT_INJECTION();
  const auto unpaid = StartWithAnUnpaidOrder();
  const auto& buyer = unpaid.buyer;
  const auto& drop = unpaid.drop;
  const auto id = Json(http().Get("/v1/me/orders", buyer.access_token))
                      .at("items")
                      .as_array()[0]
                      .as_object()
                      .at("id")
                      .as_string();
  const auto path = "/v1/orders/" + std::string(id) + "/cancel";
  const auto cancelled = http().PostJson(path, "", buyer.access_token);
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(Str(Json(cancelled), "status"), "cancelled");
  EXPECT_EQ(http().PostJson(path, "", buyer.access_token).status, 200);  // idempotent
  EXPECT_EQ(Available(drop, 5), 5);
  EXPECT_EQ(Sql("SELECT count(*) FROM payment.payments"), 0);
  ExpectStockAccounted(drop);
  // A confirmed order cannot be cancelled.
  const auto paid = Json(PlaceOrder(http(), buyer, "paid", drop, 1));
  ExpectProblem(
      http().PostJson("/v1/orders/" + Str(paid, "id") + "/cancel", "", buyer.access_token), 409,
      "order_not_cancellable");
}

// --- a live drop cancelled ------------------------------------------------------------------

TEST_F(OrdersE2E, CancellingALiveDrop_RefundsEveryPaidOrderOnce_FreezesItsStock_TellsTheBuyers) {
  Start();
  const auto drop = LiveDrop(10, 2);
  const auto alice = RegisterAccount(http());
  const auto bob = RegisterAccount(http());
  WsClient::Options ws_options;
  ws_options.target = "/v1/ws";
  ws_options.headers = {{"Authorization", "Bearer " + alice.access_token}};
  WsClient alice_ws(platform_->HttpPort(), ws_options);
  ASSERT_TRUE(alice_ws.ReadType("ready", 10s).has_value());
  std::vector<std::string> alices;
  for (const char* key : {"a1", "a2"}) {
    const auto r = AwaitOutcome(alice, key, drop);
    ASSERT_EQ(r.status, 201) << r.body;
    alices.push_back(Str(Json(r), "id"));
  }
  const auto bobs = AwaitOutcome(bob, "b1", drop);
  ASSERT_EQ(bobs.status, 201) << bobs.body;

  const auto cancel = http().PostJson("/v1/drops/" + drop + "/cancel", "", creator_.access_token);
  ASSERT_EQ(cancel.status, 200) << cancel.body;

  // Each paid order ends cancelled (drop_cancelled) and refunded, and says so to its buyer.
  auto order_of = [&](const Account& buyer, const std::string& id) {
    return Json(http().Get("/v1/orders/" + id, buyer.access_token));
  };
  std::vector<std::pair<const Account*, std::string>> paid{
      {&alice, alices[0]}, {&alice, alices[1]}, {&bob, Str(Json(bobs), "id")}};
  for (const auto& [buyer, id] : paid) {
    testing::Eventually([&] { return Str(order_of(*buyer, id), "status") == "cancelled"; }, 30s,
                        100ms);
    const auto order = order_of(*buyer, id);
    EXPECT_EQ(Str(order, "status"), "cancelled") << id;
    EXPECT_EQ(Str(order, "failure_code"), "drop_cancelled") << id;
    EXPECT_TRUE(order.at("refunded").as_bool()) << id;
  }
  std::set<std::string> told;
  for (int i = 0; i < 2; ++i) {
    const auto frame = alice_ws.ReadType("order_refunded", 15s);
    ASSERT_TRUE(frame.has_value()) << "refund notification " << i;
    told.insert(Str(json::parse(*frame).as_object().at("data").as_object(), "order_id"));
  }
  EXPECT_EQ(told, (std::set<std::string>{alices[0], alices[1]}));
  // Once each: three captures, three refunds, nothing charged twice or refunded twice, and the
  // same in the inbox (two for alice) after the cancellation's settling time has passed.
  testing::Idle(2500ms, "the cancellation is looked at again for twice the terms' memory");
  EXPECT_EQ(Sql("SELECT count(*) FROM payment.payments WHERE state = 'refunded'"), 3);
  EXPECT_EQ(Sql("SELECT count(*) FROM payment.payments"), 3);
  EXPECT_EQ(Sql("SELECT count(*) FROM payment.test_processor_charges "
                "WHERE outcome = 'captured' AND refunded"),
            3);
  EXPECT_EQ(Sql("SELECT count(*) FROM orders.orders WHERE status <> 'cancelled'"), 0);
  const auto inbox = Json(http().Get("/v1/me/notifications", alice.access_token));
  int refunds_in_inbox = 0;
  for (const auto& item : inbox.at("items").as_array()) {
    refunds_in_inbox += Str(item.as_object(), "type") == "order_refunded";
  }
  EXPECT_EQ(refunds_in_inbox, 2);
  EXPECT_FALSE(alice_ws.ReadType("order_refunded", 500ms).has_value()) << "told once";
  // The stock is frozen: nothing more is reserved, whatever a cached view of the drop says.
  EXPECT_EQ(Sql("SELECT count(*) FROM inventory.stock WHERE drop_id = '" + drop + "' AND frozen"),
            1);
  ExpectProblem(PlaceOrder(http(), bob, "after", drop, 1), 409, "drop_not_live");
  ExpectStockAccounted(drop);
}

TEST_F(OrdersE2E, CancellingALiveDrop_ReleasesAnUnpaidOrder_NothingCharged) {
  REQUIRE_FAULT_INJECTION();
  const auto unpaid = StartWithAnUnpaidOrder();
  const auto& drop = unpaid.drop;

  ASSERT_EQ(http().PostJson("/v1/drops/" + drop + "/cancel", "", creator_.access_token).status,
            200);

  testing::Eventually(
      [&] { return Sql("SELECT count(*) FROM orders.orders WHERE status = 'cancelled'") == 1; },
      30s, 100ms);
  EXPECT_EQ(Sql("SELECT count(*) FROM orders.orders WHERE status = 'cancelled' AND "
                "failure_code = 'drop_cancelled' AND NOT refunded"),
            1);
  EXPECT_EQ(Sql("SELECT count(*) FROM payment.payments"), 0);
  EXPECT_EQ(Sql("SELECT reserved FROM inventory.stock WHERE drop_id = '" + drop + "'"), 0);
  ExpectStockAccounted(drop);
}

}  // namespace
}  // namespace livedrop::e2e
