#include "livedrop/pg/pool.h"

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <mutex>
#include <pqxx/pqxx>
#include <random>
#include <thread>
#include <vector>

#include "livedrop/core/error.h"

namespace livedrop::pg {
namespace {

constexpr int kMaxAttempts = 6;

Error Unavailable(const std::string& why) {
  return Error(ErrorKind::kUnavailable, "database_unavailable", "database unavailable: " + why);
}

std::chrono::milliseconds Backoff(int attempt) {
  thread_local std::minstd_rand rng(std::random_device{}());
  const int base = 2 << attempt;  // 4, 8, 16, ... ms
  return std::chrono::milliseconds(base + static_cast<int>(rng() % static_cast<unsigned>(base)));
}

}  // namespace

struct Pool::Impl {
  PoolOptions options;
  std::mutex mutex;
  std::condition_variable available;
  std::vector<std::unique_ptr<pqxx::connection>> idle;
  int open = 0;

  std::unique_ptr<pqxx::connection> Connect() {
    try {
      auto conn = std::make_unique<pqxx::connection>(options.url);
      pqxx::nontransaction setup(*conn);
      setup.exec("SET search_path TO " + setup.quote_name(options.schema) + ", public");
      setup.commit();
      return conn;
    } catch (const pqxx::broken_connection& e) {
      throw Unavailable(e.what());
    }
  }

  std::unique_ptr<pqxx::connection> Acquire() {
    std::unique_lock lock(mutex);
    const auto deadline = std::chrono::steady_clock::now() + options.acquire_timeout;
    while (idle.empty() && open >= options.size) {
      if (available.wait_until(lock, deadline) == std::cv_status::timeout && idle.empty() &&
          open >= options.size) {
        throw Unavailable("no free connection within " +
                          std::to_string(options.acquire_timeout.count()) + " ms");
      }
    }
    if (!idle.empty()) {
      auto conn = std::move(idle.back());
      idle.pop_back();
      return conn;
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

  // Returns a connection (or, with nullptr, the slot of one that broke).
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
};

Pool::Pool(PoolOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  if (impl_->options.size < 1) impl_->options.size = 1;
  // Create the schema first, on a connection without it on the path.
  try {
    pqxx::connection conn(impl_->options.url);
    pqxx::work tx(conn);
    tx.exec("CREATE SCHEMA IF NOT EXISTS " + tx.quote_name(impl_->options.schema));
    tx.commit();
  } catch (const pqxx::unique_violation&) {
    // Another instance created it at the same moment.
  } catch (const pqxx::broken_connection& e) {
    throw Unavailable(e.what());
  }
}

Pool::~Pool() = default;

const PoolOptions& Pool::options() const { return impl_->options; }

void Pool::RunWithConnection(const std::function<void(pqxx::connection&)>& fn) {
  auto conn = impl_->Acquire();
  try {
    fn(*conn);
  } catch (const pqxx::broken_connection& e) {
    impl_->Release(nullptr);
    throw Unavailable(e.what());
  } catch (...) {
    impl_->Release(std::move(conn));
    throw;
  }
  impl_->Release(std::move(conn));
}

void Pool::RunTransaction(const std::function<void(pqxx::work&)>& fn) {
  for (int attempt = 1;; ++attempt) {
    try {
      RunWithConnection([&](pqxx::connection& conn) {
        pqxx::work tx(conn);
        fn(tx);
        tx.commit();
      });
      return;
    } catch (const pqxx::serialization_failure& e) {
      if (attempt >= kMaxAttempts) throw Error(ErrorKind::kAborted, "conflict", "too much contention, try again");
      std::this_thread::sleep_for(Backoff(attempt));
    } catch (const pqxx::deadlock_detected& e) {
      if (attempt >= kMaxAttempts) throw Error(ErrorKind::kAborted, "conflict", "too much contention, try again");
      std::this_thread::sleep_for(Backoff(attempt));
    } catch (const pqxx::in_doubt_error& e) {
      throw Unavailable(std::string("commit outcome unknown: ") + e.what());
    }
  }
}

bool Pool::Healthy() {
  try {
    WithConnection([](pqxx::connection& conn) {
      pqxx::nontransaction tx(conn);
      tx.exec("SELECT 1");
    });
    return true;
  } catch (const std::exception& e) {
    spdlog::warn("database health check failed: {}", e.what());
    return false;
  }
}

}  // namespace livedrop::pg
