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

// GCRA on Redis's clock. KEYS[1] the limit's key; ARGV interval and window in ms.
// Answers {allowed, remaining, retry_after_ms, reset_ms}; the key lives as long as its TAT
// is in the future, so an idle limit costs nothing.
constexpr char kGcraScript[] = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local tat = now
local stored = redis.call('GET', KEYS[1])
if stored then tat = math.max(tonumber(stored), now) end
local next_tat = tat + interval
local allow_at = next_tat - window
if now < allow_at then
  return {0, 0, allow_at - now, tat - now}
end
redis.call('SET', KEYS[1], next_tat, 'PX', next_tat - now)
return {1, math.floor((now - allow_at) / interval), 0, next_tat - now}
)lua";

// A place among at most ARGV[1] leases of KEYS[1] (a sorted set: lease id → expiry in ms);
// expired leases are dropped first. ARGV: cap, ttl ms, lease id. Answers 1 (held) or 0.
constexpr char kAcquireScript[] = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
return 1
)lua";

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
  Script gcra{kGcraScript};
  Script acquire{kAcquireScript};
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

Decision Limiter::Take(const Policy& policy, const std::string& key) {
  if (!policy.enabled()) return Decision{};
  const std::string full_key = impl_->options.key_prefix + policy.name + ":" + key;
  Decision d;
  const std::int64_t interval = policy.interval_ms();
  const bool done = impl_->TryRedis([&] {
    const auto r = impl_->gcra.Run(
        *impl_->pool,
        {full_key, std::to_string(interval), std::to_string(interval * policy.quota)}, 1);
    if (r.type != redis::Reply::Type::kArray || r.elements.size() != 4) {
      throw Error(ErrorKind::kInternal, "cache_error", "unexpected rate-limit script answer");
    }
    d.allowed = r.elements[0].integer == 1;
    d.remaining = static_cast<int>(r.elements[1].integer);
    d.retry_after = std::chrono::milliseconds(r.elements[2].integer);
    d.reset = std::chrono::milliseconds(r.elements[3].integer);
  });
  if (done) return d;
  impl_->FromMemory();
  return impl_->memory.Take(NowMs(), policy, full_key);
}

std::unique_ptr<Lease> Limiter::Acquire(const std::string& name, const std::string& key, int cap,
                                        std::chrono::milliseconds ttl) {
  auto lease = std::make_unique<Lease>();
  lease->key = impl_->options.key_prefix + name + ":" + key;
  lease->id = NewUuid();
  if (cap <= 0) return lease;
  bool held = false;
  const bool done = impl_->TryRedis([&] {
    const auto r = impl_->acquire.Run(
        *impl_->pool, {lease->key, std::to_string(cap), std::to_string(ttl.count()), lease->id}, 1);
    held = r.integer == 1;
  });
  if (done) {
    lease->in_redis = true;
  } else {
    impl_->FromMemory();
    held = impl_->memory.Acquire(NowMs(), lease->key, lease->id, cap, ttl.count());
  }
  if (!held) return nullptr;
  return lease;
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
