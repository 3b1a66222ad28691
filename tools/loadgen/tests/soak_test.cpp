#include <gtest/gtest.h>

#include "soak_logic.h"

namespace livedrop::loadgen {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

SoakPlanInput ThirtyMinutes() {
  SoakPlanInput in;
  in.duration = minutes(30);
  in.warmup = minutes(2);
  in.idle_gap = minutes(6);
  in.fault_grace = seconds(20);
  in.broker_pause = seconds(30);
  in.faults = {FaultKind::kPgRestart, FaultKind::kRedisRestart, FaultKind::kBrokerPause};
  return in;
}

// Every fault window (expected length + grace) lies in the traffic after the warm-up, away
// from every gap, and they do not overlap one another.
void ExpectFaultsClear(const SoakPlanInput& in, const SoakPlan& plan) {
  milliseconds previous_end{0};
  for (const auto& f : plan.faults) {
    const Interval w{f.at, f.at + ExpectedFaultLength(f.kind, in.broker_pause) + in.fault_grace};
    EXPECT_GE(w.start, in.warmup) << FaultName(f.kind);
    EXPECT_LE(w.end, in.duration) << FaultName(f.kind);
    EXPECT_GE(w.start, previous_end) << FaultName(f.kind);
    for (const auto& g : plan.idle_gaps) {
      // Clear of the gap by 10 s on both sides: the requests around a gap are judged outside.
      EXPECT_FALSE(w.Overlaps({g.start - seconds(10), g.end + seconds(10)})) << FaultName(f.kind);
    }
    previous_end = w.end;
  }
}

TEST(SoakPlan, ThirtyMinutesHasTwoGapsWithTrafficAroundEach) {
  std::string error;
  const auto plan = PlanSoak(ThirtyMinutes(), error);
  ASSERT_TRUE(plan) << error;
  ASSERT_EQ(plan->idle_gaps.size(), 2u);  // 28 minutes after the warm-up / (2 x 6)
  // Each 14-minute slot has its 6-minute gap in the middle.
  EXPECT_EQ(plan->idle_gaps[0].start, minutes(6));
  EXPECT_EQ(plan->idle_gaps[0].end, minutes(12));
  EXPECT_EQ(plan->idle_gaps[1].start, minutes(20));
  EXPECT_EQ(plan->idle_gaps[1].end, minutes(26));
  EXPECT_TRUE(InIdleGap(*plan, minutes(7)));
  EXPECT_FALSE(InIdleGap(*plan, minutes(12)));
  EXPECT_FALSE(InIdleGap(*plan, minutes(1)));
}

TEST(SoakPlan, FaultsSpreadOverTheActiveTimeAndAvoidGaps) {
  const auto in = ThirtyMinutes();
  std::string error;
  const auto plan = PlanSoak(in, error);
  ASSERT_TRUE(plan) << error;
  ASSERT_EQ(plan->faults.size(), 3u);
  EXPECT_EQ(plan->faults[0].kind, FaultKind::kPgRestart);
  EXPECT_EQ(plan->faults[1].kind, FaultKind::kRedisRestart);
  EXPECT_EQ(plan->faults[2].kind, FaultKind::kBrokerPause);
  ExpectFaultsClear(in, *plan);
  // One in each stretch of traffic: 2-6m, 12-20m, 26-30m.
  EXPECT_LT(plan->faults[0].at, minutes(6));
  EXPECT_GE(plan->faults[1].at, minutes(12));
  EXPECT_LT(plan->faults[1].at, minutes(20));
  EXPECT_GE(plan->faults[2].at, minutes(26));
}

TEST(SoakPlan, ShortRunWithOneGapFitsAFault) {
  SoakPlanInput in;
  in.duration = minutes(3);
  in.warmup = seconds(30);
  in.idle_gap = seconds(70);
  in.fault_grace = seconds(15);
  in.broker_pause = seconds(15);
  in.faults = {FaultKind::kBrokerPause};
  std::string error;
  const auto plan = PlanSoak(in, error);
  ASSERT_TRUE(plan) << error;
  ASSERT_EQ(plan->idle_gaps.size(), 1u);
  EXPECT_EQ(plan->idle_gaps[0].start, seconds(70));
  EXPECT_EQ(plan->idle_gaps[0].end, seconds(140));
  ASSERT_EQ(plan->faults.size(), 1u);
  ExpectFaultsClear(in, *plan);
}

TEST(SoakPlan, NoRoomForTheFaultsIsAnError) {
  SoakPlanInput in;
  in.duration = minutes(3);
  in.warmup = seconds(30);
  in.idle_gap = seconds(70);
  in.fault_grace = seconds(20);
  in.broker_pause = seconds(30);
  in.faults = {FaultKind::kBrokerPause, FaultKind::kBrokerPause};
  std::string error;
  EXPECT_FALSE(PlanSoak(in, error));
  EXPECT_NE(error.find("no room"), std::string::npos) << error;
}

TEST(SoakPlan, ExplicitTimesAreCheckedAgainstGapsAndEachOther) {
  auto in = ThirtyMinutes();
  std::string error;
  in.fault_at = {minutes(3), minutes(14), minutes(27)};
  const auto plan = PlanSoak(in, error);
  ASSERT_TRUE(plan) << error;
  EXPECT_EQ(plan->faults[1].at, minutes(14));
  in.fault_at = {minutes(3), minutes(8), minutes(27)};  // inside the first gap
  EXPECT_FALSE(PlanSoak(in, error));
  EXPECT_NE(error.find("idle gap"), std::string::npos) << error;
  in.fault_at = {minutes(3), minutes(3), minutes(27)};  // two at once
  EXPECT_FALSE(PlanSoak(in, error));
  in.fault_at = {minutes(3), minutes(14)};  // one missing
  EXPECT_FALSE(PlanSoak(in, error));
}

TEST(SoakPlan, NoIdleGapMeansOneActiveStretch) {
  auto in = ThirtyMinutes();
  in.idle_gap = milliseconds(0);
  in.faults.clear();
  std::string error;
  const auto plan = PlanSoak(in, error);
  ASSERT_TRUE(plan) << error;
  EXPECT_TRUE(plan->idle_gaps.empty());
  ASSERT_EQ(plan->active.size(), 1u);
  EXPECT_EQ(plan->active[0].start, minutes(2));
  EXPECT_EQ(plan->active[0].end, minutes(30));
}

TEST(SoakFaults, ParsesNamesAndRejectsUnknownOnes) {
  const auto f = ParseFaults("pg-restart,broker-pause");
  ASSERT_TRUE(f);
  EXPECT_EQ(*f, (std::vector<FaultKind>{FaultKind::kPgRestart, FaultKind::kBrokerPause}));
  EXPECT_TRUE(ParseFaults("")->empty());
  EXPECT_FALSE(ParseFaults("pg-restart,kafka-restart"));
  const auto at = ParseOffsets("5m,90s");
  ASSERT_TRUE(at);
  EXPECT_EQ(*at, (std::vector<milliseconds>{minutes(5), seconds(90)}));
  EXPECT_FALSE(ParseOffsets("5m,soon"));
}

TEST(FaultWindow, RequestOverlappingTheWindowIsInside) {
  const std::vector<Interval> windows{{seconds(100), seconds(130)}};
  EXPECT_TRUE(InAnyWindow(windows, seconds(110), seconds(111)));
  EXPECT_TRUE(InAnyWindow(windows, seconds(95), seconds(101)));   // started before, answered in
  EXPECT_TRUE(InAnyWindow(windows, seconds(129), seconds(140)));  // started in, answered after
  EXPECT_FALSE(InAnyWindow(windows, seconds(131), seconds(132)));
  EXPECT_FALSE(InAnyWindow(windows, seconds(90), seconds(99)));
  EXPECT_FALSE(InAnyWindow({}, seconds(1), seconds(2)));
}

TEST(FaultWindow, WhatCountsAsAFailedAnswer) {
  EXPECT_TRUE(IsFailedAnswer(SoakOp::kRead, 0));
  EXPECT_TRUE(IsFailedAnswer(SoakOp::kRead, 503));
  EXPECT_TRUE(IsFailedAnswer(SoakOp::kOrder, 429));
  EXPECT_TRUE(IsFailedAnswer(SoakOp::kRead, 404));
  EXPECT_FALSE(IsFailedAnswer(SoakOp::kRead, 200));
  EXPECT_FALSE(IsFailedAnswer(SoakOp::kOrder, 201));
  EXPECT_FALSE(IsFailedAnswer(SoakOp::kOrder, 402));
  EXPECT_FALSE(IsFailedAnswer(SoakOp::kOrder, 409));
  EXPECT_TRUE(IsFailedAnswer(SoakOp::kOrder, 401));
  EXPECT_FALSE(IsFailedAnswer(SoakOp::kUnfollow, 404));
  EXPECT_TRUE(IsFailedAnswer(SoakOp::kFollow, 404));
}

TEST(RetryDelay, HonoursRetryAfterElseBacksOff) {
  EXPECT_EQ(RetryDelay("2", 0), seconds(2));
  EXPECT_EQ(RetryDelay("600", 0), seconds(30));
  EXPECT_EQ(RetryDelay("", 0), milliseconds(500));
  EXPECT_EQ(RetryDelay("", 2), milliseconds(2000));
  EXPECT_EQ(RetryDelay("Wed, 21 Oct 2015 07:28:00 GMT", 9), milliseconds(8000));
}

TEST(SoakMemory, RatioOfEndToWarmUp) {
  const std::vector<ProcessMemory> flat{{"orders", 10e6, 50e6, 54e6}, {"gateway", 5e6, 30e6, 29e6}};
  const auto ok = CheckMemory(flat, 1.10);
  EXPECT_TRUE(ok.ok);
  EXPECT_NEAR(ok.worst_ratio, 1.08, 1e-9);
  const std::vector<ProcessMemory> grown{{"orders", 10e6, 50e6, 56e6},
                                         {"gateway", 5e6, 30e6, 29e6}};
  const auto bad = CheckMemory(grown, 1.10);
  EXPECT_FALSE(bad.ok);
  EXPECT_EQ(bad.over, std::vector<std::string>{"orders"});
  const std::vector<ProcessMemory> missing{{"payment", 10e6, std::nullopt, 50e6}};
  const auto unreadable = CheckMemory(missing, 1.10);
  EXPECT_FALSE(unreadable.ok);
  EXPECT_EQ(unreadable.unreadable, std::vector<std::string>{"payment"});
}

TEST(SoakMemory, ParsesNamedUrls) {
  const auto u = ParseNamedUrls("auth=http://127.0.0.1:9001/metrics,gateway=http://h:8080/metrics");
  ASSERT_TRUE(u);
  ASSERT_EQ(u->size(), 2u);
  EXPECT_EQ((*u)[1].first, "gateway");
  EXPECT_EQ((*u)[1].second, "http://h:8080/metrics");
  EXPECT_FALSE(ParseNamedUrls("http://127.0.0.1:9001/metrics"));
}

TEST(SoakNotifications, CountsMissingDropStartedOfFollowedCreators) {
  const auto t0 = ParseRfc3339("2026-01-01T00:00:00Z").value();
  const auto at = [&](int s) { return t0 + std::chrono::seconds(s); };
  const std::vector<SoakDrop> drops{{"d1", "c1", at(10)},    // expected for f0
                                    {"d2", "c2", at(20)},    // f0 does not follow c2
                                    {"d3", "c1", at(-5)},    // before f0 was ready
                                    {"d4", "c1", at(100)}};  // after the listening ended
  FollowerLog f0;
  f0.creator_ids = {"c1"};
  f0.ready_at = t0;
  FollowerLog f1 = f0;
  f1.frames.push_back({at(11), R"({"id":"e1","type":"drop_started","data":{"drop_id":"d1"}})"});
  FollowerLog closed = f0;
  closed.stayed_open = false;
  const auto r = CountNotifications({f0, f1, closed}, drops, at(60));
  EXPECT_EQ(r.expected, 2);
  EXPECT_EQ(r.delivered, 1);
  EXPECT_EQ(r.missing, 1);
  EXPECT_EQ(r.closed_early, 1);
  ASSERT_EQ(r.examples.size(), 1u);
  EXPECT_NE(r.examples[0].find("follower 0"), std::string::npos);
}

TEST(SoakNotifications, EveryFollowerFollowsSomeone) {
  for (int f = 0; f < 12; ++f) {
    bool any = false;
    for (int c = 0; c < 2; ++c) any = any || FollowsCreator(f, c, 2);
    EXPECT_TRUE(any) << f;
  }
  EXPECT_TRUE(FollowsCreator(0, 0, 2) && FollowsCreator(0, 1, 2));  // every third: all
  EXPECT_FALSE(FollowsCreator(1, 0, 2));
}

TEST(SoakAudit, MergesPerDropChecksByName) {
  const std::vector<std::pair<std::string, std::vector<Check>>> per_drop{
      {"d1", {{"no order charged twice", true, "0"}, {"every order ended", true, "0 pending"}}},
      {"d2", {{"no order charged twice", false, "1 orders"}, {"every order ended", true, "0"}}}};
  const auto merged = MergeDropChecks(per_drop);
  ASSERT_EQ(merged.size(), 2u);
  EXPECT_EQ(merged[0].name, "no order charged twice");
  EXPECT_FALSE(merged[0].ok);
  EXPECT_NE(merged[0].detail.find("1 of 2 drops failed: d2: 1 orders"), std::string::npos);
  EXPECT_TRUE(merged[1].ok);
  EXPECT_EQ(merged[1].detail, "ok for 2 drops");
}

}  // namespace
}  // namespace livedrop::loadgen
