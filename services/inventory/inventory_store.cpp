#include "inventory_store.h"

#include <pqxx/pqxx>

namespace livedrop::inventory {
namespace {

constexpr char kStockColumns[] =
    "drop_id::text, total, available, reserved, sold, per_buyer_limit, low_stock_threshold, "
    "low_stock_sent";

constexpr char kReservationColumns[] =
    "order_id::text, drop_id::text, buyer_id::text, quantity, state, "
    "(extract(epoch FROM expires_at) * 1000000)::bigint";

StockRow ReadStock(const pqxx::row& r) {
  return StockRow{r[0].as<std::string>(), r[1].as<int>(), r[2].as<int>(), r[3].as<int>(),
                  r[4].as<int>(),         r[5].as<int>(), r[6].as<int>(), r[7].as<bool>()};
}

ReservationState ParseState(const std::string& s) {
  if (s == "confirmed") return ReservationState::kConfirmed;
  if (s == "released") return ReservationState::kReleased;
  if (s == "expired") return ReservationState::kExpired;
  return ReservationState::kHeld;
}

ReservationRow ReadReservation(const pqxx::row& r) {
  return ReservationRow{r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(),
                        r[3].as<int>(), ParseState(r[4].as<std::string>()),
                        TimePoint(std::chrono::microseconds(r[5].as<long long>()))};
}

std::optional<StockRow> OneStock(const pqxx::result& result) {
  if (result.empty()) return std::nullopt;
  return ReadStock(result[0]);
}

}  // namespace

const char* StateName(ReservationState state) {
  switch (state) {
    case ReservationState::kHeld: return "held";
    case ReservationState::kConfirmed: return "confirmed";
    case ReservationState::kReleased: return "released";
    case ReservationState::kExpired: return "expired";
  }
  return "held";
}

bool InventoryStore::CreateStock(pqxx::transaction_base& tx, const StockRow& s) {
  return !tx.exec_params("INSERT INTO stock (drop_id, total, available, per_buyer_limit, "
                         "low_stock_threshold) VALUES ($1, $2, $2, $3, $4) "
                         "ON CONFLICT (drop_id) DO NOTHING RETURNING 1",
                         s.drop_id, s.total, s.per_buyer_limit, s.low_stock_threshold)
              .empty();
}

std::optional<StockRow> InventoryStore::LockStock(pqxx::transaction_base& tx,
                                                  const std::string& drop_id) {
  return OneStock(tx.exec_params(
      std::string("SELECT ") + kStockColumns + " FROM stock WHERE drop_id = $1 FOR UPDATE",
      drop_id));
}

std::optional<StockRow> InventoryStore::FindStock(pqxx::transaction_base& tx,
                                                  const std::string& drop_id) {
  return OneStock(tx.exec_params(
      std::string("SELECT ") + kStockColumns + " FROM stock WHERE drop_id = $1", drop_id));
}

StockRow InventoryStore::Adjust(pqxx::transaction_base& tx, const std::string& drop_id,
                                int d_available, int d_reserved, int d_sold) {
  return ReadStock(tx.exec_params1(
      std::string("UPDATE stock SET available = available + $2, reserved = reserved + $3, "
                  "sold = sold + $4 WHERE drop_id = $1 RETURNING ") +
          kStockColumns,
      drop_id, d_available, d_reserved, d_sold));
}

void InventoryStore::MarkLowStockSent(pqxx::transaction_base& tx, const std::string& drop_id,
                                      bool sent) {
  tx.exec_params("UPDATE stock SET low_stock_sent = $2 WHERE drop_id = $1", drop_id, sent);
}

std::optional<ReservationRow> InventoryStore::FindReservation(pqxx::transaction_base& tx,
                                                              const std::string& order_id,
                                                              bool for_update) {
  const auto result = tx.exec_params(std::string("SELECT ") + kReservationColumns +
                                         " FROM reservations WHERE order_id = $1" +
                                         (for_update ? " FOR UPDATE" : ""),
                                     order_id);
  if (result.empty()) return std::nullopt;
  return ReadReservation(result[0]);
}

int InventoryStore::HeldOrBought(pqxx::transaction_base& tx, const std::string& drop_id,
                                 const std::string& buyer_id) {
  return tx.exec_params1("SELECT coalesce(sum(quantity), 0)::int FROM reservations "
                         "WHERE drop_id = $1 AND buyer_id = $2 AND state IN ('held', 'confirmed')",
                         drop_id, buyer_id)[0]
      .as<int>();
}

void InventoryStore::InsertReservation(pqxx::transaction_base& tx, const ReservationRow& r) {
  tx.exec_params("INSERT INTO reservations (order_id, drop_id, buyer_id, quantity, state, "
                 "expires_at) VALUES ($1, $2, $3, $4, $5, "
                 "to_timestamp($6::double precision / 1000000))",
                 r.order_id, r.drop_id, r.buyer_id, r.quantity, StateName(r.state),
                 static_cast<long long>(r.expires_at.time_since_epoch().count()));
}

void InventoryStore::SetState(pqxx::transaction_base& tx, const std::string& order_id,
                              ReservationState state) {
  tx.exec_params("UPDATE reservations SET state = $2, updated_at = now() WHERE order_id = $1",
                 order_id, StateName(state));
}

std::vector<ReservationRow> InventoryStore::LockExpired(pqxx::transaction_base& tx, int limit) {
  std::vector<ReservationRow> out;
  for (const auto& r : tx.exec_params(
           std::string("SELECT ") + kReservationColumns +
               " FROM reservations WHERE state = 'held' AND expires_at <= now() "
               "ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED",
           limit)) {
    out.push_back(ReadReservation(r));
  }
  return out;
}

}  // namespace livedrop::inventory
