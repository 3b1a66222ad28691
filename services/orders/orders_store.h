#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "orders_logic.h"

namespace pqxx {
class transaction_base;
}

namespace livedrop::orders {

// The SQL of the orders schema; every method runs in the caller's transaction.
class OrdersStore {
 public:
  struct KeyRow {
    std::string request_hash;
    std::string order_id;
  };
  // Claims (buyer, key) for a new order; returns the existing claim when there is one.
  static std::optional<KeyRow> ClaimKey(pqxx::transaction_base& tx, const std::string& buyer_id,
                                        const std::string& key, const std::string& request_hash,
                                        const std::string& order_id);
  static std::optional<KeyRow> FindKey(pqxx::transaction_base& tx, const std::string& buyer_id,
                                       const std::string& key);

  static OrderRow Insert(pqxx::transaction_base& tx, const OrderRow& order,
                         std::chrono::milliseconds lease);

  // The same for many requests in one statement each (coalesced writes).
  struct KeyClaim {
    std::string buyer_id, key, request_hash, order_id;
  };
  // Claims every (buyer, key) not claimed yet, the first of repeats within `claims` winning;
  // per claim, in order: nothing when it was claimed now, else the claim that holds the key.
  static std::vector<std::optional<KeyRow>> ClaimKeys(pqxx::transaction_base& tx,
                                                      const std::vector<KeyClaim>& claims);
  struct KeyRef {
    std::string buyer_id, key;
  };
  // FindKey for many (buyer, key) in one statement; per ref, in order.
  static std::vector<std::optional<KeyRow>> FindKeys(pqxx::transaction_base& tx,
                                                     const std::vector<KeyRef>& refs);
  // Inserts the orders as placed; returns the rows in the same order.
  static std::vector<OrderRow> InsertMany(pqxx::transaction_base& tx,
                                          const std::vector<OrderRow>& orders,
                                          std::chrono::milliseconds lease);
  struct StageMove {
    std::string id;
    Stage from = Stage::kPlaced, to = Stage::kPlaced;
    OrderStatus status = OrderStatus::kPending;
    std::string failure_code;
  };
  // Advance for many orders (distinct ids) in one statement; per move, in order: the updated
  // row, or nothing when that order was not at its `from` any more.
  static std::vector<std::optional<OrderRow>> AdvanceMany(pqxx::transaction_base& tx,
                                                          const std::vector<StageMove>& moves,
                                                          std::chrono::milliseconds lease);
  static std::optional<OrderRow> Find(pqxx::transaction_base& tx, const std::string& id);
  // Newest first, strictly older than before_seq when given.
  static std::vector<OrderRow> ListByBuyer(pqxx::transaction_base& tx, const std::string& buyer_id,
                                           std::optional<std::int64_t> before_seq, int limit);

  // Moves the order from stage `from` to `to` (and, at kDone, to `status`); extends the lease.
  // Returns the updated row, or nothing when the order was not at `from` any more.
  static std::optional<OrderRow> Advance(pqxx::transaction_base& tx, const std::string& id,
                                         Stage from, Stage to, OrderStatus status,
                                         const std::string& failure_code,
                                         std::chrono::milliseconds lease);

  // Moves an unpaid order (stage placed or reserved) to releasing with reason "cancelled".
  static std::optional<OrderRow> CancelUnpaid(pqxx::transaction_base& tx, const std::string& id,
                                              std::chrono::milliseconds lease);

  // Up to `limit` orders of a cancelled drop that can be withdrawn now, each once: unpaid ones
  // (placed, reserved) move to releasing, confirmed ones to refunding, both with reason
  // "drop_cancelled" and leased to the caller. Orders being charged are left to their driver
  // (CountLeftToWithdraw); orders already ended otherwise, or withdrawn, are not touched.
  static std::vector<OrderRow> WithdrawForCancelledDrop(pqxx::transaction_base& tx,
                                                        const std::string& drop_id, int limit,
                                                        std::chrono::milliseconds lease);
  // The drop's orders not withdrawn yet that may still end paid: being charged (their driver
  // may confirm them), or withdrawable (one placed or confirmed after the last withdrawal).
  static int CountLeftToWithdraw(pqxx::transaction_base& tx, const std::string& drop_id);

  // Takes over up to `limit` unfinished orders whose lease has lapsed, leasing them anew.
  static std::vector<OrderRow> ClaimLapsed(pqxx::transaction_base& tx, int limit,
                                           std::chrono::milliseconds lease);
  // Deletes idempotency keys older than `age`; returns how many.
  static int DeleteKeysOlderThan(pqxx::transaction_base& tx, std::chrono::seconds age, int limit);
};

// What the saga and the recovery loop write to the orders table, as a port: the saga runs on
// a fake of it in unit tests (tests/fake_orders_repository.h). The PostgreSQL implementation
// (PgOrdersRepository, orders_app.cpp) runs the statements above, each write renewing the
// order's lease; it lives in the app layer because it opens the transactions and writes the
// outcome events.
class OrdersRepository {
 public:
  virtual ~OrdersRepository() = default;

  // Moves the order from order.stage to `to` (and, at kDone, to `status` with its outcome
  // event written atomically with the move). Nothing when the order was not at order.stage
  // any more: someone else moved it.
  virtual std::optional<OrderRow> Advance(const OrderRow& order, Stage to, OrderStatus status,
                                          const std::string& failure_code) = 0;
  virtual std::optional<OrderRow> Find(const std::string& id) = 0;
  // As OrdersStore::CancelUnpaid.
  virtual std::optional<OrderRow> CancelUnpaid(const std::string& id) = 0;
  // As OrdersStore::ClaimLapsed.
  virtual std::vector<OrderRow> ClaimLapsed(int limit) = 0;
  // As OrdersStore::WithdrawForCancelledDrop and CountLeftToWithdraw.
  virtual std::vector<OrderRow> WithdrawForCancelledDrop(const std::string& drop_id, int limit) = 0;
  virtual int CountLeftToWithdraw(const std::string& drop_id) = 0;
};

}  // namespace livedrop::orders
