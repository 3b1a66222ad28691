#include "drops_options.h"

#include "livedrop/config/config.h"

namespace livedrop::drops {

void DropsOptions::Declare(config::Spec& spec) {
  const DropsOptions d;
  spec.Duration("scheduler-max-sleep", "Longest pause between scheduler passes",
                d.scheduler_max_sleep)
      .Duration("scheduler-retry", "Pause after a scheduler pass that failed", d.scheduler_retry)
      .String("redis-url", "Redis for the read cache (redis://host:port); empty: no cache",
              d.redis_url)
      .Duration("cache-ttl", "How long a cached drop view may live", d.cache_ttl)
      .Duration("product-cache-ttl", "How long a cached product view may live",
                d.product_cache_ttl);
}

DropsOptions DropsOptions::From(const config::Config& cfg) {
  DropsOptions o;
  o.scheduler_max_sleep = cfg.GetDuration("scheduler-max-sleep");
  o.scheduler_retry = cfg.GetDuration("scheduler-retry");
  o.redis_url = cfg.GetString("redis-url");
  o.cache_ttl = cfg.GetDuration("cache-ttl");
  o.product_cache_ttl = cfg.GetDuration("product-cache-ttl");
  o.kafka_brokers = cfg.GetString("kafka-brokers");
  return o;
}

}  // namespace livedrop::drops
