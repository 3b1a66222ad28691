#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

#include "inventory_store.h"

namespace livedrop::pg {
class Pool;
}

namespace livedrop::inventory {

struct InventoryOptions {
  std::chrono::seconds hold{300};        // how long a reservation holds stock unconfirmed
  int low_stock_percent = 10;
  std::chrono::milliseconds sold_out_memory{1000};  // refuse without the DB for this long
};

// Reserve, Confirm and Release — each idempotent by order id, each one transaction in which
// the stock row is locked, the rules checked and the events (sold_out, low_stock, restocked)
// written to the outbox. The database constraints make overselling impossible even if these
// rules had a bug. Once a drop is seen sold out, further attempts are refused from memory for
// a short while without touching the database.
class Inventory {
 public:
  Inventory(pg::Pool& pool, InventoryOptions options);

  StockRow CreateStock(const std::string& drop_id, int total, int per_buyer_limit);
  StockRow GetStock(const std::string& drop_id);
  ReservationRow Reserve(const std::string& drop_id, const std::string& order_id,
                         const std::string& buyer_id, int quantity);
  ReservationRow Confirm(const std::string& order_id);
  ReservationRow Release(const std::string& order_id);
  // Returns the stock of held reservations past their expiry; returns how many expired.
  int ExpireDue(int limit = 500);

 private:
  // Returns stock from a reservation (release or expiry) in the caller's transaction.
  void ReturnStock(pqxx::transaction_base& tx, const ReservationRow& r, ReservationState to);
  bool KnownSoldOut(const std::string& drop_id);
  void RememberSoldOut(const std::string& drop_id, bool sold_out);

  pg::Pool& pool_;
  InventoryOptions options_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> sold_out_until_;
};

}  // namespace livedrop::inventory
