#include "orders_store.h"

#include <cstdint>
#include <pqxx/pqxx>
#include <unordered_map>

#include "livedrop/pg/arrays.h"
#include "livedrop/pg/statement.h"

namespace livedrop::orders {
namespace {

constexpr char kColumns[] = R"sql(
  id::text, buyer_id::text, drop_id::text, quantity, amount, currency, payment_token, status,
  stage, coalesce(failure_code, ''), seq, (extract(epoch FROM created_at) * 1000000)::bigint,
  refunded
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
  o.refunded = r[12].as<bool>();
  return o;
}

// The orders a cancelled drop's withdrawal takes: unpaid ones, and confirmed ones.
constexpr char kWithdrawable[] =
    "(stage IN ('placed', 'reserved') OR (stage = 'done' AND status = 'confirmed'))";

std::vector<OrderRow> ReadAll(const pqxx::result& result) {
  std::vector<OrderRow> out;
  out.reserve(result.size());
  for (const auto& row : result) out.push_back(Read(row));
  return out;
}

std::string Interval(std::chrono::milliseconds d) {
  return std::to_string(d.count()) + " milliseconds";
}

std::optional<OrdersStore::KeyRow> ReadKey(const pqxx::result& r) {
  if (r.empty()) return std::nullopt;
  return OrdersStore::KeyRow{r[0][0].as<std::string>(), r[0][1].as<std::string>()};
}

// The coalesced statements: arrays in, one row per request out (prepared per connection).
constexpr pg::Statement kClaimKeys{"orders_claim_keys", R"sql(
  INSERT INTO idempotency_keys (buyer_id, key, request_hash, order_id)
  SELECT buyer_id, key, request_hash, order_id
    FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[]) WITH ORDINALITY
         AS c(buyer_id, key, request_hash, order_id, n)
   ORDER BY n
  ON CONFLICT DO NOTHING RETURNING order_id::text
)sql"};
constexpr pg::Statement kFindKeys{"orders_find_keys", R"sql(
  SELECT c.n, k.request_hash, k.order_id::text
    FROM unnest($1::uuid[], $2::text[]) WITH ORDINALITY AS c(buyer_id, key, n)
    JOIN idempotency_keys k ON k.buyer_id = c.buyer_id AND k.key = c.key
)sql"};

// The payment token is kept only while a charge may still be made: the statement that moves an
// order past charging empties it (the processor's answer is the payment service's record).
std::string TokenKeptWhileCharging(const std::string& to_stage) {
  return "payment_token = CASE WHEN " + to_stage +
         " IN ('placed', 'reserved', 'charging') THEN payment_token ELSE '' END";
}

// Set by the move out of stage refunding (the refund was made): `stage` in an UPDATE's SET is
// the row's stage before it.
constexpr char kRefundedOnceOutOfRefunding[] = "refunded = refunded OR stage = 'refunding', ";

std::string InsertManySql() {
  return std::string(R"sql(
  INSERT INTO orders (id, buyer_id, drop_id, quantity, amount, currency, payment_token, status,
                      stage, lease_until)
  SELECT id, buyer_id, drop_id, quantity, amount, currency, payment_token, 'pending', 'placed',
         now() + $8::interval
    FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::integer[], $5::bigint[], $6::text[],
                $7::text[]) AS o(id, buyer_id, drop_id, quantity, amount, currency, payment_token)
  RETURNING )sql") +
         kColumns;
}

std::string AdvanceManySql() {
  return std::string(R"sql(
  UPDATE orders SET stage = m.to_stage, status = m.to_status,
         failure_code = coalesce(nullif(m.failure, ''), failure_code),
         lease_until = now() + $6::interval, updated_at = now(), )sql") +
         kRefundedOnceOutOfRefunding + TokenKeptWhileCharging("m.to_stage") + R"sql(
    FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[])
         AS m(order_id, from_stage, to_stage, to_status, failure)
   WHERE id = m.order_id AND stage = m.from_stage
  RETURNING )sql" +
         kColumns;
}

const std::string& InsertManyText() {
  static const std::string sql = InsertManySql();
  return sql;
}
const std::string& AdvanceManyText() {
  static const std::string sql = AdvanceManySql();
  return sql;
}

}  // namespace

