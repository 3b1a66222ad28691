// StockCoalescer: which stock snapshots go to livedrop.stock, on a clock the test moves.
#include "stock_publisher.h"

#include <gtest/gtest.h>

#include <chrono>

namespace livedrop::inventory {
namespace {

using namespace std::chrono_literals;
using Clock = StockCoalescer::Clock;

StockRow Row(const std::string& drop_id, int available, std::int64_t version) {
  StockRow row;
  row.drop_id = drop_id;
  row.total = 100;
  row.available = available;
  row.version = version;
  return row;
}

TEST(StockCoalescer, FirstChangeOfADrop_IsPublishedAtOnce) {
  StockCoalescer c(20ms);
  const auto t0 = Clock::now();
  const auto now = c.Offer(Row("d1", 99, 2), t0);
  ASSERT_TRUE(now.has_value());
  EXPECT_EQ(now->available, 99);
  EXPECT_TRUE(c.Due(t0 + 1h).empty());  // nothing pending behind it
}

TEST(StockCoalescer, ChangesWithinTheInterval_OnlyTheLatestGoesWhenItEnds) {
  StockCoalescer c(20ms);
  const auto t0 = Clock::now();
  ASSERT_TRUE(c.Offer(Row("d1", 99, 2), t0));
  EXPECT_FALSE(c.Offer(Row("d1", 97, 4), t0 + 5ms));
  EXPECT_FALSE(c.Offer(Row("d1", 98, 3), t0 + 6ms));  // older version, arriving late
  EXPECT_TRUE(c.Due(t0 + 19ms).empty());
  const auto due = c.Due(t0 + 20ms);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].row.available, 97);
  EXPECT_EQ(due[0].row.version, 4);
  EXPECT_EQ(due[0].first_change, t0 + 5ms);  // how far behind its oldest change it is
  EXPECT_TRUE(c.Due(t0 + 40ms).empty());
}

TEST(StockCoalescer, AfterAQuietInterval_TheNextChangeGoesAtOnce) {
  StockCoalescer c(20ms);
  const auto t0 = Clock::now();
  ASSERT_TRUE(c.Offer(Row("d1", 99, 2), t0));
  const auto later = c.Offer(Row("d1", 98, 3), t0 + 25ms);
  ASSERT_TRUE(later.has_value());
  EXPECT_EQ(later->version, 3);
}

TEST(StockCoalescer, DropsAreCoalescedApart) {
  StockCoalescer c(20ms);
  const auto t0 = Clock::now();
  EXPECT_TRUE(c.Offer(Row("d1", 9, 2), t0));
  EXPECT_TRUE(c.Offer(Row("d2", 5, 2), t0 + 1ms));
  EXPECT_FALSE(c.Offer(Row("d1", 8, 3), t0 + 2ms));
  const auto due = c.Due(t0 + 20ms);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].row.drop_id, "d1");
  EXPECT_EQ(due[0].first_change, t0 + 2ms);
}

}  // namespace
}  // namespace livedrop::inventory
