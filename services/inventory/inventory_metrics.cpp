#include "inventory_metrics.h"

#include <spdlog/spdlog.h>

#include <pqxx/pqxx>
#include <stdexcept>

#include "inventory_store.h"
#include "livedrop/metrics/registry.h"
#include "livedrop/pg/pool.h"

namespace livedrop::inventory {
namespace {

constexpr char kViolations[] = "livedrop_inventory_invariant_violations";
constexpr char kMismatches[] = "livedrop_inventory_reservation_mismatches";
constexpr char kUnits[] = "livedrop_inventory_units";
constexpr const char* kStates[] = {"available", "reserved", "sold"};

}  // namespace

InventoryMetrics::InventoryMetrics(pg::Pool& pool, metrics::Registry& registry,
                                   std::chrono::milliseconds max_age)
    : pool_(pool), registry_(registry), max_age_(max_age) {
  refresher_ = std::thread([this] { RefreshLoop(); });
  registry_.AddGaugeCallback(kViolations,
                             "Drops whose stock row breaks available + reserved + sold = total",
                             [this] { return static_cast<double>(Read().invariant_violations); });
  registry_.AddGaugeCallback(kMismatches,
                             "Drops whose reserved or sold units differ from their reservations",
                             [this] { return static_cast<double>(Read().reservation_mismatches); });
  const char* help = "Units of all drops by state";
  registry_.AddGaugeCallback(kUnits, help, [this] { return static_cast<double>(Read().available); },
                             {{"state", "available"}});
  registry_.AddGaugeCallback(kUnits, help, [this] { return static_cast<double>(Read().reserved); },
                             {{"state", "reserved"}});
  registry_.AddGaugeCallback(kUnits, help, [this] { return static_cast<double>(Read().sold); },
                             {{"state", "sold"}});
}

InventoryMetrics::~InventoryMetrics() {
  registry_.RemoveGaugeCallback(kViolations);
  registry_.RemoveGaugeCallback(kMismatches);
  for (const char* state : kStates) registry_.RemoveGaugeCallback(kUnits, {{"state", state}});
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wanted_cv_.notify_all();
  served_cv_.notify_all();
  refresher_.join();
}

StockTotals InventoryMetrics::Read() {
  std::unique_lock lock(mutex_);
  if (!totals_ || std::chrono::steady_clock::now() - read_at_ >= max_age_) {
    const auto asked = ++wanted_;
    wanted_cv_.notify_one();
    served_cv_.wait_for(lock, kRefreshWait, [&] { return served_ >= asked || stop_; });
  }
  if (!totals_) throw std::runtime_error("stock totals unknown");
  return *totals_;
}

void InventoryMetrics::RefreshLoop() {
  std::unique_lock lock(mutex_);
  while (true) {
    wanted_cv_.wait(lock, [&] { return stop_ || wanted_ > served_; });
    if (stop_) return;
    const auto target = wanted_;
    lock.unlock();
    std::optional<StockTotals> totals;
    try {
      totals =
          pool_.AutoCommit([](pqxx::nontransaction& tx) { return InventoryStore::Totals(tx); });
    } catch (const std::exception& e) {
      spdlog::warn("stock totals for the invariant metrics not read: {}", e.what());
    }
    lock.lock();
    totals_ = totals;
    read_at_ = std::chrono::steady_clock::now();
    served_ = target;
    served_cv_.notify_all();
  }
}

}  // namespace livedrop::inventory
