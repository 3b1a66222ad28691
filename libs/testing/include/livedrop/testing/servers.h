#pragma once

#include <memory>
#include <string>

namespace livedrop::testing {

class Process;

// A PostgreSQL server for a test process. If LIVEDROP_TEST_PG_URL names a running server
// (the test script starts one for the whole suite), it is used; otherwise a private one is
// initialised in a temporary directory (as the `postgres` user when running as root) with
// durability off, on a free loopback port; it is a child of the test process (it dies with
// it) and is stopped and its directory removed at exit.
class PostgresServer {
 public:
  static PostgresServer& Shared();
  // A server of the caller's own, never the suite's, so that it may be restarted.
  static std::unique_ptr<PostgresServer> Private();
  ~PostgresServer();

  // A new, empty, uniquely named database; returns its URL.
  std::string CreateDatabase();
  const std::string& AdminUrl() const { return admin_url_; }
  // Fast shutdown (open sessions are ended, as `pg_ctl restart` does), then the same server
  // again on the same port and data. Only for a Private() server.
  void Restart();

 private:
  explicit PostgresServer(bool may_share);
  void Start();
  void Shutdown();
  std::string admin_url_;
  std::string dir_;
  std::string user_;
  int port_ = 0;
  std::unique_ptr<Process> server_;
};

// A redis-server on a free loopback port, without persistence; Stop/Start keep the port.
class RedisServer {
 public:
  RedisServer();
  ~RedisServer();
  void Stop();
  void Start();
  int Port() const { return port_; }
  std::string Url() const;

 private:
  int port_;
  std::unique_ptr<Process> process_;
};

}  // namespace livedrop::testing
