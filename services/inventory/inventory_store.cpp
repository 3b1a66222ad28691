#include "inventory_store.h"

#include <pqxx/pqxx>

#include "livedrop/pg/arrays.h"
#include "livedrop/pg/statement.h"

namespace livedrop::inventory {
namespace {

// The column lists are macros so that every statement below is one compile-time constant.
#define LIVEDROP_STOCK_COLUMNS                                                              \
  "drop_id::text, total, available, reserved, sold, per_buyer_limit, low_stock_threshold, " \
  "low_stock_sent, version, frozen"
#define LIVEDROP_RESERVATION_COLUMNS                                 \
  "order_id::text, drop_id::text, buyer_id::text, quantity, state, " \
  "(extract(epoch FROM expires_at) * 1000000)::bigint"

constexpr pg::Statement kCreateStock{
    "inventory_create_stock",
    "INSERT INTO stock (drop_id, total, available, per_buyer_limit, low_stock_threshold) "
    "VALUES ($1, $2, $2, $3, $4) ON CONFLICT (drop_id) DO NOTHING RETURNING 1"};
constexpr pg::Statement kLockStock{"inventory_lock_stock",
                                   "SELECT " LIVEDROP_STOCK_COLUMNS
                                   " FROM stock WHERE drop_id = $1 FOR UPDATE"};
constexpr pg::Statement kFindStock{
    "inventory_find_stock", "SELECT " LIVEDROP_STOCK_COLUMNS " FROM stock WHERE drop_id = $1"};
constexpr pg::Statement kFindStocks{"inventory_find_stocks",
                                    "SELECT " LIVEDROP_STOCK_COLUMNS
                                    " FROM stock WHERE drop_id = ANY($1::uuid[])"};
constexpr pg::Statement kAdjustStock{
    "inventory_adjust_stock",
    "UPDATE stock SET available = available + $2, reserved = reserved + $3, "
    "sold = sold + $4, low_stock_sent = low_stock_sent OR $5, "
    "version = version + 1 WHERE drop_id = $1 RETURNING " LIVEDROP_STOCK_COLUMNS};
// Only a row not yet frozen changes (and bumps its version): freezing twice changes nothing.
constexpr pg::Statement kFreezeStock{
    "inventory_freeze_stock",
    "UPDATE stock SET frozen = true, version = version + 1 WHERE drop_id = $1 AND NOT frozen "
    "RETURNING " LIVEDROP_STOCK_COLUMNS};
constexpr pg::Statement kFindReservation{"inventory_find_reservation",
                                         "SELECT " LIVEDROP_RESERVATION_COLUMNS
                                         " FROM reservations WHERE order_id = $1"};
constexpr pg::Statement kLockReservations{
    "inventory_lock_reservations",
    "SELECT " LIVEDROP_RESERVATION_COLUMNS
    " FROM reservations WHERE order_id = ANY($1::uuid[]) ORDER BY order_id FOR UPDATE"};
constexpr pg::Statement kInsertReservations{
    "inventory_insert_reservations",
    "INSERT INTO reservations (order_id, drop_id, buyer_id, quantity, state, expires_at) "
    "SELECT o, d, b, q, s, to_timestamp(e::double precision / 1000000) "
    "FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::int[], $5::text[], $6::bigint[]) "
    "AS u(o, d, b, q, s, e)"};
constexpr pg::Statement kSetStates{
    "inventory_set_states",
    "UPDATE reservations r SET state = u.s, updated_at = now() "
    "FROM unnest($1::uuid[], $2::text[]) AS u(o, s) WHERE r.order_id = u.o"};
constexpr pg::Statement kFindExpired{
    "inventory_find_expired",
    "SELECT order_id::text, drop_id::text FROM reservations "
    "WHERE state = 'held' AND expires_at <= now() ORDER BY expires_at LIMIT $1"};
// One statement, so one snapshot: a change committed meanwhile cannot look like a violation.
constexpr pg::Statement kTotals{
    "inventory_totals",
    "SELECT coalesce(sum(s.available), 0)::bigint, coalesce(sum(s.reserved), 0)::bigint, "
    "coalesce(sum(s.sold), 0)::bigint, "
    "count(*) FILTER (WHERE s.available + s.reserved + s.sold <> s.total OR s.available < 0 "
    "OR s.reserved < 0 OR s.sold < 0), "
    "count(*) FILTER (WHERE s.reserved <> coalesce(r.held, 0) OR s.sold <> coalesce(r.bought, "
    "0)) "
    "FROM stock s LEFT JOIN (SELECT drop_id, "
    "sum(quantity) FILTER (WHERE state = 'held') AS held, "
    "sum(quantity) FILTER (WHERE state = 'confirmed') AS bought "
    "FROM reservations WHERE state IN ('held', 'confirmed') GROUP BY drop_id) r "
    "USING (drop_id)"};

#undef LIVEDROP_STOCK_COLUMNS
#undef LIVEDROP_RESERVATION_COLUMNS

StockRow ReadStock(const pqxx::row& r) {
  return StockRow{r[0].as<std::string>(),  r[1].as<int>(), r[2].as<int>(), r[3].as<int>(),
                  r[4].as<int>(),          r[5].as<int>(), r[6].as<int>(), r[7].as<bool>(),
                  r[8].as<std::int64_t>(), r[9].as<bool>()};
}

ReservationState ParseState(const std::string& s) {
  if (s == "confirmed") return ReservationState::kConfirmed;
  if (s == "released") return ReservationState::kReleased;
  if (s == "expired") return ReservationState::kExpired;
  return ReservationState::kHeld;
}

ReservationRow ReadReservation(const pqxx::row& r) {
  return ReservationRow{r[0].as<std::string>(),
                        r[1].as<std::string>(),
                        r[2].as<std::string>(),
                        r[3].as<int>(),
                        ParseState(r[4].as<std::string>()),
                        TimePoint(std::chrono::microseconds(r[5].as<long long>()))};
}

std::optional<StockRow> OneStock(const pqxx::result& result) {
  if (result.empty()) return std::nullopt;
  return ReadStock(result[0]);
}

// One column of a batch as a PostgreSQL array literal, for a parameter cast to uuid[], int[], ...
// (one array parameter keeps a batch to one statement).
template <class T, class ToText>
std::string Column(const std::vector<T>& items, ToText to_text) {
  std::vector<std::string> texts;
  texts.reserve(items.size());
  for (const auto& item : items) texts.push_back(to_text(item));
  return pg::ArrayLiteral(texts);
}

constexpr pg::Statement kHeldOrBought{"inventory_held_or_bought", InventoryStore::kHeldOrBoughtSql};

}  // namespace

bool InventoryStore::CreateStock(pqxx::transaction_base& tx, const StockRow& s) {
  return !pg::Exec(tx, kCreateStock, s.drop_id, s.total, s.per_buyer_limit, s.low_stock_threshold)
              .empty();
}

std::optional<StockRow> InventoryStore::LockStock(pqxx::transaction_base& tx,
                                                  const std::string& drop_id) {
  return OneStock(pg::Exec(tx, kLockStock, drop_id));
}

std::optional<StockRow> InventoryStore::FindStock(pqxx::transaction_base& tx,
                                                  const std::string& drop_id) {
  return OneStock(pg::Exec(tx, kFindStock, drop_id));
}

StockRow InventoryStore::Adjust(pqxx::transaction_base& tx, const std::string& drop_id,
                                int d_available, int d_reserved, int d_sold, bool low_stock_sent) {
  return ReadStock(
      pg::Exec(tx, kAdjustStock, drop_id, d_available, d_reserved, d_sold, low_stock_sent).at(0));
}

std::optional<StockRow> InventoryStore::FreezeStock(pqxx::transaction_base& tx,
                                                    const std::string& drop_id) {
  return OneStock(pg::Exec(tx, kFreezeStock, drop_id));
}

std::vector<StockRow> InventoryStore::FindStocks(pqxx::transaction_base& tx,
                                                 const std::vector<std::string>& drop_ids) {
  std::vector<StockRow> out;
  if (drop_ids.empty()) return out;
  for (const auto& r : pg::Exec(tx, kFindStocks, pg::ArrayLiteral(drop_ids))) {
    out.push_back(ReadStock(r));
  }
  return out;
}

std::optional<ReservationRow> InventoryStore::FindReservation(pqxx::transaction_base& tx,
                                                              const std::string& order_id) {
  const auto result = pg::Exec(tx, kFindReservation, order_id);
  if (result.empty()) return std::nullopt;
  return ReadReservation(result[0]);
}

std::vector<ReservationRow> InventoryStore::LockReservations(
    pqxx::transaction_base& tx, const std::vector<std::string>& order_ids) {
  std::vector<ReservationRow> out;
  if (order_ids.empty()) return out;
  for (const auto& r : pg::Exec(tx, kLockReservations, pg::ArrayLiteral(order_ids))) {
    out.push_back(ReadReservation(r));
  }
  return out;
}

std::map<std::string, int> InventoryStore::HeldOrBought(pqxx::transaction_base& tx,
                                                        const std::string& drop_id,
                                                        const std::vector<std::string>& buyer_ids) {
  std::map<std::string, int> out;
  if (buyer_ids.empty()) return out;
  for (const auto& r : pg::Exec(tx, kHeldOrBought, drop_id, pg::ArrayLiteral(buyer_ids))) {
    out[r[0].as<std::string>()] = r[1].as<int>();
  }
  return out;
}

void InventoryStore::InsertReservations(pqxx::transaction_base& tx,
                                        const std::vector<ReservationRow>& rows) {
  if (rows.empty()) return;
  pg::Exec(tx, kInsertReservations,
           Column(rows, [](const ReservationRow& r) { return r.order_id; }),
           Column(rows, [](const ReservationRow& r) { return r.drop_id; }),
           Column(rows, [](const ReservationRow& r) { return r.buyer_id; }),
           Column(rows, [](const ReservationRow& r) { return std::to_string(r.quantity); }),
           Column(rows, [](const ReservationRow& r) { return std::string(StateName(r.state)); }),
           Column(rows, [](const ReservationRow& r) {
             return std::to_string(static_cast<long long>(r.expires_at.time_since_epoch().count()));
           }));
}

void InventoryStore::SetStates(
    pqxx::transaction_base& tx,
    const std::vector<std::pair<std::string, ReservationState>>& order_states) {
  if (order_states.empty()) return;
  using Item = std::pair<std::string, ReservationState>;
  pg::Exec(tx, kSetStates, Column(order_states, [](const Item& i) { return i.first; }),
           Column(order_states, [](const Item& i) { return std::string(StateName(i.second)); }));
}

std::vector<std::pair<std::string, std::string>> InventoryStore::FindExpired(
    pqxx::transaction_base& tx, int limit) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& r : pg::Exec(tx, kFindExpired, limit)) {
    out.emplace_back(r[0].as<std::string>(), r[1].as<std::string>());
  }
  return out;
}

StockTotals InventoryStore::Totals(pqxx::transaction_base& tx) {
  const auto r = pg::Exec(tx, kTotals).at(0);
  return StockTotals{r[0].as<long long>(), r[1].as<long long>(), r[2].as<long long>(),
                     r[3].as<long long>(), r[4].as<long long>()};
}

}  // namespace livedrop::inventory
