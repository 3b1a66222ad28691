#pragma once

#include <functional>

#include "drops_store.h"
#include "livedrop/kafka/consumer.h"

namespace livedrop::pg {
class Pool;
}

namespace livedrop::drops {

// Follows inventory's word on a live drop: `sold_out` moves it live → sold_out, `restocked`
// (a released or expired reservation) moves it back to live. Each move is one conditional
// UPDATE, so redelivered or late events change nothing; on_change sees every move after
// its commit (to refresh the cached view).
class InventoryEventsHandler {
 public:
  InventoryEventsHandler(pg::Pool& pool, std::function<void(const DropRow&)> on_change)
      : pool_(pool), on_change_(std::move(on_change)) {}
  void operator()(const kafka::Message& message);

 private:
  pg::Pool& pool_;
  std::function<void(const DropRow&)> on_change_;
};

}  // namespace livedrop::drops
