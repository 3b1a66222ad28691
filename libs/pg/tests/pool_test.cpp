#include <gtest/gtest.h>

#include <pqxx/pqxx>
#include <thread>

#include "livedrop/core/error.h"
#include "livedrop/pg/pool.h"
#include "livedrop/testing/servers.h"

namespace livedrop::pg {
namespace {

using namespace std::chrono_literals;

PoolOptions Options(int size = 4) {
  return PoolOptions{testing::PostgresServer::Shared().CreateDatabase(), "svc", size, 300ms};
}

TEST(Pool, Transact_CommitsAndSearchPathIsTheSchema) {
  Pool pool(Options());
  pool.Transact([](pqxx::work& tx) { tx.exec("CREATE TABLE t (v int)"); });
  pool.Transact([](pqxx::work& tx) { tx.exec("INSERT INTO t VALUES (1)"); });
  const auto where = pool.Transact([](pqxx::work& tx) {
    return tx.exec1("SELECT table_schema FROM information_schema.tables WHERE table_name = 't'")[0]
        .as<std::string>();
  });
  EXPECT_EQ(where, "svc");
  EXPECT_EQ(pool.Transact([](pqxx::work& tx) { return tx.exec1("SELECT count(*) FROM t")[0].as<int>(); }), 1);
}

TEST(Pool, Transact_RollsBackWhenFnThrows) {
  Pool pool(Options());
  pool.Transact([](pqxx::work& tx) { tx.exec("CREATE TABLE t (v int)"); });
  EXPECT_THROW(pool.Transact([](pqxx::work& tx) {
    tx.exec("INSERT INTO t VALUES (1)");
    throw std::runtime_error("business rule says no");
  }),
               std::runtime_error);
  EXPECT_EQ(pool.Transact([](pqxx::work& tx) { return tx.exec1("SELECT count(*) FROM t")[0].as<int>(); }), 0);
}

TEST(Pool, Transact_RetriesSerializationFailures) {
  Pool pool(Options());
  pool.Transact([](pqxx::work& tx) {
    tx.exec("CREATE TABLE counter (n int)");
    tx.exec("INSERT INTO counter VALUES (0)");
  });
  std::atomic<int> attempts{0};
  auto bump = [&] {
    for (int i = 0; i < 20; ++i) {
      pool.Transact([&](pqxx::work& tx) {
        attempts++;
        tx.exec("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE");
        const int n = tx.exec1("SELECT n FROM counter")[0].as<int>();
        tx.exec_params("UPDATE counter SET n = $1", n + 1);
      });
    }
  };
  std::thread a(bump), b(bump);
  a.join();
  b.join();
  EXPECT_EQ(pool.Transact([](pqxx::work& tx) { return tx.exec1("SELECT n FROM counter")[0].as<int>(); }), 40);
  EXPECT_GE(attempts.load(), 40);
}

TEST(Pool, AcquireTimeout_ThrowsUnavailable) {
  Pool pool(Options(1));
  std::atomic<bool> holding{false}, release{false};
  std::thread holder([&] {
    pool.WithConnection([&](pqxx::connection&) {
      holding = true;
      while (!release) std::this_thread::sleep_for(5ms);
    });
  });
  while (!holding) std::this_thread::sleep_for(5ms);
  try {
    pool.Transact([](pqxx::work&) {});
    ADD_FAILURE() << "expected the pool to be exhausted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUnavailable);
    EXPECT_EQ(e.code(), "database_unavailable");
  }
  release = true;
  holder.join();
  EXPECT_TRUE(pool.Healthy());
}

TEST(Pool, UnreachableDatabase_FailsFastWithUnavailable) {
  try {
    Pool pool(PoolOptions{"postgresql://nobody@127.0.0.1:1/none", "svc", 1, 100ms});
    ADD_FAILURE() << "expected a connection failure";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUnavailable);
  }
}

}  // namespace
}  // namespace livedrop::pg
