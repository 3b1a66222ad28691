// livedrop-inventory: stock per drop and reservations that never oversell.
// Wiring only: options → Redis → app → sweeper, metrics, drops consumer → gRPC.
#include <spdlog/spdlog.h>

#include "drop_events_handler.h"
#include "inventory_app.h"
#include "inventory_grpc.h"
#include "inventory_metrics.h"
#include "inventory_migrations.h"
#include "inventory_options.h"
#include "livedrop/core/periodic.h"
#include "livedrop/kafka/consumer.h"
#include "livedrop/kafka/topics.h"
#include "livedrop/metrics/registry.h"
#include "livedrop/redis/pool.h"
#include "livedrop/grpc/tls.h"
#include "livedrop/service/service_main.h"
#include "stock_publisher.h"

using namespace livedrop;

int main(int argc, char** argv) {
  return service::ServiceMain(
      {"livedrop-inventory", "Stock and reservations of Live Drops.", "inventory",
       &inventory::Migrations(), 7004, 9004},
      argc, argv, &inventory::InventoryOptions::Declare, [](service::Runtime& rt) {
        const auto options = inventory::InventoryOptions::From(rt.config);
        std::shared_ptr<redis::Pool> redis;
        if (!options.redis_url.empty()) {
          redis = std::make_shared<redis::Pool>(redis::RedisOptions{options.redis_url});
        }
        auto app = std::make_shared<inventory::InventoryApp>(
            rt.pool, options,
            inventory::StockCache(redis::VersionedCache(redis.get(), "stock", options.cache_ttl)));
        std::shared_ptr<inventory::StockPublisher> stock_events;
        if (options.stock_events_interval.count() > 0) {
          stock_events = std::make_shared<inventory::StockPublisher>(rt.producer,
                                                                     options.stock_events_interval);
          app->OnStockChanged([p = stock_events.get()](const auto& row) { p->Changed(row); });
          stock_events->Start();
        }
        auto invariant = std::make_shared<inventory::InventoryMetrics>(
            rt.pool, metrics::Registry::Default(), options.invariant_metrics_max_age);
        auto sweeper = std::make_shared<Periodic>("expiry sweep", options.expiry_sweep, [app] {
          if (const int n = app->ExpireDue(); n > 0) {
            spdlog::info("expired {} reservations and returned their stock", n);
          }
        });
        sweeper->Start();
        // Stock is created from the drops topic: drop_scheduled carries quantity and limit.
        auto consumer =
            std::make_shared<kafka::Consumer>(rt.Consumer("livedrop-inventory", {topics::kDrops}));
        consumer->Start(inventory::DropEventsHandler(*app));
        auto grpc = std::make_shared<inventory::InventoryGrpc>(*app);
        // Who may call which method (certificate names): the gateway acts for end users;
        // other services act as themselves.
        // CreateStock has no caller: stock comes from drops' events (DropEventsHandler).
        rt.Serve(grpc.get(), rpc::AccessPolicy()
                                 .Allow<inventory::v1::InventoryService>(
                                     {"GetStock", "GetStocks"},
                                     {rpc::kGatewayIdentity})
                                 .Allow<inventory::v1::InventoryService>(
                                     {"Reserve", "Confirm", "Release"},
                                     {"livedrop-orders"}));
        rt.Keep(redis);
        rt.Keep(stock_events);
        rt.Keep(app);
        rt.Keep(invariant);
        rt.Keep(sweeper);
        rt.Keep(consumer);
        rt.Keep(grpc);
      });
}
