#include "memory_store.h"

#include <algorithm>
#include <functional>

namespace livedrop::ratelimit {

MemoryStore::MemoryStore(std::size_t capacity)
    : per_shard_(std::max<std::size_t>(1, capacity / kShards)) {}

MemoryStore::Shard& MemoryStore::ShardOf(const std::string& key) {
  return shards_[std::hash<std::string>{}(key) % kShards];
}

void MemoryStore::MakeRoom(Shard& shard, std::int64_t now_ms) {
  if (shard.tat.size() + shard.leases.size() < per_shard_) return;
  std::erase_if(shard.tat, [now_ms](const auto& entry) { return entry.second <= now_ms; });
  for (auto it = shard.leases.begin(); it != shard.leases.end();) {
    std::erase_if(it->second, [now_ms](const auto& lease) { return lease.second <= now_ms; });
    it = it->second.empty() ? shard.leases.erase(it) : std::next(it);
  }
  if (shard.tat.size() + shard.leases.size() < per_shard_ || shard.tat.empty()) return;
  // Still full of live limits: the one closest to expiring is the least to lose.
  shard.tat.erase(std::min_element(shard.tat.begin(), shard.tat.end(),
                                   [](const auto& a, const auto& b) { return a.second < b.second; }));
}

Decision MemoryStore::Take(std::int64_t now_ms, const Policy& policy, const std::string& key) {
  Shard& shard = ShardOf(key);
  std::lock_guard lock(shard.mutex);
  auto it = shard.tat.find(key);
  if (it == shard.tat.end()) {
    MakeRoom(shard, now_ms);
    it = shard.tat.emplace(key, now_ms).first;
  }
  return Gcra(now_ms, it->second, policy);
}

bool MemoryStore::Acquire(std::int64_t now_ms, const std::string& key, const std::string& id,
                          int cap, std::int64_t ttl_ms) {
  Shard& shard = ShardOf(key);
  std::lock_guard lock(shard.mutex);
  auto it = shard.leases.find(key);
  if (it == shard.leases.end()) {
    MakeRoom(shard, now_ms);
    it = shard.leases.emplace(key, std::map<std::string, std::int64_t>{}).first;
  }
  std::erase_if(it->second, [now_ms](const auto& lease) { return lease.second <= now_ms; });
  if (static_cast<int>(it->second.size()) >= cap) return false;
  it->second.emplace(id, now_ms + ttl_ms);
  return true;
}

void MemoryStore::Release(const std::string& key, const std::string& id) {
  Shard& shard = ShardOf(key);
  std::lock_guard lock(shard.mutex);
  const auto it = shard.leases.find(key);
  if (it == shard.leases.end()) return;
  it->second.erase(id);
  if (it->second.empty()) shard.leases.erase(it);
}

}  // namespace livedrop::ratelimit
