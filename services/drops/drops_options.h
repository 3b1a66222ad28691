#pragma once

#include <chrono>
#include <string>

namespace livedrop::config {
class Spec;
class Config;
}  // namespace livedrop::config

namespace livedrop::drops {

// Every setting of livedrop-drops. The member initializers are the flags' defaults (Declare
// reads them from a default-constructed DropsOptions), so a struct built in a test and the
// binary run without flags behave alike.
struct DropsOptions {
  // Longest pause between scheduler passes: how soon a drop created on another instance is
  // seen (a local CreateDrop wakes the scheduler at once).
  std::chrono::milliseconds scheduler_max_sleep = std::chrono::milliseconds(50);
  // Pause after a pass that failed (PostgreSQL down), so a dead database is not hammered.
  std::chrono::milliseconds scheduler_retry = std::chrono::milliseconds(500);
  int scheduler_batch = 200;  // drops started (and ended) per pass at most

  std::string redis_url;  // the read cache; empty: no cache
  std::chrono::milliseconds cache_ttl = std::chrono::seconds(30);  // a drop view's lifetime
  std::chrono::milliseconds product_cache_ttl = std::chrono::hours(1);

  // Where inventory's sold_out / restocked are consumed from (ServiceMain's --kafka-brokers).
  std::string kafka_brokers;

  static void Declare(config::Spec& spec);
  static DropsOptions From(const config::Config& cfg);
};

}  // namespace livedrop::drops
