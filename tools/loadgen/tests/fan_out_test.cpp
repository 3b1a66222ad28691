#include <gtest/gtest.h>

#include "fan_out_logic.h"

namespace livedrop::loadgen {
namespace {

using std::chrono::milliseconds;

constexpr const char* kDrop = "11111111-1111-4111-8111-111111111111";
constexpr const char* kCreator = "22222222-2222-4222-8222-222222222222";

TimePoint At(const char* rfc3339) { return ParseRfc3339(rfc3339).value(); }

std::string DropStarted(const std::string& id, const std::string& drop = kDrop,
                        const std::string& starts_at = "2026-11-25T10:00:00.000Z") {
  return R"({"id":")" + id + R"(","type":"drop_started","time":"2026-11-25T10:00:00.010Z",)" +
         R"("data":{"drop_id":")" + drop + R"(","creator_id":")" + kCreator + R"(","starts_at":")" +
         starts_at + R"(","scheduled_start":")" + starts_at + R"("}})";
}

constexpr const char* kReady =
    R"({"type":"ready","time":"2026-11-25T09:59:50Z","data":{"user_id":"u1","following":3}})";

TEST(ParseWsEvent, ReadsReadyFrame) {
  const auto e = ParseWsEvent(kReady);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->type, "ready");
  EXPECT_EQ(e->id, "");
  EXPECT_EQ(e->user_id, "u1");
  EXPECT_EQ(e->following, 3);
}

TEST(ParseWsEvent, ReadsDropStartedWithScheduledStart) {
  const auto e = ParseWsEvent(DropStarted("e1", kDrop, "2026-11-25T10:00:00.250Z"));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->id, "e1");
  EXPECT_EQ(e->type, "drop_started");
  EXPECT_EQ(e->drop_id, kDrop);
  EXPECT_EQ(e->creator_id, kCreator);
  ASSERT_TRUE(e->starts_at);
  EXPECT_EQ(*e->starts_at, At("2026-11-25T10:00:00.250Z"));
}

TEST(ParseWsEvent, FallsBackToScheduledStartWhenStartsAtIsMissing) {
  const auto e = ParseWsEvent(
      R"({"id":"e","type":"drop_started","data":{"scheduled_start":"2026-11-25T10:00:01Z"}})");
  ASSERT_TRUE(e && e->starts_at);
  EXPECT_EQ(*e->starts_at, At("2026-11-25T10:00:01Z"));
}

TEST(ParseWsEvent, RejectsNonJsonAndFramesWithoutStringType) {
  EXPECT_FALSE(ParseWsEvent("hello"));
  EXPECT_FALSE(ParseWsEvent(R"(["type"])"));
  EXPECT_FALSE(ParseWsEvent(R"({"type":7})"));
  EXPECT_FALSE(ParseWsEvent(""));
  const auto no_data = ParseWsEvent(R"({"type":"order_confirmed","id":"x","data":"?"})");
  ASSERT_TRUE(no_data);
  EXPECT_EQ(no_data->drop_id, "");
  EXPECT_FALSE(no_data->starts_at);
}

TEST(DelayMs, IsReceiptMinusScheduledStartAndMayBeNegative) {
  const auto start = At("2026-11-25T10:00:00.000Z");
  EXPECT_DOUBLE_EQ(DelayMs(start, start + milliseconds(125)), 125.0);
  EXPECT_DOUBLE_EQ(DelayMs(start, start + std::chrono::microseconds(1500)), 1.5);
  EXPECT_DOUBLE_EQ(DelayMs(start, start - milliseconds(3)), -3.0);
}

TEST(IsNonFollower, TakesTheShareOfEveryPrefixAndIsStableAcrossSizes) {
  for (const int w : {10, 100, 1000, 10000}) {
    int non = 0;
    for (int i = 0; i < w; ++i) non += IsNonFollower(i, 0.1) ? 1 : 0;
    EXPECT_EQ(non, w / 10) << w;
  }
  EXPECT_FALSE(IsNonFollower(0, 0.1));
  EXPECT_TRUE(IsNonFollower(9, 0.1));
  for (int i = 0; i < 100; ++i) {
    EXPECT_FALSE(IsNonFollower(i, 0));
    EXPECT_TRUE(IsNonFollower(i, 1));
  }
}

TEST(ParseConnectionCounts, SortsAndDeduplicatesASweep) {
  EXPECT_EQ(ParseConnectionCounts("10000").value(), std::vector<int>{10000});
  EXPECT_EQ(ParseConnectionCounts("10000, 1000,5000,1000").value(),
            (std::vector<int>{1000, 5000, 10000}));
  EXPECT_FALSE(ParseConnectionCounts(""));
  EXPECT_FALSE(ParseConnectionCounts("0"));
  EXPECT_FALSE(ParseConnectionCounts("10k"));
  EXPECT_FALSE(ParseConnectionCounts("100,,200"));
  EXPECT_FALSE(ParseConnectionCounts("-5"));
}

