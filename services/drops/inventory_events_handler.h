#pragma once

#include <optional>

#include "drops_logic.h"
#include "livedrop/kafka/consumer.h"

namespace livedrop::events::v1 {
class Envelope;
}

namespace livedrop::drops {

class DropsApp;

// Follows inventory's word on a live drop (livedrop.inventory, consumer group
// livedrop-drops): `sold_out` moves it live → sold_out, `restocked` (a released or expired
// reservation) moves it back to live (DropsApp::FollowStock: one conditional UPDATE, so
// redelivered or late events change nothing). Other inventory events (low_stock) concern
// nobody here. A payload that is not the type's message is not retried (dead-lettered).
class InventoryEventsHandler {
 public:
  explicit InventoryEventsHandler(DropsApp& app) : app_(app) {}
  void operator()(const kafka::Message& message);
  // The same, from a parsed envelope: the drop if it moved.
  std::optional<DropRow> Handle(const events::v1::Envelope& envelope);

 private:
  DropsApp& app_;
};

}  // namespace livedrop::drops
