#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cache/drop_view.h"

namespace livedrop::gateway {

struct DropViewStoreOptions {
  // How long a loaded view is served before it is loaded again, whatever events said: the
  // backstop for an event lost or not (yet) published. 0 turns the store off.
  std::chrono::milliseconds ttl{2000};
  std::size_t capacity = 10000;  // views kept; the least recently read goes first
  std::size_t shards = 16;       // at most `capacity`; each keeps capacity/shards (rounded up)
};

// The gateway's memory of hot drops: views of the drops read lately, kept fresh by events
// (ApplyDrop, ApplyStock) and reloaded after `ttl`. Reads take one shard's shared lock and copy
// a pointer to an immutable view; a change builds a new view and swaps the pointer, so readers
// never wait for a render. Each shard keeps at most capacity/shards views and, when full, drops
// the one read least recently.
//
// Loads race with events: a load notes Mark() before asking the services, and Fill keeps what
// an event applied after that mark (the drop) or with a newer version (the stock) over what the
// load brought. An expired view stays (and keeps taking events) until evicted, so a reload of a
// hot drop merges with it. Thread-safe.
class DropViewStore {
 public:
  using Clock = std::chrono::steady_clock;

  explicit DropViewStore(DropViewStoreOptions options,
                         std::function<Clock::time_point()> now = &Clock::now);
  ~DropViewStore();
  DropViewStore(const DropViewStore&) = delete;
  DropViewStore& operator=(const DropViewStore&) = delete;

  bool enabled() const { return enabled_; }

  // The view of `drop_id` if one is held and its TTL has not run out; else null.
  std::shared_ptr<const DropView> Find(const std::string& drop_id) const;

  // Before a load asks the services.
  std::uint64_t Mark() const;
  // What a load found: `drop` from drops, `available` at `stock_version` from inventory. Returns
  // the view to answer with (merged with newer events); kept unless the store is off.
  std::shared_ptr<const DropView> Fill(std::uint64_t mark, drops::v1::Drop drop, int available,
                                       std::int64_t stock_version);

  // Events, applied to views already held (others are not hot: nothing to do).
  // A drop change (drop_scheduled, drop_started, ...): its status and fields, keeping the
  // product and stock held.
  void ApplyDrop(const drops::v1::Drop& drop);
  // A stock change: ignored unless newer than the held version.
  void ApplyStock(const std::string& drop_id, int available, std::int64_t version);

  std::size_t size() const;

 private:
  struct Shard;
  Shard& ShardOf(const std::string& drop_id) const;

  DropViewStoreOptions options_;
  std::function<Clock::time_point()> now_;
  bool enabled_;
  std::size_t per_shard_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::atomic<std::uint64_t> generation_{0};
};

}  // namespace livedrop::gateway
