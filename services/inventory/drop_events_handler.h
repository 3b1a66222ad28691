#pragma once

#include "livedrop/kafka/consumer.h"

namespace livedrop::inventory {

class InventoryApp;

// Creates a drop's stock when livedrop.drops announces it (drop_scheduled) and freezes it when
// the drop is cancelled (drop_cancelled: no new reservations). Redelivery is harmless: creating
// stock that exists or freezing frozen stock changes nothing. Other events of the topic (told
// apart by their payload type) are not inventory's business and are skipped.
class DropEventsHandler {
 public:
  explicit DropEventsHandler(InventoryApp& app) : app_(app) {}
  void operator()(const kafka::Message& message);

 private:
  InventoryApp& app_;
};

}  // namespace livedrop::inventory
