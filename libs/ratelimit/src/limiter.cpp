#include "livedrop/ratelimit/limiter.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <mutex>

#include "livedrop/core/error.h"
#include "livedrop/core/ids.h"
#include "livedrop/metrics/registry.h"
#include "livedrop/redis/pool.h"
#include "memory_store.h"

namespace livedrop::ratelimit {
namespace {

// One admission on Redis's clock. KEYS: the limits' keys, then the cap's (when ARGV[n*2+2], the
// cap, is above 0). ARGV: n, then each limit's interval and window in ms, then cap, ttl ms and
// the lease id. GCRA for each limit in turn (a key lives as long as its TAT is in the future, so
// an idle limit costs nothing); the first refusal answers {0, i, 0, retry_after_ms, reset_ms}.
// Then the cap, a sorted set of lease id → expiry in ms, expired leases dropped first: full
// answers {2}. Admitted answers {1, remaining, reset_ms} of the last limit.
constexpr char kAdmitScript[] = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local n = tonumber(ARGV[1])
local remaining, reset = 0, 0
for i = 1, n do
  local interval = tonumber(ARGV[i * 2])
  local window = tonumber(ARGV[i * 2 + 1])
  local tat = now
  local stored = redis.call('GET', KEYS[i])
  if stored then tat = math.max(tonumber(stored), now) end
  local next_tat = tat + interval
  local allow_at = next_tat - window
  if now < allow_at then
    return {0, i, 0, allow_at - now, tat - now}
  end
  redis.call('SET', KEYS[i], next_tat, 'PX', next_tat - now)
  remaining, reset = math.floor((now - allow_at) / interval), next_tat - now
end
local cap = tonumber(ARGV[n * 2 + 2])
if cap > 0 then
  local key, ttl = KEYS[n + 1], tonumber(ARGV[n * 2 + 3])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
  if redis.call('ZCARD', key) >= cap then return {2} end
  redis.call('ZADD', key, now + ttl, ARGV[n * 2 + 4])
  redis.call('PEXPIRE', key, ttl)
end
return {1, remaining, reset}
)lua";

// A place for `key` under the cap `name`, with its own id (not yet held anywhere).
std::unique_ptr<Lease> NewLease(const std::string& prefix, const std::string& name,
                                const std::string& key) {
  auto lease = std::make_unique<Lease>();
  lease->key = prefix + name + ":" + key;
  lease->id = NewUuid();
  return lease;
}

// kAdmitScript's answer, read: {1, remaining, reset} admitted, {0, i, 0, retry_after, reset}
// refused by the i-th of `limits` limits (1-based), {2} the cap full. Anything else throws.
struct AdmitAnswer {
  enum Outcome { kAdmitted, kRefused, kCapFull } outcome = kAdmitted;
  std::size_t limit = 0;  // kRefused: which of the limits asked (0-based)
  Decision decision;
};

AdmitAnswer ReadAdmitAnswer(const redis::Reply& r, std::size_t limits) {
  const auto unexpected = [] {
    return Error(ErrorKind::kInternal, "cache_error", "unexpected rate-limit script answer");
  };
  const auto number = [&](std::size_t k) {
    if (r.type != redis::Reply::Type::kArray || r.elements.size() <= k ||
        r.elements[k].type != redis::Reply::Type::kInteger) {
      throw unexpected();
    }
    return r.elements[k].integer;
  };
  using std::chrono::milliseconds;
  switch (number(0)) {
    case 0: {
      const auto which = static_cast<std::size_t>(number(1)) - 1;  // 0 wraps: out of range too
      if (which >= limits) throw unexpected();
      return {AdmitAnswer::kRefused, which,
              Decision{false, 0, milliseconds(number(3)), milliseconds(number(4))}};
    }
    case 1:
      return {
          AdmitAnswer::kAdmitted, 0,
          Decision{true, static_cast<int>(number(1)), milliseconds(0), milliseconds(number(2))}};
    case 2:
      return {AdmitAnswer::kCapFull, 0, Decision{}};
    default:
      throw unexpected();
  }
}

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A script run by EVALSHA, loaded on first use and again when Redis has forgotten it.
class Script {
 public:
  explicit Script(const char* source) : source_(source) {}

  redis::Reply Run(redis::Pool& pool, std::vector<std::string> keys_and_args, int keys) {
    std::vector<std::string> command{"EVALSHA", Sha(pool), std::to_string(keys)};
    command.insert(command.end(), keys_and_args.begin(), keys_and_args.end());
    try {
      return pool.Command(command);
    } catch (const Error& e) {
      if (std::string_view(e.what()).find("NOSCRIPT") == std::string_view::npos) throw;
    }
    {
      std::lock_guard lock(mutex_);
      sha_.clear();
    }
    command[1] = Sha(pool);
    return pool.Command(command);
  }

 private:
  std::string Sha(redis::Pool& pool) {
    std::lock_guard lock(mutex_);
    if (sha_.empty()) sha_ = pool.Command({"SCRIPT", "LOAD", source_}).str;
    return sha_;
  }

  const char* source_;
  std::mutex mutex_;
  std::string sha_;
};

}  // namespace

struct Limiter::Impl {
  redis::Pool* pool;
  LimiterOptions options;
  MemoryStore memory;
  Script admit{kAdmitScript};
  std::atomic<bool> last_from_redis{false};
  std::atomic<bool> logged_fallback{false};
  metrics::Counter& from_redis;
  metrics::Counter& from_memory;

