#include "livedrop/ratelimit/limiter.h"

#include <gtest/gtest.h>

#include <chrono>

#include "livedrop/redis/pool.h"
#include "livedrop/testing/eventually.h"
#include "livedrop/testing/servers.h"

namespace livedrop::ratelimit {
namespace {

using namespace std::chrono_literals;

const Policy kThreePerMinute{"login", 3, std::chrono::seconds(60)};

redis::RedisOptions Options(const testing::RedisServer& server) {
  return redis::RedisOptions{server.Url(), 4, 200ms, 300ms};
}

bool InRedis(redis::Pool& pool, const std::string& key) {
  return pool.Command({"EXISTS", "ld:gateway:ratelimit:" + key}).integer == 1;
}

TEST(Limiter, Take_OneLimitSharedByEveryInstanceThroughRedis) {
  testing::RedisServer server;
  redis::Pool pool_a(Options(server)), pool_b(Options(server));
  Limiter a(&pool_a), b(&pool_b);
  EXPECT_TRUE(a.Take(kThreePerMinute, "alice").allowed);
  EXPECT_TRUE(b.Take(kThreePerMinute, "alice").allowed);
  EXPECT_TRUE(a.Take(kThreePerMinute, "alice").allowed);
  const Decision refused = b.Take(kThreePerMinute, "alice");
  EXPECT_FALSE(refused.allowed);
  EXPECT_TRUE(b.last_from_redis());
  EXPECT_GT(refused.retry_after, 19s);  // one every 20 s
  EXPECT_LE(refused.retry_after, 20s);
  EXPECT_TRUE(a.Take(kThreePerMinute, "bob").allowed);  // another key, its own quota
  EXPECT_TRUE(InRedis(pool_a, "login:alice"));
}

TEST(Limiter, RedisDown_LimitsStillEnforcedFromMemory_ThenRedisAgain) {
  testing::RedisServer server;
  redis::Pool pool(Options(server));
  Limiter limiter(&pool);
  EXPECT_TRUE(limiter.Take(kThreePerMinute, "warmup").allowed);
  EXPECT_TRUE(limiter.last_from_redis());

  server.Stop();
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.Take(kThreePerMinute, "carol").allowed) << i;
  const Decision refused = limiter.Take(kThreePerMinute, "carol");
  EXPECT_FALSE(refused.allowed);
  EXPECT_FALSE(limiter.last_from_redis());
  EXPECT_GT(refused.retry_after, 0ms);

  server.Start();  // empty: no script loaded (NOSCRIPT is answered by loading it again)
  ASSERT_TRUE(testing::Eventually(
      [&] {
        limiter.Take(kThreePerMinute, "dave");
        return limiter.last_from_redis();
      },
      5s));
  EXPECT_TRUE(InRedis(pool, "login:dave"));
}

TEST(Limiter, NoPool_DecidesFromMemory) {
  Limiter limiter(nullptr);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.Take(kThreePerMinute, "erin").allowed);
  EXPECT_FALSE(limiter.Take(kThreePerMinute, "erin").allowed);
  EXPECT_TRUE(limiter.Take(Policy{"off", 0}, "erin").allowed);  // a disabled policy
}

TEST(Limiter, Acquire_CapsLeasesAcrossInstancesUntilReleased) {
  testing::RedisServer server;
  redis::Pool pool_a(Options(server)), pool_b(Options(server));
  Limiter a(&pool_a), b(&pool_b);
  auto first = a.Acquire("orders-in-flight", "buyer", 2, 30s);
  auto second = b.Acquire("orders-in-flight", "buyer", 2, 30s);
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  EXPECT_TRUE(first->in_redis);
  EXPECT_EQ(a.Acquire("orders-in-flight", "buyer", 2, 30s), nullptr);
  EXPECT_NE(a.Acquire("orders-in-flight", "other", 2, 30s), nullptr);
  b.Release(*second);
  EXPECT_NE(a.Acquire("orders-in-flight", "buyer", 2, 30s), nullptr);
}

TEST(Limiter, Acquire_ALeaseNotReleasedEndsWithItsTtl) {
  testing::RedisServer server;
  redis::Pool pool(Options(server));
  Limiter limiter(&pool);
  ASSERT_NE(limiter.Acquire("ws", "u", 1, 200ms), nullptr);  // its holder "died"
  EXPECT_EQ(limiter.Acquire("ws", "u", 1, 200ms), nullptr);
  testing::Idle(250ms, "past the lease's 200 ms ttl");
  EXPECT_NE(limiter.Acquire("ws", "u", 1, 200ms), nullptr);
}

TEST(Limiter, Acquire_RedisDown_CapHeldInMemory) {
  testing::RedisServer server;
  redis::Pool pool(Options(server));
  Limiter limiter(&pool);
  server.Stop();
  auto held = limiter.Acquire("orders-in-flight", "buyer", 1, 30s);
  ASSERT_NE(held, nullptr);
  EXPECT_FALSE(held->in_redis);
  EXPECT_EQ(limiter.Acquire("orders-in-flight", "buyer", 1, 30s), nullptr);
  limiter.Release(*held);
  EXPECT_NE(limiter.Acquire("orders-in-flight", "buyer", 1, 30s), nullptr);
}

const Policy kOnePerMinute{"orders-buyer", 1, std::chrono::seconds(60)};

