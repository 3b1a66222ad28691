// Live notifications end to end: GET /v1/ws on the real gateway, fed by livedrop-notifications
// through the Kafka-protocol broker, and the inbox routes.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "api.h"
#include "livedrop/core/ids.h"
#include "livedrop/core/time.h"
#include "livedrop/drops/v1/drops.pb.h"
#include "livedrop/kafka/envelope.h"
#include "livedrop/kafka/producer.h"
#include "livedrop/notifications/v1/notifications.pb.h"
#include "livedrop/orders/v1/orders.pb.h"
#include "livedrop/testing/eventually.h"
#include "platform.h"
#include "ws_client.h"

namespace livedrop::e2e {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

json::object Parse(const std::string& frame) { return json::parse(frame).as_object(); }
std::string DataField(const json::object& frame, const char* key) {
  return Str(frame.at("data").as_object(), key);
}

class NotificationsE2E : public ::testing::Test {
 protected:
  void Start(Platform::Options options = {}) {
    platform_ = std::make_unique<Platform>(std::move(options));
    creator_ = RegisterAccount(http(), "creator");
    product_ = NewProduct(http(), creator_);
  }
  HttpClient http() const { return platform_->Http(); }

  void Follow(const Account& who, const Account& creator) {
    const auto r = http().Request("PUT", "/v1/me/following/" + creator.id, "",
                                  {{"Authorization", "Bearer " + who.access_token}});
    ASSERT_EQ(r.status, 200) << r.body;
  }
  void Unfollow(const Account& who, const Account& creator) {
    const auto r = http().Request("DELETE", "/v1/me/following/" + creator.id, "",
                                  {{"Authorization", "Bearer " + who.access_token}});
    ASSERT_EQ(r.status, 204) << r.body;
  }
  // A connected client that has seen its `ready` frame.
  std::unique_ptr<WsClient> Connect(const Account& who, const std::string& query = "",
                                    int receive_buffer = 0, int gateway = 0) {
    WsClient::Options o;
    o.target = "/v1/ws" + query;
    o.headers = {{"Authorization", "Bearer " + who.access_token}};
    o.receive_buffer_bytes = receive_buffer;
    auto client = std::make_unique<WsClient>(platform_->HttpPort(gateway), o);
    EXPECT_FALSE(client->Refused()) << client->RefusedStatus() << " " << client->RefusedBody();
    const auto ready = client->ReadType("ready", 10s);
    EXPECT_TRUE(ready.has_value()) << "no ready frame";
    return client;
  }
  // A drop of the creator's that starts `in` from now (and ends in an hour).
  std::string DropStartingIn(std::chrono::milliseconds in) {
    return NewDrop(http(), creator_, product_, in, 1h, 10, 2);
  }
  // The drop_started frame of `drop` (skipping anything else), or nothing within 10 s.
  std::optional<json::object> AwaitStarted(WsClient& client, const std::string& drop) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
      const auto frame = client.ReadType("drop_started", 10s);
      if (!frame) return std::nullopt;
      auto f = Parse(*frame);
      if (DataField(f, "drop_id") == drop) return f;
    }
    return std::nullopt;
  }

  std::unique_ptr<Platform> platform_;
  Account creator_;
  std::string product_;
};

TEST_F(NotificationsE2E, Follower_ReceivesDropStarted_NonFollowerReceivesNothing) {
  Start();
  const auto follower = RegisterAccount(http());
  const auto stranger = RegisterAccount(http());
  Follow(follower, creator_);
  auto follower_ws = Connect(follower);
  auto stranger_ws = Connect(stranger);
  const auto drop = DropStartingIn(500ms);
  const auto frame = AwaitStarted(*follower_ws, drop);
  ASSERT_TRUE(frame.has_value());
  EXPECT_TRUE(IsUuid(Str(*frame, "id")));
  EXPECT_FALSE(Str(*frame, "time").empty());
  EXPECT_EQ(DataField(*frame, "creator_id"), creator_.id);
  EXPECT_FALSE(DataField(*frame, "starts_at").empty());
  EXPECT_EQ(stranger_ws->Read(1500ms), std::nullopt);
}

