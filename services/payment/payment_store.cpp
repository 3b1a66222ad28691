#include "payment_store.h"

#include <cctype>
#include <pqxx/pqxx>
#include <unordered_map>

#include "livedrop/pg/arrays.h"
#include "livedrop/pg/statement.h"

namespace livedrop::payment {
namespace {

constexpr char kColumns[] =
    "id::text, order_id::text, buyer_id::text, amount, currency, state, "
    "coalesce(failure_code, ''), (extract(epoch FROM created_at) * 1000000)::bigint, "
    "(extract(epoch FROM updated_at) * 1000000)::bigint";

constexpr char kInsertPending[] =
    "INSERT INTO payments (order_id, id, buyer_id, amount, currency, state) "
    "VALUES ($1, $2, $3, $4, $5, 'pending') ON CONFLICT (order_id) DO NOTHING RETURNING ";

constexpr char kFind[] = " FROM payments WHERE order_id = $1";

constexpr char kFinish[] =
    "UPDATE payments SET state = $2, failure_code = nullif($3, ''), updated_at = now() "
    "WHERE order_id = $1 AND state = 'pending' RETURNING ";

constexpr char kMarkRefunded[] =
    "UPDATE payments SET state = 'refunded', updated_at = now() "
    "WHERE order_id = $1 AND state = 'succeeded' RETURNING ";

// The coalesced statements: arrays in, rows out (prepared per connection). Rows are inserted in
// order id order, so two instances' batches that share orders take their locks in one order
// (an UPDATE's order cannot be chosen: a deadlock between two is retried by Pool::Transact).
std::string InsertPendingManySql() {
  return std::string(R"sql(
  INSERT INTO payments (order_id, id, buyer_id, amount, currency, state)
  SELECT order_id, id, buyer_id, amount, currency, 'pending'
    FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::bigint[], $5::text[])
         AS p(order_id, id, buyer_id, amount, currency)
   ORDER BY order_id
  ON CONFLICT (order_id) DO NOTHING RETURNING )sql") +
         kColumns;
}

// The element's position first (1-based), then the row.
std::string FindManySql() {
  return std::string("SELECT c.n, ") + kColumns +
         " FROM unnest($1::uuid[]) WITH ORDINALITY AS c(wanted, n)"
         " JOIN payments ON order_id = c.wanted";
}

std::string FinishManySql() {
  return std::string(R"sql(
  UPDATE payments SET state = m.to_state, failure_code = nullif(m.failure, ''), updated_at = now()
    FROM unnest($1::uuid[], $2::text[], $3::text[]) WITH ORDINALITY
         AS m(moving, to_state, failure, n)
   WHERE order_id = m.moving AND state = 'pending'
  RETURNING m.n, )sql") +
         kColumns;
}

PaymentState ParseState(const std::string& s) {
  if (s == "succeeded") return PaymentState::kSucceeded;
  if (s == "failed") return PaymentState::kFailed;
  if (s == "refunded") return PaymentState::kRefunded;
  return PaymentState::kPending;
}

TimePoint Micros(const pqxx::field& f) {
  return TimePoint(std::chrono::microseconds(f.as<long long>()));
}

// The row of kColumns starting at column `at`.
PaymentRow Read(const pqxx::row& r, pqxx::row::size_type at = 0) {
  return PaymentRow{r[at].as<std::string>(),
                    r[at + 1].as<std::string>(),
                    r[at + 2].as<std::string>(),
                    r[at + 3].as<std::int64_t>(),
                    r[at + 4].as<std::string>(),
                    ParseState(r[at + 5].as<std::string>()),
                    r[at + 6].as<std::string>(),
                    Micros(r[at + 7]),
                    Micros(r[at + 8])};
}

std::optional<PaymentRow> One(const pqxx::result& result) {
  if (result.empty()) return std::nullopt;
  return Read(result[0]);
}

// Rows that lead with their element's 1-based position, placed at it.
std::vector<std::optional<PaymentRow>> ByPosition(const pqxx::result& result, std::size_t size) {
  std::vector<std::optional<PaymentRow>> out(size);
  for (const auto& row : result) out.at(row[0].as<std::size_t>() - 1) = Read(row, 1);
  return out;
}

// A UUID as PostgreSQL prints it (lowercase), to match rows read back to their elements.
std::string Canonical(std::string uuid) {
  for (auto& c : uuid) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return uuid;
}

}  // namespace