ConnectionLog Log(bool follower, std::vector<std::pair<int, std::string>> frames_at_ms) {
  ConnectionLog log;
  log.follower = follower;
  const auto start = At("2026-11-25T10:00:00.000Z");
  log.frames.push_back({start - std::chrono::seconds(10), kReady});
  for (auto& [ms, text] : frames_at_ms) log.frames.push_back({start + milliseconds(ms), text});
  return log;
}

TEST(AnalyzeDeliveries, TimesEachFollowersFirstReceiptFromStartsAt) {
  const auto scheduled = At("2026-11-25T10:00:00.000Z");
  const auto r = AnalyzeDeliveries(
      {Log(true, {{40, DropStarted("e1")}}), Log(true, {{90, DropStarted("e1")}}), Log(false, {})},
      kDrop, kCreator, scheduled);
  EXPECT_EQ(r.followers, 2);
  EXPECT_EQ(r.non_followers, 1);
  EXPECT_EQ(r.delivered, 2);
  EXPECT_EQ(r.missing, 0);
  EXPECT_EQ(r.duplicates, 0);
  EXPECT_EQ(r.wrongly_delivered, 0);
  EXPECT_EQ(r.delays_ms, (std::vector<double>{40, 90}));
}

TEST(AnalyzeDeliveries, MeasuresFromTheStartTheEventCarries) {
  // The event says the drop was scheduled 100 ms later than asked: that is the reference.
  const auto r =
      AnalyzeDeliveries({Log(true, {{150, DropStarted("e1", kDrop, "2026-11-25T10:00:00.100Z")}})},
                        kDrop, kCreator, At("2026-11-25T10:00:00.000Z"));
  EXPECT_EQ(r.delays_ms, (std::vector<double>{50}));
}

TEST(AnalyzeDeliveries, CountsMissingFollowers) {
  const auto r = AnalyzeDeliveries(
      {Log(true, {}), Log(true, {{10, DropStarted("e1", "33333333-3333-4333-8333-333333333333")}})},
      kDrop, kCreator, At("2026-11-25T10:00:00Z"));
  EXPECT_EQ(r.missing, 2);
  EXPECT_EQ(r.delivered, 0);
  EXPECT_EQ(r.other_events, 1);  // another drop's start is not this one
  EXPECT_TRUE(r.delays_ms.empty());
  EXPECT_FALSE(r.examples.empty());
}

TEST(AnalyzeDeliveries, SameEventIdTwiceOnOneConnectionIsADuplicate) {
  const auto r = AnalyzeDeliveries({Log(true, {{10, DropStarted("e1")}, {12, DropStarted("e1")}})},
                                   kDrop, kCreator, At("2026-11-25T10:00:00Z"));
  EXPECT_EQ(r.duplicates, 1);
  EXPECT_EQ(r.delivered, 1);
  EXPECT_EQ(r.delays_ms, (std::vector<double>{10}));  // the first receipt counts
}

TEST(AnalyzeDeliveries, SecondDropStartedUnderAnotherIdIsADuplicate) {
  const auto r = AnalyzeDeliveries({Log(true, {{10, DropStarted("e1")}, {20, DropStarted("e2")}})},
                                   kDrop, kCreator, At("2026-11-25T10:00:00Z"));
  EXPECT_EQ(r.duplicates, 1);
  EXPECT_EQ(r.delays_ms.size(), 1u);
}

TEST(AnalyzeDeliveries, SameEventOnDifferentConnectionsIsNotADuplicate) {
  const auto r = AnalyzeDeliveries(
      {Log(true, {{10, DropStarted("e1")}}), Log(true, {{11, DropStarted("e1")}})}, kDrop, kCreator,
      At("2026-11-25T10:00:00Z"));
  EXPECT_EQ(r.duplicates, 0);
  EXPECT_EQ(r.delivered, 2);
}

TEST(AnalyzeDeliveries, NonFollowerReceivingTheDropOrItsCreatorIsWronglyDelivered) {
  const std::string other_drop_of_creator =
      R"({"id":"e9","type":"drop_ended","data":{"drop_id":"x","creator_id":")" +
      std::string(kCreator) + R"("}})";
  const std::string own_order =
      R"({"id":"e8","type":"order_confirmed","data":{"order_id":"o1","drop_id":"y"}})";
  const auto r =
      AnalyzeDeliveries({Log(false, {{10, DropStarted("e1")}}),
                         Log(false, {{10, other_drop_of_creator}}), Log(false, {{10, own_order}})},
                        kDrop, kCreator, At("2026-11-25T10:00:00Z"));
  EXPECT_EQ(r.wrongly_delivered, 2);
  EXPECT_EQ(r.other_events, 1);
  EXPECT_EQ(r.missing, 0);  // non-followers are never missing anything
}

TEST(AnalyzeDeliveries, UnparsableFramesAreCountedNotFatal) {
  const auto r = AnalyzeDeliveries({Log(true, {{5, "not json"}, {10, DropStarted("e1")}})}, kDrop,
                                   kCreator, At("2026-11-25T10:00:00Z"));
  EXPECT_EQ(r.unparsable, 1);
  EXPECT_EQ(r.delivered, 1);
}

}  // namespace
}  // namespace livedrop::loadgen
