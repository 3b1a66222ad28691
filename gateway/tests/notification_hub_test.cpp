// The hub's routing by interest, held-back frames while catching up, and dedupe — with a
// recording WebSocket in place of a network connection.
#include "ws/notification_hub.h"

#include <gtest/gtest.h>

#include <mutex>

#include "livedrop/http/websocket.h"
#include "livedrop/metrics/registry.h"
#include "ws/frames.h"
#include "ws/notification_feed.h"

namespace livedrop::gateway {
namespace {

class RecordingSocket : public http::WebSocket {
 public:
  bool Send(std::shared_ptr<const std::string> text) override {
    std::lock_guard lock(mutex_);
    if (closed_) return false;
    sent_.push_back(*text);
    return true;
  }
  void Close(int code, const std::string&) override {
    std::lock_guard lock(mutex_);
    closed_ = true;
    close_code_ = code;
  }
  bool closing() const override { return closed_; }
  std::vector<std::string> sent() {
    std::lock_guard lock(mutex_);
    return sent_;
  }
  int close_code() const { return close_code_; }

 private:
  std::mutex mutex_;
  std::vector<std::string> sent_;
  bool closed_ = false;
  int close_code_ = 0;
};

Frame F(const std::string& id) { return Frame{id, std::make_shared<const std::string>(id)}; }
const Frame kReady{"", std::make_shared<const std::string>("ready")};
const TimePoint kLater = Now() + std::chrono::hours(1);

struct Connected {
  std::shared_ptr<RecordingSocket> socket = std::make_shared<RecordingSocket>();
  NotificationHub::SubscriberPtr sub;
};

Connected Live(NotificationHub& hub, const std::string& user,
               const std::vector<std::string>& creators) {
  Connected c;
  c.sub = hub.Add(user, c.socket, kLater);
  hub.SetInterests(c.sub, creators);
  hub.SendNow(c.sub, kReady);
  hub.GoLive(c.sub);
  return c;
}

TEST(NotificationHub, Broadcast_ReachesExactlyTheFollowersConnections) {
  NotificationHub hub;
  auto fan = Live(hub, "u1", {"creator-a"});
  auto fan_second_device = Live(hub, "u1", {"creator-a"});
  auto other = Live(hub, "u2", {"creator-b"});
  hub.Deliver(F("n1"), Audience{"creator-a", ""});
  EXPECT_EQ(fan.socket->sent(), (std::vector<std::string>{"ready", "n1"}));
  EXPECT_EQ(fan_second_device.socket->sent(), (std::vector<std::string>{"ready", "n1"}));
  EXPECT_EQ(other.socket->sent(), (std::vector<std::string>{"ready"}));
}

TEST(NotificationHub, Personal_ReachesOnlyItsUser) {
  NotificationHub hub;
  auto buyer = Live(hub, "buyer", {});
  auto other = Live(hub, "other", {"buyer"});  // following someone with that id changes nothing
  hub.Deliver(F("order"), Audience{"", "buyer"});
  EXPECT_EQ(buyer.socket->sent().back(), "order");
  EXPECT_EQ(other.socket->sent().size(), 1u);
}

std::uint64_t FanoutCount() {
  return metrics::Registry::Default()
      .GetHistogram("livedrop_ws_fanout_seconds",
                    "Time to hand one broadcast notification to every socket of its audience at "
                    "this gateway (queued, not yet written)",
                    metrics::DefaultLatencyBuckets())
      .Count();
}

TEST(NotificationHub, Broadcast_IsTimedOnceForAllItsSockets_PersonalIsNot) {
  NotificationHub hub;
  auto fan = Live(hub, "u1", {"creator-a"});
  auto other_fan = Live(hub, "u2", {"creator-a"});
  auto third_fan = Live(hub, "u3", {"creator-a"});
  const auto before = FanoutCount();
  hub.Deliver(F("broadcast"), Audience{"creator-a", ""});
  EXPECT_EQ(FanoutCount(), before + 1);
  hub.Deliver(F("personal"), Audience{"", "u1"});
  EXPECT_EQ(FanoutCount(), before + 1);
  hub.Deliver(F("nobody-follows"), Audience{"creator-z", ""});
  EXPECT_EQ(FanoutCount(), before + 1);
  EXPECT_EQ(other_fan.socket->sent().back(), "broadcast");
}

TEST(NotificationFeed, LagLabel_IsTheKnownTypeOrOther) {
  for (const std::string type : {"drop_started", "drop_ended", "sold_out", "low_stock",
                                 "order_confirmed", "order_failed", "order_refunded"}) {
    EXPECT_EQ(std::string(NotificationLagLabel(type)), type);
  }
  EXPECT_EQ(std::string(NotificationLagLabel("")), "other");
  EXPECT_EQ(std::string(NotificationLagLabel("drop_started_v2")), "other");
  EXPECT_EQ(std::string(NotificationLagLabel("DROP_STARTED")), "other");
}

TEST(NotificationHub, SameIdTwice_IsDeliveredOnce) {
  NotificationHub hub;
  auto fan = Live(hub, "u1", {"c"});
  hub.Deliver(F("n1"), Audience{"c", ""});
  hub.Deliver(F("n1"), Audience{"c", ""});
  EXPECT_EQ(fan.socket->sent(), (std::vector<std::string>{"ready", "n1"}));
}

TEST(NotificationHub, WhileCatchingUp_FramesWaitAndFollowTheReplayWithoutRepeats) {
  NotificationHub hub;
  Connected c;
  c.sub = hub.Add("u1", c.socket, kLater);
  hub.SetInterests(c.sub, {"c"});
  hub.Deliver(F("n3"), Audience{"c", ""});  // arrives live while the replay is being read
  hub.Deliver(F("n4"), Audience{"c", ""});
  EXPECT_TRUE(c.socket->sent().empty());
  hub.SendNow(c.sub, kReady);  // ready goes out at once, catching up or not
  std::size_t sent = 0;
  EXPECT_TRUE(hub.Replay(c.sub, {F("n1"), F("n2")}, &sent));
  EXPECT_EQ(sent, 2u);
  EXPECT_TRUE(hub.Replay(c.sub, {F("n3")}));  // the replay's second page holds n3 too
  hub.Deliver(F("n6"), Audience{"c", ""});    // still held: the catch-up is not over
  EXPECT_EQ(c.socket->sent(), (std::vector<std::string>{"ready", "n1", "n2", "n3"}));
  EXPECT_EQ(hub.GoLive(c.sub), 2u) << "n4 and n6; n3 was replayed";
  hub.Deliver(F("n5"), Audience{"c", ""});
  EXPECT_EQ(c.socket->sent(),
            (std::vector<std::string>{"ready", "n1", "n2", "n3", "n4", "n6", "n5"}));
}

TEST(NotificationHub, Replay_ToAGoneOrClosingSubscriber_SaysSoAndSendsNothing) {
  NotificationHub hub;
  Connected c;
  c.sub = hub.Add("u1", c.socket, kLater);
  c.socket->Close(4008, "slow");
  EXPECT_FALSE(hub.Replay(c.sub, {F("n1")}));
  Connected gone;
  gone.sub = hub.Add("u2", gone.socket, kLater);
  hub.Remove(gone.sub);
  EXPECT_FALSE(hub.Replay(gone.sub, {F("n1")}));
  EXPECT_TRUE(gone.socket->sent().empty());
}

TEST(NotificationHub, FollowAndUnfollow_ChangeTheOpenConnections) {
  NotificationHub hub;
  auto c = Live(hub, "u1", {});
  hub.Follow("u1", "c");
  hub.Deliver(F("n1"), Audience{"c", ""});
  hub.Unfollow("u1", "c");
  hub.Deliver(F("n2"), Audience{"c", ""});
  EXPECT_EQ(c.socket->sent(), (std::vector<std::string>{"ready", "n1"}));
}

TEST(NotificationHub, Removed_GetsNothingAndIsForgotten) {
  NotificationHub hub;
  auto c = Live(hub, "u1", {"c"});
  hub.Remove(c.sub);
  hub.Deliver(F("n1"), Audience{"c", ""});
  EXPECT_EQ(c.socket->sent().size(), 1u);
  EXPECT_EQ(hub.subscribers(), 0u);
}

TEST(NotificationHub, CloseExpired_ClosesOnlyExpiredTokensWith4001) {
  NotificationHub hub;
  auto expired = std::make_shared<RecordingSocket>();
  auto fresh = std::make_shared<RecordingSocket>();
  hub.Add("u1", expired, Now() - std::chrono::seconds(1));
  hub.Add("u2", fresh, kLater);
  EXPECT_EQ(hub.CloseExpired(Now()), 1u);
  EXPECT_EQ(expired->close_code(), kCloseTokenExpired);
  EXPECT_FALSE(fresh->closing());
}

TEST(Frames, NotificationFrame_CarriesIdTypeTimeAndData) {
  notifications::v1::Notification n;
  n.set_id("11111111-1111-4111-8111-111111111111");
  n.set_type("sold_out");
  n.mutable_time()->set_seconds(1'790'000'000);
  n.set_data_json(R"({"drop_id":"d1","creator_id":"c1"})");
  n.set_creator_id("c1");
  const auto frame = frames::FromNotification(n);
  EXPECT_EQ(frame.id, n.id());
  EXPECT_EQ(*frame.json,
            R"({"id":"11111111-1111-4111-8111-111111111111","type":"sold_out",)"
            R"("time":"2026-09-21T14:13:20.000Z","data":{"drop_id":"d1","creator_id":"c1"}})");
  EXPECT_EQ(frames::AudienceOf(n).creator_id, "c1");
}

}  // namespace
}  // namespace livedrop::gateway
