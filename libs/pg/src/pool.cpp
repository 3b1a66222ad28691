#include "livedrop/pg/pool.h"

#include <poll.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <pqxx/pqxx>
#include <random>
#include <thread>
#include <vector>

#include "livedrop/core/error.h"

namespace livedrop::pg {
namespace {

// Serialization failures and deadlocks are expected under contention; a stale connection
// (the server restarted, or the backend was terminated) is replaced and the work redone.
constexpr int kMaxAttempts = 6;

Error Unavailable(const std::string& why) {
  return Error(ErrorKind::kUnavailable, "database_unavailable", "database unavailable: " + why);
}

// The transactions Pools run on this thread, innermost last, with what to do after each
// commits (AfterCommit).
struct RunningTransaction {
  const pqxx::transaction_base* tx;
  const Pool* pool;
  std::vector<std::function<void()>> after_commit;
};
thread_local std::vector<RunningTransaction*> t_running;

class RunningScope {
 public:
  explicit RunningScope(RunningTransaction& running) { t_running.push_back(&running); }
  ~RunningScope() { t_running.pop_back(); }
  RunningScope(const RunningScope&) = delete;
  RunningScope& operator=(const RunningScope&) = delete;
};

RunningTransaction* Running(const pqxx::transaction_base& tx) {
  for (auto it = t_running.rbegin(); it != t_running.rend(); ++it) {
    if ((*it)->tx == &tx) return *it;
  }
  return nullptr;
}

void RunAfterCommit(std::vector<std::function<void()>>& fns) {
  for (auto& fn : fns) {
    try {
      fn();
    } catch (const std::exception& e) {
      spdlog::warn("after-commit action failed: {}", e.what());
    }
  }
  fns.clear();
}

Error TooMuchContention() {
  return Error(ErrorKind::kAborted, "conflict", "too much contention, try again");
}

std::chrono::milliseconds Backoff(int attempt) {
  thread_local std::minstd_rand rng(std::random_device{}());
  const int base = 2 << std::min(attempt, 8);  // 4, 8, 16, ... ms, plus up to as much jitter
  return std::chrono::milliseconds(base + static_cast<int>(rng() % static_cast<unsigned>(base)));
}

// libpq waits for an unreachable host for as long as the OS lets it; bound the connect so
// start-up and Acquire fail fast. libpq's connect_timeout is in whole seconds, at least 2.
std::string WithConnectTimeout(const std::string& url, std::chrono::milliseconds timeout) {
  if (url.find("connect_timeout") != std::string::npos) return url;
  const auto seconds = std::max<long long>(2, (timeout.count() + 999) / 1000);
  const std::string param = "connect_timeout=" + std::to_string(seconds);
  if (url.find("://") == std::string::npos) return url + " " + param;  // key=value form
  return url + (url.find('?') == std::string::npos ? "?" : "&") + param;
}

// The server said it is going away (shut down, restarted, crashed, still starting) or the
// connection failed: the connection is as good as broken and the work may be redone
// elsewhere. libpq reports some of these as an error result, not as a lost connection.
bool ServerWentAway(const pqxx::sql_error& e) {
  const std::string state = e.sqlstate();
  return state.rfind("08", 0) == 0 || state == "57P01" || state == "57P02" || state == "57P03";
}

// An idle connection never has anything to read: if its socket is readable (EOF, or the
// server's "terminating connection" notice), the server has gone away.
// SQLSTATE 57014: the server cancelled the statement (statement_timeout).
bool TimedOut(const pqxx::sql_error& e) { return e.sqlstate() == "57014"; }

bool LooksAlive(const pqxx::connection& conn) {
  const int fd = conn.sock();
  if (fd < 0) return false;
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) == 0;
}

}  // namespace

struct Pool::Impl {
  PoolOptions options;
  std::string conninfo;
  std::mutex mutex;
  std::condition_variable available;
  std::vector<std::unique_ptr<pqxx::connection>> idle;
  int open = 0;  // connections leased or idle, plus slots reserved by connects in flight

  std::unique_ptr<pqxx::connection> Connect() {
    try {
      auto conn = std::make_unique<pqxx::connection>(conninfo);
      Configure(*conn);
      return conn;
    } catch (const pqxx::broken_connection& e) {
      throw Unavailable(e.what());
    }
  }

  // set_variable (not a raw SET) so that libpqxx restores them should it ever reconnect.
  void Configure(pqxx::connection& conn) const {
    conn.set_variable("search_path", conn.quote_name(options.schema) + ", public");
    conn.set_variable("statement_timeout", std::to_string(options.statement_timeout.count()));
  }

  std::unique_ptr<pqxx::connection> Acquire() {
    std::unique_lock lock(mutex);
    const auto deadline = std::chrono::steady_clock::now() + options.acquire_timeout;
    for (;;) {
      while (!idle.empty()) {
        auto conn = std::move(idle.back());
        idle.pop_back();
        if (LooksAlive(*conn)) return conn;
        --open;  // dropped; its slot is free for a fresh connection
      }
      if (open < options.size) break;
      if (available.wait_until(lock, deadline) == std::cv_status::timeout && idle.empty() &&
          open >= options.size) {
        throw Unavailable("no free connection within " +
                          std::to_string(options.acquire_timeout.count()) + " ms");
      }
    }
    ++open;
    lock.unlock();
    try {
      return Connect();
    } catch (...) {
      Release(nullptr);
      throw;
    }
  }

  // Returns a connection to the pool, or with nullptr frees the slot of one that broke.
  void Release(std::unique_ptr<pqxx::connection> conn) {
    {
      std::lock_guard lock(mutex);
      if (conn && conn->is_open()) {
        idle.push_back(std::move(conn));
      } else {
        --open;
      }
    }
    available.notify_one();
  }

