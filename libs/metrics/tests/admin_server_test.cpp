#include "livedrop/metrics/admin_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>

#include "livedrop/core/error.h"
#include "livedrop/metrics/registry.h"

namespace livedrop::metrics {
namespace {

struct HttpResult {
  int status = 0;
  std::string head;
  std::string body;
};

// One GET over a fresh loopback connection with "Connection: close": read to EOF.
HttpResult Get(int port, const std::string& path) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval timeout{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  HttpResult result;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    const std::string request =
        "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if (write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size())) {
      std::string raw;
      char buf[4096];
      for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) raw.append(buf, static_cast<size_t>(n));
      const auto split = raw.find("\r\n\r\n");
      if (raw.rfind("HTTP/1.1 ", 0) == 0 && split != std::string::npos) {
        result.status = std::stoi(raw.substr(9, 3));
        result.head = raw.substr(0, split);
        result.body = raw.substr(split + 4);
      }
    }
  }
  close(fd);
  return result;
}

TEST(AdminServer, Healthz_Is200WhileRunning) {
  AdminServer admin("127.0.0.1", 0, [] { return false; });
  admin.Start();
  const auto r = Get(admin.port(), "/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "ok\n");
}

TEST(AdminServer, Readyz_FlipsFrom503To200WhenReady) {
  std::atomic<bool> ready{false};
  AdminServer admin("127.0.0.1:0", [&] { return ready.load(); });
  admin.Start();
  const auto before = Get(admin.port(), "/readyz");
  EXPECT_EQ(before.status, 503);
  EXPECT_NE(before.body.find("\"code\":\"not_ready\""), std::string::npos) << before.body;
  ready = true;
  EXPECT_EQ(Get(admin.port(), "/readyz").status, 200);
  ready = false;
  EXPECT_EQ(Get(admin.port(), "/readyz").status, 503);
}

TEST(AdminServer, ReadinessCheckThatThrows_IsNotReady) {
  AdminServer admin("127.0.0.1", 0, []() -> bool { throw std::runtime_error("db down"); });
  admin.Start();
  EXPECT_EQ(Get(admin.port(), "/readyz").status, 503);
}

TEST(AdminServer, Metrics_ServesTheDefaultRegistryAsPrometheusText) {
  Registry::Default().GetGauge("admin_test_value", "Test gauge.").Set(42);
  AdminServer admin("127.0.0.1", 0, [] { return true; });
  admin.Start();
  const auto r = Get(admin.port(), "/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.head.find("Content-Type: text/plain; version=0.0.4"), std::string::npos) << r.head;
  EXPECT_NE(r.body.find("# TYPE admin_test_value gauge\nadmin_test_value 42\n"), std::string::npos);
  EXPECT_NE(r.body.find("\nprocess_resident_memory_bytes "), std::string::npos);
  EXPECT_NE(r.body.find("\nprocess_open_fds "), std::string::npos);
}

TEST(AdminServer, UnknownPath_Is404) {
  AdminServer admin("127.0.0.1", 0, [] { return true; });
  admin.Start();
  EXPECT_EQ(Get(admin.port(), "/nope").status, 404);
}

TEST(AdminServer, Stop_ClosesThePort) {
  AdminServer admin("127.0.0.1", 0, [] { return true; });
  admin.Start();
  const int port = admin.port();
  admin.Stop();
  EXPECT_EQ(Get(port, "/healthz").status, 0);
  admin.Stop();  // idempotent
}

TEST(AdminServer, MalformedListenAddress_IsRefused) {
  EXPECT_THROW(AdminServer("localhost", [] { return true; }), Error);
  EXPECT_THROW(AdminServer("127.0.0.1:http", [] { return true; }), Error);
  EXPECT_THROW(AdminServer("127.0.0.1:70000", [] { return true; }), Error);
}

}  // namespace
}  // namespace livedrop::metrics
