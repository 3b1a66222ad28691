#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace livedrop::config {
class Spec;
class Config;
}  // namespace livedrop::config

namespace livedrop::followers {

// Every setting of livedrop-followers. The member initializers are the flags' defaults (Declare
// reads them from a default-constructed FollowersOptions), so a struct built in a test and the
// binary run without flags behave alike.
struct FollowersOptions {
  std::string auth_addr = "127.0.0.1:7001";
  std::chrono::milliseconds auth_timeout = std::chrono::seconds(2);  // deadline of GetUser
  std::size_t remembered_roles = 100000;  // bound of the role memory (user_roles)

  std::string redis_url;  // the counts cache; empty: no cache
  std::chrono::milliseconds cache_ttl = std::chrono::seconds(30);

  // Creators one user may follow at once (0: no cap): bounds what a user's inbox page and
  // WebSocket interests cost (follow_limit_reached, 409, past it).
  int max_following = 5000;

  static void Declare(config::Spec& spec);
  static FollowersOptions From(const config::Config& cfg);
};

}  // namespace livedrop::followers