TEST_F(NotificationsE2E, FollowAndUnfollow_TakeEffectOnTheLiveConnection) {
  Start();
  const auto user = RegisterAccount(http());
  auto ws = Connect(user);  // follows nobody yet
  Follow(user, creator_);
  const auto first = DropStartingIn(1s);
  EXPECT_TRUE(AwaitStarted(*ws, first).has_value()) << "a follow made while connected counts";
  Unfollow(user, creator_);
  const auto second = DropStartingIn(1s);
  EXPECT_FALSE(AwaitStarted(*ws, second).has_value()) << "an unfollow stops delivery";
}

TEST_F(NotificationsE2E, OrderConfirmed_ReachesOnlyItsBuyer) {
  Start();
  const auto buyer = RegisterAccount(http());
  const auto other = RegisterAccount(http());
  Follow(other, creator_);
  const auto drop = DropStartingIn(200ms);
  AwaitDrop(http(), drop, "live");
  auto buyer_ws = Connect(buyer);
  auto other_ws = Connect(other);
  std::optional<HttpResult> placed;
  // The stock arrives through Kafka a moment after the drop: retry the same request (same
  // key) until the order is done, as a client would.
  testing::Eventually(
      [&] {
        placed = PlaceOrder(http(), buyer, "k", drop, 1);
        return placed->status == 201;
      },
      30s, 100ms);
  ASSERT_EQ(placed->status, 201) << placed->body;
  const auto frame = buyer_ws->ReadType("order_confirmed", 10s);
  ASSERT_TRUE(frame.has_value());
  EXPECT_EQ(DataField(Parse(*frame), "order_id"), Str(Json(*placed), "id"));
  EXPECT_FALSE(other_ws->ReadType("order_confirmed", 1500ms).has_value());
}

TEST_F(NotificationsE2E, Reconnect_WithLastEventId_ReplaysExactlyWhatWasMissed) {
  Start();
  const auto user = RegisterAccount(http());
  Follow(user, creator_);
  std::string seen_id;
  {
    auto ws = Connect(user);
    const auto drop = DropStartingIn(300ms);
    const auto frame = AwaitStarted(*ws, drop);
    ASSERT_TRUE(frame.has_value());
    seen_id = Str(*frame, "id");
  }
  // Missed while disconnected: two more drops start.
  const auto missed1 = DropStartingIn(200ms);
  const auto missed2 = DropStartingIn(600ms);
  testing::Eventually(  // until both are in the inbox
      [&] {
        const auto inbox = Json(http().Get("/v1/me/notifications", user.access_token));
        return inbox.at("items").as_array().size() >= 3;
      },
      30s, 100ms);
  auto ws = Connect(user, "?last_event_id=" + seen_id);
  std::vector<std::string> drops, ids;
  for (int i = 0; i < 2; ++i) {
    const auto frame = ws->ReadType("drop_started", 5s);
    ASSERT_TRUE(frame.has_value()) << "replayed frame " << i;
    drops.push_back(DataField(Parse(*frame), "drop_id"));
    ids.push_back(Str(Parse(*frame), "id"));
  }
  EXPECT_EQ(drops, (std::vector<std::string>{missed1, missed2}));
  EXPECT_NE(ids[0], seen_id);
  EXPECT_NE(ids[1], seen_id);
  // Then live, without repeating the replay.
  const auto live = DropStartingIn(300ms);
  const auto frame = ws->ReadType("drop_started", 10s);
  ASSERT_TRUE(frame.has_value());
  EXPECT_EQ(DataField(Parse(*frame), "drop_id"), live);
}

