#include "followers_options.h"

#include "livedrop/config/config.h"

namespace livedrop::followers {

void FollowersOptions::Declare(config::Spec& spec) {
  const FollowersOptions d;
  spec.String("auth-addr", "livedrop-auth instances (host:port,...)", d.auth_addr)
      .Duration("auth-timeout", "Deadline of a GetUser call to livedrop-auth", d.auth_timeout)
      .String("redis-url", "Redis for the counts cache (redis://host:port); empty: no cache",
              d.redis_url)
      .Duration("cache-ttl", "How long cached counts may live", d.cache_ttl)
      .Int("max-following", "Creators one user may follow at once (0: no cap)", d.max_following,
           0, 10000000);
}

FollowersOptions FollowersOptions::From(const config::Config& cfg) {
  FollowersOptions o;
  o.auth_addr = cfg.GetString("auth-addr");
  o.auth_timeout = cfg.GetDuration("auth-timeout");
  o.redis_url = cfg.GetString("redis-url");
  o.cache_ttl = cfg.GetDuration("cache-ttl");
  o.max_following = static_cast<int>(cfg.GetInt("max-following"));
  return o;
}

}  // namespace livedrop::followers
