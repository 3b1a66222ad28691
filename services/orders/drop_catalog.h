#pragma once

#include <chrono>
#include <mutex>
#include <string>

#include "livedrop/core/bounded_cache.h"
#include "orders_logic.h"

namespace livedrop::orders {

class DropsPort;

// The terms of sale of each drop (price, window, per-buyer limit, status), asked of
// livedrop-drops and remembered briefly: price and window never change, and a cancellation
// is seen within `ttl`. Also remembers for `sold_out_memory` that a drop sold out, so
// further attempts are refused without touching any database. Each memory keeps at most
// `max_drops` drops, evicting the least recently used beyond that. Part of the app layer:
// the port does the asking, the catalog the remembering.
class DropCatalog {
 public:
  DropCatalog(DropsPort& drops, std::chrono::milliseconds ttl,
              std::chrono::milliseconds sold_out_memory, std::size_t max_drops = 10000);

  // Throws not_found for an unknown drop, unavailable when drops cannot be reached.
  DropTerms Get(const std::string& drop_id);

  void RememberSoldOut(const std::string& drop_id);
  void ForgetSoldOut(const std::string& drop_id);
  bool KnownSoldOut(const std::string& drop_id);

 private:
  DropsPort& drops_;
  std::chrono::milliseconds ttl_, sold_out_memory_;
  std::mutex mutex_;
  BoundedCache<std::string, DropTerms> terms_;  // each expires `ttl` after its fetch
  BoundedCache<std::string, bool> sold_out_;    // each expires after `sold_out_memory`
};

}  // namespace livedrop::orders
