// livedrop-bench-inventory: N threads reserve against ONE drop, first with one transaction per
// call (every buyer queues on the stock row lock), then with the per-drop StockBatcher
// (concurrent reservations share a transaction), against a real PostgreSQL. Prints
// reservations/s for both and the ratio, and checks that the database agrees with what the
// callers were told.
//
//   livedrop-bench-inventory --pg-url=postgresql://livedrop@127.0.0.1:55498/postgres
//       --threads=64 --duration=5s --rounds=2
//
// It works in its own schema (inventory_bench), dropped and re-created at start.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <mutex>
#include <pqxx/pqxx>
#include <thread>
#include <vector>

#include "inventory_app.h"
#include "inventory_migrations.h"
#include "livedrop/config/config.h"
#include "livedrop/core/error.h"
#include "livedrop/core/ids.h"
#include "livedrop/kafka/outbox.h"
#include "livedrop/pg/pool.h"

using namespace livedrop;
using Steady = std::chrono::steady_clock;

namespace {

constexpr char kSchema[] = "inventory_bench";

struct Result {
  long long reserved = 0;
  double seconds = 0;
  double p50_ms = 0, p99_ms = 0;
  std::map<std::string, long long> errors;
  double PerSecond() const { return seconds > 0 ? reserved / seconds : 0; }
};

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  const auto k = static_cast<std::size_t>(p * (v.size() - 1));
  std::nth_element(v.begin(), v.begin() + k, v.end());
  return v[k];
}

Result Run(pg::Pool& pool, bool coalesce, int threads, std::chrono::milliseconds duration) {
  inventory::InventoryOptions options;
  options.coalesce = coalesce;
  inventory::InventoryApp inventory(pool, options);
  const std::string drop = NewUuid();
  inventory.CreateStock(drop, 100'000'000, 1);

  std::atomic<long long> reserved{0};
  std::mutex mutex;
  std::vector<double> latencies;
  std::map<std::string, long long> errors;
  const auto start = Steady::now();
  const auto deadline = start + duration;
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      std::vector<double> mine;
      std::map<std::string, long long> my_errors;
      while (Steady::now() < deadline) {
        const auto begin = Steady::now();
        try {
          inventory.Reserve(drop, NewUuid(), NewUuid(), 1);
          reserved++;
          mine.push_back(std::chrono::duration<double, std::milli>(Steady::now() - begin).count());
        } catch (const Error& e) {
          my_errors[e.code()]++;
        }
      }
      std::lock_guard lock(mutex);
      latencies.insert(latencies.end(), mine.begin(), mine.end());
      for (const auto& [code, n] : my_errors) errors[code] += n;
    });
  }
  for (auto& w : workers) w.join();
  Result result;
  result.seconds = std::chrono::duration<double>(Steady::now() - start).count();
  result.reserved = reserved.load();
  result.p50_ms = Percentile(latencies, 0.50);
  result.p99_ms = Percentile(latencies, 0.99);
  result.errors = errors;

  // What the callers were told must be exactly what the database holds.
  const auto stock = inventory.GetStock(drop);
  const auto rows = pool.Transact([&](pqxx::work& tx) {
    return tx.exec_params1("SELECT count(*) FROM reservations WHERE drop_id = $1", drop)[0]
        .as<long long>();
  });
  if (stock.reserved != result.reserved || rows != result.reserved ||
      stock.available + stock.reserved + stock.sold != stock.total) {
    std::cerr << "MISMATCH: told " << result.reserved << ", stock.reserved " << stock.reserved
              << ", reservation rows " << rows << "\n";
    std::exit(1);
  }
  return result;
}

void Print(const char* name, const Result& r) {
  std::printf(
      "%-28s %9lld reservations in %5.2f s = %9.0f reservations/s   p50 %6.2f ms   p99 %7.2f ms",
      name, r.reserved, r.seconds, r.PerSecond(), r.p50_ms, r.p99_ms);
  for (const auto& [code, n] : r.errors) std::printf("   %s: %lld", code.c_str(), n);
  std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
  config::Spec spec("livedrop-bench-inventory",
                    "Reservations per second against one hot drop: one transaction per call "
                    "against coalesced batches, on a real PostgreSQL.");
  spec.String("pg-url", "PostgreSQL URL (the bench uses its own schema, inventory_bench)")
      .Int("threads", "Concurrent buyers", 64, 1, 4096)
      .Duration("duration", "How long each mode runs", std::chrono::seconds(5))
      .Int("pool-size", "PostgreSQL connections (0: as many as threads, at most 80)", 0, 0, 1000)
      .Int("rounds", "Alternating rounds of both modes (the best of each is reported)", 1, 1, 20);
  const auto cfg = config::ParseOrExit(spec, argc, argv);
  spdlog::set_level(spdlog::level::warn);
  const int threads = static_cast<int>(cfg.GetInt("threads"));
  int pool_size = static_cast<int>(cfg.GetInt("pool-size"));
  if (pool_size == 0) pool_size = std::min(threads, 80);
  const auto duration = cfg.GetDuration("duration");

  {
    pqxx::connection conn(cfg.GetString("pg-url"));
    pqxx::work tx(conn);
    tx.exec(std::string("DROP SCHEMA IF EXISTS ") + kSchema + " CASCADE");
    tx.commit();
  }
  pg::Pool pool(
      pg::PoolOptions{cfg.GetString("pg-url"), kSchema, pool_size, std::chrono::seconds(30)});
  pg::Migrate(pool, "inventory", inventory::Migrations());
  pg::Migrate(pool, "outbox", kafka::OutboxMigrations());
  const auto fsync =
      pool.Transact([](pqxx::work& tx) { return tx.exec1("SHOW fsync")[0].as<std::string>(); });
  const auto sync_commit = pool.Transact(
      [](pqxx::work& tx) { return tx.exec1("SHOW synchronous_commit")[0].as<std::string>(); });

  std::printf(
      "one drop, %d threads, %d connections, %.1f s per mode, fsync=%s "
      "synchronous_commit=%s, %u cores\n",
      threads, pool_size, duration.count() / 1000.0, fsync.c_str(), sync_commit.c_str(),
      std::thread::hardware_concurrency());
  Result best_single, best_batched;
  for (int round = 0; round < cfg.GetInt("rounds"); ++round) {
    const auto single = Run(pool, /*coalesce=*/false, threads, duration);
    Print("one transaction per call", single);
    const auto batched = Run(pool, /*coalesce=*/true, threads, duration);
    Print("coalesced (StockBatcher)", batched);
    if (single.PerSecond() > best_single.PerSecond()) best_single = single;
    if (batched.PerSecond() > best_batched.PerSecond()) best_batched = batched;
  }
  std::printf(
      "ratio coalesced / one per call: %.1fx\n",
      best_single.PerSecond() > 0 ? best_batched.PerSecond() / best_single.PerSecond() : 0.0);
  return 0;
}
