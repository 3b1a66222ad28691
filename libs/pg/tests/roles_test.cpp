// One role per service on a real PostgreSQL: each reaches its own schema and nothing else.
#include "livedrop/pg/roles.h"

#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <pqxx/pqxx>
#include <thread>
#include <vector>

#include "livedrop/core/ids.h"
#include "livedrop/pg/pool.h"
#include "livedrop/testing/servers.h"

namespace livedrop::pg {
namespace {

using namespace std::chrono_literals;

// Roles are per cluster and the cluster is shared by parallel tests: names of this test's own.
std::string RoleName(const std::string& service) {
  return "t_" + NewUuid().substr(0, 8) + "_" + service;
}

TEST(ServiceRoles, AServiceRoleCannotReadOrWriteAnotherServicesSchema) {
  const std::string admin_url = testing::PostgresServer::Shared().CreateDatabase();
  const std::string orders = RoleName("orders"), payment = RoleName("payment");
  ProvisionServiceRole(admin_url, "orders", orders);
  ProvisionServiceRole(admin_url, "payment", payment);

  // Each service, through its own pool as its own role, migrates and uses its schema.
  Pool payment_pool(PoolOptions{WithUser(admin_url, payment), "payment", 1, 2s});
  payment_pool.Transact([](pqxx::work& tx) {
    tx.exec("CREATE TABLE payments (id int PRIMARY KEY, amount bigint)");
    tx.exec("INSERT INTO payments VALUES (1, 2500)");
  });
  Pool orders_pool(PoolOptions{WithUser(admin_url, orders), "orders", 1, 2s});
  orders_pool.Transact([](pqxx::work& tx) { tx.exec("CREATE TABLE orders (id int)"); });
  EXPECT_EQ(orders_pool.Transact([](pqxx::work& tx) {
    return tx.exec1("SELECT count(*) FROM orders")[0].as<int>();
  }), 0);

  // As orders: payment's table, a table in payment's schema, a schema or a public table of its
  // own are all refused.
  pqxx::connection as_orders(WithUser(admin_url, orders));
  const auto refused = [&](const std::string& statement) {
    try {
      pqxx::work tx(as_orders);
      tx.exec(statement);
      tx.commit();
      return false;
    } catch (const pqxx::insufficient_privilege&) {
      return true;
    }
  };
  EXPECT_TRUE(refused("SELECT * FROM payment.payments"));
  EXPECT_TRUE(refused("UPDATE payment.payments SET amount = 0"));
  EXPECT_TRUE(refused("CREATE TABLE payment.stolen (v int)"));
  EXPECT_TRUE(refused("CREATE SCHEMA elsewhere"));
  EXPECT_TRUE(refused("CREATE TABLE public.elsewhere (v int)"));
  // The owner still sees payment's row: only the role was kept out.
  pqxx::connection owner(admin_url);
  pqxx::work check(owner);
  EXPECT_EQ(check.exec1("SELECT amount FROM payment.payments")[0].as<long>(), 2500);
}

TEST(ServiceRoles, ProvisioningTwice_ChangesNothing) {
  const std::string admin_url = testing::PostgresServer::Shared().CreateDatabase();
  const std::string role = RoleName("drops");
  ProvisionServiceRole(admin_url, "drops", role);
  Pool pool(PoolOptions{WithUser(admin_url, role), "drops", 1, 2s});
  pool.Transact([](pqxx::work& tx) { tx.exec("CREATE TABLE d (v int)"); });
  ProvisionServiceRole(admin_url, "drops", role);
  EXPECT_EQ(pool.Transact([](pqxx::work& tx) {
    return tx.exec1("SELECT count(*) FROM d")[0].as<int>();
  }), 0);
}

// A deploy from before service roles: the owner made the schema and its tables.
TEST(ServiceRoles, ASchemaTheOwnerMade_IsHandedOverWithItsTablesAndSequences) {
  const std::string admin_url = testing::PostgresServer::Shared().CreateDatabase();
  {
    pqxx::connection owner(admin_url);
    pqxx::work tx(owner);
    tx.exec("CREATE SCHEMA notifications");
    tx.exec("CREATE TABLE notifications.inbox (id bigserial PRIMARY KEY, v int)");
    tx.exec("CREATE TABLE notifications.ids (id bigint GENERATED ALWAYS AS IDENTITY)");
    tx.exec("CREATE SEQUENCE notifications.seq");
    tx.exec("INSERT INTO notifications.inbox (v) VALUES (1)");
    tx.commit();
  }
  const std::string role = RoleName("notifications");
  ProvisionServiceRole(admin_url, "notifications", role);
  Pool pool(PoolOptions{WithUser(admin_url, role), "notifications", 1, 2s});
  pool.Transact([](pqxx::work& tx) {
    tx.exec("INSERT INTO inbox (v) VALUES (2)");
    tx.exec("INSERT INTO ids DEFAULT VALUES");
    tx.exec("SELECT nextval('seq')");
    tx.exec("ALTER TABLE inbox ADD COLUMN w int");  // a migration of the service's own
  });
  EXPECT_EQ(pool.Transact([](pqxx::work& tx) {
    return tx.exec1("SELECT count(*) FROM inbox")[0].as<int>();
  }), 2);
}

// Test platforms share one cluster: the same role is provisioned in several databases at once
// (roles are per cluster, the advisory lock per database).
TEST(ServiceRoles, OneRoleProvisionedInSeveralDatabasesAtOnce_SucceedsInEach) {
  const std::string role = RoleName("orders");
  std::vector<std::string> urls;
  for (int i = 0; i < 4; ++i) urls.push_back(testing::PostgresServer::Shared().CreateDatabase());
  std::atomic<int> failures{0};
  std::barrier start(static_cast<std::ptrdiff_t>(urls.size()));
  std::vector<std::thread> threads;
  for (const auto& url : urls) {
    threads.emplace_back([&, url] {
      start.arrive_and_wait();
      try {
        ProvisionServiceRole(url, "orders", role);
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
        ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  for (const auto& url : urls) {
    Pool pool(PoolOptions{WithUser(url, role), "orders", 1, 2s});
    pool.Transact([](pqxx::work& tx) { tx.exec("CREATE TABLE o (v int)"); });
  }
}

TEST(ServiceRoles, WithUser_ReplacesTheUserOfAUrl) {
  EXPECT_EQ(WithUser("postgresql://livedrop@127.0.0.1:5432/db", "orders"),
            "postgresql://orders@127.0.0.1:5432/db");
  EXPECT_EQ(WithUser("postgresql://a:b@h/db", "orders", "pw"), "postgresql://orders:pw@h/db");
}

}  // namespace
}  // namespace livedrop::pg
