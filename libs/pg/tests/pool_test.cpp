#include "livedrop/pg/pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <latch>
#include <pqxx/pqxx>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "livedrop/core/error.h"
#include "livedrop/testing/eventually.h"
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
  EXPECT_EQ(
      pool.Transact([](pqxx::work& tx) { return tx.exec1("SELECT count(*) FROM t")[0].as<int>(); }),
      1);
}

TEST(Pool, Transact_RollsBackWhenFnThrows) {
  Pool pool(Options());
  pool.Transact([](pqxx::work& tx) { tx.exec("CREATE TABLE t (v int)"); });
  EXPECT_THROW(pool.Transact([](pqxx::work& tx) {
    tx.exec("INSERT INTO t VALUES (1)");
    throw std::runtime_error("business rule says no");
  }),
               std::runtime_error);
  EXPECT_EQ(
      pool.Transact([](pqxx::work& tx) { return tx.exec1("SELECT count(*) FROM t")[0].as<int>(); }),
      0);
}

TEST(Pool, AutoCommit_EachStatementStandsAlone) {
  Pool pool(Options());
  pool.Transact([](pqxx::work& tx) { tx.exec("CREATE TABLE t (v int PRIMARY KEY)"); });
  // The first statement stays committed although the second fails: no transaction around them.
  EXPECT_THROW(pool.AutoCommit([](pqxx::nontransaction& tx) {
    tx.exec("INSERT INTO t VALUES (1)");
    tx.exec("INSERT INTO t VALUES (1)");
  }),
               pqxx::unique_violation);
  EXPECT_EQ(pool.AutoCommit([](pqxx::nontransaction& tx) {
    return tx.exec1("SELECT count(*) FROM t")[0].as<int>();
  }),
            1);
}

// Two transactions that both read the counter before either writes, serializable: one of them
// must fail to serialize, and only the retry of its whole fn (which then reads 1) gets the
// counter to 2. `each_attempt` runs at the start of every attempt. Returns the attempts made.
int BumpTwiceInConflict(Pool& pool, const std::function<void(pqxx::work&)>& each_attempt) {
  pool.Transact([](pqxx::work& tx) {
    tx.exec("CREATE TABLE counter (n int)");
    tx.exec("INSERT INTO counter VALUES (0)");
  });
  std::atomic<int> attempts{0};
  std::latch both_read(2);
  auto bump = [&] {
    bool first = true;
    pool.Transact([&](pqxx::work& tx) {
      attempts++;
      each_attempt(tx);
      tx.exec("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE");
      const int n = tx.exec1("SELECT n FROM counter")[0].as<int>();
      if (std::exchange(first, false)) both_read.arrive_and_wait();
      tx.exec_params("UPDATE counter SET n = $1", n + 1);
    });
  };
  std::thread a(bump), b(bump);
  a.join();
  b.join();
  EXPECT_EQ(
      pool.Transact([](pqxx::work& tx) { return tx.exec1("SELECT n FROM counter")[0].as<int>(); }),
      2);
  return attempts.load();
}

TEST(Pool, Transact_RetriesSerializationFailures) {
  Pool pool(Options());
  EXPECT_EQ(BumpTwiceInConflict(pool, [](pqxx::work&) {}), 3);
}

// What a callback registered with AfterCommit sees: whether another connection already
// finds the row the transaction wrote.
int CountFromOutside(const std::string& url) {
  pqxx::connection other(url);
  pqxx::nontransaction q(other);
  return q.exec1("SELECT count(*) FROM svc.t")[0].as<int>();
}

TEST(Pool, AfterCommit_RunsOnceTheTransactionCommitted_NeverForOneRolledBack) {
  const PoolOptions options = Options();
  Pool pool(options);
  pool.Transact([](pqxx::work& tx) { tx.exec("CREATE TABLE t (v int)"); });
  std::vector<int> seen;
  pool.Transact([&](pqxx::work& tx) {
    EXPECT_EQ(PoolRunning(tx), &pool);
    tx.exec("INSERT INTO t VALUES (1)");
    EXPECT_TRUE(AfterCommit(tx, [&] { seen.push_back(CountFromOutside(options.url)); }));
    EXPECT_TRUE(seen.empty()) << "ran before the commit";
  });
  EXPECT_EQ(seen, std::vector<int>{1});  // ran once, and the write was visible to others

  EXPECT_THROW(pool.Transact([&](pqxx::work& tx) {
    tx.exec("INSERT INTO t VALUES (2)");
    AfterCommit(tx, [&] { seen.push_back(-1); });
    throw std::runtime_error("rolled back");
  }),
               std::runtime_error);
  EXPECT_EQ(seen, std::vector<int>{1});
}

TEST(Pool, AfterCommit_NotForAnAttemptThatIsRetried) {
  Pool pool(Options());
  std::atomic<int> ran{0};
  const int attempts =
      BumpTwiceInConflict(pool, [&](pqxx::work& tx) { AfterCommit(tx, [&] { ran++; }); });
  EXPECT_EQ(attempts, 3);    // one attempt failed to serialize and was run again
  EXPECT_EQ(ran.load(), 2);  // once per committed transaction
}

