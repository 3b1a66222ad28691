#pragma once

#include <optional>
#include <string>

#include "drops_store.h"
#include "livedrop/drops/v1/drops.pb.h"
#include "livedrop/redis/versioned_cache.h"

namespace livedrop::pg {
class Pool;
}

namespace livedrop::drops {

// The public drop and product views, read far more often than written: served from Redis
// (ld:drops:drop:<id>, ld:drops:product:<id>) and filled from PostgreSQL on a miss. Every
// change to a drop is written through with its new version right after its commit, so a
// reader never sees a status older than the last committed one (unless Redis lost the write,
// in which case the entry expires after its TTL). Without Redis every read goes to the DB.
class DropViews {
 public:
  DropViews(pg::Pool& pool, redis::VersionedCache drops, redis::VersionedCache products);

  std::optional<v1::Drop> Drop(const std::string& id);  // without its product
  std::optional<v1::Product> Product(const std::string& id);
  void Refresh(const DropRow& row);  // after a committed change

 private:
  pg::Pool& pool_;
  redis::VersionedCache drops_;
  redis::VersionedCache products_;
};

}  // namespace livedrop::drops
