#include "clients/fake_auth.h"

namespace livedrop::followers {

std::optional<Role> FakeAuth::RoleOf(const std::string& user_id) {
  ++calls_;
  if (!errors_.empty()) {
    Error error = std::move(errors_.front());
    errors_.pop_front();
    throw error;
  }
  const auto it = users_.find(user_id);
  if (it == users_.end()) return std::nullopt;
  return it->second;
}

}  // namespace livedrop::followers
