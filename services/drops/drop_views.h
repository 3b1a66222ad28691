#pragma once

#include <optional>
#include <string>

#include "drops_logic.h"
#include "livedrop/drops/v1/drops.pb.h"
#include "livedrop/redis/versioned_cache.h"

namespace livedrop::drops {

// The public drop and product views, read far more often than written, in Redis
// (ld:drops:drop:<id>, ld:drops:product:<id>) as v1 messages. DropsApp fills them from
// PostgreSQL on a miss and writes every change to a drop through with its new version right
// after its commit, so a reader never sees a status older than the last committed one
// (unless Redis lost the write, in which case the entry expires after its TTL). Without
// Redis (or while it is down) every Get misses and Put does nothing.
class DropViews {
 public:
  DropViews(redis::VersionedCache drops, redis::VersionedCache products);

  std::optional<v1::Drop> Drop(const std::string& id);  // without its product
  std::optional<v1::Product> Product(const std::string& id);
  // Keeps the view unless the cache holds a newer version of it.
  void Put(const DropRow& row);
  void Put(const ProductRow& row);

 private:
  redis::VersionedCache drops_;
  redis::VersionedCache products_;
};

}  // namespace livedrop::drops
