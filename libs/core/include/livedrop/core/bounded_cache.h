#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <unordered_map>
#include <utility>

namespace livedrop {

// The one in-process cache: a map with a capacity. At its bound, adding a key evicts the least
// recently used entry — one entry, never the whole cache, so a full cache in the middle of a
// hot drop keeps its hot keys. An entry may also carry an expiry, after which Find no longer
// returns it (and erases it).
//
// Not thread-safe: every user already holds a lock around more than the cache (a look-up and
// its fill, or a cache and the state beside it), so the cache leaves locking to the caller.
// `on_evict` runs, under the caller's lock, once per entry evicted to make room (not for
// expired or erased ones): the hook for livedrop_cache_evictions_total.
template <typename K, typename V, typename Hash = std::hash<K>>
class BoundedCache {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr Clock::time_point kNever = Clock::time_point::max();

  explicit BoundedCache(std::size_t capacity, std::function<void()> on_evict = {})
      : capacity_(capacity < 1 ? 1 : capacity), on_evict_(std::move(on_evict)) {}

  // The live value for `key`, now the most recently used; nullptr if absent or expired at
  // `now`. The pointer stays valid until that entry is evicted, replaced or erased.
  V* Find(const K& key, Clock::time_point now = Clock::now()) {
    const auto it = index_.find(key);
    if (it == index_.end()) return nullptr;
    if (it->second->expires_at <= now) {
      order_.erase(it->second);
      index_.erase(it);
      return nullptr;
    }
    order_.splice(order_.begin(), order_, it->second);
    return &it->second->value;
  }

  // Inserts or replaces `key`, as the most recently used entry; evicts the least recently used
  // one if that would pass the capacity.
  V& Put(const K& key, V value, Clock::time_point expires_at = kNever) {
    if (const auto it = index_.find(key); it != index_.end()) {
      it->second->value = std::move(value);
      it->second->expires_at = expires_at;
      order_.splice(order_.begin(), order_, it->second);
      return it->second->value;
    }
    if (index_.size() >= capacity_) {
      index_.erase(order_.back().key);
      order_.pop_back();
      ++evictions_;
      if (on_evict_) on_evict_();
    }
    order_.push_front(Node{key, std::move(value), expires_at});
    index_.emplace(key, order_.begin());
    return order_.front().value;
  }

  bool Erase(const K& key) {
    const auto it = index_.find(key);
    if (it == index_.end()) return false;
    order_.erase(it->second);
    index_.erase(it);
    return true;
  }

  // Every entry gone (not evictions: `on_evict` does not run), the capacity kept.
  void Clear() {
    index_.clear();
    order_.clear();
  }

  // Entries held, counting expired ones not looked up since (eviction reaches them in time).
  std::size_t size() const { return index_.size(); }
  std::size_t capacity() const { return capacity_; }
  std::uint64_t evictions() const { return evictions_; }

 private:
  struct Node {
    K key;
    V value;
    Clock::time_point expires_at;
  };
  using Order = std::list<Node>;  // most recently used first; nodes never move in memory

  std::size_t capacity_;
  std::function<void()> on_evict_;
  Order order_;
  std::unordered_map<K, typename Order::iterator, Hash> index_;
  std::uint64_t evictions_ = 0;
};

}  // namespace livedrop