TEST(Pool, AfterCommit_AutoCommit_RunsAfterFn_EvenWhenALaterStatementFailed) {
  const PoolOptions options = Options();
  Pool pool(options);
  pool.Transact([](pqxx::work& tx) { tx.exec("CREATE TABLE t (v int PRIMARY KEY)"); });
  std::vector<int> seen;
  EXPECT_THROW(pool.AutoCommit([&](pqxx::nontransaction& tx) {
    tx.exec("INSERT INTO t VALUES (1)");  // committed on its own
    AfterCommit(tx, [&] { seen.push_back(CountFromOutside(options.url)); });
    tx.exec("INSERT INTO t VALUES (1)");
  }),
               pqxx::unique_violation);
  EXPECT_EQ(seen, std::vector<int>{1});
}

TEST(Pool, AfterCommit_ATransactionNoPoolRuns_RegistersNothing) {
  Pool pool(Options());
  bool ran = false;
  pool.WithConnection([&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    EXPECT_EQ(PoolRunning(tx), nullptr);
    EXPECT_FALSE(AfterCommit(tx, [&] { ran = true; }));
    tx.commit();
  });
  EXPECT_FALSE(ran);
}

TEST(Pool, AcquireTimeout_ThrowsUnavailable) {
  Pool pool(Options(1));
  std::atomic<bool> holding{false}, release{false};
  std::thread holder([&] {
    pool.WithConnection([&](pqxx::connection&) {
      holding = true;
      testing::Eventually([&] { return release.load(); }, 60s, 5ms);
    });
  });
  EXPECT_TRUE(testing::Eventually([&] { return holding.load(); }, 10s, 5ms));
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

int BackendPid(Pool& pool) {
  return pool.Transact(
      [](pqxx::work& tx) { return tx.exec1("SELECT pg_backend_pid()")[0].as<int>(); });
}

void TerminateBackend(const std::string& url, int pid) {
  pqxx::connection admin(url);
  pqxx::nontransaction tx(admin);
  tx.exec_params("SELECT pg_terminate_backend($1)", pid);
  // pg_terminate_backend only signals the backend; the tests need it gone.
  EXPECT_TRUE(testing::Eventually(
      [&] {
        return tx.exec_params1("SELECT count(*) FROM pg_stat_activity WHERE pid = $1", pid)[0]
                   .as<int>() == 0;
      },
      5s, 5ms));
}

TEST(Pool, KilledBackend_IsReplacedWithTheSchemaStillOnThePath) {
  const auto options = Options(1);
  Pool pool(options);
  pool.Transact([](pqxx::work& tx) { tx.exec("CREATE TABLE t (v int)"); });
  const int before = BackendPid(pool);
  TerminateBackend(options.url, before);
  const auto schema = pool.Transact([](pqxx::work& tx) {
    tx.exec("SELECT count(*) FROM t");
    return tx.exec1("SELECT current_schema()")[0].as<std::string>();
  });
  EXPECT_EQ(schema, "svc");
  EXPECT_NE(BackendPid(pool), before);
}

TEST(Pool, KilledBackend_DoesNotFailTheHealthCheck) {
  const auto options = Options(1);
  Pool pool(options);
  TerminateBackend(options.url, BackendPid(pool));
  EXPECT_TRUE(pool.Healthy());
}

TEST(Pool, WithConnection_ReturnsFnResultOnALeasedConnection) {
  Pool pool(Options(1));
  const auto path = pool.WithConnection([](pqxx::connection& conn) {
    pqxx::nontransaction tx(conn);
    return tx.exec1("SHOW search_path")[0].as<std::string>();
  });
  EXPECT_EQ(path, "svc, public");
}

TEST(Pool, Constructor_CreatesTheSchemaOnce_EvenForTwoPools) {
  const auto options = Options(1);
  Pool a(options), b(options);
  const int schemas = a.Transact([](pqxx::work& tx) {
    return tx.exec1("SELECT count(*) FROM pg_namespace WHERE nspname = 'svc'")[0].as<int>();
  });
  EXPECT_EQ(schemas, 1);
}

TEST(Pool, UnreachableDatabase_FailsFastWithUnavailable) {
  try {
    Pool pool(PoolOptions{"postgresql://nobody@127.0.0.1:1/none", "svc", 1, 100ms});
    ADD_FAILURE() << "expected a connection failure";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUnavailable);
  }
}

TEST(Pool, StatementPastTheTimeout_IsCancelledAsStatementTimeout_AndTheConnectionStaysUsable) {
  auto options = Options(1);
  options.statement_timeout = 200ms;
  Pool pool(options);
  try {
    pool.Transact([](pqxx::work& tx) { tx.exec("SELECT pg_sleep(5)"); });
    FAIL() << "a 5 s statement ran past a 200 ms timeout";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUnavailable);
    EXPECT_EQ(e.code(), "statement_timeout");
  }
  // The only connection went back to the pool and answers.
  EXPECT_EQ(pool.Transact([](pqxx::work& tx) { return tx.exec1("SELECT 1")[0].as<int>(); }), 1);
  const auto setting = pool.Transact(
      [](pqxx::work& tx) { return tx.exec1("SHOW statement_timeout")[0].as<std::string>(); });
  EXPECT_EQ(setting, "200ms");
  options.statement_timeout = 0ms;
  Pool unlimited(options);
  EXPECT_EQ(unlimited.Transact([](pqxx::work& tx) {
    return tx.exec1("SHOW statement_timeout")[0].as<std::string>();
  }),
            "0");
}

}  // namespace
}  // namespace livedrop::pg
