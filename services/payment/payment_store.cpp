#include "payment_store.h"

#include <pqxx/pqxx>

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

PaymentState ParseState(const std::string& s) {
  if (s == "succeeded") return PaymentState::kSucceeded;
  if (s == "failed") return PaymentState::kFailed;
  if (s == "refunded") return PaymentState::kRefunded;
  return PaymentState::kPending;
}

TimePoint Micros(const pqxx::field& f) {
  return TimePoint(std::chrono::microseconds(f.as<long long>()));
}

std::optional<PaymentRow> One(const pqxx::result& result) {
  if (result.empty()) return std::nullopt;
  const auto& r = result[0];
  return PaymentRow{
      r[0].as<std::string>(),  r[1].as<std::string>(), r[2].as<std::string>(),
      r[3].as<std::int64_t>(), r[4].as<std::string>(), ParseState(r[5].as<std::string>()),
      r[6].as<std::string>(),  Micros(r[7]),           Micros(r[8])};
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

}  // namespace livedrop::payment
