#include <gtest/gtest.h>

#include <chrono>

#include "livedrop/ratelimit/limiter.h"
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

}  // namespace
}  // namespace livedrop::ratelimit
