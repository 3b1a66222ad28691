#pragma once

#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "livedrop/core/coalescer.h"
#include "orders_logic.h"
#include "orders_store.h"

namespace livedrop::pg {
class Pool;
}

namespace livedrop::orders {

// One write of the buying saga: a new order with its Idempotency-Key, or a stage change.
struct PlaceWrite {
  OrderRow order;  // as placed (id, buyer, drop, quantity, amount, currency, token)
  std::string key, request_hash;
};
struct MoveWrite {
  OrderRow order;  // its id and the stage it is moved from
  Stage to = Stage::kPlaced;
  OrderStatus status = OrderStatus::kPending;
  std::string failure_code;
};
struct OrderWrite {
  std::variant<PlaceWrite, MoveWrite> what;
  std::string trace_parent;  // of the request that caused it, for its event
};
struct OrderWriteOutcome {
  std::optional<OrderRow> row;                      // placed, or moved
  std::optional<OrdersStore::KeyRow> existing_key;  // a place whose key was claimed before
  std::exception_ptr failure;                       // this write failed on its own
};

// Every write of the orders table, coalesced across concurrent requests (a Coalescer with
// `lanes` lanes: leader/follower, no threads of its own): a batch is one transaction with one
// statement per kind — the keys claimed, the orders inserted, the stage changes applied, the
// events of placed and finished orders written to the outbox — and one commit. A write that
// fails on its own (a constraint of one order) does not fail the others: the batch is rolled
// back and each of its writes run alone. A database that is down fails the whole batch.
// PostgreSQL stays the source of truth: a caller hears of its write only once it committed.
class OrderWriter {
 public:
  // `lanes` batches may run at once (1: one at a time in this process).
  OrderWriter(pg::Pool& pool, std::chrono::milliseconds lease, CoalescerOptions options,
              int lanes = 1);
  ~OrderWriter();

  // Claims (buyer, key) and inserts the order with its order_placed event; returns the row,
  // or the claim that held the key already (this order is then not written).
  std::variant<OrderRow, OrdersStore::KeyRow> Place(PlaceWrite write);
  // Moves the order from order.stage to `to` (with its outcome event at kDone); nothing when
  // the order was not at order.stage any more.
  std::optional<OrderRow> Advance(MoveWrite write);

  // One batch, as the leader runs it; public for tests that need a batch of a known make-up.
  std::vector<OrderWriteOutcome> RunBatch(std::vector<OrderWrite>& batch);

 private:
  OrderWriteOutcome Submit(const std::string& spread_by, OrderWrite write);
  std::vector<OrderWriteOutcome> RunTogether(std::vector<OrderWrite>& batch);

  pg::Pool& pool_;
  std::chrono::milliseconds lease_;
  std::vector<std::string> lanes_;
  std::unique_ptr<Coalescer<OrderWrite, OrderWriteOutcome>> coalescer_;
};

}  // namespace livedrop::orders
