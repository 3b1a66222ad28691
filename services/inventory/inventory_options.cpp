#include "inventory_options.h"

#include "livedrop/config/config.h"

namespace livedrop::inventory {

void InventoryOptions::Declare(config::Spec& spec) {
  const InventoryOptions d;
  spec.Duration("reservation-hold", "How long a reservation holds stock unconfirmed", d.hold)
      .Int("low-stock-percent", "low_stock fires below this share of the drop", d.low_stock_percent,
           1, 99)
      .Duration("sold-out-memory",
                "How long a drop seen sold out is refused from memory, without the database",
                d.sold_out_memory)
      .Duration("stock-events-interval",
                "stock_changed snapshots (livedrop.stock, for readers' caches) at most this often "
                "per drop; 0 publishes none",
                d.stock_events_interval)
      .Duration("expiry-sweep", "How often expired reservations are swept", d.expiry_sweep)
      .Int("expiry-batch", "Most expired reservations returned per sweep", d.expiry_batch, 1,
           100000)
      .Bool("coalesce", "Coalesce concurrent stock changes of one drop into shared transactions",
            d.coalesce)
      .Int("batch-max", "Most stock changes of one drop applied in one transaction",
           static_cast<long long>(d.batching.max_batch), 1, 10000)
      .Int("batch-queue",
           "Most stock changes waiting for one drop; beyond it callers get overloaded",
           static_cast<long long>(d.batching.max_queued), 1, 1000000)
      .String("redis-url", "Redis for the stock cache (redis://host:port); empty: no cache",
              d.redis_url)
      .Duration("cache-ttl", "How long a cached stock view may live", d.cache_ttl)
      .Duration("invariant-metrics-max-age",
                "How old the invariant metrics' database snapshot may be when scraped",
                d.invariant_metrics_max_age);
}

InventoryOptions InventoryOptions::From(const config::Config& cfg) {
  InventoryOptions o;
  o.hold = std::chrono::duration_cast<std::chrono::seconds>(cfg.GetDuration("reservation-hold"));
  o.low_stock_percent = static_cast<int>(cfg.GetInt("low-stock-percent"));
  o.sold_out_memory = cfg.GetDuration("sold-out-memory");
  o.stock_events_interval = cfg.GetDuration("stock-events-interval");
  o.expiry_sweep = cfg.GetDuration("expiry-sweep");
  o.expiry_batch = static_cast<int>(cfg.GetInt("expiry-batch"));
  o.coalesce = cfg.GetBool("coalesce");
  o.batching.max_batch = static_cast<std::size_t>(cfg.GetInt("batch-max"));
  o.batching.max_queued = static_cast<std::size_t>(cfg.GetInt("batch-queue"));
  o.redis_url = cfg.GetString("redis-url");
  o.cache_ttl = cfg.GetDuration("cache-ttl");
  o.invariant_metrics_max_age = cfg.GetDuration("invariant-metrics-max-age");
  o.kafka_brokers = cfg.GetString("kafka-brokers");
  return o;
}

}  // namespace livedrop::inventory
