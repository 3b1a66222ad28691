// livedrop-inventory: stock per drop and reservations that never oversell.
#include "drop_events_handler.h"
#include "expiry_sweeper.h"
#include "inventory_migrations.h"
#include "inventory_service.h"
#include "livedrop/kafka/consumer.h"
#include "livedrop/service/service_main.h"

using namespace livedrop;

int main(int argc, char** argv) {
  return service::ServiceMain(
      {"livedrop-inventory", "Stock and reservations of Live Drops.", "inventory",
       &inventory::Migrations(), 7004, 9004},
      argc, argv,
      [](config::Spec& spec) {
        spec.Duration("reservation-hold", "How long a reservation holds stock unconfirmed",
                      std::chrono::minutes(5))
            .Int("low-stock-percent", "low_stock fires below this share of the drop", 10, 1, 99)
            .Duration("expiry-sweep", "How often expired reservations are swept",
                      std::chrono::seconds(1));
      },
      [](service::Runtime& rt) {
        auto inventory = std::make_shared<inventory::Inventory>(
            rt.pool, inventory::InventoryOptions{
                         std::chrono::duration_cast<std::chrono::seconds>(
                             rt.config.GetDuration("reservation-hold")),
                         static_cast<int>(rt.config.GetInt("low-stock-percent"))});
        auto sweeper = std::make_shared<inventory::ExpirySweeper>(
            *inventory, rt.config.GetDuration("expiry-sweep"));
        sweeper->Start();
        // Stock is created from the drops topic: drop_scheduled carries quantity and limit.
        kafka::ConsumerOptions consumer_options;
        consumer_options.brokers = rt.config.GetString("kafka-brokers");
        consumer_options.group_id = "livedrop-inventory";
        consumer_options.topics = {"livedrop.drops"};
        consumer_options.client_id = "livedrop-inventory";
        auto consumer = std::make_shared<kafka::Consumer>(consumer_options);
        consumer->Start(inventory::DropEventsHandler(*inventory));
        auto service = std::make_shared<inventory::InventoryServiceImpl>(*inventory);
        rt.Serve(service.get());
        rt.Keep(inventory);
        rt.Keep(sweeper);
        rt.Keep(consumer);
        rt.Keep(service);
      });
}
