#include "notifications_logic.h"

#include <google/protobuf/timestamp.pb.h>

#include <boost/json.hpp>

#include "livedrop/core/error.h"
#include "livedrop/core/ids.h"
#include "livedrop/drops/v1/drops.pb.h"
#include "livedrop/grpc/proto_values.h"
#include "livedrop/inventory/v1/inventory.pb.h"
#include "livedrop/kafka/envelope.h"
#include "livedrop/orders/v1/orders.pb.h"

namespace livedrop::notifications {
namespace {

using rpc::Rfc3339;

boost::json::object DropFields(const drops::v1::Drop& drop, const std::string& title) {
  boost::json::object data;
  data["drop_id"] = drop.id();
  data["creator_id"] = drop.creator_id();
  data["product_id"] = drop.product_id();
  if (!title.empty()) data["title"] = title;
  return data;
}

void RequireId(const events::v1::Envelope& source, const std::string& field,
               const std::string& value) {
  if (!IsUuid(value)) throw MalformedEvent(source, field + " is not a UUID");
}

NotificationRow Row(const events::v1::Envelope& source, Audience audience,
                    const std::string& audience_id, std::string data_json) {
  NotificationRow row;
  row.id = source.id();
  row.type = source.type();
  row.time = kafka::EventTime(source);
  row.data_json = std::move(data_json);
  row.audience = audience;
  row.audience_id = audience_id;
  return row;
}

NotificationRow OrderNotification(const events::v1::Envelope& source,
                                  const orders::v1::Order& order, const std::string& reason) {
  RequireId(source, "order.buyer_id", order.buyer_id());
  return Row(source, Audience::kUser, order.buyer_id(), OrderData(order, reason));
}

}  // namespace

Error MalformedEvent(const events::v1::Envelope& source, const std::string& what) {
  return Error(ErrorKind::kInvalidArgument, "malformed_event",
               "event " + source.id() + " (" + source.type() + "): " + what);
}

void RequireWellFormed(const events::v1::Envelope& source, const drops::v1::Drop& drop) {
  RequireId(source, "drop.id", drop.id());
  RequireId(source, "drop.creator_id", drop.creator_id());
  if (!drop.product_id().empty()) RequireId(source, "drop.product_id", drop.product_id());
}

void RequireWellFormed(const events::v1::Envelope& source, const FollowChange& change) {
  RequireId(source, "follower_id", change.follower_id);
  RequireId(source, "creator_id", change.creator_id);
}

NotificationRow DropStartedNotification(const events::v1::Envelope& source,
                                        const drops::v1::DropStarted& event,
                                        const std::string& title) {
  const auto scheduled_start = event.has_scheduled_start()
                                   ? rpc::FromTimestamp(event.scheduled_start())
                                   : rpc::FromTimestamp(event.drop().starts_at());
  return Row(source, Audience::kCreator, event.drop().creator_id(),
             DropStartedData(event.drop(), scheduled_start, title));
}

NotificationRow DropEndedNotification(const events::v1::Envelope& source,
                                      const drops::v1::DropEnded& event, const std::string& title) {
  return Row(source, Audience::kCreator, event.drop().creator_id(),
             DropEndedData(event.drop(), title));
}

NotificationRow SoldOutNotification(const events::v1::Envelope& source,
                                    const inventory::v1::SoldOut& event,
                                    const std::string& creator_id) {
  return Row(source, Audience::kCreator, creator_id, SoldOutData(event, creator_id));
}

NotificationRow LowStockNotification(const events::v1::Envelope& source,
                                     const inventory::v1::LowStock& event,
                                     const std::string& creator_id) {
  return Row(source, Audience::kCreator, creator_id, LowStockData(event, creator_id));
}

NotificationRow StockNotification(const events::v1::Envelope& source,
                                  const std::string& creator_id) {
  inventory::v1::SoldOut sold_out;
  if (kafka::UnpackPayload(source, sold_out)) {
    return SoldOutNotification(source, sold_out, creator_id);
  }
  return LowStockNotification(source, kafka::UnpackPayload<inventory::v1::LowStock>(source),
                              creator_id);
}

NotificationRow OrderConfirmedNotification(const events::v1::Envelope& source,
                                           const orders::v1::OrderConfirmed& event) {
  return OrderNotification(source, event.order(), "");
}

NotificationRow OrderFailedNotification(const events::v1::Envelope& source,
                                        const orders::v1::OrderFailed& event) {
  std::string reason = event.reason().empty() ? event.order().failure_code() : event.reason();
  if (reason.empty()) reason = "failed";
  return OrderNotification(source, event.order(), reason);
}

NotificationRow OrderRefundedNotification(const events::v1::Envelope& source,
                                          const orders::v1::OrderRefunded& event) {
  std::string reason = event.reason().empty() ? event.order().failure_code() : event.reason();
  if (reason.empty()) reason = "refunded";
  return OrderNotification(source, event.order(), reason);
}

std::string DropStartedData(const drops::v1::Drop& drop, TimePoint scheduled_start,
                            const std::string& title) {
  auto data = DropFields(drop, title);
  data["starts_at"] = Rfc3339(drop.starts_at());
  data["scheduled_start"] = FormatRfc3339(scheduled_start);
  data["ends_at"] = Rfc3339(drop.ends_at());
  data["quantity"] = drop.quantity();
  data["per_buyer_limit"] = drop.per_buyer_limit();
  return boost::json::serialize(data);
}

std::string DropEndedData(const drops::v1::Drop& drop, const std::string& title) {
  auto data = DropFields(drop, title);
  data["ends_at"] = Rfc3339(drop.ends_at());
  return boost::json::serialize(data);
}

std::string SoldOutData(const inventory::v1::SoldOut& event, const std::string& creator_id) {
  return boost::json::serialize(
      boost::json::object{{"drop_id", event.drop_id()}, {"creator_id", creator_id}});
}

std::string LowStockData(const inventory::v1::LowStock& event, const std::string& creator_id) {
  return boost::json::serialize(boost::json::object{{"drop_id", event.drop_id()},
                                                    {"creator_id", creator_id},
                                                    {"available", event.available()},
                                                    {"total", event.total()}});
}

std::string OrderData(const orders::v1::Order& order, const std::string& reason) {
  boost::json::object data{
      {"order_id", order.id()},       {"drop_id", order.drop_id()},
      {"quantity", order.quantity()}, {"amount", order.amount()},
      {"currency", order.currency()}, {"status", rpc::EnumCode(order.status())}};
  if (!reason.empty()) data["reason"] = reason;
  return boost::json::serialize(data);
}

int SinceLimit(int requested) {
  if (requested == 0) return kDefaultSinceLimit;
  if (requested < 1 || requested > kMaxSinceLimit) {
    throw ValidationError("limit", "limit must be between 1 and " + std::to_string(kMaxSinceLimit));
  }
  return requested;
}

}  // namespace livedrop::notifications
