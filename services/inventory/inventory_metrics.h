#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <thread>

#include "inventory_logic.h"

namespace livedrop::pg {
class Pool;
}
namespace livedrop::metrics {
class Registry;
}

namespace livedrop::inventory {

// Exposes the stock invariant to whoever scrapes /metrics:
//   livedrop_inventory_invariant_violations   drops whose row breaks
//                                             available + reserved + sold = total (or >= 0)
//   livedrop_inventory_reservation_mismatches drops whose reserved / sold differ from their
//                                             held / confirmed reservations
//   livedrop_inventory_units{state}           available, reserved and sold units of all drops
// The CHECK constraints should keep the first at 0 forever; the second is what they cannot
// check. All are read from one query, at most once per `max_age`, so scraping stays cheap
// however often it happens. The query runs on a thread of its own: metrics are rendered
// under the registry's lock, so a scrape waits for a stale snapshot's refresh at most
// kRefreshWait and otherwise renders the last one (NaN when the last read failed).
class InventoryMetrics {
 public:
  InventoryMetrics(pg::Pool& pool, metrics::Registry& registry, std::chrono::milliseconds max_age);
  ~InventoryMetrics();  // removes the callbacks
  InventoryMetrics(const InventoryMetrics&) = delete;
  InventoryMetrics& operator=(const InventoryMetrics&) = delete;

 private:
  static constexpr std::chrono::milliseconds kRefreshWait{250};
  StockTotals Read();
  void RefreshLoop();

  pg::Pool& pool_;
  metrics::Registry& registry_;
  std::chrono::milliseconds max_age_;
  std::mutex mutex_;
  std::condition_variable wanted_cv_, served_cv_;
  std::uint64_t wanted_ = 0, served_ = 0;  // refresh generations asked for and done
  bool stop_ = false;
  std::optional<StockTotals> totals_;
  std::chrono::steady_clock::time_point read_at_;
  std::thread refresher_;
};

}  // namespace livedrop::inventory
