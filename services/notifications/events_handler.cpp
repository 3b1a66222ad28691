#include "events_handler.h"

#include <spdlog/spdlog.h>

#include <array>
#include <utility>

#include "event_sink.h"
#include "livedrop/core/error.h"
#include "livedrop/core/ids.h"
#include "livedrop/drops/v1/drops.pb.h"
#include "livedrop/followers/v1/followers.pb.h"
#include "livedrop/inventory/v1/inventory.pb.h"
#include "livedrop/kafka/envelope.h"
#include "livedrop/kafka/topics.h"
#include "livedrop/metrics/registry.h"
#include "livedrop/orders/v1/orders.pb.h"

namespace livedrop::notifications {
namespace {

using events::v1::Envelope;
using Route = EventOutcome (*)(EventSink& sink, const Envelope& envelope);

// The payload read as the type's own message, then the sink's use case for it.
template <class Payload, EventOutcome (EventSink::*kUseCase)(const Envelope&, const Payload&)>
EventOutcome Unpacked(EventSink& sink, const Envelope& envelope) {
  return (sink.*kUseCase)(envelope, kafka::UnpackPayload<Payload>(envelope));
}

EventOutcome Followed(EventSink& sink, const Envelope& envelope) {
  const auto e = kafka::UnpackPayload<followers::v1::Followed>(envelope);
  return sink.OnFollowChanged(
      envelope, FollowChange{e.follower_id(), e.creator_id(), true, kafka::EventTime(envelope)});
}

EventOutcome Unfollowed(EventSink& sink, const Envelope& envelope) {
  // followers emits Unfollowed for unfollows; a Followed payload means the same pair.
  followers::v1::Unfollowed e;
  if (kafka::UnpackPayload(envelope, e)) {
    return sink.OnFollowChanged(
        envelope, FollowChange{e.follower_id(), e.creator_id(), false, kafka::EventTime(envelope)});
  }
  const auto followed = kafka::UnpackPayload<followers::v1::Followed>(envelope);
  return sink.OnFollowChanged(envelope, FollowChange{followed.follower_id(), followed.creator_id(),
                                                     false, kafka::EventTime(envelope)});
}

EventOutcome NotifiesNobody(EventSink&, const Envelope&) { return {}; }

// Every event type of the topics consumed (Topics()), and what it becomes.
constexpr std::array<std::pair<std::string_view, Route>, 14> kRoutes{{
    {event_types::kDropScheduled, &Unpacked<drops::v1::DropScheduled, &EventSink::OnDropScheduled>},
    {event_types::kDropStarted, &Unpacked<drops::v1::DropStarted, &EventSink::OnDropStarted>},
    {event_types::kDropEnded, &Unpacked<drops::v1::DropEnded, &EventSink::OnDropEnded>},
    {event_types::kDropCancelled, &Unpacked<drops::v1::DropCancelled, &EventSink::OnDropCancelled>},
    {event_types::kSoldOut, &Unpacked<inventory::v1::SoldOut, &EventSink::OnSoldOut>},
    {event_types::kLowStock, &Unpacked<inventory::v1::LowStock, &EventSink::OnLowStock>},
    {event_types::kRestocked, &NotifiesNobody},
    {event_types::kOrderPlaced, &NotifiesNobody},
    {event_types::kOrderConfirmed,
     &Unpacked<orders::v1::OrderConfirmed, &EventSink::OnOrderConfirmed>},
    {event_types::kOrderFailed, &Unpacked<orders::v1::OrderFailed, &EventSink::OnOrderFailed>},
    {event_types::kOrderCancelled, &NotifiesNobody},
    {event_types::kOrderRefunded,
     &Unpacked<orders::v1::OrderRefunded, &EventSink::OnOrderRefunded>},
    {event_types::kFollowed, &Followed},
    {event_types::kUnfollowed, &Unfollowed},
}};

Route FindRoute(std::string_view type) {
  for (const auto& [known, route] : kRoutes) {
    if (known == type) return route;
  }
  return nullptr;
}

struct Metrics {
  metrics::Registry& registry = metrics::Registry::Default();
  metrics::Counter& duplicates = registry.GetCounter(
      "livedrop_notifications_duplicates_total",
      "Notifications not stored again because their source event was seen before");
  metrics::Counter& parked = registry.GetCounter(
      "livedrop_notifications_parked_total",
      "Inventory events kept until their drop is known (drop_scheduled not yet seen)");
  metrics::Counter& unknown =
      registry.GetCounter("livedrop_notifications_unknown_events_total",
                          "Events skipped because their type is not one this build knows");

