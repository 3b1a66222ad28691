#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <pqxx/connection>
#include <pqxx/nontransaction>
#include <pqxx/transaction>
#include <string>
#include <type_traits>

namespace livedrop::pg {

struct PoolOptions {
  std::string url;     // libpq URL, e.g. postgresql://user@127.0.0.1:5432/livedrop
  std::string schema;  // the service's schema: created if missing, first on every search_path
  int size = 8;        // most connections open at once
  std::chrono::milliseconds acquire_timeout{2000};
  // Every statement on a pooled connection is cancelled by the server after this long
  // (statement_timeout; 0: never): a runaway query or a lock wait cannot hold a connection and
  // a handler thread for ever. It surfaces as Error(kUnavailable, "statement_timeout").
  std::chrono::milliseconds statement_timeout{5000};
};

// A bounded pool of libpqxx connections. Connections open lazily and a broken one is
// dropped and replaced. Waiting longer than acquire_timeout for a connection, or failing to
// connect, throws livedrop::Error(kUnavailable, "database_unavailable"); a statement that runs
// past statement_timeout, Error(kUnavailable, "statement_timeout").
class Pool {
 public:
  explicit Pool(PoolOptions options);  // connects once to fail fast on a bad URL
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // Runs fn in a read-committed transaction and commits; on a serialization failure or a
  // deadlock the whole fn is retried (bounded, with jitter). Returns what fn returns.
  template <class Fn>
  auto Transact(Fn&& fn) -> std::invoke_result_t<Fn, pqxx::work&> {
    using R = std::invoke_result_t<Fn, pqxx::work&>;
    if constexpr (std::is_void_v<R>) {
      RunTransaction([&](pqxx::work& tx) { fn(tx); });
    } else {
      std::optional<R> result;
      RunTransaction([&](pqxx::work& tx) { result.emplace(fn(tx)); });
      return std::move(*result);
    }
  }

  // Runs fn where every statement commits on its own: no BEGIN/COMMIT round trips, for a
  // single statement that needs nothing around it. A lost connection is not retried (the
  // statement may have run): it throws Error(kUnavailable).
  template <class Fn>
  auto AutoCommit(Fn&& fn) -> std::invoke_result_t<Fn, pqxx::nontransaction&> {
    using R = std::invoke_result_t<Fn, pqxx::nontransaction&>;
    if constexpr (std::is_void_v<R>) {
      RunAutoCommit([&](pqxx::nontransaction& tx) { fn(tx); });
    } else {
      std::optional<R> result;
      RunAutoCommit([&](pqxx::nontransaction& tx) { result.emplace(fn(tx)); });
      return std::move(*result);
    }
  }

  // Runs fn with a leased connection and no transaction management.
  template <class Fn>
  auto WithConnection(Fn&& fn) -> std::invoke_result_t<Fn, pqxx::connection&> {
    using R = std::invoke_result_t<Fn, pqxx::connection&>;
    if constexpr (std::is_void_v<R>) {
      RunWithConnection([&](pqxx::connection& c) { fn(c); });
    } else {
      std::optional<R> result;
      RunWithConnection([&](pqxx::connection& c) { result.emplace(fn(c)); });
      return std::move(*result);
    }
  }

  const PoolOptions& options() const;
  // SELECT 1 within the acquire timeout; for /readyz.
  bool Healthy();

 private:
  void RunTransaction(const std::function<void(pqxx::work&)>& fn);
  void RunWithConnection(const std::function<void(pqxx::connection&)>& fn);
  void RunAutoCommit(const std::function<void(pqxx::nontransaction&)>& fn);

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// For code that writes inside a transaction a Pool runs (Transact, AutoCommit) on the calling
// thread, to act once its writes are visible to others: `fn` runs after that transaction
// committed (Transact: after COMMIT, not for an attempt rolled back or retried; AutoCommit:
// once fn returned or threw, since each of its statements committed on its own), after the
// connection went back to the pool. It must not throw (what it throws is logged and dropped).
// Returns false, registering nothing, for a transaction no Pool runs on this thread (a test's
// own pqxx::work): the caller does without.
bool AfterCommit(const pqxx::transaction_base& tx, std::function<void()> fn);

// The Pool running `tx` on this thread (Transact, AutoCommit), or nullptr.
const Pool* PoolRunning(const pqxx::transaction_base& tx);

}  // namespace livedrop::pg
