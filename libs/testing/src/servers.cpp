#include "livedrop/testing/servers.h"

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <pqxx/pqxx>
#include <stdexcept>
#include <thread>
#include <vector>

#include "livedrop/core/ids.h"
#include "livedrop/testing/process.h"

namespace livedrop::testing {
namespace {

using namespace std::chrono_literals;

constexpr char kPgBin[] = "/usr/lib/postgresql/15/bin/";

// Runs a command to completion (as `user` when given and we are root); throws on failure.
void Run(const std::string& command, const std::string& user = "") {
  const std::string full =
      user.empty() ? command
                   : "setpriv --reuid=" + user + " --regid=" + user + " --init-groups " + command;
  if (std::system((full + " >/dev/null 2>&1").c_str()) != 0) {
    throw std::runtime_error("command failed: " + full);
  }
}

std::string WithDatabase(const std::string& url, const std::string& db) {
  const auto scheme = url.find("://");
  const auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  const auto query = url.find('?');
  std::string out = slash == std::string::npos ? url + "/" : url.substr(0, slash + 1);
  out += db;
  if (query != std::string::npos) out += url.substr(query);
  return out;
}

}  // namespace

PostgresServer& PostgresServer::Shared() {
  static PostgresServer server(true);
  return server;
}

std::unique_ptr<PostgresServer> PostgresServer::Private() {
  return std::unique_ptr<PostgresServer>(new PostgresServer(false));
}

PostgresServer::PostgresServer(bool may_share) {
  if (const char* url = std::getenv("LIVEDROP_TEST_PG_URL");
      may_share && url != nullptr && *url != '\0') {
    admin_url_ = url;
    return;
  }
  char tmpl[] = "/tmp/livedrop-pg.XXXXXX";
  if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  user_ = geteuid() == 0 ? "postgres" : "";  // PostgreSQL refuses to run as root
  if (!user_.empty()) Run("chown postgres " + dir_);
  Run(std::string(kPgBin) + "initdb -D " + dir_ + "/data -A trust -U livedrop -E UTF8", user_);
  port_ = FreePort();
  admin_url_ = "postgresql://livedrop@127.0.0.1:" + std::to_string(port_) + "/postgres";
  Start();
}

void PostgresServer::Start() {
  // postgres itself (not pg_ctl, which daemonizes) so that it dies with the test process.
  server_ = std::make_unique<Process>(
      std::string(kPgBin) + "postgres",
      std::vector<std::string>{"-D", dir_ + "/data", "-p", std::to_string(port_), "-k", dir_, "-c",
                               "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c",
                               "synchronous_commit=off", "-c", "full_page_writes=off", "-c",
                               "max_connections=300"},
      std::map<std::string, std::string>{}, user_);
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  for (;;) {
    try {
      pqxx::connection probe(admin_url_);
      break;
    } catch (const pqxx::broken_connection&) {
      // Not listening yet, or "the database system is starting up".
    }
    if (!server_->Running() || std::chrono::steady_clock::now() > deadline) {
      const std::string log = server_->ReadLog();
      Shutdown();
      throw std::runtime_error("postgres did not start:\n" + log);
    }
    std::this_thread::sleep_for(50ms);
  }
}

PostgresServer::~PostgresServer() { Shutdown(); }

void PostgresServer::Restart() {
  if (!server_) throw std::logic_error("only a private PostgreSQL server can be restarted");
  server_->Stop(10s, SIGINT);
  server_.reset();
  Start();
}

void PostgresServer::Shutdown() {
  if (server_) server_->Stop(10s, SIGINT);  // fast shutdown: ends open sessions
  server_.reset();
  if (dir_.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
  dir_.clear();
}

std::string PostgresServer::CreateDatabase() {
  static std::atomic<int> counter{0};
  std::string name = "t_" + NewUuid().substr(0, 8) + "_" + std::to_string(getpid()) + "_" +
                     std::to_string(counter++);
  pqxx::connection conn(admin_url_);
  pqxx::nontransaction tx(conn);
  tx.exec("CREATE DATABASE " + tx.quote_name(name));
  return WithDatabase(admin_url_, name);
}

RedisServer::RedisServer() : port_(FreePort()) { Start(); }

RedisServer::~RedisServer() { Stop(); }

void RedisServer::Start() {
  process_ = std::make_unique<Process>(
      "/usr/bin/redis-server",
      std::vector<std::string>{"--port", std::to_string(port_), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no"});
  if (!WaitForTcp(port_, 10s)) {
    throw std::runtime_error("redis-server did not start:\n" + process_->ReadLog());
  }
}

void RedisServer::Stop() {
  if (process_) process_->Stop(5s);
  process_.reset();
}

std::string RedisServer::Url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

}  // namespace livedrop::testing
