#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "order_outcome.h"
#include "rehearsal_logic.h"

namespace livedrop::loadgen {
namespace {

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

const SteadyClock::time_point kT0 = SteadyClock::time_point(std::chrono::seconds(1000));

ReadSample At(int ms_from_t0, double latency, int status = 200) {
  return {kT0 + milliseconds(ms_from_t0), latency, status};
}

TEST(SummarizeReads, CutsAtTheStartAndAtTheEndOfTheStorm) {
  const std::vector<ReadSample> reads{At(-1000, 1), At(-500, 2),     At(0, 10), At(250, 30),
                                      At(500, 20),  At(501, 3, 503), At(900, 4)};
  const auto r = SummarizeReads(reads, kT0, kT0 + milliseconds(500));
  EXPECT_EQ(r.before_start.reads, 2);
  EXPECT_EQ(r.before_start.latency.max, 2);
  EXPECT_DOUBLE_EQ(r.before_start.seconds, 0.5);
  // A read sent exactly at T0 or at the storm's end belongs to the storm.
  EXPECT_EQ(r.during_storm.reads, 3);
  EXPECT_EQ(r.during_storm.latency.p50, 20);
  EXPECT_EQ(r.during_storm.latency.max, 30);
  EXPECT_DOUBLE_EQ(r.during_storm.PerSecond(), 6);  // 3 reads over 0.5 s
  EXPECT_EQ(r.after_storm.reads, 2);
  EXPECT_EQ(r.after_storm.errors, 1);
  EXPECT_EQ(r.after_storm.latency.count, 1);  // the 503 is counted, not timed
  EXPECT_EQ(r.all.reads, 7);
  EXPECT_EQ(r.all.errors, 1);
  EXPECT_EQ(r.all.latency.count, 6);
  EXPECT_DOUBLE_EQ(r.all.seconds, 1.9);
}

TEST(SummarizeReads, NoReads_AreEmptyWindowsWithoutRate) {
  const auto r = SummarizeReads({}, kT0, kT0);
  EXPECT_EQ(r.all.reads, 0);
  EXPECT_EQ(r.all.latency.count, 0u);
  EXPECT_EQ(r.all.PerSecond(), 0);
}

LatencySummary WithP99(double p99) {
  LatencySummary s;
  s.count = 100;
  s.p99 = p99;
  return s;
}

TEST(RehearsalTargets, EachTargetIsMetOnlyWithinItsLimit) {
  RehearsalFigures f;
  f.notification = WithP99(250);  // at the limit: met
  f.followers = 10000;
  f.received = 9999;        // one short: missed
  f.reads = WithP99(20.5);  // over: missed
  f.orders = WithP99(120);
  f.audit_clean = true;
  const auto t = RehearsalTargets(f, {});
  ASSERT_EQ(t.size(), 5u);
  EXPECT_TRUE(t[0].Met());
  EXPECT_FALSE(t[1].Met());
  EXPECT_FALSE(t[2].Met());
  EXPECT_TRUE(t[3].Met());
  EXPECT_TRUE(t[4].Met());
  f.audit_clean = false;
  EXPECT_FALSE(RehearsalTargets(f, {})[4].Met());
}

TEST(RehearsalTargets, AFigureNotMeasured_IsNotMet) {
  RehearsalFigures f;  // nothing answered
  const auto t = RehearsalTargets(f, {});
  EXPECT_FALSE(t[0].value.has_value());
  EXPECT_FALSE(t[0].Met());
  EXPECT_FALSE(t[2].Met());
  EXPECT_FALSE(t[3].Met());
  // 0 of 0 followers is trivially all of them; the notification p99 above still fails the run.
  EXPECT_TRUE(t[1].Met());
}

TEST(OrderRequestBody, NamesTheDropQuantityAndCard) {
  const auto good = boost::json::parse(OrderRequestBody("d1", 2, false)).as_object();
  EXPECT_EQ(good.at("drop_id").as_string(), "d1");
  EXPECT_EQ(good.at("quantity").as_int64(), 2);
  EXPECT_EQ(good.at("payment_token").as_string(), "tok_visa");
  const auto bad = boost::json::parse(OrderRequestBody("d1", 1, true)).as_object();
  EXPECT_EQ(bad.at("payment_token").as_string(), "tok_chargeDeclined");
}

TEST(OtherAnswerKey, StatusAndCode_OrTheTransportError) {
  EXPECT_EQ(OtherAnswerKey(503, "unavailable", ""), "503 unavailable");
  EXPECT_EQ(OtherAnswerKey(429, "", ""), "429 -");
  EXPECT_EQ(OtherAnswerKey(0, "", "timeout"), "no answer (timeout)");
}

}  // namespace
}  // namespace livedrop::loadgen
