#pragma once

#include <string>

#include "followers_store.h"
#include "livedrop/redis/versioned_cache.h"

namespace livedrop::pg {
class Pool;
}

namespace livedrop::followers {

// Follower and following counts, read on every creator profile: served from Redis
// (ld:followers:counts:<id>) and written through after every follow or unfollow, versioned
// by the user's total number of count changes so an older read never replaces a newer one.
class CountsView {
 public:
  CountsView(pg::Pool& pool, redis::VersionedCache cache);

  Counts Get(const std::string& user_id);
  void Refresh(const std::string& user_id);  // after a committed change

 private:
  Counts Load(const std::string& user_id);

  pg::Pool& pool_;
  redis::VersionedCache cache_;
};

}  // namespace livedrop::followers
