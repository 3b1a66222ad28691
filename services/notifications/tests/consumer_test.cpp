// The whole Kafka path on librdkafka's mock cluster: events on the platform's topics are
// consumed by livedrop-notifications' handler, stored, and published once each on
// livedrop.notifications through the outbox relay, keyed by their audience, even when an
// event is delivered twice.
#include "livedrop/kafka/consumer.h"

#include <gtest/gtest.h>

#include <mutex>
#include <pqxx/pqxx>
#include <span>
#include <thread>

#include "events_handler.h"
#include "livedrop/kafka/mock_cluster.h"
#include "livedrop/kafka/outbox.h"
#include "livedrop/kafka/producer.h"
#include "livedrop/kafka/topics.h"
#include "livedrop/metrics/registry.h"
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

// A consumer's batch stored in one transaction: a malformed event in it rolls the batch back,
// and the consumer's one-at-a-time fallback stores the others once and dead-letters it alone.
TEST(NotificationsConsumer, BatchWithAMalformedEvent_OthersStoredOnce_OnlyItDeadLettered) {
  kafka::MockCluster cluster;
  cluster.CreateTopic(topics::kOrders, 1);
  livedrop::testing::ServiceDatabase db("notifications", Migrations(), 2);
  kafka::Producer producer({cluster.BootstrapServers(), "notifications-test"});
  auto malformed = OrderConfirmed(NewUuid());
  malformed.set_id("not-a-uuid");
  for (const auto& e : {OrderConfirmed(NewUuid()), OrderConfirmed(NewUuid()), malformed,
                        OrderConfirmed(NewUuid())}) {
    producer.ProduceSync(topics::kOrders, e.subject(), kafka::SerializeEnvelope(e), 10s);
  }
  auto& registry = metrics::Registry::Default();
  auto& stored =
      registry.GetCounter("livedrop_notifications_stored_total", "", {{"type", "order_confirmed"}});
  auto& duplicates = registry.GetCounter("livedrop_notifications_duplicates_total", "");
  const double stored_before = stored.Value(), duplicates_before = duplicates.Value();

  NotificationsApp app(db.pool());
  EventsHandler handler(app);
  std::mutex mu;
  int calls = 0;
  bool malformed_among_others = false;
  kafka::Consumer consumer(ConsumerOn(cluster, "livedrop-notifications-orders", {topics::kOrders}));
  consumer.StartBatches([&](std::span<const kafka::Message> batch) {
    {
      std::lock_guard lock(mu);
      // The first poll may race the fetch and get one message; the rest are fetched meanwhile.
      if (++calls == 1) std::this_thread::sleep_for(300ms);
      for (const auto& m : batch) {
        malformed_among_others |=
            batch.size() > 1 && m.payload.find("not-a-uuid") != m.payload.npos;
      }
    }
    handler(batch);
  });
  ASSERT_TRUE(WaitFor([&] { return consumer.handled() + consumer.dead_lettered() == 4; }));
  consumer.Stop();

  EXPECT_TRUE(malformed_among_others) << "the malformed event never came in a batch with others";
  EXPECT_EQ(consumer.dead_lettered(), 1u);
  EXPECT_EQ(consumer.handled(), 3u);
  EXPECT_EQ(db.pool().Transact([](pqxx::work& tx) {
    return tx.exec1("SELECT count(*) FROM personal_notifications")[0].as<int>();
  }),
            3);
  EXPECT_EQ(db.OutboxSize(), 3);
  EXPECT_EQ(stored.Value(), stored_before + 3);
  EXPECT_EQ(duplicates.Value(), duplicates_before) << "part of the failed batch was kept";
}

}  // namespace
}  // namespace livedrop::notifications
