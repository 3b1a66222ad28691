#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "inventory_logic.h"
#include "inventory_options.h"
#include "livedrop/core/bounded_cache.h"
#include "stock_batcher.h"
#include "stock_cache.h"

namespace livedrop::pg {
class Pool;
}
namespace pqxx {
class transaction_base;
}

namespace livedrop::inventory {

// The use cases of inventory: Reserve, Confirm and Release — each idempotent by order id —,
// stock creation, reads and expiry. Every change to a drop's stock goes through one function,
// ApplyBatch, that runs a batch of requests for one drop in one transaction in three steps:
// load (the stock row locked once, then the batch's reservations and its buyers' held and
// bought units), decide (DecideBatch in inventory_logic, no I/O: each request on its own in
// arrival order), write (the new reservations inserted and the changed ones updated in one
// statement each, the stock row updated once with the net change, and the events of that net
// change written to the outbox in the same transaction). With `coalesce` the batches are
// whatever concurrent callers queued for the drop (StockBatcher); without it each call is a
// batch of one. The database constraints make overselling impossible even if these rules had
// a bug.
//
// If a batch's transaction fails, nobody has been told anything yet and nothing was
// committed: a batch that failed for its data is retried request by request (each gets its
// own outcome); a failure of the database itself (down, commit outcome unknown, contention)
// is every request's answer — all are idempotent, so the caller's retry is safe.
//
// After each commit the new stock view is written through to the cache (GetStock). Once a
// drop is seen sold out, further Reserve attempts are refused from memory for a short while
// without touching the database; a commit that leaves units available forgets it at once.
class InventoryApp {
 public:
  InventoryApp(pg::Pool& pool, InventoryOptions options,
               StockCache cache = StockCache(redis::VersionedCache(nullptr, "stock", {})));
  ~InventoryApp();

  // Called after every commit that changed a drop's stock, with the row as it left it (on the
  // committing thread: must be quick and must not throw). Set before serving.
  void OnStockChanged(std::function<void(const StockRow&)> listener) {
    on_stock_changed_ = std::move(listener);
  }

  StockRow CreateStock(const std::string& drop_id, int total, int per_buyer_limit);
  // Freezes the stock of a cancelled drop: Reserve refuses it from then on (drop_not_live), held
  // reservations may still be confirmed or released. Idempotent. Returns the row as it is now,
  // or nullopt (logged, nothing done) when the drop has no stock.
  std::optional<StockRow> FreezeStock(const std::string& drop_id);
  // From the cache when it has the drop, else from PostgreSQL (and then cached).
  StockRow GetStock(const std::string& drop_id);
  // The stocks found among drop_ids, in the order asked (duplicates once).
  std::vector<StockRow> GetStocks(const std::vector<std::string>& drop_ids);
  ReservationRow Reserve(const std::string& drop_id, const std::string& order_id,
                         const std::string& buyer_id, int quantity);
  // `drop_id`: the order's drop when the caller knows it (orders does), so the request goes to
  // the drop's batch without reading the reservation first; a reservation of another drop is
  // not found there. Empty: read to learn it.
  ReservationRow Confirm(const std::string& order_id, const std::string& drop_id = "");
  ReservationRow Release(const std::string& order_id, const std::string& drop_id = "");
  // Returns the stock of held reservations past their expiry (at most expiry_batch); returns
  // how many expired. Everything due, one transaction per drop. Safe with several instances
  // sweeping: whether a reservation is still held is decided again under its drop's stock row
  // lock, so a reservation expires once and a racing Confirm either wins or finds it expired.
  int ExpireDue();

  // Applies a batch of requests for one drop in one transaction (see above) and returns one
  // outcome per request. Public for the integration tests that hand it a batch whose
  // transaction fails in PostgreSQL (the request-by-request retry); the decision itself is
  // unit-tested through DecideBatch.
  std::vector<StockOutcome> ApplyBatch(const std::string& drop_id,
                                       const std::vector<StockRequest>& batch);

 private:
  StockOutcome Submit(const std::string& drop_id, StockRequest request);
  // Confirm or Release (`kind`), as their comment says.
  ReservationRow Settle(StockRequest::Kind kind, const std::string& order_id,
                        const std::string& drop_id);
  std::vector<StockOutcome> CommitBatch(const std::string& drop_id,
                                        const std::vector<StockRequest>& batch);
  std::vector<StockOutcome> ApplyInTransaction(pqxx::transaction_base& tx,
                                               const std::string& drop_id,
                                               const std::vector<StockRequest>& batch,
                                               std::optional<StockRow>& after);
  bool KnownSoldOut(const std::string& drop_id);
  void RememberSoldOut(const std::string& drop_id, bool sold_out);

  pg::Pool& pool_;
  InventoryOptions options_;
  StockCache cache_;
  std::unique_ptr<StockBatcher> batcher_;  // null without coalescing
  std::mutex mutex_;
  BoundedCache<std::string, bool> sold_out_;  // each expires after sold_out_memory
  std::function<void(const StockRow&)> on_stock_changed_;
};

}  // namespace livedrop::inventory