long long Leases(redis::Pool& pool, const std::string& key) {
  return pool.Command({"ZCARD", "ld:gateway:ratelimit:" + key}).integer;
}

TEST(Limiter, Admit_LimitsAndCapInOneGo_AdmittedHoldsAPlace) {
  testing::RedisServer server;
  redis::Pool pool(Options(server));
  Limiter limiter(&pool);
  auto a = limiter.Admit({{&kThreePerMinute, "10.0.0.1"}, {&kOnePerMinute, "buyer"}},
                         InFlight{"orders-in-flight", "buyer", 2, 30s});
  EXPECT_TRUE(a.admitted);
  EXPECT_FALSE(a.refused_by);
  ASSERT_NE(a.lease, nullptr);
  EXPECT_TRUE(a.lease->in_redis);
  EXPECT_TRUE(limiter.last_from_redis());
  EXPECT_TRUE(InRedis(pool, "login:10.0.0.1"));
  EXPECT_TRUE(InRedis(pool, "orders-buyer:buyer"));
  EXPECT_EQ(Leases(pool, "orders-in-flight:buyer"), 1);
  limiter.Release(*a.lease);
  EXPECT_EQ(Leases(pool, "orders-in-flight:buyer"), 0);
}

long long ScriptCalls(redis::Pool& pool) {
  const std::string info = pool.Command({"INFO", "commandstats"}).str;
  const auto at = info.find("cmdstat_evalsha:calls=");
  return at == std::string::npos ? 0 : std::stoll(info.substr(at + 22));
}

TEST(Limiter, Admit_TwoLimitsAndACap_AreOneRoundTripToRedis) {
  testing::RedisServer server;
  redis::Pool pool(Options(server));
  Limiter limiter(&pool);
  limiter.Take(kThreePerMinute, "warmup");  // loads the script
  const long long before = ScriptCalls(pool);
  auto a = limiter.Admit({{&kThreePerMinute, "10.0.0.2"}, {&kOnePerMinute, "henry"}},
                         InFlight{"orders-in-flight", "henry", 2, 30s});
  ASSERT_TRUE(a.admitted);
  EXPECT_EQ(ScriptCalls(pool) - before, 1);
}

// Whether from Redis or from memory, an admission decides as the separate checks did: limits
// in turn (those before a refusing one have counted the request), then the cap.
void ExpectAdmissionsInOrder(Limiter& limiter, const std::string& buyer) {
  const std::vector<Limit> limits{{&kThreePerMinute, buyer}, {&kOnePerMinute, buyer}};
  const InFlight cap{"orders-in-flight", buyer, 1, 30s};
  auto first = limiter.Admit(limits, cap);
  ASSERT_TRUE(first.admitted);
  ASSERT_NE(first.lease, nullptr);

  auto by_limit = limiter.Admit(limits, cap);  // the second limit allows one a minute
  EXPECT_FALSE(by_limit.admitted);
  ASSERT_TRUE(by_limit.refused_by);
  EXPECT_EQ(*by_limit.refused_by, 1u);
  EXPECT_FALSE(by_limit.decision.allowed);
  EXPECT_GT(by_limit.decision.retry_after, 59s);
  EXPECT_EQ(by_limit.lease, nullptr);
  // The first limit counted both requests: one of its three is left.
  EXPECT_TRUE(limiter.Take(kThreePerMinute, buyer).allowed);
  EXPECT_FALSE(limiter.Take(kThreePerMinute, buyer).allowed);

  auto by_cap = limiter.Admit({}, cap);  // the one place is still held
  EXPECT_FALSE(by_cap.admitted);
  EXPECT_FALSE(by_cap.refused_by);
  EXPECT_EQ(by_cap.lease, nullptr);
  limiter.Release(*first.lease);
  EXPECT_TRUE(limiter.Admit({}, cap).admitted);
}

TEST(Limiter, Admit_InRedis_LimitsInTurnThenTheCap) {
  testing::RedisServer server;
  redis::Pool pool(Options(server));
  Limiter limiter(&pool);
  ExpectAdmissionsInOrder(limiter, "frank");
  EXPECT_TRUE(limiter.last_from_redis());
  EXPECT_EQ(Leases(pool, "orders-in-flight:frank"), 1);
}

TEST(Limiter, Admit_RedisDown_TheSameFromMemory) {
  testing::RedisServer server;
  redis::Pool pool(Options(server));
  Limiter limiter(&pool);
  server.Stop();
  ExpectAdmissionsInOrder(limiter, "grace");
  EXPECT_FALSE(limiter.last_from_redis());
}

TEST(Limiter, Admit_DisabledPoliciesAndEmptyKeysAreNotChecked) {
  testing::RedisServer server;
  redis::Pool pool(Options(server));
  Limiter limiter(&pool);
  const Policy off{"off", 0};
  for (int i = 0; i < 3; ++i) {
    auto a = limiter.Admit({{&off, "x"}, {&kOnePerMinute, ""}}, InFlight{"cap", "", 1, 30s});
    EXPECT_TRUE(a.admitted) << i;
    EXPECT_EQ(a.lease, nullptr) << i;  // no cap asked: no place to give back
  }
  EXPECT_FALSE(InRedis(pool, "off:x"));
  EXPECT_FALSE(InRedis(pool, "orders-buyer:"));
}

}  // namespace
}  // namespace livedrop::ratelimit
