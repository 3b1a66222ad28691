#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "stock_batcher.h"

namespace livedrop::config {
class Spec;
class Config;
}  // namespace livedrop::config

namespace livedrop::inventory {

// Every setting of livedrop-inventory. The member initializers are the flags' defaults
// (Declare reads them from a default-constructed InventoryOptions), so a struct built in a
// test or a benchmark and the binary run without flags behave alike.
struct InventoryOptions {
  std::chrono::seconds hold{300};  // how long a reservation holds stock unconfirmed
  int low_stock_percent = 10;
  std::chrono::milliseconds sold_out_memory{1000};  // refuse without the DB for this long
  std::size_t sold_out_drops = 10000;  // drops remembered sold out at most (least recent go)
  // Coalesce concurrent changes of one drop's stock into shared transactions (StockBatcher).
  // false: one transaction per call — the same rules and SQL, kept for comparison.
  bool coalesce = true;
  StockBatcherOptions batching;

  std::chrono::milliseconds expiry_sweep{1000};  // how often expired holds are looked for
  int expiry_batch = 500;                        // expired holds returned per sweep at most

  // stock_changed snapshots (topic livedrop.stock) at most this often per drop; 0: none.
  std::chrono::milliseconds stock_events_interval{20};

  std::string redis_url;  // the stock cache; empty: no cache
  std::chrono::milliseconds cache_ttl{10000};
  std::chrono::milliseconds invariant_metrics_max_age{10000};

  // Where drop_scheduled is consumed from (the common --kafka-brokers of ServiceMain).
  std::string kafka_brokers;

  static void Declare(config::Spec& spec);
  static InventoryOptions From(const config::Config& cfg);
};

}  // namespace livedrop::inventory
