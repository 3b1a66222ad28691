#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace livedrop::redis {

class Pool;

// A read-through cache in Redis whose entries carry the version of what they hold, so an
// older value can never replace a newer one: a reader that loaded version 3 just before a
// writer stored version 4 cannot put 3 back. Writers store the new version right after their
// commit (write-through); readers fill misses. Every Redis failure reads as a miss and writes
// as a no-op — the database stays the truth, Redis only makes it faster. Hits, misses and
// errors are counted in livedrop_cache_requests_total{cache, result}.
class VersionedCache {
 public:
  VersionedCache(Pool* pool, std::string name, std::chrono::milliseconds ttl);

  std::optional<std::string> Get(const std::string& key);
  // Stores value at `version` unless the entry already holds that version or a newer one.
  void PutIfNewer(const std::string& key, std::int64_t version, const std::string& value);
  void Invalidate(const std::string& key);

 private:
  Pool* pool_;  // may be null: caching off
  std::string name_;
  std::chrono::milliseconds ttl_;
};

}  // namespace livedrop::redis
