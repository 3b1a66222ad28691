// EventsHandler's table on a recording EventSink (no database): each event type reaches its
// own use case with its own message, an unknown type reaches none and is counted, and a
// payload that is not the type's message is refused rather than taken for another event.
#include <gtest/gtest.h>

#include <set>

#include "event_sink.h"
#include "events_handler.h"
#include "livedrop/kafka/topics.h"
#include "livedrop/metrics/registry.h"
#include "livedrop/testing/errors.h"
#include "test_events.h"

namespace livedrop::notifications {
namespace {

using livedrop::testing::ErrorCodeOf;
using namespace testing;  // NOLINT: the test events

// Records which use case was asked, with what.
class RecordingSink final : public EventSink {
 public:
  std::vector<std::string> calls;
  std::string drop_id;
  FollowChange follow;

  EventOutcome OnDropScheduled(const Envelope&, const drops::v1::DropScheduled& e) override {
    return Record("OnDropScheduled", e.drop().id());
  }
  EventOutcome OnDropStarted(const Envelope&, const drops::v1::DropStarted& e) override {
    return Record("OnDropStarted", e.drop().id());
  }
  EventOutcome OnDropEnded(const Envelope&, const drops::v1::DropEnded& e) override {
    return Record("OnDropEnded", e.drop().id());
  }
  EventOutcome OnDropCancelled(const Envelope&, const drops::v1::DropCancelled& e) override {
    return Record("OnDropCancelled", e.drop().id());
  }
  EventOutcome OnSoldOut(const Envelope&, const inventory::v1::SoldOut& e) override {
    return Record("OnSoldOut", e.drop_id());
  }
  EventOutcome OnLowStock(const Envelope&, const inventory::v1::LowStock& e) override {
    return Record("OnLowStock", e.drop_id());
  }
  EventOutcome OnOrderConfirmed(const Envelope&, const orders::v1::OrderConfirmed&) override {
    return Record("OnOrderConfirmed", "");
  }
  EventOutcome OnOrderFailed(const Envelope&, const orders::v1::OrderFailed&) override {
    return Record("OnOrderFailed", "");
  }
  EventOutcome OnOrderRefunded(const Envelope&, const orders::v1::OrderRefunded& e) override {
    return Record("OnOrderRefunded", e.order().drop_id());
  }
  EventOutcome OnFollowChanged(const Envelope&, const FollowChange& change) override {
    follow = change;
    return Record("OnFollowChanged", "");
  }

