#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>

#include "livedrop/ratelimit/gcra.h"

namespace livedrop::ratelimit {

// The in-memory side of Limiter: GCRA states and leases in shards (one lock each), bounded:
// a full shard first forgets what has expired, then the entry that expires soonest.
class MemoryStore {
 public:
  explicit MemoryStore(std::size_t capacity);

  Decision Take(std::int64_t now_ms, const Policy& policy, const std::string& key);
  bool Acquire(std::int64_t now_ms, const std::string& key, const std::string& id, int cap,
               std::int64_t ttl_ms);
  void Release(const std::string& key, const std::string& id);

 private:
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, std::int64_t> tat;                  // key → TAT (ms)
    std::unordered_map<std::string, std::map<std::string, std::int64_t>> leases;  // id → expiry
  };
  Shard& ShardOf(const std::string& key);
  void MakeRoom(Shard& shard, std::int64_t now_ms);

  static constexpr std::size_t kShards = 16;
  std::size_t per_shard_;
  std::array<Shard, kShards> shards_;
};

}  // namespace livedrop::ratelimit
