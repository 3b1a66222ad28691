#include "livedrop/pg/migrations.h"

#include <gtest/gtest.h>

#include <pqxx/pqxx>
#include <thread>

#include "livedrop/core/error.h"
#include "livedrop/pg/pool.h"
#include "livedrop/testing/errors.h"
#include "livedrop/testing/servers.h"

namespace livedrop::pg {
namespace {

const std::vector<Migration> kMigrations = {
    {2, "add_column", "ALTER TABLE items ADD COLUMN note text"},
    {1, "items", "CREATE TABLE items (id int PRIMARY KEY)"},
};

int Columns(Pool& pool) {
  return pool.Transact([](pqxx::work& tx) {
    return tx
        .exec1(
            "SELECT count(*) FROM information_schema.columns "
            "WHERE table_schema = 'svc' AND table_name = 'items'")[0]
        .as<int>();
  });
}

std::vector<int> Recorded(Pool& pool) {
  return pool.Transact([](pqxx::work& tx) {
    std::vector<int> versions;
    for (const auto& row :
         tx.exec("SELECT version FROM svc.schema_migrations WHERE track = 'svc' ORDER BY 1")) {
      versions.push_back(row[0].as<int>());
    }
    return versions;
  });
}

TEST(Migrate, AppliesInVersionOrder_ThenTwiceChangesNothing) {
  Pool pool(PoolOptions{testing::PostgresServer::Shared().CreateDatabase(), "svc", 2});
  EXPECT_EQ(Migrate(pool, "svc", kMigrations), 2);
  EXPECT_EQ(Columns(pool), 2);
  EXPECT_EQ(Migrate(pool, "svc", kMigrations), 0);
  EXPECT_EQ(Columns(pool), 2);
  EXPECT_EQ(Recorded(pool), (std::vector<int>{1, 2}));
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
  EXPECT_EQ(Recorded(a), (std::vector<int>{1, 2}));
}

TEST(Migrate, ChangedMigration_FailsFast) {
  Pool pool(PoolOptions{testing::PostgresServer::Shared().CreateDatabase(), "svc", 2});
  Migrate(pool, "svc", kMigrations);
  auto edited = kMigrations;
  edited[0].sql = "ALTER TABLE items ADD COLUMN note varchar(10)";
  edited.push_back({3, "more", "CREATE TABLE more (id int)"});
  EXPECT_EQ(testing::ErrorCodeOf([&] { Migrate(pool, "svc", edited); }),
            "migration_checksum_mismatch");
  EXPECT_EQ(Recorded(pool), (std::vector<int>{1, 2}));  // 0003 was not applied either
}

TEST(Migrate, FailingMigration_KeepsTheEarlierOnes_AndIsRetriedNextTime) {
  Pool pool(PoolOptions{testing::PostgresServer::Shared().CreateDatabase(), "svc", 2});
  std::vector<Migration> list = {{1, "items", "CREATE TABLE items (id int)"},
                                 {2, "bad", "ALTER TABLE nope ADD COLUMN x int"}};
  EXPECT_ANY_THROW(Migrate(pool, "svc", list));
  EXPECT_EQ(Columns(pool), 1);  // 0001 committed in its own transaction
  EXPECT_EQ(Recorded(pool), (std::vector<int>{1}));
  list[1] = {2, "fixed", "ALTER TABLE items ADD COLUMN x int"};
  EXPECT_EQ(Migrate(pool, "svc", list), 1);
  EXPECT_EQ(Columns(pool), 2);
}

TEST(Migrate, RecordsNameAndChecksumInTheSchemasOwnTable) {
  Pool pool(PoolOptions{testing::PostgresServer::Shared().CreateDatabase(), "svc", 2});
  Migrate(pool, "svc", kMigrations);
  const auto row = pool.Transact([](pqxx::work& tx) {
    const auto r = tx.exec1(
        "SELECT name, length(checksum), applied_at IS NOT NULL FROM svc.schema_migrations "
        "WHERE track = 'svc' AND version = 2");
    return r[0].as<std::string>() + "/" + r[1].as<std::string>() + "/" + r[2].as<std::string>();
  });
  EXPECT_EQ(row, "add_column/64/t");
}

TEST(Migrate, DuplicateVersion_IsRefusedBeforeAnythingRuns) {
  Pool pool(PoolOptions{testing::PostgresServer::Shared().CreateDatabase(), "svc", 2});
  const std::vector<Migration> list = {{1, "items", "CREATE TABLE items (id int)"},
                                       {1, "again", "CREATE TABLE other (id int)"}};
  EXPECT_EQ(testing::ErrorCodeOf([&] { Migrate(pool, "svc", list); }),
            "migration_version_duplicate");
  EXPECT_EQ(Columns(pool), 0);
}

}  // namespace
}  // namespace livedrop::pg
