#include <gtest/gtest.h>

#include <pqxx/pqxx>
#include <thread>

#include "livedrop/core/error.h"
#include "livedrop/pg/migrations.h"
#include "livedrop/pg/pool.h"
#include "livedrop/testing/servers.h"

namespace livedrop::pg {
namespace {

const std::vector<Migration> kMigrations = {
    {2, "add_column", "ALTER TABLE items ADD COLUMN note text"},
    {1, "items", "CREATE TABLE items (id int PRIMARY KEY)"},
};

int Columns(Pool& pool) {
  return pool.Transact([](pqxx::work& tx) {
    return tx.exec1("SELECT count(*) FROM information_schema.columns "
                    "WHERE table_schema = 'svc' AND table_name = 'items'")[0]
        .as<int>();
  });
}

TEST(Migrate, AppliesInVersionOrder_ThenTwiceChangesNothing) {
  Pool pool(PoolOptions{testing::PostgresServer::Shared().CreateDatabase(), "svc", 2});
  EXPECT_EQ(Migrate(pool, "svc", kMigrations), 2);
  EXPECT_EQ(Columns(pool), 2);
  EXPECT_EQ(Migrate(pool, "svc", kMigrations), 0);
  EXPECT_EQ(Columns(pool), 2);
}

TEST(Migrate, TracksAreIndependent) {
  Pool pool(PoolOptions{testing::PostgresServer::Shared().CreateDatabase(), "svc", 2});
  EXPECT_EQ(Migrate(pool, "svc", kMigrations), 2);
  EXPECT_EQ(Migrate(pool, "other", {{1, "more", "CREATE TABLE more (id int)"}}), 1);
}

TEST(Migrate, TwoInstancesStartingTogether_ApplyOnce) {
  const auto url = testing::PostgresServer::Shared().CreateDatabase();
  Pool a(PoolOptions{url, "svc", 2}), b(PoolOptions{url, "svc", 2});
  int applied_a = -1, applied_b = -1;
  std::thread ta([&] { applied_a = Migrate(a, "svc", kMigrations); });
  std::thread tb([&] { applied_b = Migrate(b, "svc", kMigrations); });
  ta.join();
  tb.join();
  EXPECT_EQ(applied_a + applied_b, 2);
  EXPECT_EQ(Columns(a), 2);
}

TEST(Migrate, ChangedMigration_FailsFast) {
  Pool pool(PoolOptions{testing::PostgresServer::Shared().CreateDatabase(), "svc", 2});
  Migrate(pool, "svc", kMigrations);
  auto edited = kMigrations;
  edited[0].sql = "ALTER TABLE items ADD COLUMN note varchar(10)";
  try {
    Migrate(pool, "svc", edited);
    ADD_FAILURE() << "an edited migration must be refused";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "migration_checksum_mismatch");
  }
}

TEST(Migrate, FailingMigration_LeavesNothingBehind) {
  Pool pool(PoolOptions{testing::PostgresServer::Shared().CreateDatabase(), "svc", 2});
  const std::vector<Migration> broken = {{1, "items", "CREATE TABLE items (id int)"},
                                         {2, "bad", "ALTER TABLE nope ADD COLUMN x int"}};
  EXPECT_ANY_THROW(Migrate(pool, "svc", broken));
  EXPECT_EQ(Columns(pool), 0);
}

}  // namespace
}  // namespace livedrop::pg
