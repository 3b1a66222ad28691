// livedrop-inventory: stock per drop and reservations that never oversell.
#include <spdlog/spdlog.h>

#include "drop_events_handler.h"
#include "inventory_metrics.h"
#include "inventory_migrations.h"
#include "inventory_service.h"
#include "livedrop/core/periodic.h"
#include "livedrop/kafka/consumer.h"
#include "livedrop/metrics/registry.h"
#include "livedrop/redis/pool.h"
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
                      std::chrono::seconds(1))
            .Bool("coalesce",
                  "Coalesce concurrent stock changes of one drop into shared transactions", true)
            .Int("batch-max", "Most stock changes of one drop applied in one transaction", 256, 1,
                 10000)
            .Int("batch-queue",
                 "Most stock changes waiting for one drop; beyond it callers get overloaded", 1024,
                 1, 1000000)
            .String("redis-url", "Redis for the stock cache (redis://host:port); empty: no cache",
                    "")
            .Duration("cache-ttl", "How long a cached stock view may live",
                      std::chrono::seconds(10))
            .Duration("invariant-metrics-max-age",
                      "How old the invariant metrics' database snapshot may be when scraped",
                      std::chrono::seconds(10));
      },
      [](service::Runtime& rt) {
        std::shared_ptr<redis::Pool> redis;
        if (!rt.config.GetString("redis-url").empty()) {
          redis =
              std::make_shared<redis::Pool>(redis::RedisOptions{rt.config.GetString("redis-url")});
        }
        inventory::InventoryOptions options;
        options.hold = std::chrono::duration_cast<std::chrono::seconds>(
            rt.config.GetDuration("reservation-hold"));
        options.low_stock_percent = static_cast<int>(rt.config.GetInt("low-stock-percent"));
        options.coalesce = rt.config.GetBool("coalesce");
        options.batching.max_batch = static_cast<std::size_t>(rt.config.GetInt("batch-max"));
        options.batching.max_queued = static_cast<std::size_t>(rt.config.GetInt("batch-queue"));
        auto inventory = std::make_shared<inventory::Inventory>(
            rt.pool, options,
            inventory::StockCache(
                redis::VersionedCache(redis.get(), "stock", rt.config.GetDuration("cache-ttl"))));
        auto invariant = std::make_shared<inventory::InventoryMetrics>(
            rt.pool, metrics::Registry::Default(),
            rt.config.GetDuration("invariant-metrics-max-age"));
        auto sweeper = std::make_shared<Periodic>(
            "expiry sweep", rt.config.GetDuration("expiry-sweep"), [inventory] {
              if (const int n = inventory->ExpireDue(); n > 0) {
                spdlog::info("expired {} reservations and returned their stock", n);
              }
            });
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
        rt.Keep(redis);
        rt.Keep(inventory);
        rt.Keep(invariant);
        rt.Keep(sweeper);
        rt.Keep(consumer);
        rt.Keep(service);
      });
}
