// livedrop-notifications: turns the platform's events into inboxes and live notifications.
#include "events_handler.h"
#include "livedrop/kafka/consumer.h"
#include "livedrop/service/service_main.h"
#include "notifications_migrations.h"
#include "notifications_service.h"

using namespace livedrop;

int main(int argc, char** argv) {
  return service::ServiceMain(
      {"livedrop-notifications",
       "Inboxes and live notifications of Live Drops: personal events per user, a creator's "
       "broadcasts stored once and merged on read, each published on livedrop.notifications.",
       "notifications", &notifications::Migrations(), 7007, 9007},
      argc, argv, [](config::Spec&) {},
      [](service::Runtime& rt) {
        kafka::ConsumerOptions consumer_options;
        consumer_options.brokers = rt.config.GetString("kafka-brokers");
        consumer_options.group_id = "livedrop-notifications";
        consumer_options.topics = notifications::EventsHandler::Topics();
        consumer_options.client_id = "livedrop-notifications";
        auto consumer = std::make_shared<kafka::Consumer>(consumer_options);
        consumer->Start(notifications::EventsHandler(rt.pool));
        auto service = std::make_shared<notifications::NotificationsServiceImpl>(rt.pool);
        rt.Serve(service.get());
        rt.Keep(consumer);
        rt.Keep(service);
      });
}
