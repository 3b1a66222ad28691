#include "orders_options.h"

#include "livedrop/config/config.h"

namespace livedrop::orders {
namespace {

#ifdef LIVEDROP_FAULT_INJECTION
std::optional<Stage> CrashPoint(const std::string& name) {
  if (name == "none") return std::nullopt;
  return ParseStage(name);
}
#endif

}  // namespace

void OrdersOptions::Declare(config::Spec& spec) {
  const OrdersOptions d;
  spec.String("drops-addr", "livedrop-drops instances (host:port,...)", d.drops_addr)
      .String("inventory-addr", "livedrop-inventory instances", d.inventory_addr)
      .String("payment-addr", "livedrop-payment instances", d.payment_addr)
      .Duration("order-lease",
                "How long a driver owns an unfinished order before recovery takes over",
                d.order_lease)
      .Duration("recovery-interval", "How often lapsed orders are looked for", d.recovery_interval)
      .Duration("drops-timeout", "Deadline of a GetDrop call", d.drops_timeout)
      .Duration("inventory-timeout", "Deadline of a Reserve, Confirm or Release call",
                d.inventory_timeout)
      .Duration("payment-timeout", "Deadline of a Charge or Refund call", d.payment_timeout)
      .Duration("drop-terms-ttl", "How long a drop's terms are remembered", d.drop_terms_ttl)
      .Duration("sold-out-memory", "How long a sold-out drop is refused from memory",
                d.sold_out_memory)
      .Int("idempotency-key-hours", "Idempotency-Keys are kept at least this long",
           d.idempotency_key_hours, 24, 24 * 365)
      .Int("write-batch-max", "Order writes (places, stage changes) sharing one commit at most",
           static_cast<long long>(d.write_batching.max_batch), 1, 10000)
      .Int("write-lanes",
           "Order write batches that may commit at once (orders spread over them by id)",
           d.write_lanes, 1, 64)
      .Int("saga-threads",
           "Threads driving orders between calls (no thread waits for inventory or payment)",
           d.saga_threads, 1, 256)
      .Int("max-orders-in-flight",
           "PlaceOrder calls being answered at once; beyond it: overloaded (RESOURCE_EXHAUSTED)",
           d.max_orders_in_flight, 1, 1000000);
#ifdef LIVEDROP_FAULT_INJECTION
  // Only in builds with the CMake option LIVEDROP_FAULT_INJECTION (dev and test builds): a
  // release binary has no way to crash itself on request.
  spec.Enum("fault-crash-after", "Tests only: exit right after persisting this saga stage",
            {"none", "reserved", "charged"}, "none");
#endif
}

OrdersOptions OrdersOptions::From(const config::Config& cfg) {
  OrdersOptions o;
  o.drops_addr = cfg.GetString("drops-addr");
  o.inventory_addr = cfg.GetString("inventory-addr");
  o.payment_addr = cfg.GetString("payment-addr");
  o.order_lease = cfg.GetDuration("order-lease");
  o.recovery_interval = cfg.GetDuration("recovery-interval");
  o.drops_timeout = cfg.GetDuration("drops-timeout");
  o.inventory_timeout = cfg.GetDuration("inventory-timeout");
  o.payment_timeout = cfg.GetDuration("payment-timeout");
  o.drop_terms_ttl = cfg.GetDuration("drop-terms-ttl");
  o.sold_out_memory = cfg.GetDuration("sold-out-memory");
  o.idempotency_key_hours = static_cast<int>(cfg.GetInt("idempotency-key-hours"));
  o.write_batching.max_batch = static_cast<std::size_t>(cfg.GetInt("write-batch-max"));
  o.write_lanes = static_cast<int>(cfg.GetInt("write-lanes"));
  o.saga_threads = static_cast<int>(cfg.GetInt("saga-threads"));
  o.max_orders_in_flight = static_cast<int>(cfg.GetInt("max-orders-in-flight"));
#ifdef LIVEDROP_FAULT_INJECTION
  o.crash_after = CrashPoint(cfg.GetString("fault-crash-after"));
#endif
  return o;
}

}  // namespace livedrop::orders
