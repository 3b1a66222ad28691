#pragma once

#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "livedrop/core/coalescer.h"
#include "livedrop/core/in_flight_limit.h"
#include "livedrop/core/reply.h"
#include "orders_logic.h"
#include "orders_options.h"
#include "orders_store.h"

namespace livedrop {
class Executor;
}
namespace livedrop::pg {
class Pool;
}

namespace livedrop::orders {

class DropCatalog;
class DropsPort;
class InventoryPort;
class OrderSaga;
class OrderWriter;
class OrdersRepository;
class PaymentPort;

struct PlaceResult {
  OrderRow order;
  bool replayed = false;  // answered from an earlier request with the same key
};

struct OrderPage {
  std::vector<OrderRow> items;
  std::string next_cursor;
};

// Buying, as the buyer sees it: place (with Idempotency-Key semantics), read, list, cancel;
// and the two background passes (recovery, key sweep). The only layer that opens
// transactions and writes events; other services are reached through the ports it is given.
class OrdersApp {
 public:
  OrdersApp(pg::Pool& pool, DropsPort& drops, InventoryPort& inventory, PaymentPort& payment,
            const OrdersOptions& options);
  ~OrdersApp();

  // A confirmed order, or a pending one: once the order is written, a step that fails on the
  // way (a service overloaded, unavailable or slow) answers the order as it stands, with its
  // id, since recovery carries it on and may charge it; an error then would hide an order the
  // buyer pays for. Any other outcome is a failed reply (sold_out, payment_declined with the
  // order id, idempotency_key_reused, ...): those end the order for good, nothing charged.
  // Returns at once: the answer comes to `then` from the app's executor, and no thread waits
  // while inventory or payment answers. More than --max-orders-in-flight at once: overloaded.
  void Place(const PlaceOrderInput& input, Then<PlaceResult> then);
  // Only the buyer's own orders exist for them: anything else is not_found.
  OrderRow Get(const std::string& id, const std::string& buyer_id);
  OrderPage List(const std::string& buyer_id, int limit, const std::string& cursor);
  OrderRow Cancel(const std::string& id, const std::string& buyer_id);

  // The drop was cancelled at `cancelled_at`: its orders are released or refunded, each once
  // (OrderSaga::WithdrawCancelledDrop). Throws unavailable (retryable) while it may not be
  // over — orders of the drop are still being charged, or one may still be placed from a
  // catalog that has not seen the cancellation — so the event is handled again.
  void OnDropCancelled(const std::string& drop_id, TimePoint cancelled_at);

  // One pass of the recovery loop (OrderSaga::RecoverLapsed); returns how many finished.
  int RecoverLapsedOrders();
  // Deletes idempotency keys older than --idempotency-key-hours; returns how many.
  int ForgetOldKeys();

 private:
  // Everything before the saga: the answer when no order is written (a refusal, a replay),
  // else the order just written.
  std::variant<PlaceResult, OrderRow> Begin(const PlaceOrderInput& input);
  PlaceResult Replay(const std::string& order_id, const std::string& buyer_id);
  // A just-written order's answer: where the saga drove it, or as it stands if a step failed.
  OrderRow Settle(const OrderRow& placed, Reply<OrderRow> driven);

  pg::Pool& pool_;
  const OrdersOptions options_;
  InFlightLimit in_flight_;  // Place calls not answered yet (--max-orders-in-flight)
  std::unique_ptr<Executor> executor_;
  std::unique_ptr<DropCatalog> catalog_;
  std::unique_ptr<OrderWriter> writer_;
  // The key reads of refusals (does this key already have an order?), coalesced: a storm of
  // sold-out refusals costs one statement per batch, not one per request.
  using KeyReads = Coalescer<OrdersStore::KeyRef, std::optional<OrdersStore::KeyRow>>;
  std::unique_ptr<KeyReads> key_reads_;
  std::unique_ptr<OrdersRepository> repository_;
  std::unique_ptr<OrderSaga> saga_;
};

}  // namespace livedrop::orders
