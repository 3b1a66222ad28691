#include "notifications_logic.h"

#include <google/protobuf/timestamp.pb.h>

#include <boost/json.hpp>

#include "livedrop/core/error.h"
#include "livedrop/core/ids.h"
#include "livedrop/drops/v1/drops.pb.h"
#include "livedrop/inventory/v1/inventory.pb.h"
#include "livedrop/orders/v1/orders.pb.h"

namespace livedrop::notifications {
namespace {

std::string Rfc3339(const google::protobuf::Timestamp& ts) { return FormatRfc3339(FromProto(ts)); }

boost::json::object DropFields(const drops::v1::Drop& drop, const std::string& title) {
  boost::json::object data;
  data["drop_id"] = drop.id();
  data["creator_id"] = drop.creator_id();
  data["product_id"] = drop.product_id();
  if (!title.empty()) data["title"] = title;
  return data;
}

}  // namespace

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
      {"currency", order.currency()}, {"status", OrderStatusName(order.status())}};
  if (!reason.empty()) data["reason"] = reason;
  return boost::json::serialize(data);
}

const char* OrderStatusName(int status) {
  switch (status) {
    case orders::v1::ORDER_STATUS_PENDING:
      return "pending";
    case orders::v1::ORDER_STATUS_CONFIRMED:
      return "confirmed";
    case orders::v1::ORDER_STATUS_FAILED:
      return "failed";
    case orders::v1::ORDER_STATUS_CANCELLED:
      return "cancelled";
    default:
      return "unknown";
  }
}

int SinceLimit(int requested) {
  if (requested == 0) return kDefaultSinceLimit;
  if (requested < 1 || requested > kMaxSinceLimit) {
    throw ValidationError("limit", "limit must be between 1 and " + std::to_string(kMaxSinceLimit));
  }
  return requested;
}

void RequireUuid(const std::string& field, const std::string& value) {
  if (!IsUuid(value)) throw ValidationError(field, field + " must be a UUID");
}

TimePoint FromProto(const google::protobuf::Timestamp& ts) {
  return TimePoint(std::chrono::microseconds(ts.seconds() * 1'000'000 + ts.nanos() / 1000));
}

void ToProto(TimePoint t, google::protobuf::Timestamp& out) {
  const auto us = t.time_since_epoch().count();
  auto seconds = us / 1'000'000;
  auto micros = us % 1'000'000;
  if (micros < 0) {
    seconds -= 1;
    micros += 1'000'000;
  }
  out.set_seconds(seconds);
  out.set_nanos(static_cast<int>(micros) * 1000);
}

}  // namespace livedrop::notifications
