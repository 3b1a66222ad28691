// livedrop-drops: products, drops and the scheduler that starts and ends them on time.
#include "drops_migrations.h"
#include "drops_service.h"
#include "inventory_events_handler.h"
#include "livedrop/kafka/consumer.h"
#include "livedrop/redis/pool.h"
#include "livedrop/service/service_main.h"

using namespace livedrop;

int main(int argc, char** argv) {
  return service::ServiceMain(
      {"livedrop-drops", "Products and drops of Live Drops, started and ended on time.", "drops",
       &drops::Migrations(), 7003, 9003},
      argc, argv,
      [](config::Spec& spec) {
        spec.Duration("scheduler-max-sleep", "Longest pause between scheduler passes",
                      std::chrono::milliseconds(50))
            .String("redis-url", "Redis for the read cache (redis://host:port); empty: no cache",
                    "")
            .Duration("cache-ttl", "How long a cached drop view may live", std::chrono::seconds(30));
      },
      [](service::Runtime& rt) {
        std::shared_ptr<redis::Pool> redis;
        if (!rt.config.GetString("redis-url").empty()) {
          redis = std::make_shared<redis::Pool>(redis::RedisOptions{rt.config.GetString("redis-url")});
        }
        const auto ttl = rt.config.GetDuration("cache-ttl");
        auto views = std::make_shared<drops::DropViews>(
            rt.pool, redis::VersionedCache(redis.get(), "drop", ttl),
            redis::VersionedCache(redis.get(), "product", std::chrono::hours(1)));
        auto scheduler = std::make_shared<drops::DropsScheduler>(
            rt.pool, [views](const drops::DropRow& row) { views->Refresh(row); },
            rt.config.GetDuration("scheduler-max-sleep"));
        scheduler->Start();
        // sold_out / restocked from inventory move a live drop to sold_out and back.
        kafka::ConsumerOptions consumer_options;
        consumer_options.brokers = rt.config.GetString("kafka-brokers");
        consumer_options.group_id = "livedrop-drops";
        consumer_options.topics = {"livedrop.inventory"};
        consumer_options.client_id = "livedrop-drops";
        auto consumer = std::make_shared<kafka::Consumer>(consumer_options);
        consumer->Start(drops::InventoryEventsHandler(
            rt.pool, [views](const drops::DropRow& row) { views->Refresh(row); }));
        auto service = std::make_shared<drops::DropsServiceImpl>(rt.pool, *scheduler, *views);
        rt.Serve(service.get());
        rt.Keep(redis);
        rt.Keep(views);
        rt.Keep(scheduler);
        rt.Keep(consumer);
        rt.Keep(service);
      });
}
