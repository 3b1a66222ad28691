#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include "livedrop/pg/migrations.h"
#include "livedrop/pg/pool.h"
#include "livedrop/testing/servers.h"
#include "pg_test_migrations.h"

namespace livedrop::pg {
namespace {

TEST(EmbedMigrations, GeneratesOneEntryPerFileInVersionOrder) {
  const auto& list = test::Migrations();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].version, 1);
  EXPECT_EQ(list[0].name, "create_notes");
  EXPECT_EQ(list[1].version, 2);
  EXPECT_EQ(list[1].name, "add_note_function");
  EXPECT_NE(list[0].sql.find(R"x('it''s "quoted" \n )" ok')x"), std::string::npos);
  EXPECT_NE(list[1].sql.find("café ünïcode"), std::string::npos);
}

TEST(EmbedMigrations, EmbeddedSqlAppliesVerbatim) {
  Pool pool(PoolOptions{testing::PostgresServer::Shared().CreateDatabase(), "embedded", 1});
  EXPECT_EQ(Migrate(pool, "embedded", test::Migrations()), 2);
  const auto body = pool.Transact([](pqxx::work& tx) {
    tx.exec("INSERT INTO notes (id) VALUES (1)");
    EXPECT_EQ(tx.exec1("SELECT note_count()")[0].as<int>(), 1);
    return tx.exec1("SELECT body FROM notes")[0].as<std::string>();
  });
  EXPECT_EQ(body, R"x(it's "quoted" \n )" ok)x");
}

}  // namespace
}  // namespace livedrop::pg
