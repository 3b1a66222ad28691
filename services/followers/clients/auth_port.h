#pragma once

#include <optional>
#include <string>

#include "followers_logic.h"

namespace livedrop::followers {

// What followers asks of livedrop-auth (which owns users): who a user is.
class AuthPort {
 public:
  virtual ~AuthPort() = default;
  // The user's role, or nothing for an id auth does not know. Throws unavailable /
  // deadline_exceeded when auth cannot answer now.
  virtual std::optional<Role> RoleOf(const std::string& user_id) = 0;
};

}  // namespace livedrop::followers
