#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "livedrop/core/error.h"
#include "livedrop/redis/pool.h"
#include "livedrop/testing/servers.h"

namespace livedrop::redis {
namespace {

using namespace std::chrono_literals;

std::string CodeOf(Pool& pool, const std::vector<std::string>& args) {
  try {
    pool.Command(args);
  } catch (const Error& e) {
    return e.code();
  }
  return "ok";
}

TEST(RedisPool, Command_RoundTripsStringsIntegersAndNil) {
  testing::RedisServer server;
  Pool pool(RedisOptions{server.Url()});
  EXPECT_EQ(pool.Command({"SET", "k", std::string("bin\0ary", 7)}).str, "OK");
  EXPECT_EQ(pool.Command({"GET", "k"}).str, std::string("bin\0ary", 7));
  EXPECT_EQ(pool.Command({"INCR", "n"}).integer, 1);
  EXPECT_EQ(pool.Command({"GET", "missing"}).type, Reply::Type::kNil);
  EXPECT_TRUE(pool.Healthy());
}

TEST(RedisPool, ErrorReply_IsCacheError) {
  testing::RedisServer server;
  Pool pool(RedisOptions{server.Url()});
  pool.Command({"SET", "k", "v"});
  EXPECT_EQ(CodeOf(pool, {"INCR", "k"}), "cache_error");
  EXPECT_EQ(pool.Command({"GET", "k"}).str, "v");  // the connection is still usable
}

TEST(RedisPool, ServerDown_FailsFastDuringCooldownThenRecovers) {
  testing::RedisServer server;
  Pool pool(RedisOptions{server.Url(), 4, 200ms, 300ms});
  pool.Command({"SET", "k", "v"});
  server.Stop();
  EXPECT_EQ(CodeOf(pool, {"GET", "k"}), "cache_unavailable");
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(CodeOf(pool, {"GET", "k"}), "cache_unavailable");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 50ms);  // no network during cooldown
  EXPECT_FALSE(pool.Healthy());
  server.Start();
  std::this_thread::sleep_for(350ms);
  EXPECT_EQ(pool.Command({"SET", "k", "again"}).str, "OK");
}

TEST(RedisPool, MalformedUrl_IsRejected) {
  EXPECT_THROW(Pool(RedisOptions{"redis://"}), Error);
}

}  // namespace
}  // namespace livedrop::redis
