#include "user_directory.h"

#include "clients/auth_port.h"
#include "livedrop/metrics/registry.h"

namespace livedrop::followers {

UserDirectory::UserDirectory(AuthPort& auth, std::size_t max_entries)
    : auth_(auth), roles_(max_entries, metrics::CacheEvictionCounter("user_roles")) {}

std::optional<Role> UserDirectory::RoleOf(const std::string& user_id) {
  {
    std::lock_guard lock(mutex_);
    if (const Role* role = roles_.Find(user_id)) return *role;
  }
  const auto role = auth_.RoleOf(user_id);
  if (!role) return std::nullopt;
  std::lock_guard lock(mutex_);
  roles_.Put(user_id, *role);
  return role;
}

}  // namespace livedrop::followers