// More missed notifications than a socket's send queue holds (512 frames): the replay goes
// through it page by page instead of overflowing it (which closed every reconnect with 4008).
TEST_F(NotificationsE2E, Reconnect_After1000Missed_ReplaysEveryOneInOrderOnceWithoutAClose) {
  Start();
  const auto user = RegisterAccount(http());
  kafka::Producer producer(kafka::ProducerOptions{platform_->KafkaBrokers(), "e2e-test"});
  std::vector<std::string> orders;
  auto confirm = [&] {  // an order_confirmed for the user, keyed by the user: one partition
    orders::v1::OrderConfirmed e;
    e.mutable_order()->set_id(NewUuid());
    e.mutable_order()->set_buyer_id(user.id);
    e.mutable_order()->set_drop_id(NewUuid());
    e.mutable_order()->set_quantity(1);
    orders.push_back(e.order().id());
    producer.Produce("livedrop.orders", user.id,
                     kafka::SerializeEnvelope(kafka::MakeEnvelope("order_confirmed", "e2e-test",
                                                                  e.order().id(), e)));
  };
  std::string seen_id;
  {
    auto ws = Connect(user);
    confirm();
    const auto frame = ws->ReadType("order_confirmed", 10s);
    ASSERT_TRUE(frame.has_value());
    seen_id = Str(Parse(*frame), "id");
  }
  constexpr int kMissed = 1000;
  for (int i = 0; i < kMissed; ++i) confirm();
  producer.Flush(10s);
  ASSERT_TRUE(testing::Eventually(  // the newest is in the inbox: all of them are
      [&] {
        const auto inbox = Json(http().Get("/v1/me/notifications?limit=1", user.access_token));
        const auto& items = inbox.at("items").as_array();
        return !items.empty() && DataField(items[0].as_object(), "order_id") == orders.back();
      },
      60s, 200ms));

  WsClient::Options o;
  o.target = "/v1/ws?last_event_id=" + seen_id;
  o.headers = {{"Authorization", "Bearer " + user.access_token}};
  WsClient ws(platform_->HttpPort(), o);
  ASSERT_FALSE(ws.Refused());
  const auto ready = ws.Read(10s);
  ASSERT_TRUE(ready.has_value());
  EXPECT_EQ(Str(Parse(*ready), "type"), "ready");
  EXPECT_TRUE(Parse(*ready).at("data").at("replaying").as_bool());
  std::vector<std::string> replayed;
  std::optional<json::object> caught_up;
  while (const auto frame = ws.Read(10s)) {
    const auto f = Parse(*frame);
    if (Str(f, "type") == "caught_up") {
      caught_up = f;
      break;
    }
    ASSERT_EQ(Str(f, "type"), "order_confirmed") << *frame;
    replayed.push_back(DataField(f, "order_id"));
  }
  ASSERT_TRUE(caught_up.has_value()) << "no caught_up after " << replayed.size() << " frames";
  EXPECT_EQ(caught_up->at("data").at("replayed").as_int64(), kMissed);
  EXPECT_EQ(replayed, std::vector<std::string>(orders.begin() + 1, orders.end()))
      << "every missed notification, oldest first, once";
  // Still open and live.
  confirm();
  producer.Flush(10s);
  const auto live = ws.ReadType("order_confirmed", 10s);
  ASSERT_TRUE(live.has_value()) << "the connection did not stay open after the replay";
  EXPECT_EQ(DataField(Parse(*live), "order_id"), orders.back());
}

TEST_F(NotificationsE2E, Upgrade_WithoutAValidToken_IsRefused) {
  Start();
  const auto user = RegisterAccount(http());
  auto expect_refused = [&](WsClient::Options o, int status, const std::string& code) {
    WsClient client(platform_->HttpPort(), o);
    ASSERT_TRUE(client.Refused());
    EXPECT_EQ(client.RefusedStatus(), status);
    EXPECT_EQ(Str(json::parse(client.RefusedBody()).as_object(), "code"), code)
        << client.RefusedBody();
  };
  expect_refused({}, 401, "unauthenticated");
  expect_refused({"/v1/ws?access_token=not-a-token"}, 401, "token_invalid");
  expect_refused({"/v1/ws", {{"Authorization", "Bearer " + user.access_token + "x"}}}, 401,
                 "token_invalid");
  expect_refused({"/v1/elsewhere?access_token=" + user.access_token}, 404, "not_found");
  expect_refused({"/v1/ws?access_token=" + user.access_token + "&last_event_id=nope"}, 400,
                 "validation_failed");
  // Browsers: the token as a query parameter, or as a subprotocol next to livedrop.v1.
  WsClient by_query(platform_->HttpPort(), {"/v1/ws?access_token=" + user.access_token});
  EXPECT_FALSE(by_query.Refused());
  EXPECT_TRUE(by_query.ReadType("ready", 10s).has_value());
  WsClient by_protocol(platform_->HttpPort(),
                       {"/v1/ws", {}, "livedrop.v1, access_token." + user.access_token});
  EXPECT_FALSE(by_protocol.Refused());
  EXPECT_EQ(by_protocol.Subprotocol(), "livedrop.v1");
}

