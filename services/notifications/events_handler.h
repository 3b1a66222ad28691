#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "livedrop/kafka/consumer.h"
#include "notifications_logic.h"

namespace livedrop::events::v1 {
class Envelope;
}

namespace livedrop::notifications {

class EventSink;

// One consumer of livedrop-notifications: its group and the topics it reads.
struct ConsumerLane {
  std::string group_id;
  std::vector<std::string> topics;
};

// Turns the platform's events into notifications (consumer groups: Lanes()):
//  - livedrop.drops: drop_scheduled (and every drop_* event) teaches whom a drop belongs to;
//    drop_started and drop_ended become broadcasts of the drop's creator.
//  - livedrop.inventory: sold_out and low_stock become broadcasts of the drop's creator. One
//    that arrives before its drop is known is parked, not retried (a retry would stall this
//    consumer, and with it the livedrop.drops event that resolves it), and becomes its
//    broadcast when the drop is learnt. restocked is ignored.
//  - livedrop.orders: order_confirmed, order_failed and order_refunded (a paid order refunded
//    because its drop was cancelled) become personal notifications of the buyer; order_placed
//    and order_cancelled are ignored.
//  - livedrop.followers: followed and unfollowed maintain the local follow projection that
//    the inbox merge reads.
// Routed by ONE table from the event_types constants of topics.h to the EventSink use case,
// each payload read as its own message (another payload is payload_type_mismatch: a
// non-retryable Error, dead-lettered, never taken for another event). A type missing from
// the table is counted (livedrop_notifications_unknown_events_total), logged and skipped.
// Malformed events throw a non-retryable Error; database trouble surfaces as retryable
// errors (the consumer retries). A consumer's batch is run Together (NotificationsApp: one
// transaction); a malformed event fails the whole batch, non-retryable, and the consumer
// handles it again one message at a time, so only that event is dead-lettered. Metrics are
// counted once the batch is done.
class EventsHandler {
 public:
  using Outcome = EventOutcome;

  explicit EventsHandler(EventSink& sink);
  void operator()(const kafka::Message& message);
  void operator()(std::span<const kafka::Message> batch);

  static const std::vector<std::string>& Topics();
  // Topics() split over consumers that run side by side, each on its own thread and group, so
  // a backlog on one does not hold up another: a wave of follows (a transaction per batch) or an
  // order storm no longer sits in front of drop_started. Drops and inventory share a lane: a
  // stock event parked until its drop is known is resolved by that lane's drop events. Each
  // topic is in exactly one lane; per-key order holds within a topic, the only order relied on.
  static const std::vector<ConsumerLane>& Lanes();
  // Whether the table routes (or knowingly ignores) this event type.
  static bool Knows(std::string_view type);

  // The same, from a parsed envelope; what happened, for metrics and tests.
  Outcome Handle(const events::v1::Envelope& envelope);

 private:
  Outcome Apply(const events::v1::Envelope& envelope);  // counts nothing
  static void Count(const Outcome& outcome);

  EventSink& sink_;
};

}  // namespace livedrop::notifications
