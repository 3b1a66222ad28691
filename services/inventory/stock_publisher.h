#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "inventory_logic.h"

namespace livedrop::kafka {
class Producer;
}
namespace livedrop {
class Periodic;
}

namespace livedrop::inventory {

// Which stock snapshots to publish, at most one per drop per `interval`: a drop's first change
// after a quiet interval goes at once; changes within the interval wait and only the latest of
// them goes when it ends. No I/O, no clock of its own. Thread-safe.
class StockCoalescer {
 public:
  using Clock = std::chrono::steady_clock;
  explicit StockCoalescer(std::chrono::milliseconds interval);

  // A pending row, and when the oldest change it carries was offered.
  struct DueRow {
    StockRow row;
    Clock::time_point first_change;
  };

  // The row to publish now, or nullopt: it is then the drop's pending row (the highest version
  // offered wins).
  std::optional<StockRow> Offer(const StockRow& row, Clock::time_point now);
  // The pending rows whose drop's interval has run out by `now`, now counted as published.
  // Forgets drops quiet for a whole interval, so memory follows the drops changing.
  std::vector<DueRow> Due(Clock::time_point now);

 private:
  struct Drop {
    Clock::time_point last_sent;
    std::optional<StockRow> pending;
    Clock::time_point pending_since;  // when the first change behind `pending` was offered
  };
  std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::map<std::string, Drop> drops_;
};

// Publishes stock_changed (topic livedrop.stock, keyed by drop id) after commits, coalesced by a
// StockCoalescer and flushed by a thread of its own every interval: straight to Kafka, not
// through the outbox, since a snapshot needs no delivery guarantee (the next one or a reader's
// TTL makes a lost one good) and must cost the database nothing. Never throws to the caller.
class StockPublisher {
 public:
  StockPublisher(kafka::Producer& producer, std::chrono::milliseconds interval);
  ~StockPublisher();  // Stop()

  void Start();
  void Stop();
  // After a commit: `after` is the stock row as it left it.
  void Changed(const StockRow& after);

 private:
  // `changed_at`: when the oldest change `row` carries was committed.
  void Publish(const StockRow& row, StockCoalescer::Clock::time_point changed_at);

  kafka::Producer& producer_;
  StockCoalescer coalescer_;
  std::unique_ptr<Periodic> flusher_;
};

}  // namespace livedrop::inventory
