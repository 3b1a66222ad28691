#include "cache/drop_view_store.h"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

#include "routes/views.h"
#include "server/conditional.h"

namespace livedrop::gateway {
namespace {

std::int64_t TickOf(DropViewStore::Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

std::shared_ptr<const DropView> Rendered(DropView view) {
  view.body = boost::json::serialize(views::Drop(view.drop));
  view.etag = conditional::EntityTagOf(view.body);
  return std::make_shared<const DropView>(std::move(view));
}

}  // namespace

struct DropViewStore::Shard {
  struct Slot {
    std::shared_ptr<const DropView> view;
    // When it was last read (ms of the store's clock): the eviction order. Written by readers
    // under the shared lock, hence atomic; only when the tick moved, so a hot slot's line is not
    // written on every read.
    mutable std::atomic<std::int64_t> last_read{0};
  };

  mutable std::shared_mutex mutex;
  std::unordered_map<std::string, std::unique_ptr<Slot>> slots;

  // Under the exclusive lock: room for one more.
  void EvictLeastRecentlyRead() {
    auto victim = slots.begin();
    for (auto it = slots.begin(); it != slots.end(); ++it) {
      if (it->second->last_read.load(std::memory_order_relaxed) <
          victim->second->last_read.load(std::memory_order_relaxed)) {
        victim = it;
      }
    }
    if (victim != slots.end()) slots.erase(victim);
  }
};

DropViewStore::DropViewStore(DropViewStoreOptions options, std::function<Clock::time_point()> now)
    : options_(options),
      now_(std::move(now)),
      enabled_(options.ttl.count() > 0 && options.capacity > 0),
      per_shard_(0) {
  // No more shards than views, so a small capacity is not rounded up to one view per shard.
  const std::size_t shards =
      std::clamp<std::size_t>(options_.shards, 1, std::max<std::size_t>(1, options_.capacity));
  per_shard_ = std::max<std::size_t>(1, (options_.capacity + shards - 1) / shards);
  for (std::size_t i = 0; i < shards; ++i) shards_.push_back(std::make_unique<Shard>());
}

DropViewStore::~DropViewStore() = default;

DropViewStore::Shard& DropViewStore::ShardOf(const std::string& drop_id) const {
  return *shards_[std::hash<std::string>{}(drop_id) % shards_.size()];
}

std::shared_ptr<const DropView> DropViewStore::Find(const std::string& drop_id) const {
  if (!enabled_) return nullptr;
  const auto now = now_();
  const auto& shard = ShardOf(drop_id);
  std::shared_lock lock(shard.mutex);
  const auto it = shard.slots.find(drop_id);
  if (it == shard.slots.end() || it->second->view->expires_at <= now) return nullptr;
  const auto tick = TickOf(now);
  if (it->second->last_read.load(std::memory_order_relaxed) != tick) {
    it->second->last_read.store(tick, std::memory_order_relaxed);
  }
  return it->second->view;
}

std::uint64_t DropViewStore::Mark() const { return generation_.load(); }

std::shared_ptr<const DropView> DropViewStore::Fill(std::uint64_t mark, drops::v1::Drop drop,
                                                    int available, std::int64_t stock_version) {
  const auto now = now_();
  DropView view;
  view.drop = std::move(drop);
  view.drop.set_available(available);
  view.stock_version = stock_version;
  view.drop_mark = mark;
  view.expires_at = now + options_.ttl;
  if (!enabled_) return Rendered(std::move(view));

  auto& shard = ShardOf(view.drop.id());
  std::unique_lock lock(shard.mutex);
  auto it = shard.slots.find(view.drop.id());
  if (it != shard.slots.end()) {
    const auto& held = *it->second->view;
    if (held.drop_mark > mark) {  // an event changed the drop while this load was out
      auto product = view.drop.product();
      view.drop = held.drop;
      view.drop_mark = held.drop_mark;
      if (!view.drop.has_product()) *view.drop.mutable_product() = std::move(product);
    }
    if (held.stock_version > stock_version) {
      view.stock_version = held.stock_version;
      available = static_cast<int>(held.drop.available());
    }
    view.drop.set_available(available);
  } else {
    if (shard.slots.size() >= per_shard_) shard.EvictLeastRecentlyRead();
    it = shard.slots.emplace(view.drop.id(), std::make_unique<Shard::Slot>()).first;
  }
  auto rendered = Rendered(std::move(view));
  it->second->view = rendered;
  it->second->last_read.store(TickOf(now), std::memory_order_relaxed);
  return rendered;
}

void DropViewStore::ApplyDrop(const drops::v1::Drop& drop) {
  if (!enabled_) return;
  auto& shard = ShardOf(drop.id());
  std::unique_lock lock(shard.mutex);
  const auto it = shard.slots.find(drop.id());
  const auto mark = ++generation_;
  if (it == shard.slots.end()) return;
  DropView view = *it->second->view;
  auto product = view.drop.product();
  const int available = view.drop.available();
  view.drop = drop;
  view.drop.set_available(available);
  if (!view.drop.has_product()) *view.drop.mutable_product() = std::move(product);
  view.drop_mark = mark;
  it->second->view = Rendered(std::move(view));
}

void DropViewStore::ApplyStock(const std::string& drop_id, int available, std::int64_t version) {
  if (!enabled_) return;
  auto& shard = ShardOf(drop_id);
  std::unique_lock lock(shard.mutex);
  const auto it = shard.slots.find(drop_id);
  if (it == shard.slots.end() || it->second->view->stock_version >= version) return;
  DropView view = *it->second->view;
  view.drop.set_available(available);
  view.stock_version = version;
  it->second->view = Rendered(std::move(view));
}

std::size_t DropViewStore::size() const {
  std::size_t n = 0;
  for (const auto& shard : shards_) {
    std::shared_lock lock(shard->mutex);
    n += shard->slots.size();
  }
  return n;
}

}  // namespace livedrop::gateway