std::vector<std::optional<OrdersStore::KeyRow>> OrdersStore::ClaimKeys(
    pqxx::transaction_base& tx, const std::vector<KeyClaim>& claims) {
  std::vector<std::string> buyers, keys, hashes, orders;
  for (const auto& c : claims) {
    buyers.push_back(c.buyer_id);
    keys.push_back(c.key);
    hashes.push_back(c.request_hash);
    orders.push_back(c.order_id);
  }
  std::unordered_map<std::string, bool> claimed;  // by the order id each claim carries
  for (const auto& row : pg::Exec(tx, kClaimKeys, pg::ArrayLiteral(buyers), pg::ArrayLiteral(keys),
                                  pg::ArrayLiteral(hashes), pg::ArrayLiteral(orders))) {
    claimed[row[0].as<std::string>()] = true;
  }
  std::vector<std::optional<KeyRow>> out(claims.size());
  std::vector<std::size_t> taken;  // claims that found their key held
  std::vector<KeyRef> refs;
  for (std::size_t i = 0; i < claims.size(); ++i) {
    if (claimed.count(claims[i].order_id)) continue;
    taken.push_back(i);
    refs.push_back({claims[i].buyer_id, claims[i].key});
  }
  if (taken.empty()) return out;
  auto held = FindKeys(tx, refs);
  for (std::size_t j = 0; j < taken.size(); ++j) {
    if (!held[j]) {
      throw Error(ErrorKind::kInternal, "idempotency_key_vanished",
                  "an Idempotency-Key neither claimed nor found");
    }
    out[taken[j]] = std::move(held[j]);
  }
  return out;
}

std::vector<std::optional<OrdersStore::KeyRow>> OrdersStore::FindKeys(
    pqxx::transaction_base& tx, const std::vector<KeyRef>& refs) {
  std::vector<std::string> buyers, keys;
  for (const auto& r : refs) {
    buyers.push_back(r.buyer_id);
    keys.push_back(r.key);
  }
  std::vector<std::optional<KeyRow>> out(refs.size());
  for (const auto& row :
       pg::Exec(tx, kFindKeys, pg::ArrayLiteral(buyers), pg::ArrayLiteral(keys))) {
    const auto n = row[0].as<std::size_t>();  // 1-based position in `refs`
    out.at(n - 1) = KeyRow{row[1].as<std::string>(), row[2].as<std::string>()};
  }
  return out;
}

std::vector<OrderRow> OrdersStore::InsertMany(pqxx::transaction_base& tx,
                                              const std::vector<OrderRow>& orders,
                                              std::chrono::milliseconds lease) {
  static const pg::Statement kInsertMany{"orders_insert_many", InsertManyText().c_str()};
  std::vector<std::string> ids, buyers, drops, quantities, amounts, currencies, tokens;
  for (const auto& o : orders) {
    ids.push_back(o.id);
    buyers.push_back(o.buyer_id);
    drops.push_back(o.drop_id);
    quantities.push_back(std::to_string(o.quantity));
    amounts.push_back(std::to_string(o.amount));
    currencies.push_back(o.currency);
    tokens.push_back(o.payment_token);
  }
  std::unordered_map<std::string, OrderRow> by_id;
  for (const auto& row :
       pg::Exec(tx, kInsertMany, pg::ArrayLiteral(ids), pg::ArrayLiteral(buyers),
                pg::ArrayLiteral(drops), pg::ArrayLiteral(quantities), pg::ArrayLiteral(amounts),
                pg::ArrayLiteral(currencies), pg::ArrayLiteral(tokens), Interval(lease))) {
    auto order = Read(row);
    by_id.emplace(order.id, std::move(order));
  }
  std::vector<OrderRow> out;
  for (const auto& o : orders) out.push_back(by_id.at(o.id));
  return out;
}

