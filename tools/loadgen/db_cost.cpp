#include "db_cost.h"

#include <pqxx/pqxx>

namespace livedrop::loadgen {
namespace {

constexpr const char* kDatabaseCounters =
    "SELECT xact_commit, xact_rollback, tup_inserted, tup_updated, tup_deleted, tup_fetched, "
    "       tup_returned "
    "  FROM pg_stat_database WHERE datname = current_database()";
// The next transaction id to be handed out, read without taking one.
constexpr const char* kNextTransactionId =
    "SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint";
constexpr const char* kPreloaded =
    "SELECT 'pg_stat_statements' = ANY(string_to_array(replace("
    "  current_setting('shared_preload_libraries'), ' ', ''), ','))";
constexpr const char* kStatementCalls =
    "SELECT query, sum(calls)::bigint FROM pg_stat_statements "
    " WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) "
    " GROUP BY query";
constexpr const char* kFinishedOrders =
    "SELECT count(*) FILTER (WHERE status = 'confirmed'), count(*) FILTER (WHERE stage = 'done') "
    "  FROM orders.orders WHERE drop_id = $1::uuid";

}  // namespace

DbCounters ReadDbCounters(const std::string& pg_url, std::string* note) {
  pqxx::connection conn(pg_url);
  pqxx::nontransaction tx(conn);
  const auto r = tx.exec1(kDatabaseCounters);
  DbCounters c;
  c.commits = r[0].as<long long>();
  c.rollbacks = r[1].as<long long>();
  c.inserted = r[2].as<long long>();
  c.updated = r[3].as<long long>();
  c.deleted = r[4].as<long long>();
  c.fetched = r[5].as<long long>();
  c.returned = r[6].as<long long>();
  c.write_transactions = tx.exec1(kNextTransactionId)[0].as<long long>();
  if (!tx.exec1(kPreloaded)[0].as<bool>()) {
    if (note) {
      *note = "pg_stat_statements not preloaded (shared_preload_libraries): statements not counted";
    }
    return c;
  }
  tx.exec0("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
  std::map<std::string, long long> calls;
  for (const auto& row : tx.exec(kStatementCalls)) {
    calls[row[0].as<std::string>()] += row[1].as<long long>();
  }
  c.calls = std::move(calls);
  return c;
}

FinishedOrders ReadFinishedOrders(const std::string& pg_url, const std::string& drop_id) {
  pqxx::connection conn(pg_url);
  pqxx::nontransaction tx(conn);
  const auto r = tx.exec_params1(kFinishedOrders, drop_id);
  return FinishedOrders{r[0].as<long long>(), r[1].as<long long>()};
}

}  // namespace livedrop::loadgen
