#include "livedrop/ratelimit/gcra.h"

#include <algorithm>

namespace livedrop::ratelimit {

std::int64_t Policy::interval_ms() const {
  const std::int64_t window_ms = std::chrono::milliseconds(window).count();
  return std::max<std::int64_t>(1, window_ms / std::max(1, quota));
}

Decision Gcra(std::int64_t now_ms, std::int64_t& tat_ms, const Policy& policy) {
  const std::int64_t interval = policy.interval_ms();
  const std::int64_t window = interval * std::max(1, policy.quota);
  const std::int64_t tat = std::max(tat_ms, now_ms);
  const std::int64_t next_tat = tat + interval;
  const std::int64_t allow_at = next_tat - window;  // the earliest this request fits
  Decision d;
  if (now_ms < allow_at) {
    d.allowed = false;
    d.remaining = 0;
    d.retry_after = std::chrono::milliseconds(allow_at - now_ms);
    d.reset = std::chrono::milliseconds(tat - now_ms);
    return d;
  }
  tat_ms = next_tat;
  d.allowed = true;
  d.remaining = static_cast<int>((now_ms - allow_at) / interval);
  d.reset = std::chrono::milliseconds(next_tat - now_ms);
  return d;
}

}  // namespace livedrop::ratelimit