std::vector<std::optional<OrderRow>> OrdersStore::AdvanceMany(pqxx::transaction_base& tx,
                                                              const std::vector<StageMove>& moves,
                                                              std::chrono::milliseconds lease) {
  static const pg::Statement kAdvanceMany{"orders_advance_many", AdvanceManyText().c_str()};
  std::vector<std::string> ids, from, to, statuses, failures;
  for (const auto& m : moves) {
    ids.push_back(m.id);
    from.push_back(StageName(m.from));
    to.push_back(StageName(m.to));
    statuses.push_back(StatusName(m.status));
    failures.push_back(m.failure_code);
  }
  std::unordered_map<std::string, OrderRow> by_id;
  for (const auto& row : pg::Exec(tx, kAdvanceMany, pg::ArrayLiteral(ids), pg::ArrayLiteral(from),
                                  pg::ArrayLiteral(to), pg::ArrayLiteral(statuses),
                                  pg::ArrayLiteral(failures), Interval(lease))) {
    auto order = Read(row);
    by_id.emplace(order.id, std::move(order));
  }
  std::vector<std::optional<OrderRow>> out;
  for (const auto& m : moves) {
    const auto it = by_id.find(m.id);
    out.push_back(it == by_id.end() ? std::nullopt : std::optional<OrderRow>(it->second));
  }
  return out;
}

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
  return ReadAll(r);
}

std::optional<OrderRow> OrdersStore::Advance(pqxx::transaction_base& tx, const std::string& id,
                                             Stage from, Stage to, OrderStatus status,
                                             const std::string& failure_code,
                                             std::chrono::milliseconds lease) {
  const auto r = tx.exec_params(
      std::string("UPDATE orders SET stage = $3, status = $4, "
                  "failure_code = coalesce(nullif($5, ''), failure_code), "
                  "lease_until = now() + $6::interval, updated_at = now(), ") +
          kRefundedOnceOutOfRefunding + TokenKeptWhileCharging("$3::text") +
          " WHERE id = $1 AND stage = $2 RETURNING " + kColumns,
      id, StageName(from), StageName(to), StatusName(status), failure_code, Interval(lease));
  if (r.empty()) return std::nullopt;
  return Read(r[0]);
}

std::optional<OrderRow> OrdersStore::CancelUnpaid(pqxx::transaction_base& tx, const std::string& id,
                                                  std::chrono::milliseconds lease) {
  const auto r = tx.exec_params(
      std::string("UPDATE orders SET stage = 'releasing', failure_code = 'cancelled', "
                  "lease_until = now() + $2::interval, updated_at = now(), payment_token = '' "
                  "WHERE id = $1 AND stage IN ('placed', 'reserved') RETURNING ") +
          kColumns,
      id, Interval(lease));
  if (r.empty()) return std::nullopt;
  return Read(r[0]);
}

std::vector<OrderRow> OrdersStore::WithdrawForCancelledDrop(pqxx::transaction_base& tx,
                                                            const std::string& drop_id, int limit,
                                                            std::chrono::milliseconds lease) {
  // The condition twice: the outer one is checked again on a row another driver moved while
  // this statement waited for its lock.
  const auto r = tx.exec_params(
      std::string("UPDATE orders SET "
                  "stage = CASE WHEN stage = 'done' THEN 'refunding' ELSE 'releasing' END, "
                  "status = 'pending', failure_code = 'drop_cancelled', "
                  "lease_until = now() + $2::interval, updated_at = now(), payment_token = '' "
                  "WHERE id IN (SELECT id FROM orders WHERE drop_id = $1 AND ") +
          kWithdrawable + " LIMIT $3) AND " + kWithdrawable + " RETURNING " + kColumns,
      drop_id, Interval(lease), limit);
  return ReadAll(r);
}

int OrdersStore::CountLeftToWithdraw(pqxx::transaction_base& tx, const std::string& drop_id) {
  return tx
      .exec_params1(std::string("SELECT count(*) FROM orders WHERE drop_id = $1 AND (") +
                        kWithdrawable + " OR stage IN ('charging', 'charged'))",
                    drop_id)[0]
      .as<int>();
}

std::vector<OrderRow> OrdersStore::ClaimLapsed(pqxx::transaction_base& tx, int limit,
                                               std::chrono::milliseconds lease) {
  const auto r = tx.exec_params(
      std::string("UPDATE orders SET lease_until = now() + $2::interval WHERE id IN ("
                  "  SELECT id FROM orders WHERE stage <> 'done' AND lease_until < now() "
                  "  ORDER BY lease_until LIMIT $1 FOR UPDATE SKIP LOCKED) RETURNING ") +
          kColumns,
      limit, Interval(lease));
  return ReadAll(r);
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
