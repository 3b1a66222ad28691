#include <gtest/gtest.h>

#include "livedrop/ratelimit/gcra.h"

namespace livedrop::ratelimit {
namespace {

using std::chrono::milliseconds;

const Policy kTenPerMinute{"login", 10, std::chrono::seconds(60)};  // one every 6 s

TEST(Gcra, FreshKey_AllowsTheWholeQuotaAtOnceCountingDown) {
  std::int64_t tat = 0;
  for (int i = 0; i < 10; ++i) {
    const Decision d = Gcra(1'000'000, tat, kTenPerMinute);
    EXPECT_TRUE(d.allowed) << i;
    EXPECT_EQ(d.remaining, 9 - i);
  }
  EXPECT_FALSE(Gcra(1'000'000, tat, kTenPerMinute).allowed);
}

TEST(Gcra, Refused_SaysWhenTheNextFitsAndConsumesNothing) {
  std::int64_t tat = 0;
  for (int i = 0; i < 10; ++i) Gcra(1'000'000, tat, kTenPerMinute);
  const std::int64_t before = tat;
  const Decision d = Gcra(1'000'000, tat, kTenPerMinute);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.remaining, 0);
  EXPECT_EQ(d.retry_after, milliseconds(6000));
  EXPECT_EQ(d.reset, milliseconds(60000));
  EXPECT_EQ(tat, before);
  EXPECT_FALSE(Gcra(1'005'999, tat, kTenPerMinute).allowed);
  const Decision later = Gcra(1'006'000, tat, kTenPerMinute);
  EXPECT_TRUE(later.allowed);
  EXPECT_EQ(later.remaining, 0);
  EXPECT_FALSE(Gcra(1'006'000, tat, kTenPerMinute).allowed);
}

TEST(Gcra, EvenlySpacedRequests_AreNeverRefused) {
  std::int64_t tat = 0;
  for (int i = 0; i < 100; ++i) {
    EXPECT_TRUE(Gcra(1'000'000 + i * 6000, tat, kTenPerMinute).allowed) << i;
  }
}

TEST(Gcra, AfterAQuietWindow_TheWholeQuotaIsBack) {
  std::int64_t tat = 0;
  for (int i = 0; i < 10; ++i) Gcra(1'000'000, tat, kTenPerMinute);
  const Decision d = Gcra(1'060'000, tat, kTenPerMinute);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.remaining, 9);
}

TEST(Gcra, Policy_IntervalIsWindowOverQuota) {
  EXPECT_EQ(kTenPerMinute.interval_ms(), 6000);
  EXPECT_FALSE((Policy{"off", 0}.enabled()));
}

}  // namespace
}  // namespace livedrop::ratelimit
