#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "orders_logic.h"

namespace livedrop::pg {
class Pool;
}

namespace livedrop::orders {

class DropCatalog;
class OrderSaga;

struct PlaceResult {
  OrderRow order;
  bool replayed = false;  // answered from an earlier request with the same key
};

struct OrderPage {
  std::vector<OrderRow> items;
  std::string next_cursor;
};

// Buying, as the buyer sees it: place (with Idempotency-Key semantics), read, list, cancel.
class Orders {
 public:
  Orders(pg::Pool& pool, DropCatalog& catalog, OrderSaga& saga, std::chrono::milliseconds lease);

  // A confirmed order; any other outcome is thrown (sold_out, payment_declined with the
  // order id, request_in_progress, idempotency_key_reused, ...).
  PlaceResult Place(const PlaceOrderInput& input);
  // Only the buyer's own orders exist for them: anything else is not_found.
  OrderRow Get(const std::string& id, const std::string& buyer_id);
  OrderPage List(const std::string& buyer_id, int limit, const std::string& cursor);
  OrderRow Cancel(const std::string& id, const std::string& buyer_id);

 private:
  PlaceResult Replay(const std::string& order_id, const std::string& buyer_id);

  pg::Pool& pool_;
  DropCatalog& catalog_;
  OrderSaga& saga_;
  std::chrono::milliseconds lease_;
};

}  // namespace livedrop::orders
