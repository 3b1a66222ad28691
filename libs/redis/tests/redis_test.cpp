#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "livedrop/core/error.h"
#include "livedrop/redis/pool.h"
#include "livedrop/testing/eventually.h"
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
  server.Start();  // back at once, but the pool must not notice before the cooldown ends
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(CodeOf(pool, {"GET", "k"}), "cache_unavailable");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 50ms);  // no network during cooldown
  EXPECT_FALSE(pool.Healthy());
  testing::Idle(350ms, "past the 300 ms cooldown");
  EXPECT_EQ(pool.Command({"SET", "k", "again"}).str, "OK");
}

TEST(RedisPool, ServerRestarted_IdleConnectionsAreReplacedWithoutAnError) {
  testing::RedisServer server;
  Pool pool(RedisOptions{server.Url(), 8, 500ms, 5s});
  // Three commands at once leave three idle connections behind.
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) {
    threads.emplace_back([&] { pool.Command({"BLPOP", "nothing", "0.1"}); });
  }
  for (auto& t : threads) t.join();
  server.Stop();
  server.Start();
  // None of the dead connections may fail a command (which would start the 5 s cooldown).
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(CodeOf(pool, {"SET", "k", "v"}), "ok") << "command " << i;
  }
}

TEST(RedisPool, ServerThatNeverAnswers_TimesOutAsUnavailable) {
  // A listening socket nobody reads from: the kernel completes the handshake, no reply comes.
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(fd, 8), 0);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  Pool pool(RedisOptions{"redis://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)), 2, 150ms});
  const auto start = std::chrono::steady_clock::now();
  try {
    pool.Command({"GET", "k"});
    ADD_FAILURE() << "expected a timeout";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUnavailable);
    EXPECT_EQ(e.code(), "cache_unavailable");
  }
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, 140ms);
  EXPECT_LT(took, 1s);
  close(fd);
}

TEST(RedisPool, Command_ArraysAndStatusRepliesConvert) {
  testing::RedisServer server;
  Pool pool(RedisOptions{server.Url()});
  EXPECT_EQ(pool.Command({"RPUSH", "l", "a", "b"}).integer, 2);
  const auto list = pool.Command({"LRANGE", "l", "0", "-1"});
  ASSERT_EQ(list.type, Reply::Type::kArray);
  ASSERT_EQ(list.elements.size(), 2u);
  EXPECT_EQ(list.elements[1].str, "b");
  const auto pong = pool.Command({"PING"});
  EXPECT_EQ(pong.type, Reply::Type::kStatus);
  EXPECT_EQ(pong.str, "PONG");
}

TEST(RedisPool, DatabaseInTheUrl_IsSelected) {
  testing::RedisServer server;
  Pool db3(RedisOptions{server.Url() + "/3"});
  Pool db0(RedisOptions{server.Url()});
  db3.Command({"SET", "k", "three"});
  EXPECT_EQ(db0.Command({"GET", "k"}).type, Reply::Type::kNil);
  EXPECT_EQ(db3.Command({"GET", "k"}).str, "three");
}

TEST(RedisPool, MalformedUrl_IsRejected) { EXPECT_THROW(Pool(RedisOptions{"redis://"}), Error); }

}  // namespace
}  // namespace livedrop::redis
