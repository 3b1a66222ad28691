#pragma once

#include "livedrop/kafka/consumer.h"

namespace livedrop::orders {

class OrdersApp;

// Withdraws a cancelled drop's orders when livedrop.drops announces the cancellation
// (drop_cancelled): OrdersApp::OnDropCancelled, retried by the consumer until the drop's last
// order is released or refunded. Redelivery is harmless: an order is withdrawn once. Other
// events of the topic (told apart by their payload type) are not orders' business and are
// skipped.
class DropEventsHandler {
 public:
  explicit DropEventsHandler(OrdersApp& app) : app_(app) {}
  void operator()(const kafka::Message& message);

 private:
  OrdersApp& app_;
};

}  // namespace livedrop::orders
