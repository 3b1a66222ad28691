#include "livedrop/redis/versioned_cache.h"

#include <spdlog/spdlog.h>

#include "livedrop/core/error.h"
#include "livedrop/metrics/registry.h"
#include "livedrop/redis/pool.h"

namespace livedrop::redis {
namespace {

// KEYS[1] = key, ARGV = version, value, ttl ms. Entries are "<version>|<value>".
constexpr char kPutIfNewer[] = R"lua(
local current = redis.call('GET', KEYS[1])
if current then
  local v = tonumber(string.match(current, '^(%d+)|'))
  if v and v >= tonumber(ARGV[1]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. ARGV[2], 'PX', ARGV[3])
return 1
)lua";

metrics::Counter& Count(const std::string& cache, const char* result) {
  return metrics::Registry::Default().GetCounter(
      "livedrop_cache_requests_total", "Cache lookups by cache and result (hit, miss, error)",
      {{"cache", cache}, {"result", result}});
}

}  // namespace

VersionedCache::VersionedCache(Pool* pool, std::string name, std::chrono::milliseconds ttl)
    : pool_(pool), name_(std::move(name)), ttl_(ttl) {}

std::optional<std::string> VersionedCache::Get(const std::string& key) {
  if (pool_ == nullptr) return std::nullopt;
  try {
    const auto reply = pool_->Command({"GET", key});
    if (reply.type == Reply::Type::kString) {
      const auto bar = reply.str.find('|');
      if (bar != std::string::npos) {
        Count(name_, "hit").Inc();
        return reply.str.substr(bar + 1);
      }
    }
    Count(name_, "miss").Inc();
  } catch (const Error& e) {
    Count(name_, "error").Inc();
  }
  return std::nullopt;
}

void VersionedCache::PutIfNewer(const std::string& key, std::int64_t version,
                                const std::string& value) {
  if (pool_ == nullptr) return;
  try {
    pool_->Command({"EVAL", kPutIfNewer, "1", key, std::to_string(version), value,
                    std::to_string(ttl_.count())});
  } catch (const Error& e) {
    spdlog::debug("cache {} not updated: {}", name_, e.what());
  }
}

void VersionedCache::Invalidate(const std::string& key) {
  if (pool_ == nullptr) return;
  try {
    pool_->Command({"DEL", key});
  } catch (const Error& e) {
    spdlog::debug("cache {} not invalidated: {}", name_, e.what());
  }
}

}  // namespace livedrop::redis
