#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "livedrop/ratelimit/gcra.h"

namespace livedrop::redis {
class Pool;
}

namespace livedrop::ratelimit {

struct LimiterOptions {
  std::string key_prefix = "ld:gateway:ratelimit:";  // Redis keys: <prefix><policy>:<key>
  std::size_t memory_keys = 100000;  // keys kept in memory (fallback); expired ones go first
};

// A held place among the requests in flight for one key (Limiter::Acquire); released by
// Limiter::Release, or by itself when its ttl ends (a gateway that died holds nothing).
struct Lease {
  std::string key;
  std::string id;
  bool in_redis = false;
};

// Rate limits and caps on work in flight, shared by every gateway through Redis, from memory
// while Redis is unreachable.
//
// Take() runs GCRA in one Lua script (EVALSHA; loaded again after a NOSCRIPT, e.g. when Redis
// restarted) that reads Redis's own clock, so every instance sees one limit on one clock.
// When the pool answers an error (Redis down: at once, during the pool's cool-down) the same
// algorithm decides from this process's memory: limits stay enforced, per instance, and the
// first call after the cool-down that reaches Redis uses Redis again. The memory state starts
// empty (a Redis outage forgets nothing: Redis keeps its own state).
//
// Calls block on the network (the pool's timeout at most): callers run them off event loops.
// Thread-safe.
class Limiter {
 public:
  // `pool` may be null: memory only (a single instance, or tests).
  Limiter(redis::Pool* pool, LimiterOptions options = {});
  ~Limiter();
  Limiter(const Limiter&) = delete;
  Limiter& operator=(const Limiter&) = delete;

  // One request of `key` against `policy` (a disabled policy always allows).
  Decision Take(const Policy& policy, const std::string& key);
  // A place among at most `cap` in flight for `key` for at most `ttl`; nullptr when `cap`
  // are held. cap <= 0: no cap (always a lease).
  std::unique_ptr<Lease> Acquire(const std::string& name, const std::string& key, int cap,
                                 std::chrono::milliseconds ttl);
  void Release(const Lease& lease);

  // Where the last decision came from (for tests and the readiness of the limiter).
  bool last_from_redis() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace livedrop::ratelimit