  Impl(redis::Pool* p, LimiterOptions o)
      : pool(p),
        options(std::move(o)),
        memory(options.memory_keys),
        from_redis(metrics::Registry::Default().GetCounter(
            "livedrop_ratelimit_decisions_total",
            "Rate-limit decisions by where they were made (redis, or memory while it is down)",
            {{"store", "redis"}})),
        from_memory(metrics::Registry::Default().GetCounter(
            "livedrop_ratelimit_decisions_total",
            "Rate-limit decisions by where they were made (redis, or memory while it is down)",
            {{"store", "memory"}})) {}

  // Runs `in_redis`; on any Redis failure notes the fallback and returns false.
  template <class F>
  bool TryRedis(F&& in_redis) {
    if (pool == nullptr) return false;
    try {
      in_redis();
      from_redis.Inc();
      last_from_redis = true;
      if (logged_fallback.exchange(false)) spdlog::info("rate limits: Redis is used again");
      return true;
    } catch (const Error& e) {
      if (!logged_fallback.exchange(true)) {
        spdlog::warn("rate limits: Redis failed ({}), deciding from memory meanwhile", e.what());
      }
    }
    return false;
  }

  void FromMemory() {
    from_memory.Inc();
    last_from_redis = false;
  }
};

Limiter::Limiter(redis::Pool* pool, LimiterOptions options)
    : impl_(std::make_unique<Impl>(pool, std::move(options))) {}

Limiter::~Limiter() = default;

Admission Limiter::Admit(const std::vector<Limit>& limits, const InFlight& in_flight) {
  const std::string& prefix = impl_->options.key_prefix;
  std::vector<std::size_t> asked;  // indexes of the limits checked
  for (std::size_t i = 0; i < limits.size(); ++i) {
    if (limits[i].policy->enabled() && !limits[i].key.empty()) asked.push_back(i);
  }
  const auto full_key = [&](std::size_t i) {
    return prefix + limits[i].policy->name + ":" + limits[i].key;
  };
  const bool capped = in_flight.cap > 0 && !in_flight.key.empty();
  Admission a;
  if (capped) a.lease = NewLease(prefix, in_flight.name, in_flight.key);
  const auto refused_by = [&](std::size_t i, const Decision& d) {
    a.refused_by = i;
    a.decision = d;
    a.lease.reset();
  };
  const bool done = impl_->TryRedis([&] {
    std::vector<std::string> keys_and_args;
    for (const auto i : asked) keys_and_args.push_back(full_key(i));
    if (capped) keys_and_args.push_back(a.lease->key);
    keys_and_args.push_back(std::to_string(asked.size()));
    for (const auto i : asked) {
      const std::int64_t interval = limits[i].policy->interval_ms();
      keys_and_args.push_back(std::to_string(interval));
      keys_and_args.push_back(std::to_string(interval * limits[i].policy->quota));
    }
    keys_and_args.push_back(std::to_string(capped ? in_flight.cap : 0));
    keys_and_args.push_back(std::to_string(in_flight.ttl.count()));
    keys_and_args.push_back(capped ? a.lease->id : "");
    const auto r = impl_->admit.Run(*impl_->pool, std::move(keys_and_args),
                                    static_cast<int>(asked.size() + (capped ? 1 : 0)));
    // A malformed answer throws before `a` changes, and the request is decided from memory.
    // (So does an answer lost on the way back, after the script ran: then the request counts
    // twice and its place in Redis waits for its ttl; rare, and on the safe side.)
    const AdmitAnswer answer = ReadAdmitAnswer(r, asked.size());
    switch (answer.outcome) {
      case AdmitAnswer::kRefused:
        return refused_by(asked[answer.limit], answer.decision);
      case AdmitAnswer::kCapFull:
        a.lease.reset();
        return;
      case AdmitAnswer::kAdmitted:
        a.admitted = true;
        a.decision = answer.decision;
        if (a.lease) a.lease->in_redis = true;
    }
  });
  if (done) return a;
  impl_->FromMemory();
  const std::int64_t now = NowMs();
  for (const auto i : asked) {
    const Decision d = impl_->memory.Take(now, *limits[i].policy, full_key(i));
    if (!d.allowed) {
      refused_by(i, d);
      return a;
    }
    a.decision = d;
  }
  if (capped && !impl_->memory.Acquire(now, a.lease->key, a.lease->id, in_flight.cap,
                                       in_flight.ttl.count())) {
    a.lease.reset();
    return a;
  }
  a.admitted = true;
  return a;
}

Decision Limiter::Take(const Policy& policy, const std::string& key) {
  if (!policy.enabled()) return Decision{};
  return Admit({{&policy, key}}).decision;
}

std::unique_ptr<Lease> Limiter::Acquire(const std::string& name, const std::string& key, int cap,
                                        std::chrono::milliseconds ttl) {
  if (cap <= 0 || key.empty()) return NewLease(impl_->options.key_prefix, name, key);  // no cap
  return Admit({}, InFlight{name, key, cap, ttl}).lease;
}

void Limiter::Release(const Lease& lease) {
  if (!lease.in_redis) return impl_->memory.Release(lease.key, lease.id);
  try {
    impl_->pool->Command({"ZREM", lease.key, lease.id});
  } catch (const Error&) {
    // Redis is down: the lease ends with its ttl.
  }
}

bool Limiter::last_from_redis() const { return impl_->last_from_redis; }

}  // namespace livedrop::ratelimit
