#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <memory>
#include <pqxx/pqxx>
#include <set>
#include <thread>

#include "livedrop/testing/eventually.h"
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
  Eventually([&] { return !p.Running(); }, 2s);
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
  Eventually([&] { return !p.Running(); }, 2s);
  EXPECT_NE(p.ReadLog().find("value=xyz"), std::string::npos);
}

TEST(Process, ExitCode_IsEmptyWhileRunningThenTheCode) {
  Process p("/bin/sh", {"-c", "sleep 0.2; exit 7"});
  EXPECT_EQ(p.ExitCode(), std::nullopt);
  Eventually([&] { return !p.Running(); }, 2s);
  EXPECT_EQ(p.ExitCode(), 7);
}

TEST(Process, Stop_SendsTheRequestedSignal) {
  Process p("/bin/sleep", {"60"});
  EXPECT_EQ(p.Stop(2s, SIGINT), -SIGINT);
}

TEST(Process, Stop_KillsAChildThatIgnoresSigterm) {
  Process p("/bin/sh", {"-c", "trap '' TERM; echo armed; while :; do sleep 0.05; done"});
  Eventually([&] { return p.ReadLog().find("armed") != std::string::npos; }, 2s);
  EXPECT_EQ(p.Stop(300ms), -SIGKILL);
}

TEST(Process, Destructor_RemovesTheLogDirectory) {
  std::string dir;
  {
    Process p("/bin/sh", {"-c", "echo x"});
    dir = std::filesystem::path(p.LogPath()).parent_path();
    EXPECT_TRUE(std::filesystem::exists(dir));
  }
  EXPECT_FALSE(std::filesystem::exists(dir));
}

TEST(Process, StartedFromAThreadThatEnds_KeepsRunning) {
  std::unique_ptr<Process> p;
  std::thread([&] {
    p = std::make_unique<Process>("/bin/sh", std::vector<std::string>{"-c", "echo up; sleep 60"});
    // Let the child arm its parent-death signal before this thread ends.
    Eventually([&] { return !p->ReadLog().empty(); }, 1s, 10ms);
  }).join();
  Idle(100ms, "a child that died with its starting thread would be gone by now");
  EXPECT_TRUE(p->Running());
  EXPECT_EQ(p->Stop(2s), -SIGTERM);
}

TEST(Process, RunAsUser_DropsRootPrivileges) {
  if (geteuid() != 0) GTEST_SKIP() << "only root can switch users";
  Process p("/usr/bin/id", {"-un"}, {}, "postgres");
  Eventually([&] { return !p.Running(); }, 2s);
  EXPECT_EQ(p.ReadLog(), "postgres\n");
}

TEST(Process, MissingBinary_ExitsWith127) {
  Process p("/nonexistent/binary", {});
  Eventually([&] { return !p.Running(); }, 2s);
  EXPECT_EQ(p.ExitCode(), 127);
  EXPECT_NE(p.ReadLog().find("exec /nonexistent/binary failed"), std::string::npos);
}

// Answers every connection with `status` until stopped; for the HTTP helpers.
class TinyHttpServer {
 public:
  explicit TinyHttpServer(int status) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    listen(fd_, 8);
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this, status] {
      for (;;) {
        const int c = accept(fd_, nullptr, nullptr);
        if (c < 0) return;
        char buf[1024];
        recv(c, buf, sizeof buf, 0);
        const std::string answer = "HTTP/1.1 " + std::to_string(status) +
                                   " X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        send(c, answer.data(), answer.size(), MSG_NOSIGNAL);
        close(c);
      }
    });
  }
  ~TinyHttpServer() {
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
  }
  int port() const { return port_; }

 private:
  int fd_;
  int port_ = 0;
  std::thread thread_;
};

TEST(Http, WaitForHttpOk_TrueOnlyFor200) {
  TinyHttpServer ok(200), unavailable(503);
  EXPECT_EQ(HttpGetStatus(ok.port(), "/readyz"), 200);
  EXPECT_TRUE(WaitForHttpOk(ok.port(), "/readyz", 1s));
  EXPECT_EQ(HttpGetStatus(unavailable.port(), "/readyz"), 503);
  EXPECT_FALSE(WaitForHttpOk(unavailable.port(), "/readyz", 200ms));
  EXPECT_EQ(HttpGetStatus(FreePort(), "/"), 0);
}

TEST(BinPath, UsesLivedropBinDir) {
  const char* before = std::getenv("LIVEDROP_BIN_DIR");
  const std::string saved = before != nullptr ? before : "";
  setenv("LIVEDROP_BIN_DIR", "/opt/ld/bin", 1);
  EXPECT_EQ(BinPath("livedrop-auth"), "/opt/ld/bin/livedrop-auth");
  if (before != nullptr) {
    setenv("LIVEDROP_BIN_DIR", saved.c_str(), 1);
  } else {
    unsetenv("LIVEDROP_BIN_DIR");
  }
}

TEST(FreePort, IsBindableAndWaitForTcpSeesNothingThere) {
  const int port = FreePort();
  EXPECT_GT(port, 0);
  EXPECT_FALSE(WaitForTcp(port, 100ms));
}

TEST(FreePort, NeverTwiceAndNeverInTheEphemeralRange) {
  std::set<int> seen;
  for (int i = 0; i < 200; ++i) {
    const int port = FreePort();
    EXPECT_TRUE(seen.insert(port).second) << port << " handed out twice";
    EXPECT_LT(port, 32768);  // outgoing connections and bind(0) take ports from 32768 up
  }
}

}  // namespace
}  // namespace livedrop::testing