  Metrics() {
    // Every type from the start, so a dashboard sees 0 rather than nothing.
    for (const char* type :
         {event_types::kDropStarted, event_types::kDropEnded, event_types::kSoldOut,
          event_types::kLowStock, event_types::kOrderConfirmed, event_types::kOrderFailed,
          event_types::kOrderRefunded}) {
      Stored(type, 0);
    }
  }

  void Stored(const std::string& type, double by = 1) {
    registry
        .GetCounter("livedrop_notifications_stored_total", "Notifications stored, by type",
                    {{"type", type}})
        .Inc(by);
  }
};

Metrics& GetMetrics() {
  static Metrics m;
  return m;
}

}  // namespace

EventsHandler::EventsHandler(EventSink& sink) : sink_(sink) { GetMetrics(); }

const std::vector<std::string>& EventsHandler::Topics() {
  static const std::vector<std::string> topics{topics::kDrops, topics::kInventory, topics::kOrders,
                                               topics::kFollowers};
  return topics;
}

const std::vector<ConsumerLane>& EventsHandler::Lanes() {
  static const std::vector<ConsumerLane> lanes{
      {"livedrop-notifications", {topics::kDrops, topics::kInventory}},
      {"livedrop-notifications-orders", {topics::kOrders}},
      {"livedrop-notifications-followers", {topics::kFollowers}},
  };
  return lanes;
}

bool EventsHandler::Knows(std::string_view type) { return FindRoute(type) != nullptr; }

EventsHandler::Outcome EventsHandler::Handle(const Envelope& envelope) {
  const auto outcome = Apply(envelope);
  Count(outcome);
  return outcome;
}

EventsHandler::Outcome EventsHandler::Apply(const Envelope& envelope) {
  if (!IsUuid(envelope.id())) throw MalformedEvent(envelope, "the envelope id is not a UUID");
  const auto route = FindRoute(envelope.type());
  if (route == nullptr) {
    spdlog::warn("event {} of unknown type '{}' from {} skipped", envelope.id(), envelope.type(),
                 envelope.source());
    Outcome outcome;
    outcome.unknown = 1;
    return outcome;
  }
  return route(sink_, envelope);
}

void EventsHandler::Count(const Outcome& outcome) {
  auto& m = GetMetrics();
  for (const auto& type : outcome.stored) m.Stored(type);
  m.duplicates.Inc(outcome.duplicates);
  m.parked.Inc(outcome.parked);
  m.unknown.Inc(outcome.unknown);
}

void EventsHandler::operator()(const kafka::Message& message) { (*this)({&message, 1}); }

void EventsHandler::operator()(std::span<const kafka::Message> batch) {
  std::vector<Envelope> envelopes;
  envelopes.reserve(batch.size());
  for (const auto& message : batch) envelopes.push_back(kafka::ParseEnvelope(message.payload));
  // Counted once the batch committed: a retried transaction runs every event again.
  std::vector<Outcome> outcomes;
  sink_.Together([&] {
    outcomes.clear();
    for (const auto& envelope : envelopes) outcomes.push_back(Apply(envelope));
  });
  for (const auto& outcome : outcomes) Count(outcome);
}

}  // namespace livedrop::notifications
