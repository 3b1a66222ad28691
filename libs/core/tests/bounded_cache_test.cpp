// BoundedCache: at its bound it evicts the least recently used entry, one at a time, and
// entries with an expiry are gone once it has passed.
#include "livedrop/core/bounded_cache.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace livedrop {
namespace {

using namespace std::chrono_literals;
using Cache = BoundedCache<std::string, int>;

TEST(BoundedCache, AtItsBound_EvictsTheLeastRecentlyUsedInsteadOfEmptying) {
  int evicted = 0;
  Cache cache(4, [&] { ++evicted; });
  for (int i = 0; i < 4; ++i) cache.Put("k" + std::to_string(i), i);
  ASSERT_EQ(cache.size(), 4u);
  // Touch all but k1: k1 is now the least recently used.
  ASSERT_NE(cache.Find("k0"), nullptr);
  ASSERT_NE(cache.Find("k2"), nullptr);
  ASSERT_NE(cache.Find("k3"), nullptr);

  cache.Put("k4", 4);

  EXPECT_EQ(cache.size(), 4u);
  EXPECT_EQ(cache.Find("k1"), nullptr);
  for (const char* kept : {"k0", "k2", "k3", "k4"}) {
    EXPECT_NE(cache.Find(kept), nullptr) << kept;
  }
  EXPECT_EQ(*cache.Find("k4"), 4);
  EXPECT_EQ(evicted, 1);
  EXPECT_EQ(cache.evictions(), 1u);
}

TEST(BoundedCache, ReplacingAKey_NeitherGrowsNorEvicts) {
  Cache cache(2);
  cache.Put("a", 1);
  cache.Put("b", 2);
  cache.Put("a", 10);  // also makes "a" the most recently used
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.evictions(), 0u);
  EXPECT_EQ(*cache.Find("a"), 10);
  cache.Put("c", 3);
  EXPECT_EQ(cache.Find("b"), nullptr);
  EXPECT_NE(cache.Find("a"), nullptr);
}

TEST(BoundedCache, ExpiredEntry_IsGoneAndErased) {
  Cache cache(8);
  const auto t0 = Cache::Clock::now();
  cache.Put("short", 1, t0 + 100ms);
  cache.Put("forever", 2);
  EXPECT_NE(cache.Find("short", t0 + 99ms), nullptr);
  EXPECT_EQ(cache.Find("short", t0 + 100ms), nullptr);
  EXPECT_EQ(cache.Find("short", t0), nullptr);  // erased when found expired
  EXPECT_NE(cache.Find("forever", t0 + 24h), nullptr);
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.evictions(), 0u);  // expiry is not an eviction
}

TEST(BoundedCache, PutAgain_RenewsTheExpiry) {
  Cache cache(8);
  const auto t0 = Cache::Clock::now();
  cache.Put("k", 1, t0 + 10ms);
  cache.Put("k", 2, t0 + 1s);
  ASSERT_NE(cache.Find("k", t0 + 500ms), nullptr);
  EXPECT_EQ(*cache.Find("k", t0 + 500ms), 2);
}

TEST(BoundedCache, Erase_RemovesOnlyThatKey) {
  Cache cache(8);
  cache.Put("a", 1);
  cache.Put("b", 2);
  EXPECT_TRUE(cache.Erase("a"));
  EXPECT_FALSE(cache.Erase("a"));
  EXPECT_EQ(cache.Find("a"), nullptr);
  EXPECT_NE(cache.Find("b"), nullptr);
  EXPECT_EQ(cache.size(), 1u);
}

TEST(BoundedCache, Clear_EmptiesItWithoutCountingEvictions_AndKeepsTheCapacity) {
  int evicted = 0;
  Cache cache(2, [&] { ++evicted; });
  cache.Put("a", 1);
  cache.Put("b", 2);
  cache.Clear();
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.Find("a"), nullptr);
  EXPECT_EQ(evicted, 0);
  cache.Put("c", 3);
  cache.Put("d", 4);
  cache.Put("e", 5);  // the bound still holds: one evicted
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(evicted, 1);
}

TEST(BoundedCache, LongRun_StaysWithinItsCapacity) {
  Cache cache(100);
  for (int i = 0; i < 100000; ++i) cache.Put(std::to_string(i), i);
  EXPECT_EQ(cache.size(), 100u);
  EXPECT_EQ(cache.evictions(), 100000u - 100u);
  EXPECT_NE(cache.Find("99999"), nullptr);
  EXPECT_EQ(cache.Find("99899"), nullptr);
}

}  // namespace
}  // namespace livedrop
