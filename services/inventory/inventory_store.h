#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "inventory_logic.h"

namespace pqxx {
class transaction_base;
}

namespace livedrop::inventory {

// The SQL of the inventory schema; every method runs in the caller's transaction.
//
// Lock order, everywhere: a drop's stock row first, then its reservations. Every change to
// a reservation also changes its drop's stock row, so holding the stock row lock means no one
// else is changing that drop's reservations.
class InventoryStore {
 public:
  // Creates the stock of a drop once; returns false if it already exists.
  static bool CreateStock(pqxx::transaction_base& tx, const StockRow& stock);
  static std::optional<StockRow> LockStock(pqxx::transaction_base& tx, const std::string& drop_id);
  static std::optional<StockRow> FindStock(pqxx::transaction_base& tx, const std::string& drop_id);
  static std::vector<StockRow> FindStocks(pqxx::transaction_base& tx,
                                          const std::vector<std::string>& drop_ids);
  // The one UPDATE of the stock row per transaction: moves units between the columns
  // (e.g. available → reserved is -q, +q, 0), bumps the version and, if asked, records that
  // low_stock was sent.
  static StockRow Adjust(pqxx::transaction_base& tx, const std::string& drop_id, int d_available,
                         int d_reserved, int d_sold, bool low_stock_sent);
  // Freezes the drop's stock (its drop was cancelled) and bumps the version; returns the row as
  // it left it, or nullopt when nothing changed: no stock row, or one frozen already.
  static std::optional<StockRow> FreezeStock(pqxx::transaction_base& tx,
                                             const std::string& drop_id);

  static std::optional<ReservationRow> FindReservation(pqxx::transaction_base& tx,
                                                       const std::string& order_id);
  // The reservations among order_ids, locked (call with the stock row locked).
  static std::vector<ReservationRow> LockReservations(pqxx::transaction_base& tx,
                                                      const std::vector<std::string>& order_ids);
  // Units each buyer holds or bought of the drop (buyers without any are absent).
  static constexpr const char* kHeldOrBoughtSql =
      "SELECT buyer_id::text, sum(quantity)::int FROM reservations "
      "WHERE buyer_id = ANY($2::uuid[]) AND drop_id = $1 AND state IN ('held', 'confirmed') "
      "GROUP BY buyer_id";
  static std::map<std::string, int> HeldOrBought(pqxx::transaction_base& tx,
                                                 const std::string& drop_id,
                                                 const std::vector<std::string>& buyer_ids);
  static void InsertReservations(pqxx::transaction_base& tx,
                                 const std::vector<ReservationRow>& rows);
  static void SetStates(pqxx::transaction_base& tx,
                        const std::vector<std::pair<std::string, ReservationState>>& order_states);
  // Held reservations past their expiry (order id, drop id), oldest first, not locked: they
  // are expired through their drop's stock row like any other change.
  static std::vector<std::pair<std::string, std::string>> FindExpired(pqxx::transaction_base& tx,
                                                                      int limit);

  static StockTotals Totals(pqxx::transaction_base& tx);
};

}  // namespace livedrop::inventory
