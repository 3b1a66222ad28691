#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "livedrop/auth/v1/auth.grpc.pb.h"
#include "livedrop/core/bounded_cache.h"

namespace livedrop::followers {

// Who a user is, as far as following goes: their role, or nothing for an unknown id.
// Asks livedrop-auth (which owns users) and remembers the answer: roles never change, so
// the cache needs no invalidation, only a bound: `max_entries` users, the least recently asked
// evicted beyond it.
class UserDirectory {
 public:
  UserDirectory(std::shared_ptr<::grpc::Channel> auth_channel, std::size_t max_entries = 100000);

  // Throws livedrop::Error(kUnavailable) when auth cannot be reached.
  std::optional<std::string> RoleOf(const std::string& user_id);

 private:
  std::unique_ptr<auth::v1::AuthService::Stub> stub_;
  std::mutex mutex_;
  BoundedCache<std::string, std::string> roles_;
};

}  // namespace livedrop::followers