TEST_F(NotificationsE2E, Upgrade_WithAnExpiredToken_IsRefused) {
  Platform::Options options;
  options.auth_env = {{"LIVEDROP_ACCESS_TOKEN_TTL", "1s"}};
  options.gateway_env = {{"LIVEDROP_TOKEN_LEEWAY", "1s"}};
  Start(options);
  const auto user = RegisterAccount(http());
  testing::Idle(2500ms, "the token's 1 s of life and the gateway's 1 s of clock leeway pass");
  WsClient client(platform_->HttpPort(), {"/v1/ws?access_token=" + user.access_token});
  ASSERT_TRUE(client.Refused());
  EXPECT_EQ(client.RefusedStatus(), 401);
  EXPECT_EQ(Str(json::parse(client.RefusedBody()).as_object(), "code"), "token_expired");
}

TEST_F(NotificationsE2E, ClientThatNeverReads_IsCutOff_OthersKeepReceiving) {
  Platform::Options options;
  options.gateway_env = {{"LIVEDROP_WS_SEND_QUEUE_KIB", "16"},
                         {"LIVEDROP_WS_SOCKET_SEND_BUFFER_KIB", "4"}};
  Start(options);
  const auto stalled_user = RegisterAccount(http());
  const auto healthy_user = RegisterAccount(http());
  Follow(stalled_user, creator_);
  Follow(healthy_user, creator_);
  auto stalled = Connect(stalled_user, "", 2048);  // and never reads again
  auto healthy = Connect(healthy_user);
  // ≈ 60 KB of frames, far more than the stalled client's queue and buffers hold, spread over
  // 3 s so that a client that reads keeps up.
  constexpr int kDrops = 150;
  std::set<std::string> drops;
  for (int i = 0; i < kDrops; ++i) drops.insert(DropStartingIn(3s + i * 20ms));
  std::set<std::string> received;
  while (received.size() < drops.size()) {
    const auto frame = healthy->ReadType("drop_started", 15s);
    if (!frame) break;
    received.insert(DataField(Parse(*frame), "drop_id"));
  }
  EXPECT_EQ(received, drops) << "the healthy client gets every frame";
  // The stalled client was cut off: reading now finds the stream ending short of all frames.
  int got = 0;
  while (stalled->Read(3s)) ++got;
  EXPECT_LT(got, kDrops);
  EXPECT_EQ(stalled->Read(100ms), std::nullopt);
  // The server finishes closing the stalled socket on its own schedule (close handshake, then a
  // hard-close deadline): the gauge counts it until then.
  std::string metrics;
  EXPECT_TRUE(testing::Eventually(
      [&] {
        metrics = platform_->Metrics("gateway");
        return metrics.find("\nlivedrop_ws_connections 1\n") != std::string::npos;
      },
      10s))
      << "one left open:\n"
      << metrics;
}

TEST_F(NotificationsE2E, SameEventDeliveredTwiceByKafka_ReachesTheClientOnce) {
  Start();
  const auto user = RegisterAccount(http());
  Follow(user, creator_);
  auto ws = Connect(user);
  kafka::Producer producer(kafka::ProducerOptions{platform_->KafkaBrokers(), "e2e-test"});
  // A source event redelivered to livedrop-notifications (same envelope id twice).
  drops::v1::DropStarted started;
  started.mutable_drop()->set_id(NewUuid());
  started.mutable_drop()->set_creator_id(creator_.id);
  started.mutable_drop()->set_product_id(product_);
  started.mutable_scheduled_start()->set_seconds(
      std::chrono::duration_cast<std::chrono::seconds>(Now().time_since_epoch()).count());
  const auto source = kafka::MakeEnvelope("drop_started", "e2e-test", started.drop().id(), started);
  for (int i = 0; i < 2; ++i) {
    producer.ProduceSync("livedrop.drops", started.drop().id(), kafka::SerializeEnvelope(source),
                         5s);
  }
  // A notification the gateways see twice (a relay that published it again).
  notifications::v1::Notification n;
  n.set_id(NewUuid());
  n.set_type("low_stock");
  *n.mutable_time() = source.time();
  n.set_data_json(R"({"drop_id":")" + started.drop().id() + R"(","available":1,"total":10})");
  n.set_creator_id(creator_.id);
  const auto notification = kafka::MakeEnvelope("notification", "e2e-test", creator_.id, n);
  for (int i = 0; i < 2; ++i) {
    producer.ProduceSync("livedrop.notifications", creator_.id,
                         kafka::SerializeEnvelope(notification), 5s);
  }
  std::map<std::string, int> seen;  // frame id → times
  while (const auto frame = ws->Read(3s)) seen[Str(Parse(*frame), "id")]++;
  EXPECT_EQ(seen[source.id()], 1) << "the redelivered source event";
  EXPECT_EQ(seen[n.id()], 1) << "the notification published twice";
  EXPECT_EQ(seen.size(), 2u);
}

