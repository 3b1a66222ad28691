#include "order_recovery.h"

#include <spdlog/spdlog.h>

#include <pqxx/pqxx>

#include "livedrop/pg/pool.h"
#include "order_saga.h"
#include "orders_store.h"

namespace livedrop::orders {

int RecoverLapsedOrders(pg::Pool& pool, OrderSaga& saga, std::chrono::milliseconds lease,
                        int limit) {
  const auto lapsed =
      pool.Transact([&](pqxx::work& tx) { return OrdersStore::ClaimLapsed(tx, limit, lease); });
  int finished = 0;
  for (const auto& order : lapsed) {
    try {
      const auto done = saga.Drive(order);
      spdlog::info("recovered order {} from stage {}: {}", order.id, StageName(order.stage),
                   StatusName(done.status));
      ++finished;
    } catch (const std::exception& e) {
      spdlog::warn("order {} still stuck at stage {}: {}", order.id, StageName(order.stage),
                   e.what());
    }
  }
  return finished;
}

int ForgetOldKeys(pg::Pool& pool, std::chrono::seconds keep, int limit) {
  return pool.Transact(
      [&](pqxx::work& tx) { return OrdersStore::DeleteKeysOlderThan(tx, keep, limit); });
}

}  // namespace livedrop::orders
