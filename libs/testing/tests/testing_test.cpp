#include <gtest/gtest.h>

#include <pqxx/pqxx>
#include <csignal>
#include <thread>

#include "livedrop/testing/process.h"
#include "livedrop/testing/servers.h"

namespace livedrop::testing {
namespace {

using namespace std::chrono_literals;

TEST(PostgresServer, CreateDatabase_GivesAFreshQueryableDatabase) {
  const auto a = PostgresServer::Shared().CreateDatabase();
  const auto b = PostgresServer::Shared().CreateDatabase();
  EXPECT_NE(a, b);
  pqxx::connection conn(a);
  pqxx::work tx(conn);
  EXPECT_EQ(tx.exec1("SELECT 40 + 2")[0].as<int>(), 42);
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")[0].as<int>(), 0);
}

TEST(RedisServer, AnswersAndRestartsOnTheSamePort) {
  RedisServer redis;
  EXPECT_TRUE(WaitForTcp(redis.Port(), 1s));
  redis.Stop();
  EXPECT_FALSE(WaitForTcp(redis.Port(), 200ms));
  redis.Start();
  EXPECT_TRUE(WaitForTcp(redis.Port(), 1s));
}

TEST(Process, CapturesOutputAndReportsExitCode) {
  Process p("/bin/sh", {"-c", "echo hello-from-child; exit 3"});
  for (int i = 0; i < 100 && p.Running(); ++i) std::this_thread::sleep_for(20ms);
  EXPECT_FALSE(p.Running());
  EXPECT_EQ(p.Stop(), 3);
  EXPECT_NE(p.ReadLog().find("hello-from-child"), std::string::npos);
}

TEST(Process, Stop_TerminatesALongRunningChild) {
  Process p("/bin/sleep", {"60"});
  EXPECT_TRUE(p.Running());
  EXPECT_EQ(p.Stop(2s), -SIGTERM);
  EXPECT_FALSE(p.Running());
}

TEST(Process, ExtraEnvironmentReachesTheChild) {
  Process p("/bin/sh", {"-c", "echo value=$LIVEDROP_PROBE"}, {{"LIVEDROP_PROBE", "xyz"}});
  for (int i = 0; i < 100 && p.Running(); ++i) std::this_thread::sleep_for(20ms);
  EXPECT_NE(p.ReadLog().find("value=xyz"), std::string::npos);
}

TEST(FreePort, IsBindableAndWaitForTcpSeesNothingThere) {
  const int port = FreePort();
  EXPECT_GT(port, 0);
  EXPECT_FALSE(WaitForTcp(port, 100ms));
}

}  // namespace
}  // namespace livedrop::testing
