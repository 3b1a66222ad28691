// The whole Kafka path on librdkafka's mock cluster: events on the platform's topics are
// consumed by livedrop-notifications' handler, stored, and published once each on
// livedrop.notifications through the outbox relay, keyed by their audience, even when an
// event is delivered twice.
#include "livedrop/kafka/consumer.h"

#include <gtest/gtest.h>

#include <mutex>

#include "events_handler.h"
#include "livedrop/kafka/mock_cluster.h"
#include "livedrop/kafka/outbox.h"
#include "livedrop/kafka/producer.h"
#include "livedrop/kafka/topics.h"
#include "livedrop/notifications/v1/notifications.pb.h"
#include "livedrop/testing/eventually.h"
#include "livedrop/testing/service_database.h"
#include "notifications_app.h"
#include "notifications_migrations.h"
#include "test_events.h"

namespace livedrop::notifications {
namespace {

using namespace std::chrono_literals;
using namespace testing;  // NOLINT: the test events
using events::v1::Envelope;

bool WaitFor(const std::function<bool()>& done) { return livedrop::testing::Eventually(done, 30s); }

kafka::ConsumerOptions ConsumerOn(const kafka::MockCluster& cluster, std::string group,
                                  std::vector<std::string> topics) {
  kafka::ConsumerOptions o;
  o.brokers = cluster.BootstrapServers();
  o.group_id = std::move(group);
  o.topics = std::move(topics);
  o.settings["session.timeout.ms"] = "6000";
  return o;
}

struct Received {
  std::string key;
  v1::Notification notification;
};

TEST(NotificationsConsumer, EventsBecomeNotificationsPublishedOnceKeyedByAudience) {
  kafka::MockCluster cluster;
  for (const auto& topic : EventsHandler::Topics()) cluster.CreateTopic(topic, 4);
  cluster.CreateTopic(topics::kNotifications, 4);

  livedrop::testing::ServiceDatabase db("notifications", Migrations(), 4);
  pg::Pool& pool = db.pool();
  kafka::Producer producer({cluster.BootstrapServers(), "notifications-test"});
  kafka::OutboxRelay relay(pool, producer);
  relay.Start();

  std::mutex mu;
  std::vector<Received> received;
  kafka::Consumer reader(ConsumerOn(cluster, "reader-" + NewUuid(), {topics::kNotifications}));
  reader.Start([&](const kafka::Message& m) {
    const auto envelope = kafka::ParseEnvelope(m.payload);
    ASSERT_EQ(envelope.type(), "notification");
    std::lock_guard lock(mu);
    received.push_back({m.key, kafka::UnpackPayload<v1::Notification>(envelope)});
  });
  kafka::Consumer consumer(ConsumerOn(cluster, "livedrop-notifications", EventsHandler::Topics()));
  NotificationsApp app(pool);
  consumer.Start(EventsHandler(app));

  const auto creator = NewUuid(), drop = NewUuid(), follower = NewUuid(), buyer = NewUuid();
  const auto started = DropStarted(drop, creator);
  const auto sold_out = SoldOut(drop);
  const auto confirmed = OrderConfirmed(buyer);
  auto send = [&](const std::string& topic, const Envelope& e) {
    producer.ProduceSync(topic, e.subject(), kafka::SerializeEnvelope(e), 10s);
  };
  send("livedrop.followers", Followed(follower, creator));
  send("livedrop.drops", DropScheduled(drop, creator));
  send("livedrop.drops", started);
  send("livedrop.drops", started);  // delivered twice
  send("livedrop.inventory", sold_out);
  send("livedrop.orders", confirmed);
  send("livedrop.orders", confirmed);  // delivered twice

  ASSERT_TRUE(WaitFor([&] { return consumer.handled() >= 7; })) << consumer.handled();
  ASSERT_TRUE(WaitFor([&] {
    std::lock_guard lock(mu);
    return received.size() >= 3;
  }));
  // Whatever else was going to arrive has had time to.
  ASSERT_TRUE(WaitFor([&] { return db.OutboxSize() == 0; }));
  livedrop::testing::Idle(1s, "a duplicate notification would have arrived by now");
  consumer.Stop();
  reader.Stop();
  relay.Stop();

  EXPECT_EQ(consumer.dead_lettered(), 0u);
  std::lock_guard lock(mu);
  ASSERT_EQ(received.size(), 3u);
  std::map<std::string, Received> by_id;
  for (const auto& r : received) by_id[r.notification.id()] = r;
  ASSERT_EQ(by_id.size(), 3u);
  EXPECT_EQ(by_id[started.id()].key, creator);
  EXPECT_EQ(by_id[started.id()].notification.type(), "drop_started");
  EXPECT_EQ(by_id[started.id()].notification.creator_id(), creator);
  EXPECT_EQ(by_id[sold_out.id()].key, creator);
  EXPECT_EQ(by_id[sold_out.id()].notification.type(), "sold_out");
  EXPECT_EQ(by_id[confirmed.id()].key, buyer);
  EXPECT_EQ(by_id[confirmed.id()].notification.user_id(), buyer);
  EXPECT_EQ(by_id[confirmed.id()].notification.type(), "order_confirmed");
  for (const auto& r : received) EXPECT_GT(r.notification.seq(), 0);
}

}  // namespace
}  // namespace livedrop::notifications