std::optional<PaymentRow> PaymentStore::InsertPending(pqxx::transaction_base& tx,
                                                      const PaymentRow& row) {
  return One(tx.exec_params(std::string(kInsertPending) + kColumns, row.order_id, row.id,
                            row.buyer_id, row.amount, row.currency));
}

std::optional<PaymentRow> PaymentStore::Find(pqxx::transaction_base& tx,
                                             const std::string& order_id) {
  return One(tx.exec_params(std::string("SELECT ") + kColumns + kFind, order_id));
}

std::optional<PaymentRow> PaymentStore::Finish(pqxx::transaction_base& tx,
                                               const std::string& order_id, PaymentState to,
                                               const std::string& failure_code) {
  return One(
      tx.exec_params(std::string(kFinish) + kColumns, order_id, StateName(to), failure_code));
}

std::optional<PaymentRow> PaymentStore::MarkRefunded(pqxx::transaction_base& tx,
                                                     const std::string& order_id) {
  return One(tx.exec_params(std::string(kMarkRefunded) + kColumns, order_id));
}

std::vector<std::optional<PaymentRow>> PaymentStore::InsertPendingMany(
    pqxx::transaction_base& tx, const std::vector<PaymentRow>& rows) {
  static const std::string sql = InsertPendingManySql();
  static const pg::Statement kInsertPendingMany{"payments_insert_pending_many", sql.c_str()};
  if (rows.empty()) return {};
  std::vector<std::string> orders, ids, buyers, amounts, currencies;
  for (const auto& r : rows) {
    orders.push_back(r.order_id);
    ids.push_back(r.id);
    buyers.push_back(r.buyer_id);
    amounts.push_back(std::to_string(r.amount));
    currencies.push_back(r.currency);
  }
  std::unordered_map<std::string, PaymentRow> inserted;  // by order id
  for (const auto& row : pg::Exec(tx, kInsertPendingMany, pg::ArrayLiteral(orders),
                                  pg::ArrayLiteral(ids), pg::ArrayLiteral(buyers),
                                  pg::ArrayLiteral(amounts), pg::ArrayLiteral(currencies))) {
    auto payment = Read(row);
    inserted.emplace(payment.order_id, std::move(payment));
  }
  std::vector<std::optional<PaymentRow>> out;
  for (const auto& r : rows) {
    const auto it = inserted.find(Canonical(r.order_id));
    out.push_back(it == inserted.end() ? std::nullopt : std::optional<PaymentRow>(it->second));
  }
  return out;
}

std::vector<std::optional<PaymentRow>> PaymentStore::FindMany(
    pqxx::transaction_base& tx, const std::vector<std::string>& order_ids) {
  static const std::string sql = FindManySql();
  static const pg::Statement kFindMany{"payments_find_many", sql.c_str()};
  if (order_ids.empty()) return {};
  return ByPosition(pg::Exec(tx, kFindMany, pg::ArrayLiteral(order_ids)), order_ids.size());
}

std::vector<std::optional<PaymentRow>> PaymentStore::FinishMany(
    pqxx::transaction_base& tx, const std::vector<Finishing>& moves) {
  static const std::string sql = FinishManySql();
  static const pg::Statement kFinishMany{"payments_finish_many", sql.c_str()};
  if (moves.empty()) return {};
  std::vector<std::string> orders, states, failures;
  for (const auto& m : moves) {
    orders.push_back(m.order_id);
    states.push_back(StateName(m.to));
    failures.push_back(m.failure_code);
  }
  return ByPosition(pg::Exec(tx, kFinishMany, pg::ArrayLiteral(orders), pg::ArrayLiteral(states),
                             pg::ArrayLiteral(failures)),
                    moves.size());
}

}  // namespace livedrop::payment