TEST_F(NotificationsE2E, TwoGatewaysAndTwoNotificationInstances_EachEventOnceToEachFollower) {
  Platform::Options options;
  options.extra_gateways = 1;
  options.extra_notifications = 1;
  Start(options);
  const auto on_first = RegisterAccount(http());
  const auto on_second = RegisterAccount(http());
  const auto stranger = RegisterAccount(http());
  Follow(on_first, creator_);
  Follow(on_second, creator_);
  auto first = Connect(on_first, "", 0, 0);
  auto second = Connect(on_second, "", 0, 1);
  auto other = Connect(stranger, "", 0, 1);
  std::set<std::string> drops;
  for (int i = 0; i < 6; ++i) drops.insert(DropStartingIn(500ms + i * 100ms));
  for (auto* ws : {first.get(), second.get()}) {
    std::map<std::string, int> started;  // drop → frames
    std::set<std::string> ids;
    while (started.size() < drops.size()) {
      const auto frame = ws->ReadType("drop_started", 10s);
      ASSERT_TRUE(frame.has_value()) << started.size() << " of " << drops.size();
      const auto f = Parse(*frame);
      started[DataField(f, "drop_id")]++;
      EXPECT_TRUE(ids.insert(Str(f, "id")).second) << "a frame came twice";
    }
    EXPECT_EQ(ws->ReadType("drop_started", 1s), std::nullopt) << "nothing more, no repeats";
    for (const auto& drop : drops) EXPECT_EQ(started[drop], 1) << drop;
  }
  EXPECT_EQ(other->Read(500ms), std::nullopt);
}

TEST_F(NotificationsE2E, Inbox_ListsBroadcastsAndMarksThemRead) {
  Start();
  const auto user = RegisterAccount(http());
  Follow(user, creator_);
  DropStartingIn(100ms);
  DropStartingIn(200ms);
  json::array items;
  testing::Eventually(
      [&] {
        items = Json(http().Get("/v1/me/notifications", user.access_token)).at("items").as_array();
        return items.size() >= 2;
      },
      30s, 100ms);
  ASSERT_EQ(items.size(), 2u);
  for (const auto& item : items) {
    EXPECT_EQ(Str(item.as_object(), "type"), "drop_started");
    EXPECT_FALSE(item.as_object().at("read").as_bool());
  }
  const auto page = Json(http().Get("/v1/me/notifications?limit=1", user.access_token));
  EXPECT_EQ(page.at("items").as_array().size(), 1u);
  EXPECT_FALSE(Str(page, "next_cursor").empty());
  const auto marked =
      http().PostJson("/v1/me/notifications/read", R"({"all":true})", user.access_token);
  ASSERT_EQ(marked.status, 200) << marked.body;
  EXPECT_EQ(Json(marked).at("marked").as_int64(), 2);
  const auto after = Json(http().Get("/v1/me/notifications", user.access_token));
  for (const auto& item : after.at("items").as_array()) {
    EXPECT_TRUE(item.as_object().at("read").as_bool());
  }
  ExpectProblem(http().PostJson("/v1/me/notifications/read", "{}", user.access_token), 400,
                "validation_failed");
  ExpectProblem(http().Get("/v1/me/notifications"), 401, "unauthenticated");
}

}  // namespace
}  // namespace livedrop::e2e
