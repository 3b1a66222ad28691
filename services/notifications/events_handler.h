#pragma once

#include <string>
#include <vector>

#include "livedrop/kafka/consumer.h"

namespace livedrop::pg {
class Pool;
}
namespace livedrop::events::v1 {
class Envelope;
}

namespace livedrop::notifications {

// Turns the platform's events into notifications (consumer group livedrop-notifications):
//  - livedrop.drops: drop_scheduled (and every drop_* event) teaches whom a drop belongs to;
//    drop_started and drop_ended become broadcasts of the drop's creator.
//  - livedrop.inventory: sold_out and low_stock become broadcasts of the drop's creator. One
//    that arrives before its drop is known is parked, not retried (a retry would stall this
//    consumer, and with it the livedrop.drops event that resolves it), and becomes its
//    broadcast when the drop is learnt. restocked is ignored.
//  - livedrop.orders: order_confirmed and order_failed become personal notifications of the
//    buyer.
//  - livedrop.followers: followed and unfollowed maintain the local follow projection that
//    the inbox merge reads.
// One transaction per event. A notification's id is its source event's id, so redelivery
// stores and publishes nothing new. Malformed events throw a non-retryable Error (dead-lettered);
// database trouble surfaces as retryable errors (the consumer retries).
class EventsHandler {
 public:
  explicit EventsHandler(pg::Pool& pool);
  void operator()(const kafka::Message& message);

  static const std::vector<std::string>& Topics();

  struct Outcome {
    std::vector<std::string> stored;  // types of the notifications stored
    int duplicates = 0;
    int parked = 0;
  };
  // The same, from a parsed envelope; what happened, for metrics and tests.
  Outcome Handle(const events::v1::Envelope& envelope);

 private:
  pg::Pool& pool_;
};

}  // namespace livedrop::notifications
