#include "orders_store.h"

#include <cstdint>
#include <pqxx/pqxx>

namespace livedrop::orders {
namespace {

constexpr char kColumns[] = R"sql(
  id::text, buyer_id::text, drop_id::text, quantity, amount, currency, payment_token, status,
  stage, coalesce(failure_code, ''), seq, (extract(epoch FROM created_at) * 1000000)::bigint
)sql";

OrderRow Read(const pqxx::row& r) {
  OrderRow o;
  o.id = r[0].as<std::string>();
  o.buyer_id = r[1].as<std::string>();
  o.drop_id = r[2].as<std::string>();
  o.quantity = r[3].as<int>();
  o.amount = r[4].as<std::int64_t>();
  o.currency = r[5].as<std::string>();
  o.payment_token = r[6].as<std::string>();
  o.status = ParseStatus(r[7].as<std::string>());
  o.stage = ParseStage(r[8].as<std::string>());
  o.failure_code = r[9].as<std::string>();
  o.seq = r[10].as<std::int64_t>();
  o.created_at = TimePoint(std::chrono::microseconds(r[11].as<long long>()));
  return o;
}

std::string Interval(std::chrono::milliseconds d) {
  return std::to_string(d.count()) + " milliseconds";
}

std::optional<OrdersStore::KeyRow> ReadKey(const pqxx::result& r) {
  if (r.empty()) return std::nullopt;
  return OrdersStore::KeyRow{r[0][0].as<std::string>(), r[0][1].as<std::string>()};
}

}  // namespace

std::optional<OrdersStore::KeyRow> OrdersStore::ClaimKey(pqxx::transaction_base& tx,
                                                         const std::string& buyer_id,
                                                         const std::string& key,
                                                         const std::string& request_hash,
                                                         const std::string& order_id) {
  const auto inserted = tx.exec_params(
      "INSERT INTO idempotency_keys (buyer_id, key, request_hash, order_id) "
      "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING 1",
      buyer_id, key, request_hash, order_id);
  if (!inserted.empty()) return std::nullopt;
  return FindKey(tx, buyer_id, key);
}

std::optional<OrdersStore::KeyRow> OrdersStore::FindKey(pqxx::transaction_base& tx,
                                                        const std::string& buyer_id,
                                                        const std::string& key) {
  return ReadKey(tx.exec_params(
      "SELECT request_hash, order_id::text FROM idempotency_keys WHERE buyer_id = $1 AND key = $2",
      buyer_id, key));
}

OrderRow OrdersStore::Insert(pqxx::transaction_base& tx, const OrderRow& o,
                             std::chrono::milliseconds lease) {
  return Read(tx.exec_params1(
      std::string("INSERT INTO orders (id, buyer_id, drop_id, quantity, amount, currency, "
                  "payment_token, status, stage, lease_until) "
                  "VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', 'placed', "
                  "now() + $8::interval) RETURNING ") +
          kColumns,
      o.id, o.buyer_id, o.drop_id, o.quantity, o.amount, o.currency, o.payment_token,
      Interval(lease)));
}

std::optional<OrderRow> OrdersStore::Find(pqxx::transaction_base& tx, const std::string& id) {
  const auto r =
      tx.exec_params(std::string("SELECT ") + kColumns + " FROM orders WHERE id = $1", id);
  if (r.empty()) return std::nullopt;
  return Read(r[0]);
}

std::vector<OrderRow> OrdersStore::ListByBuyer(pqxx::transaction_base& tx,
                                               const std::string& buyer_id,
                                               std::optional<std::int64_t> before_seq, int limit) {
  const auto r = tx.exec_params(std::string("SELECT ") + kColumns +
                                    " FROM orders WHERE buyer_id = $1 AND seq < $2 "
                                    "ORDER BY seq DESC LIMIT $3",
                                buyer_id, before_seq.value_or(INT64_MAX), limit);
  std::vector<OrderRow> out;
  for (const auto& row : r) out.push_back(Read(row));
  return out;
}

std::optional<OrderRow> OrdersStore::Advance(pqxx::transaction_base& tx, const std::string& id,
                                             Stage from, Stage to, OrderStatus status,
                                             const std::string& failure_code,
                                             std::chrono::milliseconds lease) {
  const auto r = tx.exec_params(
      std::string("UPDATE orders SET stage = $3, status = $4, "
                  "failure_code = coalesce(nullif($5, ''), failure_code), "
                  "lease_until = now() + $6::interval, updated_at = now() "
                  "WHERE id = $1 AND stage = $2 RETURNING ") +
          kColumns,
      id, StageName(from), StageName(to), StatusName(status), failure_code, Interval(lease));
  if (r.empty()) return std::nullopt;
  return Read(r[0]);
}

std::optional<OrderRow> OrdersStore::CancelUnpaid(pqxx::transaction_base& tx, const std::string& id,
                                                  std::chrono::milliseconds lease) {
  const auto r = tx.exec_params(
      std::string("UPDATE orders SET stage = 'releasing', failure_code = 'cancelled', "
                  "lease_until = now() + $2::interval, updated_at = now() "
                  "WHERE id = $1 AND stage IN ('placed', 'reserved') RETURNING ") +
          kColumns,
      id, Interval(lease));
  if (r.empty()) return std::nullopt;
  return Read(r[0]);
}

std::vector<OrderRow> OrdersStore::ClaimLapsed(pqxx::transaction_base& tx, int limit,
                                               std::chrono::milliseconds lease) {
  const auto r = tx.exec_params(
      std::string("UPDATE orders SET lease_until = now() + $2::interval WHERE id IN ("
                  "  SELECT id FROM orders WHERE stage <> 'done' AND lease_until < now() "
                  "  ORDER BY lease_until LIMIT $1 FOR UPDATE SKIP LOCKED) RETURNING ") +
          kColumns,
      limit, Interval(lease));
  std::vector<OrderRow> out;
  for (const auto& row : r) out.push_back(Read(row));
  return out;
}

int OrdersStore::DeleteKeysOlderThan(pqxx::transaction_base& tx, std::chrono::seconds age,
                                     int limit) {
  return static_cast<int>(
      tx.exec_params("DELETE FROM idempotency_keys WHERE ctid IN (SELECT ctid FROM "
                     "idempotency_keys WHERE created_at < now() - $1::interval LIMIT $2)",
                     std::to_string(age.count()) + " seconds", limit)
          .affected_rows());
}

}  // namespace livedrop::orders
