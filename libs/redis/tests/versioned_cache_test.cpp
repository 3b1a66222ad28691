#include <gtest/gtest.h>

#include "livedrop/metrics/registry.h"
#include "livedrop/redis/pool.h"
#include "livedrop/redis/versioned_cache.h"
#include "livedrop/testing/servers.h"

namespace livedrop::redis {
namespace {

using namespace std::chrono_literals;

TEST(VersionedCache, OlderVersionNeverReplacesNewer) {
  testing::RedisServer server;
  Pool pool(RedisOptions{server.Url()});
  VersionedCache cache(&pool, "test", 10s);
  EXPECT_EQ(cache.Get("k"), std::nullopt);
  cache.PutIfNewer("k", 4, "four");
  cache.PutIfNewer("k", 3, "three");  // a slow reader arriving late
  EXPECT_EQ(cache.Get("k"), "four");
  cache.PutIfNewer("k", 5, std::string("fi|ve\0", 6));
  EXPECT_EQ(cache.Get("k"), std::string("fi|ve\0", 6));
  cache.Invalidate("k");
  EXPECT_EQ(cache.Get("k"), std::nullopt);
}

TEST(VersionedCache, RedisDown_ReadsMissAndWritesAreNoOps) {
  testing::RedisServer server;
  Pool pool(RedisOptions{server.Url(), 2, 100ms, 100ms});
  VersionedCache cache(&pool, "down", 10s);
  server.Stop();
  cache.PutIfNewer("k", 1, "v");
  EXPECT_EQ(cache.Get("k"), std::nullopt);
  EXPECT_NE(metrics::Registry::Default().Render().find(
                "livedrop_cache_requests_total{cache=\"down\",result=\"error\"}"),
            std::string::npos);
}

TEST(VersionedCache, CountsHitsAndMisses) {
  testing::RedisServer server;
  Pool pool(RedisOptions{server.Url()});
  VersionedCache cache(&pool, "counted", 10s);
  cache.Get("a");
  cache.PutIfNewer("a", 1, "x");
  cache.Get("a");
  const auto text = metrics::Registry::Default().Render();
  EXPECT_NE(text.find("livedrop_cache_requests_total{cache=\"counted\",result=\"hit\"} 1"),
            std::string::npos);
  EXPECT_NE(text.find("livedrop_cache_requests_total{cache=\"counted\",result=\"miss\"} 1"),
            std::string::npos);
}

}  // namespace
}  // namespace livedrop::redis