  // Leases a connection for fn; pqxx exceptions pass through, a broken connection is dropped.
  void Run(const std::function<void(pqxx::connection&)>& fn) {
    auto conn = Acquire();
    try {
      fn(*conn);
    } catch (const pqxx::broken_connection&) {
      conn.reset();
      Release(nullptr);
      throw;
    } catch (const pqxx::sql_error& e) {
      if (TimedOut(e)) {
        Release(std::move(conn));
        throw Error(ErrorKind::kUnavailable, "statement_timeout",
                    "a statement ran past " + std::to_string(options.statement_timeout.count()) +
                        " ms and was cancelled");
      }
      if (!ServerWentAway(e)) {
        Release(std::move(conn));
        throw;
      }
      conn.reset();
      Release(nullptr);
      throw pqxx::broken_connection(e.what());
    } catch (...) {
      Release(std::move(conn));
      throw;
    }
    Release(std::move(conn));
  }
};

Pool::Pool(PoolOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->options.size = std::max(impl_->options.size, 1);
  impl_->conninfo = WithConnectTimeout(impl_->options.url, impl_->options.acquire_timeout);
  // Connect now so a wrong URL or a database that is down fails at start-up, and create the
  // schema on that connection before it has the schema on its path.
  try {
    auto conn = std::make_unique<pqxx::connection>(impl_->conninfo);
    try {
      pqxx::work tx(*conn);
      // Only when missing: a service's own role (pg/roles.h) has its schema but may not create
      // schemas, and CREATE SCHEMA IF NOT EXISTS asks for that privilege first.
      if (tx.exec_params("SELECT 1 FROM pg_namespace WHERE nspname = $1", impl_->options.schema)
              .empty()) {
        tx.exec("CREATE SCHEMA IF NOT EXISTS " + tx.quote_name(impl_->options.schema));
      }
      tx.commit();
    } catch (const pqxx::unique_violation&) {
      // Another instance created it at the same moment.
    }
    impl_->Configure(*conn);
    impl_->idle.push_back(std::move(conn));
    impl_->open = 1;
  } catch (const pqxx::broken_connection& e) {
    throw Unavailable(e.what());
  } catch (const pqxx::failure& e) {
    throw Error(ErrorKind::kInternal, "database_setup_failed",
                "cannot create schema " + impl_->options.schema + ": " + e.what());
  }
}

Pool::~Pool() = default;

const PoolOptions& Pool::options() const { return impl_->options; }

void Pool::RunWithConnection(const std::function<void(pqxx::connection&)>& fn) {
  try {
    impl_->Run(fn);
  } catch (const pqxx::broken_connection& e) {
    throw Unavailable(e.what());
  }
}

void Pool::RunAutoCommit(const std::function<void(pqxx::nontransaction&)>& fn) {
  std::vector<std::function<void()>> after_commit;
  try {
    RunWithConnection([&](pqxx::connection& conn) {
      pqxx::nontransaction tx(conn);
      RunningTransaction running{&tx, this, {}};
      RunningScope scope(running);
      try {
        fn(tx);
      } catch (...) {
        after_commit = std::move(running.after_commit);
        throw;
      }
      after_commit = std::move(running.after_commit);
    });
  } catch (...) {
    RunAfterCommit(after_commit);  // the statements before the failure committed
    throw;
  }
  RunAfterCommit(after_commit);
}

void Pool::RunTransaction(const std::function<void(pqxx::work&)>& fn) {
  for (int attempt = 1;; ++attempt) {
    try {
      std::vector<std::function<void()>> after_commit;
      impl_->Run([&](pqxx::connection& conn) {
        pqxx::work tx(conn);
        RunningTransaction running{&tx, this, {}};
        RunningScope scope(running);
        fn(tx);
        tx.commit();
        after_commit = std::move(running.after_commit);
      });
      RunAfterCommit(after_commit);
      return;
    } catch (const pqxx::in_doubt_error& e) {
      // The commit may or may not have happened: redoing fn could apply it twice.
      throw Unavailable(std::string("commit outcome unknown: ") + e.what());
    } catch (const pqxx::broken_connection& e) {
      // Nothing was committed; the dead connection is gone, so the next attempt gets a new one.
      if (attempt >= kMaxAttempts) throw Unavailable(e.what());
      spdlog::debug("database connection lost, retrying: {}", e.what());
    } catch (const pqxx::serialization_failure&) {
      if (attempt >= kMaxAttempts) throw TooMuchContention();
      std::this_thread::sleep_for(Backoff(attempt));
    } catch (const pqxx::deadlock_detected&) {
      if (attempt >= kMaxAttempts) throw TooMuchContention();
      std::this_thread::sleep_for(Backoff(attempt));
    }
  }
}

bool AfterCommit(const pqxx::transaction_base& tx, std::function<void()> fn) {
  RunningTransaction* running = Running(tx);
  if (running == nullptr) return false;
  running->after_commit.push_back(std::move(fn));
  return true;
}

const Pool* PoolRunning(const pqxx::transaction_base& tx) {
  const RunningTransaction* running = Running(tx);
  return running == nullptr ? nullptr : running->pool;
}

bool Pool::Healthy() {
  try {
    Transact([&](pqxx::work& tx) {
      tx.exec("SET LOCAL statement_timeout = " +
              std::to_string(std::max<long long>(1, impl_->options.acquire_timeout.count())));
      tx.exec("SELECT 1");
    });
    return true;
  } catch (const std::exception& e) {
    spdlog::warn("database health check failed: {}", e.what());
    return false;
  }
}

}  // namespace livedrop::pg
