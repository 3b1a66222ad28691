#pragma once

#include <optional>
#include <string>

#include "inventory_logic.h"
#include "livedrop/redis/versioned_cache.h"

namespace livedrop::inventory {

// The stock views GetStock serves, in Redis under ld:inventory:stock:<drop_id>. Every
// committed change is written through with the row's version, and a reader's fill carries
// the version it read, so an older view never replaces a newer one. Without Redis (or while
// it is down) Get misses and Put does nothing: PostgreSQL stays the truth.
class StockCache {
 public:
  explicit StockCache(redis::VersionedCache cache) : cache_(std::move(cache)) {}

  // The view is a v1::Stock (inventory_proto.h): no low-stock bookkeeping and no `frozen`
  // (Reserve decides on the locked row, never on this view).
  std::optional<StockRow> Get(const std::string& drop_id);
  void Put(const StockRow& stock);

 private:
  redis::VersionedCache cache_;
};

}  // namespace livedrop::inventory
