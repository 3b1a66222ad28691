#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "livedrop/core/time.h"

namespace pqxx {
class transaction_base;
}

namespace livedrop::inventory {

struct StockRow {
  std::string drop_id;
  int total = 0, available = 0, reserved = 0, sold = 0;
  int per_buyer_limit = 0;
  int low_stock_threshold = 0;
  bool low_stock_sent = false;
};

enum class ReservationState { kHeld, kConfirmed, kReleased, kExpired };
const char* StateName(ReservationState state);

struct ReservationRow {
  std::string order_id, drop_id, buyer_id;
  int quantity = 0;
  ReservationState state = ReservationState::kHeld;
  TimePoint expires_at;
};

// The SQL of the inventory schema; every method runs in the caller's transaction.
class InventoryStore {
 public:
  // Creates the stock of a drop once; returns false if it already exists.
  static bool CreateStock(pqxx::transaction_base& tx, const StockRow& stock);
  static std::optional<StockRow> LockStock(pqxx::transaction_base& tx, const std::string& drop_id);
  static std::optional<StockRow> FindStock(pqxx::transaction_base& tx, const std::string& drop_id);
  // Moves `quantity` between the columns, e.g. available → reserved (-q, +q, 0).
  static StockRow Adjust(pqxx::transaction_base& tx, const std::string& drop_id, int d_available,
                         int d_reserved, int d_sold);
  static void MarkLowStockSent(pqxx::transaction_base& tx, const std::string& drop_id, bool sent);

  static std::optional<ReservationRow> FindReservation(pqxx::transaction_base& tx,
                                                       const std::string& order_id,
                                                       bool for_update = false);
  static int HeldOrBought(pqxx::transaction_base& tx, const std::string& drop_id,
                          const std::string& buyer_id);
  static void InsertReservation(pqxx::transaction_base& tx, const ReservationRow& row);
  static void SetState(pqxx::transaction_base& tx, const std::string& order_id,
                       ReservationState state);
  // Held reservations past their expiry, locked and skipped if another sweeper has them.
  static std::vector<ReservationRow> LockExpired(pqxx::transaction_base& tx, int limit);
};

}  // namespace livedrop::inventory
