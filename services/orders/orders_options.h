#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "livedrop/core/coalescer.h"
#include "orders_logic.h"

namespace livedrop::config {
class Spec;
class Config;
}  // namespace livedrop::config

namespace livedrop::orders {

// Every setting of livedrop-orders. The member initializers are the flags' defaults (Declare
// reads them from a default-constructed OrdersOptions), so a struct built in a test and the
// binary run without flags behave alike.
struct OrdersOptions {
  std::string drops_addr = "127.0.0.1:7003";
  std::string inventory_addr = "127.0.0.1:7004";
  std::string payment_addr = "127.0.0.1:7006";

  // How long a driver owns an unfinished order before recovery takes over.
  std::chrono::milliseconds order_lease = std::chrono::seconds(15);
  std::chrono::milliseconds recovery_interval = std::chrono::seconds(1);
  int recovery_batch = 50;  // orders claimed per recovery pass

  // Deadlines of the calls to other services.
  std::chrono::milliseconds drops_timeout = std::chrono::seconds(2);
  std::chrono::milliseconds inventory_timeout = std::chrono::seconds(5);
  std::chrono::milliseconds payment_timeout = std::chrono::seconds(10);

  // Stock is created from drop_scheduled through Kafka, so a drop that starts right after it
  // was scheduled may be a moment ahead of its stock: Reserve is asked this often, this long.
  int stock_wait_attempts = 10;
  std::chrono::milliseconds stock_wait_interval = std::chrono::milliseconds(100);

  std::chrono::milliseconds drop_terms_ttl = std::chrono::seconds(1);
  std::chrono::milliseconds sold_out_memory = std::chrono::seconds(1);
  std::size_t remembered_drops = 10000;  // bound of each of the catalog's two memories

  // Writes of concurrent orders (places, stage changes) share a commit: at most this many in
  // one, at most this many waiting (beyond: overloaded).
  CoalescerOptions write_batching{256, 4096};
  // Batches of different lanes run at once (an order's writes keep to one lane, by its id; a
  // new order's by its buyer, so a buyer's retries meet in one batch). One: a batch gathers
  // every write that arrives while the one before commits, so batches grow with the load;
  // more lanes split the same writes into smaller batches that contend for PostgreSQL at once
  // (docs/BENCHMARKS.md, 2026-12-07: four lanes cost 5.7 commits per order, one 2.9-3.1).
  int write_lanes = 1;

  // Threads that drive orders between their calls to inventory and payment (stage changes,
  // key reads: PostgreSQL). No thread waits for those calls, so orders in flight are bounded
  // by max_orders_in_flight, not by threads; beyond it, PlaceOrder answers overloaded.
  int saga_threads = 16;
  int max_orders_in_flight = 1024;

  int idempotency_key_hours = 24;
  std::chrono::milliseconds key_sweep_interval = std::chrono::minutes(1);
  int key_sweep_batch = 1000;

  // Tests only: the process exits at this point of an order (kReserved: once the stock is
  // reserved, before charging is stored — the order is then still placed; kCharged: once
  // the charge succeeded, before confirm — still charging: neither stage is stored). Set by
  // --fault-crash-after, which only builds with LIVEDROP_FAULT_INJECTION have; ignored by the
  // others.
  std::optional<Stage> crash_after;

  static void Declare(config::Spec& spec);
  static OrdersOptions From(const config::Config& cfg);
};

}  // namespace livedrop::orders
