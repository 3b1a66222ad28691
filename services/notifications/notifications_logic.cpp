#include "notifications_logic.h"

#include <google/protobuf/timestamp.pb.h>

#include <boost/json.hpp>

#include "livedrop/core/error.h"
#include "livedrop/core/ids.h"
#include "livedrop/drops/v1/drops.pb.h"
#include "livedrop/grpc/proto_values.h"
#include "livedrop/inventory/v1/inventory.pb.h"
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
  boost::json::object data{{"order_id", order.id()},
                           {"drop_id", order.drop_id()},
                           {"quantity", order.quantity()},
                           {"amount", order.amount()},
                           {"currency", order.currency()},
                           {"status", rpc::EnumName(*orders::v1::OrderStatus_descriptor(),
                                                    order.status(), "ORDER_STATUS_")}};
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
