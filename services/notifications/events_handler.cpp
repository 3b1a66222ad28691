#include "events_handler.h"

#include <spdlog/spdlog.h>

#include <pqxx/pqxx>

#include "livedrop/core/error.h"
#include "livedrop/core/ids.h"
#include "livedrop/drops/v1/drops.pb.h"
#include "livedrop/followers/v1/followers.pb.h"
#include "livedrop/grpc/proto_values.h"
#include "livedrop/inventory/v1/inventory.pb.h"
#include "livedrop/kafka/envelope.h"
#include "livedrop/metrics/registry.h"
#include "livedrop/orders/v1/orders.pb.h"
#include "livedrop/pg/pool.h"
#include "notification_events.h"
#include "notifications_store.h"

namespace livedrop::notifications {
namespace {

using events::v1::Envelope;

Error Malformed(const Envelope& envelope, const std::string& what) {
  return Error(ErrorKind::kInvalidArgument, "malformed_event",
               "event " + envelope.id() + " (" + envelope.type() + "): " + what);
}

void RequireId(const Envelope& envelope, const std::string& field, const std::string& value) {
  if (!IsUuid(value)) throw Malformed(envelope, field + " is not a UUID");
}

TimePoint EventTime(const Envelope& envelope) {
  return envelope.has_time() ? rpc::FromTimestamp(envelope.time()) : Now();
}

NotificationRow Row(const Envelope& envelope, Audience audience, const std::string& audience_id,
                    std::string data_json) {
  NotificationRow row;
  row.id = envelope.id();
  row.type = envelope.type();
  row.time = EventTime(envelope);
  row.data_json = std::move(data_json);
  row.audience = audience;
  row.audience_id = audience_id;
  return row;
}

class Applier {
 public:
  Applier(pqxx::work& tx, EventsHandler::Outcome& outcome) : tx_(tx), outcome_(outcome) {}

  void Apply(const Envelope& envelope) {
    const auto& type = envelope.type();
    if (type == "drop_scheduled" || type == "drop_started" || type == "drop_ended" ||
        type == "drop_cancelled") {
      OnDrop(envelope);
    } else if (type == "sold_out" || type == "low_stock") {
      OnStock(envelope);
    } else if (type == "order_confirmed" || type == "order_failed") {
      OnOrder(envelope);
    } else if (type == "followed" || type == "unfollowed") {
      OnFollow(envelope);
    }
  }

 private:
  void Deliver(NotificationRow row, const Envelope& source) {
    if (StoreAndPublish(tx_, row, source.trace_parent())) {
      outcome_.stored.push_back(row.type);
    } else {
      outcome_.duplicates++;
    }
  }

  void OnDrop(const Envelope& envelope) {
    drops::v1::Drop drop;
    TimePoint scheduled_start{};
    const auto& type = envelope.type();
    if (type == "drop_started") {
      auto event = kafka::UnpackPayload<drops::v1::DropStarted>(envelope);
      scheduled_start = event.has_scheduled_start() ? rpc::FromTimestamp(event.scheduled_start())
                                                    : rpc::FromTimestamp(event.drop().starts_at());
      drop = std::move(*event.mutable_drop());
    } else if (type == "drop_ended") {
      drop = kafka::UnpackPayload<drops::v1::DropEnded>(envelope).drop();
    } else if (type == "drop_cancelled") {
      drop = kafka::UnpackPayload<drops::v1::DropCancelled>(envelope).drop();
    } else {
      drop = kafka::UnpackPayload<drops::v1::DropScheduled>(envelope).drop();
    }
    RequireId(envelope, "drop.id", drop.id());
    RequireId(envelope, "drop.creator_id", drop.creator_id());
    if (!drop.product_id().empty()) RequireId(envelope, "drop.product_id", drop.product_id());

    NotificationsStore::LockDrop(tx_, drop.id());
    NotificationsStore::RememberDrop(tx_, drop.id(), drop.creator_id(), drop.product_id(),
                                     drop.product().title());
    const auto owner = *NotificationsStore::FindDrop(tx_, drop.id());
    if (type == "drop_started") {
      Deliver(Row(envelope, Audience::kCreator, drop.creator_id(),
                  DropStartedData(drop, scheduled_start, owner.title)),
              envelope);
    } else if (type == "drop_ended") {
      Deliver(
          Row(envelope, Audience::kCreator, drop.creator_id(), DropEndedData(drop, owner.title)),
          envelope);
    }
    for (const auto& parked : NotificationsStore::TakeParked(tx_, drop.id())) {
      std::string bytes;
      if (!Base64UrlDecode(parked.envelope, bytes)) continue;  // written by Park: cannot happen
      const auto parked_envelope = kafka::ParseEnvelope(bytes);
      DeliverStock(parked_envelope, owner);
    }
  }

