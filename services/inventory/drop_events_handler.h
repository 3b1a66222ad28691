#pragma once

#include "livedrop/kafka/consumer.h"

namespace livedrop::inventory {

class Inventory;

// Creates a drop's stock when livedrop.drops announces it (drop_scheduled). Redelivery is
// harmless: creating stock that exists changes nothing. Other event types are ignored.
class DropEventsHandler {
 public:
  explicit DropEventsHandler(Inventory& inventory) : inventory_(inventory) {}
  void operator()(const kafka::Message& message);

 private:
  Inventory& inventory_;
};

}  // namespace livedrop::inventory
