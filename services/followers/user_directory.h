#pragma once

#include <mutex>
#include <optional>
#include <string>

#include "followers_logic.h"
#include "livedrop/core/bounded_cache.h"

namespace livedrop::followers {

class AuthPort;

// Who a user is, as far as following goes: their role, or nothing for an unknown id. Asks
// livedrop-auth (through its port) and remembers the answer: roles never change, so the cache
// needs no invalidation, only a bound: `max_entries` users, the least recently asked evicted
// beyond it. An unknown id is not remembered (the user may register in a moment).
class UserDirectory {
 public:
  explicit UserDirectory(AuthPort& auth, std::size_t max_entries = 100000);

  // Throws livedrop::Error(kUnavailable) when auth cannot be reached.
  std::optional<Role> RoleOf(const std::string& user_id);

 private:
  AuthPort& auth_;
  std::mutex mutex_;
  BoundedCache<std::string, Role> roles_;
};

}  // namespace livedrop::followers