 private:
  EventOutcome Record(const std::string& call, const std::string& id) {
    calls.push_back(call);
    drop_id = id;
    return {};
  }
};

using Calls = std::vector<std::string>;

class EventsRoutingTest : public ::testing::Test {
 protected:
  RecordingSink sink_;
  EventsHandler handler_{sink_};
  const std::string drop_ = NewUuid();
  const std::string creator_ = NewUuid();
};

TEST_F(EventsRoutingTest, EachDropEvent_ReachesItsOwnUseCase) {
  handler_.Handle(DropScheduled(drop_, creator_));
  handler_.Handle(DropStarted(drop_, creator_));
  handler_.Handle(DropEnded(drop_, creator_));
  drops::v1::DropCancelled cancelled;
  *cancelled.mutable_drop() = Drop(drop_, creator_);
  handler_.Handle(
      kafka::MakeEnvelope(event_types::kDropCancelled, "livedrop-drops", drop_, cancelled));
  EXPECT_EQ(sink_.calls,
            (Calls{"OnDropScheduled", "OnDropStarted", "OnDropEnded", "OnDropCancelled"}));
  EXPECT_EQ(sink_.drop_id, drop_);
}

TEST_F(EventsRoutingTest, StockAndOrderEvents_ReachTheirOwnUseCases) {
  handler_.Handle(SoldOut(drop_));
  handler_.Handle(LowStock(drop_, 1, 10));
  handler_.Handle(OrderConfirmed(NewUuid()));
  handler_.Handle(OrderFailed(NewUuid(), "sold_out"));
  handler_.Handle(OrderRefunded(NewUuid(), "drop_cancelled"));
  EXPECT_EQ(sink_.calls, (Calls{"OnSoldOut", "OnLowStock", "OnOrderConfirmed", "OnOrderFailed",
                                "OnOrderRefunded"}));
}

TEST_F(EventsRoutingTest, OrderRefunded_ReachesItsUseCaseWithItsOwnMessage) {
  const auto refunded = OrderRefunded(NewUuid(), "drop_cancelled");
  handler_.Handle(refunded);
  ASSERT_EQ(sink_.calls, Calls{"OnOrderRefunded"});
  EXPECT_EQ(sink_.drop_id,
            kafka::UnpackPayload<orders::v1::OrderRefunded>(refunded).order().drop_id());
  auto wrong = OrderFailed(NewUuid(), "sold_out");  // an OrderFailed payload under order_refunded
  wrong.set_type(event_types::kOrderRefunded);
  EXPECT_EQ(ErrorCodeOf([&] { handler_.Handle(wrong); }), "payload_type_mismatch");
  EXPECT_EQ(sink_.calls.size(), 1u);
}

TEST_F(EventsRoutingTest, FollowedAndUnfollowed_AreFollowChangesOfThePair) {
  const auto follower = NewUuid();
  handler_.Handle(Followed(follower, creator_));
  EXPECT_TRUE(sink_.follow.active);
  EXPECT_EQ(sink_.follow.follower_id, follower);
  EXPECT_EQ(sink_.follow.creator_id, creator_);
  handler_.Handle(Unfollowed(follower, creator_));
  EXPECT_FALSE(sink_.follow.active);
  EXPECT_EQ(sink_.follow.follower_id, follower);
}

TEST_F(EventsRoutingTest, UnfollowedWithAFollowedPayload_IsAnUnfollowOfThatPair) {
  auto unfollow = Followed(NewUuid(), creator_);
  unfollow.set_type(event_types::kUnfollowed);
  handler_.Handle(unfollow);
  ASSERT_EQ(sink_.calls, Calls{"OnFollowChanged"});
  EXPECT_FALSE(sink_.follow.active);
  EXPECT_EQ(sink_.follow.creator_id, creator_);
}

TEST_F(EventsRoutingTest, KnownEventsForNobody_ReachNoUseCase) {
  handler_.Handle(Restocked(drop_));
  inventory::v1::SoldOut payload;
  for (const char* type : {event_types::kOrderPlaced, event_types::kOrderCancelled}) {
    const auto outcome =
        handler_.Handle(kafka::MakeEnvelope(type, "livedrop-orders", NewUuid(), payload));
    EXPECT_EQ(outcome.unknown, 0) << type;
  }
  EXPECT_TRUE(sink_.calls.empty());
}

TEST_F(EventsRoutingTest, UnknownType_IsCountedAndReachesNoUseCase) {
  auto& unknown =
      metrics::Registry::Default().GetCounter("livedrop_notifications_unknown_events_total", "");
  const double before = unknown.Value();
  auto mistyped = DropStarted(drop_, creator_);
  mistyped.set_type("drop_startd");
  const auto outcome = handler_.Handle(mistyped);
  EXPECT_EQ(outcome.unknown, 1);
  EXPECT_TRUE(outcome.stored.empty());
  EXPECT_TRUE(sink_.calls.empty()) << "an unknown type was taken for " << sink_.calls.front();
  EXPECT_EQ(unknown.Value(), before + 1);
  EXPECT_FALSE(EventsHandler::Knows("drop_startd"));
}

TEST_F(EventsRoutingTest, PayloadOfAnotherType_IsRefusedNotTakenForIt) {
  auto wrong = SoldOut(drop_);
  wrong.set_type(event_types::kDropStarted);
  EXPECT_EQ(ErrorCodeOf([&] { handler_.Handle(wrong); }), "payload_type_mismatch");
  EXPECT_TRUE(sink_.calls.empty());
}

TEST_F(EventsRoutingTest, EnvelopeIdNotAUuid_IsMalformedBeforeRouting) {
  auto bad = DropStarted(drop_, creator_);
  bad.set_id("not-a-uuid");
  EXPECT_EQ(ErrorCodeOf([&] { handler_.Handle(bad); }), "malformed_event");
  EXPECT_TRUE(sink_.calls.empty());
}

TEST(EventsHandlerTable, EveryTypeOfTheConsumedTopics_IsKnown) {
  for (const char* type :
       {event_types::kDropScheduled, event_types::kDropStarted, event_types::kDropEnded,
        event_types::kDropCancelled, event_types::kSoldOut, event_types::kLowStock,
        event_types::kRestocked, event_types::kOrderPlaced, event_types::kOrderConfirmed,
        event_types::kOrderFailed, event_types::kOrderCancelled, event_types::kOrderRefunded,
        event_types::kFollowed, event_types::kUnfollowed}) {
    EXPECT_TRUE(EventsHandler::Knows(type)) << type;
  }
  EXPECT_EQ(EventsHandler::Topics(),
            (std::vector<std::string>{topics::kDrops, topics::kInventory, topics::kOrders,
                                      topics::kFollowers}));
}

TEST(EventsHandlerTable, StoredCounter_ListsEveryNotificationTypeFromTheStart) {
  RecordingSink sink;
  EventsHandler handler(sink);
  const auto text = metrics::Registry::Default().Render();
  for (const char* type :
       {event_types::kDropStarted, event_types::kDropEnded, event_types::kSoldOut,
        event_types::kLowStock, event_types::kOrderConfirmed, event_types::kOrderFailed,
        event_types::kOrderRefunded}) {
    EXPECT_NE(text.find(std::string("livedrop_notifications_stored_total{type=\"") + type + "\"}"),
              std::string::npos)
        << type;
  }
}

TEST(EventsHandlerTable, Lanes_ReadEveryTopicOnce_DropsWithInventory_InGroupsOfTheirOwn) {
  std::multiset<std::string> topics;
  std::set<std::string> groups;
  for (const auto& lane : EventsHandler::Lanes()) {
    topics.insert(lane.topics.begin(), lane.topics.end());
    groups.insert(lane.group_id);
  }
  const auto& all = EventsHandler::Topics();
  EXPECT_EQ(topics, std::multiset<std::string>(all.begin(), all.end()));
  EXPECT_EQ(groups.size(), EventsHandler::Lanes().size());
  // Parked stock events are resolved by drop events: both on the broadcast lane.
  EXPECT_EQ(EventsHandler::Lanes().front().topics,
            (std::vector<std::string>{topics::kDrops, topics::kInventory}));
}

}  // namespace
}  // namespace livedrop::notifications
