#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace livedrop::ratelimit {

// A quota of `quota` requests per `window`, named for the RateLimit-Policy header
// ("login";q=10;w=60). Requests spread evenly get one every window/quota; up to `quota` may
// come at once after a quiet window.
struct Policy {
  std::string name;
  int quota = 0;  // 0: the limit is off
  std::chrono::seconds window{60};

  bool enabled() const { return quota > 0; }
  std::int64_t interval_ms() const;  // window / quota: the emission interval of GCRA
};

struct Decision {
  bool allowed = true;
  int remaining = 0;                     // requests still allowed at once after this one
  std::chrono::milliseconds retry_after{0};  // refused: when the next one would be allowed
  std::chrono::milliseconds reset{0};    // when the whole quota is available again
};

// The generic cell rate algorithm on one key's theoretical arrival time (TAT, in ms of the
// clock `now_ms` is read from): the whole state of a limit is one number, so Redis keeps it
// in one key updated by one script, and memory in one map entry. Updates `tat_ms` only when
// the request is allowed; a fresh key starts with tat_ms <= now_ms.
Decision Gcra(std::int64_t now_ms, std::int64_t& tat_ms, const Policy& policy);

}  // namespace livedrop::ratelimit
