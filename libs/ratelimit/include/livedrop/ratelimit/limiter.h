#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

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

// One rate limit of a request: `policy` counted for `key` (an empty key, or a disabled policy,
// is not checked).
struct Limit {
  const Policy* policy = nullptr;
  std::string key;
};

// A cap on requests in flight for one key (cap <= 0 or an empty key: none).
struct InFlight {
  std::string name, key;
  int cap = 0;
  std::chrono::milliseconds ttl{0};
};

// What Admit decided.
struct Admission {
  bool admitted = false;
  // Refused by a limit: its index among the limits asked, and its decision.
  std::optional<std::size_t> refused_by;
  // The refusing limit's decision; admitted, the last limit checked's (or an allowing default).
  Decision decision;
  // Admitted with a cap: the place held, for Release. Not admitted and not refused by a limit:
  // the cap was full.
  std::unique_ptr<Lease> lease;
};

// Rate limits and caps on work in flight, shared by every gateway through Redis, from memory
// while Redis is unreachable.
//
// Admit() decides a request in one Lua script (EVALSHA; loaded again after a NOSCRIPT, e.g. when
// Redis restarted) that reads Redis's own clock, so every instance sees one limit on one clock:
// GCRA for each limit in turn (the first that refuses ends it; the ones before it have counted
// the request, as separate checks would have), then, when every limit allowed, a place among the
// cap — one round trip for the lot. The keys of one admission are read by one script, so a Redis
// Cluster would need them in one hash slot (this is written for one Redis, as `up` and the
// deployments run it).
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

  // A request against `limits`, then `in_flight`'s cap.
  Admission Admit(const std::vector<Limit>& limits, const InFlight& in_flight = {});
  // One request of `key` against `policy` (a disabled policy always allows): Admit of one limit.
  Decision Take(const Policy& policy, const std::string& key);
  // A place among at most `cap` in flight for `key` for at most `ttl`; nullptr when `cap`
  // are held. cap <= 0 or an empty key: no cap (always a lease). Admit of the cap alone.
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
