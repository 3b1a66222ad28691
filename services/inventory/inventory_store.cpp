#include "inventory_store.h"

#include <pqxx/pqxx>

namespace livedrop::inventory {
namespace {

// The column lists are macros so that every statement below is one compile-time constant.
#define LIVEDROP_STOCK_COLUMNS                                                              \
  "drop_id::text, total, available, reserved, sold, per_buyer_limit, low_stock_threshold, " \
  "low_stock_sent, version, frozen"
#define LIVEDROP_RESERVATION_COLUMNS                                 \
  "order_id::text, drop_id::text, buyer_id::text, quantity, state, " \
  "(extract(epoch FROM expires_at) * 1000000)::bigint"

constexpr char kCreateStock[] =
    "INSERT INTO stock (drop_id, total, available, per_buyer_limit, low_stock_threshold) "
    "VALUES ($1, $2, $2, $3, $4) ON CONFLICT (drop_id) DO NOTHING RETURNING 1";
constexpr char kLockStock[] =
    "SELECT " LIVEDROP_STOCK_COLUMNS " FROM stock WHERE drop_id = $1 FOR UPDATE";
constexpr char kFindStock[] = "SELECT " LIVEDROP_STOCK_COLUMNS " FROM stock WHERE drop_id = $1";
constexpr char kFindStocks[] =
    "SELECT " LIVEDROP_STOCK_COLUMNS " FROM stock WHERE drop_id = ANY($1::uuid[])";
constexpr char kAdjustStock[] =
    "UPDATE stock SET available = available + $2, reserved = reserved + $3, "
    "sold = sold + $4, low_stock_sent = low_stock_sent OR $5, "
    "version = version + 1 WHERE drop_id = $1 RETURNING " LIVEDROP_STOCK_COLUMNS;
// Only a row not yet frozen changes (and bumps its version): freezing twice changes nothing.
constexpr char kFreezeStock[] =
    "UPDATE stock SET frozen = true, version = version + 1 WHERE drop_id = $1 AND NOT frozen "
    "RETURNING " LIVEDROP_STOCK_COLUMNS;
constexpr char kFindReservation[] =
    "SELECT " LIVEDROP_RESERVATION_COLUMNS " FROM reservations WHERE order_id = $1";
constexpr char kLockReservations[] =
    "SELECT " LIVEDROP_RESERVATION_COLUMNS
    " FROM reservations WHERE order_id = ANY($1::uuid[]) ORDER BY order_id FOR UPDATE";
constexpr char kInsertReservations[] =
    "INSERT INTO reservations (order_id, drop_id, buyer_id, quantity, state, expires_at) "
    "SELECT o, d, b, q, s, to_timestamp(e::double precision / 1000000) "
    "FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::int[], $5::text[], $6::bigint[]) "
    "AS u(o, d, b, q, s, e)";
constexpr char kSetStates[] =
    "UPDATE reservations r SET state = u.s, updated_at = now() "
    "FROM unnest($1::uuid[], $2::text[]) AS u(o, s) WHERE r.order_id = u.o";
constexpr char kFindExpired[] =
    "SELECT order_id::text, drop_id::text FROM reservations "
    "WHERE state = 'held' AND expires_at <= now() ORDER BY expires_at LIMIT $1";
// One statement, so one snapshot: a change committed meanwhile cannot look like a violation.
constexpr char kTotals[] =
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
    "USING (drop_id)";

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

// A PostgreSQL array literal ({"a","b"}) for a text parameter cast to uuid[], int[], ...:
// libpqxx 6 has no array parameters, and one array parameter keeps a batch to one statement.
template <class T, class ToText>
std::string ArrayLiteral(const std::vector<T>& items, ToText to_text) {
  std::string out = "{";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (const char c : to_text(items[i])) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

std::string ArrayLiteral(const std::vector<std::string>& items) {
  return ArrayLiteral(items, [](const std::string& s) { return s; });
}

}  // namespace

bool InventoryStore::CreateStock(pqxx::transaction_base& tx, const StockRow& s) {
  return !tx.exec_params(kCreateStock, s.drop_id, s.total, s.per_buyer_limit, s.low_stock_threshold)
              .empty();
}

std::optional<StockRow> InventoryStore::LockStock(pqxx::transaction_base& tx,
                                                  const std::string& drop_id) {
  return OneStock(tx.exec_params(kLockStock, drop_id));
}

std::optional<StockRow> InventoryStore::FindStock(pqxx::transaction_base& tx,
                                                  const std::string& drop_id) {
  return OneStock(tx.exec_params(kFindStock, drop_id));
}

StockRow InventoryStore::Adjust(pqxx::transaction_base& tx, const std::string& drop_id,
                                int d_available, int d_reserved, int d_sold, bool low_stock_sent) {
  return ReadStock(
      tx.exec_params1(kAdjustStock, drop_id, d_available, d_reserved, d_sold, low_stock_sent));
}

std::optional<StockRow> InventoryStore::FreezeStock(pqxx::transaction_base& tx,
                                                    const std::string& drop_id) {
  return OneStock(tx.exec_params(kFreezeStock, drop_id));
}

std::vector<StockRow> InventoryStore::FindStocks(pqxx::transaction_base& tx,
                                                 const std::vector<std::string>& drop_ids) {
  std::vector<StockRow> out;
  if (drop_ids.empty()) return out;
  for (const auto& r : tx.exec_params(kFindStocks, ArrayLiteral(drop_ids))) {
    out.push_back(ReadStock(r));
  }
  return out;
}

std::optional<ReservationRow> InventoryStore::FindReservation(pqxx::transaction_base& tx,
                                                              const std::string& order_id) {
  const auto result = tx.exec_params(kFindReservation, order_id);
  if (result.empty()) return std::nullopt;
  return ReadReservation(result[0]);
}

std::vector<ReservationRow> InventoryStore::LockReservations(
    pqxx::transaction_base& tx, const std::vector<std::string>& order_ids) {
  std::vector<ReservationRow> out;
  if (order_ids.empty()) return out;
  for (const auto& r : tx.exec_params(kLockReservations, ArrayLiteral(order_ids))) {
    out.push_back(ReadReservation(r));
  }
  return out;
}

std::map<std::string, int> InventoryStore::HeldOrBought(pqxx::transaction_base& tx,
                                                        const std::string& drop_id,
                                                        const std::vector<std::string>& buyer_ids) {
  std::map<std::string, int> out;
  if (buyer_ids.empty()) return out;
  for (const auto& r : tx.exec_params(kHeldOrBoughtSql, drop_id, ArrayLiteral(buyer_ids))) {
    out[r[0].as<std::string>()] = r[1].as<int>();
  }
  return out;
}

void InventoryStore::InsertReservations(pqxx::transaction_base& tx,
                                        const std::vector<ReservationRow>& rows) {
  if (rows.empty()) return;
  tx.exec_params(
      kInsertReservations, ArrayLiteral(rows, [](const ReservationRow& r) { return r.order_id; }),
      ArrayLiteral(rows, [](const ReservationRow& r) { return r.drop_id; }),
      ArrayLiteral(rows, [](const ReservationRow& r) { return r.buyer_id; }),
      ArrayLiteral(rows, [](const ReservationRow& r) { return std::to_string(r.quantity); }),
      ArrayLiteral(rows, [](const ReservationRow& r) { return std::string(StateName(r.state)); }),
      ArrayLiteral(rows, [](const ReservationRow& r) {
        return std::to_string(static_cast<long long>(r.expires_at.time_since_epoch().count()));
      }));
}

void InventoryStore::SetStates(
    pqxx::transaction_base& tx,
    const std::vector<std::pair<std::string, ReservationState>>& order_states) {
  if (order_states.empty()) return;
  using Item = std::pair<std::string, ReservationState>;
  tx.exec_params(
      kSetStates, ArrayLiteral(order_states, [](const Item& i) { return i.first; }),
      ArrayLiteral(order_states, [](const Item& i) { return std::string(StateName(i.second)); }));
}

std::vector<std::pair<std::string, std::string>> InventoryStore::FindExpired(
    pqxx::transaction_base& tx, int limit) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& r : tx.exec_params(kFindExpired, limit)) {
    out.emplace_back(r[0].as<std::string>(), r[1].as<std::string>());
  }
  return out;
}

StockTotals InventoryStore::Totals(pqxx::transaction_base& tx) {
  const auto r = tx.exec1(kTotals);
  return StockTotals{r[0].as<long long>(), r[1].as<long long>(), r[2].as<long long>(),
                     r[3].as<long long>(), r[4].as<long long>()};
}

}  // namespace livedrop::inventory