  static std::string StockDropId(const Envelope& envelope) {
    return envelope.type() == "sold_out"
               ? kafka::UnpackPayload<inventory::v1::SoldOut>(envelope).drop_id()
               : kafka::UnpackPayload<inventory::v1::LowStock>(envelope).drop_id();
  }

  void DeliverStock(const Envelope& envelope, const DropOwner& owner) {
    std::string data =
        envelope.type() == "sold_out"
            ? SoldOutData(kafka::UnpackPayload<inventory::v1::SoldOut>(envelope), owner.creator_id)
            : LowStockData(kafka::UnpackPayload<inventory::v1::LowStock>(envelope),
                           owner.creator_id);
    Deliver(Row(envelope, Audience::kCreator, owner.creator_id, std::move(data)), envelope);
  }

  void OnStock(const Envelope& envelope) {
    const auto drop_id = StockDropId(envelope);
    RequireId(envelope, "drop_id", drop_id);
    NotificationsStore::LockDrop(tx_, drop_id);
    if (const auto owner = NotificationsStore::FindDrop(tx_, drop_id)) {
      DeliverStock(envelope, *owner);
      return;
    }
    if (NotificationsStore::Park(tx_, envelope.id(), drop_id, envelope.type(), EventTime(envelope),
                                 Base64UrlEncode(kafka::SerializeEnvelope(envelope)))) {
      outcome_.parked++;
      spdlog::info("{} {} of unknown drop {} parked until the drop is known", envelope.type(),
                   envelope.id(), drop_id);
    } else {
      outcome_.duplicates++;
    }
  }

  void OnOrder(const Envelope& envelope) {
    orders::v1::Order order;
    std::string reason;
    if (envelope.type() == "order_confirmed") {
      order = kafka::UnpackPayload<orders::v1::OrderConfirmed>(envelope).order();
    } else {
      auto event = kafka::UnpackPayload<orders::v1::OrderFailed>(envelope);
      reason = event.reason().empty() ? event.order().failure_code() : event.reason();
      if (reason.empty()) reason = "failed";
      order = std::move(*event.mutable_order());
    }
    RequireId(envelope, "order.buyer_id", order.buyer_id());
    Deliver(Row(envelope, Audience::kUser, order.buyer_id(), OrderData(order, reason)), envelope);
  }

  void OnFollow(const Envelope& envelope) {
    const bool active = envelope.type() == "followed";
    std::string follower_id, creator_id;
    // followers emits Unfollowed for unfollows; a Followed payload means the same pair.
    followers::v1::Unfollowed unfollowed;
    if (!active && kafka::UnpackPayload(envelope, unfollowed)) {
      follower_id = unfollowed.follower_id();
      creator_id = unfollowed.creator_id();
    } else {
      const auto followed = kafka::UnpackPayload<followers::v1::Followed>(envelope);
      follower_id = followed.follower_id();
      creator_id = followed.creator_id();
    }
    RequireId(envelope, "follower_id", follower_id);
    RequireId(envelope, "creator_id", creator_id);
    NotificationsStore::ApplyFollow(tx_, follower_id, creator_id, active, EventTime(envelope));
  }

  pqxx::work& tx_;
  EventsHandler::Outcome& outcome_;
};

struct Metrics {
  metrics::Registry& registry = metrics::Registry::Default();
  metrics::Counter& duplicates = registry.GetCounter(
      "livedrop_notifications_duplicates_total",
      "Notifications not stored again because their source event was seen before");
  metrics::Counter& parked = registry.GetCounter(
      "livedrop_notifications_parked_total",
      "Inventory events kept until their drop is known (drop_scheduled not yet seen)");

  Metrics() {
    // Every type from the start, so a dashboard sees 0 rather than nothing.
    for (const char* type : {"drop_started", "drop_ended", "sold_out", "low_stock",
                             "order_confirmed", "order_failed"}) {
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

EventsHandler::EventsHandler(pg::Pool& pool) : pool_(pool) { GetMetrics(); }

const std::vector<std::string>& EventsHandler::Topics() {
  static const std::vector<std::string> topics{"livedrop.drops", "livedrop.inventory",
                                               "livedrop.orders", "livedrop.followers"};
  return topics;
}

EventsHandler::Outcome EventsHandler::Handle(const Envelope& envelope) {
  if (!IsUuid(envelope.id())) throw Malformed(envelope, "the envelope id is not a UUID");
  Outcome outcome;
  pool_.Transact([&](pqxx::work& tx) {
    outcome = {};  // a retried transaction starts over
    Applier(tx, outcome).Apply(envelope);
  });
  auto& m = GetMetrics();
  for (const auto& type : outcome.stored) m.Stored(type);
  m.duplicates.Inc(outcome.duplicates);
  m.parked.Inc(outcome.parked);
  return outcome;
}

void EventsHandler::operator()(const kafka::Message& message) {
  Handle(kafka::ParseEnvelope(message.payload));
}

}  // namespace livedrop::notifications
