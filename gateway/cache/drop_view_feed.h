#pragma once

#include <memory>
#include <string>

namespace livedrop::kafka {
class Consumer;
struct Message;
}  // namespace livedrop::kafka

namespace livedrop::gateway {

class DropViewStore;

// Keeps the drop views fresh from Kafka: drop changes from livedrop.drops (started, ended,
// cancelled: each carries the drop) and stock snapshots from livedrop.stock (inventory's
// stock_changed, at most one per drop per interval). Like NotificationFeed, each gateway reads
// every partition in a group of its own from the newest offset: a view loaded later is loaded
// whole, so only what happens while it is held matters.
class DropViewFeed {
 public:
  DropViewFeed(DropViewStore& store, const std::string& brokers);
  ~DropViewFeed();

  void Start();
  void Stop();
  bool Ready() const;  // partitions assigned: events reach the store

  // One message of the feed's topics applied to `store` (what the consumer does with each).
  static void Apply(DropViewStore& store, const kafka::Message& message);

 private:
  DropViewStore& store_;
  std::unique_ptr<kafka::Consumer> consumer_;
};

}  // namespace livedrop::gateway
